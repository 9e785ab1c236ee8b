#!/usr/bin/env node
// Boots real systemd 252 as PID 1 of a namespace (../shared/tools/systemd-ns) on each tree of
// test/fixtures/graph/trees.mjs and records `systemctl show` of the dependency properties of its
// units into test/fixtures/graph/recorded.json. systemd prints them in hashmap order, which changes
// from boot to boot, so each is stored as a sorted list.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildTree } from '../test/support/tree.mjs';
import { PROPERTIES, TREES, unitsOf } from '../test/fixtures/graph/trees.mjs';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const ns = resolve(repo, '../shared/tools/systemd-ns');
const out = { systemd: execFileSync('systemctl', ['--version']).toString().split('\n')[0], trees: {} };
for (const tree of TREES) {
  const dir = mkdtempSync(join(tmpdir(), 'graph-oracle-'));
  buildTree(dir, tree);
  const pid = execFileSync(join(ns, 'systemd-ns.sh'), ['--console', 'null', dir, 'x.target'], { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
  try {
    out.trees[tree.name] = Object.fromEntries(unitsOf(tree).map((u) => {
      const r = spawnSync(join(ns, 'systemd-ns-exec.sh'), [pid, 'systemctl', 'show', '-p', PROPERTIES.join(','), u], { encoding: 'utf8' });
      const props = Object.fromEntries(r.stdout.trim().split('\n').map((l) => {
        const i = l.indexOf('=');
        // Names with a backslash are printed quoted, the backslash doubled: "system-my\\x2dapp.slice".
        const names = l.slice(i + 1).split(' ').filter(Boolean).map((n) => (n.startsWith('"') ? n.slice(1, -1).replace(/\\\\/g, '\\') : n));
        return [l.slice(0, i), names.sort()];
      }));
      return [u, props];
    }));
  } finally {
    execFileSync(join(ns, 'systemd-ns.sh'), ['--stop', pid]);
    rmSync(dir, { recursive: true, force: true });
  }
}
writeFileSync(join(repo, 'test/fixtures/graph/recorded.json'), JSON.stringify(out, null, 1) + '\n');
console.log(`recorded ${TREES.length} trees`);
