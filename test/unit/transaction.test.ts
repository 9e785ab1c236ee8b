// Transactions built on a draft: which jobs a request produces for every dependency kind, how they
// merge, what is dropped, how ordering cycles are broken (with systemd's log lines, recorded from
// systemd 252 in docs/design/engine.md), and how installed jobs and modes interact.
import { describe, expect, it } from 'vitest';
import { Graph } from '../../src/graph/graph.js';
import { fakeLookup, fakeUnit, standardUnits, type FakeUnitInput } from '../support/fake-units.js';
import { buildTransaction, TransactionError, type InstalledJobView, type Plan, type Request } from '../../src/engine/transaction.js';
import type { ActiveState } from '../../src/engine/job.js';
import type { EngineUnit } from '../../src/engine/unit-kind.js';

interface World {
  units: Record<string, FakeUnitInput>;
  state?: Record<string, ActiveState>;
  installed?: Record<string, InstalledJobView>;
}

function tx(w: World, req: Partial<Request> & { unit: string }): Plan {
  const units: EngineUnit[] = [...standardUnits(), ...Object.entries(w.units).map(([id, u]) => fakeUnit(id, u))];
  // The manager loads every unit it has state for; so does this world.
  const graph = Graph.build(Object.keys(w.units), fakeLookup(units));
  return buildTransaction({
    graph,
    activeState: (id) => w.state?.[id] ?? 'inactive',
    installedJob: (id) => w.installed?.[id],
    canStart: () => true,
    canReload: (u) => ((u as EngineUnit).serviceSpec?.execReload?.length ?? 0) > 0,
    knownUnits: () => new Set([...Object.keys(w.state ?? {}), ...Object.keys(w.installed ?? {})]).values(),
  }, { type: 'start', mode: 'replace', ...req });
}

/** The plan as "unit:type" strings for units named in the test (standard units left out), sorted. */
const jobsOf = (p: Plan, only?: (u: string) => boolean) =>
  p.jobs.filter((j) => (only ? only(j.unit) : /^[a-z]\.(service|target)$/.test(j.unit))).map((j) => `${j.unit}:${j.type}`).sort();

const fails = (w: World, req: Partial<Request> & { unit: string }): TransactionError => {
  try {
    tx(w, req);
  } catch (e) {
    if (e instanceof TransactionError) return e;
    throw e;
  }
  throw new Error('transaction did not fail');
};

