/**
 * localtime_r() and mktime() as glibc computes them, over a Zone. mktime() is not a pure inverse
 * of localtime(): a wall time in a daylight-saving gap or overlap has zero or two answers, and
 * glibc picks one by probing from a guess that it carries over from its previous call, then, when
 * the caller asked for standard or daylight time explicitly (systemd does for a "CEST" suffix),
 * borrows the offset of the nearest time that has it. systemd's answers follow from that, so the
 * same search is done here, with the carried guess made an explicit state.
 */
import { secondsToWall, wallToSeconds, type WallTime } from './civil.js';
import type { Zone } from './tzfile.js';

export interface BrokenDownTime extends WallTime {
  /** 0 = Sunday */
  readonly weekday: number;
  readonly isdst: boolean;
  readonly utoff: number;
  readonly abbr: string;
}

export function localtime(zone: Zone, sec: number): BrokenDownTime {
  const type = zone.typeAt(sec);
  return { ...secondsToWall(sec + type.utoff), isdst: type.isdst, utoff: type.utoff, abbr: type.abbr };
}

export function gmtime(sec: number): BrokenDownTime {
  return { ...secondsToWall(sec), isdst: false, utoff: 0, abbr: 'GMT' };
}

/** What glibc keeps in a static between mktime() calls: the last UTC offset found (negated). */
export interface MktimeState {
  offset: number;
}

export const newMktimeState = (): MktimeState => ({ offset: 0 });

/** tm_isdst as the caller gives it: -1 lets mktime() decide. */
export type DstRequest = -1 | 0 | 1;

const PROBES = 6;
// glibc's probe for a time with the requested tm_isdst: a week apart, up to about 8.5 years away.
const STRIDE = 601200;
const DELTA_BOUND = 536454000 / 2 + STRIDE;

/** glibc's __mktime_internal() over localtime(). Returns seconds since the epoch, or undefined. */
export function mktime(zone: Zone, wall: WallTime, isdst: DstRequest, state: MktimeState): number | undefined {
  const desired = wallToSeconds(wall);
  if (!Number.isSafeInteger(desired)) return undefined;
  const diff = (tm: BrokenDownTime) => desired - wallToSeconds(tm);
  const t0 = desired + state.offset;
  let t = t0;
  let t1 = t0;
  let t2 = t0;
  let dst2 = false;
  let probes = PROBES;
  let tm: BrokenDownTime;
  let inGap = false;
  for (;;) {
    tm = localtime(zone, t);
    const gt = t + diff(tm);
    if (gt === t) break;
    // Oscillating between two answers: the wall time lies in a gap. glibc keeps the one whose
    // daylight flag differs from the request (or, with no request, the daylight one).
    if (t === t1 && t !== t2 && (isdst < 0 ? tm.isdst && !dst2 : isdst !== 0 !== tm.isdst)) {
      inGap = true;
      break;
    }
    if (--probes === 0) return undefined;
    t1 = t2;
    t2 = t;
    t = gt;
    dst2 = tm.isdst;
  }
  if (!inGap && isdst >= 0 && isdst !== 0 !== tm.isdst) {
    search: for (let delta = STRIDE; delta < DELTA_BOUND; delta += STRIDE) {
      for (const direction of [-1, 1]) {
        const ot = t + delta * direction;
        const otm = localtime(zone, ot);
        if (otm.isdst === (isdst !== 0)) {
          t = ot + diff(otm);
          break search;
        }
      }
    }
  }
  state.offset = t - desired;
  return t;
}
