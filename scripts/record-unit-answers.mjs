#!/usr/bin/env node
// Records what the real systemctl 252 answers for each case of test/fixtures/unit-answers/cases.json
// (systemctl ARGS…) about the small units of test/fixtures/unit-answers/units, with real systemd
// booted as PID 1 of a namespace (../shared/tools/systemd-ns) on all of them at once, into
// test/fixtures/unit-answers/recorded.json: the oracle of test/e2e/unit-answers.test.ts. The units
// hold what a differential hunt with Debian's packages found svcd answering differently. Re-run
// after adding a case or a unit.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import process from 'node:process';
import { CLIENT_ENV, NS, repo, settle } from '../test/support/show-oracle.mjs';

const fixtures = join(repo, 'test/fixtures/unit-answers');
const cases = JSON.parse(readFileSync(join(fixtures, 'cases.json'), 'utf8'));
const dir = mkdtempSync(join(tmpdir(), 'unit-answers-'));
mkdirSync(join(dir, 'multi-user.target.wants'));
for (const f of readdirSync(join(fixtures, 'units'))) {
  copyFileSync(join(fixtures, 'units', f), join(dir, f));
  symlinkSync(`../${f}`, join(dir, 'multi-user.target.wants', f));
}
const boot = spawnSync(join(NS, 'systemd-ns.sh'), ['--console', 'null', dir], { encoding: 'utf8' });
const pid = boot.stdout.trim();
const work = /base units and log in (\S+)/.exec(boot.stderr)?.[1];
try {
  if (boot.status !== 0 || !/^\d+$/.test(pid)) throw new Error(`systemd-ns failed: ${boot.stderr}`);
  const ctl = (...args) => spawnSync(join(NS, 'systemd-ns-exec.sh'), [pid, 'systemctl', ...args], { encoding: 'utf8', env: CLIENT_ENV });
  // No job left: worker-main.service's start has timed out.
  settle(ctl);
  const out = cases.map((c) => {
    const r = ctl(...c.args);
    return { ...c, stdout: r.stdout.split(dir).join('<unitdir>'), status: r.status };
  });
  writeFileSync(join(fixtures, 'recorded.json'), JSON.stringify(out, null, 1) + '\n');
  process.stdout.write(`recorded ${out.length} cases\n`);
} finally {
  if (/^\d+$/.test(pid)) spawnSync(join(NS, 'systemd-ns.sh'), ['--stop', pid]);
  if (work) rmSync(work, { recursive: true, force: true });
  rmSync(dir, { recursive: true, force: true });
}
