/**
 * One tmpfiles.d(5) line → an item: `Type Path Mode User Group Age Argument`, words split with
 * quoting as systemd-tmpfiles does, the type's modifiers (! boot only, + append or force, - allow
 * failure, = replace, ~ base64, ^ credential), specifiers in the path and the argument, C escapes
 * in the argument, /var/run/ taken as /run/, modes (~ masked by the existing bits, : only at
 * creation), owners by name or number (looked up below --root), ages. A bad line is refused with
 * systemd 252's words at file:line and marks the configuration invalid (exit status 65).
 */
import { Buffer } from 'node:buffer';
import { join } from 'node:path';
import type { SourceLocation } from '../../shared/diagnostic.js';
import type { Usec } from '../../shared/timespan.js';
import { specifierPrintf, type SpecifierTable } from '../specifiers.js';
import { parseMode, parseSec, pathIsAbsolute, pathSimplify } from '../values/index.js';
import { cunescape, extractFirstWord } from '../values/words.js';
import { isLineType, LINE_TYPES, type LineType } from './line-types.js';
import { parseAcls, type ParsedAcls } from './acl.js';
import { parseXattrs, type Xattr } from './xattrs.js';
import { parseInodeFlags, type InodeFlagSpec } from './inode-flags.js';

export type LogLevel = 'err' | 'warning' | 'notice' | 'info' | 'debug';
/** Where messages go; `invalid` marks the configuration as bad (systemd's invalid_config). */
export type Report = (level: LogLevel, text: string, invalid?: boolean) => void;

export interface Setting<T> {
  readonly value: T;
  /** The ":" prefix: applied only when the line creates the path. */
  readonly onlyCreate: boolean;
}

export interface Item {
  readonly type: LineType;
  /** Absolute, below the root. */
  readonly path: string;
  readonly argument?: string;
  readonly mode?: Setting<number> & { readonly mask: boolean };
  /** The mode a created path gets when the line names none. */
  readonly defaultMode: number;
  readonly uid?: Setting<number>;
  readonly gid?: Setting<number>;
  readonly age?: { readonly usec: Usec; readonly keepFirstLevel: boolean; readonly by: string };
  readonly device?: { readonly major: number; readonly minor: number };
  /** t T: the attributes to set. */
  readonly xattrs?: readonly Xattr[];
  /** a A: the ACLs to set (none when the text did not parse: warned about, nothing set). */
  readonly acls?: ParsedAcls;
  /** h H: the file attributes to set. */
  readonly inodeFlags?: InodeFlagSpec;
  readonly boot: boolean;
  /** "+": f/p/L/c/b replace what is there, w appends, a/A add to the ACL. */
  readonly force: boolean;
  readonly allowFailure: boolean;
  /** "=": an object of another type in the way is removed. */
  readonly tryReplace: boolean;
  readonly loc: SourceLocation;
}

export interface ParseContext {
  /** --root, or undefined for the running system. */
  readonly root?: string;
  readonly boot: boolean;
  readonly specifiers: SpecifierTable;
  readonly user: (name: string) => number | undefined;
  readonly group: (name: string) => number | undefined;
  /** A credential's contents ("^"), undefined when it was not passed. */
  readonly credential: (name: string) => Buffer | undefined;
  /** --prefix/--exclude-prefix: whether lines for this path (before the root) apply. */
  readonly include: (path: string) => boolean;
}

const emptyOrDash = (s: string | undefined): boolean => s === undefined || s === '' || s === '-';

/** The six leading words and the rest of the line, as extract_many_words(EXTRACT_UNQUOTE) leaves it. */
function words(text: string): { fields: string[]; rest: string } | undefined {
  const fields: string[] = [];
  let pos: number | null = 0;
  while (fields.length < 6) {
    const r = extractFirstWord(text, pos, undefined, { unquote: true });
    if (!r.ok) return undefined;
    if (r.value.word === null) {
      pos = null;
      break;
    }
    fields.push(r.value.word);
    pos = r.value.next;
  }
  return { fields, rest: pos === null ? '' : text.slice(pos).replace(/^[ \t\n\r]+/, '') };
}

