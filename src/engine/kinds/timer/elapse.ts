/**
 * When a timer elapses next (systemd 252's timer_enter_waiting()), as a pure function of the
 * timer's settings and the moments it counts from, so the engine tests and the kind share it.
 *
 * Two clocks, as in systemd: the calendar values give a wall-clock (realtime) elapse, the others a
 * monotonic one; the timer waits for the nearer of the two. A calendar elapse already past (a
 * missed run of a Persistent= timer, counted from its stamp) is moved up to the manager's start,
 * so it fires at once. One-shot monotonic values (OnActiveSec=, OnBootSec=, OnStartupSec=) whose
 * moment passed after the timer last triggered are disabled: they fire once per activation.
 */
import { nextElapse } from '../../../shared/calendar-next.js';
import { newMktimeState } from '../../../shared/mktime.js';
import type { Zone } from '../../../shared/tzfile.js';
import type { Timestamp } from '../../api.js';
import type { TimerSpec } from './spec.js';

export interface ElapseInput {
  readonly spec: TimerSpec;
  /** Values disabled so far (one-shots that fired); updated in place. */
  readonly disabled: boolean[];
  readonly now: Timestamp;
  /** When the timer last started its unit (NEVER: not since it was started). */
  readonly lastTrigger: Timestamp;
  /** The timer is active (waiting, running, elapsed) and left inactive at `inactiveExit`. */
  readonly active: boolean;
  readonly inactiveExit: Timestamp;
  /** The triggered unit's monotonic moments (0n: never). */
  readonly triggerInactiveExitUs: bigint;
  readonly triggerInactiveEnterUs: bigint;
  /** When the manager started: OnStartupSec= counts from it, and so does OnBootSec= in a container. */
  readonly userspace: Timestamp;
  readonly zone: Zone;
  /** The clock or time zone changed: past one-shots are not disabled for it. */
  readonly timeChange?: boolean;
}

export interface Elapse {
  /** The nearest realtime and monotonic elapses (undefined: none of that clock). */
  readonly realtimeUs?: bigint;
  readonly monotonicUs?: bigint;
  /** Each value's next elapse, in the spec's order (undefined: not computed this time — disabled, no base yet, never again). */
  readonly next: readonly (bigint | undefined)[];
  /** A value counts from the triggered unit: the timer stays around once elapsed (systemd's leave_around). */
  readonly leaveAround: boolean;
}

const min = (a: bigint | undefined, b: bigint): bigint => (a === undefined || b < a ? b : a);

export function computeElapse(i: ElapseInput): Elapse {
  let realtimeUs: bigint | undefined;
  let monotonicUs: bigint | undefined;
  let leaveAround = false;
  const next: (bigint | undefined)[] = [];
  i.spec.values.forEach((v, n) => {
    next.push(undefined);
    if (i.disabled[n]) return;
    if (v.base === 'OnCalendar') {
      const from = i.lastTrigger.realtimeUs > 0n ? i.lastTrigger.realtimeUs : i.inactiveExit.realtimeUs > 0n ? i.inactiveExit.realtimeUs : i.now.realtimeUs;
      const r = nextElapse(v.calendar, from, i.zone, newMktimeState());
      if (!r.ok) return;
      // Moved up to the manager's start (on today's clock), so a missed elapse fires at once.
      const rebased = i.now.realtimeUs - (i.now.monotonicUs - i.userspace.monotonicUs);
      const at = r.value < rebased ? rebased : r.value;
      next[n] = at;
      realtimeUs = min(realtimeUs, at);
      return;
    }
    let base: bigint;
    switch (v.base) {
      case 'OnActiveSec':
        base = i.active ? i.inactiveExit.monotonicUs : i.now.monotonicUs;
        break;
      case 'OnBootSec':
      case 'OnStartupSec':
        base = i.userspace.monotonicUs;
        break;
      case 'OnUnitActiveSec':
      case 'OnUnitInactiveSec': {
        leaveAround = true;
        const unit = v.base === 'OnUnitActiveSec' ? i.triggerInactiveExitUs : i.triggerInactiveEnterUs;
        base = unit > i.lastTrigger.monotonicUs ? unit : i.lastTrigger.monotonicUs;
        if (base <= 0n) return;
        break;
      }
    }
    const at = base + v.usec;
    const oneShot = v.base === 'OnActiveSec' || v.base === 'OnBootSec' || v.base === 'OnStartupSec';
    next[n] = at;
    const triggered = i.lastTrigger.monotonicUs > 0n || i.lastTrigger.realtimeUs > 0n;
    if (triggered && !i.timeChange && oneShot && at < i.now.monotonicUs) {
      i.disabled[n] = true;
      return;
    }
    monotonicUs = min(monotonicUs, at);
  });
  return { realtimeUs, monotonicUs, next, leaveAround };
}
