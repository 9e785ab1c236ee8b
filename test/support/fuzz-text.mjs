// Generators of text that looks like what a user writes for the time parsers: built from pieces
// near the grammar's edges (units, ranges, separators, huge numbers), so that random strings reach
// past the first character instead of failing there. Shared by the fuzz tests and by
// scripts/record-fuzz-oracle.mjs, which records systemd's answers for a fixed sample of them.
import fc from 'fast-check';

const TIMESPAN_PIECES = [
  '0', '1', '5', '12', '007', '60', '.', '.5', '1.25', ' ', '  ', '\t', '-', '+', 'e3',
  's', 'sec', 'second', 'seconds', 'm', 'min', 'minute', 'minutes', 'ms', 'msec', 'us', 'usec', 'µs', 'μs', 'ns', 'nsec',
  'h', 'hr', 'hour', 'hours', 'd', 'day', 'days', 'w', 'week', 'weeks', 'M', 'month', 'months', 'y', 'year', 'years',
  'infinity', '18446744073709551615', '18446744073709551616', '9223372036854775807', '584542', 'x',
];

const CALENDAR_PIECES = [
  'Mon', 'Tue', 'wed', 'Thursday', 'Fri', 'Sat', 'Sun', 'sunday', '..', ',', '*', '-', '~', ':', '/', '.', ' ',
  '0', '1', '2', '7', '9', '12', '13', '24', '29', '31', '32', '59', '60', '00', '000001', '1970', '2024', '2199', '2200',
  '*-*-*', '*:*', '@', '1700000000', 'UTC', 'utc', 'daily', 'hourly', 'weekly', 'monthly', 'yearly', 'quarterly',
  'minutely', 'semiannually', 'annually', 'Europe/Berlin',
];

const joined = (pieces, max) => fc.array(fc.constantFrom(...pieces), { minLength: 1, maxLength: max }).map((a) => a.join(''));
const digits = fc.oneof(fc.integer({ min: 0, max: 99 }).map(String), fc.constantFrom('0', '00', '007', '1000000', '18446744073709551615', '99999999999999999999'));
const sp = fc.constantFrom('', '', ' ', '  ', '\t');

