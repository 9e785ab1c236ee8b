// The dependency properties a running svcd shows, against real systemd 252: each tree of
// test/fixtures/graph/trees.mjs is booted by svcd as PID 1 of a PID namespace (target x.target), and
// `svcctl show -p Requires,…,RequiredBy,…` of every unit must equal what `systemctl show` printed
// in systemd booted on the same tree (scripts/record-graph-fixtures.mjs). systemd prints these sets
// in hashmap order, different at every boot: they are compared sorted. test/unit/graph-differential
// checks the graph module alone; this checks what a user asking the daemon sees.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTree } from '../support/tree.mjs';
import { bootInNamespace } from '../support/svcd-ns.js';
import { PROPERTIES, TREES, unitsOf } from '../fixtures/graph/trees.mjs';

type Shown = Record<string, string[]>;
const repo = join(__dirname, '../..');
const recorded = (JSON.parse(readFileSync(join(repo, 'test/fixtures/graph/recorded.json'), 'utf8')) as { trees: Record<string, Record<string, Shown>> }).trees;
const dirs: string[] = [];
const shown = new Map<string, Record<string, Shown>>();

/** `show` output as sorted name lists; names with a backslash are printed quoted, the backslash doubled. */
function parse(text: string): Shown {
  return Object.fromEntries(text.trim().split('\n').map((l) => {
    const i = l.indexOf('=');
    const names = l.slice(i + 1).split(' ').filter(Boolean).map((n) => (n.startsWith('"') ? n.slice(1, -1).replace(/\\\\/g, '\\') : n));
    return [l.slice(0, i), names.sort()];
  }));
}

async function boot(tree: (typeof TREES)[number]): Promise<Record<string, Shown>> {
  const dir = mkdtempSync(join(tmpdir(), 'svcd-graph-e2e-'));
  dirs.push(dir);
  buildTree(join(dir, 'units'), tree);
  const svcd = await bootInNamespace(dir, join(dir, 'units'), 'x.target');
  const out: Record<string, Shown> = {};
  try {
    for (const u of unitsOf(tree)) out[u] = parse((await svcd.svcctl('show', '-p', PROPERTIES.join(','), u)).stdout);
  } finally {
    await svcd.stop();
  }
  return out;
}

beforeAll(async () => {
  const queue = [...TREES];
  await Promise.all([0, 1].map(async () => {
    for (let t = queue.shift(); t; t = queue.shift()) shown.set(t.name, await boot(t));
  }));
}, 120000);
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe.each(TREES.map((t) => [t.name, t] as const))('svcd as PID 1 shows the dependencies of %s as systemd 252 does', (name, tree) => {
  it.each(unitsOf(tree))('%s', (unit) => {
    // systemd also orders units after the mount units of the paths they use (-.mount for a path
    // unit's watch), made from /proc/self/mountinfo; svcd has no mount unit but the root's
    // (docs/differences.md), which it orders the same units after.
    const theirs = Object.fromEntries(Object.entries(recorded[name]![unit]!).map(([p, l]) => [p, l.filter((n) => !n.endsWith('.mount') || n === '-.mount')]));
    expect(shown.get(name)![unit]).toEqual(theirs);
  });
});
