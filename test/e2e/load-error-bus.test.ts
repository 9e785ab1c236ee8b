// A start refused because a unit did not load (LoadState=error) carries, over D-Bus, the error
// systemd 252 names after the errno (bus_unit_validate_load_state()): InvalidArgs for a unit in a
// slice with no place in the hierarchy, InconsistentMessage for a fragment with a fatal syntax
// error — the names its LoadError= shows (recorded in test/fixtures/slice-lifecycle by
// scripts/record-slice-lifecycle.sh, and read from systemd 252 for the syntax error).
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildTree } from '../support/tree.mjs';
import { bootInNamespace, type SvcdInNamespace } from '../support/svcd-ns.js';

let dir = '';
let svcd: SvcdInNamespace;

/** Manager.StartUnit with dbus-send: the error's name and message as dbus-send prints them. */
function startUnit(unit: string): string {
  const r = spawnSync('dbus-send', [`--address=unix:path=${join(svcd.run, 'systemd', 'private')}`, '--print-reply', '--dest=org.freedesktop.systemd1',
    '/org/freedesktop/systemd1', 'org.freedesktop.systemd1.Manager.StartUnit', `string:${unit}`, 'string:replace'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout : r.stderr.trim();
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'svcd-load-error-bus-'));
  chmodSync(dir, 0o755);
  buildTree(join(dir, 'units'), { files: {
    'dashes.service': '[Service]\nSlice=a--b.slice\nExecStart=/bin/sleep 600\n',
    'badsyn.service': '[Service\nExecStart=/bin/true\n',
    'x.target': '[Unit]\n',
  } });
  svcd = await bootInNamespace(dir, join(dir, 'units'), 'x.target');
}, 60_000);
afterAll(async () => {
  await svcd?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

it('a unit in a slice with no place in the hierarchy: InvalidArgs, with the slice\'s reason', () => {
  expect(startUnit('dashes.service')).toBe('Error org.freedesktop.DBus.Error.InvalidArgs: Unit a--b.slice failed to load properly, please adjust/correct and reload service manager: Invalid argument');
});

it('a fragment with a fatal syntax error: InconsistentMessage (EBADMSG), as its LoadError= says', async () => {
  expect(startUnit('badsyn.service')).toBe('Error org.freedesktop.DBus.Error.InconsistentMessage: Unit badsyn.service failed to load properly, please adjust/correct and reload service manager: Bad message');
  expect((await svcd.svcctl('show', '-p', 'LoadError', '--value', 'badsyn.service')).stdout).toBe('org.freedesktop.DBus.Error.InconsistentMessage "Unit badsyn.service failed to load properly, please adjust/correct and reload service manager: Bad message"\n');
});
