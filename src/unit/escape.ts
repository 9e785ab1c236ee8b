/**
 * Unit name escaping as systemd-escape(1) and systemd.unit(5) "STRING ESCAPING FOR INCLUSION IN
 * UNIT NAMES" define it, and the mangling systemctl applies to names users type. systemd works on
 * C strings, byte by byte: escaping sees the UTF-8 bytes of the input, and an unescaped "\x00"
 * ends the result there. Unescaping can produce bytes that are not UTF-8, so the *Bytes functions
 * return Buffers and the string forms decode them (lossily) for callers that want text.
 */
import type { Result } from '../shared/result.js';
import { err, ok } from '../shared/result.js';
import { stringIsGlob } from '../shared/glob.js';
import { strerrorOf } from '../shared/strerror.js';
import {
  GLOB_EXTRA_CHARS, isValidUnitChar, UNIT_NAME_ANY, unitNameIsValid, unitPrefixIsValid, unitSuffixIsValid
} from './name.js';

/** errno names systemd returns from these functions; strerror() gives the words its tools print. */
export type NameErrno = 'EINVAL';
export const strerror = (e: NameErrno): string => strerrorOf(e);

// Linux's limits, which path_is_valid() applies: a component up to NAME_MAX bytes, the whole path
// shorter than PATH_MAX (which counts the NUL).
const NAME_MAX = 255;
const PATH_MAX = 4096;

const SLASH = 0x2f;
const hexByte = (b: number): string => `\\x${b.toString(16).padStart(2, '0')}`;
const isUnitByte = (b: number, allowAt = false): boolean => b < 0x80 && isValidUnitChar(String.fromCharCode(b), allowAt);

const toBytes = (s: string | Uint8Array): Uint8Array => (typeof s === 'string' ? Buffer.from(s, 'utf8') : s);

/** C-string semantics: everything from the first NUL on is gone. */
function cString(bytes: Uint8Array): Buffer {
  const nul = bytes.indexOf(0);
  return Buffer.from(nul < 0 ? bytes : bytes.subarray(0, nul));
}

/**
 * unit_name_escape(): "/" becomes "-"; "-", "\", a leading "." and every byte that may not appear
 * in a unit name become "\xNN" (lowercase hex). The result is always ASCII.
 */
export function unitNameEscape(s: string | Uint8Array): string {
  const bytes = toBytes(s);
  let out = '';
  bytes.forEach((b, i) => {
    // A leading "." would make a hidden file of the unit (think of "/.dotdir" mount points).
    if (i === 0 && b === 0x2e) out += hexByte(b);
    else if (b === SLASH) out += '-';
    else if (b === 0x2d || b === 0x5c || !isUnitByte(b)) out += hexByte(b);
    else out += String.fromCharCode(b);
  });
  return out;
}

const hexValue = (c: string | undefined): number => (c !== undefined && /^[0-9a-fA-F]$/.test(c) ? parseInt(c, 16) : -1);

/** unit_name_unescape(): "-" is "/", "\xNN" a byte; any other "\" is an error. */
export function unitNameUnescapeBytes(s: string): Result<Buffer, NameErrno> {
  const out: number[] = [];
  const src = toBytes(s);
  for (let i = 0; i < src.length; i++) {
    const b = src[i]!;
    if (b === 0x2d) out.push(SLASH);
    else if (b === 0x5c) {
      if (src[i + 1] !== 0x78) return err('EINVAL');
      const hi = hexValue(String.fromCharCode(src[i + 2] ?? 0x20));
      const lo = hexValue(String.fromCharCode(src[i + 3] ?? 0x20));
      if (hi < 0 || lo < 0) return err('EINVAL');
      out.push((hi << 4) | lo);
      i += 3;
    } else out.push(b);
  }
  return ok(cString(Uint8Array.from(out)));
}

export function unitNameUnescape(s: string): Result<string, NameErrno> {
  const r = unitNameUnescapeBytes(s);
  return r.ok ? ok(r.value.toString('utf8')) : r;
}

// --- paths -----------------------------------------------------------------------------------

export const pathIsAbsolute = (p: string): boolean => p.startsWith('/');

// The path checks count bytes, as systemd does. They run on "binary" strings (latin1: one
// character per byte), so lengths are byte counts and only ASCII "/" and "." are ever looked at.
const toBinary = (s: string): string => Buffer.from(s, 'utf8').toString('latin1');
const fromBinary = (s: string): string => Buffer.from(s, 'latin1').toString('utf8');

/** The components of a path, "." ones dropped, as path_find_first_component() walks them. */
const components = (p: string): string[] => p.split('/').filter((c) => c !== '' && c !== '.');

function validBinary(p: string, acceptDotDot: boolean): boolean {
  if (p === '' || p.length >= PATH_MAX) return false;
  return components(p).every((c) => c.length <= NAME_MAX && (acceptDotDot || c !== '..'));
}

function normalizedBinary(p: string): boolean {
  if (!validBinary(p, false)) return false;
  if (p === '.' || p.startsWith('./') || p.endsWith('/.') || p.includes('/./')) return false;
  return !p.includes('//');
}

