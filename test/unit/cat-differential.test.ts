// `svcctl cat` against real systemd 252's `systemctl cat` (recorded by
// scripts/record-cat-fixtures.mjs from systemd running as PID 1 of a namespace).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildTree } from '../support/tree.mjs';

interface Case { args: string[]; stdout: string; stderr: string; status: number }
interface TreeSpec { name: string; files: Record<string, string>; links: Record<string, string>; cases: string[][] }

const spec = JSON.parse(readFileSync(join(__dirname, '../fixtures/cat/trees.json'), 'utf8')) as { trees: TreeSpec[] };
const recorded = JSON.parse(readFileSync(join(__dirname, '../fixtures/cat/recorded.json'), 'utf8')) as { trees: Record<string, Case[]> };
const svcctl = join(__dirname, '../../bin/svcctl');
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe.each(spec.trees)('cat on tree $name', (tree) => {
  const dir = mkdtempSync(join(tmpdir(), 'svcd-cat-'));
  dirs.push(dir);
  buildTree(dir, tree);
  const cases = recorded.trees[tree.name]!;
  it('has a recording for every case', () => expect(cases.map((c) => c.args)).toEqual(tree.cases));
  it.each(cases)('cat $args', (c) => {
    const r = spawnSync(svcctl, ['cat', ...c.args], { encoding: 'utf8', env: { ...process.env, SYSTEMD_UNIT_PATH: dir } });
    const norm = (s: string) => s.replaceAll(dir, '@DIR@');
    expect({ stdout: norm(r.stdout), stderr: norm(r.stderr), status: r.status }).toEqual({ stdout: c.stdout, stderr: c.stderr, status: c.status });
  });
});
