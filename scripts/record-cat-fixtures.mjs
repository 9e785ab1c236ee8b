#!/usr/bin/env node
// Records `systemctl cat` answers from real systemd 252, booted as PID 1 of a private namespace by
// ../shared/tools/systemd-ns (systemctl refuses `cat` with --root, so the running manager is the
// oracle). Output: test/fixtures/cat/recorded.json. Paths of the tree are replaced by @DIR@.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildTree } from '../test/support/tree.mjs';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const ns = resolve(repo, '../shared/tools/systemd-ns');
const spec = JSON.parse(readFileSync(join(repo, 'test/fixtures/cat/trees.json'), 'utf8'));
const out = { systemd: execFileSync('systemctl', ['--version']).toString().split('\n')[0], trees: {} };

for (const tree of spec.trees) {
  const dir = mkdtempSync(join(tmpdir(), 'cat-oracle-'));
  buildTree(dir, tree);
  const pid = execFileSync(join(ns, 'systemd-ns.sh'), ['--console', 'null', dir], { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
  try {
    out.trees[tree.name] = tree.cases.map((args) => {
      const r = spawnSync(join(ns, 'systemd-ns-exec.sh'), [pid, 'systemctl', 'cat', '--no-pager', ...args], { encoding: 'utf8' });
      const norm = (s) => s.replaceAll(dir, '@DIR@');
      return { args, stdout: norm(r.stdout), stderr: norm(r.stderr), status: r.status };
    });
  } finally {
    execFileSync(join(ns, 'systemd-ns.sh'), ['--stop', pid]);
    rmSync(dir, { recursive: true, force: true });
  }
}
writeFileSync(join(repo, 'test/fixtures/cat/recorded.json'), JSON.stringify(out, null, 2) + '\n');
console.log(`recorded ${Object.values(out.trees).flat().length} cat cases`);
