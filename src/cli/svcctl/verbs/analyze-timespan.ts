/**
 * `svcctl analyze timespan SPAN...`: byte-compatible with `systemd-analyze timespan` (252).
 *
 * Output per span is systemd's two-column table: right-aligned field names, then the value;
 * a value with newlines continues on indented lines, each line's trailing whitespace dropped.
 * The first invalid span stops processing with exit status 1, after a hint when the text would
 * be valid for `systemd-analyze timestamp` or `calendar` instead.
 */
import type { VerbContext } from '../context.js';
import { formatTimespan, parseTimespan, USEC_PER_SEC } from '../../../shared/timespan.js';
import { parseTimestamp, realtimeNow } from '../../../shared/timestamp.js';
import { localZone } from '../../../shared/tzfile.js';
import { parseCalendarSpec } from '../../../shared/calendar.js';
import { WHITESPACE } from '../../../shared/c-integer.js';

const LABEL_WIDTH = 'Original:'.length;

/** systemd's is_locale_utf8(): $SYSTEMD_UTF8 wins; an unset or UTF-8 locale means UTF-8; "C"/"POSIX" set explicitly does not. */
export function localeIsUtf8(env: Readonly<Record<string, string | undefined>>): boolean {
  const forced = env.SYSTEMD_UTF8;
  if (forced !== undefined) {
    if (/^(1|yes|y|true|t|on)$/i.test(forced)) return true;
    if (/^(0|no|n|false|f|off)$/i.test(forced)) return false;
  }
  const locale = env.LC_ALL || env.LC_CTYPE || env.LANG || '';
  if (locale === '') return true;
  if (/utf-?8/i.test(locale)) return true;
  const base = locale.split('.')[0];
  return !(base === 'C' || base === 'POSIX');
}

export function colorsEnabled(ctx: VerbContext): boolean {
  const sc = ctx.env.SYSTEMD_COLORS;
  if (sc !== undefined) return !/^(0|no|n|false|f|off)$/i.test(sc);
  if (ctx.env.NO_COLOR !== undefined) return false;
  if (ctx.env.TERM === 'dumb') return false;
  return ctx.isTTY;
}

function stripTrailing(line: string): string {
  let end = line.length;
  while (end > 0 && WHITESPACE.includes(line[end - 1]!)) end--;
  return line.slice(0, end);
}

/** ANSI highlights systemd's tables give a value (ansi_highlight(), ansi_highlight_blue()). */
export const HIGHLIGHT = '\x1b[0;1;39m';
export const HIGHLIGHT_BLUE = '\x1b[0;1;34m';

/** One table row: the label right-aligned to `width`, the value's lines below each other. */
export function row(label: string, value: string, highlight: string | false = false, width = LABEL_WIDTH): string {
  const lines = value.split('\n');
  // A trailing newline does not open another line (systemd splits with strv_split_newlines()).
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  return lines
    .map((l, i) => {
      const head = i === 0 ? label.padStart(width) : ' '.repeat(width);
      const text = stripTrailing(l);
      return `${head} ${highlight && text !== '' ? `${highlight}${text}\x1b[0m` : text}\n`;
    })
    .join('');
}

/** Whether `systemd-analyze timestamp` would accept the text (with its own refusal of zone-file suffixes). */
export function looksLikeTimestamp(text: string, env: Readonly<Record<string, string | undefined>> = {}): boolean {
  return parseTimestamp(text, { now: realtimeNow(), zone: localZone(env), zoneFileSuffix: 'refuse' }).ok;
}

export async function run(ctx: VerbContext): Promise<number> {
  if (ctx.args.length === 0) {
    ctx.stderr.write('Too few arguments.\n');
    return 1;
  }
  const mu = localeIsUtf8(ctx.env) ? '\u03bc' : 'u';
  const color = colorsEnabled(ctx);
  let out = '';
  let status = 0;
  for (const [i, input] of ctx.args.entries()) {
    const r = parseTimespan(input, USEC_PER_SEC);
    if (!r.ok) {
      let msg = `Failed to parse time span '${input}': ${r.error}\n`;
      if (parseCalendarSpec(input, localZone(ctx.env)).ok)
        msg += `Hint: this expression is a valid calendar specification. Use 'systemd-analyze calendar "${input}"' instead?\n`;
      if (looksLikeTimestamp(input, ctx.env))
        msg += `Hint: this expression is a valid timestamp. Use 'systemd-analyze timestamp "${input}"' instead?\n`;
      ctx.stderr.write(msg);
      status = 1;
      break;
    }
    out += row('Original:', input);
    out += row(`${mu}s:`, r.value.toString());
    out += row('Human:', formatTimespan(r.value), color && HIGHLIGHT);
    if (i < ctx.args.length - 1) out += '\n';
  }
  // systemd's stdout is buffered until exit, so everything printed before an error still appears.
  if (out !== '') ctx.stdout.write(out);
  return status;
}
