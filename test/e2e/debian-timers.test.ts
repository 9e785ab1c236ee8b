// Real Debian packages' .timer units, unmodified, with their real services, under svcd as PID 1 of a PID
// + mount namespace (test/fixtures/debian/boot-in-namespace.sh: a private /run, an overlay on /var).
// logrotate.timer (daily) and e2scrub_all.timer (Sundays, RandomizedDelaySec=60) are Persistent=true:
// given stamps older than their last elapse (a container down over a weekend), each fires at boot as
// systemd's would (e2scrub_all's within its minute of random delay) — its service runs to success
// (logrotate writes its state file; e2scrub_all, without lvm2, exits 0 only when its unit's
// Environment=SERVICE_MODE=1 reached it) — and waits again, its stamp renewed. man-db.timer missed a
// run too, but as systemd does it adds its RandomizedDelaySec=12h to the missed run: it waits, up to 12 h.
// dpkg-db-backup.timer (daily, not persistent) only waits for midnight: nothing was missed.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signalPid } from '../support/proc.js';

const repo = join(__dirname, '../..');
const installed = (pkg: string) => spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' }).stdout.includes('install ok installed');
const TIMERS = ['logrotate', 'e2scrub_all', 'man-db', 'dpkg-db-backup'];
const present = ['logrotate', 'e2fsprogs', 'man-db', 'dpkg'].every(installed) && TIMERS.every((n) => existsSync(`/lib/systemd/system/${n}.timer`));
const work = mkdtempSync(join(tmpdir(), 'svcd-debian-timers-'));
const upper = join(work, 'var-upper');
const stamps = join(upper, 'lib/svcd/timers');
const DAY = 86_400;
const bootedAt = Date.now() / 1000;
let proc: ChildProcess | undefined;
let out = '';

const until = async (pred: () => boolean, ms = 60000) => {
  for (let t = 0; t < ms && !pred(); t += 200) await new Promise((r) => setTimeout(r, 200));
  return pred();
};
const pid1 = () => Number(spawnSync('pgrep', ['-P', String(proc!.pid)], { encoding: 'utf8' }).stdout.trim());
// svcctl runs inside the namespaces: /run (the control socket) is private to them.
const inside = (...args: string[]) => spawnSync('nsenter', ['-t', String(pid1()), '-m', '-p', '--', process.execPath, join(repo, 'dist/cli/svcctl.js'), '--runtime-dir', '/run/svcd', ...args], { encoding: 'utf8', env: { ...process.env, TZ: 'UTC' } });
const show = (unit: string, ...props: string[]) => Object.fromEntries(inside('show', '-p', props.join(','), unit).stdout.trim().split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
const mtime = (f: string) => statSync(f).mtimeMs / 1000;
/** A timestamp as show prints it under TZ=UTC ("Tue 2026-12-08 00:00:00 UTC"), in epoch seconds. */
const epoch = (t: string) => Date.parse(t.replace(/^\w+ (\S+) (\S+) UTC$/, '$1T$2Z')) / 1000;

beforeAll(() => {
  if (!present) return;
  mkdirSync(stamps, { recursive: true });
  // Old enough for a missed daily run, and (8 days) for a missed Sunday.
  for (const [t, days] of [['logrotate.timer', 3], ['man-db.timer', 3], ['e2scrub_all.timer', 8]] as const) {
    writeFileSync(join(stamps, `stamp-${t}`), '');
    utimesSync(join(stamps, `stamp-${t}`), bootedAt - days * DAY, bootedAt - days * DAY);
  }
  proc = spawn('unshare', ['--mount', '--pid', '--fork', '--mount-proc', '--kill-child', 'sh', join(repo, 'test/fixtures/debian/boot-in-namespace.sh'), work, repo, ...TIMERS.map((n) => `${n}.timer`)], { stdio: ['ignore', 'pipe', 'pipe'] });
  proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (out += d.toString()));
});
afterAll(() => {
  if (proc && proc.exitCode === null) proc.kill('SIGKILL');
  rmSync(work, { recursive: true, force: true });
});

