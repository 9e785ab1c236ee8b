/**
 * Time stamps as systemd 252 reads and prints them (systemd.time(7), "Parsing Timestamps"):
 * what journalctl --since/--until and `systemd-analyze timestamp` accept.
 *
 * The grammar, in systemd's order of trial:
 *   "@EPOCH[.fraction]"                 a time span since the epoch (no zone may follow);
 *   "now", "+SPAN", "-SPAN", "SPAN ago", "SPAN left"   relative to now (no zone may follow);
 *   "today", "yesterday", "tomorrow"    local midnight;
 *   "[WEEKDAY ]DATE[ TIME]", "[WEEKDAY ]TIME" with DATE "YYYY-MM-DD" or "YY-MM-DD" and TIME
 *   "HH:MM[:SS[.fraction]]", and journalctl's short form "Mon DD HH:MM:SS[.fraction]";
 * each of the last two groups optionally followed by " UTC", by one of the local zone's two
 * abbreviations (tzname[], e.g. "CET"/"CEST" under Europe/Berlin), or by a zone file's name
 * ("Europe/Berlin"). A weekday that does not match the date is an error. Fields are read with
 * glibc strptime()'s rules and carried by mktime(), so "2026-02-30" is March 2nd.
 *
 * Values are microseconds since the epoch (usec_t); errors are the strerror() text systemd prints.
 */
import { type Result, ok, err } from './result.js';
import { EINVAL_TEXT, ERANGE_TEXT, parseTimespan, USEC_INFINITY, USEC_PER_SEC, type Usec } from './timespan.js';
import { daysFromCivil, wallToSeconds, weekdayOfDays, type WallTime } from './civil.js';
import { gmtime, localtime, mktime, newMktimeState, type BrokenDownTime, type DstRequest, type MktimeState } from './mktime.js';
import { loadZoneFile, timezoneIsValid, type Zone } from './tzfile.js';

export type TimestampError = typeof EINVAL_TEXT | typeof ERANGE_TEXT;

/** systemd refuses to produce time stamps past Thu 9999-12-30 23:59:59 UTC (its formatter's limit). */
export const USEC_TIMESTAMP_FORMATTABLE_MAX: Usec = 253_402_214_399_000_000n;

/**
 * How a trailing zone-file name ("… Europe/Berlin") is treated. journalctl 252 evaluates the time in
 * that zone; `systemd-analyze timestamp` 252 refuses every such input with EINVAL (its helper
 * process's answer is lost; fixed upstream later), and svcctl's analyze verb copies that answer.
 */
export type ZoneFileSuffix = 'evaluate' | 'refuse';

export interface TimestampContext {
  /** CLOCK_REALTIME when the text is read. */
  readonly now: Usec;
  /** The local zone ($TZ). */
  readonly zone: Zone;
  readonly zoneFileSuffix: ZoneFileSuffix;
  /** glibc mktime()'s guess carried between calls; a fresh one per call when absent. */
  readonly mktimeState?: MktimeState;
}

const DAY_NAMES: ReadonlyArray<readonly [string, number]> = [
  ['Sunday', 0], ['Sun', 0], ['Monday', 1], ['Mon', 1], ['Tuesday', 2], ['Tue', 2], ['Wednesday', 3],
  ['Wed', 3], ['Thursday', 4], ['Thu', 4], ['Friday', 5], ['Fri', 5], ['Saturday', 6], ['Sat', 6],
];
const MONTH_NAMES = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

const C_SPACE = ' \t\n\v\f\r';
const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';
const endsWithNoCase = (s: string, suffix: string): boolean => s.length >= suffix.length && s.slice(s.length - suffix.length).toLowerCase() === suffix.toLowerCase();
const startsWithNoCase = (s: string, prefix: string): boolean => s.slice(0, prefix.length).toLowerCase() === prefix.toLowerCase();

/** struct tm while strptime() fills it: month 1-12; weekday as strptime leaves it. */
interface Tm {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  weekday: number;
}

