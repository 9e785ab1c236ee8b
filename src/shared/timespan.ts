/**
 * Time spans as systemd reads and writes them (systemd.time(7), "Parsing Time Spans").
 *
 * Values are microseconds as bigint because systemd's usec_t is an unsigned 64-bit integer and
 * `infinity` is its maximum (2^64-1): a JS number cannot hold either exactly, and timeouts near the
 * top of the range must round-trip through `systemctl show` unchanged.
 *
 * Errors are the strerror() text of the errno systemd returns, because `systemd-analyze timespan`
 * prints it ("Invalid argument", "Numerical result out of range") and we must match it.
 */
import { type Result, ok, err } from './result.js';
import { strerrorOf } from './strerror.js';
import { C_SPACE, WHITESPACE } from './c-integer.js';

export type Usec = bigint;

export const USEC_INFINITY: Usec = (1n << 64n) - 1n;
export const USEC_PER_MSEC: Usec = 1000n;
export const USEC_PER_SEC: Usec = 1_000_000n;
export const USEC_PER_MINUTE: Usec = 60n * USEC_PER_SEC;
export const USEC_PER_HOUR: Usec = 60n * USEC_PER_MINUTE;
export const USEC_PER_DAY: Usec = 24n * USEC_PER_HOUR;
export const USEC_PER_WEEK: Usec = 7n * USEC_PER_DAY;
/** systemd.time(7): a month is 30.44 days, a year 365.25 days. */
export const USEC_PER_MONTH: Usec = 2_629_800n * USEC_PER_SEC;
export const USEC_PER_YEAR: Usec = 31_557_600n * USEC_PER_SEC;

export const EINVAL_TEXT = strerrorOf('EINVAL');
export const ERANGE_TEXT = strerrorOf('ERANGE');
export type TimespanError = typeof EINVAL_TEXT | typeof ERANGE_TEXT;
const INT64_MAX = (1n << 63n) - 1n;

/**
 * Unit suffixes. Order matters: the first entry that is a prefix of the text wins, so longer
 * spellings come before their own prefixes ("msec" before "ms" before "m", "months" before "M").
 */
const UNITS: ReadonlyArray<readonly [string, Usec]> = [
  ['seconds', USEC_PER_SEC],
  ['second', USEC_PER_SEC],
  ['sec', USEC_PER_SEC],
  ['s', USEC_PER_SEC],
  ['minutes', USEC_PER_MINUTE],
  ['minute', USEC_PER_MINUTE],
  ['min', USEC_PER_MINUTE],
  ['months', USEC_PER_MONTH],
  ['month', USEC_PER_MONTH],
  ['M', USEC_PER_MONTH],
  ['msec', USEC_PER_MSEC],
  ['ms', USEC_PER_MSEC],
  ['m', USEC_PER_MINUTE],
  ['hours', USEC_PER_HOUR],
  ['hour', USEC_PER_HOUR],
  ['hr', USEC_PER_HOUR],
  ['h', USEC_PER_HOUR],
  ['days', USEC_PER_DAY],
  ['day', USEC_PER_DAY],
  ['d', USEC_PER_DAY],
  ['weeks', USEC_PER_WEEK],
  ['week', USEC_PER_WEEK],
  ['w', USEC_PER_WEEK],
  ['years', USEC_PER_YEAR],
  ['year', USEC_PER_YEAR],
  ['y', USEC_PER_YEAR],
  ['usec', 1n],
  ['us', 1n],
  ['\u03bcs', 1n], // GREEK SMALL LETTER MU
  ['\u00b5s', 1n], // MICRO SIGN
];

function spanOf(s: string, i: number, set: string): number {
  while (i < s.length && set.includes(s[i]!)) i++;
  return i;
}

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';

/**
 * C strtoll(…, 10) on s from i: skips isspace(), takes one sign, then digits.
 * Returns the end index (== i when nothing was converted, as C sets endptr to the start).
 */
function strtoll(s: string, i: number): { value: bigint; end: number; overflow: boolean } {
  let j = spanOf(s, i, C_SPACE);
  let negative = false;
  if (s[j] === '+' || s[j] === '-') {
    negative = s[j] === '-';
    j++;
  }
  const start = j;
  while (isDigit(s[j])) j++;
  if (j === start) return { value: 0n, end: i, overflow: false };
  let value = BigInt(s.slice(start, j));
  if (negative) value = -value;
  const overflow = value > INT64_MAX || value < -INT64_MAX - 1n;
  return { value, end: j, overflow };
}

