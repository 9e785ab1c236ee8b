/**
 * Calendar events as systemd 252 reads and prints them (systemd.time(7), "Calendar Events"): what
 * OnCalendar= and `systemd-analyze calendar` accept.
 *
 * The grammar, after an optional trailing zone (" UTC" in any case, one of the local zone's two
 * tzname[] abbreviations, or a zone file's name such as "Europe/Berlin"):
 *   a shorthand (minutely, hourly, daily, weekly, monthly, yearly/annually/anually, quarterly,
 *   semiannually/semi-annually/biannually/bi-annually; any case),
 *   or "@EPOCH" (seconds, read as a UTC date),
 *   or "[WEEKDAYS] [[YEAR-]MONTH{-|~}DAY] [HOUR:MINUTE[:SECOND]]",
 * where each numeric field is "*" or a comma list of "N", "N..M" and either with "/REPEAT"; seconds
 * may carry six decimals; "~" counts days from the end of the month; weekdays are names or
 * abbreviations in lists and ranges ("Mon..Fri", or the old "Mon-Fri").
 *
 * Values are kept as systemd keeps them (microseconds for the seconds field) so that the printed
 * normal form and the next elapse come out the same; the next elapse is in calendar-next.ts.
 * Errors are the strerror() text systemd prints.
 */
import { type Result, ok, err } from './result.js';
import { EINVAL_TEXT, ERANGE_TEXT } from './timespan.js';
import { fractionUsec } from './timestamp.js';
import { timezoneIsValid, type Zone } from './tzfile.js';
import { civilFromDays } from './civil.js';
import type { DstRequest } from './mktime.js';
import { strerrorOf } from './strerror.js';

export const ENOBUFS_TEXT = strerrorOf('ENOBUFS');
export type CalendarError = typeof EINVAL_TEXT | typeof ERANGE_TEXT | typeof ENOBUFS_TEXT;

/** One element of a field's list: `start`, or `start..stop`, stepping by `repeat` (0: no stepping). */
export interface CalendarComponent {
  readonly start: number;
  /** -1: no upper bound. */
  readonly stop: number;
  readonly repeat: number;
}

/** An empty list is "*": every value (except for the seconds, which always have a list). */
export type CalendarChain = readonly CalendarComponent[];

export interface CalendarSpec {
  /** Bit 0 Monday … bit 6 Sunday; -1 when every day matches. */
  readonly weekdaysBits: number;
  readonly year: CalendarChain;
  readonly month: CalendarChain;
  /** With `endOfMonth`, days counted back from the month's last day (1 is the last day). */
  readonly day: CalendarChain;
  readonly endOfMonth: boolean;
  readonly hour: CalendarChain;
  readonly minute: CalendarChain;
  /** Seconds in microseconds. */
  readonly microsecond: CalendarChain;
  readonly utc: boolean;
  /** A zone file named in the expression; the elapse is computed in it. */
  readonly timezone?: string;
  /** The local zone's standard (0) or daylight (1) abbreviation was given; -1 otherwise. */
  readonly dst: DstRequest;
}

const USEC_PER_SEC = 1_000_000;
const ALL_WEEKDAYS = 127;
export const CALENDAR_MIN_YEAR = 1970;
export const CALENDAR_MAX_YEAR = 2199;
/** systemd bounds the lists (CALENDARSPEC_COMPONENTS_MAX) so a long list cannot exhaust the stack. */
const COMPONENTS_MAX = 240;
const INT_MAX = 2 ** 31 - 1;
const ULONG_MAX = 2n ** 64n - 1n;

interface Draft {
  weekdaysBits: number;
  year: CalendarComponent[];
  month: CalendarComponent[];
  day: CalendarComponent[];
  endOfMonth: boolean;
  hour: CalendarComponent[];
  minute: CalendarComponent[];
  microsecond: CalendarComponent[];
  utc: boolean;
  timezone?: string;
  dst: DstRequest;
}

const one = (value: number): CalendarComponent[] => [{ start: value, stop: -1, repeat: 0 }];
const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';
const endsWithNoCase = (s: string, suffix: string): boolean => s.length >= suffix.length && s.slice(s.length - suffix.length).toLowerCase() === suffix.toLowerCase();

