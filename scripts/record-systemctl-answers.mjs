#!/usr/bin/env node
// Records what the real systemctl answers against real systemd 252 (booted with systemd-ns) for the
// cases of test/support/systemctl-cases.mjs, into test/fixtures/dbus/systemctl-answers.json, for
// test/e2e/dbus-systemctl-differential.test.ts to replay against svcd. Root; systemd-ns must boot.
//   node scripts/record-systemctl-answers.mjs
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { buildTree } from '../test/support/tree.mjs';
import { CASES, TARGET, UNITS } from '../test/support/systemctl-cases.mjs';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const tools = process.env.SYSTEMD_NS_DIR ?? '/work/shared/tools/systemd-ns';
const out = join(repo, 'test/fixtures/dbus/systemctl-answers.json');

const dir = mkdtempSync(join(tmpdir(), 'systemctl-answers-'));
buildTree(dir, { files: UNITS });
const pid = execFileSync(join(tools, 'systemd-ns.sh'), [dir, TARGET], { encoding: 'utf8' }).trim();
try {
  const env = { ...process.env, SYSTEMD_COLORS: '0', SYSTEMD_PAGER: '', LANG: 'C.UTF-8' };
  const run = (args) => spawnSync(join(tools, 'systemd-ns-exec.sh'), [pid, 'systemctl', '--no-pager', ...args], { encoding: 'utf8', env });
  const norm = (t) => t.replaceAll(dir, '<unitdir>');
  const answers = CASES.map((args) => {
    const r = run(args);
    return { args, rc: r.status, stdout: norm(r.stdout), stderr: norm(r.stderr) };
  });
  const version = run(['show', '-p', 'Version', '--value']).stdout.trim();
  writeFileSync(out, `${JSON.stringify({ recordedFrom: `systemd ${version}`, answers }, null, 1)}\n`);
  process.stderr.write(`wrote ${out}: ${answers.length} answers\n`);
} finally {
  spawnSync(join(tools, 'systemd-ns.sh'), ['--stop', pid]);
  rmSync(dir, { recursive: true, force: true });
}