describe('pulling in jobs by dependency kind', () => {
  it('start: Requires/Wants/BindsTo/Upholds start, Requisite verifies, Conflicts stops, PartOf/After pull nothing', () => {
    const p = tx({
      units: {
        'a.service': { deps: { Requires: 'b.service', Wants: 'c.service', Requisite: 'd.service', Conflicts: 'e.service', BindsTo: 'f.service', Upholds: 'g.service', PartOf: 'h.service', After: 'i.service' } },
        'b.service': {}, 'c.service': {}, 'd.service': {}, 'e.service': {}, 'f.service': {}, 'g.service': {}, 'h.service': {}, 'i.service': {},
      },
      state: { 'd.service': 'active', 'e.service': 'active' },
    }, { unit: 'a.service' });
    // d is active, so its verify-active is redundant and dropped.
    expect(jobsOf(p)).toEqual(['a.service:start', 'b.service:start', 'c.service:start', 'e.service:stop', 'f.service:start', 'g.service:start']);
    expect(p.anchor).toMatchObject({ unit: 'a.service', type: 'start', anchor: true });
  });

  it('keeps verify-active for a Requisite= unit that is not active', () => {
    const p = tx({ units: { 'a.service': { deps: { Requisite: 'd.service' } }, 'd.service': {} } }, { unit: 'a.service' });
    expect(jobsOf(p)).toEqual(['a.service:start', 'd.service:verify-active']);
  });

  it('pulls in the default dependencies of a service: sysinit.target and its wants, system.slice; not basic.target (After= only)', () => {
    const p = tx({ units: { 'a.service': {} } }, { unit: 'a.service' });
    expect(jobsOf(p, () => true)).toEqual(['-.slice:start', 'a.service:start', 'local-fs.target:start', 'sysinit.target:start', 'system.slice:start']);
  });

  it('stop propagates to units that Requires=, BindsTo=, PartOf= it, and to PropagatesStopTo=, not to Wants=', () => {
    const p = tx({
      units: {
        'a.service': { deps: { Requires: 'x.service' } }, 'b.service': { deps: { BindsTo: 'x.service' } }, 'c.service': { deps: { PartOf: 'x.service' } },
        'd.service': { deps: { Wants: 'x.service' } }, 'e.service': {}, 'x.service': { deps: { PropagatesStopTo: 'e.service' } },
      },
      state: { 'a.service': 'active', 'b.service': 'active', 'c.service': 'active', 'd.service': 'active', 'e.service': 'active', 'x.service': 'active' },
    }, { unit: 'x.service', type: 'stop' });
    expect(jobsOf(p)).toEqual(['a.service:stop', 'b.service:stop', 'c.service:stop', 'e.service:stop', 'x.service:stop']);
  });

  it('restart propagates as try-restart: restart of active dependents, nothing for inactive ones', () => {
    const p = tx({
      units: { 'a.service': { deps: { PartOf: 'x.service' } }, 'b.service': { deps: { Requires: 'x.service' } }, 'x.service': {} },
      state: { 'a.service': 'active', 'x.service': 'active' },
    }, { unit: 'x.service', type: 'restart' });
    expect(jobsOf(p)).toEqual(['a.service:restart', 'x.service:restart']);
  });

  it('reload propagates to PropagatesReloadTo= units that are active and can reload', () => {
    const reloadable = { service: { execReload: [['/bin/kill', '-HUP']] } };
    const p = tx({
      units: { 'x.service': { ...reloadable, deps: { PropagatesReloadTo: 'a.service b.service' } }, 'a.service': reloadable, 'b.service': reloadable },
      state: { 'x.service': 'active', 'a.service': 'active' },
    }, { unit: 'x.service', type: 'reload' });
    expect(jobsOf(p)).toEqual(['a.service:reload', 'x.service:reload']);
  });

  it('refuses reload for a unit that cannot reload', () => {
    expect(fails({ units: { 'a.service': {} }, state: { 'a.service': 'active' } }, { unit: 'a.service', type: 'reload' }).code).toBe('not-applicable');
  });

  it('collapses try-restart on an inactive unit to a nop anchor and reload-or-start to start', () => {
    expect(tx({ units: { 'a.service': {} } }, { unit: 'a.service', type: 'try-restart' }).anchor.type).toBe('nop');
    expect(tx({ units: { 'a.service': {} } }, { unit: 'a.service', type: 'reload-or-start' }).anchor.type).toBe('start');
  });
});

