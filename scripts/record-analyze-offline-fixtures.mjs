#!/usr/bin/env node
// Records systemd-analyze 252's answers (stdout, stderr, exit status) to the cases of
// test/fixtures/analyze-offline/cases.json into test/fixtures/analyze-offline/recorded.json, run from
// the repository's root with SYSTEMD_UNIT_PATH unset. test/unit/analyze-offline-differential.test.ts
// gives svcctl analyze the same arguments and compares, and asks systemd-analyze again where it is
// installed. Re-run only on purpose.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const repo = join(import.meta.dirname, '..');
const { cases } = JSON.parse(readFileSync(join(repo, 'test/fixtures/analyze-offline/cases.json'), 'utf8'));
const env = { ...process.env };
delete env.SYSTEMD_UNIT_PATH;
const answers = cases.map((args) => {
  const r = spawnSync('systemd-analyze', args, { cwd: repo, env: { ...env, SYSTEMD_COLORS: '0', SYSTEMD_PAGER: '' }, encoding: 'latin1' });
  if (r.error) throw r.error;
  // Printed paths name the checkout (--root= is made absolute): the answers hold them as @REPO@.
  const placeholder = (t) => t.replaceAll(repo, '@REPO@');
  return { args, stdout: placeholder(r.stdout), stderr: placeholder(r.stderr), status: r.status };
});
const version = spawnSync('systemd-analyze', ['--version'], { encoding: 'utf8' }).stdout.split('\n')[0];
writeFileSync(join(repo, 'test/fixtures/analyze-offline/recorded.json'), `${JSON.stringify({ version, answers }, null, 1)}\n`);
console.error(`recorded ${answers.length} answers of ${version}`);
