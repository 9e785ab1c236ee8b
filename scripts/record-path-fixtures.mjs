#!/usr/bin/env node
// record-path-fixtures.mjs [OUT] — runs test/support/path-scenario.mjs against real systemd 252 booted
// as PID 1 of a namespace (../shared/tools/systemd-ns) and writes its looks (path units' states, run
// counts after each step) to OUT (default test/fixtures/paths/looks.json): the oracle of
// test/e2e/paths-differential.test.ts, which re-runs this live where systemd-ns can run.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import process from 'node:process';
import { runPathScenario, writePathTree } from '../test/support/path-scenario.mjs';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const ns = process.env.SYSTEMD_NS ?? resolve(repo, '../shared/tools/systemd-ns');
const out = process.argv[2] ?? join(repo, 'test/fixtures/paths/looks.json');
// Under /var/tmp: systemd-ns gives its namespace a /tmp of its own, not /var/tmp.
const root = mkdtempSync(join(process.env.RECORD_TMPDIR ?? '/var/tmp', 'svcd-path-rec.'));
let pid = '';
try {
  writePathTree(root, join(root, 'units'), symlinkSync);
  pid = execFileSync(join(ns, 'systemd-ns.sh'), ['--console', 'null', join(root, 'units')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  const looks = await runPathScenario(root, async (units) =>
    execFileSync(join(ns, 'systemd-ns-exec.sh'), [pid, 'systemctl', 'show', '-p', 'Id,ActiveState,SubState,Result', '--', ...units], { encoding: 'utf8' }),
  join(root, 'units'), async () => void execFileSync(join(ns, 'systemd-ns-exec.sh'), [pid, 'systemctl', 'daemon-reload']));
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(looks, null, 1)}\n`);
  process.stderr.write(`recorded ${looks.length} looks into ${out}\n`);
} finally {
  if (pid) execFileSync(join(ns, 'systemd-ns.sh'), ['--stop', pid]);
  rmSync(root, { recursive: true, force: true });
}