function simplifyBinary(p: string): string {
  if (p === '') return p;
  const parts = p.split('/');
  const kept: string[] = [];
  for (let i = 0; i < parts.length; i++) {
    const c = parts[i]!;
    if (c === '' || c === '.') continue;
    if (c.length > NAME_MAX) {
      kept.push(parts.slice(i).join('/'));
      break;
    }
    kept.push(c);
  }
  const body = kept.join('/');
  if (pathIsAbsolute(p)) return `/${body}`;
  return body === '' ? '.' : body;
}

/**
 * path_is_valid_full(): not empty, shorter than PATH_MAX, no component longer than NAME_MAX, and
 * (unless acceptDotDot) no ".." component.
 */
export const pathIsValidFull = (p: string, acceptDotDot: boolean): boolean => validBinary(toBinary(p), acceptDotDot);
export const pathIsValid = (p: string): boolean => pathIsValidFull(p, true);

/** path_is_normalized(): valid, no "..", no "." component, no "//". */
export const pathIsNormalized = (p: string): boolean => normalizedBinary(toBinary(p));

/**
 * path_simplify(): no repeated or trailing slashes, no "." components ("." itself when nothing is
 * left of a relative path). ".." stays, and from an invalid component (longer than NAME_MAX) on
 * the rest is kept as written, as systemd does.
 */
export const pathSimplify = (p: string): string => fromBinary(simplifyBinary(toBinary(p)));

/** path_startswith(): does `path` lie under `prefix`, comparing whole components? */
export function pathStartsWith(path: string, prefix: string): boolean {
  if (pathIsAbsolute(path) !== pathIsAbsolute(prefix)) return false;
  const a = components(path);
  const b = components(prefix);
  return b.length <= a.length && b.every((c, i) => c === a[i]);
}

/**
 * path_compare(): relative paths before absolute ones, then component by component (bytewise),
 * a parent right before its children — so "/a/b" sorts before "/a.b", which strcmp would not do.
 */
export function pathCompare(a: string, b: string): number {
  const abs = Number(pathIsAbsolute(a)) - Number(pathIsAbsolute(b));
  if (abs !== 0) return abs;
  const x = components(a);
  const y = components(b);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! < y[i]! ? -1 : 1;
  return x.length - y.length;
}

/**
 * is_device_path(): something under /dev or /sys names a device; "/dev" itself does not (systemd
 * 252 makes "dev.mount" of it).
 */
export function isDevicePath(p: string): boolean {
  if (!pathIsAbsolute(p)) return false;
  const c = components(p);
  return c.length > 1 && (c[0] === 'dev' || c[0] === 'sys');
}

/**
 * unit_name_path_escape(): simplify, then "/" and "" become "-"; otherwise a path that is still
 * not normalized ("..", an over-long component) is refused, and the rest is escaped without its
 * outer slashes.
 */
export function unitNamePathEscape(path: string): Result<string, NameErrno> {
  const p = simplifyBinary(toBinary(path));
  if (p === '' || p === '/') return ok('-');
  if (!normalizedBinary(p)) return err('EINVAL');
  return ok(unitNameEscape(Buffer.from(p.replace(/^\/+/, '').replace(/\/+$/, ''), 'latin1')));
}

/**
 * unit_name_path_unescape(): "-" is "/"; otherwise unescape, refuse a result with a leading or
 * trailing slash, put the leading "/" back and refuse what is then not a normalized path.
 */
export function unitNamePathUnescapeBytes(s: string): Result<Buffer, NameErrno> {
  if (s === '') return err('EINVAL');
  if (s === '-') return ok(Buffer.from('/'));
  const r = unitNameUnescapeBytes(s);
  if (!r.ok) return r;
  const w = r.value;
  if (w.length > 0 && (w[0] === SLASH || w[w.length - 1] === SLASH)) return err('EINVAL');
  const full = Buffer.concat([Buffer.from('/'), w]);
  if (!normalizedBinary(full.toString('latin1'))) return err('EINVAL');
  return ok(full);
}

export function unitNamePathUnescape(s: string): Result<string, NameErrno> {
  const r = unitNamePathUnescapeBytes(s);
  return r.ok ? ok(r.value.toString('utf8')) : r;
}

/** unit_name_from_path(): "/dev/sda" + ".device" → "dev-sda.device". */
export function unitNameFromPath(path: string, suffix: string): Result<string, NameErrno> {
  if (!unitSuffixIsValid(suffix)) return err('EINVAL');
  const p = unitNamePathEscape(path);
  if (!p.ok) return p;
  const name = p.value + suffix;
  return unitNameIsValid(name, UNIT_NAME_ANY) ? ok(name) : err('EINVAL');
}

