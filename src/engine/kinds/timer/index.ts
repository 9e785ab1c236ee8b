/**
 * Timer units (systemd.timer(5)): a timer waits for the nearest elapse of its values, starts the
 * unit it triggers, and waits again once that unit is done (systemd 252's timer.c).
 *
 * States: dead → waiting (armed) → running (its unit's start job queued, until the unit is
 * inactive again) → waiting …; elapsed once nothing is left to wait for (RemainAfterElapse=, or a
 * value counting from the unit), dead otherwise; failed when it could not start its unit.
 *
 * One OS timer per timer unit, for its nearest elapse (the engine's state timer, which setState()
 * cancels): nothing polls. A wall-clock elapse is waited for as a monotonic delay computed from the
 * realtime clock at arming; when the delay ends early (the OS timer's limit is ~24.8 days) or the
 * wall clock moved, the timer looks again and re-arms.
 */
import { newInvocationId } from '../invocation.js';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { formatCalendarSpec } from '../../../shared/calendar.js';
import { USEC_INFINITY } from '../../../shared/timespan.js';
import { localZone } from '../../../shared/tzfile.js';
import { NEVER, type Timestamp, type TimerStatus, type TimerValueStatus } from '../../api.js';
import type { KindContext, UnitKind, UnitRuntime } from '../../unit-kind.js';
import { computeElapse, type Elapse } from './elapse.js';
import type { TimerSpec } from './spec.js';

export type TimerSubState = 'dead' | 'waiting' | 'running' | 'elapsed' | 'failed';

export interface TimerState {
  /** When it last started its unit (LastTriggerUSec=); from the stamp for Persistent= timers. */
  lastTrigger: Timestamp;
  /** When the timer last left inactive (its own InactiveExitTimestamp=). */
  inactiveExit: Timestamp;
  /** The last computed elapse. */
  elapse?: Elapse;
  /** Each value's last computed elapse, kept when a later look computes none (TimersMonotonic='s next_elapse). */
  valueNext: bigint[];
  /** The elapse it waits for, randomized delay included (µs on each clock; undefined: none). */
  waitRealtimeUs?: bigint;
  waitMonotonicUs?: bigint;
  disabled: boolean[];
}

type Timer = UnitRuntime<TimerState>;

const spec = (u: Timer): TimerSpec => u.model.timerSpec!;
const sub = (u: Timer) => u.subState as TimerSubState;
/** The OS timer's limit (setTimeout's): a longer wait is re-armed when it ends. */
const MAX_DELAY_MS = 2 ** 31 - 1;
/** WakeSystem= is said once per unit per svcd: it cannot wake a container's host. */
const wakeSaid = new Set<string>();

function setState(u: Timer, ctx: KindContext, s: TimerSubState): void {
  const wasDown = sub(u) === 'dead' || sub(u) === 'failed';
  if (wasDown && s !== 'dead' && s !== 'failed') u.state.inactiveExit = ctx.timestamp();
  ctx.setState(u, s);
}

function enterDead(u: Timer, ctx: KindContext, result: UnitRuntime['result']): void {
  if (u.result === 'success') u.result = result;
  if (u.result !== 'success') ctx.log(u, `Failed with result '${u.result}'.`);
  u.state.waitRealtimeUs = u.state.waitMonotonicUs = undefined;
  setState(u, ctx, u.result === 'success' ? 'dead' : 'failed');
}

/**
 * RandomizedDelaySec=: a random extra delay below it, or with FixedRandomDelay= one fixed per
 * machine and timer (a hash of /etc/machine-id and the unit's name).
 */
function randomDelay(u: Timer): bigint {
  const range = spec(u).randomizedDelayUs;
  if (range <= 0n) return 0n;
  let n: bigint;
  if (spec(u).fixedRandomDelay) {
    let machine = '';
    try {
      machine = readFileSync('/etc/machine-id', 'utf8').trim();
    } catch {
      // No machine id: the delay is still fixed per unit.
    }
    n = createHash('sha256').update(`${machine}\0${u.id}`).digest().readBigUInt64LE(0);
  } else {
    n = randomBytes(8).readBigUInt64LE(0);
  }
  return n % range;
}

