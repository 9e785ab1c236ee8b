#!/usr/bin/env node
// record-system-conf-fixtures.mjs [OUT] — which files systemd 252 reads as its manager configuration,
// for each tree of test/fixtures/system-conf/trees.json: the "# PATH" headers of
// `systemd-analyze --root=TREE cat-config systemd/system.conf`, relative to the tree, in order.
// Default OUT: test/fixtures/system-conf/recorded.json. Refuses to run without systemd 252.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildTree } from '../test/support/tree.mjs';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const version = execFileSync('systemd-analyze', ['--version']).toString().split('\n')[0];
if (!/^systemd 252\b/.test(version)) {
  console.error(`record-system-conf-fixtures: needs systemd 252's systemd-analyze, found: ${version}`);
  process.exit(1);
}
const { trees } = JSON.parse(readFileSync(join(repo, 'test/fixtures/system-conf/trees.json'), 'utf8'));
const out = { systemd: version, trees: {} };
for (const tree of trees) {
  const root = mkdtempSync(join(tmpdir(), 'system-conf-oracle-'));
  buildTree(root, tree);
  const r = spawnSync('systemd-analyze', [`--root=${root}`, 'cat-config', 'systemd/system.conf'], {
    encoding: 'utf8',
    env: { ...process.env, SYSTEMD_PAGER: '', SYSTEMD_COLORS: '0' },
  });
  // Headers name files under the root; "# Main configuration file … not found" names none.
  out.trees[tree.name] = r.stdout
    .split('\n')
    .filter((l) => l.startsWith(`# ${root}/`))
    .map((l) => l.slice(`# ${root}`.length));
  rmSync(root, { recursive: true, force: true });
}
const file = process.argv[2] ?? join(repo, 'test/fixtures/system-conf/recorded.json');
writeFileSync(file, JSON.stringify(out, null, 1) + '\n');
console.log(`recorded ${trees.length} trees into ${file}`);
