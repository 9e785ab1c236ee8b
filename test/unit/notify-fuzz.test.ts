// Property-based fuzzing of sd_notify messages (issue 18): whatever a non-root service sends on the
// notify socket — any mix of READY=, RELOADING=, STOPPING=, MAINPID=, STATUS=, ERRNO=, WATCHDOG=,
// EXTEND_TIMEOUT_USEC= and garbage — the manager never throws, the service stays in a state of its
// own machine, and its main PID is never a process of another unit (issue 18 item 1).
// The seed is fixed so that a failure replays; FUZZ_RUNS raises the budget (scripts/fuzz.sh).
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { Engine } from '../../src/engine/engine.js';
import { DEFAULT_MANAGER_DEFAULTS } from '../../src/engine/unit-kind.js';
import { FakeSystem } from '../support/fake-system.js';
import { fakeLookup, fakeUnit, standardUnits } from '../support/fake-units.js';

const SEED = 18;
const RUNS = Number(process.env.FUZZ_RUNS ?? 300);
vi.setConfig({ testTimeout: Math.max(60_000, RUNS * 60) });

const SUB_STATES = new Set(['dead', 'condition', 'start-pre', 'start', 'start-post', 'running', 'exited', 'reload', 'stop', 'stop-watchdog',
  'stop-sigterm', 'stop-sigkill', 'stop-post', 'final-watchdog', 'final-sigterm', 'final-sigkill', 'failed', 'auto-restart']);

function world() {
  const sys = new FakeSystem(() => ({}));
  const engine = new Engine({
    system: sys,
    lookup: fakeLookup([
      ...standardUnits([]),
      fakeUnit('s.service', { defaultDependencies: false, service: { type: 'notify', execStart: [['/bin/s']], notifyAccess: 'all', watchdogMs: 1000 } }),
      fakeUnit('other.service', { defaultDependencies: false, service: { execStart: [['/bin/other']] } }),
    ]),
    defaults: { ...DEFAULT_MANAGER_DEFAULTS, notifySocket: '/run/svcd/notify' },
  });
  return { sys, engine };
}

describe('sd_notify messages from a non-root service (fuzzed)', () => {
  it('never throw, leave the service in one of its states, and never give it another unit\'s process', () => {
    const w = world();
    w.engine.start('other.service');
    w.sys.advance(10);
    const other = w.engine.unit('other.service').mainPid;
    expect(other).toBeGreaterThan(0);
    const pidValue = fc.oneof(fc.constantFrom(String(other), '1', '0', '-1', '', 'x', '99999999999999999999', ' 5', '0x10'), fc.nat(100).map(String));
    const line = fc.oneof(
      fc.constantFrom('READY=1', 'READY=0', 'RELOADING=1', 'STOPPING=1', 'WATCHDOG=1', 'WATCHDOG=trigger', 'FDSTORE=1', 'BARRIER=1', '=', '', 'READY'),
      pidValue.map((v) => `MAINPID=${v}`),
      fc.string({ maxLength: 20 }).map((v) => `STATUS=${v}`),
      fc.string({ maxLength: 6 }).map((v) => `ERRNO=${v}`),
      fc.oneof(fc.nat().map(String), fc.constantFrom('-1', 'infinity', '18446744073709551615', 'x')).map((v) => `EXTEND_TIMEOUT_USEC=${v}`),
      fc.oneof(fc.nat().map(String), fc.constantFrom('0', '-5', 'x')).map((v) => `WATCHDOG_USEC=${v}`),
      fc.string({ maxLength: 30 }),
    );
    const step = fc.record({ lines: fc.array(line, { maxLength: 5 }), advanceMs: fc.nat(1500), restart: fc.boolean() });
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 12 }), (steps) => {
        w.engine.start('s.service');
        w.sys.advance(1);
        for (const { lines, advanceMs, restart } of steps) {
          const u = w.engine.unit('s.service');
          const sender = u.mainPid > 0 ? u.mainPid : other;
          w.sys.sendNotify(sender, lines.join('\n'), 1000);
          w.sys.advance(advanceMs);
          const after = w.engine.unit('s.service');
          expect(SUB_STATES.has(after.subState), after.subState).toBe(true);
          expect(after.mainPid).not.toBe(other);
          expect(after.mainPid).not.toBe(1);
          if (after.mainPid > 0) expect(w.sys.processes.get(after.mainPid)?.req.unit).toBe('s.service');
          if (restart) w.engine.start('s.service');
        }
        expect(w.engine.unit('other.service').subState).toBe('running');
        w.engine.stop('s.service');
        w.sys.runUntilIdle(200_000);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });
});
