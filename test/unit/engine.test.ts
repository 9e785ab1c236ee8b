// The engine run with a fake system and a fake clock: boots of default.target through sysinit →
// basic → multi-user, failure propagation, isolate, PartOf=/BindsTo=/Conflicts= propagation,
// timeouts. Every run is checked against the graph: no job started before a job it is ordered
// after had finished.
import { describe, expect, it } from 'vitest';
import { Engine, type Job } from '../../src/engine/engine.js';
import { FakeSystem, type ProgramBehaviour } from '../support/fake-system.js';
import { fakeLookup, fakeUnit, standardUnits, type FakeUnitInput } from '../support/fake-units.js';
import type { JobResult } from '../../src/engine/job.js';
import type { ConditionVerdict } from '../../src/engine/engine.js';
import { TransactionError } from '../../src/engine/transaction.js';

interface Trace {
  seq: number;
  what: 'start' | 'finish';
  unit: string;
  type: string;
  result?: JobResult;
}

function world(units: Record<string, FakeUnitInput>, opts: { wants?: string[]; programs?: Record<string, ProgramBehaviour | 'fail-to-spawn' | 'no-resources'>; conditions?: (id: string) => ConditionVerdict } = {}) {
  const sys = new FakeSystem((req) => opts.programs?.[req.argv[0]!] ?? {});
  const all = [...standardUnits(opts.wants ?? Object.keys(units).filter((u) => u.endsWith('.service'))), ...Object.entries(units).map(([id, u]) => fakeUnit(id, u))];
  const trace: Trace[] = [];
  const logs: string[] = [];
  let seq = 0;
  const engine = new Engine({
    system: sys,
    lookup: fakeLookup(all),
    conditions: opts.conditions ? (u) => opts.conditions!(u.id) : undefined,
    observer: {
      jobStarted: (j) => trace.push({ seq: seq++, what: 'start', unit: j.unit, type: j.type }),
      jobFinished: (j, result) => trace.push({ seq: seq++, what: 'finish', unit: j.unit, type: j.type, result }),
      log: (l) => logs.push(l),
    },
  });
  const results = () => Object.fromEntries(trace.filter((t) => t.what === 'finish').map((t) => [`${t.unit}:${t.type}`, t.result]));
  /** Every job that ran respected Before=/After= against every job that was installed with it. */
  const checkOrder = () => {
    const started = new Map<string, Trace[]>();
    const finished = new Map<string, Trace[]>();
    for (const t of trace) (t.what === 'start' ? started : finished).set(t.unit, [...((t.what === 'start' ? started : finished).get(t.unit) ?? []), t]);
    let pairs = 0;
    for (const [u, starts] of started) {
      for (const s of starts) {
        if (s.type !== 'start') continue;
        for (const o of engine.graph.withAtom(u, 'after')) {
          // o had a start job in the same run: it must have finished before u's start ran.
          const ofin = (finished.get(o) ?? []).find((f) => f.type === 'start');
          const ostart = (started.get(o) ?? []).find((f) => f.type === 'start');
          if (!ofin || !ostart || ostart.seq > s.seq) {
            if (ostart) expect(ostart.seq, `${o} started after ${u}`).toBeLessThan(s.seq);
            continue;
          }
          pairs++;
          expect(ofin.seq, `${u} started before ${o} (which it is After=) finished`).toBeLessThan(s.seq);
        }
      }
    }
    return pairs;
  };
  return { sys, engine, trace, logs, results, checkOrder };
}

const job = (r: Job | TransactionError): Job => {
  if (r instanceof TransactionError) throw r;
  return r;
};

