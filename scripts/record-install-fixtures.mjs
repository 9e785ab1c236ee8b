#!/usr/bin/env node
// Run through scripts/record-install-fixtures.sh [FILE.json…]. Records real `systemctl --root=DIR` (systemd 252) on the trees (TREES, PRESET_TREES, BAD_TREES, DEPENDENCY_TREES) of test/fixtures/install/trees.mjs:
// after each command its stdout, stderr, exit status and the symlinks under DIR (temp dir → @R@).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import process from 'node:process';
import { buildTree } from '../test/support/tree.mjs';
import { listSymlinks } from '../test/support/symlinks.mjs';
import { BAD_TREES, DEPENDENCY_TREES, PRESET_TREES, TREES, treeEnv } from '../test/fixtures/install/trees.mjs';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const version = execFileSync('systemctl', ['--version']).toString().split('\n')[0];
// Each set of trees into its own file: TREES (enable, disable, …), PRESET_TREES (preset, link, revert)
// BAD_TREES (the `bad` state) and DEPENDENCY_TREES (add-wants, add-requires). Arguments name the files to record (all when none).
const only = process.argv.slice(2);
for (const [trees, file] of [[TREES, 'recorded.json'], [PRESET_TREES, 'recorded-presets.json'], [BAD_TREES, 'recorded-bad.json'], [DEPENDENCY_TREES, 'recorded-dependencies.json']]) {
  if (only.length > 0 && !only.includes(file)) continue;
  const out = { systemd: version, trees: {} };
  for (const tree of trees) {
    const root = mkdtempSync(join(tmpdir(), 'install-oracle-'));
    buildTree(root, tree);
    out.trees[tree.name] = tree.commands.map((args) => {
      const r = spawnSync('systemctl', [`--root=${root}`, ...args], { encoding: 'utf8', env: treeEnv(tree, process.env) });
      const norm = (s) => s.replaceAll(root, '@R@');
      return { args, stdout: norm(r.stdout), stderr: norm(r.stderr), status: r.status, links: listSymlinks(root) };
    });
    rmSync(root, { recursive: true, force: true });
  }
  writeFileSync(join(repo, 'test/fixtures/install', file), JSON.stringify(out, null, 1) + '\n');
  process.stdout.write(`${file}: recorded ${trees.length} trees, ${Object.values(out.trees).flat().length} commands\n`);
}
