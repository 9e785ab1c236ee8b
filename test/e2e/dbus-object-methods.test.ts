// Unit.Kill and Job.Cancel on the unit's and the job's objects are the Manager's KillUnit and
// CancelJob with the object naming the unit or job (issue 12): the same checks in the same order
// (root only, who=, the signal number, the job still there) and the same D-Bus error names and
// messages. dbus-send prints the error's name, which busctl does not.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTree } from '../support/tree.mjs';
import { bootInNamespace, type SvcdInNamespace } from '../support/svcd-ns.js';

let dir = '';
let svcd: SvcdInNamespace;
let address = '';

const MANAGER = ['/org/freedesktop/systemd1', 'org.freedesktop.systemd1.Manager'] as const;
const WEB = '/org/freedesktop/systemd1/unit/web_2eservice';

/** A call with dbus-send, as root or as `uid`: the reply as dbus-send prints it, or the error's name and message. */
function call(path: string, member: string, args: readonly string[], uid?: number): string {
  const argv = ['dbus-send', `--address=${address}`, '--print-reply', '--dest=org.freedesktop.systemd1', path, member, ...args];
  const cmd = uid === undefined ? argv : ['setpriv', `--reuid=${uid}`, `--regid=${uid}`, '--clear-groups', ...argv];
  const r = spawnSync(cmd[0]!, cmd.slice(1), { encoding: 'utf8' });
  return r.status === 0 ? r.stdout : r.stderr.trim();
}
const killUnit = (who: string, signal: number, uid?: number) => call(MANAGER[0], `${MANAGER[1]}.KillUnit`, ['string:web.service', `string:${who}`, `int32:${signal}`], uid);
const unitKill = (who: string, signal: number, uid?: number) => call(WEB, 'org.freedesktop.systemd1.Unit.Kill', [`string:${who}`, `int32:${signal}`], uid);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'svcd-dbus-objects-'));
  chmodSync(dir, 0o755);
  buildTree(join(dir, 'units'), { files: {
    'web.service': '[Service]\nExecStart=/bin/sleep 600\n',
    'slow.service': '[Service]\nType=oneshot\nExecStart=/bin/sleep 600\n',
    'x.target': '[Unit]\nWants=web.service\n',
  } });
  svcd = await bootInNamespace(dir, join(dir, 'units'), 'x.target');
  address = `unix:path=${join(svcd.run, 'systemd', 'private')}`;
}, 60_000);

afterAll(async () => {
  await svcd?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('Unit.Kill answers as Manager.KillUnit', () => {
  it('a signal number out of range: InvalidArgs with the same message, and the unit keeps running', () => {
    const manager = killUnit('all', 99);
    expect(manager).toBe('Error org.freedesktop.DBus.Error.InvalidArgs: Signal number out of range: 99');
    expect(unitKill('all', 99)).toBe(manager);
    expect(unitKill('all', 0)).toBe(killUnit('all', 0));
    expect(call(WEB, 'org.freedesktop.DBus.Properties.Get', ['string:org.freedesktop.systemd1.Unit', 'string:ActiveState'])).toContain('"active"');
  });

  it('a who= that is none of main, control and all: InvalidArgs', () => {
    const manager = killUnit('everyone', 15);
    expect(manager).toBe('Error org.freedesktop.DBus.Error.InvalidArgs: Invalid who argument everyone');
    expect(unitKill('everyone', 15)).toBe(manager);
  });

  it('a non-root caller: AccessDenied, with a bad signal as with a good one', () => {
    const manager = killUnit('all', 99, 65534);
    expect(manager).toMatch(/^Error org\.freedesktop\.DBus\.Error\.AccessDenied: /);
    expect(unitKill('all', 99, 65534)).toBe(manager);
    expect(unitKill('all', 15, 65534)).toBe(killUnit('all', 15, 65534));
  });
});

describe('Job.Cancel answers as Manager.CancelJob', () => {
  it('a non-root caller is refused both, and the job stays; root cancels it through the object', () => {
    const started = call(MANAGER[0], `${MANAGER[1]}.StartUnit`, ['string:slow.service', 'string:replace']);
    const path = /object path "([^"]+)"/.exec(started)?.[1];
    expect(path).toMatch(/^\/org\/freedesktop\/systemd1\/job\/\d+$/);
    const id = Number(path!.slice(path!.lastIndexOf('/') + 1));
    const manager = call(MANAGER[0], `${MANAGER[1]}.CancelJob`, [`uint32:${id}`], 65534);
    expect(manager).toMatch(/^Error org\.freedesktop\.DBus\.Error\.AccessDenied: /);
    expect(call(path!, 'org.freedesktop.systemd1.Job.Cancel', [], 65534)).toBe(manager);
    expect(call(MANAGER[0], `${MANAGER[1]}.GetJob`, [`uint32:${id}`])).toContain(path!);
    expect(call(path!, 'org.freedesktop.systemd1.Job.Cancel', [])).toMatch(/^method return /);
    expect(call(MANAGER[0], `${MANAGER[1]}.CancelJob`, [`uint32:${id}`])).toBe(`Error org.freedesktop.systemd1.NoSuchJob: Job ${id} does not exist.`);
  });
});