describe('booting default.target', () => {
  const units: Record<string, FakeUnitInput> = {
    'db.service': { service: { type: 'oneshot', remainAfterExit: true, execStart: [['/bin/db-init']] } },
    'web.service': { deps: { Requires: 'db.service', After: 'db.service' } },
    'worker.service': { deps: { Wants: 'web.service', After: 'web.service' } },
    'cleanup.service': { service: { type: 'oneshot', execStart: [['/bin/cleanup'], ['/bin/cleanup2']] } },
  };
  const programs = { '/bin/db-init': { exitAfterMs: 10 }, '/bin/cleanup': { exitAfterMs: 5 }, '/bin/cleanup2': { exitAfterMs: 5 } };

  it('reaches multi-user.target through sysinit and basic, in After= order', () => {
    const w = world(units, { programs });
    job(w.engine.start('default.target'));
    w.sys.runUntilIdle();
    expect(w.engine.jobs()).toEqual([]);
    expect(w.engine.activeState('default.target')).toBe('active');
    for (const u of ['sysinit.target', 'basic.target', 'multi-user.target', 'db.service', 'web.service', 'worker.service', 'system.slice']) expect(w.engine.activeState(u), u).toBe('active');
    // A oneshot without RemainAfterExit= ran both lines and is inactive again, its job done.
    expect(w.engine.unit('cleanup.service').subState).toBe('dead');
    expect(w.results()['cleanup.service:start']).toBe('done');
    expect(w.engine.unit('db.service').subState).toBe('exited');
    const order = w.trace.filter((t) => t.what === 'finish').map((t) => t.unit);
    expect(order.indexOf('sysinit.target')).toBeLessThan(order.indexOf('basic.target'));
    expect(order.indexOf('basic.target')).toBeLessThan(order.indexOf('db.service'));
    expect(order.indexOf('db.service')).toBeLessThan(order.indexOf('web.service'));
    expect(order.indexOf('web.service')).toBeLessThan(order.indexOf('worker.service'));
    expect(order.indexOf('worker.service')).toBeLessThan(order.indexOf('multi-user.target'));
    expect(w.checkOrder()).toBeGreaterThan(10);
    // web waited for db's 10 ms; nothing ran before basic.target.
    const spawnWeb = w.sys.events.find((e) => e.what === 'spawn' && e.unit === 'web.service')!;
    expect(spawnWeb.at).toBe(10);
  });

  it('fails dependents of a failed Requires= with result "dependency", not those of Wants=', () => {
    const w = world(units, { programs: { ...programs, '/bin/db-init': { exitAfterMs: 3, exitCode: 1 } } });
    job(w.engine.start('default.target'));
    w.sys.runUntilIdle();
    expect(w.results()['db.service:start']).toBe('failed');
    expect(w.results()['web.service:start']).toBe('dependency');
    expect(w.results()['worker.service:start']).toBe('done');
    expect(w.results()['multi-user.target:start']).toBe('done');
    expect(w.engine.unit('db.service')).toMatchObject({ activeState: 'failed', result: 'exit-code' });
    expect(w.engine.activeState('web.service')).toBe('inactive');
    expect(w.sys.events.some((e) => e.what === 'spawn' && e.unit === 'web.service')).toBe(false);
    w.checkOrder();
  });

  it('a Requires= without After= starts both at once; a later failure does not stop the running dependent', () => {
    const w = world({ 'a.service': { deps: { Requires: 'b.service' } }, 'b.service': { service: { type: 'oneshot', execStart: [['/bin/b']] } } }, { programs: { '/bin/b': { exitAfterMs: 50, exitCode: 1 } } });
    job(w.engine.start('a.service'));
    w.sys.runUntilIdle();
    expect(w.results()['a.service:start']).toBe('done');
    expect(w.results()['b.service:start']).toBe('failed');
    expect(w.engine.activeState('a.service')).toBe('active');
  });

  it('a unit that fails to spawn fails its job and OnFailure= starts its handler', () => {
    const w = world({ 'a.service': { deps: { OnFailure: 'rescue-me.service' } }, 'rescue-me.service': {} }, { wants: ['a.service'], programs: { '/usr/bin/a': 'fail-to-spawn' } });
    job(w.engine.start('default.target'));
    w.sys.runUntilIdle();
    expect(w.results()['a.service:start']).toBe('failed');
    // As systemd: the program could not be executed, so the process "exited" with 203/EXEC.
    expect(w.engine.unit('a.service').result).toBe('exit-code');
    expect(w.engine.unit('a.service').execMain.status).toBe(203);
    expect(w.engine.activeState('rescue-me.service')).toBe('active');
  });

  it('a oneshot with nothing to run and RemainAfterExit=yes is active at once; without it, done and inactive', () => {
    const w = world({ 'remain.service': { service: { type: 'oneshot', execStart: [], remainAfterExit: true } }, 'empty.service': { service: { type: 'oneshot', execStart: [] } } });
    job(w.engine.start('default.target'));
    w.sys.runUntilIdle();
    expect(w.engine.unit('remain.service').subState).toBe('exited');
    expect(w.results()['empty.service:start']).toBe('done');
    expect(w.engine.activeState('empty.service')).toBe('inactive');
  });

  it('OnSuccess= starts its unit when a oneshot finishes cleanly, not when it fails', () => {
    const w = world({
      'ok.service': { deps: { OnSuccess: 'after-ok.service' }, service: { type: 'oneshot', execStart: [['/bin/true']] } },
      'bad.service': { deps: { OnSuccess: 'after-bad.service' }, service: { type: 'oneshot', execStart: [['/bin/false']] } },
      'after-ok.service': {}, 'after-bad.service': {},
    }, { wants: ['ok.service', 'bad.service'], programs: { '/bin/true': { exitAfterMs: 1 }, '/bin/false': { exitAfterMs: 1, exitCode: 1 } } });
    job(w.engine.start('default.target'));
    w.sys.runUntilIdle();
    expect(w.engine.activeState('after-ok.service')).toBe('active');
    expect(w.engine.activeState('after-bad.service')).toBe('inactive');
  });

  it('Requisite= on an inactive unit: verify-active is skipped, the start fails with "dependency"', () => {
    const w = world({ 'a.service': { deps: { Requisite: 'b.service', After: 'b.service' } }, 'b.service': {} }, { wants: [] });
    job(w.engine.start('a.service'));
    w.sys.runUntilIdle();
    expect(w.results()['b.service:verify-active']).toBe('skipped');
    expect(w.results()['a.service:start']).toBe('dependency');
  });

  it('a failed condition finishes the start job "done" and leaves the unit inactive', () => {
    const w = world({ 'a.service': {} }, { conditions: (id) => (id === 'a.service' ? 'condition-failed' : 'ok') });
    job(w.engine.start('a.service'));
    w.sys.runUntilIdle();
    expect(w.results()['a.service:start']).toBe('done');
    expect(w.engine.activeState('a.service')).toBe('inactive');
  });
});

