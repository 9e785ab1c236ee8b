#!/usr/bin/env node
// Boots real systemd 252 as PID 1 of a namespace (../shared/tools/systemd-ns) on the generated tree
// of test/fixtures/graph/order-tree.mjs (target x.target) and records, for every unit, its
// ActiveState/SubState/Result and whether it was started at all (InactiveExitTimestamp set) into
// test/fixtures/graph/order-recorded.json, and the cycle lines systemd logged. test/e2e/order.test.ts
// boots svcd on the same tree and compares.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildTree } from '../test/support/tree.mjs';
import { generate, treeFiles } from '../test/fixtures/graph/order-tree.mjs';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const ns = resolve(repo, '../shared/tools/systemd-ns');
const specs = generate();
const dir = mkdtempSync(join(tmpdir(), 'order-oracle-'));
buildTree(join(dir, 'units'), { files: treeFiles(specs), links: {} });
const log = join(dir, 'console.log');
const pid = execFileSync(join(ns, 'systemd-ns.sh'), [join(dir, 'units'), 'x.target'], { env: { ...process.env, SYSTEMD_NS_LOG: log }, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
const units = {};
try {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2000);
  const r = spawnSync(join(ns, 'systemd-ns-exec.sh'), [pid, 'systemctl', 'show', '-p', 'Id,ActiveState,SubState,Result,InactiveExitTimestampMonotonic', ...specs.map((s) => s.name), 'cyc-a.service', 'cyc-b.service'], { encoding: 'utf8', maxBuffer: 1 << 26 });
  for (const block of r.stdout.trim().split('\n\n')) {
    const p = Object.fromEntries(block.split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
    units[p.Id] = { state: `${p.ActiveState}/${p.SubState}`, result: p.Result, started: Number(p.InactiveExitTimestampMonotonic) > 0 };
  }
} finally {
  execFileSync(join(ns, 'systemd-ns.sh'), ['--stop', pid]);
}
const cycle = readFileSync(log, 'utf8').split('\n').filter((l) => /ordering cycle|Found dependency on/.test(l)).map((l) => l.replace(/^.*?(cyc-)/, '$1').replace(/\r+$/, ''));
rmSync(dir, { recursive: true, force: true });
const out = { systemd: execFileSync('systemctl', ['--version']).toString().split('\n')[0], units, cycle };
writeFileSync(join(repo, 'test/fixtures/graph/order-recorded.json'), JSON.stringify(out, null, 1) + '\n');
console.log(`recorded ${Object.keys(units).length} units`);
