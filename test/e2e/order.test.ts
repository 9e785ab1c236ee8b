// A generated tree of 250 units with every dependency kind, booted by svcd as PID 1 of a PID
// namespace with real processes, then stopped by isolating an empty target. What systemd.unit(5)
// promises, checked on the timestamps svcd reports (`svcctl show`):
//   - a unit ordered After= another starts only once that one is up (active, or finished for a
//     oneshot), and stops before it begins to stop;
//   - Requires=/BindsTo=/Requisite= on a unit that fails leaves the dependent not started
//     (`dependency`), Wants= does not;
//   - every unit ends the boot in the state systemd 252 left it in on the same tree;
//   - an ordering cycle is broken and logged as systemd logs it, and the boot goes on.
// The tree comes from a seeded generator: the same tree every run, edges only towards lower
// numbers (a DAG) except the one cycle put in on purpose.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTree } from '../support/tree.mjs';
import { bootInNamespace, sleep, type SvcdInNamespace } from '../support/svcd-ns.js';

import { N, generate, treeFiles } from '../fixtures/graph/order-tree.mjs';

interface Recorded { units: Record<string, { state: string; result: string; started: boolean }>; cycle: string[] }
const recorded = JSON.parse(readFileSync(join(__dirname, '../fixtures/graph/order-recorded.json'), 'utf8')) as Recorded;

const specs = generate();
const PROPS = ['Id', 'ActiveState', 'SubState', 'Result', 'InactiveExitTimestampMonotonic', 'ActiveEnterTimestampMonotonic',
  'ActiveExitTimestampMonotonic', 'InactiveEnterTimestampMonotonic'] as const;
type Shown = Record<(typeof PROPS)[number], string>;

async function showAll(svcd: SvcdInNamespace): Promise<Map<string, Shown>> {
  const r = await svcd.svcctl('show', '-p', PROPS.join(','), ...specs.map((s) => s.name));
  const out = new Map<string, Shown>();
  for (const block of r.stdout.trim().split('\n\n')) {
    const p = Object.fromEntries(block.split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)])) as Shown;
    out.set(p.Id, p);
  }
  return out;
}

const dir = mkdtempSync(join(tmpdir(), 'svcd-order-'));
let booted: Map<string, Shown>;
let stopped: Map<string, Shown>;
let console_ = '';