describe('stopping, isolating and propagation', () => {
  const boot = (units: Record<string, FakeUnitInput>, programs: Record<string, ProgramBehaviour> = {}) => {
    const w = world(units, { programs });
    job(w.engine.start('default.target'));
    w.sys.runUntilIdle();
    expect(w.engine.jobs()).toEqual([]);
    w.trace.length = 0;
    w.sys.events.length = 0;
    return w;
  };

  it('shutdown.target stops every service in the reverse of the start order', () => {
    const w = boot({ 'db.service': {}, 'web.service': { deps: { Requires: 'db.service', After: 'db.service' } }, 'cache.service': { deps: { After: 'web.service' } } }, { '/usr/bin/web': { onSigterm: 30 } });
    job(w.engine.request({ unit: 'shutdown.target', type: 'start', mode: 'replace-irreversibly' }));
    w.sys.runUntilIdle();
    const kills = w.sys.events.filter((e) => e.what === 'kill').map((e) => `${e.unit}@${e.at}`);
    // cache first, web next (its SIGTERM takes 30 ms), db only after web is gone.
    expect(kills).toEqual(['cache.service@0', 'web.service@0', 'db.service@30']);
    for (const u of ['db.service', 'web.service', 'cache.service', 'multi-user.target']) expect(w.engine.activeState(u), u).toBe('inactive');
    expect(w.engine.activeState('shutdown.target')).toBe('active');
  });

  it('isolate stops what the target does not want, keeps what it does', () => {
    const w = boot({ 'a.service': {}, 'keep.service': { ignoreOnIsolate: true } });
    job(w.engine.isolate('rescue.target'));
    w.sys.runUntilIdle();
    expect(w.engine.activeState('rescue.target')).toBe('active');
    expect(w.engine.activeState('sysinit.target')).toBe('active');
    expect(w.engine.activeState('multi-user.target')).toBe('inactive');
    expect(w.engine.activeState('a.service')).toBe('inactive');
    expect(w.engine.activeState('keep.service')).toBe('active');
  });

  it('PartOf=: restarting and stopping the parent restarts and stops the part', () => {
    const w = boot({ 'parent.service': {}, 'part.service': { deps: { PartOf: 'parent.service', After: 'parent.service' } } });
    job(w.engine.request({ unit: 'parent.service', type: 'restart', mode: 'replace', manual: true }));
    w.sys.runUntilIdle();
    expect(w.results()).toMatchObject({ 'parent.service:start': 'done', 'part.service:start': 'done' });
    const seq = w.sys.events.map((e) => `${e.what}:${e.unit}`);
    // Stops in reverse order, starts in order: part is stopped first and started last.
    expect(seq.filter((e) => !e.startsWith('exit'))).toEqual(['kill:part.service', 'kill:parent.service', 'spawn:parent.service', 'spawn:part.service']);
    job(w.engine.stop('parent.service'));
    w.sys.runUntilIdle();
    expect(w.engine.activeState('part.service')).toBe('inactive');
    w.checkOrder();
  });

  it('BindsTo=: the bound unit crashing stops the unit bound to it; Requires= alone does not', () => {
    const w = boot({ 'a.service': {}, 'bound.service': { deps: { BindsTo: 'a.service', After: 'a.service' } }, 'req.service': { deps: { Requires: 'a.service', After: 'a.service' } } });
    const pid = w.engine.unit('a.service').mainPid;
    w.sys.exitNow(pid, 1);
    w.sys.runUntilIdle();
    expect(w.engine.activeState('a.service')).toBe('failed');
    expect(w.engine.activeState('bound.service')).toBe('inactive');
    expect(w.engine.activeState('req.service')).toBe('active');
  });

  it('Conflicts=: starting one stops the other first when ordered', () => {
    const w = boot({ 'old.service': {}, 'new.service': { deps: { Conflicts: 'old.service', After: 'old.service' } } }, {});
    expect(w.engine.activeState('new.service')).toBe('active');
    expect(w.engine.activeState('old.service')).toBe('inactive');
    job(w.engine.start('old.service'));
    w.sys.runUntilIdle();
    expect(w.engine.activeState('old.service')).toBe('active');
    expect(w.engine.activeState('new.service')).toBe('inactive');
    const seq = w.sys.events.filter((e) => e.what !== 'exit').map((e) => `${e.what}:${e.unit}`);
    expect(seq).toEqual(['kill:new.service', 'spawn:old.service']);
  });

  it('StopWhenUnneeded=: a helper goes when the last unit that wanted it stops', () => {
    const w = boot({ 'a.service': { deps: { Wants: 'helper.service' } }, 'helper.service': { stopWhenUnneeded: true } });
    expect(w.engine.activeState('helper.service')).toBe('active');
    job(w.engine.stop('a.service'));
    w.sys.runUntilIdle();
    expect(w.engine.activeState('helper.service')).toBe('active'); // multi-user.target still wants it
    job(w.engine.stop('multi-user.target'));
    w.sys.runUntilIdle();
    expect(w.engine.activeState('helper.service')).toBe('inactive');
  });
});

