#!/usr/bin/env node
// Records `systemd-analyze plot` of systemd 252 booting the Debian stack (nginx, redis-server, ssh, cron,
// memcached, postgresql — as installed here, unmodified) and the seed's nova-compute, each enabled in
// multi-user.target, as PID 1 of a private namespace (../shared/tools/systemd-ns): into
// test/fixtures/analyze-stack/systemd-plot.svg, with the units' hashes beside it (units.json), so
// test/e2e/analyze-stack-plot.test.ts compares only the units that are the same files here.
// Re-run only on purpose; root.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { availableUnits, buildUnitDir, DEBIAN, NS, repo, sha256 } from '../test/support/show-oracle.mjs';

const out = join(repo, 'test/fixtures/analyze-stack');
const stack = [...Object.values(DEBIAN), 'nova-compute.service'];
const units = Object.fromEntries(Object.entries(availableUnits()).filter(([u]) => stack.includes(u)));
const dir = mkdtempSync(join(tmpdir(), 'analyze-stack-'));
try {
  buildUnitDir(join(dir, 'units'), units);
  const boot = spawnSync(join(NS, 'systemd-ns.sh'), ['--console', 'null', join(dir, 'units')], { encoding: 'utf8' });
  const pid = boot.stdout.trim();
  if (boot.status !== 0 || !/^\d+$/.test(pid)) throw new Error(`systemd-ns failed: ${boot.stderr}`);
  try {
    const plot = spawnSync(join(NS, 'systemd-ns-exec.sh'), [pid, 'systemd-analyze', 'plot'], { encoding: 'utf8' });
    if (plot.status !== 0) throw new Error(`systemd-analyze plot failed: ${plot.stderr}`);
    writeFileSync(join(out, 'systemd-plot.svg'), plot.stdout);
  } finally {
    spawnSync(join(NS, 'systemd-ns.sh'), ['--stop', pid]);
  }
  writeFileSync(join(out, 'units.json'), `${JSON.stringify(Object.fromEntries(Object.entries(units).map(([u, p]) => [u, sha256(p)])), null, 1)}\n`);
  console.error(`recorded systemd-analyze plot of ${Object.keys(units).join(', ')} into ${out}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
