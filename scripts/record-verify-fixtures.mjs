#!/usr/bin/env node
// Called by record-verify-fixtures.sh. Records `systemd-analyze verify --man=no` (systemd 252) on every case of
// test/fixtures/verify/cases.json into test/fixtures/verify/recorded.json (temp dir → @DIR@).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildTree } from '../test/support/tree.mjs';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const spec = JSON.parse(readFileSync(join(repo, 'test/fixtures/verify/cases.json'), 'utf8'));
const out = { systemd: execFileSync('systemctl', ['--version']).toString().split('\n')[0], cases: {} };
for (const c of spec.cases) {
  const dir = mkdtempSync(join(tmpdir(), 'verify-oracle-'));
  buildTree(dir, c);
  const r = spawnSync('systemd-analyze', ['verify', '--man=no', ...c.args.map((a) => join(dir, a))], { encoding: 'utf8', cwd: dir });
  out.cases[c.name] = { stdout: r.stdout.replaceAll(dir, '@DIR@'), stderr: r.stderr.replaceAll(dir, '@DIR@'), status: r.status };
  rmSync(dir, { recursive: true, force: true });
}
writeFileSync(join(repo, 'test/fixtures/verify/recorded.json'), JSON.stringify(out, null, 1) + '\n');
console.log(`recorded ${spec.cases.length} verify cases`);