describe('units that cannot be loaded', () => {
  it('a Requires= on a missing unit fails the transaction with systemd\'s words', () => {
    const e = fails({ units: { 'a.service': { deps: { Requires: 'nope.service' } } } }, { unit: 'a.service' });
    expect(e.code).toBe('no-such-unit');
    expect(e.message).toBe('Unit nope.service not found.');
  });
  it('a Wants= on a missing unit is logged and ignored', () => {
    const p = tx({ units: { 'a.service': { deps: { Wants: 'nope.service' } } } }, { unit: 'a.service' });
    expect(jobsOf(p)).toEqual(['a.service:start']);
    expect(p.log).toContain('nope.service: Cannot add dependency job, ignoring: Unit nope.service not found.');
  });
  it('such a unit pulls in nothing after the missing Requires= (systemd gives up on its dependencies there): logind\'s Wants=user.slice under Type=dbus without dbus.socket', () => {
    const p = tx({ units: { 'a.service': { deps: { Wants: 'b.service' } }, 'b.service': { deps: { Requires: 'nope.service', Wants: 'c.service' } }, 'c.service': {} } }, { unit: 'a.service' });
    expect(jobsOf(p)).toEqual(['a.service:start', 'b.service:start']);
  });
  it('a wanted unit whose own Requires= is missing keeps its job (as systemd 252 does), logged', () => {
    const p = tx({ units: { 'a.service': { deps: { Wants: 'b.service' } }, 'b.service': { deps: { Requires: 'nope.service' } } } }, { unit: 'a.service' });
    expect(jobsOf(p)).toEqual(['a.service:start', 'b.service:start']);
    expect(p.log).toContain('b.service: Cannot add dependency job, ignoring: Unit nope.service not found.');
  });
  it('the failure travels up through Requires= until a Wants= stops it', () => {
    const units = { 'a.service': { deps: { Wants: 'b.service' } }, 'b.service': { deps: { Requires: 'c.service' } }, 'c.service': { deps: { Requires: 'nope.service' } } };
    expect(jobsOf(tx({ units }, { unit: 'a.service' }))).toEqual(['a.service:start', 'b.service:start', 'c.service:start']);
    expect(fails({ units }, { unit: 'b.service' }).message).toBe('Unit nope.service not found.');
  });
  it('starting a missing unit fails; stopping one is allowed', () => {
    expect(fails({ units: {} }, { unit: 'nope.service' }).message).toBe('Unit nope.service not found.');
    expect(tx({ units: {} }, { unit: 'nope.service', type: 'stop' }).anchor.type).toBe('stop');
  });
});

describe('merging and conflicts inside a transaction', () => {
  it('merges a start and a verify-active of one unit into one start', () => {
    const p = tx({ units: { 'a.service': { deps: { Requires: 'c.service', Wants: 'b.service' } }, 'b.service': { deps: { Requisite: 'c.service' } }, 'c.service': {} } }, { unit: 'a.service' });
    expect(jobsOf(p)).toEqual(['a.service:start', 'b.service:start', 'c.service:start']);
  });
  it('drops the job that does not matter when a start and a stop meet: Wants= loses to Conflicts=', () => {
    const p = tx({ units: { 'a.service': { deps: { Wants: 'b.service', Conflicts: 'b.service' } }, 'b.service': {} }, state: { 'b.service': 'active' } }, { unit: 'a.service' });
    expect(jobsOf(p)).toEqual(['a.service:start', 'b.service:stop']);
  });
  it('fails when both conflicting jobs matter', () => {
    const e = fails({ units: { 'a.service': { deps: { Requires: 'b.service', Conflicts: 'b.service' } }, 'b.service': {} } }, { unit: 'a.service' });
    expect(e.code).toBe('conflicting-jobs');
    // b's stop also propagates to a (it requires b), so a holds a start and a stop as well; the
    // anchor's unit is reported, as systemd 252 did (test/fixtures/graph/engine-recorded.json).
    expect(e.message).toBe("Transaction contains conflicting jobs 'stop' and 'start' for a.service. Probably contradicting requirement dependencies configured.");
  });
  it('drops redundant jobs and the jobs only they pulled in', () => {
    const p = tx({ units: { 'x.target': { deps: { Wants: 'a.service' } }, 'a.service': { deps: { Wants: 'b.service' } }, 'b.service': {} }, state: { 'a.service': 'active' } }, { unit: 'x.target' });
    expect(jobsOf(p)).toEqual(['x.target:start']);
  });
  it('keeps the anchor even when redundant', () => {
    expect(jobsOf(tx({ units: { 'a.service': {} }, state: { 'a.service': 'active' } }, { unit: 'a.service' }))).toEqual(['a.service:start']);
  });
});