/** Reading position in the expression. Failures are thrown inside the parser only, and become a Result at its edge. */
class Cursor {
  constructor(
    readonly s: string,
    public i = 0,
  ) {}
  get c(): string | undefined {
    return this.s[this.i];
  }
  at(k: number): string | undefined {
    return this.s[this.i + k];
  }
  skipSpaces(): void {
    while (this.s[this.i] === ' ') this.i++;
  }
}

class ParseFailure {
  constructor(readonly error: CalendarError) {}
}
const fail = (error: CalendarError = EINVAL_TEXT): never => {
  throw new ParseFailure(error);
};

// --- Weekdays ---

const DAY_NAMES: ReadonlyArray<readonly [string, number]> = [
  ['Monday', 0], ['Mon', 0], ['Tuesday', 1], ['Tue', 1], ['Wednesday', 2], ['Wed', 2], ['Thursday', 3],
  ['Thu', 3], ['Friday', 4], ['Fri', 4], ['Saturday', 5], ['Sat', 5], ['Sunday', 6], ['Sun', 6],
];
const DAY_ABBR = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

/** A leading weekday list; nothing is consumed when the text does not start with a day name. */
function parseWeekdays(p: Cursor, d: Draft): void {
  let rangeFrom = -1;
  for (let first = true; ; first = false) {
    const rest = p.s.slice(p.i).toLowerCase();
    const hit = DAY_NAMES.find(([name]) => rest.startsWith(name.toLowerCase()));
    if (!hit) {
      if (first) return;
      fail();
    }
    const [name, nr] = hit!;
    if (![undefined, '-', '.', ',', ' '].includes(p.at(name.length))) fail();
    d.weekdaysBits |= 1 << nr;
    if (rangeFrom >= 0) {
      if (rangeFrom > nr) fail();
      for (let j = rangeFrom + 1; j < nr; j++) d.weekdaysBits |= 1 << j;
    }
    p.i += name.length;
    if (p.c === undefined) return;
    if (p.c === ' ') {
      p.skipSpaces();
      return;
    }
    if (p.c === '.') {
      if (rangeFrom >= 0 || p.at(1) !== '.') fail();
      rangeFrom = nr;
      p.i += 2;
    } else if (p.c === '-') {
      // "Mon-Fri": the range syntax of old versions, still accepted.
      if (rangeFrom >= 0) fail();
      rangeFrom = nr;
      p.i += 1;
    } else if (p.c === ',') {
      rangeFrom = -1;
      p.i += 1;
    }
    // A trailing comma is fine, an open range is not.
    if (p.c === undefined || p.c === ' ') {
      p.skipSpaces();
      if (rangeFrom >= 0) fail();
      return;
    }
  }
}

// --- Numeric fields ---

/** strtoul() on a run of digits: the value, or ERANGE past unsigned long. */
function readNumber(p: Cursor): bigint {
  const start = p.i;
  while (isDigit(p.c)) p.i++;
  if (p.i === start) fail();
  const v = BigInt(p.s.slice(start, p.i));
  if (v > ULONG_MAX) fail(ERANGE_TEXT);
  return v;
}

/** One number of a field; for seconds, in microseconds with an optional fraction ("1.5", not "1..5"). */
function parseDecimal(p: Cursor, usec: boolean): number {
  if (!isDigit(p.c)) fail();
  let value = readNumber(p);
  if (usec) {
    value *= BigInt(USEC_PER_SEC);
    if (value > ULONG_MAX) fail(ERANGE_TEXT);
    if (p.c === '.' && p.at(1) !== '.') {
      const f = fractionUsec(p.s, p.i + 1);
      if (!f) fail();
      p.i = f!.end;
      value += BigInt(f!.usec);
    }
  }
  if (value > BigInt(INT_MAX)) fail(ERANGE_TEXT);
  return Number(value);
}

/** A comma list of "N", "N..M", "N/R", "N..M/R" (systemd's prepend_component()). */
function parseList(p: Cursor, usec: boolean): CalendarComponent[] {
  const list: CalendarComponent[] = [];
  for (let nesting = 0; ; nesting++) {
    if (nesting > COMPONENTS_MAX) fail(ENOBUFS_TEXT);
    const start = parseDecimal(p, usec);
    let stop = -1;
    let repeat = 0;
    if (p.c === '.' && p.at(1) === '.') {
      p.i += 2;
      stop = parseDecimal(p, usec);
      repeat = usec ? USEC_PER_SEC : 1;
    }
    if (p.c === '/') {
      p.i++;
      repeat = parseDecimal(p, usec);
      if (repeat === 0) fail(ERANGE_TEXT);
    } else {
      if (start > INT_MAX - repeat) fail(ERANGE_TEXT);
      // A seconds range steps by whole seconds unless told otherwise: "1.5..1.7" never matches twice.
      if (usec && stop >= 0 && start + repeat > stop) fail();
    }
    if (![undefined, ' ', ',', '-', '~', ':'].includes(p.c)) fail();
    list.push({ start, stop, repeat });
    if (p.c !== ',') return list;
    p.i++;
  }
}

