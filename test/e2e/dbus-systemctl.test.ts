// The real /usr/bin/systemctl (252) driving svcd over /run/systemd/private, with svcd as PID 1 of a
// PID and mount namespace that has a /run of its own (as a container has): every answer is compared
// with what svcctl says over its control socket about the same state, and the verbs that change
// state are checked by their effect. The unit directory is mounted at /etc/systemd/system inside,
// so enable/disable work on the files svcd loads, and svcd's journal at /run/log/journal/MACHINE-ID,
// where systemctl status reads a unit's last lines itself.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import dbus from 'dbus-next';
import { buildTree } from '../support/tree.mjs';
import { bootInNamespace, sleep, type SvcctlResult, type SvcdInNamespace } from '../support/svcd-ns.js';

const repo = join(__dirname, '../..');
/** What systemctl 252 printed for show-exec.service under real systemd (scripts/record-show-fixtures.mjs). */
const recordedShowExec = (JSON.parse(readFileSync(join(repo, 'test/fixtures/show/recorded.json'), 'utf8')) as { units: Record<string, { show: string }> }).units['show-exec.service']!.show;
/** The exec settings of show-exec.service: its values only, none that depend on a run. */
const EXEC_SETTINGS = ['CoredumpFilter', 'IOSchedulingClass', 'IOSchedulingPriority', 'CPUSchedulingPolicy', 'CPUSchedulingPriority', 'CPUAffinity',
  'CPUAffinityFromNUMA', 'NUMAPolicy', 'NUMAMask', 'TimerSlackNSec', 'CPUSchedulingResetOnFork', 'NonBlocking', 'StandardInput', 'StandardInputFileDescriptorName',
  'StandardInputData', 'StandardOutputFileDescriptorName', 'StandardErrorFileDescriptorName', 'TTYReset', 'TTYVHangup', 'TTYVTDisallocate', 'TTYRows', 'TTYColumns',
  'SyslogPriority', 'SyslogLevel', 'SyslogFacility', 'LogLevelMax', 'LogExtraFields', 'LogNamespace', 'SecureBits', 'RemoveIPC', 'PAMName', 'ExecSearchPath',
  'MountFlags', 'SameProcessGroup', 'UtmpIdentifier', 'UtmpMode', 'SELinuxContext', 'AppArmorProfile', 'SmackProcessLabel', 'IgnoreSIGPIPE', 'SystemCallFilter',
  'SystemCallErrorNumber', 'SystemCallLog', 'Personality', 'MountAPIVFS', 'KeyringMode', 'NetworkNamespacePath', 'IPCNamespacePath'];
/** What systemctl 252 printed for show-socket.socket: its socket options, none that depend on a run. */
const recordedShowSocket = (JSON.parse(readFileSync(join(repo, 'test/fixtures/show/recorded.json'), 'utf8')) as { units: Record<string, { show: string }> }).units['show-socket.socket']!.show;
const SOCKET_SETTINGS = /^(BindIPv6Only|Backlog|BindToDevice|SocketUser|SocketGroup|SocketMode|DirectoryMode|FlushPending|Writable|KeepAlive\w*|DeferAcceptUSec|Priority|ReceiveBuffer|SendBuffer|IPTOS|IPTTL|PipeSize|Transparent|Broadcast|Pass\w+|Timestamping|Listen|Symlinks|Mark|MessageQueue\w+|TCPCongestion|SmackLabel\w*|FileDescriptorName|SocketProtocol|TriggerLimit\w+|Environment|Nice|KillMode)=/;
const systemctlPresent = spawnSync('test', ['-x', '/usr/bin/systemctl']).status === 0;
const UNITS = '/etc/systemd/system';

let dir = '';
let svcd: SvcdInNamespace;