describe('ordering cycles', () => {
  const cycle = { units: { 'x.target': { deps: { Wants: 'a.service' } }, 'a.service': { deps: { Wants: 'b.service', After: 'b.service' } }, 'b.service': { deps: { After: 'a.service' } } } };
  it('breaks a cycle by deleting a job that does not matter, logging it as systemd 252 does', () => {
    const p = tx(cycle, { unit: 'x.target' });
    expect(jobsOf(p)).toEqual(['a.service:start', 'x.target:start']);
    // The same three lines real systemd printed for this tree (docs/design/engine.md).
    expect(p.log).toEqual([
      'a.service: Found ordering cycle on b.service/start',
      'a.service: Found dependency on a.service/start',
      'a.service: Job b.service/start deleted to break ordering cycle starting with a.service/start',
    ]);
  });
  it('words a longer cycle as systemd does: from the job reached twice, each job it waits for in turn, back to itself', () => {
    // The tree systemd 252 logged for (docs/design/engine.md): c After a, a After b, b After c, all
    // pulled in by Wants=. Where the search starts depends on systemd's hash order (it started at c);
    // here it starts at a, so the same cycle reads from a.
    const p = tx({ units: {
      'x.target': { deps: { Wants: 'a.service' } }, 'a.service': { deps: { Wants: 'b.service', After: 'b.service' } },
      'b.service': { deps: { Wants: 'c.service', After: 'c.service' } }, 'c.service': { deps: { After: 'a.service' } },
    } }, { unit: 'x.target' });
    expect(p.log).toEqual([
      'a.service: Found ordering cycle on b.service/start',
      'a.service: Found dependency on c.service/start',
      'a.service: Found dependency on a.service/start',
      'a.service: Job b.service/start deleted to break ordering cycle starting with a.service/start',
    ]);
    // b's start is gone, and c's with it: only b had pulled c in.
    expect(jobsOf(p)).toEqual(['a.service:start', 'x.target:start']);
  });
  it('fails when every job of the cycle matters', () => {
    const e = fails({ units: { 'a.service': { deps: { Requires: 'b.service', After: 'b.service' } }, 'b.service': { deps: { After: 'a.service' } } } }, { unit: 'a.service' });
    expect(e.code).toBe('cyclic');
    expect(e.message).toBe('Transaction order is cyclic. See system logs for details.');
  });
  it('finds no cycle where a stop and a start are ordered both ways round (stops go first)', () => {
    const p = tx({ units: { 'a.service': { deps: { Conflicts: 'b.service', After: 'b.service' } }, 'b.service': { deps: { After: 'a.service' } } }, state: { 'b.service': 'active' } }, { unit: 'a.service' });
    expect(jobsOf(p)).toEqual(['a.service:start', 'b.service:stop']);
  });
});

