// The real systemctl against svcd, answer for answer against the real systemctl against systemd 252
// booted on the same units (recorded by scripts/record-systemctl-answers.mjs): the same exit codes,
// stdout and stderr for each case of test/support/systemctl-cases.mjs, run in the same order, so
// the state each case sees is the same on both. svcd runs as PID 1 of a namespace with its own /run.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTree } from '../support/tree.mjs';
import { answer, answersOfSystemd, CASES, systemctlInNamespace, TARGET, UNITS, type Answer } from '../support/systemctl-cases.mjs';
import { systemdNsUsable, NS } from '../support/show-oracle.mjs';
import { bootInNamespace, type SvcdInNamespace } from '../support/svcd-ns.js';
import { PACKAGE_ROOT } from '../../src/shared/package-root.js';

const recorded = (JSON.parse(readFileSync(join(PACKAGE_ROOT, 'test/fixtures/dbus/systemctl-answers.json'), 'utf8')) as { answers: Answer[] }).answers;
const systemctlPresent = spawnSync('test', ['-x', '/usr/bin/systemctl']).status === 0;

let dir = '';
let svcd: SvcdInNamespace;

beforeAll(async () => {
  if (!systemctlPresent) return;
  dir = mkdtempSync(join(tmpdir(), 'svcd-systemctl-diff-'));
  chmodSync(dir, 0o755);
  buildTree(join(dir, 'units'), { files: UNITS });
  svcd = await bootInNamespace(dir, join(dir, 'units'), TARGET, '/nonexistent', ['sh', '-c', 'mount -t tmpfs tmpfs /run && exec "$@" --manager-bus', 'sh'], '/run/svcd');
}, 60_000);

afterAll(async () => {
  await svcd?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!systemctlPresent)('the real systemctl: svcd answers as systemd 252 does', () => {
  it('the recording and the cases agree', () => {
    expect(recorded.map((a) => a.args)).toEqual(CASES);
  });

  let svcdAnswers: Answer[] = [];

  it('every case, in order: exit code, stdout and stderr', () => {
    svcdAnswers = answer(systemctlInNamespace(svcd.hostPid), join(dir, 'units'));
    expect(svcdAnswers).toEqual(recorded);
  }, 120_000);

  it.skipIf(!systemdNsUsable())('and against a live systemd 252 booted here now', () => {
    expect(svcdAnswers).toHaveLength(CASES.length);
    expect(svcdAnswers).toEqual(answersOfSystemd(NS, () => mkdtempSync(join(tmpdir(), 'systemctl-answers-'))).answers);
  }, 120_000);
});
