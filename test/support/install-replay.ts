// Runs a tree's commands (test/fixtures/install/trees.mjs) in a fresh scratch root, by svcctl or by
// systemctl as `cmd` builds the command line, and records each command's answer and the symlinks
// under the root afterwards, the root's path written @R@: the shape the install recorders write.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildTree } from './tree.mjs';
import { listSymlinks } from './symlinks.mjs';
import { treeEnv, type InstallTree } from '../fixtures/install/trees.mjs';

export interface Step { args: string[]; stdout: string; stderr: string; status: number; links: Record<string, string> }

export function replayTree(tree: InstallTree, cmd: (root: string, args: readonly string[]) => string[]): Step[] {
  const root = mkdtempSync(join(tmpdir(), 'svcd-install-'));
  try {
    buildTree(root, tree);
    return tree.commands.map((args) => {
      const argv = cmd(root, args);
      const r = spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8', env: treeEnv(tree, process.env) });
      const norm = (s: string) => s.replaceAll(root, '@R@');
      return { args: [...args], stdout: norm(r.stdout), stderr: norm(r.stderr), status: r.status ?? -1, links: listSymlinks(root) };
    });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/**
 * The differential suite of one set of trees: svcctl --root replays each tree and must answer as
 * systemctl --root did in the recording `file` (under test/fixtures/install); where systemctl is
 * installed, it is re-run live and must still agree with its recording.
 */
export function recordedTreesSuite(title: string, trees: readonly InstallTree[], file: string): void {
  const recorded = JSON.parse(readFileSync(join(__dirname, '../fixtures/install', file), 'utf8')) as { trees: Record<string, Step[]> };
  const svcctl = join(__dirname, '../../bin/svcctl');
  describe(title, () => {
    it.each(trees.map((t) => [t.name, t] as const))('%s', (name, tree) => {
      expect(replayTree(tree, (root, args) => [svcctl, '--root', root, ...args])).toEqual(recorded.trees[name]);
    });
    it.runIf(existsSync('/usr/bin/systemctl')).each(trees.map((t) => [t.name, t] as const))('%s: the live oracle still agrees with the recording', (name, tree) => {
      expect(replayTree(tree, (root, args) => ['systemctl', `--root=${root}`, ...args])).toEqual(recorded.trees[name]);
    });
  });
}