/** Arms the one OS timer for the nearer wait; when it ends, looks at both clocks again. */
function arm(u: Timer, ctx: KindContext): void {
  const now = ctx.timestamp();
  const { waitRealtimeUs: rt, waitMonotonicUs: mono } = u.state;
  const delays: bigint[] = [];
  if (rt !== undefined) delays.push(rt - now.realtimeUs);
  if (mono !== undefined) delays.push(mono - now.monotonicUs);
  if (delays.length === 0) return;
  const due = delays.some((d) => d <= 0n);
  if (due) return void enterRunning(u, ctx);
  const ms = Math.ceil(Number(delays.reduce((a, b) => (b < a ? b : a))) / 1000);
  ctx.stateTimer(u, Math.min(ms, MAX_DELAY_MS), () => {
    if (sub(u) === 'waiting') arm(u, ctx);
  });
}

function enterWaiting(u: Timer, ctx: KindContext, timeChange = false): void {
  const trigger = ctx.triggered(u);
  if (!trigger) {
    ctx.log(u, 'Unit to trigger vanished.');
    return enterDead(u, ctx, 'resources');
  }
  const now = ctx.timestamp();
  const active = sub(u) !== 'dead' && sub(u) !== 'failed';
  const e = computeElapse({
    spec: spec(u), disabled: u.state.disabled, now, lastTrigger: u.state.lastTrigger, active, inactiveExit: u.state.inactiveExit,
    triggerInactiveExitUs: trigger.inactiveExitUs, triggerInactiveEnterUs: trigger.inactiveEnterUs, userspace: ctx.userspace,
    zone: localZone(process.env), timeChange,
  });
  u.state.elapse = e;
  e.next.forEach((at, n) => {
    if (at !== undefined) u.state.valueNext[n] = at;
  });
  if (e.realtimeUs === undefined && e.monotonicUs === undefined && !spec(u).onClockChange && !spec(u).onTimezoneChange) {
    u.state.waitRealtimeUs = u.state.waitMonotonicUs = undefined;
    // Nothing left to wait for: elapsed stays around when asked to (or when the unit may run again).
    if (spec(u).remainAfterElapse || e.leaveAround) return setState(u, ctx, 'elapsed');
    return enterDead(u, ctx, 'success');
  }
  u.state.waitMonotonicUs = e.monotonicUs === undefined ? undefined : e.monotonicUs + randomDelay(u);
  u.state.waitRealtimeUs = e.realtimeUs === undefined ? undefined : e.realtimeUs + randomDelay(u);
  setState(u, ctx, 'waiting');
  arm(u, ctx);
}

function enterRunning(u: Timer, ctx: KindContext): void {
  if (!ctx.triggered(u)) {
    ctx.log(u, 'Unit to trigger vanished.');
    return enterDead(u, ctx, 'resources');
  }
  ctx.requestUnitJob(spec(u).unit, 'start', 'replace');
  u.state.lastTrigger = ctx.timestamp();
  if (spec(u).persistent) ctx.writeTimerStamp(u, u.state.lastTrigger.realtimeUs);
  u.state.waitRealtimeUs = u.state.waitMonotonicUs = undefined;
  setState(u, ctx, 'running');
}

/**
 * The Timer interface's run-time values: the elapse waited for (both USEC_INFINITY when not
 * waiting; 0 for a clock with no value), the last trigger, each value with its last elapse — listed
 * newest first, as systemd keeps them (it prepends each value it reads).
 */
export function timerStatus(u: Readonly<UnitRuntime>): TimerStatus | undefined {
  const t = u as Readonly<Timer>;
  const s = t.model.timerSpec;
  if (!s || u.kind !== timerKind) return undefined;
  const waiting = t.subState === 'waiting';
  const zone = localZone(process.env);
  const values: TimerValueStatus[] = s.values.map((v, n) => {
    const nextUs = t.state.valueNext[n] ?? 0n;
    if (v.base === 'OnCalendar') return { base: 'OnCalendar', usec: 0n, calendar: formatCalendarSpec(v.calendar, zone), nextUs };
    return { base: v.base.replace(/Sec$/, 'USec'), usec: v.usec, nextUs };
  });
  return {
    nextElapseRealtimeUs: waiting ? (t.state.waitRealtimeUs ?? 0n) : USEC_INFINITY,
    nextElapseMonotonicUs: waiting ? (t.state.waitMonotonicUs ?? 0n) : USEC_INFINITY,
    lastTrigger: t.state.lastTrigger,
    values: values.reverse(),
  };
}