/** unit_name_from_path_instance(): "fsck", "/dev/sda", ".service" → "fsck@dev-sda.service". */
export function unitNameFromPathInstance(prefix: string, path: string, suffix: string): Result<string, NameErrno> {
  if (!unitPrefixIsValid(prefix) || !unitSuffixIsValid(suffix)) return err('EINVAL');
  const p = unitNamePathEscape(path);
  if (!p.ok) return p;
  const name = `${prefix}@${p.value}${suffix}`;
  return unitNameIsValid(name, UNIT_NAME_ANY) ? ok(name) : err('EINVAL');
}

/** unit_name_to_path(): the path a .mount/.device/.swap/… name stands for ("-.mount" → "/"). */
export function unitNameToPath(name: string): Result<string, NameErrno> {
  if (!unitNameIsValid(name)) return err('EINVAL');
  const at = name.indexOf('@');
  const prefix = name.slice(0, at >= 0 ? at : name.lastIndexOf('.'));
  return unitNamePathUnescape(prefix);
}

// --- mangling --------------------------------------------------------------------------------

export interface MangleOptions {
  /** Keep glob characters (systemctl does for verbs that take patterns; systemd-escape does not). */
  readonly allowGlobs?: boolean;
  /** The suffix added to a name without a type; ".service" unless said otherwise. */
  readonly suffix?: string;
  /** What the name is for, as systemctl words it in its notice ("to start"). */
  readonly operation?: string;
}

export interface Mangled {
  readonly name: string;
  /** True when the input was not already a valid name (or, with globs, a glob over names). */
  readonly changed: boolean;
  /**
   * What systemctl logs at notice level about the change (it prints them to stderr): that globs are
   * not supported here, or that a name was escaped.
   */
  readonly notices: readonly string[];
}

function inGlobCharset(s: string): boolean {
  for (const ch of s) if (!isValidUnitChar(ch, true) && !GLOB_EXTRA_CHARS.includes(ch)) return false;
  return true;
}

/**
 * unit_name_mangle_with_suffix(): what systemctl makes of a name a user typed. A valid name (or,
 * with globs, a glob of name characters) stays; a path under /dev or /sys becomes a .device, another
 * absolute path a .mount; otherwise "/" becomes "-", the obviously foreign bytes are escaped, and
 * the suffix is added unless the result already ends in a unit type. EINVAL for "" and for results
 * that are still not valid names (e.g. "@", or longer than 255 bytes).
 */
export function unitNameMangleFull(name: string, opts: MangleOptions = {}): Result<Mangled, NameErrno> {
  const suffix = opts.suffix ?? '.service';
  if (name === '' || !unitSuffixIsValid(suffix)) return err('EINVAL');
  if (unitNameIsValid(name, UNIT_NAME_ANY)) return ok({ name, changed: false, notices: [] });

  const notices: string[] = [];
  let suggestEscape = true;
  if (stringIsGlob(name) && inGlobCharset(name)) {
    if (opts.allowGlobs) return ok({ name, changed: false, notices: [] });
    notices.push(`Glob pattern passed${opts.operation ? ` ${opts.operation}` : ''}, but globs are not supported for this.`);
    suggestEscape = false;
  }
  if (isDevicePath(name)) {
    const r = unitNameFromPath(name, '.device');
    if (r.ok) return ok({ name: r.value, changed: true, notices });
  }
  if (pathIsAbsolute(name)) {
    const r = unitNameFromPath(name, '.mount');
    if (r.ok) return ok({ name: r.value, changed: true, notices });
  }

  let s = '';
  for (const b of Buffer.from(name, 'utf8')) {
    const ch = String.fromCharCode(b);
    if (b === SLASH) s += '-';
    else if (isUnitByte(b, true) || (opts.allowGlobs && b < 0x80 && GLOB_EXTRA_CHARS.includes(ch))) s += ch;
    else s += hexByte(b);
  }
  // A glob such as "foo.*" must stay a glob, so it gets no suffix.
  // unit_name_to_type() knows the type of valid names only.
  const hasType = unitNameIsValid(s, UNIT_NAME_ANY);
  let out = s;
  if ((!opts.allowGlobs || !stringIsGlob(s)) && !hasType) out += suffix;
  // Globs are not names, so only a non-glob result must be a valid name.
  if (!opts.allowGlobs && !unitNameIsValid(out, UNIT_NAME_ANY)) return err('EINVAL');
  if (s !== name) {
    notices.push(`Invalid unit name "${name}" escaped as "${s}"${suggestEscape ? ' (maybe you should use systemd-escape?)' : ''}.`);
  }
  return ok({ name: out, changed: true, notices });
}

/**
 * unitNameMangleFull() for callers that only want the name: when systemd would refuse with EINVAL,
 * the input comes back unchanged, so the caller's own "no such unit" or "invalid name" path
 * reports it.
 */
export function unitNameMangle(name: string, opts: MangleOptions = {}): string {
  const r = unitNameMangleFull(name, opts);
  return r.ok ? r.value.name : name;
}

/** The instance of a template instance, or undefined. */
export function instanceOf(name: string): string | undefined {
  const at = name.indexOf('@');
  if (at < 0 || !unitNameIsValid(name)) return undefined;
  const inst = name.slice(at + 1, name.lastIndexOf('.'));
  return inst === '' ? undefined : inst;
}
