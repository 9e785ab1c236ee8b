// preset, preset-all, link, revert, add-wants and add-requires by the real systemctl over D-Bus against svcd as PID 1, answer
// for answer against the real systemctl against systemd 252 booted on the same files (recorded by
// scripts/record-preset-bus-answers.mjs, re-checked live where systemd-ns runs): same exit codes,
// stdout and stderr, case by case in order. Both managers see UNITS on /etc/systemd/system, VENDOR
// on /usr/lib/systemd/system and PREPARE's files in a /run of their own.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTree } from '../support/tree.mjs';
import { systemctlInNamespace, type Answer } from '../support/systemctl-cases.mjs';
import { answer, answersOfSystemd, CASES, PREPARE, TARGET, UNIT_LINKS, UNITS, VENDOR } from '../support/preset-bus-cases.mjs';
import { systemdNsUsable, NS } from '../support/show-oracle.mjs';
import { bootInNamespace, type SvcdInNamespace } from '../support/svcd-ns.js';
import { PACKAGE_ROOT } from '../../src/shared/package-root.js';

const recorded = (JSON.parse(readFileSync(join(PACKAGE_ROOT, 'test/fixtures/dbus/preset-answers.json'), 'utf8')) as { answers: Answer[] }).answers;
const systemctlPresent = spawnSync('test', ['-x', '/usr/bin/systemctl']).status === 0;
const ETC = '/etc/systemd/system';

let dir = '';
let svcd: SvcdInNamespace;

beforeAll(async () => {
  if (!systemctlPresent) return;
  dir = mkdtempSync(join(tmpdir(), 'svcd-presets-'));
  chmodSync(dir, 0o755);
  buildTree(join(dir, 'units'), { files: UNITS, links: UNIT_LINKS });
  buildTree(join(dir, 'vendor'), { files: VENDOR });
  const setup = [
    'mount -t tmpfs tmpfs /run',
    PREPARE,
    `mount --bind ${join(dir, 'vendor')} /usr/lib/systemd/system`,
    `mount --bind ${join(dir, 'units')} ${ETC}`,
    'exec "$@" --manager-bus',
  ].join(' && ');
  svcd = await bootInNamespace(dir, ETC, TARGET, '/nonexistent', ['sh', '-c', setup, 'sh'], '/run/svcd');
}, 60_000);

afterAll(async () => {
  await svcd?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!systemctlPresent)('the real systemctl preset/preset-all/link/revert: svcd answers as systemd 252 does', () => {
  it('the recording and the cases agree', () => {
    expect(recorded.map((a) => a.args)).toEqual(CASES);
  });

  let svcdAnswers: Answer[] = [];

  it('every case, in order: exit code, stdout and stderr', () => {
    svcdAnswers = answer(systemctlInNamespace(svcd.hostPid));
    expect(svcdAnswers).toEqual(recorded);
  }, 120_000);

  it.skipIf(!systemdNsUsable())('and against a live systemd 252 booted here now', () => {
    expect(svcdAnswers).toHaveLength(CASES.length);
    expect(svcdAnswers).toEqual(answersOfSystemd(NS, () => mkdtempSync(join(tmpdir(), 'preset-answers-'))).answers);
  }, 120_000);
});
