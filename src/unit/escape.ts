/**
 * Unit name escaping as systemd-escape(1) and systemd.unit(5) "String Escaping for Inclusion in
 * Unit Names" define it: "/" becomes "-", and every byte that may not appear in a unit name (and
 * "-", "\", and a leading ".") becomes "\xNN" with lowercase hex, byte by byte of the UTF-8 form.
 */
import type { Result } from '../shared/result.js';
import { err, ok } from '../shared/result.js';
import { isValidUnitName, parseUnitName, unitTypeFromString } from './name.js';

const isPlainChar = (b: number): boolean =>
  (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) || b === 0x3a || b === 0x5f || b === 0x2e;

const hex = (b: number): string => `\\x${b.toString(16).padStart(2, '0')}`;

export function unitNameEscape(s: string): string {
  const bytes = Buffer.from(s, 'utf8');
  let out = '';
  bytes.forEach((b, i) => {
    if (b === 0x2f) out += '-';
    else if ((i === 0 && b === 0x2e) || !isPlainChar(b)) out += hex(b);
    else out += String.fromCharCode(b);
  });
  return out;
}

/** Reverses unitNameEscape ("-" back to "/"); a malformed "\x" escape is an error. */
export function unitNameUnescape(s: string): Result<string, string> {
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '-') bytes.push(0x2f);
    else if (c === '\\') {
      if (s[i + 1] !== 'x' || !/^[0-9a-fA-F]{2}$/.test(s.slice(i + 2, i + 4))) return err('Invalid argument');
      bytes.push(parseInt(s.slice(i + 2, i + 4), 16));
      i += 3;
    } else bytes.push(...Buffer.from(c, 'utf8'));
  }
  return ok(Buffer.from(bytes).toString('utf8'));
}

/** path_simplify(): no repeated or trailing slashes, no "." components. */
export function pathSimplify(p: string): string {
  const abs = p.startsWith('/');
  const parts = p.split('/').filter((x) => x !== '' && x !== '.');
  return (abs ? '/' : '') + parts.join('/') || (abs ? '/' : '');
}

export type PathEscapeError = 'not-normalized';

/** unit_name_path_escape(): "/" is "-"; otherwise the path without outer slashes, escaped. */
export function unitNamePathEscape(path: string): Result<string, PathEscapeError> {
  const simple = pathSimplify(path);
  if (simple.split('/').includes('..')) return err('not-normalized');
  const trimmed = simple.replace(/^\/+|\/+$/g, '');
  return ok(trimmed === '' ? '-' : unitNameEscape(trimmed));
}

export function unitNamePathUnescape(s: string): Result<string, string> {
  if (s === '-') return ok('/');
  const r = unitNameUnescape(s);
  return r.ok ? ok(`/${r.value}`) : r;
}

export interface MangleOptions {
  /** Keep glob characters (systemctl does, for patterns; systemd-escape --mangle does not). */
  readonly allowGlobs?: boolean;
}

/**
 * unit_name_mangle(): what systemctl makes of a name a user typed. Valid names stay; "/dev/…"
 * becomes a .device, another absolute path a .mount; otherwise invalid characters are escaped and
 * ".service" is added unless the name already ends in a unit type.
 */
export function unitNameMangle(name: string, opts: MangleOptions = {}): string {
  if (isValidUnitName(name)) return name;
  if (opts.allowGlobs && /[*?[]/.test(name)) return name;
  if (name.startsWith('/')) {
    const escaped = unitNamePathEscape(name);
    if (escaped.ok) return `${escaped.value}.${name.startsWith('/dev/') ? 'device' : 'mount'}`;
  }
  let out = '';
  for (const b of Buffer.from(name, 'utf8')) {
    const keep = isPlainChar(b) || b === 0x2d || b === 0x40 || b === 0x5c || (opts.allowGlobs && (b === 0x2a || b === 0x3f || b === 0x5b || b === 0x5d));
    out += keep ? String.fromCharCode(b) : hex(b);
  }
  const dot = out.lastIndexOf('.');
  const suffixOk = dot > 0 && unitTypeFromString(out.slice(dot + 1)) !== undefined;
  return suffixOk ? out : `${out}.service`;
}

/** The instance of a template instance, or undefined. */
export function instanceOf(name: string): string | undefined {
  const p = parseUnitName(name);
  return p && p.instance ? p.instance : undefined;
}
