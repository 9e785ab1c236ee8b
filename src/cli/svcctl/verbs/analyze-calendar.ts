/**
 * `svcctl analyze calendar [--iterations=N] [--base-time=TIMESTAMP] EXPR...`: byte-compatible with
 * `systemd-analyze calendar` (252).
 *
 * Each expression gets systemd's vertical table: "Original form" (only when it differs from the
 * normal form), "Normalized form", "Next elapse" and for each further iteration "Iter. #N", each
 * elapse followed by "(in UTC)" unless the local zone is UTC, and "From now". Tables are separated
 * by an empty line, printed before every expression after the first whether or not it parses; an
 * invalid one prints the error and the hints, processing continues, and the exit status is 1.
 * Every expression starts from the same base: --base-time, or the clock read once.
 */
import type { VerbContext } from '../context.js';
import { colorsEnabled, HIGHLIGHT_BLUE } from './analyze-timespan.js';
import { parseTimespan, USEC_PER_SEC, type Usec } from '../../../shared/timespan.js';
import { formatTimestamp, formatTimestampRelative, parseTimestamp, realtimeNow } from '../../../shared/timestamp.js';
import { newMktimeState, type MktimeState } from '../../../shared/mktime.js';
import { localZone, type Zone } from '../../../shared/tzfile.js';
import { formatCalendarSpec, parseCalendarSpec } from '../../../shared/calendar.js';
import { EDEADLK_TEXT, nextElapse } from '../../../shared/calendar-next.js';

/** ansi_highlight_yellow() of systemd 252 (a 256-colour yellow), for "never". */
const HIGHLIGHT_YELLOW = '\x1b[0;1;38;5;185m';
const NORMAL = '\x1b[0m';

interface Row {
  readonly label: string;
  readonly value: string;
  readonly color?: string;
}

/**
 * systemd's vertical table: labels right-aligned with a colon. The value column is the last one,
 * so a plain value is not padded; a coloured one is padded to the column's width inside the colour.
 */
function renderTable(rows: readonly Row[], color: boolean): string {
  const labelWidth = Math.max(...rows.map((r) => r.label.length + 1));
  const valueWidth = Math.max(...rows.map((r) => r.value.length));
  return rows
    .map((r) => {
      const head = `${r.label}:`.padStart(labelWidth);
      const value = color && r.color ? `${r.color}${r.value.padEnd(valueWidth)}${NORMAL}` : r.value;
      return `${head} ${value}\n`;
    })
    .join('');
}

/** safe_atou(): strtoul() with base 0 ("0x10", "010"), no sign but "-0", nothing after the digits. */
function parseIterations(text: string): number | undefined {
  const m = /^[ \t\n\r]*[\v\f ]*([+-]?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)$/.exec(text);
  if (!m) return undefined;
  const digits = m[2]!;
  const value = /^0[xX]/.test(digits) ? BigInt(digits) : digits.length > 1 && digits.startsWith('0') ? BigInt(`0o${digits.slice(1)}`) : BigInt(digits);
  if (m[1] === '-' && value !== 0n) return undefined;
  if (value > 0xffff_ffffn) return undefined;
  return Number(value);
}

interface CalendarRun {
  readonly zone: Zone;
  readonly base: Usec;
  readonly iterations: number;
  readonly state: MktimeState;
  readonly color: boolean;
}

/** systemd's time_parsing_hint() for a calendar verb: would the text be a time stamp or a time span? */
function hints(input: string, run: CalendarRun): string {
  let out = '';
  if (parseTimestamp(input, { now: realtimeNow(), zone: run.zone, zoneFileSuffix: 'refuse', mktimeState: run.state }).ok)
    out += `Hint: this expression is a valid timestamp. Use 'systemd-analyze timestamp "${input}"' instead?\n`;
  if (parseTimespan(input, USEC_PER_SEC).ok) out += `Hint: this expression is a valid timespan. Use 'systemd-analyze timespan "${input}"' instead?\n`;
  return out;
}

/** One expression: its table (stdout) or its error (stderr). */
function calendarOne(input: string, run: CalendarRun): { stdout: string; stderr: string } {
  const spec = parseCalendarSpec(input, run.zone);
  if (!spec.ok) return { stdout: '', stderr: `Failed to parse calendar specification '${input}': ${spec.error}\n${hints(input, run)}` };
  const normalized = formatCalendarSpec(spec.value, run.zone);
  const rows: Row[] = [];
  if (normalized !== input) rows.push({ label: 'Original form', value: input });
  rows.push({ label: 'Normalized form', value: normalized });
  let after = run.base;
  for (let i = 0; i < run.iterations; i++) {
    const next = nextElapse(spec.value, after, run.zone, run.state);
    if (!next.ok && next.error === 'never') {
      if (i === 0) rows.push({ label: 'Next elapse', value: 'never', color: HIGHLIGHT_YELLOW });
      break;
    }
    if (!next.ok) {
      const warning = next.error === EDEADLK_TEXT ? `Infinite loop in calendar calculation: ${normalized}\n` : '';
      return { stdout: '', stderr: `${warning}Failed to determine next elapse for '${input}': ${next.error}\n` };
    }
    const at = next.value;
    rows.push({ label: i === 0 ? 'Next elapse' : `Iter. #${i + 1}`, value: formatTimestamp(at, run.zone) ?? '-', color: HIGHLIGHT_BLUE });
    if (!run.zone.isUtc) rows.push({ label: '(in UTC)', value: formatTimestamp(at, run.zone, 'utc') ?? '-' });
    rows.push({ label: 'From now', value: formatTimestampRelative(at, realtimeNow()) ?? '-' });
    after = at;
  }
  return { stdout: renderTable(rows, run.color), stderr: '' };
}

export async function run(ctx: VerbContext): Promise<number> {
  const zone = localZone(ctx.env);
  // One process in systemd: glibc mktime()'s guess carries from --base-time through every expression.
  const state = newMktimeState();
  let iterations = 1;
  if (ctx.options.iterations !== undefined) {
    const n = parseIterations(ctx.options.iterations);
    if (n === undefined) {
      ctx.stderr.write(`Failed to parse iterations: ${ctx.options.iterations}\n`);
      return 1;
    }
    iterations = n;
  }
  let base = realtimeNow();
  if (ctx.options.baseTime !== undefined) {
    const b = parseTimestamp(ctx.options.baseTime, { now: base, zone, zoneFileSuffix: 'refuse', mktimeState: state });
    if (!b.ok) {
      ctx.stderr.write(`Failed to parse --base-time= parameter: ${ctx.options.baseTime}\n`);
      return 1;
    }
    base = b.value;
  }
  if (ctx.args.length === 0) {
    ctx.stderr.write('Too few arguments.\n');
    return 1;
  }
  const calendarRun: CalendarRun = { zone, base, iterations, state, color: colorsEnabled(ctx) };
  // Where stdout and stderr share a pipe, their order is systemd's: each table is flushed when
  // printed, while the empty line between two expressions waits in stdio's buffer for the next
  // table (or the exit); a terminal is line-buffered, so there it comes out at once.
  let pending = '';
  let status = 0;
  for (const [i, input] of ctx.args.entries()) {
    if (i > 0) pending += '\n';
    if (ctx.isTTY) {
      ctx.stdout.write(pending);
      pending = '';
    }
    const one = calendarOne(input, calendarRun);
    if (one.stdout !== '') {
      ctx.stdout.write(pending + one.stdout);
      pending = '';
    }
    if (one.stderr !== '') {
      ctx.stderr.write(one.stderr);
      status = 1;
    }
  }
  if (pending !== '') ctx.stdout.write(pending);
  return status;
}
