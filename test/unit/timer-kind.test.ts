// The timer kind (src/engine/kinds/timer/) driven through the Engine with real unit files and a
// fake clock: when timers elapse on each clock, what they start, the states systemd 252's timer.c
// gives them (waiting/running/elapsed/dead), Persistent= stamps and the re-arming of values that
// count from the triggered unit.
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine/engine.js';
import { toEngineUnit } from '../../src/engine/model-adapter.js';
import { loadUnit } from '../../src/unit/load.js';
import { buildUnitFileMap } from '../../src/unit/unit-file-map.js';
import { FakeSystem, type ProgramBehaviour } from '../support/fake-system.js';

const SEC = 1000;
const MIN = 60 * SEC;
const HOUR = 60 * MIN;
/** Mon 2024-01-01 00:00:00 UTC, in µs. */
const JAN1 = 1_704_067_200_000_000n;
const TARGETS = ['sysinit.target', 'timers.target', 'shutdown.target', 'time-set.target', 'time-sync.target'];

let savedTz: string | undefined;
beforeEach(() => {
  savedTz = process.env.TZ;
  process.env.TZ = 'UTC';
});
afterEach(() => {
  if (savedTz === undefined) delete process.env.TZ;
  else process.env.TZ = savedTz;
});

/** A unit directory with the files given (plus the targets timers order against) and an engine over it. */
function world(files: Record<string, string>, programs: Record<string, ProgramBehaviour> = {}, wallClock = JAN1) {
  const dir = mkdtempSync(join(tmpdir(), 'svcd-timer-'));
  mkdirSync(dir, { recursive: true });
  for (const t of TARGETS) writeFileSync(join(dir, t), '[Unit]\n');
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  const sys = new FakeSystem((req) => programs[req.argv[0]!] ?? { exitAfterMs: 1000 });
  sys.realtimeBaseUs = wallClock;
  const map = buildUnitFileMap([dir]);
  const states: string[] = [];
  const logs: string[] = [];
  const engine = new Engine({
    system: sys,
    lookup: (name) => toEngineUnit(loadUnit(map, name)),
    observer: {
      stateChanged: (id, _f, _t, sub) => states.push(`${id}:${sub}`),
      unitLog: (id, text) => logs.push(`${id}: ${text}`),
    },
  });
  const spawns = () => sys.events.filter((e) => e.what === 'spawn').map((e) => ({ at: e.at, unit: e.unit }));
  const timer = (id = 't.timer') => engine.unit(id) as ReturnType<typeof engine.unit> & { state: { lastTrigger: { realtimeUs: bigint } } };
  return { sys, engine, states, logs, spawns, timer };
}

const oneshot = '[Service]\nType=oneshot\nExecStart=/bin/job\n';

