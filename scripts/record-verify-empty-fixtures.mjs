#!/usr/bin/env node
// record-verify-empty-fixtures.mjs [OUTFILE] — records what systemd 252's `systemd-analyze verify
// --man=no` says about an empty assignment to every BOOLEAN key it knows (the tree of
// test/support/empty-boolean-units.mjs: one file per key), as JSON {stdout, stderr, status} with the
// scratch directory as @DIR@, into test/fixtures/verify/empty-booleans.json (default OUTFILE).
// test/unit/verify-empty-boolean.test.ts compares svcctl analyze verify with it. Needs `npm run build`.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeEmptyBooleanUnits } from '../test/support/empty-boolean-units.mjs';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const out = process.argv[2] ?? join(repo, 'test/fixtures/verify/empty-booleans.json');
const dir = mkdtempSync(join(tmpdir(), 'verify-empty-'));
try {
  const names = writeEmptyBooleanUnits(dir);
  const r = spawnSync('systemd-analyze', ['verify', '--man=no', ...names.map((n) => join(dir, n))], { encoding: 'utf8', cwd: dir });
  const answer = { stdout: r.stdout.replaceAll(dir, '@DIR@'), stderr: r.stderr.replaceAll(dir, '@DIR@'), status: r.status };
  writeFileSync(out, `${JSON.stringify(answer, null, 1)}\n`);
  console.error(`recorded systemd-analyze verify on ${names.length} empty boolean assignments into ${out}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
