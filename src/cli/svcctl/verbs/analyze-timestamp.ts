/**
 * `svcctl analyze timestamp TIMESTAMP...`: byte-compatible with `systemd-analyze timestamp` (252).
 *
 * Each time stamp gets systemd's vertical table (Original form, Normalized form, "(in UTC)" unless
 * the local zone is UTC, UNIX seconds, From now); tables are separated by an empty line, printed
 * before every argument after the first whether or not it parses. An invalid one prints the error
 * and the hints systemd gives, processing continues, and the exit status is 1.
 */
import type { VerbContext } from '../context.js';
import { colorsEnabled, HIGHLIGHT_BLUE, row } from './analyze-timespan.js';
import { parseCalendarSpec } from '../../../shared/calendar.js';
import { parseTimespan, USEC_PER_SEC, type Usec } from '../../../shared/timespan.js';
import {
  formatTimestamp,
  formatTimestampRelative,
  formatUnixSeconds,
  parseTimestamp,
  realtimeNow,
  type TimestampError,
} from '../../../shared/timestamp.js';
import { newMktimeState } from '../../../shared/mktime.js';
import { localZone, type Zone } from '../../../shared/tzfile.js';
import type { Result } from '../../../shared/result.js';

const LABEL_WIDTH = 'Normalized form:'.length;

/** One argument's answer: the parsed value, or systemd's error text. */
export type TimestampAnswer = { readonly input: string } & Result<Usec, TimestampError>;

/**
 * Parses every argument as systemd-analyze does, in order: one process, so glibc's mktime()
 * guess carries from one argument to the next. `clock` is read once per argument.
 */
export function parseTimestamps(args: readonly string[], zone: Zone, clock: () => Usec): TimestampAnswer[] {
  const state = newMktimeState();
  return args.map((input) => ({ input, ...parseTimestamp(input, { now: clock(), zone, zoneFileSuffix: 'refuse', mktimeState: state }) }));
}

/** The table for one parsed time stamp; `now` is the clock when it is printed ("From now"). */
export function timestampTable(input: string, value: Usec, zone: Zone, now: Usec, color = false): string {
  const field = (label: string, v: string | undefined, highlight: string | false = false) => row(`${label}:`, v ?? '-', v === undefined ? false : highlight, LABEL_WIDTH);
  let out = field('Original form', input);
  out += field('Normalized form', formatTimestamp(value, zone), color && HIGHLIGHT_BLUE);
  if (!zone.isUtc) out += field('(in UTC)', formatTimestamp(value, zone, 'utc'));
  out += field('UNIX seconds', formatUnixSeconds(value));
  out += field('From now', formatTimestampRelative(value, now));
  return out;
}

export function errorText(input: string, error: TimestampError, zone: Zone): string {
  let msg = `Failed to parse "${input}": ${error}\n`;
  if (parseCalendarSpec(input, zone).ok)
    msg += `Hint: this expression is a valid calendar specification. Use 'systemd-analyze calendar "${input}"' instead?\n`;
  if (parseTimespan(input, USEC_PER_SEC).ok) msg += `Hint: this expression is a valid timespan. Use 'systemd-analyze timespan "${input}"' instead?\n`;
  return msg;
}

export async function run(ctx: VerbContext): Promise<number> {
  if (ctx.args.length === 0) {
    ctx.stderr.write('Too few arguments.\n');
    return 1;
  }
  const zone = localZone(ctx.env);
  const color = colorsEnabled(ctx);
  let out = '';
  let status = 0;
  for (const [i, answer] of parseTimestamps(ctx.args, zone, realtimeNow).entries()) {
    if (i > 0) out += '\n';
    if (answer.ok) {
      out += timestampTable(answer.input, answer.value, zone, realtimeNow(), color);
    } else {
      ctx.stderr.write(errorText(answer.input, answer.error, zone));
      status = 1;
    }
  }
  // systemd's stdout is a buffered stream: it reaches the pipe at exit, after the errors.
  if (out !== '') ctx.stdout.write(out);
  return status;
}