export const timerKind: UnitKind<TimerState> = {
  type: 'timer',
  states: { dead: 'inactive', waiting: 'active', running: 'active', elapsed: 'active', failed: 'failed' },
  initialState: 'dead',
  newState: () => ({ lastTrigger: NEVER, inactiveExit: NEVER, disabled: [], valueNext: [] }),
  canStart: (m) => m.timerSpec !== undefined,
  canReload: () => false,

  start(u, ctx) {
    const s = spec(u);
    if (!ctx.triggered(u)) {
      ctx.log(u, `Refusing to start, unit ${s.unit} to trigger not loaded.`);
      return 'failed';
    }
    if (s.wakeSystem && !wakeSaid.has(u.id)) {
      wakeSaid.add(u.id);
      ctx.log(u, 'WakeSystem= has no effect: svcd cannot wake the system from suspend, the timer elapses only while it runs.');
    }
    u.invocationId = newInvocationId();
    u.state.lastTrigger = NEVER;
    u.state.disabled = s.values.map(() => false);
    if (u.state.valueNext.length !== s.values.length) u.state.valueNext = s.values.map(() => 0n);
    if (s.persistent) {
      const stamp = ctx.readTimerStamp(u);
      const now = ctx.timestamp();
      // A stamp in the future means the clock is wrong: it is not believed.
      if (stamp !== undefined && stamp < now.realtimeUs) u.state.lastTrigger = { realtimeUs: stamp, monotonicUs: 0n };
      else if (stamp !== undefined) ctx.log(u, 'Not using persistent file timestamp from the future.');
      else ctx.writeTimerStamp(u, now.realtimeUs);
    }
    u.result = 'success';
    enterWaiting(u, ctx);
  },

  stop(u, ctx) {
    enterDead(u, ctx, 'success');
  },

  triggerNotify(u, other, ctx) {
    // Values that count from the unit's state may fire again.
    spec(u).values.forEach((v, n) => {
      if (v.base === 'OnUnitActiveSec' || v.base === 'OnUnitInactiveSec') u.state.disabled[n] = false;
    });
    const s = sub(u);
    if (s === 'waiting' || s === 'elapsed') return enterWaiting(u, ctx);
    if (s === 'running' && (other.activeState === 'inactive' || other.activeState === 'failed')) enterWaiting(u, ctx);
  },

  resetFailed(u, ctx) {
    if (sub(u) === 'failed') setState(u, ctx, 'dead');
    u.result = 'success';
  },

  // What outlives a settled timer: its last trigger, when it left inactive, which one-shot values
  // are spent, each value's last elapse (µs as decimal strings: JSON has no bigint).
  serialize(u) {
    const s = u.state;
    const stamp = (t: Timestamp) => [String(t.realtimeUs), String(t.monotonicUs)];
    return { lastTrigger: stamp(s.lastTrigger), inactiveExit: stamp(s.inactiveExit), disabled: s.disabled, valueNext: s.valueNext.map(String) };
  },

  deserialize(u, saved) {
    const v = saved as { lastTrigger?: unknown; inactiveExit?: unknown; disabled?: unknown; valueNext?: unknown };
    const big = (x: unknown): bigint => (typeof x === 'string' && /^\d+$/.test(x) ? BigInt(x) : 0n);
    const stamp = (x: unknown): Timestamp => (Array.isArray(x) ? { realtimeUs: big(x[0]), monotonicUs: big(x[1]) } : NEVER);
    u.state.lastTrigger = stamp(v.lastTrigger);
    u.state.inactiveExit = stamp(v.inactiveExit);
    if (Array.isArray(v.disabled)) u.state.disabled = v.disabled.map((d) => d === true);
    if (Array.isArray(v.valueNext)) u.state.valueNext = v.valueNext.map(big);
  },

  // A waiting timer arms its OS timer again (the previous svcd's went with its process).
  coldplug(u, ctx) {
    if (sub(u) === 'waiting') enterWaiting(u, ctx);
  },

  // daemon-reload: a waiting timer computes its next elapse from the values its file has now, not
  // the OS timer armed for the old ones — systemd's coldplug after its reload.
  reloaded(u, ctx) {
    if (sub(u) !== 'waiting' || !u.model.timerSpec) return;
    const values = spec(u).values;
    if (u.state.disabled.length !== values.length) u.state.disabled = values.map(() => false);
    if (u.state.valueNext.length !== values.length) u.state.valueNext = values.map(() => 0n);
    enterWaiting(u, ctx);
  },
};
