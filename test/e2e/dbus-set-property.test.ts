// `systemctl set-property` (D-Bus SetUnitProperties), the real systemctl against svcd as PID 1 of a
// namespace with its own /run, against what it got from systemd 252 for the same cases
// (scripts/record-set-property.mjs → test/fixtures/dbus/set-property.json): the same exit codes and
// messages (a property that cannot be set, an unknown unit), the same drop-ins under
// /run/systemd/system.control, byte for byte, and `show` saying the new Description at once.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTree } from '../support/tree.mjs';
import { bootInNamespace, type SvcdInNamespace } from '../support/svcd-ns.js';
import { SET_PROPERTY_UNITS, type SetPropertyAnswers } from '../support/set-property-cases.mjs';

const systemctlPresent = spawnSync('test', ['-x', '/usr/bin/systemctl']).status === 0;
const oracle = JSON.parse(readFileSync(join(__dirname, '../fixtures/dbus/set-property.json'), 'utf8')) as SetPropertyAnswers;
const script = join(__dirname, '../../scripts/record-set-property.mjs');

let dir = '';
let svcd: SvcdInNamespace;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'svcd-set-property-'));
  chmodSync(dir, 0o755);
  buildTree(join(dir, 'units'), { files: SET_PROPERTY_UNITS });
  // --manager-bus: /run/systemd/private, where the real systemctl looks, in the namespace's own /run.
  const setup = ['mount -t tmpfs tmpfs /run', 'exec "$@" --manager-bus'].join(' && ');
  svcd = await bootInNamespace(dir, `/run/systemd/system.control:${join(dir, 'units')}`, 'x.target', '/nonexistent', ['sh', '-c', setup, 'sh'], '/run/svcd');
}, 60_000);

afterAll(async () => {
  await svcd?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe.runIf(systemctlPresent)('systemctl set-property against svcd', () => {
  it('answers, writes and shows what systemd 252 does', () => {
    const r = spawnSync('nsenter', ['-t', String(svcd.hostPid), '-m', '-p', process.execPath, script, '--inside'], { encoding: 'utf8', timeout: 60_000 });
    expect(r.status, r.stderr + svcd.console()).toBe(0);
    const ours = JSON.parse(r.stdout) as SetPropertyAnswers;
    for (let i = 0; i < oracle.answers.length; i++) expect(ours.answers[i], oracle.answers[i]!.args.join(' ')).toEqual(oracle.answers[i]);
    expect(ours.files).toEqual(oracle.files);
    // Properties.Set is refused as systemd refuses it (no property svcd serves is writable in 252),
    // and SetUnitProperties' errors carry systemd's names.
    expect(ours.calls).toEqual(oracle.calls);
  }, 90_000);
});
