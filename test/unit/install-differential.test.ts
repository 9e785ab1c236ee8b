// svcctl --root against systemctl --root (systemd 252) on the trees and command sequences of
// test/fixtures/install/trees.mjs, recorded by scripts/record-install-fixtures.sh: same stdout,
// stderr, exit status, and the same symlinks afterwards.
//
// One normalisation: systemctl removes links in the order its directory walk meets them, which is
// the filesystem's hash order (it differs between filesystems), so "Removed …" lines are compared
// as a sorted list; every other line is compared in order.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildTree } from '../support/tree.mjs';
import { listSymlinks } from '../support/symlinks.mjs';
import { TREES, treeEnv } from '../fixtures/install/trees.mjs';

interface Step { args: string[]; stdout: string; stderr: string; status: number; links: Record<string, string> }
const recorded = JSON.parse(readFileSync(join(__dirname, '../fixtures/install/recorded.json'), 'utf8')) as { trees: Record<string, Step[]> };
const svcctl = join(__dirname, '../../bin/svcctl');
const live = existsSync('/usr/bin/systemctl');

function normStderr(s: string): { ordered: string[]; removed: string[] } {
  const lines = s.split('\n');
  return { ordered: lines.filter((l) => !l.startsWith('Removed "')), removed: lines.filter((l) => l.startsWith('Removed "')).sort() };
}

function replay(tree: (typeof TREES)[number], cmd: (root: string, args: string[]) => string[]): Step[] {
  const root = mkdtempSync(join(tmpdir(), 'svcd-install-'));
  try {
    buildTree(root, tree);
    return tree.commands.map((args: string[]) => {
      const argv = cmd(root, args);
      const r = spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8', env: treeEnv(tree, process.env) });
      const norm = (s: string) => s.replaceAll(root, '@R@');
      return { args, stdout: norm(r.stdout), stderr: norm(r.stderr), status: r.status ?? -1, links: listSymlinks(root) };
    });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

const comparable = (steps: Step[]) => steps.map((s) => ({ ...s, stderr: normStderr(s.stderr) }));

describe('svcctl --root install verbs vs systemctl --root', () => {
  it('covers at least 40 trees', () => expect(TREES.length).toBeGreaterThanOrEqual(40));
  it.each(TREES.map((t) => [t.name, t] as const))('%s', (name, tree) => {
    expect(comparable(replay(tree, (root, args) => [svcctl, '--root', root, ...args]))).toEqual(comparable(recorded.trees[name]!));
  });
  it.runIf(live).each(TREES.map((t) => [t.name, t] as const))('%s: the live oracle still agrees with the recording', (name, tree) => {
    expect(comparable(replay(tree, (root, args) => ['systemctl', `--root=${root}`, ...args]))).toEqual(comparable(recorded.trees[name]!));
  });
});
