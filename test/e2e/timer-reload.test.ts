// daemon-reload while a timer waits: its file now says OnActiveSec=2s instead of 1h, and the timer must
// elapse by the new value (its service runs within seconds, the timer ends elapsed), not keep the OS timer
// armed for the old hour. Run under svcd as PID 1 and, where systemd-ns can run, the same steps under real
// systemd 252, which must give the same states and run count.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { liveOracle } from '../support/oracle.js';
import { bootInNamespace, sleep } from '../support/svcd-ns.js';

const repo = join(__dirname, '../..');
const ns = resolve(repo, '../shared/tools/systemd-ns');
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

interface Look { readonly before: string; readonly after: string; readonly runs: number }

/** Writes the tree under a fresh directory (under /var/tmp: systemd-ns gives its namespace its own /tmp). */
function tree(): { root: string; units: string } {
  const root = mkdtempSync('/var/tmp/svcd-timer-reload-');
  dirs.push(root);
  const units = join(root, 'units');
  mkdirSync(units);
  writeFileSync(join(units, 'x.target'), '[Unit]\nWants=tick.timer\n');
  writeFileSync(join(units, 'tick.timer'), '[Timer]\nOnActiveSec=1h\nAccuracySec=1us\n');
  writeFileSync(join(units, 'tick.service'), `[Service]\nType=oneshot\nExecStart=/bin/sh -c 'echo ran >> ${root}/out'\n`);
  return { root, units };
}

/** The steps, with `show` (systemctl show text) and `reload` from the manager under test. */
async function scenario(root: string, units: string, show: (p: string) => Promise<string>, reload: () => Promise<void>): Promise<Look> {
  const state = async () => (await show('ActiveState,SubState')).trim().replace('\n', ' ');
  const before = await state();
  writeFileSync(join(units, 'tick.timer'), '[Timer]\nOnActiveSec=2s\nAccuracySec=1us\n');
  await reload();
  const runs = () => (existsSync(join(root, 'out')) ? readFileSync(join(root, 'out'), 'utf8').split('\n').filter(Boolean).length : 0);
  for (let t = 0; t < 15000 && runs() === 0; t += 100) await sleep(100);
  await sleep(1000);
  return { before, after: await state(), runs: runs() };
}

describe('a timer whose file changed, daemon-reload', () => {
  it('elapses by the new value under svcd', async () => {
    const { root, units } = tree();
    const svcd = await bootInNamespace(root, units, 'x.target');
    try {
      const look = await scenario(root, units, async (p) => (await svcd.svcctl('show', '-p', p, 'tick.timer')).stdout, async () => {
        expect((await svcd.svcctl('daemon-reload')).rc).toBe(0);
      });
      expect(look, svcd.console()).toEqual({ before: 'ActiveState=active SubState=waiting', after: 'ActiveState=active SubState=elapsed', runs: 1 });
    } finally {
      await svcd.stop();
    }
  }, 60_000);

  it.runIf(liveOracle)('as under systemd 252', async () => {
    const { root, units } = tree();
    const pid = execFileSync(join(ns, 'systemd-ns.sh'), ['--console', 'null', units, 'x.target'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const exec = (...args: string[]) => execFileSync(join(ns, 'systemd-ns-exec.sh'), [pid, ...args], { encoding: 'utf8' });
    try {
      const look = await scenario(root, units, async (p) => exec('systemctl', 'show', '-p', p, 'tick.timer'), async () => void exec('systemctl', 'daemon-reload'));
      expect(look).toEqual({ before: 'ActiveState=active SubState=waiting', after: 'ActiveState=active SubState=elapsed', runs: 1 });
    } finally {
      execFileSync(join(ns, 'systemd-ns.sh'), ['--stop', pid]);
    }
  }, 60_000);
});