const tmOf = (b: BrokenDownTime): Tm => ({ year: b.year, month: b.month, day: b.day, hour: b.hour, minute: b.minute, second: b.second, weekday: b.weekday });

/** strptime()'s numeric conversions: glibc's ranges and widths; date fields make it compute tm_wday. */
const NUMERIC_CONVERSIONS: Readonly<Record<string, { min: number; max: number; width: number; dateField: boolean; store: (tm: Tm, v: number) => void }>> = {
  // Two-digit years: 69-99 are 1969-1999, 00-68 are 2000-2068.
  y: { min: 0, max: 99, width: 2, dateField: true, store: (tm, v) => void (tm.year = v >= 69 ? 1900 + v : 2000 + v) },
  Y: { min: 0, max: 9999, width: 4, dateField: true, store: (tm, v) => void (tm.year = v) },
  m: { min: 1, max: 12, width: 2, dateField: true, store: (tm, v) => void (tm.month = v) },
  d: { min: 1, max: 31, width: 2, dateField: true, store: (tm, v) => void (tm.day = v) },
  H: { min: 0, max: 23, width: 2, dateField: false, store: (tm, v) => void (tm.hour = v) },
  M: { min: 0, max: 59, width: 2, dateField: false, store: (tm, v) => void (tm.minute = v) },
  // 60 and 61 for leap seconds; mktime() carries them into the next minute.
  S: { min: 0, max: 61, width: 2, dateField: false, store: (tm, v) => void (tm.second = v) },
};

/**
 * glibc strptime() for the conversions systemd uses (%y %Y %m %d %H %M %S %b). Returns the index
 * after the match or undefined; fills `tm` as it goes, like the C function, so callers restore it.
 */
function strptime(s: string, format: string, tm: Tm): number | undefined {
  let i = 0;
  let wantWeekday = false;
  // glibc's get_number(): skips white space, reads at most `width` digits while the value can still grow within `max`.
  const number = (min: number, max: number, width: number): number | undefined => {
    while (i < s.length && C_SPACE.includes(s[i]!)) i++;
    if (!isDigit(s[i])) return undefined;
    let v = 0;
    let n = width;
    do {
      v = v * 10 + (s.charCodeAt(i++) - 48);
    } while (--n > 0 && v * 10 <= max && isDigit(s[i]));
    return v < min || v > max ? undefined : v;
  };
  for (let f = 0; f < format.length; f++) {
    const fc = format[f]!;
    if (fc === ' ') {
      while (i < s.length && C_SPACE.includes(s[i]!)) i++;
      continue;
    }
    if (fc !== '%') {
      if (s[i] !== fc) return undefined;
      i++;
      continue;
    }
    const conv = format[++f]!;
    const numeric = NUMERIC_CONVERSIONS[conv];
    if (numeric) {
      const v = number(numeric.min, numeric.max, numeric.width);
      if (v === undefined) return undefined;
      numeric.store(tm, v);
      wantWeekday ||= numeric.dateField;
      continue;
    }
    if (conv !== 'b') return undefined;
    // %b: the longest full or abbreviated English month name that matches.
    let best = -1;
    let bestLen = 0;
    MONTH_NAMES.forEach((name, m) => {
      for (const candidate of [name, name.slice(0, 3)]) {
        if (candidate.length > bestLen && startsWithNoCase(s.slice(i), candidate)) {
          best = m;
          bestLen = candidate.length;
        }
      }
    });
    if (best < 0) return undefined;
    i += bestLen;
    tm.month = best + 1;
    wantWeekday = true;
  }
  // strptime() computes tm_wday itself once a date field was read (from the fields as given).
  if (wantWeekday) tm.weekday = weekdayOfDays(daysFromCivil(tm.year, tm.month, 1) + tm.day - 1);
  return i;
}