/** "*" or a list. A "*" for the seconds means every whole second. */
function parseChain(p: Cursor, usec: boolean): CalendarComponent[] {
  if (p.c === '*') {
    p.i++;
    return usec ? [{ start: 0, stop: -1, repeat: USEC_PER_SEC }] : [];
  }
  return parseList(p, usec);
}

/** "@EPOCH": a fixed UTC date and time, whole seconds. */
function parseEpoch(p: Cursor, d: Draft): void {
  p.i++;
  // strtoul() skips white space and takes a sign ("-1" wraps to ULONG_MAX, which is time_t -1).
  while (' \t\n\v\f\r'.includes(p.c ?? 'x')) p.i++;
  let negative = false;
  if (p.c === '+' || p.c === '-') {
    negative = p.c === '-';
    p.i++;
  }
  let value = readNumber(p);
  if (negative && value !== 0n) value = ULONG_MAX + 1n - value;
  // Read back as time_t, then split as gmtime_r() does; a year past INT_MAX does not fit struct tm.
  const seconds = value > 2n ** 63n - 1n ? value - (ULONG_MAX + 1n) : value;
  const days = seconds >= 0n ? seconds / 86400n : -((-seconds + 86399n) / 86400n);
  const rest = Number(seconds - days * 86400n);
  const date = civilFromDays(Number(days));
  if (date.year > INT_MAX) fail(ERANGE_TEXT);
  d.utc = true;
  d.year = one(date.year);
  d.month = one(date.month);
  d.day = one(date.day);
  d.hour = one(Math.floor(rest / 3600));
  d.minute = one(Math.floor(rest / 60) % 60);
  d.microsecond = one((rest % 60) * USEC_PER_SEC);
}

/** "[YEAR-]MONTH-DAY" (or "~DAY"); consumes nothing when the text is a time ("12:00"). */
function parseDate(p: Cursor, d: Draft): void {
  if (p.c === undefined) return;
  const q = new Cursor(p.s, p.i);
  const first = parseChain(q, false);
  if (q.c === undefined || q.c === ':') return;
  if (q.c === '~') d.endOfMonth = true;
  else if (q.c !== '-') fail();
  q.i++;
  const second = parseChain(q, false);
  if (q.c === undefined || q.c === ' ') {
    q.skipSpaces();
    p.i = q.i;
    d.month = first;
    d.day = second;
    return;
  }
  if (d.endOfMonth) fail();
  if (q.c === '~') d.endOfMonth = true;
  else if (q.c !== '-') fail();
  q.i++;
  const third = parseChain(q, false);
  if (q.c !== undefined && q.c !== ' ') fail();
  q.skipSpaces();
  p.i = q.i;
  d.year = first;
  d.month = second;
  d.day = third;
}

/** "HOUR:MINUTE[:SECOND]"; nothing at all means midnight. */
function parseTime(p: Cursor, d: Draft): void {
  if (p.c === undefined) {
    d.hour = one(0);
    d.minute = one(0);
    d.microsecond = one(0);
    return;
  }
  const hour = parseChain(p, false);
  if (p.c !== ':') fail();
  p.i++;
  const minute = parseChain(p, false);
  let microsecond = one(0);
  if (p.c !== undefined) {
    if (p.c !== ':') fail();
    p.i++;
    microsecond = parseChain(p, true);
    if (p.c !== undefined) fail();
  }
  d.hour = hour;
  d.minute = minute;
  d.microsecond = microsecond;
}