/** "MAJOR:MINOR", as parse_dev() takes it. */
function parseDevice(text: string): { major: number; minor: number } | undefined {
  const m = /^(\d+):(\d+)$/.exec(text);
  if (!m) return undefined;
  const major = Number(m[1]);
  const minor = Number(m[2]);
  return major < 4096 && minor < 1 << 20 ? { major, minor } : undefined;
}

/** An owner: a number, or a name of the root's passwd/group. */
function owner(text: string, lookup: (name: string) => number | undefined): number | undefined {
  if (/^\d+$/.test(text)) {
    const n = Number(text);
    return n < 0xffffffff ? n : undefined;
  }
  return lookup(text);
}

/** An age: "~" keeps the first level; "abc…:" says which time stamps count (cleaning's business). */
function parseAge(text: string): Item['age'] | undefined {
  let t = text;
  let by = '';
  const colon = /^([aAbBcCmM]+):(.*)$/.exec(t);
  if (colon) {
    by = colon[1]!;
    t = colon[2]!;
  }
  const keepFirstLevel = t.startsWith('~');
  if (keepFirstLevel) t = t.slice(1);
  const r = parseSec(t);
  return r.ok ? { usec: r.value, keepFirstLevel, by } : undefined;
}

interface Modifiers {
  boot: boolean;
  force: boolean;
  allowFailure: boolean;
  tryReplace: boolean;
  base64: boolean;
  credential: boolean;
}

function parseModifiers(text: string): Modifiers | undefined {
  const m: Modifiers = { boot: false, force: false, allowFailure: false, tryReplace: false, base64: false, credential: false };
  const keys: Record<string, keyof Modifiers> = { '!': 'boot', '+': 'force', '-': 'allowFailure', '=': 'tryReplace', '~': 'base64', '^': 'credential' };
  for (const c of text) {
    const k = keys[c];
    if (!k || m[k]) return undefined;
    m[k] = true;
  }
  return m;
}

