// svcctl against a real svcd (PID 1 of a PID namespace) over the control socket: what a user sees
// from the online verbs — states, show properties, status pages, job failures and exit codes, the
// socket's peer-credential check, and `svcctl exit N` becoming svcd's exit status.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTree } from '../support/tree.mjs';
import { readableBuild } from '../support/proc.js';
import { call } from '../../src/control/protocol.js';

const repo = join(__dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'svcd-ctl-'));
const run = join(dir, 'run');
const svc = (unit: string, service: string) => `[Unit]\n${unit}[Service]\n${service}`;
buildTree(dir, {
  files: {
    'units/app.service': svc('Description=App\n', 'ExecStart=/bin/sleep 600\n'),
    'units/setup.service': svc('Description=Setup\n', 'Type=oneshot\nRemainAfterExit=yes\nExecStart=/bin/true\n'),
    'units/bad.service': svc('Description=Bad\n', "ExecStart=/bin/sh -c 'exit 3'\n"),
    'units/cond.service': svc('Description=Cond\nConditionPathExists=/nonexistent/flag\n', 'ExecStart=/bin/sleep 600\n'),
    'units/later.service': svc('Description=Later\n', 'Type=oneshot\nExecStart=/bin/false\n'),
    // Writes a marker when SIGRTMIN+3 arrives (bash's trap knows the name; svcctl kill -s must too).
    'units/trap.service': svc('Description=Trap\n', `ExecStart=/bin/bash ${join(dir, 'trap.sh')}\n`),
    'trap.sh': `trap 'echo caught >${join(dir, 'marker')}' RTMIN+3\nwhile :; do sleep 1 & wait $!; done\n`,
    'units/apparmor.service': svc('Description=AppArmor exit\n', "ExecStart=/bin/sh -c 'exit 231'\n"),
    'units/victim.service': svc('Description=Victim\n', 'ExecStart=/bin/sleep 600\n'),
    'units/x.target': '[Unit]\nDescription=Test Target\nWants=app.service setup.service bad.service cond.service trap.service apparmor.service\n',
    // Defaults a unit's own settings fall back to, which show must print (TimeoutStartUSec=7s).
    'none.conf': '[Manager]\nDefaultTimeoutStartSec=7s\nDefaultRestartSec=250ms\n',
  },
});
chmodSync(dir, 0o755);

let console_ = '';
let exitCode: number | null = null;
const until = async (pred: () => boolean, ms = 20000) => {
  for (let t = 0; t < ms && !pred(); t += 50) await new Promise((r) => setTimeout(r, 50));
  return pred();
};
const svcctl = (...args: string[]) => {
  const r = spawnSync(process.execPath, [join(repo, 'dist/cli/svcctl.js'), '--runtime-dir', run, ...args], { encoding: 'utf8' });
  return { out: r.stdout, err: r.stderr, code: r.status };
};

beforeAll(async () => {
  const p = spawn('unshare', ['--pid', '--fork', '--mount-proc', '--kill-child', process.execPath, join(repo, 'dist/cli/svcd.js'),
    '--unit-path', `${join(dir, 'units')}:${join(repo, 'units')}`, '--unit', 'x.target', '--config', join(dir, 'none.conf'), '--runtime-dir', run, '--journal-dir', join(dir, 'journal')], { stdio: ['ignore', 'pipe', 'pipe'] });
  p.stdout.on('data', (d: Buffer) => (console_ += d.toString()));
  p.stderr.on('data', (d: Buffer) => (console_ += d.toString()));
  p.on('exit', (c) => (exitCode = c));
  await until(() => /Reached target x\.target/.test(console_) && existsSync(join(run, 'control.sock')));
});
afterAll(() => {
  if (exitCode === null) svcctl('exit');
  rmSync(dir, { recursive: true, force: true });
});

