/**
 * What list-timers and a timer's status page show (systemctl 252's list-timers and the "Trigger:"
 * line): the next elapse on the wall clock, whichever of the timer's two clocks comes first, and
 * the list's rows in its order.
 */
import type { UnitStatus } from '../engine/api.js';
import { USEC_INFINITY } from '../shared/timespan.js';

const isSet = (t: bigint) => t > 0n && t < USEC_INFINITY;

/** CLOCK_MONOTONIC now, in µs (the clock the engine's monotonic stamps are on). */
export const monotonicNowUs = (): bigint => process.hrtime.bigint() / 1000n;

/**
 * systemctl's calc_next_elapse(): a monotonic elapse moved onto the wall clock, the earlier of it
 * and the realtime one; USEC_INFINITY (or 0) when the timer waits for nothing.
 */
export function nextElapseRealtime(st: UnitStatus, nowRealtimeUs: bigint, nowMonotonicUs: bigint): bigint {
  const t = st.timer;
  if (!t) return USEC_INFINITY;
  const mono = t.nextElapseMonotonicUs;
  if (!isSet(mono)) return t.nextElapseRealtimeUs;
  const converted = mono > nowMonotonicUs ? nowRealtimeUs + (mono - nowMonotonicUs) : nowRealtimeUs - (nowMonotonicUs - mono);
  return isSet(t.nextElapseRealtimeUs) && t.nextElapseRealtimeUs < converted ? t.nextElapseRealtimeUs : converted;
}

export interface TimerRow {
  readonly id: string;
  /** Realtime µs; 0 or USEC_INFINITY: none. */
  readonly next: bigint;
  readonly last: bigint;
  readonly activates: readonly string[];
}

/** list-timers' rows, soonest first (a timer waiting for nothing last), then by name. */
export function timerRows(units: readonly UnitStatus[], nowRealtimeUs: bigint, nowMonotonicUs: bigint): TimerRow[] {
  const rows = units.filter((st) => st.model.type === 'timer').map((st) => {
    const next = nextElapseRealtime(st, nowRealtimeUs, nowMonotonicUs);
    return { id: st.id, next: isSet(next) ? next : USEC_INFINITY, last: st.timer?.lastTrigger.realtimeUs ?? 0n, activates: st.dependencies.Triggers ?? [] };
  });
  return rows.sort((a, b) => (a.next < b.next ? -1 : a.next > b.next ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
