// The engine against real systemd 252: each scenario of test/fixtures/graph/engine-scenarios.mjs
// was booted in systemd and driven with systemctl (scripts/record-engine-fixtures.mjs); here the
// same unit files go through svcd's loader and model adapter into the engine on a fake system,
// the same steps run, and after each one the answer (refused with which words, job result), the
// observed units' ActiveState/SubState, whether their main process was replaced, and which units
// entered active/inactive — in the same order wherever Before=/After= orders them — must match.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildTree } from '../support/tree.mjs';
import { SCENARIOS } from '../fixtures/graph/engine-scenarios.mjs';
import { buildUnitFileMap } from '../../src/unit/unit-file-map.js';
import { loadUnit } from '../../src/unit/load.js';
import { BUILTIN_UNIT_DIR } from '../../src/shared/package-root.js';
import { Engine, type Job } from '../../src/engine/engine.js';
import { FakeSystem } from '../support/fake-system.js';
import { toEngineUnit } from '../../src/engine/model-adapter.js';
import { TransactionError } from '../../src/engine/transaction.js';

interface Observed { readonly state: string; readonly mainPid: number; readonly activeEnter: number; readonly inactiveEnter: number }
type Transition = `${string} ${'active' | 'inactive'}`;
interface Step { readonly step: string; readonly rc: number; readonly stderr: string; readonly units: Record<string, Observed> }
const recorded = (JSON.parse(readFileSync(join(__dirname, '../fixtures/graph/engine-recorded.json'), 'utf8')) as { scenarios: Record<string, Step[]> }).scenarios;
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** The programs the scenarios run, as the fake system plays them. */
const PROGRAMS: Record<string, { exitAfterMs?: number; exitCode?: number }> = {
  '/bin/sleep': {}, '/bin/true': { exitAfterMs: 1, exitCode: 0 }, '/bin/false': { exitAfterMs: 1, exitCode: 1 },
};

/** What systemctl's exit status and stderr say about a request, in the engine's terms. */
function expectedOutcome(s: Step): { refused: string } | { result: string } {
  const refused = /^Failed to \w+ [^:]+: (.*)$/m.exec(s.stderr);
  if (refused) return { refused: refused[1]! };
  if (s.rc === 0) return { result: 'done' };
  if (s.stderr.startsWith('A dependency job for')) return { result: 'dependency' };
  return { result: 'failed' };
}

/**
 * systemd reports a job conflict on whichever unit its hashmap visits first (two recordings of the
 * same tree named c.service once and d.service the next time): the unit is not part of the contract.
 */
const stable = (text: string) => text.replace(/conflicting jobs '\w+' and '\w+' for \S+\. /, "conflicting jobs '…' and '…' for …. ");
/** Conditions and asserts are evaluated by the manager on the real system (test/e2e/oracle-engine.test.ts). */
const onFakeSystem = SCENARIOS.filter((s) => !Object.values(s.files).some((f) => /^(Condition|Assert)\w+=/m.test(f)));

