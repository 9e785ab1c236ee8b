// `svcctl --root TREE cat` against real systemd 252's `systemctl cat` on the same trees.
// test/fixtures/cat/trees.json describes the trees and cases; scripts/record-cat-fixtures.sh records
// systemd's answers into recorded.json (systemd booted in a namespace with each tree mounted over the
// default search path). Where that oracle can run here (root, systemctl, ../shared/tools/systemd-ns),
// it is run again and must still agree with the recording; SVCD_LIVE_ORACLE=0 skips that.
// Runs dist/ through bin/svcctl: build first (npm test does).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildTree } from '../support/tree.mjs';

interface Case { args: string[]; stdout: string; stderr: string; status: number }
interface TreeSpec { name: string; files: Record<string, string>; links: Record<string, string>; cases: string[][] }
interface Recording { systemd: string; trees: Record<string, Case[]> }

const repo = resolve(__dirname, '../..');
const spec = JSON.parse(readFileSync(join(repo, 'test/fixtures/cat/trees.json'), 'utf8')) as { trees: TreeSpec[] };
const recorded = JSON.parse(readFileSync(join(repo, 'test/fixtures/cat/recorded.json'), 'utf8')) as Recording;
const svcctl = join(repo, 'bin/svcctl');
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function svcctlCat(dir: string, args: string[]): Omit<Case, 'args'> {
  const r = spawnSync(svcctl, ['--root', dir, 'cat', '--no-pager', ...args], { encoding: 'utf8' });
  // systemd reports paths as seen from inside the tree's root; svcctl reports them with the root.
  const norm = (s: string) => s.replaceAll(dir, '');
  return { stdout: norm(r.stdout), stderr: norm(r.stderr), status: r.status ?? -1 };
}

describe('the recording', () => {
  it('covers at least 15 trees and every case of the spec', () => {
    expect(spec.trees.length).toBeGreaterThanOrEqual(15);
    for (const t of spec.trees) expect(recorded.trees[t.name]?.map((c) => c.args)).toEqual(t.cases);
  });
});

describe.each(spec.trees)('cat on tree $name', (tree) => {
  const dir = mkdtempSync(join(tmpdir(), 'svcd-cat-'));
  dirs.push(dir);
  buildTree(dir, tree);
  it.each(recorded.trees[tree.name] ?? [])('cat $args', (c) => {
    expect(svcctlCat(dir, c.args)).toEqual({ stdout: c.stdout, stderr: c.stderr, status: c.status });
  });
});

const oracle = resolve(repo, '../shared/tools/systemd-ns/systemd-ns.sh');
const live =
  process.env.SVCD_LIVE_ORACLE !== '0' && process.getuid?.() === 0 && existsSync(oracle) && spawnSync('systemctl', ['--version']).status === 0;

describe.runIf(live)('the recording against a live systemd', () => {
  it('is what systemd answers today', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'svcd-cat-live-')), 'recorded.json');
    dirs.push(resolve(out, '..'));
    const r = spawnSync(join(repo, 'scripts/record-cat-fixtures.sh'), [out], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const now = JSON.parse(readFileSync(out, 'utf8')) as Recording;
    expect(now.trees).toEqual(recorded.trees);
  }, 180_000);
});