/** The line as an item, or undefined when it is refused or does not apply (boot-only lines without --boot, an absent credential). */
export function parseLine(text: string, loc: SourceLocation, ctx: ParseContext, report: Report): Item | undefined {
  const at = `${loc.file}:${loc.line}`;
  const bad = (msg: string): undefined => {
    report('err', `${at}: ${msg}`, true);
    return undefined;
  };
  const split = words(text);
  if (!split) return bad('Failed to parse line: Invalid argument');
  const [action = '', rawPath, modeText, userText, groupText, ageText] = split.fields;
  if (rawPath === undefined) return bad('Syntax error.');
  let argument: string | undefined = emptyOrDash(split.rest) ? undefined : split.rest;
  if (action === '') return bad(`Command too short '${action}'.`);
  const mods = parseModifiers(action.slice(1));
  if (!mods) return bad(`Unknown modifiers in command '${action}'.`);
  if (mods.boot && !ctx.boot) {
    report('debug', `Ignoring entry ${action} "${rawPath}" because --boot is not specified.`);
    return undefined;
  }
  const expanded = specifierPrintf(rawPath, ctx.specifiers);
  if (!expanded.ok) {
    if (expanded.error.errno === 'EBADSLT' || expanded.error.errno === 'EINVAL') return bad(`Failed to replace specifiers in '${rawPath}': ${expanded.error.reason}`);
    report('notice', `${at}: Failed to resolve specifier, skipping.`);
    return undefined;
  }
  let path = expanded.value;
  const legacy = /^\/var\/run\/(.+)$/.exec(path);
  if (legacy) {
    const to = `/run/${legacy[1]}`;
    report('debug', `${at}: Line references path below legacy directory /var/run/, updating ${path} → ${to}; please update the tmpfiles.d/ drop-in file accordingly.`);
    path = to;
  }
  const type = action[0]!;
  if (!isLineType(type)) return bad(`Unknown command type '${type}'.`);
  const info = LINE_TYPES[type];

  if (mods.credential && argument !== undefined) {
    const cred = ctx.credential(argument);
    if (cred === undefined) {
      report('debug', `${at}: Credential '${argument}' not passed, skipping.`);
      return undefined;
    }
    argument = cred.toString('utf8');
  } else if (mods.base64 && argument !== undefined) {
    argument = Buffer.from(argument, 'base64').toString('utf8');
  }
  if (info.argument === 'none' && argument !== undefined) {
    report('warning', `${at}: ${type} lines don't take argument fields, ignoring.`);
    argument = undefined;
  }
  if (typeof info.argument === 'object' && argument === undefined) return bad(info.argument.required);
  let device: Item['device'];
  if (type === 'c' || type === 'b') {
    device = parseDevice(argument!);
    if (!device) return bad(`Can't parse device file major/minor '${argument}'.`);
  }
  if (type === 'L' && argument === undefined) argument = join('/usr/share/factory', path);
  if (type === 'C') {
    if (argument === undefined) argument = join('/usr/share/factory', path);
    else if (!pathIsAbsolute(argument)) return bad('Source path is not absolute.');
  }
  if (!pathIsAbsolute(path)) return bad(`Path '${path}' not absolute.`);
  path = pathSimplify(path);
  if (!ctx.include(path)) return undefined;

  // The argument is text the line writes or links to: escapes and specifiers are resolved in it.
  if (argument !== undefined && 'fFwLC'.includes(type) && !mods.credential && !mods.base64) {
    const u = cunescape(argument);
    if (!u.ok) return bad(`Failed to unescape parameter to write: ${argument}`);
    const s = specifierPrintf(u.value, ctx.specifiers);
    if (!s.ok) return bad(`Failed to substitute specifiers in argument: ${s.error.reason}`);
    argument = s.value;
  }
  let xattrs: Item['xattrs'];
  if (type === 't' || type === 'T') {
    const x = parseXattrs(argument!, ctx.specifiers, report);
    if ('error' in x) return bad(`Failed to substitute specifiers in argument: ${x.error}`);
    xattrs = x;
  }
  let acls: Item['acls'];
  if (type === 'a' || type === 'A') {
    // a+ merges into the file's ACL, whose mask is computed after the merge.
    acls = parseAcls(argument!, ctx, !mods.force);
    if (!acls) report('warning', `Failed to parse ACL "${argument}": Invalid argument. Ignoring`);
  }
  let inodeFlags: Item['inodeFlags'];
  if (type === 'h' || type === 'H') {
    const f = parseInodeFlags(argument!, path);
    // systemd says these without the file and line.
    if ('error' in f) {
      report('err', f.error, true);
      return undefined;
    }
    inodeFlags = f;
  }
  if (type === 'C' && ctx.root) argument = join(ctx.root, argument!);
  if (ctx.root) path = join(ctx.root, path);

  const id = (text: string | undefined, lookup: (n: string) => number | undefined, what: string): Setting<number> | null | undefined => {
    if (emptyOrDash(text)) return undefined;
    const onlyCreate = text!.startsWith(':');
    const name = onlyCreate ? text!.slice(1) : text!;
    const n = owner(name, lookup);
    if (n === undefined) {
      bad(`Failed to resolve ${what} '${name}': No such process`);
      return null;
    }
    return { value: n, onlyCreate };
  };
  const uid = id(userText, ctx.user, 'user');
  if (uid === null) return undefined;
  const gid = id(groupText, ctx.group, 'group');
  if (gid === null) return undefined;

  let mode: Item['mode'];
  if (!emptyOrDash(modeText)) {
    let m = modeText!;
    const onlyCreate = m.startsWith(':');
    if (onlyCreate) m = m.slice(1);
    const mask = m.startsWith('~');
    if (mask) m = m.slice(1);
    const r = parseMode(m);
    if (!r.ok) return bad(`Invalid mode '${modeText}'.`);
    mode = { value: r.value, mask, onlyCreate };
  }
  let age: Item['age'];
  if (!emptyOrDash(ageText)) {
    age = parseAge(ageText!);
    if (!age) return bad(`Invalid age '${ageText}'.`);
  }
  return {
    type, path, argument, mode, uid, gid, age, device, xattrs, acls, inodeFlags, loc,
    defaultMode: info.directory ? 0o755 : 0o644,
    boot: mods.boot, force: mods.force, allowFailure: mods.allowFailure, tryReplace: mods.tryReplace,
  };
}
