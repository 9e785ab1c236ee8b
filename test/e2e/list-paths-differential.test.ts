// `svcctl list-paths` against what `systemctl list-paths` prints for real systemd 252 on the same
// unit tree (test/fixtures/list-paths/, recorded by scripts/record-list-paths-fixtures.mjs; re-checked
// live where systemd-ns is present). systemctl 252 has no list-paths — the verb is systemd 254's, which
// reads only what 252's manager answers (the path units list-units shows, their Paths and Triggers):
// the script asks systemd 252 those questions and lays the answers out as 254's verb does. svcd boots
// the tree as PID 1 and must print the recorded text: every PathXxx= line, sorted by path component by
// component ("/a/b" before "/a.b"), then type, then unit regardless of case; a path unit whose unit is
// not loaded shown with --all only; names without a type taken as .path.
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { liveOracle } from '../support/oracle.js';
import { bootInNamespace, type SvcdInNamespace } from '../support/svcd-ns.js';
// @ts-expect-error -- a plain ESM script without types
import { CASES } from '../../scripts/record-list-paths-fixtures.mjs';
import { spawnSync } from 'node:child_process';

const repo = join(__dirname, '../..');
const fixtures = join(repo, 'test/fixtures/list-paths');
const dir = mkdtempSync('/tmp/svcd-list-paths-');
const cases = CASES as [string, string[]][];

let svcd: SvcdInNamespace;
beforeAll(async () => {
  svcd = await bootInNamespace(dir, join(fixtures, 'units'), 'x.target');
}, 60_000);
afterAll(async () => {
  await svcd?.stop();
  rmSync(dir, { recursive: true, force: true });
});

it.each(cases)('list-paths (%s) prints what systemctl printed', async (name, args) => {
  const r = await svcd.svcctl('list-paths', '--no-pager', ...args);
  expect(r.stdout, svcd.console()).toBe(readFileSync(join(fixtures, `${name}.txt`), 'utf8'));
  expect(r.rc).toBe(0);
}, 30_000);

describe.runIf(liveOracle)('the recording against a live systemd', () => {
  it('is what systemd answers today', () => {
    const out = join(dir, 'live');
    const r = spawnSync(process.execPath, [join(repo, 'scripts/record-list-paths-fixtures.mjs'), out], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    for (const f of readdirSync(out)) expect(readFileSync(join(out, f), 'utf8'), f).toBe(readFileSync(join(fixtures, f), 'utf8'));
  }, 120_000);
});
