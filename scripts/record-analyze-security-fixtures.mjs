#!/usr/bin/env node
// Records systemd-analyze 252's `security --offline=yes` as the oracle for
// test/unit/analyze-security.test.ts: stdout, stderr and exit status for the hand-written units of
// test/fixtures/analyze-security/units (each covering some checks), the seed's nova-compute, the
// Debian packages' units (nginx, redis-server, memcached, ssh, cron, postgresql@), several files at
// once, the errors, the ASCII glyphs outside a UTF-8 locale, and a digest of what it answers for every unit file
// in /lib/systemd/system at once. Paths under the checkout are stored as @ROOT@. Re-run on
// purpose only; the result is committed so the test runs where systemd is absent.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
if (spawnSync('systemd-analyze', ['--version']).status !== 0) {
  console.error('systemd-analyze not found');
  process.exit(1);
}
const env = { ...process.env, SYSTEMD_COLORS: '0', SYSTEMD_PAGER: '', PAGER: 'cat', LANG: 'C.UTF-8', LC_ALL: '' };
const hide = (s) => s.split(root).join('@ROOT@');
const run = (args, extraEnv = {}) => {
  const r = spawnSync('systemd-analyze', ['security', ...args], { cwd: root, encoding: 'utf8', env: { ...env, ...extraEnv } });
  return { args, env: extraEnv, stdout: hide(r.stdout), stderr: hide(r.stderr), status: r.status };
};

const units = 'test/fixtures/analyze-security/units';
const handWritten = readdirSync(join(root, units)).sort().map((f) => `${units}/${f}`);
const debian = ['nginx', 'redis-server', 'memcached', 'ssh', 'cron', 'postgresql@'].map((n) => `/lib/systemd/system/${n}.service`)
  .filter((f) => existsSync(f));
const cases = [
  ...handWritten.map((f) => run(['--offline=yes', f])),
  run(['--offline=yes', 'test/fixtures/nova/nova-compute.service']),
  ...debian.map((f) => run(['--offline=yes', f])),
  run(['--offline=yes', ...debian]),
  run(['--offline=yes', `${units}/safe.service`, `${units}/missing.service`, 'not-a-unit-name', `${units}/perfect.service`]),
  run(['--offline=yes']),
  run(['--offline=bogus', `${units}/safe.service`]),
  run(['--offline=yes', `${units}/sandbox-mixed.service`], { LANG: 'C' }),
];
writeFileSync(join(root, 'test/fixtures/analyze-security/cases.json'), JSON.stringify(cases, null, 1) + '\n');

// Every unit file of the system directory at once: its digest keeps the fixture small.
const dir = '/lib/systemd/system';
const files = readdirSync(dir).filter((f) => /\.(service|socket|target|mount|timer|path|slice|swap|automount)$/.test(f)).sort();
const all = run(['--offline=yes', ...files.map((f) => join(dir, f))]);
const digest = createHash('sha256').update(JSON.stringify([all.stdout, all.stderr, all.status])).digest('hex');
writeFileSync(join(root, 'test/fixtures/analyze-security/system-units.json'), JSON.stringify({ files, digest }, null, 1) + '\n');
console.log(`recorded ${cases.length} cases and ${files.length} system unit files`);