describe.each(onFakeSystem.map((s) => [s.name, s] as const))('engine scenario %s', (name, sc) => {
  const dir = mkdtempSync(join(tmpdir(), 'svcd-engine-'));
  dirs.push(dir);
  buildTree(dir, { files: sc.files, links: {} });
  const map = buildUnitFileMap([dir, BUILTIN_UNIT_DIR]);
  const sys = new FakeSystem((req) => PROGRAMS[req.argv[0]!] ?? {});
  const results = new Map<Job, string>();
  // Entering active / inactive (or failed), in the order the engine did it, since the last step.
  let transitions: Transition[] = [];
  const engine = new Engine({
    system: sys,
    lookup: (n) => toEngineUnit(loadUnit(map, n)),
    observer: {
      jobFinished: (j, r) => results.set(j as Job, r),
      stateChanged: (u, from, to) => {
        if (to === 'active' && from !== 'active' && from !== 'reloading') transitions.push(`${u} active`);
        if ((to === 'inactive' || to === 'failed') && from !== 'inactive' && from !== 'failed') transitions.push(`${u} inactive`);
      },
    },
  });
  const steps = recorded[name]!;
  const observe = () => Object.fromEntries(sc.observe.map((u) => [u, { state: `${engine.unit(u).activeState}/${engine.unit(u).subState}`, mainPid: engine.unit(u).mainPid, activeEnter: 0, inactiveEnter: 0 }]));
  let previous: Record<string, Observed> | undefined;
  let previousOurs: Record<string, Observed> | undefined;

  /**
   * The transitions systemd made in this step (its enter timestamps moved), in time order, against
   * ours: the same set, and the same order for every two units ordered against each other.
   */
  const checkTransitions = (s: Step) => {
    const theirs: [number, Transition][] = [];
    // Units systemd unloaded once inactive (garbage collection) come back with no timestamps: they
    // went inactive at a time nobody recorded, so they count for the set but not for the order.
    const collected: Transition[] = [];
    for (const u of sc.observe) {
      const now = s.units[u]!;
      const before = previous?.[u];
      if (!now.activeEnter && !now.inactiveEnter && before?.activeEnter) collected.push(`${u} inactive`);
      if (now.activeEnter && now.activeEnter !== before?.activeEnter) theirs.push([now.activeEnter, `${u} active`]);
      if (now.inactiveEnter && now.inactiveEnter !== before?.inactiveEnter) theirs.push([now.inactiveEnter, `${u} inactive`]);
    }
    theirs.sort((a, b) => a[0] - b[0]);
    const order = theirs.map(([, t]) => t);
    const ours = transitions.filter((t) => sc.observe.includes(t.split(' ')[0]!));
    // Only the last of each unit's transitions is visible in systemd's timestamps.
    const lastOurs = ours.filter((t, i) => ours.lastIndexOf(t) === i);
    expect([...lastOurs].sort(), `${s.step}: transitions`).toEqual([...order, ...collected].sort());
    for (let i = 0; i < order.length; i++) {
      for (let k = i + 1; k < order.length; k++) {
        const [ui, uk] = [order[i]!.split(' ')[0]!, order[k]!.split(' ')[0]!];
        const ordered = engine.graph.deps(ui, 'After').has(uk) || engine.graph.deps(ui, 'Before').has(uk);
        if (ui === uk || !ordered) continue;
        expect(lastOurs.indexOf(order[i]!), `${s.step}: ${order[i]} before ${order[k]}`).toBeLessThan(lastOurs.indexOf(order[k]!));
      }
    }
    transitions = [];
  };

  const check = (s: Step) => {
    checkTransitions(s);
    const ours = observe();
    expect(Object.fromEntries(Object.entries(ours).map(([u, o]) => [u, o.state])), s.step).toEqual(Object.fromEntries(Object.entries(s.units).map(([u, o]) => [u, o.state])));
    if (previous && previousOurs) {
      for (const u of sc.observe) {
        const theirs = s.units[u]!.mainPid;
        if (!theirs || !previous[u]!.mainPid) continue;
        expect(ours[u]!.mainPid !== previousOurs[u]!.mainPid, `${s.step}: ${u} main process replaced`).toBe(theirs !== previous[u]!.mainPid);
      }
    }
    previous = s.units;
    previousOurs = ours;
  };

  it.each(steps.map((s, i) => [s.step, i] as const))('%s', (_label, i) => {
    const s = steps[i]!;
    if (s.step === 'boot') {
      // systemd starts its default target in isolate mode.
      const r = engine.request({ unit: 'x.target', type: 'start', mode: 'isolate' });
      expect(r).not.toBeInstanceOf(TransactionError);
      sys.runUntilIdle();
      return check(s);
    }
    const [verb, unit] = s.step.split(' ') as [string, string];
    if (verb === 'kill') {
      sys.exitNow(engine.unit(unit).mainPid, 0, 9);
      sys.runUntilIdle();
      return check(s);
    }
    const type = verb === 'isolate' ? 'start' : engine.jobTypeFor(unit, verb as Parameters<Engine['jobTypeFor']>[1]);
    const r = engine.request({ unit, type, mode: verb === 'isolate' ? 'isolate' : 'replace', manual: true });
    sys.runUntilIdle();
    const want = expectedOutcome(s);
    if ('refused' in want) {
      expect(r).toBeInstanceOf(TransactionError);
      expect(stable((r as TransactionError).message)).toBe(stable(want.refused));
    } else {
      expect(r).not.toBeInstanceOf(TransactionError);
      expect(results.get(r as Job)).toBe(want.result);
    }
    check(s);
  });
});
