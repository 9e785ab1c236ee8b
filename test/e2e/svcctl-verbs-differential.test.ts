// The verbs' smaller answers, from both the real systemctl (over D-Bus) and svcctl (over the control
// socket) against svcd as PID 1, each against systemctl against systemd 252 booted on the same units
// (recorded by `scripts/record-systemctl-answers.mjs verbs`): the warning after stopping a unit that
// an active socket can still activate, and the notices and refusals for names systemctl mangles.
// Both clients run the same cases, in order, on one svcd: the cases leave the state as they found it.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTree } from '../support/tree.mjs';
import { answer, answersOfSystemd, systemctlInNamespace, SYSTEMCTL_ENV, VERBS, type Answer } from '../support/systemctl-cases.mjs';
import { systemdNsUsable, NS } from '../support/show-oracle.mjs';
import { bootInNamespace, type SvcdInNamespace } from '../support/svcd-ns.js';
import { PACKAGE_ROOT } from '../../src/shared/package-root.js';

const recorded = (JSON.parse(readFileSync(join(PACKAGE_ROOT, 'test/fixtures/dbus/systemctl-verb-answers.json'), 'utf8')) as { answers: Answer[] }).answers;
const systemctlPresent = spawnSync('test', ['-x', '/usr/bin/systemctl']).status === 0;

let dir = '';
let svcd: SvcdInNamespace;
const units = () => join(dir, 'units');

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'svcd-verbs-diff-'));
  chmodSync(dir, 0o755);
  buildTree(units(), { files: VERBS.units });
  svcd = await bootInNamespace(dir, units(), VERBS.target, '/nonexistent', ['sh', '-c', 'mount -t tmpfs tmpfs /run && exec "$@" --manager-bus', 'sh'], '/run/svcd');
}, 60_000);

afterAll(async () => {
  await svcd?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const svcctl = (args: readonly string[]) => spawnSync(process.execPath, [join(PACKAGE_ROOT, 'dist/cli/svcctl.js'), '--runtime-dir', svcd.run, '--no-pager', ...args], {
  encoding: 'utf8', timeout: 30_000, env: { ...process.env, ...SYSTEMCTL_ENV },
});

describe('stop warnings and mangled names: svcd answers as systemd 252 does', () => {
  it('the recording and the cases agree', () => {
    expect(recorded.map((a) => a.args)).toEqual(VERBS.cases);
  });

  it('svcctl: every case, in order: exit code, stdout and stderr', () => {
    expect(answer(svcctl, units(), VERBS.cases)).toEqual(recorded);
  }, 120_000);

  it.skipIf(!systemctlPresent)('the real systemctl over D-Bus: every case, in order', () => {
    expect(answer(systemctlInNamespace(svcd.hostPid), units(), VERBS.cases)).toEqual(recorded);
  }, 120_000);

  it.skipIf(!systemdNsUsable())('the recording still matches a live systemd 252 booted here now', () => {
    expect(answersOfSystemd(NS, () => mkdtempSync(join(tmpdir(), 'systemctl-answers-')), VERBS).answers).toEqual(recorded);
  }, 120_000);
});
