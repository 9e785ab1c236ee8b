// svcctl --root TREE edit against systemd 252's `systemctl edit` (which refuses --root, so it was
// recorded against systemd as PID 1 with the same tree mounted over its unit directories, by
// scripts/record-edit-fixtures.mjs into test/fixtures/edit/recorded.json). Each case of
// test/support/edit-cases.mjs runs on a fresh tree with test/fixtures/edit/editor.sh as the editor,
// on terminals (pty-run.py): same exit status, stdout, stderr, files handed to the editor with their
// contents, and files under /etc/systemd/system and /run/systemd/system afterwards.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildEditTree, caseName, CASES, runEditCase, type EditOutcome } from '../support/edit-cases.mjs';
import { PACKAGE_ROOT } from '../../src/shared/package-root.js';

type Outcome = EditOutcome;
const recorded = (JSON.parse(readFileSync(join(PACKAGE_ROOT, 'test/fixtures/edit/recorded.json'), 'utf8')) as { cases: Outcome[] }).cases;
const svcctl = join(PACKAGE_ROOT, 'bin/svcctl');
const work = mkdtempSync(join(tmpdir(), 'svcd-edit-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** systemctl 252 leaves a temporary file behind when a later unit fails to be found; svcctl removes it (docs/differences.md). */
function withoutLeftovers(o: Outcome): Outcome {
  return { ...o, files: Object.fromEntries(Object.entries(o.files).filter(([k]) => !k.includes('/.#'))) };
}

describe('svcctl --root edit: as systemctl 252 edits', () => {
  it('the recording and the cases agree', () => {
    expect(recorded.map((r) => r.args)).toEqual(CASES.map((c) => c.args));
  });
  it.each(CASES.map((c, i) => [caseName(c), i] as const))('%s', (_name, i) => {
    const root = join(work, `tree${i}`);
    buildEditTree(root);
    const got = runEditCase(CASES[i]!, { argv0: [svcctl, '--root', root], root, prefix: root, logPath: join(work, `log${i}`) });
    expect(Object.keys(got.files).filter((k) => k.includes('/.#'))).toEqual([]);
    expect(got).toEqual(withoutLeftovers(recorded[i]!));
  });
});