/** The real systemctl inside svcd's namespaces, as root: it finds /run/systemd/private there. */
function systemctl(...args: string[]): SvcctlResult {
  const r = spawnSync('nsenter', ['-t', String(svcd.hostPid), '-m', '-p', '/usr/bin/systemctl', '--no-pager', ...args], {
    encoding: 'utf8',
    timeout: 30_000,
    env: { ...process.env, SYSTEMD_IGNORE_CHROOT: '1', SYSTEMD_COLORS: '0', SYSTEMD_PAGER: '', LANG: 'C.UTF-8' },
  });
  return { rc: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
const svcctl = (...args: string[]) => svcd.svcctl(...args);

/** "since …; 3s ago" moves between two calls a second apart; svcd's own Tasks: is a documented extra. */
const comparableStatus = (t: string) => t.replace(/; \d+[a-z]+( \d+[a-z]+)* ago/g, '; N ago').split('\n').filter((l) => !/^\s+Tasks: /.test(l)).join('\n');

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'svcd-systemctl-'));
  chmodSync(dir, 0o755);
  mkdirSync(join(dir, 'journal'));
  buildTree(join(dir, 'units'), { files: {
    'web.service': '[Unit]\nDescription=A web server\n[Service]\nExecStart=/bin/sleep 600\nExecReload=/bin/true\n',
    'once.service': '[Unit]\nDescription=One shot\n[Service]\nType=oneshot\nExecStart=/bin/true\n',
    'fails.service': '[Service]\nType=oneshot\nExecStart=/bin/false\n',
    'en.service': '[Service]\nExecStart=/bin/sleep 500\n[Install]\nWantedBy=x.target\n',
    'slow.service': '[Service]\nType=oneshot\nExecStart=/bin/sleep 3\n',
    'deb.service': '[Unit]\nDescription=A packaged daemon\n[Service]\nExecStart=/bin/sleep 400\n[Install]\nWantedBy=x.target\n',
    'x.target': '[Unit]\nDescription=The test target\nWants=web.service\n',
    'show-exec.service': readFileSync(join(repo, 'test/fixtures/show/units/show-exec.service'), 'utf8'),
    'show-socket.socket': readFileSync(join(repo, 'test/fixtures/show/units/show-socket.socket'), 'utf8'),
    'show-running.service': readFileSync(join(repo, 'test/fixtures/show/units/show-running.service'), 'utf8'),
  } });
  const machineId = readFileSync('/etc/machine-id', 'utf8').trim();
  const setup = [
    'mount -t tmpfs tmpfs /run',
    `mkdir -p /run/log/journal/${machineId}`,
    `mount --bind ${join(dir, 'journal')} /run/log/journal/${machineId}`,
    `mount --bind ${join(dir, 'units')} ${UNITS}`,
    // systemctl status reads every journal file of this boot: another svcd's, left in the host's
    // persistent journal, must not be merged into what this test compares.
    'if [ -d /var/log/journal ]; then mount -t tmpfs tmpfs /var/log/journal; fi',
    // deb-systemd-helper's own state (which units the admin left enabled) stays in the namespace.
    'mount -t tmpfs tmpfs /var/lib/systemd',
    // --manager-bus: /run/systemd/private and /run/systemd/system/ although --journal-dir is given.
    'exec "$@" --manager-bus',
  ].join(' && ');
  svcd = await bootInNamespace(dir, UNITS, 'x.target', '/nonexistent', ['sh', '-c', setup, 'sh'], '/run/svcd');
}, 60_000);