describe.skipIf(!present)('Debian timers under svcd (skipped unless logrotate, e2fsprogs, man-db and dpkg ship their timers here)', () => {
  it('boots with the timers started', async () => {
    expect(await until(() => /Reached target x\.target/.test(out)), out).toBe(true);
    for (const t of TIMERS.map((n) => `${n}.timer`)) expect(out).toMatch(new RegExp(`\\[ {2}OK {2}\\] Started ${t.replace('.', '\\.')}`));
    expect(out).not.toMatch(/FAILED|DEPEND/);
  });

  it.each([
    ['logrotate', join(upper, 'lib/logrotate/status')],
    ['e2scrub_all', undefined],
  ])('%s.timer, Persistent= with a run missed, starts its real service at boot, which succeeds', async (name, product) => {
    const ran = () => {
      const s = show(`${name}.service`, 'ActiveState', 'ExecMainStartTimestampMonotonic');
      return s.ActiveState === 'inactive' && s.ExecMainStartTimestampMonotonic !== '0';
    };
    // e2scrub_all waits up to its RandomizedDelaySec=60 after the boot.
    expect(await until(ran, 90_000), out).toBe(true);
    expect(show(`${name}.service`, 'Result', 'ExecMainStatus', 'ExecMainCode')).toEqual({ Result: 'success', ExecMainStatus: '0', ExecMainCode: '1' });
    if (product) expect(existsSync(product) && mtime(product) >= bootedAt - 1, `${product} written`).toBe(true);
    // Back to waiting for the next day, the stamp renewed to this run.
    expect(await until(() => show(`${name}.timer`, 'SubState').SubState === 'waiting')).toBe(true);
    const t = show(`${name}.timer`, 'LastTriggerUSec', 'NextElapseUSecRealtime', 'Result');
    expect(t.Result).toBe('success');
    expect(epoch(t.LastTriggerUSec!)).toBeGreaterThanOrEqual(Math.floor(bootedAt));
    expect(epoch(t.NextElapseUSecRealtime!)).toBeGreaterThan(bootedAt);
    expect(mtime(join(stamps, `stamp-${name}.timer`))).toBeGreaterThanOrEqual(bootedAt - 1);
  }, 120_000);

  it('man-db.timer, Persistent= with a run missed and RandomizedDelaySec=12h, waits up to 12 h as systemd does', () => {
    const t = show('man-db.timer', 'SubState', 'NextElapseUSecRealtime');
    expect(t.SubState).toBe('waiting');
    expect(epoch(t.NextElapseUSecRealtime!)).toBeGreaterThanOrEqual(Math.floor(bootedAt));
    expect(epoch(t.NextElapseUSecRealtime!)).toBeLessThanOrEqual(bootedAt + DAY / 2 + 60);
    expect(show('man-db.service', 'ExecMainStartTimestampMonotonic')).toEqual({ ExecMainStartTimestampMonotonic: '0' });
  });

  it('dpkg-db-backup.timer, daily and not persistent, waits for midnight without running its service', () => {
    expect(show('dpkg-db-backup.timer', 'ActiveState', 'SubState', 'NextElapseUSecRealtime')).toEqual({ ActiveState: 'active', SubState: 'waiting', NextElapseUSecRealtime: expect.stringMatching(/^\w{3} \d{4}-\d\d-\d\d 00:00:00 UTC$/) });
    expect(show('dpkg-db-backup.service', 'ExecMainStartTimestampMonotonic')).toEqual({ ExecMainStartTimestampMonotonic: '0' });
    const listed = inside('list-timers', '--no-pager').stdout;
    expect(listed).toMatch(/^NEXT +LEFT +LAST +PASSED +UNIT +ACTIVATES\n/);
    expect(listed).toMatch(/ dpkg-db-backup\.timer +dpkg-db-backup\.service\n/);
    expect(listed).toMatch(/\n4 timers listed\.\n/);
  });

  it('stops on SIGTERM and exits 0', async () => {
    signalPid(pid1(), 'SIGTERM');
    expect(await new Promise((r) => proc!.on('exit', r))).toBe(0);
  });
});
