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
import { colorsEnabled, HIGHLIGHT_BLUE, localeIsUtf8 } from './analyze-timespan.js';
import { parseTimespan, USEC_PER_SEC, type Usec } from '../../../shared/timespan.js';
import { formatTimestamp, formatTimestampRelative, parseTimestamp, realtimeNow } from '../../../shared/timestamp.js';
import { newMktimeState, type MktimeState } from '../../../shared/mktime.js';
import { localZone, type Zone } from '../../../shared/tzfile.js';
import { formatCalendarSpec, parseCalendarSpec } from '../../../shared/calendar.js';
import { EDEADLK_TEXT, nextElapse } from '../../../shared/calendar-next.js';
import { parseCInteger } from '../../../shared/c-integer.js';

/** ansi_highlight_yellow() of systemd 252 (a 256-colour yellow), for "never". */
const HIGHLIGHT_YELLOW = '\x1b[0;1;38;5;185m';
const NORMAL = '\x1b[0m';

interface Row {
  readonly label: string;
  readonly value: string;
  readonly color?: string;
}

/** How wide the table may be: unlimited unless stdout is a terminal, whose width $COLUMNS overrides. */
export interface TableLayout {
  readonly width?: number;
  readonly utf8: boolean;
}

/** systemd's columns(): $COLUMNS when it is a valid width, else the terminal's, else 80. */
export function terminalColumns(ctx: VerbContext): number | undefined {
  if (!ctx.isTTY) return undefined;
  const env = Number(ctx.env.COLUMNS);
  if (/^\d+$/.test(ctx.env.COLUMNS ?? '') && env > 0 && env <= 0xffff) return env;
  const tty = (ctx.stdout as { columns?: number }).columns;
  return tty !== undefined && tty > 0 ? tty : 80;
}

/** systemd's ellipsize() at the end: the text cut to `width` with "…" (or "..." outside UTF-8) last. */
function ellipsize(text: string, width: number, utf8: boolean): string {
  if (text.length <= width) return text;
  const mark = utf8 ? '\u2026' : '...';
  return text.slice(0, Math.max(0, width - mark.length)) + mark.slice(0, width);
}

/**
 * systemd's vertical table: labels right-aligned with a colon. The value column is the last one,
 * so a plain value is not padded; a coloured one is padded to the column's width inside the colour.
 * When the table is wider than the terminal, the two columns share its width equally (the value
 * column taking what the labels do not need) and overlong cells are ellipsized.
 */
function renderTable(rows: readonly Row[], color: boolean, layout: TableLayout): string {
  let labelWidth = Math.max(...rows.map((r) => r.label.length + 1));
  let valueWidth = Math.max(...rows.map((r) => r.value.length));
  const room = layout.width === undefined ? Infinity : layout.width - 1;
  if (labelWidth + valueWidth > room) {
    const half = Math.floor(room / 2);
    if (valueWidth < room - half) labelWidth = room - valueWidth;
    else {
      labelWidth = Math.min(labelWidth, half);
      valueWidth = room - labelWidth;
    }
  }
  return rows
    .map((r) => {
      const head = ellipsize(`${r.label}:`, labelWidth, layout.utf8).padStart(labelWidth);
      const text = ellipsize(r.value, valueWidth, layout.utf8);
      const value = color && r.color ? `${r.color}${text.padEnd(valueWidth)}${NORMAL}` : text;
      return `${head} ${value}\n`;
    })
    .join('');
}

interface CalendarRun {
  readonly zone: Zone;
  readonly base: Usec;
  readonly iterations: number;
  readonly state: MktimeState;
  readonly color: boolean;
  readonly layout: TableLayout;
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
  return { stdout: renderTable(rows, run.color, run.layout), stderr: '' };
}

export async function run(ctx: VerbContext): Promise<number> {
  const zone = localZone(ctx.env);
  // One process in systemd: glibc mktime()'s guess carries from --base-time through every expression.
  const state = newMktimeState();
  let iterations = 1;
  if (ctx.options.iterations !== undefined) {
    // safe_atou(): base 0 ("0x10", "010"), no sign except "-0".
    const n = parseCInteger(ctx.options.iterations, { base: 0, signed: false, bits: 32 });
    if (!n.ok) {
      ctx.stderr.write(`Failed to parse iterations: ${ctx.options.iterations}\n`);
      return 1;
    }
    iterations = Number(n.value);
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
  const calendarRun: CalendarRun = { zone, base, iterations, state, color: colorsEnabled(ctx), layout: { width: terminalColumns(ctx), utf8: localeIsUtf8(ctx.env) } };
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
