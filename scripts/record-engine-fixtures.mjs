#!/usr/bin/env node
// Boots real systemd 252 as PID 1 of a namespace (../shared/tools/systemd-ns) on each scenario of
// test/fixtures/graph/engine-scenarios.mjs, runs its steps, and records into
// test/fixtures/graph/engine-recorded.json what systemctl answered (exit status, stderr) and the
// LoadState/ActiveState/SubState/Result/MainPID of the observed units, and the monotonic times (µs) they last entered
// active and inactive, after the boot and after every step.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildTree } from '../test/support/tree.mjs';
import { SCENARIOS } from '../test/fixtures/graph/engine-scenarios.mjs';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const ns = resolve(repo, '../shared/tools/systemd-ns');
const inside = (pid, ...cmd) => spawnSync(join(ns, 'systemd-ns-exec.sh'), [pid, ...cmd], { encoding: 'utf8' });
const pause = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

function observe(pid, units) {
  return Object.fromEntries(units.map((u) => {
    const r = inside(pid, 'systemctl', 'show', '-p', 'LoadState,ActiveState,SubState,Result,MainPID,ActiveEnterTimestampMonotonic,InactiveEnterTimestampMonotonic', u);
    const p = Object.fromEntries(r.stdout.trim().split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
    return [u, {
      state: `${p.ActiveState}/${p.SubState}`, load: p.LoadState, result: p.Result, mainPid: Number(p.MainPID),
      activeEnter: Number(p.ActiveEnterTimestampMonotonic), inactiveEnter: Number(p.InactiveEnterTimestampMonotonic),
    }];
  }));
}

const out = { systemd: execFileSync('systemctl', ['--version']).toString().split('\n')[0], scenarios: {} };
for (const sc of SCENARIOS) {
  const dir = mkdtempSync(join(tmpdir(), 'engine-oracle-'));
  buildTree(dir, { files: sc.files, links: {} });
  const pid = execFileSync(join(ns, 'systemd-ns.sh'), ['--console', 'null', dir, 'x.target'], { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
  try {
    const steps = [{ step: 'boot', rc: 0, stderr: '', units: observe(pid, sc.observe) }];
    for (const [verb, unit] of sc.steps) {
      let r;
      if (verb === 'kill') {
        r = inside(pid, 'systemctl', 'kill', '-s', 'KILL', unit);
      } else {
        r = inside(pid, 'systemctl', verb, unit);
      }
      // Let consequences that no job waits for (OnFailure=, BindsTo= stops) settle.
      pause(500);
      steps.push({ step: `${verb} ${unit}`, rc: r.status, stderr: r.stderr.trim(), units: observe(pid, sc.observe) });
    }
    out.scenarios[sc.name] = steps;
  } finally {
    execFileSync(join(ns, 'systemd-ns.sh'), ['--stop', pid]);
    rmSync(dir, { recursive: true, force: true });
  }
}
writeFileSync(join(repo, 'test/fixtures/graph/engine-recorded.json'), JSON.stringify(out, null, 1) + '\n');
console.log(`recorded ${SCENARIOS.length} scenarios`);