/** systemd's parse_fractional_part_u(…, 6): six digits, padded, rounded up on the seventh, the rest skipped. */
export function fractionUsec(s: string, i: number): { usec: number; end: number } | undefined {
  let v = 0;
  let k = 0;
  for (; k < 6; k++) {
    if (!isDigit(s[i + k])) {
      if (k === 0) return undefined;
      break;
    }
    v = v * 10 + (s.charCodeAt(i + k) - 48);
  }
  const digits = k;
  for (; k < 6; k++) v *= 10;
  let j = i + digits;
  if (digits === 6 && s[j] !== undefined && s[j]! >= '5' && s[j]! <= '9') v++;
  while (isDigit(s[j])) j++;
  return { usec: v, end: j };
}

/** The date-and-time forms, in systemd's order; `fraction` marks those that may continue with ".digits". */
const FORMATS: ReadonlyArray<{ readonly format: string; readonly fraction: boolean; readonly zero: 'none' | 'seconds' | 'time' }> = [
  { format: '%y-%m-%d %H:%M:%S', fraction: true, zero: 'none' },
  { format: '%Y-%m-%d %H:%M:%S', fraction: true, zero: 'none' },
  { format: '%b %d %H:%M:%S', fraction: true, zero: 'none' },
  { format: '%y-%m-%d %H:%M', fraction: false, zero: 'seconds' },
  { format: '%Y-%m-%d %H:%M', fraction: false, zero: 'seconds' },
  { format: '%y-%m-%d', fraction: false, zero: 'time' },
  { format: '%Y-%m-%d', fraction: false, zero: 'time' },
  { format: '%H:%M:%S', fraction: true, zero: 'none' },
  { format: '%H:%M', fraction: false, zero: 'seconds' },
];

/** Where a relative form leaves the value: now, plus or minus a span. */
function relativeTo(now: Usec, plus: Usec, minus: Usec): Result<Usec, TimestampError> {
  const sum = now + plus;
  if (sum >= 1n << 64n) return err(EINVAL_TEXT);
  if (sum > USEC_TIMESTAMP_FORMATTABLE_MAX) return err(EINVAL_TEXT);
  return sum >= minus ? ok(sum - minus) : err(EINVAL_TEXT);
}

function span(text: string, sign: 'plus' | 'minus', now: Usec): Result<Usec, TimestampError> {
  const r = parseTimespan(text, USEC_PER_SEC);
  if (!r.ok) return r;
  return sign === 'plus' ? relativeTo(now, r.value, 0n) : relativeTo(now, 0n, r.value);
}

/**
 * systemd's parse_timestamp_impl(). `zoneGiven` is set when a zone-file suffix was cut off and
 * `zone` is that zone: then only the calendar forms remain.
 */
