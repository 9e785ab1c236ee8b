/**
 * When a calendar event elapses next (systemd's calendar_spec_next_usec()).
 *
 * systemd walks a struct tm field by field (year, month, day, weekday, hour, minute, second),
 * lets mktime() normalise it after every step and starts over whenever normalisation moved the
 * time: that is how "Feb 30" becomes "no such day" and how a wall time inside a daylight-saving
 * gap is skipped. The answers near DST changes therefore depend on glibc's mktime() (which of two
 * offsets it picks in an overlap, where it lands in a gap, the guess it carries between calls),
 * so the walk is done here step by step over mktime.ts's emulation of it, not with a shortcut.
 */
import { type Result, ok, err } from './result.js';
import { EINVAL_TEXT } from './timespan.js';
import { USEC_TIMESTAMP_FORMATTABLE_MAX } from './timestamp.js';
import { wallToSeconds } from './civil.js';
import { gmtime, localtime, mktime, type DstRequest, type MktimeState } from './mktime.js';
import { loadZoneFile, UTC_ZONE, type Zone } from './tzfile.js';
import { CALENDAR_MAX_YEAR, type CalendarChain, type CalendarSpec } from './calendar.js';
import type { Usec } from './timespan.js';

export const EDEADLK_TEXT = 'Resource deadlock avoided';
/** `never`: the event does not elapse again (ENOENT, which systemd-analyze prints as "never"). */
export type NextElapseError = 'never' | typeof EINVAL_TEXT | typeof EDEADLK_TEXT;

/** struct tm as find_next() moves it: the year in full, the month 0-11, fields may be out of range. */
interface Tm {
  year: number;
  mon: number;
  mday: number;
  hour: number;
  min: number;
  sec: number;
  isdst: DstRequest;
  /** 0 = Sunday; valid after normalisation. */
  wday: number;
}

/** The zone the walk runs in and mktime()'s carried guess; `utc` uses timegm(), which carries none that matters. */
interface Clock {
  readonly zone: Zone;
  readonly utc: boolean;
  readonly state: MktimeState;
}

const USEC_PER_SEC = 1_000_000;
const ALL_WEEKDAYS = 127;
/** systemd's safety valve against a walk that never settles. */
const MAX_CALENDAR_ITERATIONS = 1000;

function fromBrokenDown(b: ReturnType<typeof localtime>): Tm {
  return { year: b.year, mon: b.month - 1, mday: b.day, hour: b.hour, min: b.minute, sec: b.second, isdst: b.isdst ? 1 : 0, wday: b.weekday };
}

/** mktime() or timegm(): normalises `tm` in place and returns the time, or -1 as the C functions do. */
function normalizeTm(tm: Tm, clock: Clock): number {
  const wall = { year: tm.year, month: tm.mon + 1, day: tm.mday, hour: tm.hour, minute: tm.min, second: tm.sec };
  let t: number | undefined;
  if (clock.utc) {
    t = wallToSeconds(wall);
    if (!Number.isSafeInteger(t)) return -1;
    Object.assign(tm, fromBrokenDown(gmtime(t)));
  } else {
    t = mktime(clock.zone, wall, tm.isdst, clock.state);
    if (t === undefined) return -1;
    Object.assign(tm, fromBrokenDown(localtime(clock.zone, t)));
  }
  return t;
}

/** The last day of the month minus `day - 1` (find_end_of_month()), or -1 when that leaves the month. */
function endOfMonthDay(tm: Tm, clock: Clock, day: number): number {
  const t: Tm = { ...tm, mon: tm.mon + 1, mday: 1 - day };
  if (normalizeTm(t, clock) < 0 || t.mon !== tm.mon) return -1;
  return t.mday;
}

/**
 * The earliest value of the chain at or after `val` (find_matching_component()): undefined when
 * none is left in this field, else the value and whether it moved.
 */