describe('more propagation and modes', () => {
  it('Upholds=: the upheld unit is started again when it dies while its upholder is up', () => {
    const w = world({ 'keeper.service': { deps: { Upholds: 'kept.service' } }, 'kept.service': {} }, { wants: ['keeper.service'] });
    job(w.engine.start('default.target'));
    w.sys.runUntilIdle();
    const first = w.engine.unit('kept.service').mainPid;
    w.sys.exitNow(first, 1);
    w.sys.runUntilIdle();
    expect(w.engine.activeState('kept.service')).toBe('active');
    expect(w.engine.unit('kept.service').mainPid).not.toBe(first);
    expect(w.logs).toContain('kept.service: Unit is upheld by active unit keeper.service, restarting it.');
  });

  it('PropagatesReloadTo=: reloading one runs ExecReload= of both, the job waits for the reload command', () => {
    const reload = (cmd: string) => ({ service: { execReload: [[cmd]] } });
    const w = world({ 'a.service': { ...reload('/bin/reload-a'), deps: { PropagatesReloadTo: 'b.service' } }, 'b.service': reload('/bin/reload-b') }, { programs: { '/bin/reload-a': { exitAfterMs: 20 }, '/bin/reload-b': { exitAfterMs: 5, exitCode: 1 } } });
    job(w.engine.start('default.target'));
    w.sys.runUntilIdle();
    job(w.engine.request({ unit: 'a.service', type: 'reload', mode: 'replace', manual: true }));
    expect(w.engine.activeState('a.service')).toBe('reloading');
    w.sys.runUntilIdle();
    expect(w.results()['a.service:reload']).toBe('done');
    expect(w.results()['b.service:reload']).toBe('failed');
    expect(w.engine.activeState('b.service')).toBe('active');
  });

  it('a reload asked for while one is under way runs ExecReload= again once that one is over', () => {
    const w = world({ 'a.service': { service: { execReload: [['/bin/reload-a']] } } }, { programs: { '/bin/reload-a': { exitAfterMs: 20 } } });
    job(w.engine.start('default.target'));
    w.sys.runUntilIdle();
    const first = job(w.engine.request({ unit: 'a.service', type: 'reload', mode: 'replace', manual: true }));
    expect(w.engine.activeState('a.service')).toBe('reloading');
    const second = job(w.engine.request({ unit: 'a.service', type: 'reload', mode: 'replace', manual: true }));
    // One job does both (one job per unit), and it reloads again: the configuration may have changed
    // after the running reload read it.
    expect(second.id).toBe(first.id);
    w.sys.runUntilIdle();
    expect(w.sys.events.filter((e) => e.what === 'spawn' && e.argv?.[0] === '/bin/reload-a')).toHaveLength(2);
    expect(w.results()['a.service:reload']).toBe('done');
    expect(w.engine.activeState('a.service')).toBe('active');
  });

  it('mode fail refuses to replace a start that is under way; replace cancels it', () => {
    const w = world({ 'slow.service': { service: { type: 'oneshot', execStart: [['/bin/hang']] } } }, { wants: [] });
    const started = job(w.engine.start('slow.service'));
    const refused = w.engine.stop('slow.service', 'fail');
    expect(refused).toBeInstanceOf(TransactionError);
    expect((refused as TransactionError).code).toBe('destructive');
    job(w.engine.stop('slow.service', 'replace'));
    w.sys.runUntilIdle();
    expect(started.result).toBe('canceled');
    // A oneshot's command killed by the stop's SIGTERM is not a clean exit (systemd's
    // is_clean_exit with EXIT_CLEAN_COMMAND): Result=signal, and the unit ends failed.
    expect(w.engine.activeState('slow.service')).toBe('failed');
    expect(w.engine.unit('slow.service').result).toBe('signal');
  });

  it('ignore-dependencies starts the anchor alone and without waiting for its order', () => {
    const w = world({ 'a.service': { deps: { Requires: 'b.service', After: 'b.service' } }, 'b.service': {} }, { wants: [] });
    job(w.engine.request({ unit: 'a.service', type: 'start', mode: 'ignore-dependencies', manual: true }));
    w.sys.runUntilIdle();
    expect(w.engine.activeState('a.service')).toBe('active');
    expect(w.engine.activeState('b.service')).toBe('inactive');
    expect(w.engine.activeState('sysinit.target')).toBe('inactive');
  });

  it('a second start while one is queued merges into it: one job, one process', () => {
    const w = world({ 'a.service': { deps: { After: 'b.service' } }, 'b.service': { service: { type: 'oneshot', execStart: [['/bin/b']] } } }, { wants: [], programs: { '/bin/b': { exitAfterMs: 10 } } });
    job(w.engine.request({ unit: 'b.service', type: 'start', mode: 'replace' }));
    const first = job(w.engine.start('a.service'));
    const second = job(w.engine.start('a.service'));
    expect(second).toBe(first);
    w.sys.runUntilIdle();
    expect(w.sys.events.filter((e) => e.what === 'spawn' && e.unit === 'a.service')).toHaveLength(1);
  });
});