/**
 * Parses a time span; `defaultUnit` applies to bare numbers (seconds for most directives,
 * microseconds for e.g. LimitRTTIME=). Semantics follow systemd's parse_time(): components may be
 * glued ("2h30m") or spaced ("5min 20s"), each may carry a decimal fraction (".5s", "1.5h"),
 * "infinity" must stand alone, and a minus sign anywhere is out of range.
 */
export function parseTimespan(text: string, defaultUnit: Usec = USEC_PER_SEC): Result<Usec, TimespanError> {
  let p = spanOf(text, 0, WHITESPACE);
  if (text.startsWith('infinity', p)) {
    const rest = spanOf(text, p + 'infinity'.length, WHITESPACE);
    return rest === text.length ? ok(USEC_INFINITY) : err(EINVAL_TEXT);
  }

  let usec = 0n;
  let something = false;
  for (;;) {
    p = spanOf(text, p, WHITESPACE);
    if (p >= text.length) {
      if (!something) return err(EINVAL_TEXT);
      break;
    }
    if (text[p] === '-') return err(ERANGE_TEXT);

    const num = strtoll(text, p);
    if (num.overflow) return err(ERANGE_TEXT);
    if (num.value < 0n) return err(ERANGE_TEXT);
    const e = num.end;
    const hasFraction = text[e] === '.';
    if (hasFraction) {
      p = e + 1;
      while (isDigit(text[p])) p++;
    } else if (e === p) {
      return err(EINVAL_TEXT);
    } else {
      p = e;
    }

    const unitStart = spanOf(text, p, WHITESPACE);
    let multiplier = defaultUnit;
    let s = unitStart;
    for (const [suffix, usecs] of UNITS) {
      if (text.startsWith(suffix, unitStart)) {
        multiplier = usecs;
        s = unitStart + suffix.length;
        break;
      }
    }
    // Refuses "12.34.56" yet accepts "12.34 .56" and "12.34s.56": something must separate parts.
    if (s === p && s < text.length) return err(EINVAL_TEXT);
    p = s;

    if (num.value >= USEC_INFINITY / multiplier) return err(ERANGE_TEXT);
    let k = num.value * multiplier;
    if (k >= USEC_INFINITY - usec) return err(ERANGE_TEXT);
    usec += k;
    something = true;

    if (hasFraction) {
      let m = multiplier / 10n;
      let b = e + 1;
      for (; isDigit(text[b]); b++, m /= 10n) {
        k = BigInt(text.charCodeAt(b) - 48) * m;
        if (k >= USEC_INFINITY - usec) return err(ERANGE_TEXT);
        usec += k;
      }
      // "3." and "3.sec" carry a dot with no digits after it.
      if (b === e + 1) return err(EINVAL_TEXT);
    }
  }
  return ok(usec);
}

const FORMAT_UNITS: ReadonlyArray<readonly [string, Usec]> = [
  ['y', USEC_PER_YEAR],
  ['month', USEC_PER_MONTH],
  ['w', USEC_PER_WEEK],
  ['d', USEC_PER_DAY],
  ['h', USEC_PER_HOUR],
  ['min', USEC_PER_MINUTE],
  ['s', USEC_PER_SEC],
  ['ms', USEC_PER_MSEC],
  ['us', 1n],
];

/**
 * Formats like systemd's format_timespan(): largest units first, separated by spaces; below one
 * minute a remainder is shown as a decimal fraction of the current unit ("1.500000s", "1.500ms").
 * `accuracy` drops components smaller than it (systemctl status uses 1s; `show` and
 * `systemd-analyze timespan` use 0, i.e. exact).
 */
export function formatTimespan(t: Usec, accuracy: Usec = 0n): string {
  if (t === USEC_INFINITY) return 'infinity';
  if (t <= 0n) return '0';
  let out = '';
  let something = false;
  for (const [suffix, unit] of FORMAT_UNITS) {
    if (t <= 0n) break;
    if (t < accuracy && something) break;
    if (t < unit) continue;
    const a = t / unit;
    let b = t % unit;
    let done = false;
    if (t < USEC_PER_MINUTE && b > 0n) {
      let j = 0;
      for (let cc = unit; cc > 1n; cc /= 10n) j++;
      for (let cc = accuracy; cc > 1n; cc /= 10n) {
        b /= 10n;
        j--;
      }
      if (j > 0) {
        out += `${out ? ' ' : ''}${a}.${b.toString().padStart(j, '0')}${suffix}`;
        t = 0n;
        done = true;
      }
    }
    if (!done) {
      out += `${out ? ' ' : ''}${a}${suffix}`;
      t = b;
    }
    something = true;
  }
  return out;
}

/** For timers and the engine, which work in milliseconds: infinity becomes Infinity. */
export function usecToMs(u: Usec): number {
  if (u === USEC_INFINITY) return Infinity;
  return Number(u / USEC_PER_MSEC);
}