function matchChain(spec: CalendarSpec, chain: CalendarChain, tm: Tm, val: number, clock: Clock): { value: number; changed: boolean } | undefined {
  if (chain.length === 0) return { value: val, changed: false };
  const fromEnd = spec.endOfMonth && chain === spec.day;
  let best: number | undefined;
  for (const c of chain) {
    let start = c.start;
    let stop = c.stop;
    if (fromEnd) {
      start = endOfMonthDay(tm, clock, c.start);
      stop = endOfMonthDay(tm, clock, c.stop);
      if (stop > 0) [start, stop] = [stop, start];
    }
    if (start >= val) {
      if (best === undefined || start < best) best = start;
    } else if (c.repeat > 0) {
      const k = start + c.repeat * Math.ceil((val - start) / c.repeat);
      if ((best === undefined || k < best) && (stop < 0 || k <= stop)) best = k;
    }
  }
  return best === undefined ? undefined : { value: best, changed: best !== val };
}

/** Outcome of tm_within_bounds(): the fields are a real time, normalisation moved them forward, or not a usable time. */
type Bounds = 'exact' | 'moved' | 'error';

/** Whether `tm` survives mktime() unchanged; when it moved forward, `tm` becomes the normalised time with smaller fields reset. */
function withinBounds(tm: Tm, clock: Clock): Bounds {
  // Impossible dates such as "*-02-31" would otherwise be searched for ever.
  if (tm.year > CALENDAR_MAX_YEAR) return 'error';
  const t = { ...tm };
  if (normalizeTm(t, clock) < 0) return 'error';
  // Normalisation that carried into a larger field skipped values of the smaller ones: restart them.
  let cmp: number;
  if ((cmp = Math.sign(t.year - tm.year)) !== 0) t.mon = 0;
  else if ((cmp = Math.sign(t.mon - tm.mon)) !== 0) t.mday = 1;
  else if ((cmp = Math.sign(t.mday - tm.mday)) !== 0) t.hour = 0;
  else if ((cmp = Math.sign(t.hour - tm.hour)) !== 0) t.min = 0;
  else if ((cmp = Math.sign(t.min - tm.min)) !== 0) t.sec = 0;
  else cmp = Math.sign(t.sec - tm.sec);
  // Never go backwards.
  if (cmp < 0) return 'error';
  if (cmp > 0) {
    Object.assign(tm, t);
    return 'moved';
  }
  return 'exact';
}

function matchesWeekday(bits: number, tm: Tm, clock: Clock): boolean {
  if (bits < 0 || bits >= ALL_WEEKDAYS) return true;
  const t = { ...tm };
  if (normalizeTm(t, clock) < 0) return false;
  const monday0 = t.wday === 0 ? 6 : t.wday - 1;
  return (bits & (1 << monday0)) !== 0;
}

/** The fields below the year, largest first: a field's change restarts those after it. */
const TM_FIELDS = ['mon', 'mday', 'hour', 'min', 'sec'] as const;
type TmField = (typeof TM_FIELDS)[number];

/** Orders two walk positions by their wall-clock fields, then microseconds. */
function compareTm(a: Tm, aUsec: number, b: Tm, bUsec: number): number {
  return (
    Math.sign(a.year - b.year) ||
    Math.sign(a.mon - b.mon) ||
    Math.sign(a.mday - b.mday) ||
    Math.sign(a.hour - b.hour) ||
    Math.sign(a.min - b.min) ||
    Math.sign(a.sec - b.sec) ||
    Math.sign(aUsec - bUsec)
  );
}