describe('modes and installed jobs', () => {
  const w: World = { units: { 'a.service': {} }, state: { 'a.service': 'active' }, installed: { 'a.service': { type: 'stop', state: 'waiting', irreversible: false } } };
  it('fail refuses to replace a conflicting installed job; replace does not', () => {
    expect(fails(w, { unit: 'a.service', mode: 'fail' }).message).toBe("Transaction for a.service/start is destructive (a.service has 'stop' job queued, but 'start' is included in transaction).");
    expect(tx(w, { unit: 'a.service', mode: 'replace' }).anchor.type).toBe('start');
  });
  it('nobody replaces an irreversible job', () => {
    const irr: World = { ...w, installed: { 'a.service': { type: 'stop', state: 'waiting', irreversible: true } } };
    expect(fails(irr, { unit: 'a.service', mode: 'replace' }).code).toBe('destructive');
  });
  it('a redundant start is kept when it must cancel an installed stop', () => {
    const p = tx({ units: { 'x.target': { deps: { Wants: 'a.service' } }, 'a.service': {} }, state: w.state, installed: w.installed }, { unit: 'x.target' });
    expect(jobsOf(p)).toEqual(['a.service:start', 'x.target:start']);
  });
  it('fail mode drops jobs that do not matter but would stop running units', () => {
    const units = { 'a.service': { deps: { Wants: 'b.service' } }, 'b.service': { deps: { Conflicts: 'c.service' } }, 'c.service': {} };
    const state = { 'c.service': 'active' as const };
    expect(jobsOf(tx({ units, state }, { unit: 'a.service', mode: 'replace' }))).toEqual(['a.service:start', 'b.service:start', 'c.service:stop']);
    // Dropping c's stop takes b's start with it: b needs c stopped (its Conflicts= matters to b).
    expect(jobsOf(tx({ units, state }, { unit: 'a.service', mode: 'fail' }))).toEqual(['a.service:start']);
  });
  it('isolate stops every active unit the target does not pull in, except IgnoreOnIsolate=', () => {
    const p = tx({
      units: { 'x.target': { allowIsolate: true, deps: { Wants: 'a.service' } }, 'a.service': {}, 'b.service': {}, 'c.service': { ignoreOnIsolate: true } },
      state: { 'b.service': 'active', 'c.service': 'active' },
    }, { unit: 'x.target', mode: 'isolate' });
    expect(jobsOf(p)).toEqual(['a.service:start', 'b.service:stop', 'x.target:start']);
  });
  it('isolate is refused without AllowIsolate= when asked from outside; the boot may isolate anything', () => {
    expect(fails({ units: { 'x.target': {} } }, { unit: 'x.target', mode: 'isolate', manual: true }).message).toBe('Operation refused, unit may not be isolated.');
    expect(tx({ units: { 'x.target': {} } }, { unit: 'x.target', mode: 'isolate' }).anchor.type).toBe('start');
  });
  it('ignore-dependencies and ignore-requirements queue the anchor alone', () => {
    for (const mode of ['ignore-dependencies', 'ignore-requirements'] as const) {
      const p = tx({ units: { 'a.service': { deps: { Requires: 'b.service' } }, 'b.service': {} } }, { unit: 'a.service', mode });
      expect(p.jobs.map((j) => j.unit)).toEqual(['a.service']);
      expect(p.anchor.ignoreOrder).toBe(mode === 'ignore-dependencies');
    }
  });
  it('flush cancels installed jobs outside the transaction', () => {
    const p = tx({ units: { 'a.service': {}, 'b.service': {} }, installed: { 'b.service': { type: 'start', state: 'waiting', irreversible: false } } }, { unit: 'a.service', mode: 'flush' });
    expect(p.cancel).toEqual(['b.service']);
  });
  it('RefuseManualStart= refuses a manual start only', () => {
    const w2: World = { units: { 'a.service': { refuseManualStart: true } } };
    expect(fails(w2, { unit: 'a.service', manual: true }).code).toBe('refused');
    expect(tx(w2, { unit: 'a.service' }).anchor.type).toBe('start');
  });
  it('triggering stops the units that trigger the anchor too (a socket for its service); only for stop', () => {
    const w: World = { units: { 'a.socket': {}, 'a.service': {} }, state: { 'a.socket': 'active', 'a.service': 'active' } };
    expect(jobsOf(tx(w, { unit: 'a.service', type: 'stop', mode: 'triggering' }), () => true)).toEqual(['a.service:stop', 'a.socket:stop']);
    expect(jobsOf(tx(w, { unit: 'a.service', type: 'stop', mode: 'replace' }), () => true)).toEqual(['a.service:stop']);
    expect(fails(w, { unit: 'a.service', type: 'start', mode: 'triggering' }).code).toBe('bad-mode');
  });
  it('replace-irreversibly marks every job irreversible', () => {
    expect(tx({ units: { 'a.service': {} } }, { unit: 'a.service', mode: 'replace-irreversibly' }).jobs.every((j) => j.irreversible)).toBe(true);
  });
});