beforeAll(async () => {
  const files = treeFiles(specs);
  buildTree(join(dir, 'units'), { files, links: {} });
  const svcd = await bootInNamespace(dir, join(dir, 'units'), 'x.target');
  try {
    await sleep(1000);
    booted = await showAll(svcd);
    await svcd.svcctl('isolate', 'empty.target');
    await sleep(500);
    stopped = await showAll(svcd);
  } finally {
    await svcd.stop();
    console_ = svcd.console();
  }
}, 120000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Every ordering pair (first, then): `then` is ordered after `first`. */
function orderings(): [string, string][] {
  const out: [string, string][] = [];
  for (const s of specs) {
    for (const a of s.after) out.push([a, s.name]);
    for (const b of s.before) out.push([s.name, b]);
  }
  return out;
}
const num = (s: string | undefined) => Number(s ?? 0);
const started = (p: Shown | undefined) => p !== undefined && num(p.InactiveExitTimestampMonotonic) > 0;

describe(`a generated tree of ${N} units booted and stopped by svcd as PID 1`, () => {
  it('ends the boot with every unit in the state systemd 252 left it in (scripts/record-order-fixtures.mjs)', () => {
    const ours = Object.fromEntries(specs.map((s) => {
      const p = booted.get(s.name)!;
      return [s.name, { state: `${p.ActiveState}/${p.SubState}`, result: p.Result, started: started(p) }];
    }));
    const theirs = Object.fromEntries(specs.map((s) => [s.name, recorded.units[s.name]]));
    const diff = specs.filter((s) => JSON.stringify(ours[s.name]) !== JSON.stringify(theirs[s.name]))
      .map((s) => `${s.name}: svcd ${JSON.stringify(ours[s.name])} systemd ${JSON.stringify(theirs[s.name])}`);
    expect(diff).toEqual([]);
  });

  it('starts every unit only after the units it is ordered after are up', () => {
    const late: string[] = [];
    let checked = 0;
    for (const [first, then] of orderings()) {
      const [f, t] = [booted.get(first), booted.get(then)];
      if (!started(t) || !f || num(f.ActiveEnterTimestampMonotonic) === 0) continue;
      checked++;
      if (num(t!.InactiveExitTimestampMonotonic) < num(f.ActiveEnterTimestampMonotonic)) late.push(`${then} started before ${first} was up`);
    }
    expect(late).toEqual([]);
    expect(checked).toBeGreaterThan(N / 2);
  });

  it('fails what requires a failed unit with a dependency result and leaves Wants= dependents running', () => {
    const failing = new Set(specs.filter((s) => s.type === 'failing').map((s) => s.name));
    expect(failing.size).toBeGreaterThan(3);
    for (const f of failing) expect(booted.get(f)).toMatchObject({ ActiveState: 'failed', Result: 'exit-code' });
    let wanting = 0;
    for (const s of specs) {
      if (s.type === 'failing') continue;
      const hard = s.deps.filter(([k, o]) => (k === 'Requires' || k === 'BindsTo' || k === 'Requisite') && s.after.includes(o));
      const p = booted.get(s.name)!;
      // Ordered after a hard requirement that did not come up: never started.
      if (hard.some(([, o]) => booted.get(o)!.ActiveState !== 'active')) {
        expect(started(p), `${s.name} (${hard.map(([k, o]) => `${k}=${o}:${booted.get(o)!.ActiveState}`).join(' ')})`).toBe(false);
      } else if (s.deps.some(([k, o]) => k === 'Wants' && failing.has(o))) {
        wanting++;
        if (hard.length === 0) expect(p.ActiveState, s.name).toBe('active');
      }
    }
    expect(wanting).toBeGreaterThan(0);
  });

  it('breaks the ordering cycle with the lines systemd logs, and boots on', () => {
    const ours = console_.split('\n').filter((l) => /ordering cycle|Found dependency on/.test(l)).map((l) => l.replace(/^.*?(cyc-)/, '$1'));
    // Which of the two start jobs goes depends on systemd's hashmap order: either naming counts.
    const swap = (l: string) => l.replace(/cyc-([ab])/g, (_m, x: string) => `cyc-${x === 'a' ? 'b' : 'a'}`);
    expect([recorded.cycle, recorded.cycle.map(swap)]).toContainEqual(ours);
    expect(console_).toMatch(/Reached target x\.target/);
  });

  it('stops every unit before the units it is ordered after begin to stop', () => {
    // Stopped units nobody references any more are unloaded (systemd's GC), timestamps and all: the
    // stop order is read from the console's "Stopping …" / "Stopped …" lines, which follow the jobs.
    const lines = console_.slice(console_.indexOf('Requested transaction for empty.target') >= 0 ? 0 : 0).split('\n');
    const isolateAt = lines.findIndex((l) => /Stopping u\d+\.service/.test(l));
    const at = (re: RegExp) => lines.findIndex((l, i) => i >= isolateAt && re.test(l));
    const early: string[] = [];
    let checked = 0;
    for (const [first, then] of orderings()) {
      if (booted.get(first)!.ActiveState !== 'active' || booted.get(then)!.ActiveState !== 'active') continue;
      // A unit that stops at once (a oneshot without ExecStop=) has no "Stopping" line, as in systemd:
      // it began stopping where it says it stopped.
      const stoppingLine = at(new RegExp(`^\\s+Stopping ${first.replace('.', '\\.')}\\.\\.\\.`));
      const stopping = stoppingLine >= 0 ? stoppingLine : at(new RegExp(`Stopped ${first.replace('.', '\\.')}\\.$`));
      const stoppedAt = at(new RegExp(`Stopped ${then.replace('.', '\\.')}\\.$`));
      checked++;
      if (stopping < 0 || stoppedAt < 0 || stopping < stoppedAt) early.push(`${first} began stopping (line ${stopping}) before ${then} had stopped (line ${stoppedAt})`);
    }
    expect(early).toEqual([]);
    expect(checked).toBeGreaterThan(N / 4);
    for (const s of specs) expect(stopped.get(s.name)!.ActiveState, s.name).not.toBe('active');
  });
});
