#!/usr/bin/env node
// Called by record-verify-fixtures.sh. Records `systemd-analyze verify --man=no` (systemd 252) on every case of
// test/fixtures/verify/cases.json into test/fixtures/verify/recorded.json (temp dir → @DIR@).
// With case names as arguments, records only those and keeps every other recorded case as it is.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildTree } from '../test/support/tree.mjs';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const spec = JSON.parse(readFileSync(join(repo, 'test/fixtures/verify/cases.json'), 'utf8'));
const only = process.argv.slice(2);
const recordedPath = join(repo, 'test/fixtures/verify/recorded.json');
const previous = only.length > 0 ? JSON.parse(readFileSync(recordedPath, 'utf8')).cases : {};
const out = { systemd: execFileSync('systemctl', ['--version']).toString().split('\n')[0], cases: {} };
for (const c of spec.cases) {
  if (only.length > 0 && !only.includes(c.name)) {
    if (previous[c.name]) out.cases[c.name] = previous[c.name];
    continue;
  }
  const dir = mkdtempSync(join(tmpdir(), 'verify-oracle-'));
  buildTree(dir, c);
  const r = spawnSync('systemd-analyze', ['verify', '--man=no', ...c.args.map((a) => join(dir, a))], { encoding: 'utf8', cwd: dir });
  out.cases[c.name] = { stdout: r.stdout.replaceAll(dir, '@DIR@'), stderr: r.stderr.replaceAll(dir, '@DIR@'), status: r.status };
  rmSync(dir, { recursive: true, force: true });
}
writeFileSync(recordedPath, JSON.stringify(out, null, 1) + '\n');
console.log(`recorded ${only.length > 0 ? only.length : spec.cases.length} verify cases`);
