#!/usr/bin/env node
// Records real systemd-escape (systemd 252) on every case of test/fixtures/escape/cases.json.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { cases } = JSON.parse(readFileSync(join(repo, 'test/fixtures/escape/cases.json'), 'utf8'));
const out = { systemd: execFileSync('systemctl', ['--version']).toString().split('\n')[0], cases: [] };
for (const args of cases) {
  const r = spawnSync('systemd-escape', args, { encoding: 'utf8' });
  out.cases.push({ args, stdout: r.stdout, stderr: r.stderr, status: r.status });
}
writeFileSync(join(repo, 'test/fixtures/escape/recorded.json'), JSON.stringify(out, null, 1) + '\n');
console.log(`recorded ${cases.length} systemd-escape cases`);
