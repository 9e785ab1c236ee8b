#!/usr/bin/env node
// Records what systemd 252's systemd-tmpfiles leaves in each tree of test/fixtures/tmpfiles/
// (cases.mjs): `systemd-tmpfiles --root=DIR ARGS` (--create --boot by default), its exit status,
// and every path of the tree after it (type, mode, owner, content, link target, device numbers,
// attributes), and its messages. The root itself, which systemd 252 puts below the root a second time
// for %C %L %S %t, is recorded as @ROOT@. test/unit/tmpfiles-differential.test.ts applies
// svcd's tmpfiles to the same trees and compares, and re-runs systemd-tmpfiles where installed.
// Run after changing a case: node scripts/record-tmpfiles-fixtures.mjs
import { spawnSync } from 'node:child_process';
import process from 'node:process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CASES, FIXTURES, buildCase, caseArgs, isConfig } from '../test/fixtures/tmpfiles/cases.mjs';
import { readFsTree } from '../test/support/fs-tree.mjs';

const REAL = '/usr/bin/systemd-tmpfiles';
const version = spawnSync('dpkg-query', ['-W', '-f=${Version}', 'systemd'], { encoding: 'utf8' }).stdout;
const out = { tool: REAL, systemd: version, cases: {} };
const env = { PATH: process.env.PATH, SYSTEMD_LOG_LEVEL: 'notice' };
for (const c of CASES) {
  const root = mkdtempSync(join(tmpdir(), 'tmpfiles-record-'));
  buildCase(root, c);
  const r = spawnSync(REAL, [`--root=${root}`, ...caseArgs(c)], { env, encoding: 'utf8' });
  const at = (text) => text.split(root.slice(1)).join('@ROOT@');
  const tree = Object.fromEntries(Object.entries(readFsTree(root, isConfig)).map(([rel, e]) => [at(rel), e]));
  out.cases[c.name] = { status: r.status, tree, messages: r.stderr.split(root).join('').split('\n').filter(Boolean) };
  rmSync(root, { recursive: true, force: true });
  process.stdout.write(`${c.name}: status ${r.status}, ${Object.keys(tree).length} paths${r.stderr ? `\n  ${r.stderr.trim().split('\n').join('\n  ')}` : ''}\n`);
}
writeFileSync(join(FIXTURES, 'recorded.json'), JSON.stringify(out, null, 1) + '\n');
