// org.freedesktop.systemd1 on the system bus: svcd as PID 1 of a namespace with a /run of its own
// starts dbus-daemon as dbus.service, takes the name once the bus is up, and answers there with
// the same objects as on /run/systemd/private. Non-root callers (who cannot reach the private
// socket) read through the bus and are refused what changes the system, as systemd without polkit.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTree } from '../support/tree.mjs';
import { bootInNamespace, sleep, type SvcdInNamespace } from '../support/svcd-ns.js';

const present = ['/usr/bin/dbus-daemon', '/usr/bin/systemctl', '/usr/bin/busctl'].every((p) => spawnSync('test', ['-x', p]).status === 0);
const NOBODY = 65534;

let dir = '';
let svcd: SvcdInNamespace;

/** A command inside svcd's namespaces, as root or as `uid`. */
function inside(argv: readonly string[], uid?: number) {
  const as = uid === undefined ? [] : ['setpriv', `--reuid=${uid}`, `--regid=${uid}`, '--clear-groups'];
  const r = spawnSync('nsenter', ['-t', String(svcd.hostPid), '-m', '-p', ...as, ...argv], {
    encoding: 'utf8', timeout: 30_000, env: { ...process.env, SYSTEMD_IGNORE_CHROOT: '1', SYSTEMD_COLORS: '0', SYSTEMD_PAGER: '' },
  });
  return { rc: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
const busctl = (args: readonly string[], uid?: number) => inside(['busctl', '--system', ...args], uid);
const MANAGER = ['org.freedesktop.systemd1', '/org/freedesktop/systemd1', 'org.freedesktop.systemd1.Manager'];

beforeAll(async () => {
  if (!present) return;
  dir = mkdtempSync(join(tmpdir(), 'svcd-sysbus-'));
  chmodSync(dir, 0o755);
  buildTree(join(dir, 'units'), { files: {
    'dbus.service': '[Unit]\nDescription=D-Bus System Message Bus\n[Service]\nExecStartPre=/bin/mkdir -p /run/dbus\nExecStart=/usr/bin/dbus-daemon --system --nofork --nopidfile\n',
    'web.service': '[Unit]\nDescription=A web server\n[Service]\nExecStart=/bin/sleep 600\n',
    'once.service': '[Service]\nType=oneshot\nExecStart=/bin/true\n',
    'brief.service': '[Service]\nExecStart=/bin/sleep 1\n',
    'x.target': '[Unit]\nWants=dbus.service web.service\n',
  } });
  svcd = await bootInNamespace(dir, join(dir, 'units'), 'x.target', '/nonexistent', ['sh', '-c', 'mount -t tmpfs tmpfs /run && exec "$@" --manager-bus', 'sh'], '/run/svcd');
  for (let t = 0; t < 100 && !/serving org\.freedesktop\.systemd1 on the system bus/.test(svcd.console()); t++) await sleep(100);
}, 60_000);

afterAll(async () => {
  await svcd?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!present)('svcd on the system bus', () => {
  it('takes org.freedesktop.systemd1 once dbus.service is up, and answers there as on the private socket', () => {
    expect(svcd.console()).toMatch(/D-Bus: serving org\.freedesktop\.systemd1 on the system bus/);
    expect(busctl(['call', ...MANAGER, 'GetUnit', 's', 'web.service'])).toMatchObject({ rc: 0, stdout: 'o "/org/freedesktop/systemd1/unit/web_2eservice"\n' });
    expect(busctl(['status', 'org.freedesktop.systemd1']).stdout).toMatch(/^UID=0$/m);
  });

  it('a non-root caller reads: systemctl is-active, show and status work through the bus', () => {
    expect(inside(['systemctl', 'is-active', 'web.service'], NOBODY)).toMatchObject({ rc: 0, stdout: 'active\n' });
    expect(inside(['systemctl', 'show', 'web.service', '-p', 'Description,SubState'], NOBODY).stdout).toBe('Description=A web server\nSubState=running\n');
    const status = inside(['systemctl', 'status', 'web.service'], NOBODY);
    expect(status.rc).toBe(0);
    expect(status.stdout).toMatch(/^\s+Active: active \(running\)/m);
  });

  it('a non-root caller is refused start and stop with AccessDenied, and nothing changes', () => {
    const start = inside(['systemctl', '--no-ask-password', 'start', 'once.service'], NOBODY);
    expect(start.rc).not.toBe(0);
    expect(start.stderr).toMatch(/^Failed to start once\.service: Access denied$/m);
    const stop = busctl(['call', ...MANAGER, 'StopUnit', 'ss', 'web.service', 'replace'], NOBODY);
    expect(stop.rc).not.toBe(0);
    expect(stop.stderr).toMatch(/Access denied/);
    expect(inside(['systemctl', 'is-active', 'web.service'], NOBODY).stdout).toBe('active\n');
    expect(inside(['systemctl', 'show', 'once.service', '-p', 'ActiveState,Result'], NOBODY).stdout).toBe('Result=success\nActiveState=inactive\n');
  });

  it('root stops and starts a unit through the bus: the job path comes back and the unit follows', async () => {
    const state = async () => (await svcd.svcctl('is-active', 'web.service')).stdout;
    const stop = busctl(['call', ...MANAGER, 'StopUnit', 'ss', 'web.service', 'replace']);
    expect(stop.stdout).toMatch(/^o "\/org\/freedesktop\/systemd1\/job\/\d+"$/m);
    for (let t = 0; t < 50 && (await state()) !== 'inactive\n'; t++) await sleep(100);
    expect(await state()).toBe('inactive\n');
    expect(busctl(['call', ...MANAGER, 'StartUnit', 'ss', 'web.service', 'replace']).stdout).toMatch(/^o "\/org\/freedesktop\/systemd1\/job\/\d+"$/m);
    for (let t = 0; t < 50 && (await state()) !== 'active\n'; t++) await sleep(100);
    expect(await state()).toBe('active\n');
  });

  it('systemctl start --wait (which needs a bus for its match rules) returns once the service has exited', async () => {
    expect(inside(['systemctl', 'start', '--wait', 'brief.service'])).toMatchObject({ rc: 0, stderr: '' });
    expect((await svcd.svcctl('show', 'brief.service', '-p', 'ActiveState,Result')).stdout).toBe('Result=success\nActiveState=inactive\n');
  }, 30_000);
});