/** The shorthands, as the fields they set (the others stay "*"); seconds are always 0. */
const SHORTHANDS: ReadonlyArray<readonly [readonly string[], Partial<Draft>]> = [
  [['minutely'], {}],
  [['hourly'], { minute: one(0) }],
  [['daily'], { hour: one(0), minute: one(0) }],
  [['monthly'], { day: one(1), hour: one(0), minute: one(0) }],
  // "anually" is an old misspelling systemd still accepts.
  [['annually', 'yearly', 'anually'], { month: one(1), day: one(1), hour: one(0), minute: one(0) }],
  [['weekly'], { weekdaysBits: 1, hour: one(0), minute: one(0) }],
  [['quarterly'], { month: [...one(1), ...one(4), ...one(7), ...one(10)], day: one(1), hour: one(0), minute: one(0) }],
  [
    ['biannually', 'bi-annually', 'semiannually', 'semi-annually'],
    { month: [...one(1), ...one(7)], day: one(1), hour: one(0), minute: one(0) },
  ],
];

/** Cuts a trailing zone off the text: " UTC", a local abbreviation (tzname[]), or a zone file name. */
function takeZone(text: string, d: Draft, local: Zone): string {
  if (endsWithNoCase(text, ' UTC')) {
    d.utc = true;
    return text.slice(0, -4);
  }
  for (const j of [0, 1] as const) {
    const name = local.tzname[j];
    if (name === '' || !endsWithNoCase(text, name)) continue;
    const at = text.length - name.length;
    if (at === 0 || text[at - 1] !== ' ') continue;
    d.dst = j;
    return text.slice(0, at - 1);
  }
  const space = text.lastIndexOf(' ');
  if (space >= 0 && timezoneIsValid(text.slice(space + 1))) {
    d.timezone = text.slice(space + 1);
    return text.slice(0, space);
  }
  return text;
}

// --- Normalisation and validity ---

function compareComponents(a: CalendarComponent, b: CalendarComponent): number {
  return a.start - b.start || a.stop - b.stop || a.repeat - b.repeat;
}

/** Sorted, duplicates dropped, a range cut to a whole number of steps, steps that never fire dropped. */
function normalizeChain(chain: readonly CalendarComponent[]): CalendarComponent[] {
  const fixed = chain.map((c) => {
    let { stop, repeat } = c;
    if (stop > c.start && repeat > 0) stop -= (stop - c.start) % repeat;
    if ((stop > c.start && repeat > 0 && c.start + repeat > stop) || c.start === stop) {
      repeat = 0;
      stop = -1;
    }
    return { start: c.start, stop, repeat };
  });
  if (fixed.length <= 1) return fixed;
  fixed.sort(compareComponents);
  return fixed.filter((c, i) => i === fixed.length - 1 || compareComponents(c, fixed[i + 1]!) !== 0);
}

/** Two-digit years: 0-69 are 2000-2069, 70-99 are 1970-1999. */
function fixYear(chain: readonly CalendarComponent[]): CalendarComponent[] {
  const full = (y: number) => (y >= 0 && y < 70 ? y + 2000 : y >= 70 && y < 100 ? y + 1900 : y);
  return chain.map((c) => ({ start: full(c.start), stop: full(c.stop), repeat: c.repeat }));
}

function chainValid(chain: CalendarChain, from: number, to: number, endOfMonth: boolean): boolean {
  return chain.every((c, k) => {
    // Days counted from the month's end may go back at most to the 28th last; systemd takes those
    // three days off again for each further element of the list, so later elements get less room.
    const last = endOfMonth ? to - 3 * (k + 1) : to;
    if (c.start < from || c.start > last) return false;
    if (c.repeat > last - from) return false;
    if (c.stop >= 0) return c.stop >= from && c.stop <= last && c.start + c.repeat <= c.stop;
    return endOfMonth ? c.start - c.repeat >= from : c.start + c.repeat <= last;
  });
}

function specValid(s: CalendarSpec): boolean {
  return (
    chainValid(s.year, CALENDAR_MIN_YEAR, CALENDAR_MAX_YEAR, false) &&
    chainValid(s.month, 1, 12, false) &&
    chainValid(s.day, 1, 31, s.endOfMonth) &&
    chainValid(s.hour, 0, 23, false) &&
    chainValid(s.minute, 0, 59, false) &&
    chainValid(s.microsecond, 0, 60 * USEC_PER_SEC - 1, false)
  );
}

