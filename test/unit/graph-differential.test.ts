// The dependency graph against real systemd 252: for each tree of test/fixtures/graph/trees.mjs,
// `systemctl show -p Requires,…,RequiredBy,…` of every unit (recorded by
// scripts/record-graph-fixtures.mjs from systemd booted in a namespace) equals svcd's graph.
// systemd prints these sets in hashmap order, different at every boot: they are compared sorted.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildTree } from '../support/tree.mjs';
import { PROPERTIES, TREES, unitsOf } from '../fixtures/graph/trees.mjs';
import { buildUnitFileMap } from '../../src/unit/unit-file-map.js';
import { loadUnit } from '../../src/unit/load.js';
import { DependencyGraph, type ShownDependency } from '../../src/graph/dependencies.js';
import { BUILTIN_UNIT_DIR } from '../../src/shared/package-root.js';

type Recorded = Record<string, Record<string, Record<string, string[]>>>;
const recorded = (JSON.parse(readFileSync(join(__dirname, '../fixtures/graph/recorded.json'), 'utf8')) as { trees: Recorded }).trees;
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe.each(TREES.map((t) => [t.name, t] as const))('dependency graph of %s', (name, tree) => {
  const dir = mkdtempSync(join(tmpdir(), 'svcd-graph-'));
  dirs.push(dir);
  buildTree(dir, tree);
  const map = buildUnitFileMap([dir, BUILTIN_UNIT_DIR]);
  const graph = DependencyGraph.build(['x.target'], (n) => loadUnit(map, n));
  it.each(unitsOf(tree))('%s matches systemctl show', (unit) => {
    const ours = Object.fromEntries(PROPERTIES.map((p) => [p, [...graph.get(unit, p as ShownDependency)].sort()]));
    // systemd also orders units after the mount units of the paths they use (-.mount for a path
    // unit's watch), made from /proc/self/mountinfo; svcd has no mount units, so those are left out.
    const theirs = Object.fromEntries(Object.entries(recorded[name]![unit]!).map(([p, l]) => [p, l.filter((n) => !n.endsWith('.mount'))]));
    expect(ours).toEqual(theirs);
  });
});
