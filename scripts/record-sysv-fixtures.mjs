#!/usr/bin/env node
// Records what systemd 252's own systemd-sysv-generator writes for each tree of
// test/fixtures/sysv/ (cases.mjs): exit status, and in its late directory every file's content and
// every link's target. test/unit/sysv-generator-differential.test.ts compares svcd's generator
// with this recording (and with the real generator again where it is installed).
// Run after changing a tree: node scripts/record-sysv-fixtures.mjs
import { spawnSync } from 'node:child_process';
import process from 'node:process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CASES, FIXTURES, caseDir, caseEnv } from '../test/fixtures/sysv/cases.mjs';
import { readOutputTree } from '../test/support/output-tree.mjs';

const REAL = '/lib/systemd/system-generators/systemd-sysv-generator';
const version = spawnSync('dpkg-query', ['-W', '-f=${Version}', 'systemd'], { encoding: 'utf8' }).stdout;
const out = { generator: REAL, systemd: version, cases: {} };
for (const c of CASES) {
  const work = mkdtempSync(join(tmpdir(), 'sysv-record-'));
  const dirs = ['normal', 'early', 'late'].map((d) => join(work, d));
  for (const d of dirs) mkdirSync(d);
  const r = spawnSync(REAL, dirs, { env: { PATH: process.env.PATH, ...caseEnv(c) }, encoding: 'utf8' });
  const tree = readOutputTree(dirs[2], caseDir(c));
  const others = [dirs[0], dirs[1]].map((d) => Object.keys(readOutputTree(d, '').files).length);
  if (others[0] || others[1]) throw new Error(`${c.name}: the real generator wrote outside its late directory`);
  out.cases[c.name] = { status: r.status, ...tree };
  rmSync(work, { recursive: true, force: true });
  process.stdout.write(`${c.name}: status ${r.status}, ${Object.keys(tree.files).length} files, ${Object.keys(tree.links).length} links\n`);
}
writeFileSync(join(FIXTURES, 'recorded.json'), JSON.stringify(out, null, 1) + '\n');
