// The engine against real systemd 252: each scenario of test/fixtures/graph/engine-scenarios.mjs
// was booted in systemd and driven with systemctl (scripts/record-engine-fixtures.mjs); here the
// same unit files go through svcd's loader and model adapter into the engine on a fake system,
// the same steps run, and after each one the answer (refused with which words, job result) and the
// observed units' ActiveState/SubState — and whether their main process was replaced — must match.
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
import { FakeSystem } from '../../src/engine/fake-system.js';
import { toEngineUnit } from '../../src/engine/model-adapter.js';
import { TransactionError } from '../../src/engine/transaction.js';

interface Observed { readonly state: string; readonly mainPid: number }
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

describe.each(SCENARIOS.map((s) => [s.name, s] as const))('engine scenario %s', (name, sc) => {
  const dir = mkdtempSync(join(tmpdir(), 'svcd-engine-'));
  dirs.push(dir);
  buildTree(dir, { files: sc.files, links: {} });
  const map = buildUnitFileMap([dir, BUILTIN_UNIT_DIR]);
  const sys = new FakeSystem((req) => PROGRAMS[req.argv[0]!] ?? {});
  const results = new Map<Job, string>();
  const engine = new Engine({ system: sys, lookup: (n) => toEngineUnit(loadUnit(map, n)), observer: { jobFinished: (j, r) => results.set(j as Job, r) } });
  const steps = recorded[name]!;
  const observe = () => Object.fromEntries(sc.observe.map((u) => [u, { state: `${engine.unit(u).activeState}/${engine.unit(u).subState}`, mainPid: engine.unit(u).mainPid }]));
  let previous: Record<string, Observed> | undefined;
  let previousOurs: Record<string, Observed> | undefined;

  const check = (s: Step) => {
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
    const type = verb === 'isolate' ? 'start' : (verb as 'start' | 'stop' | 'restart');
    const r = engine.request({ unit, type, mode: verb === 'isolate' ? 'isolate' : 'replace', manual: true });
    sys.runUntilIdle();
    const want = expectedOutcome(s);
    if ('refused' in want) {
      expect(r).toBeInstanceOf(TransactionError);
      expect((r as TransactionError).message).toBe(want.refused);
    } else {
      expect(r).not.toBeInstanceOf(TransactionError);
      expect(results.get(r as Job)).toBe(want.result);
    }
    check(s);
  });
});