function parseIn(input: string, zone: Zone, zoneGiven: boolean, now: Usec, state: MktimeState): Result<Usec, TimestampError> {
  let t = input;
  if (t.startsWith('@') && !zoneGiven) return parseTimespan(t.slice(1), USEC_PER_SEC);

  let utc = false;
  let dst: DstRequest = -1;
  if (!zoneGiven) {
    if (t === 'now') return relativeTo(now, 0n, 0n);
    if (t.startsWith('+')) return span(t.slice(1), 'plus', now);
    if (t.startsWith('-')) return span(t.slice(1), 'minus', now);
    if (t.endsWith(' ago')) return span(t.slice(0, -4), 'minus', now);
    if (t.endsWith(' left')) return span(t.slice(0, -5), 'plus', now);
    if (endsWithNoCase(t, ' UTC')) {
      utc = true;
      t = t.slice(0, -4);
    } else {
      // The local zone's standard or daylight abbreviation, after a space.
      for (const j of [0, 1] as const) {
        const name = zone.tzname[j];
        if (name === '' || !endsWithNoCase(t, name)) continue;
        const e = t.length - name.length;
        if (e === 0 || t[e - 1] !== ' ') continue;
        t = t.slice(0, e - 1);
        dst = j;
        break;
      }
    }
  }

  const nowSec = Number(now / USEC_PER_SEC);
  const current = tmOf(utc ? gmtime(nowSec) : localtime(zone, nowSec));
  let tm: Tm = { ...current };
  let usec = 0;
  let weekday = -1;
  let matched = false;

  const days: Record<string, number> = { today: 0, yesterday: -1, tomorrow: 1 };
  if (t in days) {
    tm = { ...tm, day: tm.day + days[t]!, hour: 0, minute: 0, second: 0 };
    matched = true;
  } else {
    for (const [name, nr] of DAY_NAMES) {
      if (startsWithNoCase(t, name) && t[name.length] === ' ') {
        weekday = nr;
        t = t.slice(name.length + 1);
        tm = { ...current };
        break;
      }
    }
    const copy = { ...tm };
    for (const f of FORMATS) {
      tm = { ...copy };
      const k = strptime(t, f.format, tm);
      if (k === undefined) continue;
      if (f.fraction && t[k] === '.') {
        const frac = fractionUsec(t, k + 1);
        if (!frac || frac.end !== t.length) return err(EINVAL_TEXT);
        usec = frac.usec;
      } else if (k !== t.length) {
        continue;
      }
      if (f.zero === 'seconds') tm.second = 0;
      if (f.zero === 'time') tm.hour = tm.minute = tm.second = 0;
      matched = true;
      break;
    }
  }
  if (!matched) return err(EINVAL_TEXT);
  if (weekday >= 0 && tm.weekday !== weekday) return err(EINVAL_TEXT);

  const wall: WallTime = { year: tm.year, month: tm.month, day: tm.day, hour: tm.hour, minute: tm.minute, second: tm.second };
  const sec = utc ? wallToSeconds(wall) : mktime(zone, wall, dst, state);
  if (sec === undefined || sec < 0) return err(EINVAL_TEXT);
  const value = BigInt(sec) * USEC_PER_SEC + BigInt(usec);
  if (value > USEC_TIMESTAMP_FORMATTABLE_MAX) return err(EINVAL_TEXT);
  return ok(value);
}

/** systemd's parse_timestamp(): a trailing zone-file name switches the zone first. */
export function parseTimestamp(text: string, ctx: TimestampContext): Result<Usec, TimestampError> {
  const state = ctx.mktimeState ?? newMktimeState();
  const space = text.lastIndexOf(' ');
  const word = space >= 0 ? text.slice(space + 1) : undefined;
  if (word === undefined || endsWithNoCase(text, ' UTC') || !timezoneIsValid(word)) return parseIn(text, ctx.zone, false, ctx.now, state);
  if (ctx.zoneFileSuffix === 'refuse') return err(EINVAL_TEXT);
  const zone = loadZoneFile(word);
  if (!zone) return err(EINVAL_TEXT);
  // The zone's own abbreviation ("CET" is also a file) is read as the tzname suffix it is;
  // systemd evaluates in a child process, so glibc's carried mktime() guess does not come back.
  if (zone.tzname.includes(word)) return parseIn(text, zone, false, ctx.now, { ...state });
  return parseIn(text.slice(0, space), zone, true, ctx.now, { ...state });
}

// --- Printing ---

const WEEKDAY_ABBR = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** systemd's timestamp_is_set(): 0 and infinity mean "no time" and print as "-" in tables. */
export const timestampIsSet = (t: Usec): boolean => t > 0n && t !== USEC_INFINITY;

/**
 * systemd's format_timestamp() ("Mon 2026-12-07 10:00:00 CET"), or in UTC with a " UTC" suffix.
 * Undefined for an unset time stamp.
 */