describe('timer units', () => {
  it('OnActiveSec= elapses once, starts the service, and ends elapsed (RemainAfterElapse=yes)', () => {
    const w = world({ 't.timer': '[Timer]\nOnActiveSec=30s\nAccuracySec=1us\nUnit=s.service\n', 's.service': oneshot }, { '/bin/job': { exitAfterMs: 10 * SEC } });
    w.engine.start('t.timer');
    expect(w.timer().subState).toBe('waiting');
    w.sys.advance(29 * SEC);
    expect(w.spawns()).toEqual([]);
    w.sys.advance(2 * SEC);
    expect(w.spawns()).toEqual([{ at: 30 * SEC, unit: 's.service' }]);
    expect(w.timer().subState).toBe('running');
    w.sys.runUntilIdle(HOUR);
    expect(w.timer().subState).toBe('elapsed');
    expect(w.engine.activeState('t.timer')).toBe('active');
    expect(w.spawns()).toHaveLength(1);
  });

  it('RemainAfterElapse=no: the timer is dead once its one-shot value elapsed', () => {
    const w = world({ 't.timer': '[Timer]\nOnActiveSec=5s\nRemainAfterElapse=no\n', 't.service': oneshot });
    w.engine.start('t.timer');
    w.sys.runUntilIdle(HOUR);
    expect(w.spawns()).toHaveLength(1);
    expect(w.timer().subState).toBe('dead');
    expect(w.engine.activeState('t.timer')).toBe('inactive');
  });

  it('OnUnitActiveSec= re-arms from each activation of the service: runs every interval, waiting in between', () => {
    const w = world({ 't.timer': '[Timer]\nOnActiveSec=1min\nOnUnitActiveSec=10min\n', 't.service': oneshot }, { '/bin/job': { exitAfterMs: 2 * SEC } });
    w.engine.start('t.timer');
    w.sys.advance(35 * MIN);
    // 1 min after start, then 10 min after each activation (the service's inactive exit).
    expect(w.spawns().map((s) => s.at)).toEqual([1 * MIN, 11 * MIN, 21 * MIN, 31 * MIN]);
    expect(w.timer().subState).toBe('waiting');
  });

  it('OnUnitInactiveSec= counts from the end of each run', () => {
    const w = world({ 't.timer': '[Timer]\nOnActiveSec=0\nOnUnitInactiveSec=5min\n', 't.service': oneshot }, { '/bin/job': { exitAfterMs: MIN } });
    w.engine.start('t.timer');
    w.sys.advance(20 * MIN);
    expect(w.spawns().map((s) => s.at)).toEqual([0, 6 * MIN, 12 * MIN, 18 * MIN]);
  });

  it('OnCalendar= elapses at the wall-clock time the expression names, then waits for the next one', () => {
    // 23:00 on Jan 1: the next "daily" is midnight, an hour away; then every 24 h.
    const w = world({ 't.timer': '[Timer]\nOnCalendar=daily\nAccuracySec=1us\n', 't.service': oneshot }, {}, JAN1 + 23n * 3_600_000_000n);
    w.engine.start('t.timer');
    const next = (w.timer().state as { elapse?: { realtimeUs?: bigint } }).elapse?.realtimeUs;
    expect(next).toBe(JAN1 + 24n * 3_600_000_000n);
    w.sys.advance(HOUR - SEC);
    expect(w.spawns()).toEqual([]);
    w.sys.advance(2 * SEC);
    expect(w.spawns().map((s) => s.at)).toEqual([HOUR]);
    w.sys.advance(2 * 24 * HOUR);
    expect(w.spawns().map((s) => s.at)).toEqual([HOUR, 25 * HOUR, 49 * HOUR]);
    expect(w.timer().subState).toBe('waiting');
  });

  it('a wall clock stepped back makes a calendar timer look again instead of firing early', () => {
    const w = world({ 't.timer': '[Timer]\nOnCalendar=*-*-* 01:00:00\n', 't.service': oneshot });
    w.engine.start('t.timer');
    w.sys.advance(30 * MIN);
    w.sys.setWallClock(JAN1); // back to midnight: 01:00 is an hour away again
    w.sys.advance(45 * MIN);
    expect(w.spawns()).toEqual([]);
    w.sys.advance(20 * MIN);
    expect(w.spawns().map((s) => s.at)).toEqual([90 * MIN]);
  });

  it('Persistent=: a run missed while svcd was down fires at start; the stamp records each trigger', () => {
    const w = world({ 't.timer': '[Timer]\nOnCalendar=daily\nPersistent=true\n', 't.service': oneshot }, {}, JAN1 + 10n * 3_600_000_000n);
    // Last run two days ago: the midnights since were missed.
    w.sys.timerStamps.set('t.timer', JAN1 - 2n * 86_400_000_000n);
    w.engine.start('t.timer');
    w.sys.advance(SEC);
    expect(w.spawns().map((s) => s.at)).toEqual([0]);
    expect(w.sys.timerStamps.get('t.timer')).toBe(JAN1 + 10n * 3_600_000_000n);
    w.sys.runUntilIdle(HOUR);
    expect(w.timer().subState).toBe('waiting');
  });

  it('Persistent= without a stamp creates one and waits for the next elapse; without Persistent= nothing is stamped', () => {
    const w = world({ 't.timer': '[Timer]\nOnCalendar=daily\nPersistent=true\n', 't.service': oneshot, 'u.timer': '[Timer]\nOnCalendar=daily\n', 'u.service': oneshot }, {}, JAN1 + 10n * 3_600_000_000n);
    w.engine.start('t.timer');
    w.engine.start('u.timer');
    w.sys.advance(HOUR);
    expect(w.spawns()).toEqual([]);
    expect(w.sys.timerStamps.get('t.timer')).toBe(JAN1 + 10n * 3_600_000_000n);
    expect(w.sys.timerStamps.has('u.timer')).toBe(false);
  });

  it('RandomizedDelaySec= delays within its window; FixedRandomDelay= gives the same delay every time', () => {
    const fired: number[] = [];
    for (let i = 0; i < 3; i++) {
      const w = world({ 't.timer': '[Timer]\nOnActiveSec=1min\nRandomizedDelaySec=1h\nFixedRandomDelay=yes\n', 't.service': oneshot });
      w.engine.start('t.timer');
      w.sys.advance(2 * HOUR);
      fired.push(w.spawns()[0]!.at);
    }
    expect(fired[0]).toBeGreaterThanOrEqual(MIN);
    expect(fired[0]).toBeLessThan(MIN + HOUR + SEC);
    expect(new Set(fired).size).toBe(1);
  });

  it('stop disarms it: a stopped timer starts nothing', () => {
    const w = world({ 't.timer': '[Timer]\nOnActiveSec=1min\n', 't.service': oneshot });
    w.engine.start('t.timer');
    w.engine.stop('t.timer');
    w.sys.advance(HOUR);
    expect(w.spawns()).toEqual([]);
    expect(w.timer().subState).toBe('dead');
  });

  it('a timer whose unit does not exist is refused at start with the unit named; it stays dead', () => {
    const w = world({ 't.timer': '[Timer]\nOnActiveSec=1min\nUnit=missing.service\n' });
    const job = w.engine.start('t.timer');
    expect('result' in job && job.result).toBe('failed');
    expect(w.logs).toContain('t.timer: Refusing to start, unit missing.service to trigger not loaded.');
    expect(w.timer().subState).toBe('dead');
    w.sys.advance(HOUR);
    expect(w.spawns()).toEqual([]);
  });

  it('a calendar expression that never elapses again leaves the timer elapsed without starting anything', () => {
    const w = world({ 't.timer': '[Timer]\nOnCalendar=2003-02-01\n', 't.service': oneshot });
    w.engine.start('t.timer');
    expect(w.timer().subState).toBe('elapsed');
    w.sys.advance(HOUR);
    expect(w.spawns()).toEqual([]);
  });
});