function normalize(d: Draft): CalendarSpec {
  const utc = d.utc || d.timezone === 'UTC';
  return {
    weekdaysBits: d.weekdaysBits <= 0 || d.weekdaysBits >= ALL_WEEKDAYS ? -1 : d.weekdaysBits,
    year: normalizeChain(fixYear(d.year)),
    month: normalizeChain(d.month),
    day: normalizeChain(d.day),
    endOfMonth: d.endOfMonth && d.day.length > 0,
    hour: normalizeChain(d.hour),
    minute: normalizeChain(d.minute),
    microsecond: normalizeChain(d.microsecond),
    utc,
    ...(d.timezone !== undefined && !utc ? { timezone: d.timezone } : {}),
    dst: d.dst,
  };
}

/**
 * systemd's calendar_spec_from_string(): `local` is the process's zone, whose two abbreviations
 * may end the expression.
 */
export function parseCalendarSpec(text: string, local: Zone): Result<CalendarSpec, CalendarError> {
  const d: Draft = { weekdaysBits: 0, year: [], month: [], day: [], endOfMonth: false, hour: [], minute: [], microsecond: [], utc: false, dst: -1 };
  const body = takeZone(text, d, local);
  if (body === '') return err(EINVAL_TEXT);
  const shorthand = SHORTHANDS.find(([names]) => names.includes(body.toLowerCase()));
  try {
    if (shorthand) {
      Object.assign(d, { microsecond: one(0) }, shorthand[1]);
    } else {
      const p = new Cursor(body);
      parseWeekdays(p, d);
      if (p.c === '@') parseEpoch(p, d);
      else {
        parseDate(p, d);
        parseTime(p, d);
      }
      if (p.c !== undefined) fail();
    }
  } catch (e) {
    if (e instanceof ParseFailure) return err(e.error);
    throw e;
  }
  const spec = normalize(d);
  return specValid(spec) ? ok(spec) : err(EINVAL_TEXT);
}

// --- Printing ---

function formatWeekdays(bits: number): string {
  const parts: string[] = [];
  let runStart = -1;
  const close = (x: number) => {
    if (x > runStart + 1) parts[parts.length - 1] += (x > runStart + 2 ? '..' : ',') + DAY_ABBR[x - 1]!;
  };
  let x = 0;
  for (; x < DAY_ABBR.length; x++) {
    if (bits & (1 << x)) {
      if (runStart < 0) {
        parts.push(DAY_ABBR[x]!);
        runStart = x;
      }
    } else if (runStart >= 0) {
      close(x);
      runStart = -1;
    }
  }
  if (runStart >= 0) close(x);
  return parts.join(',');
}

const zeroPad = (n: number, width: number): string => String(n).padStart(width, '0');

/** One field: "*", or its list with ranges and steps; seconds with six decimals when not whole. */
function formatChain(chain: CalendarChain, width: number, usec: boolean): string {
  const unit = usec ? USEC_PER_SEC : 1;
  const wholeSecond = (c: CalendarComponent) => c.start === 0 && c.stop < 0 && c.repeat === USEC_PER_SEC;
  if (chain.length === 0 || (usec && chain.some(wholeSecond))) return '*';
  const frac = (v: number) => (v % unit > 0 ? `.${zeroPad(v % unit, 6)}` : '');
  return chain
    .map((c) => {
      let s = zeroPad(Math.floor(c.start / unit), width) + frac(c.start);
      if (c.stop > 0) s += `..${zeroPad(Math.floor(c.stop / unit), width)}`;
      s += frac(c.stop);
      // A range's default step (one unit) is implied.
      if (c.repeat > 0 && !(c.stop > 0 && c.repeat === unit)) s += `/${Math.floor(c.repeat / unit)}`;
      return s + frac(c.repeat);
    })
    .join(',');
}

/** systemd's calendar_spec_to_string(): the "Normalized form". */
export function formatCalendarSpec(s: CalendarSpec, local: Zone): string {
  let out = s.weekdaysBits > 0 && s.weekdaysBits <= ALL_WEEKDAYS ? `${formatWeekdays(s.weekdaysBits)} ` : '';
  out += `${formatChain(s.year, 4, false)}-${formatChain(s.month, 2, false)}${s.endOfMonth ? '~' : '-'}${formatChain(s.day, 2, false)}`;
  out += ` ${formatChain(s.hour, 2, false)}:${formatChain(s.minute, 2, false)}:${formatChain(s.microsecond, 2, true)}`;
  if (s.utc) out += ' UTC';
  else if (s.timezone !== undefined) out += ` ${s.timezone}`;
  else if (s.dst !== -1 && local.tzname[s.dst] !== '') out += ` ${local.tzname[s.dst]}`;
  return out;
}