describe('timeouts on the fake clock', () => {
  it('a service that ignores SIGTERM is killed after TimeoutStopSec= and ends failed with result timeout', () => {
    const w = world({ 'stubborn.service': { service: { timeoutStopMs: 5000 } } }, { programs: { '/usr/bin/stubborn': { onSigterm: 'ignore' } } });
    job(w.engine.start('stubborn.service'));
    w.sys.runUntilIdle();
    job(w.engine.stop('stubborn.service'));
    w.sys.runUntilIdle();
    const kills = w.sys.events.filter((e) => e.what === 'kill').map((e) => `${e.signal}@${e.at}`);
    expect(kills).toEqual(['SIGTERM@0', 'SIGKILL@5000']);
    expect(w.engine.unit('stubborn.service')).toMatchObject({ activeState: 'failed', result: 'timeout' });
    expect(w.results()['stubborn.service:stop']).toBe('done');
  });

  it('JobTimeoutSec= finishes a hanging start job with "timeout"', () => {
    const w = world({ 'slow.service': { jobTimeoutMs: 2000, service: { type: 'oneshot', execStart: [['/bin/hang']] } } });
    job(w.engine.start('slow.service'));
    w.sys.runUntilIdle();
    expect(w.results()['slow.service:start']).toBe('timeout');
    expect(w.engine.activeState('slow.service')).toBe('activating');
  });

  it('a transaction that fails changes nothing and says why', () => {
    const w = world({ 'a.service': { deps: { Requires: 'missing.service' } } });
    const r = w.engine.start('a.service');
    expect(r).toBeInstanceOf(TransactionError);
    expect((r as TransactionError).message).toBe('Unit missing.service not found.');
    expect(w.engine.jobs()).toEqual([]);
  });
});

