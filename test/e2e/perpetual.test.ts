// The units systemd has without a file (src/unit/perpetual.ts), seen from a boot whose search path is
// a package's units and systemd's targets only — no -.slice or system.slice file, as when svcd is
// given `--unit-path DIR` in a container. Every transaction after the boot pulls system.slice in:
// a Restart= after kill -9, a start that stops a Conflicts= unit, an OnFailure= handler.
// What `show` says of those units is checked against real systemd 252's answer, recorded by
// scripts/record-perpetual-fixtures.sh (re-run live where systemd-ns can run; SVCD_LIVE_ORACLE=0 skips).
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { liveOracle } from '../support/oracle.js';
import { buildTree } from '../support/tree.mjs';
import { bootSearchPathInNamespace, sleep, type SvcdInNamespace } from '../support/svcd-ns.js';

const repo = join(__dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'svcd-perpetual-'));
const out = join(dir, 'out');
const units = join(dir, 'units');
const svc = (unit: string, service: string) => `[Unit]\n${unit}[Service]\n${service}`;
buildTree(dir, {
  files: {
    'units/crashy.service': svc('', `ExecStart=/bin/sh -c 'echo $$$$ >> ${out}/crashy; exec sleep 600'\nRestart=always\nRestartSec=100ms\n`),
    'units/a.service': svc('Conflicts=b.service\n', 'ExecStart=/bin/sleep 600\n'),
    'units/b.service': svc('', 'ExecStart=/bin/sleep 600\n'),
    'units/failing.service': svc('OnFailure=handler.service\n', "ExecStart=/bin/sh -c 'exit 1'\n"),
    'units/handler.service': svc('', `Type=oneshot\nExecStart=/bin/sh -c 'echo handled > ${out}/handler'\n`),
    'units/x.target': '[Unit]\nDescription=Test Target\nRequires=multi-user.target\nAfter=multi-user.target\nWants=crashy.service a.service\n',
    'out/.keep': '',
  },
});
// systemd's targets, as svcd ships them, and no slice file.
for (const f of readdirSync(join(repo, 'units'))) if (f.endsWith('.target')) copyFileSync(join(repo, 'units', f), join(units, f));

let svcd: SvcdInNamespace;
const until = async (pred: () => boolean, ms = 20000) => {
  for (let t = 0; t < ms && !pred(); t += 50) await sleep(50);
  return pred();
};
const lines = (f: string) => (existsSync(f) ? readFileSync(f, 'utf8').trim().split('\n') : []);

beforeAll(async () => {
  expect(readdirSync(units).some((f) => f.endsWith('.slice'))).toBe(false);
  svcd = await bootSearchPathInNamespace(dir, units, 'x.target');
  await until(() => lines(join(out, 'crashy')).length === 1);
}, 30_000);
afterAll(async () => {
  await svcd?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('a search path without slice files', () => {
  it('restarts a Restart=always service killed with SIGKILL', async () => {
    const [pid] = lines(join(out, 'crashy'));
    spawnSync('nsenter', ['-t', String(svcd.hostPid), '-p', '-m', 'kill', '-9', pid!]);
    expect(await until(() => lines(join(out, 'crashy')).length === 2), svcd.console()).toBe(true);
    expect(svcd.console()).not.toMatch(/system\.slice not found/);
    expect((await svcctl('is-active', 'crashy.service')).stdout).toBe('active\n');
  });

  it('starts b and stops a, which Conflicts=b', async () => {
    expect((await svcctl('is-active', 'a.service')).stdout).toBe('active\n');
    const r = await svcctl('start', 'b.service');
    expect(r.rc, r.stderr).toBe(0);
    expect((await svcctl('is-active', 'b.service')).stdout).toBe('active\n');
    expect((await svcctl('is-active', 'a.service')).stdout).toBe('inactive\n');
  });

  it("runs a failing unit's OnFailure= handler", async () => {
    await svcctl('start', 'failing.service');
    expect(await until(() => lines(join(out, 'handler'))[0] === 'handled'), svcd.console()).toBe(true);
  });

  it('shows the units systemd has without a file as systemd 252 does', async () => {
    const recorded = readFileSync(join(repo, 'test/fixtures/perpetual/show.txt'), 'utf8');
    const names = [...recorded.matchAll(/^Id=(.*)$/gm)].map((m) => m[1]!);
    const r = await svcctl('show', '-p', 'Id,LoadState,ActiveState,SubState,Description,Documentation,DefaultDependencies,IgnoreOnIsolate,Perpetual,CanStop', '--', ...names);
    expect(r.rc, r.stderr).toBe(0);
    expect(byUnit(r.stdout)).toEqual(byUnit(recorded));
  });

  it('refuses to stop a perpetual unit, as systemd does', async () => {
    const r = await svcctl('stop', 'system.slice');
    expect(r.rc).not.toBe(0);
    expect(r.stderr).toMatch(/Job type stop is not applicable for unit system\.slice\./);
    expect((await svcctl('is-active', 'system.slice')).stdout).toBe('active\n');
  });

  // The root slice holds every unit and init.scope is svcd itself: stopping either would stop everything.
  it.each(['-.slice', 'init.scope'])('refuses to stop %s, and nothing is stopped', async (unit) => {
    const running = (await svcctl('list-units', '--state=active', '--no-legend', '--plain')).stdout;
    const state = (await svcctl('is-system-running')).stdout;
    const r = await svcctl('stop', '--', unit);
    expect(r.rc).not.toBe(0);
    expect(r.stderr).toContain(`Job type stop is not applicable for unit ${unit}.`);
    expect((await svcctl('is-active', '--', unit)).stdout).toBe('active\n');
    expect((await svcctl('list-units', '--state=active', '--no-legend', '--plain')).stdout).toBe(running);
    expect((await svcctl('is-system-running')).stdout).toBe(state);
  });
});

const svcctl = (...args: string[]) => svcd.svcctl(...args);

/** `show` output of several units as one map per unit (systemctl orders properties its own way). */
function byUnit(text: string): Record<string, Record<string, string>> {
  const outMap: Record<string, Record<string, string>> = {};
  for (const block of text.trim().split(/\n\n+/)) {
    const props = Object.fromEntries(block.split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
    outMap[props.Id!] = props;
  }
  return outMap;
}

describe.runIf(liveOracle)('the recording against a live systemd', () => {
  it('is what systemd answers today', () => {
    const file = join(dir, 'live-show.txt');
    const r = spawnSync(join(repo, 'scripts/record-perpetual-fixtures.sh'), [file], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(byUnit(readFileSync(file, 'utf8'))).toEqual(byUnit(readFileSync(join(repo, 'test/fixtures/perpetual/show.txt'), 'utf8')));
  }, 120_000);
});