afterAll(async () => {
  await svcd?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!systemctlPresent)('the real systemctl against svcd as PID 1', () => {
  it('status: the same text as svcctl status, with the unit\'s journal lines', async () => {
    const [real, own] = [systemctl('status', 'web.service'), await svcctl('status', 'web.service')];
    expect(real.stderr).toBe('');
    expect(real.rc).toBe(own.rc);
    expect(comparableStatus(real.stdout)).toBe(comparableStatus(own.stdout));
    expect(real.stdout).toMatch(/^\s+Loaded: loaded \(\/etc\/systemd\/system\/web\.service; static\)$/m);
    expect(real.stdout).toMatch(/svcd\[1\]: Started web\.service - A web server\.$/m);
  });

  it('status of a unit that does not exist: the same message and exit code 4', async () => {
    const [real, own] = [systemctl('status', 'nope.service'), await svcctl('status', 'nope.service')];
    expect([real.rc, real.stderr]).toEqual([4, 'Unit nope.service could not be found.\n']);
    expect([own.rc, own.stderr]).toEqual([real.rc, real.stderr]);
  });

  it('show: every property of a service, of a target and of the manager as svcctl shows them', async () => {
    // --all: without it systemctl leaves out what is unset (FailureActionExitStatus=), svcctl not.
    for (const args of [['show', '--all', 'web.service'], ['show', '--all', 'x.target'], ['show', '--all']]) {
      const [real, own] = [systemctl(...args), await svcctl(...args)];
      expect(real.stderr).toBe('');
      expect(real.stdout).toBe(own.stdout);
    }
    expect(systemctl('show', 'web.service', '-p', 'ActiveState,SubState,Description').stdout).toBe('Description=A web server\nActiveState=active\nSubState=running\n');
  });

  it('show and status of a service that sets the rest of the exec context: every property carried with systemd\'s signature, the values systemd 252 printed', async () => {
    // One property of another type than systemctl expects makes it fail the whole object.
    const [real, own] = [systemctl('show', '--all', 'show-exec.service'), await svcctl('show', '--all', 'show-exec.service')];
    expect(real.stderr).toBe('');
    expect(real.stdout).toBe(own.stdout);
    const pick = (text: string) => text.split('\n').filter((l) => EXEC_SETTINGS.includes(l.slice(0, l.indexOf('=')))).join('\n');
    expect(pick(real.stdout)).toBe(pick(recordedShowExec));
    const [status, ownStatus] = [systemctl('status', 'show-exec.service'), await svcctl('status', 'show-exec.service')];
    expect(status.stderr).toBe('');
    expect([status.rc, comparableStatus(status.stdout)]).toEqual([ownStatus.rc, comparableStatus(ownStatus.stdout)]);
  });

  it('show and status of a listening socket: the Socket interface whole, with systemd\'s signatures; its options as systemd 252 printed them', async () => {
    expect(systemctl('start', 'show-socket.socket').rc).toBe(0);
    const [real, own] = [systemctl('show', '--all', 'show-socket.socket'), await svcctl('show', '--all', 'show-socket.socket')];
    expect(real.stderr).toBe('');
    expect(real.stdout).toBe(own.stdout);
    const pick = (text: string) => text.split('\n').filter((l) => SOCKET_SETTINGS.test(l)).join('\n');
    expect(pick(real.stdout)).toBe(pick(recordedShowSocket));
    expect(real.stdout).toMatch(/^ExecStartPre=\{ path=\/bin\/true ; .* pid=[1-9]\d* ; code=exited ; status=0 \}$/m);
    const [status, ownStatus] = [systemctl('status', 'show-socket.socket'), await svcctl('status', 'show-socket.socket')];
    expect(status.stderr).toBe('');
    expect([status.rc, comparableStatus(status.stdout)]).toEqual([ownStatus.rc, comparableStatus(ownStatus.stdout)]);
    expect(status.stdout).toMatch(/^\s+Listen: \/run\/show-socket\.sock \(Stream\)$/m);
  });

  it('set-environment, unset-environment and show-environment over D-Bus: the block svcctl shows, the same refusal', async () => {
    expect(systemctl('set-environment', 'FROM_BUS=yes', 'SPACED=a b')).toMatchObject({ rc: 0, stderr: '' });
    const [real, own] = [systemctl('show-environment'), await svcctl('show-environment')];
    expect(real.stdout).toContain("SPACED=$'a b'\n");
    expect(real.stdout).toContain('FROM_BUS=yes\n');
    expect(real.stdout).toBe(own.stdout);
    expect(systemctl('unset-environment', 'FROM_BUS', 'SPACED')).toMatchObject({ rc: 0, stderr: '' });
    expect((await svcctl('show-environment')).stdout).not.toContain('FROM_BUS');
    const [badReal, badOwn] = [systemctl('set-environment', 'no equals sign'), await svcctl('set-environment', 'no equals sign')];
    expect([badReal.rc, badReal.stderr]).toEqual([badOwn.rc, badOwn.stderr]);
  });

  it('list-units and list-units --all: the same table', async () => {
    for (const args of [['list-units'], ['list-units', '--all'], ['list-units', '--type=target', 'x*']]) {
      const [real, own] = [systemctl(...args), await svcctl(...args)];
      expect(real.stderr).toBe('');
      expect(real.stdout).toBe(own.stdout);
    }
  });

  it('is-active, is-failed, is-system-running: the same answers and exit codes', async () => {
    for (const args of [['is-active', 'web.service'], ['is-active', 'once.service'], ['is-failed', 'web.service'], ['is-system-running']]) {
      const [real, own] = [systemctl(...args), await svcctl(...args)];
      expect([args, real.rc, real.stdout]).toEqual([args, own.rc, own.stdout]);
    }
  });

  it('start, stop and restart take effect; a failing start says so as systemctl does', async () => {
    expect(systemctl('start', 'once.service')).toMatchObject({ rc: 0, stderr: '' });
    expect((await svcctl('show', 'once.service', '-p', 'Result,ExecMainStatus')).stdout).toBe('Result=success\nExecMainStatus=0\n');

    const pid = (await svcctl('show', 'web.service', '-p', 'MainPID', '--value')).stdout.trim();
    expect(systemctl('restart', 'web.service')).toMatchObject({ rc: 0, stderr: '' });
    const after = (await svcctl('show', 'web.service', '-p', 'MainPID', '--value')).stdout.trim();
    expect(after).not.toBe(pid);
    expect(systemctl('reload', 'web.service')).toMatchObject({ rc: 0, stderr: '' });

    expect(systemctl('stop', 'web.service')).toMatchObject({ rc: 0, stderr: '' });
    expect((await svcctl('is-active', 'web.service')).stdout).toBe('inactive\n');
    expect(systemctl('start', 'web.service')).toMatchObject({ rc: 0, stderr: '' });
    expect((await svcctl('is-active', 'web.service')).stdout).toBe('active\n');

    const failed = systemctl('start', 'fails.service');
    expect(failed.rc).toBe(1);
    expect(failed.stderr).toBe('Job for fails.service failed because the control process exited with error code.\nSee "systemctl status fails.service" and "journalctl -xeu fails.service" for details.\n');
    expect(systemctl('is-failed', 'fails.service')).toMatchObject({ rc: 0, stdout: 'failed\n' });
    expect(systemctl('reset-failed', 'fails.service').rc).toBe(0);
    expect((await svcctl('is-failed', 'fails.service')).rc).toBe(1);
  }, 60_000);

  it('start --no-block returns at once; the job is listed as svcctl lists it, and ends', async () => {
    expect(systemctl('start', '--no-block', 'slow.service')).toMatchObject({ rc: 0, stderr: '' });
    const [real, own] = [systemctl('list-jobs'), await svcctl('list-jobs')];
    expect(real.stdout).toBe(own.stdout);
    expect(real.stdout).toMatch(/^\d+\s+slow\.service\s+start\s+running$/m);
    for (let t = 0; t < 100 && systemctl('list-jobs').stdout !== 'No jobs running.\n'; t++) await sleep(100);
    expect(systemctl('is-active', 'slow.service').stdout).toBe('inactive\n');
  }, 30_000);

  it('enable, is-enabled, disable and daemon-reload work on the unit files svcd loads', async () => {
    expect(systemctl('is-enabled', 'en.service')).toMatchObject({ rc: 1, stdout: 'disabled\n' });
    const enabled = systemctl('enable', 'en.service');
    expect(enabled).toMatchObject({ rc: 0, stderr: `Created symlink ${UNITS}/x.target.wants/en.service → ${UNITS}/en.service.\n` });
    expect(systemctl('is-enabled', 'en.service')).toMatchObject({ rc: 0, stdout: 'enabled\n' });
    // enable asked for the Reload itself: x.target now wants en.service.
    expect(systemctl('show', 'x.target', '-p', 'Wants').stdout).toBe('Wants=en.service web.service\n');
    const disabled = systemctl('disable', 'en.service');
    expect(disabled).toMatchObject({ rc: 0, stderr: `Removed "${UNITS}/x.target.wants/en.service".\n` });
    expect(systemctl('is-enabled', 'en.service')).toMatchObject({ rc: 1, stdout: 'disabled\n' });

    // A running unit stays loaded: its edited file counts only after daemon-reload.
    writeFileSync(join(dir, 'units/web.service'), '[Unit]\nDescription=A web server, edited\n[Service]\nExecStart=/bin/sleep 600\nExecReload=/bin/true\n');
    expect(systemctl('show', 'web.service', '-p', 'Description').stdout).toBe('Description=A web server\n');
    expect(systemctl('daemon-reload')).toMatchObject({ rc: 0, stderr: '' });
    expect(systemctl('show', 'web.service', '-p', 'Description,NeedDaemonReload,ActiveState').stdout).toBe('Description=A web server, edited\nActiveState=active\nNeedDaemonReload=no\n');
  }, 60_000);

  it('Debian\'s maintainer-script helpers: deb-systemd-helper enables, deb-systemd-invoke starts and stops', async () => {
    const inside = (cmd: string) => spawnSync('nsenter', ['-t', String(svcd.hostPid), '-m', '-p', 'sh', '-c', cmd], {
      encoding: 'utf8', timeout: 30_000, env: { ...process.env, SYSTEMD_IGNORE_CHROOT: '1', DPKG_MAINTSCRIPT_PACKAGE: 'deb', DPKG_MAINTSCRIPT_NAME: 'postinst' },
    });
    // What dh_installsystemd writes into a package's postinst, in its order.
    const postinst = inside([
      'deb-systemd-helper unmask deb.service >/dev/null',
      'if deb-systemd-helper --quiet was-enabled deb.service; then deb-systemd-helper enable deb.service; else deb-systemd-helper update-state deb.service; fi',
      'test -d /run/systemd/system',
      'systemctl --system daemon-reload',
      'deb-systemd-invoke start deb.service',
    ].join(' && '));
    expect(postinst.stderr).toBe(`Created symlink ${UNITS}/x.target.wants/deb.service → ${UNITS}/deb.service.\n`);
    expect(postinst.status).toBe(0);
    expect((await svcctl('is-active', 'deb.service')).stdout).toBe('active\n');
    expect(systemctl('is-enabled', 'deb.service').stdout).toBe('enabled\n');
    // prerm: stop it.
    expect(inside('deb-systemd-invoke stop deb.service')).toMatchObject({ status: 0, stderr: '' });
    expect((await svcctl('is-active', 'deb.service')).stdout).toBe('inactive\n');
  }, 60_000);

  it('enable --now enables and starts, disable --now stops', async () => {
    const now = systemctl('enable', '--now', 'en.service');
    expect(now).toMatchObject({ rc: 0, stderr: `Created symlink ${UNITS}/x.target.wants/en.service → ${UNITS}/en.service.\n` });
    expect((await svcctl('is-active', 'en.service')).stdout).toBe('active\n');
    expect(systemctl('disable', '--now', 'en.service')).toMatchObject({ rc: 0, stderr: `Removed "${UNITS}/x.target.wants/en.service".\n` });
    expect((await svcctl('is-active', 'en.service')).stdout).toBe('inactive\n');
  }, 60_000);

  it('a subscriber hears UnitFilesChanged, then Reloading true and false, for systemctl mask of a unit that has no file', async () => {
    const bus = dbus.sessionBus({ busAddress: `unix:path=/proc/${svcd.hostPid}/root/run/systemd/private` });
    try {
      const manager = (await bus.getProxyObject('org.freedesktop.systemd1', '/org/freedesktop/systemd1')).getInterface('org.freedesktop.systemd1.Manager');
      const heard: string[] = [];
      manager.on('UnitFilesChanged', () => heard.push('UnitFilesChanged'));
      manager.on('Reloading', (active: boolean) => heard.push(`Reloading ${active}`));
      await manager.Subscribe();
      // Run asynchronously: spawnSync would hold the event loop that receives the signals.
      const masked = await new Promise<{ rc: number | null; stderr: string }>((r) => {
        const p = spawn('nsenter', ['-t', String(svcd.hostPid), '-m', '-p', '/usr/bin/systemctl', 'mask', 'ghost.service'], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, SYSTEMD_IGNORE_CHROOT: '1' } });
        let stderr = '';
        p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        p.on('close', (rc) => r({ rc, stderr }));
      });
      // systemctl's own warning first (it asked LoadUnit), as against systemd.
      expect(masked).toEqual({ rc: 0, stderr: `Unit ghost.service does not exist, proceeding anyway.\nCreated symlink ${UNITS}/ghost.service → /dev/null.\n` });
      for (let t = 0; t < 50 && heard.length < 3; t++) await sleep(100);
      expect(heard).toEqual(['UnitFilesChanged', 'Reloading true', 'Reloading false']);
      expect(systemctl('unmask', 'ghost.service').rc).toBe(0);
    } finally {
      bus.disconnect();
    }
  }, 30_000);

  it('daemon-reexec: the next systemctl, run at once, reaches the new svcd (the socket is handed over)', async () => {
    const before = (await svcctl('show', 'web.service', '-p', 'MainPID', '--value')).stdout;
    expect(systemctl('daemon-reexec')).toMatchObject({ rc: 0, stderr: '' });
    expect(systemctl('is-active', 'web.service')).toMatchObject({ rc: 0, stdout: 'active\n', stderr: '' });
    expect(systemctl('show', 'web.service', '-p', 'MainPID', '--value').stdout).toBe(before);
    // spawnSync held the event loop: svcd's console output is read only now.
    for (let t = 0; t < 50 && !/re-executed, took over/.test(svcd.console()); t++) await sleep(100);
    expect(svcd.console()).toMatch(/re-executed, took over/);
  }, 30_000);
});