/** systemd's find_next(): moves `tm` (and its microseconds) to the first match at or after it. */
function findNext(spec: CalendarSpec, start: Tm, startUsec: number, clock: Clock): Result<{ tm: Tm; usec: number }, NextElapseError> {
  const c: Tm = { ...start };
  let usec = startUsec;
  // Whether the zone abbreviation's daylight flag is still imposed on every normalisation (below).
  let imposeDst = true;
  const resetBelow = (field: TmField) => {
    for (const f of TM_FIELDS.slice(TM_FIELDS.indexOf(field))) c[f] = f === 'mday' ? 1 : 0;
    usec = 0;
  };
  for (let iteration = 0; iteration < MAX_CALENDAR_ITERATIONS; iteration++) {
    normalizeTm(c, clock);
    if (imposeDst) c.isdst = spec.dst;

    const m = matchChain(spec, spec.year, c, c.year, clock);
    if (m === undefined) return err('never');
    c.year = m.value;
    if (m.changed) resetBelow('mon');
    if (withinBounds(c, clock) !== 'exact') return err('never');

    // One field: its earliest match at or after the current value, smaller fields restarted when it
    // moved; none left in this field, or a time that is no time, moves the next larger field on.
    // False means "start over" (from the normalised time when normalisation moved it).
    const advance = (chain: CalendarChain, value: number, apply: (v: number) => void, restart: TmField | undefined, miss: () => void): boolean => {
      const m = matchChain(spec, chain, c, value, clock);
      if (m !== undefined) {
        apply(m.value);
        if (m.changed && restart) resetBelow(restart);
      }
      const b: Bounds = m === undefined ? 'error' : withinBounds(c, clock);
      if (b === 'error') miss();
      // For the hour, 'moved' means the hour just set does not exist (a DST gap).
      return b === 'exact';
    };
    const next = (field: TmField, carry: () => void) => () => {
      carry();
      resetBelow(field);
    };
    if (!advance(spec.month, c.mon + 1, (v) => (c.mon = v - 1), 'mday', next('mon', () => c.year++))) continue;
    if (!advance(spec.day, c.mday, (v) => (c.mday = v), 'hour', next('mday', () => c.mon++))) continue;
    if (!matchesWeekday(spec.weekdaysBits, c, clock)) {
      c.mday++;
      resetBelow('hour');
      continue;
    }
    if (!advance(spec.hour, c.hour, (v) => (c.hour = v), 'min', next('hour', () => c.mday++))) continue;
    if (!advance(spec.minute, c.min, (v) => (c.min = v), 'sec', next('min', () => c.hour++))) continue;
    const toSecond = (v: number) => {
      usec = v % USEC_PER_SEC;
      c.sec = Math.floor(v / USEC_PER_SEC);
    };
    if (!advance(spec.microsecond, c.sec * USEC_PER_SEC + usec, toSecond, undefined, next('sec', () => c.min++))) continue;

    // A match before the starting point: a daylight flag imposed in an overlap ("02:30 CEST" when
    // clocks fall back) normalised the walk back into the hour already passed. systemd 252 as
    // Debian ships it (with the later upstream fix for zones whose DST offset is negative) then
    // moves an hour on and lets mktime() choose the flag from there on.
    if (compareTm(c, usec, start, startUsec) < 0) {
      c.hour++;
      imposeDst = false;
      continue;
    }
    return ok({ tm: c, usec });
  }
  return err(EDEADLK_TEXT);
}

/**
 * The first elapse strictly after `after` (µs since the epoch). `local` is the process's zone;
 * a zone named in the expression replaces it for the computation. `state` is glibc mktime()'s
 * carried guess: systemd computes a named zone's answer in a forked child, so that child's
 * guesses do not come back.
 */
export function nextElapse(spec: CalendarSpec, after: Usec, local: Zone, state: MktimeState): Result<Usec, NextElapseError> {
  if (after > USEC_TIMESTAMP_FORMATTABLE_MAX) return err(EINVAL_TEXT);
  const named = spec.timezone !== undefined;
  const zone = named ? (loadZoneFile(spec.timezone!) ?? UTC_ZONE) : local;
  const clock: Clock = { zone, utc: spec.utc, state: named ? { ...state } : state };
  const from = after + 1n;
  const sec = Number(from / BigInt(USEC_PER_SEC));
  const start = fromBrokenDown(spec.utc ? gmtime(sec) : localtime(zone, sec));
  const found = findNext(spec, start, Number(from % BigInt(USEC_PER_SEC)), clock);
  if (!found.ok) return found;
  const t = normalizeTm(found.value.tm, clock);
  if (t < 0) return err(EINVAL_TEXT);
  return ok(BigInt(t) * BigInt(USEC_PER_SEC) + BigInt(found.value.usec));
}
