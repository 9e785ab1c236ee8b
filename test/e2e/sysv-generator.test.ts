// svcd's own SysV generator at work under svcd as PID 1 of a PID + mount namespace with its own
// /run, with only svcd's generators (as in an image without systemd): an LSB script enabled by an
// rc2.d link becomes svcd-lsb-demo.service, started at boot, shown by `svcctl status` as systemctl
// shows a wrapped script, reachable by its Provides: alias, reloaded and stopped through the
// script; a script added later appears at daemon-reload.
//
// As under systemd, a wrapped script whose daemon stays (the unit knows no main PID, but its
// processes are there) is active (running); one that leaves nothing behind is active (exited)
// thanks to RemainAfterExit=yes.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootScript, until, type ScriptBoot } from '../support/ns-boot.js';
import { signalPid } from '../support/proc.js';

const repo = join(__dirname, '../..');
const work = mkdtempSync(join(tmpdir(), 'svcd-sysv-'));
const usable = spawnSync('unshare', ['--mount', '--pid', '--fork', '--mount-proc', 'true']).status === 0;
let ns: ScriptBoot | undefined;
const inside = (...args: string[]) => ns!.inside(...args);
const svcctl = (...args: string[]) => ns!.svcctl(...args);
const log = () => (existsSync(join(work, 'log')) ? readFileSync(join(work, 'log'), 'utf8') : '');
/** Whether a pid of the namespace (the pid file's) is a live process there. */
const alive = (pid: number) => !/^\d+ \(\S+\) Z /.test(inside('cat', `/proc/${pid}/stat`).stdout || '0 (x) Z ');

/** An LSB script that starts a daemon (a sleep) writing a pid file, as Debian's scripts do; or only notes it ran. */
function script(name: string, description: string, daemon = true): void {
  writeFileSync(join(work, 'init.d', name), `#!/bin/sh
### BEGIN INIT INFO
# Provides:          ${name} ${name}-alias
# Required-Start:    $remote_fs $syslog
# Required-Stop:     $remote_fs $syslog
# Default-Start:     2 3 4 5
# Default-Stop:      0 1 6
# Short-Description: ${description}
### END INIT INFO
PIDFILE=${work}/${name}.pid
case "$1" in
  start) ${daemon ? 'setsid sleep 1000 </dev/null >/dev/null 2>&1 & echo $! > "$PIDFILE"; ' : ''}echo "${name} start" >> ${work}/log ;;
  stop) ${daemon ? 'kill "$(cat "$PIDFILE")" && rm -f "$PIDFILE"; ' : ''}echo "${name} stop" >> ${work}/log ;;
  reload) echo "${name} reload" >> ${work}/log ;;
  *) echo "Usage: $0 {start|stop|reload}" >&2; exit 3 ;;
esac
`);
  chmodSync(join(work, 'init.d', name), 0o755);
  symlinkSync(`../init.d/${name}`, join(work, 'rc2.d', `S01${name}`));
}

beforeAll(async () => {
  if (!usable) return;
  mkdirSync(join(work, 'init.d'));
  mkdirSync(join(work, 'rc2.d'));
  script('svcd-lsb-demo', 'svcd LSB demo daemon');
  script('svcd-lsb-sysctl', 'sets something and leaves', false);
  ns = bootScript(join(repo, 'test/fixtures/sysv-boot/boot-in-namespace.sh'), [work, repo]);
  await until(() => /Reached target multi-user\.target/.test(ns!.output()));
}, 60000);
afterAll(() => {
  ns?.kill();
  rmSync(work, { recursive: true, force: true });
});

describe.skipIf(!usable)('the SysV generator under svcd as PID 1', () => {
  it('wraps the script and starts it at boot, as multi-user.target wants it', () => {
    expect(ns!.output()).toMatch(/has no unit file: wrapping it in svcd-lsb-demo\.service/);
    expect(ns!.output()).toMatch(/Started svcd-lsb-demo\.service - LSB: svcd LSB demo daemon\./);
    expect(ns!.output()).not.toMatch(/FAILED|DEPEND/);
    expect(log().split('\n').sort()).toEqual(['', 'svcd-lsb-demo start', 'svcd-lsb-sysctl start']);
    expect(svcctl('show', '-p', 'ActiveState,SubState,Type,RemainAfterExit,MainPID,SourcePath,UnitFileState', 'svcd-lsb-demo.service').stdout).toBe(
      `Type=forking\nRemainAfterExit=yes\nMainPID=0\nActiveState=active\nSubState=running\nSourcePath=${work}/init.d/svcd-lsb-demo\nUnitFileState=generated\n`,
    );
    expect(alive(Number(readFileSync(join(work, 'svcd-lsb-demo.pid'), 'utf8')))).toBe(true);
    expect(svcctl('show', '-p', 'ActiveState,SubState', 'svcd-lsb-sysctl.service').stdout).toBe('ActiveState=active\nSubState=exited\n');
  });

  it('svcctl status shows it as systemctl shows a wrapped script', () => {
    const r = svcctl('status', '--no-pager', 'svcd-lsb-demo');
    expect(r.stdout).toMatch(/^● svcd-lsb-demo\.service - LSB: svcd LSB demo daemon\n/);
    expect(r.stdout).toContain(`     Loaded: loaded (${work}/init.d/svcd-lsb-demo; generated)\n`);
    expect(r.stdout).toMatch(/ {5}Active: active \(running\) since /);
    expect(r.status).toBe(0);
    expect(svcctl('status', '--no-pager', 'svcd-lsb-sysctl').stdout).toMatch(/ {5}Active: active \(exited\) since /);
  });

  it('answers to its Provides: alias', () => {
    expect(svcctl('is-active', 'svcd-lsb-demo-alias').stdout).toBe('active\n');
  });

  it('svcctl reload runs the script\'s reload, svcctl stop its stop', async () => {
    expect(svcctl('reload', 'svcd-lsb-demo').status).toBe(0);
    expect(log()).toMatch(/svcd-lsb-demo reload\n$/);
    const pid = Number(readFileSync(join(work, 'svcd-lsb-demo.pid'), 'utf8'));
    expect(svcctl('stop', 'svcd-lsb-demo').status).toBe(0);
    expect(log()).toMatch(/svcd-lsb-demo reload\nsvcd-lsb-demo stop\n$/);
    expect(await until(() => !alive(pid), 5000)).toBe(true);
    expect(svcctl('is-active', 'svcd-lsb-demo').stdout).toBe('inactive\n');
  });

  it('daemon-reload wraps a script added since', () => {
    script('svcd-lsb-later', 'added after boot');
    expect(svcctl('show', '-p', 'LoadState', '--value', 'svcd-lsb-later.service').stdout).toBe('not-found\n');
    expect(svcctl('daemon-reload').status).toBe(0);
    expect(svcctl('show', '-p', 'LoadState,Description', 'svcd-lsb-later.service').stdout).toBe('Description=LSB: added after boot\nLoadState=loaded\n');
    expect(svcctl('show', '-p', 'WantedBy', '--value', 'svcd-lsb-later.service').stdout).toBe('multi-user.target\n');
    expect(svcctl('start', 'svcd-lsb-later').status).toBe(0);
    expect(svcctl('is-active', 'svcd-lsb-later').stdout).toBe('active\n');
  });

  it('stops the wrapped scripts through their stop on SIGTERM', async () => {
    signalPid(ns!.pid1(), 'SIGTERM');
    expect(await ns!.exit).toBe(0);
    expect(log().split('\n').slice(-3).sort()).toEqual(['', 'svcd-lsb-later stop', 'svcd-lsb-sysctl stop']);
  });
});
