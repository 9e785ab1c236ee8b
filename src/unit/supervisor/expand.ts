/**
 * supervisord's expansions: Python's `%` formatting of a value against a mapping —
 * `%(program_name)s`, `%(process_num)02d`, `%(ENV_HOME)s`, `%(here)s`, `%%` — as supervisord applies
 * it to command, process_name, directory, environment and the log file names. Only the mapping form
 * exists there (the value is formatted with a dict), so a bare `%s` or a lone `%` is an error, as
 * Python raises one.
 */
import { err, ok, type Result } from '../../shared/result.js';

/** A mapping: strings (ENV_*, here, names) and integers (process_num, numprocs). */
export type Expansions = ReadonlyMap<string, string | number>;

// %(name) flags width .precision type
const SPEC = /%(?:\((?<name>[^)]*)\)(?<flags>[#0\- +]*)(?<width>\d*)(?:\.(?<precision>\d+))?(?<type>[diouxXsra%])|(?<percent>%))/y;

function pad(text: string, flags: string, width: number, numeric: boolean): string {
  if (text.length >= width) return text;
  if (flags.includes('-')) return text.padEnd(width);
  if (numeric && flags.includes('0')) {
    const sign = /^[-+ ]/.test(text) ? text[0]! : '';
    return sign + text.slice(sign.length).padStart(width - sign.length, '0');
  }
  return text.padStart(width);
}

function formatOne(value: string | number, flags: string, width: number, precision: number | undefined, type: string): Result<string, string> {
  if (type === 's' || type === 'r' || type === 'a') {
    let text = String(value);
    if (type !== 's' && typeof value === 'string') text = `'${value}'`;
    if (precision !== undefined) text = text.slice(0, precision);
    return ok(pad(text, flags, width, false));
  }
  if (typeof value !== 'number') return err(`%${type} format: a number is required, not str`);
  const n = Math.trunc(value);
  const base = type === 'o' ? 8 : type === 'x' || type === 'X' ? 16 : 10;
  let digits = Math.abs(n).toString(base);
  if (type === 'X') digits = digits.toUpperCase();
  if (precision !== undefined) digits = digits.padStart(precision, '0');
  if (flags.includes('#') && base !== 10) digits = (base === 8 ? '0o' : type === 'X' ? '0X' : '0x') + digits;
  const sign = n < 0 ? '-' : flags.includes('+') ? '+' : flags.includes(' ') ? ' ' : '';
  return ok(pad(sign + digits, flags, width, true));
}

/** Formats `text % mapping`; the error says what Python would have complained about. */
export function expand(text: string, mapping: Expansions): Result<string, string> {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const next = text.indexOf('%', i);
    if (next < 0) {
      out += text.slice(i);
      break;
    }
    out += text.slice(i, next);
    SPEC.lastIndex = next;
    const m = SPEC.exec(text);
    if (!m?.groups) return err(`bad format at "${text.slice(next, next + 12)}" (a "%" must be "%%" or "%(name)s")`);
    const g = m.groups;
    i = SPEC.lastIndex;
    if (g.percent !== undefined) {
      out += '%';
      continue;
    }
    const value = mapping.get(g.name!);
    if (value === undefined) return err(`names ('${g.name}') which cannot be expanded`);
    if (g.type === '%') {
      out += '%';
      continue;
    }
    const one = formatOne(value, g.flags ?? '', Number(g.width || 0), g.precision === undefined ? undefined : Number(g.precision), g.type!);
    if (!one.ok) return one;
    out += one.value;
  }
  return ok(out);
}