/** Well-formed text now and then broken: a piece inserted, a character dropped or the text cut short. */
function mutated(wellFormed, pieces) {
  const edit = fc.oneof(
    { weight: 4, arbitrary: fc.constant((s) => s) },
    { weight: 1, arbitrary: fc.tuple(fc.nat(), fc.constantFrom(...pieces)).map(([at, piece]) => (s) => s.slice(0, at % (s.length + 1)) + piece + s.slice(at % (s.length + 1))) },
    { weight: 1, arbitrary: fc.nat().map((at) => (s) => s.slice(0, at % (s.length + 1)) + s.slice((at % (s.length + 1)) + 1)) },
    { weight: 1, arbitrary: fc.nat().map((at) => (s) => s.slice(0, at % (s.length + 1))) },
  );
  return fc.oneof(
    { weight: 8, arbitrary: fc.tuple(wellFormed, edit).map(([s, f]) => f(s)) },
    { weight: 1, arbitrary: joined(pieces, 6) },
    { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
  );
}

const TIMESPAN_UNITS = TIMESPAN_PIECES.filter((p) => /^[a-zµμ]+$/i.test(p) && p !== 'x' && p !== 'e' && p !== 'infinity');
const timespanPart = fc.tuple(digits, fc.option(fc.integer({ min: 0, max: 9999999 }).map(String), { nil: undefined }), sp, fc.option(fc.constantFrom(...TIMESPAN_UNITS), { nil: undefined }))
  .map(([a, frac, s, unit]) => `${a}${frac === undefined ? '' : `.${frac}`}${unit === undefined ? '' : s + unit}`);
const wellFormedTimespan = fc.oneof(
  { weight: 9, arbitrary: fc.tuple(sp, fc.array(fc.tuple(timespanPart, sp), { minLength: 1, maxLength: 4 })).map(([lead, parts]) => lead + parts.map(([p, s]) => `${p}${s}`).join(' ')) },
  { weight: 1, arbitrary: fc.constantFrom('infinity', ' infinity ', '0') },
);

/** Time spans: mostly of the grammar's shape, some broken, a few any text at all. */
export const timespanText = mutated(wellFormedTimespan, TIMESPAN_PIECES);

/** Mostly in range, now and then one past either end. */
const value = (min, max, width) => fc.oneof({ weight: 19, arbitrary: fc.integer({ min: min + 1, max: max - 1 }) }, { weight: 1, arbitrary: fc.constantFrom(min, max) })
  .map((n) => String(n).padStart(width, '0'));
const component = (v) => fc.oneof(
  { weight: 2, arbitrary: v },
  { weight: 1, arbitrary: fc.constant('*') },
  { weight: 1, arbitrary: fc.tuple(v, v).map(([a, b]) => (Number(a) <= Number(b) ? `${a}..${b}` : `${b}..${a}`)) },
  { weight: 1, arbitrary: fc.tuple(fc.oneof(v, fc.constant('*')), fc.integer({ min: 0, max: 30 })).map(([a, r]) => `${a}/${r}`) },
  { weight: 1, arbitrary: fc.tuple(v, v, fc.integer({ min: 1, max: 9 })).map(([a, b, r]) => (Number(a) <= Number(b) ? `${a}..${b}/${r}` : `${b}..${a}/${r}`)) },
);
const field = (v) => fc.array(component(v), { minLength: 1, maxLength: 2 }).map((a) => a.join(','));
const weekday = fc.constantFrom('Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun', 'monday', 'Friday');
const weekdays = fc.array(fc.oneof(weekday, fc.tuple(weekday, weekday).map(([a, b]) => `${a}..${b}`)), { minLength: 1, maxLength: 3 }).map((a) => a.join(','));
const date = fc.tuple(fc.option(field(value(1969, 2200, 4)), { nil: undefined }), field(value(0, 13, 2)), fc.constantFrom('-', '-', '~'), field(value(0, 32, 2)))
  .map(([y, m, sep, d]) => `${y === undefined ? '' : `${y}-`}${m}${sep}${d}`);
const seconds = fc.oneof(field(value(0, 60, 2)), fc.tuple(value(0, 59, 2), fc.integer({ min: 0, max: 999999 })).map(([s, f]) => `${s}.${String(f).padStart(6, '0')}`));
const time = fc.tuple(field(value(0, 24, 2)), field(value(0, 60, 2)), fc.option(seconds, { nil: undefined }))
  .map(([h, m, s]) => `${h}:${m}${s === undefined ? '' : `:${s}`}`);
const wellFormedCalendar = fc.oneof(
  { weight: 8, arbitrary: fc.tuple(fc.option(weekdays, { nil: undefined }), fc.option(date, { nil: undefined }), fc.option(time, { nil: undefined }), fc.constantFrom('', '', ' UTC', ' Europe/Berlin'))
    .map(([w, d, t, z]) => [w, d, t].filter((x) => x !== undefined).join(' ') + z) },
  { weight: 1, arbitrary: fc.constantFrom('daily', 'hourly', 'weekly', 'monthly', 'yearly', 'quarterly', 'minutely', 'semiannually', 'annually', 'Daily UTC') },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 2 ** 33 }).map((n) => `@${n}`) },
);

/** Calendar expressions, likewise. */
export const calendarText = mutated(wellFormedCalendar, CALENDAR_PIECES);

/** The fixed sample the oracle is recorded for (the same on every machine: fast-check is pinned). */
export const ORACLE_SEED = 18;
export const ORACLE_COUNT = 500;
export function oracleSample(arbitrary) {
  return [...new Set(fc.sample(arbitrary, { seed: ORACLE_SEED, numRuns: ORACLE_COUNT }))];
}

/** What `systemd-analyze timespan ARG` says: the µs value and its human form, or the error's text. */
export function parseTimespanOutput(stdout, stderr) {
  const usec = /^ +μs: (\d+)$/m.exec(stdout)?.[1];
  if (usec !== undefined) return { usec, human: /^ +Human: (.*)$/m.exec(stdout)?.[1] ?? null };
  return { error: /^Failed to parse time span '[\s\S]*': (.*)$/m.exec(stderr)?.[1] ?? stderr };
}

/** What `systemd-analyze calendar ARG` says: the normalized form, or the error's text. */
export function parseCalendarOutput(stdout, stderr) {
  const normalized = /^Normalized form: (.*)$/m.exec(stdout)?.[1];
  if (normalized !== undefined) return { normalized };
  return { error: /^Failed to parse calendar specification '[\s\S]*': (.*)$/m.exec(stderr)?.[1] ?? stderr };
}