describe('svcctl talking to svcd', () => {
  it('is-active / is-failed print the state and exit as systemctl does', () => {
    expect(svcctl('is-active', 'app')).toEqual({ out: 'active\n', err: '', code: 0 });
    expect(svcctl('is-active', 'bad.service')).toMatchObject({ out: 'failed\n', code: 3 });
    expect(svcctl('is-active', 'nosuch.service')).toMatchObject({ out: 'inactive\n', code: 3 });
    expect(svcctl('is-failed', 'bad')).toMatchObject({ out: 'failed\n', code: 0 });
    expect(svcctl('is-failed', 'app')).toMatchObject({ out: 'active\n', code: 1 });
    expect(svcctl('is-active', '-q', 'app')).toMatchObject({ out: '', code: 0 });
  });

  it('show -p prints systemd property names and values', () => {
    const bad = svcctl('show', '-p', 'Result,ExecMainCode,ExecMainStatus,ActiveState,SubState,NRestarts', 'bad.service');
    expect(bad.out).toBe('Result=exit-code\nNRestarts=0\nExecMainCode=1\nExecMainStatus=3\nActiveState=failed\nSubState=failed\n');
    const app = svcctl('show', '-p', 'MainPID', '--value', 'app.service');
    expect(Number(app.out.trim())).toBeGreaterThan(1);
    const ts = svcctl('show', '-p', 'ActiveEnterTimestamp', 'app.service').out;
    expect(ts).toMatch(/^ActiveEnterTimestamp=\w{3} \d{4}-\d\d-\d\d \d\d:\d\d:\d\d \w+\n$/);
    const cond = svcctl('show', '-p', 'ConditionResult,ActiveState', 'cond.service').out;
    expect(cond).toBe('ActiveState=inactive\nConditionResult=no\n');
    expect(svcctl('show', '-p', 'SystemState').out).toBe('SystemState=degraded\n');
  });

  it('show and status expand a glob to the loaded units it matches, as systemctl does', () => {
    // systemctl's expand_unit_names(): globs against the manager's units, sorted by type, then name.
    expect(svcctl('show', '-p', 'Id', 'a*.service', 'x.target').out).toBe('Id=x.target\n\nId=app.service\n\nId=apparmor.service\n');
    const page = svcctl('status', '--no-pager', 'se?up*');
    expect(page.out).toMatch(/^● setup\.service - Setup\n/);
    expect(svcctl('show', '-p', 'Id', 'nothing-matches-*').out).toBe('');
  });

  it('show prints the manager\'s Default*= where a unit sets none, and the defaults themselves', () => {
    expect(svcctl('show', '-p', 'RestartUSec,TimeoutStartUSec,TimeoutStopUSec', 'app.service').out).toBe('RestartUSec=250ms\nTimeoutStartUSec=7s\nTimeoutStopUSec=1min 30s\n');
    expect(svcctl('show', '-p', 'DefaultTimeoutStartUSec,DefaultRestartUSec,DefaultStartLimitBurst').out).toBe('DefaultTimeoutStartUSec=7s\nDefaultRestartUSec=250ms\nDefaultStartLimitBurst=5\n');
  });

  it('status shows the page and exits 0 running, 3 not running, 4 unknown', () => {
    const app = svcctl('status', 'app');
    expect(app.code).toBe(0);
    expect(app.out).toMatch(/^● app\.service - App\n {5}Loaded: loaded \(.*app\.service; static\)\n {5}Active: active \(running\) since .+ ago\n {3}Main PID: \d+ \(sleep\)/);
    const bad = svcctl('status', 'bad');
    expect(bad.code).toBe(3);
    expect(bad.out).toMatch(/Active: failed \(Result: exit-code\)/);
    expect(bad.out).toMatch(/Main PID: \d+ \(code=exited, status=3\)/);
    expect(bad.out).toMatch(/\n {3}Duration: \d+(\.\d+)?m?s\n/);
    const cond = svcctl('status', 'cond');
    expect(cond.out).toMatch(/Condition: start condition failed at .*\n +└─ ConditionPathExists=\/nonexistent\/flag was not met/);
    expect(svcctl('status', 'nosuch')).toMatchObject({ err: 'Unit nosuch.service could not be found.\n', code: 4 });
  });

  it('kill -s takes every signal systemctl does: RTMIN+3 reaches the service', async () => {
    expect(svcctl('kill', '-s', 'RTMIN+3', 'trap')).toEqual({ out: '', err: '', code: 0 });
    expect(await until(() => existsSync(join(dir, 'marker')))).toBe(true);
    expect(readFileSync(join(dir, 'marker'), 'utf8')).toBe('caught\n');
    expect(svcctl('is-active', 'trap').out).toBe('active\n');
    expect(svcctl('kill', '-s', 'RTMIN+31', 'trap')).toEqual({ out: '', err: 'Failed to parse signal string "RTMIN+31".\n', code: 1 });
    expect(svcctl('-s', 'help').out.split('\n').slice(34, 38)).toEqual(['RTMIN+0', 'RTMIN+1', 'RTMIN+2', 'RTMIN+3']);
  });

  it('words how a process ended as systemctl does, with systemd\'s exit-status names', async () => {
    // status names libc and systemd codes (231 is APPARMOR), and a signal as "signal=USR1".
    expect(svcctl('status', 'apparmor').out).toMatch(/\n {3}Main PID: \d+ \(code=exited, status=231\/APPARMOR\)\n/);
    expect(svcctl('kill', '-s', 'SIGUSR1', 'trap').code).toBe(0);
    expect(await until(() => svcctl('is-active', 'trap').out === 'failed\n')).toBe(true);
    expect(svcctl('status', 'trap').out).toMatch(/\n {3}Main PID: \d+ \(code=killed, signal=USR1\)\n/);
  });

  it('show -p ExecStart records how the main process ended, as systemctl does', async () => {
    // What real systemd 252 prints for these units (systemd-ns): the main process's exit is the
    // ExecStart= line's, with its stop_time — "code=exited ; status=3", "code=killed ; status=9/KILL".
    const norm = (s: string) => s.replace(/\[\w{3} \d{4}-\d\d-\d\d \d\d:\d\d:\d\d \w+\]/g, '[T]').replace(/pid=\d+/g, 'pid=P');
    expect(norm(svcctl('show', '-p', 'ExecStart', 'bad.service').out)).toBe(
      'ExecStart={ path=/bin/sh ; argv[]=/bin/sh -c exit 3 ; ignore_errors=no ; start_time=[T] ; stop_time=[T] ; pid=P ; code=exited ; status=3 }\n',
    );
    expect(svcctl('start', 'victim').code).toBe(0);
    const pid = svcctl('show', '-p', 'MainPID', '--value', 'victim').out.trim();
    expect(svcctl('kill', '-s', 'KILL', 'victim').code).toBe(0);
    expect(await until(() => svcctl('is-active', 'victim').out === 'failed\n')).toBe(true);
    const shown = svcctl('show', '-p', 'ExecStart', 'victim.service').out;
    expect(shown).toContain(` pid=${pid} ; `);
    expect(norm(shown)).toBe('ExecStart={ path=/bin/sleep ; argv[]=/bin/sleep 600 ; ignore_errors=no ; start_time=[T] ; stop_time=[T] ; pid=P ; code=killed ; status=9/KILL }\n');
    // …and status lists that ended ExecStart= line above the main process, as systemctl status does.
    expect(svcctl('status', 'victim').out).toContain(`\n    Process: ${pid} ExecStart=/bin/sleep 600 (code=killed, signal=KILL)\n   Main PID: ${pid} (code=killed, signal=KILL)\n`);
  });

  it('start/stop run jobs and report failures in systemctl words', () => {
    expect(svcctl('stop', 'app')).toMatchObject({ code: 0, err: '' });
    expect(svcctl('is-active', 'app').code).toBe(3);
    expect(svcctl('start', 'app')).toMatchObject({ code: 0, err: '' });
    expect(svcctl('is-active', 'app').code).toBe(0);
    expect(svcctl('start', 'nosuch')).toMatchObject({ code: 5, err: 'Failed to start nosuch.service: Unit nosuch.service not found.\n' });
    expect(svcctl('start', 'later')).toMatchObject({
      code: 1,
      err: 'Job for later.service failed because the control process exited with error code.\nSee "systemctl status later.service" and "journalctl -xeu later.service" for details.\n',
    });
    expect(svcctl('reset-failed', 'later').code).toBe(0);
    expect(svcctl('is-active', 'later').out).toBe('inactive\n');
  });

  it('takes every job type systemd\'s EnqueueUnitJob() does, try-reload included, from one table', async () => {
    const sock = join(run, 'control.sock');
    // try-reload of an inactive unit does nothing (systemd collapses it to nop) and is done.
    const r = await call(sock, 'enqueue', { unit: 'cond.service', type: 'try-reload', mode: 'replace', wait: true });
    expect(r).toMatchObject({ ok: true, result: { result: 'done' } });
    expect(svcctl('is-active', 'cond').out).toBe('inactive\n');
    const nop = await call(sock, 'enqueue', { unit: 'cond.service', type: 'nop', mode: 'replace', wait: true });
    expect(nop).toMatchObject({ ok: false, error: { code: 'invalid', message: 'Unknown job type nop.' } });
  });

  it('list-units shows the loaded units with systemctl\'s legend', () => {
    const r = svcctl('list-units', '--type', 'service');
    expect(r.out).toMatch(/^ {2}UNIT +LOAD +ACTIVE +SUB +DESCRIPTION\n/);
    expect(r.out).toMatch(/\n {2}app\.service +loaded active running App\n/);
    expect(r.out).toMatch(/\n● bad\.service +loaded failed failed +Bad\n/);
    expect(r.out).toMatch(/\d+ loaded units listed\./);
    // Patterns are fnmatch()'s: [!a] is any first letter but a.
    const other = svcctl('list-units', '--all', '[!a]*.service').out;
    expect(other).toMatch(/\n● bad\.service /);
    expect(other).not.toMatch(/app\.service|apparmor\.service/);
    expect(svcctl('is-system-running')).toMatchObject({ out: 'degraded\n', code: 1 });
  });

  it('list-units --failed lists only the failed units, as --state=failed', () => {
    const r = svcctl('list-units', '--failed');
    expect(r.out).toMatch(/\n?● bad\.service +loaded failed failed +Bad\n/);
    expect(r.out).not.toMatch(/app\.service/);
    expect(r.out).toBe(svcctl('list-units', '--state=failed').out);
  });

  it('refuses a caller that is not root, by its peer credentials', () => {
    // Open the socket's mode so the connection gets through: the credential check must still refuse.
    chmodSync(join(run, 'control.sock'), 0o666);
    // svcctl from a copy user 65534 can read: the checkout may be under a private directory.
    const build = readableBuild(repo);
    const r = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, join(build, 'dist/cli/svcctl.js'), '--runtime-dir', run, 'is-active', 'app'], { encoding: 'utf8' });
    rmSync(build, { recursive: true, force: true });
    chmodSync(join(run, 'control.sock'), 0o600);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/Access denied/);
    expect(r.stdout).toBe('');
  });

  it('exit N ends svcd with that status after stopping everything', async () => {
    expect(svcctl('exit', '7').code).toBe(0);
    expect(await until(() => exitCode !== null, 15000)).toBe(true);
    expect(exitCode).toBe(7);
    expect(console_).toMatch(/Stopped app\.service - App\./);
  });
});
