// An image that carries systemd has journald's units in its search path, wanted at boot. Under svcd
// as PID 1 they are svcd's own journal: active in the states systemd shows, with no process — no
// second journald beside svcd's — while the services' output still lands in the one journal
// svcctl logs reads; stopping and starting them again changes nothing of it. Debian's own unit
// files where the host has systemd, stand-ins with the same names (whose ExecStart= would show a
// second process) otherwise.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootInNamespace, sleep, type SvcdInNamespace } from '../support/svcd-ns.js';
import { JOURNAL_UNITS } from '../../src/unit/journal-units.js';

const usable = spawnSync('unshare', ['--pid', '--fork', '--mount-proc', 'true']).status === 0;
const work = mkdtempSync(join(tmpdir(), 'svcd-systemd-image-'));
const VENDOR = '/lib/systemd/system';
const STAND_IN: Record<string, string> = {
  'systemd-journald.service': '[Service]\nExecStart=/bin/sh -c "echo a second journald; exec sleep 1000"\n',
  'systemd-journal-flush.service': '[Service]\nType=oneshot\nRemainAfterExit=yes\nExecStart=/bin/sh -c "echo a journal flush"\n',
  'systemd-journald.socket': '[Socket]\nListenStream=/nonexistent/stdout\n',
  'systemd-journald-dev-log.socket': '[Socket]\nListenDatagram=/nonexistent/dev-log\n',
  'systemd-journald-audit.socket': '[Socket]\nListenNetlink=audit 1\n',
};
const names = Object.keys(JOURNAL_UNITS);
let ns: SvcdInNamespace | undefined;
const show = async (unit: string, ...props: string[]) => (await ns!.svcctl('show', ...props.flatMap((p) => ['-p', p]), unit)).stdout;
// The service's own lines (svcd's "Started app.service." are in the unit's log too, as systemd's are).
const appLines = async () => (await ns!.svcctl('logs', '--no-pager', '-o', 'cat', '-u', 'app')).stdout.split('\n').filter((l) => l === 'app logs to the journal').length;
const children = () => spawnSync('ps', ['-o', 'args=', '--ppid', String(ns!.hostPid)], { encoding: 'utf8' }).stdout;

beforeAll(async () => {
  if (!usable) return;
  const units = join(work, 'units');
  mkdirSync(units);
  for (const n of names) writeFileSync(join(units, n), existsSync(join(VENDOR, n)) ? readFileSync(join(VENDOR, n)) : STAND_IN[n]!);
  writeFileSync(join(units, 'app.service'), '[Unit]\nAfter=systemd-journald.socket\n[Service]\nExecStart=/bin/sh -c "echo app logs to the journal; exec sleep 1000"\n');
  writeFileSync(join(units, 'image.target'), `[Unit]\nWants=${[...names, 'app.service'].join(' ')}\n`);
  ns = await bootInNamespace(work, units, 'image.target');
}, 60000);
afterAll(async () => {
  await ns?.stop();
  rmSync(work, { recursive: true, force: true });
});

describe.skipIf(!usable)('journald\'s units in an image that carries systemd, under svcd as PID 1', () => {
  it('are active in systemd\'s sub-states where their conditions hold (Debian\'s audit socket\'s do not in a container), and none has a process', async () => {
    for (const n of names) {
      const conditions = (await show(n, 'ConditionResult')).trim();
      const state = conditions === 'ConditionResult=no' ? 'ActiveState=inactive\nSubState=dead' : `ActiveState=active\nSubState=${JOURNAL_UNITS[n]!}`;
      expect(await show(n, 'LoadState', 'ActiveState', 'SubState', 'MainPID'), n).toMatch(new RegExp(`^(MainPID=0\\n)?LoadState=loaded\\n${state}\\n`));
    }
    expect(await show('systemd-journald.service', 'ActiveState')).toBe('ActiveState=active\n');
    expect(children()).not.toMatch(/journald|a second journald|journal flush|journalctl/);
    expect(ns!.console()).not.toMatch(/a second journald|a journal flush/);
  });
  it('the services\' output is in svcd\'s journal, which svcctl logs reads', async () => {
    for (let t = 0; t < 50 && (await appLines()) < 1; t++) await sleep(100);
    expect(await appLines()).toBe(1);
  });
  it('stopping and starting journald\'s service changes its state only: the journal goes on', async () => {
    expect((await ns!.svcctl('stop', 'systemd-journald.service')).rc).toBe(0);
    expect(await show('systemd-journald.service', 'ActiveState')).toBe('ActiveState=inactive\n');
    expect((await ns!.svcctl('restart', 'app.service')).rc).toBe(0);
    for (let t = 0; t < 50 && (await appLines()) < 2; t++) await sleep(100);
    expect(await appLines()).toBe(2);
    expect((await ns!.svcctl('start', 'systemd-journald.service')).rc).toBe(0);
    expect(await show('systemd-journald.service', 'ActiveState', 'SubState')).toBe('ActiveState=active\nSubState=running\n');
    expect(children()).not.toMatch(/journald/);
  });
});