export function formatTimestamp(t: Usec, zone: Zone, style: 'local' | 'utc' = 'local'): string | undefined {
  if (!timestampIsSet(t)) return undefined;
  if (t > USEC_TIMESTAMP_FORMATTABLE_MAX) return '--- XXXX-XX-XX XX:XX:XX';
  const sec = Number(t / USEC_PER_SEC);
  const tm = style === 'utc' ? gmtime(sec) : localtime(zone, sec);
  const text = `${WEEKDAY_ABBR[tm.weekday]} ${tm.year}-${pad(tm.month)}-${pad(tm.day)} ${pad(tm.hour)}:${pad(tm.minute)}:${pad(tm.second)}`;
  if (style === 'utc') return `${text} UTC`;
  return tm.abbr === '' ? text : `${text} ${tm.abbr}`;
}

const USEC_PER_MINUTE = 60n * USEC_PER_SEC;
const USEC_PER_HOUR = 60n * USEC_PER_MINUTE;
const USEC_PER_DAY = 24n * USEC_PER_HOUR;
const USEC_PER_WEEK = 7n * USEC_PER_DAY;
const USEC_PER_MONTH = 2_629_800n * USEC_PER_SEC;
const USEC_PER_YEAR = 31_557_600n * USEC_PER_SEC;
const plural = (n: Usec, one: string, many: string): string => `${n} ${n === 1n ? one : many}`;

/** systemd's format_timestamp_relative(): "5h 18min ago", "1 year 0 months left", "now". */
export function formatTimestampRelative(t: Usec, now: Usec): string | undefined {
  if (!timestampIsSet(t)) return undefined;
  const [d, s] = now > t ? [now - t, 'ago'] : [t - now, 'left'];
  if (d >= USEC_PER_YEAR) return `${plural(d / USEC_PER_YEAR, 'year', 'years')} ${plural((d % USEC_PER_YEAR) / USEC_PER_MONTH, 'month', 'months')} ${s}`;
  if (d >= USEC_PER_MONTH) return `${plural(d / USEC_PER_MONTH, 'month', 'months')} ${plural((d % USEC_PER_MONTH) / USEC_PER_DAY, 'day', 'days')} ${s}`;
  if (d >= USEC_PER_WEEK) return `${plural(d / USEC_PER_WEEK, 'week', 'weeks')} ${plural((d % USEC_PER_WEEK) / USEC_PER_DAY, 'day', 'days')} ${s}`;
  if (d >= 2n * USEC_PER_DAY) return `${d / USEC_PER_DAY} days ${s}`;
  if (d >= 25n * USEC_PER_HOUR) return `1 day ${(d - USEC_PER_DAY) / USEC_PER_HOUR}h ${s}`;
  if (d >= 6n * USEC_PER_HOUR) return `${d / USEC_PER_HOUR}h ${s}`;
  if (d >= USEC_PER_HOUR) return `${d / USEC_PER_HOUR}h ${(d % USEC_PER_HOUR) / USEC_PER_MINUTE}min ${s}`;
  if (d >= 5n * USEC_PER_MINUTE) return `${d / USEC_PER_MINUTE}min ${s}`;
  if (d >= USEC_PER_MINUTE) return `${d / USEC_PER_MINUTE}min ${(d % USEC_PER_MINUTE) / USEC_PER_SEC}s ${s}`;
  if (d >= USEC_PER_SEC) return `${d / USEC_PER_SEC}s ${s}`;
  if (d >= 1000n) return `${d / 1000n}ms ${s}`;
  if (d > 0n) return `${d}us ${s}`;
  return 'now';
}

/** "@SECONDS" or "@SECONDS.USEC", as `systemd-analyze timestamp` prints UNIX seconds. */
export function formatUnixSeconds(t: Usec): string {
  const frac = t % USEC_PER_SEC;
  return frac === 0n ? `@${t / USEC_PER_SEC}` : `@${t / USEC_PER_SEC}.${frac.toString().padStart(6, '0')}`;
}

/** CLOCK_REALTIME in microseconds. */
export function realtimeNow(): Usec {
  return BigInt(Math.round((performance.timeOrigin + performance.now()) * 1000));
}