describe('scale', () => {
  it('settles a 1000-service tree in order', () => {
    // 10 groups of 100 services; each service orders itself after the previous one of its group and
    // Requires= the group's first; every group waits for the one before.
    const units: Record<string, FakeUnitInput> = {};
    const names: string[] = [];
    for (let g = 0; g < 10; g++) {
      for (let i = 0; i < 100; i++) {
        const id = `s${g}-${i}.service`;
        const deps: Record<string, string> = {};
        if (i > 0) Object.assign(deps, { After: `s${g}-${i - 1}.service`, Requires: `s${g}-0.service` });
        else if (g > 0) Object.assign(deps, { After: `s${g - 1}-99.service` });
        units[id] = { deps };
        names.push(id);
      }
    }
    const w = world(units, { wants: names });
    const t0 = performance.now();
    job(w.engine.start('default.target'));
    w.sys.runUntilIdle();
    const ms = performance.now() - t0;
    expect(w.engine.jobs()).toEqual([]);
    expect(names.every((n) => w.engine.activeState(n) === 'active')).toBe(true);
    expect(w.checkOrder()).toBeGreaterThan(999);
    console.log(`1000-service boot settled in ${ms.toFixed(0)} ms`);
  });
});

describe('garbage collection of names looked up', () => {
  it('unloads a unit shown once, not found, from the unit table and the graph; one something wants stays', () => {
    const { engine } = world({ 'a.service': { deps: { Wants: 'gone.service' } } });
    engine.start('multi-user.target');
    const size = engine.graph.size;
    const units = [...engine.units()].length;
    for (let i = 0; i < 100; i++) {
      expect(engine.unit(`asked-${i}.service`).model.loadState).toBe('not-found');
      expect(engine.collect(`asked-${i}.service`)).toBe(true);
    }
    expect([engine.graph.size, [...engine.units()].length]).toEqual([size, units]);
    engine.unit('gone.service');
    expect(engine.collect('gone.service')).toBe(true);
    expect(engine.graph.unit('gone.service')?.loadState).toBe('not-found');
  });
});
