/**
 * Reading an init script's comments as systemd 252's load_sysv() does: the LSB header (Provides:,
 * Required-Start:, Should-Start:, X-Start-Before:, Description:, …), the older chkconfig lines
 * (description:, pidfile:) and the usage line's "reload". It turns a script's text into what its
 * unit will say; it touches no file, so the generator's walking and writing stays out of it and
 * this can be tested on text alone.
 *
 * Scripts are read as latin1 so every byte comes out as it went in (descriptions may be UTF-8 or not).
 */
import { LONG_LINE_MAX, splitLines } from './syntax.js';
import { unitNameMangleFull } from './escape.js';
import { isValidUnitChar, unitNameBuild, unitNameIsValid, unitNameToType } from './name.js';
import type { LogLevel } from './values/enum.js';
import { WHITESPACE } from '../shared/c-integer.js';

/** LSB facilities ("$" optional) → the systemd target; null: nothing to wait for in systemd. */
const FACILITIES: ReadonlyMap<string, string | null> = new Map([
  ['local_fs', null],
  ['network', 'network-online.target'],
  ['named', 'nss-lookup.target'],
  ['portmap', 'rpcbind.target'],
  ['remote_fs', 'remote-fs.target'],
  ['syslog', null],
  ['time', 'time-sync.target'],
]);

/** read_line()'s limit: a longer line makes the script unreadable. */

/** A message at one of syslog's levels (systemd's log_level names). */
export type Logger = (level: LogLevel, text: string) => void;

/** What a script's comments say, as load_sysv() reads them. */
export interface SysvScriptInfo {
  /** False when the script could not be read to its end (aliases met before that still count). */
  readonly loaded: boolean;
  readonly hasLsb: boolean;
  readonly reload: boolean;
  /** With its "LSB: " / "SYSV: " prefix. */
  readonly description: string | null;
  readonly pidFile: string | null;
  readonly before: readonly string[];
  readonly after: readonly string[];
  readonly wants: readonly string[];
  /** Provides: names that are services: alias links to the script's unit. */
  readonly aliases: readonly string[];
}

const strip = (s: string): string => {
  let a = 0;
  let b = s.length;
  while (a < b && WHITESPACE.includes(s[a]!)) a++;
  while (b > a && WHITESPACE.includes(s[b - 1]!)) b--;
  return s.slice(a, b);
};
const rstrip = (s: string): string => {
  let b = s.length;
  while (b > 0 && WHITESPACE.includes(s[b - 1]!)) b--;
  return s.slice(0, b);
};
const startsNoCase = (s: string, prefix: string): boolean => s.slice(0, prefix.length).toLowerCase() === prefix.toLowerCase();
const emptyToNull = (s: string): string | null => (s === '' ? null : s);
const join1 = (a: string | null, b: string): string => (a ? `${a} ${b}` : b);

/** A latin1-decoded word as the UTF-8 text it most likely is (names are mangled byte-wise from it). */
const asUtf8 = (latin1: string): string => Buffer.from(latin1, 'latin1').toString('utf8');
/** A path (UTF-8 in Node) spelled in the latin1 text the unit file is built in. */
export const asLatin1 = (utf8: string): string => Buffer.from(utf8, 'utf8').toString('latin1');

/** The script's lines as read_line() splits them (syntax.ts), or undefined when one is longer than it reads. */
function scriptLines(text: string): string[] | undefined {
  const lines = splitLines(text);
  return lines.some((l) => l.length > LONG_LINE_MAX) ? undefined : lines;
}

/** sysv_translate_name(): "foo.sh" → foo.service; undefined when no unit name can be made of it. */
export function sysvUnitName(file: string): string | undefined {
  const stem = file.endsWith('.sh') ? file.slice(0, -3) : file;
  const r = unitNameMangleFull(stem);
  return r.ok ? r.value.name : undefined;
}

/**
 * sysvUnitName() for a word of a script's text (latin1-decoded bytes). Bytes that are not UTF-8
 * are escaped one by one (\xe9), as unit_name_mangle() does, rather than as U+FFFD's three bytes.
 */
function sysvUnitNameOfBytes(word: string): string | undefined {
  const bytes = Buffer.from(word, 'latin1');
  const text = bytes.toString('utf8');
  if (Buffer.from(text, 'utf8').equals(bytes) || word.startsWith('/')) return sysvUnitName(text);
  const stem = word.endsWith('.sh') ? word.slice(0, -3) : word;
  let escaped = '';
  for (const b of Buffer.from(stem, 'latin1')) {
    const c = String.fromCharCode(b);
    escaped += b === 0x2f ? '-' : isValidUnitChar(c, true) ? c : `\\x${b.toString(16).padStart(2, '0')}`;
  }
  const name = unitNameIsValid(escaped) ? escaped : `${escaped}.service`;
  return unitNameIsValid(name) ? name : undefined;
}

/** Splits a header value into words: quotes removed, backslash escapes kept literal, unbalanced quotes tolerated. */
function headerWords(text: string): string[] {
  const words: string[] = [];
  let i = 0;
  for (;;) {
    while (i < text.length && WHITESPACE.includes(text[i]!)) i++;
    if (i >= text.length) return words;
    let w = '';
    let quote: string | null = null;
    for (; i < text.length; i++) {
      const c = text[i]!;
      if (c === '\\') {
        if (i + 1 < text.length) w += text[++i];
        continue;
      }
      if (quote !== null) {
        if (c === quote) quote = null;
        else w += c;
        continue;
      }
      if (c === '"' || c === "'") quote = c;
      else if (WHITESPACE.includes(c)) break;
      else w += c;
    }
    words.push(w);
  }
}

/**
 * sysv_translate_facility(): an LSB name → the unit to depend on, null to ignore it. Known
 * facilities map to their targets, other "$" names to NAME.target; a plain name is a service,
 * except the script's own name (without .sh), which is redundant.
 */
function facility(word: string, scriptFile: string, log: Logger, where: string): string | null {
  const n = word.startsWith('$') ? word.slice(1) : word;
  const known = FACILITIES.get(n);
  if (known !== undefined) return known;
  if (word.startsWith('$')) {
    const t = unitNameBuild(n, null, '.target');
    if (t === undefined) log('err', `${where}: no unit name can be made of facility ${word}`);
    return t ?? null;
  }
  const own = scriptFile.endsWith('.sh') ? scriptFile.slice(0, -3) : scriptFile;
  if (asUtf8(n) === own) return null;
  return sysvUnitNameOfBytes(n) ?? null;
}

/** The usage-line heuristic: the script takes "reload" if its usage text lists it between braces or bars. */
function usageOffersReload(line: string): boolean {
  const l = line.toLowerCase();
  return ['{reload|', '{reload}', '{reload"', '|reload|', '|reload}', '|reload"'].some((p) => l.includes(p));
}

type State = 'normal' | 'description' | 'lsb' | 'lsb-description' | 'usage-continuation';

/**
 * Reads a script's LSB header (and the older chkconfig comments) as load_sysv() does. `text` is
 * the script decoded as latin1; `path` names it in messages; `file` is its name in init.d.
 */
export function parseSysvScript(text: string, path: string, file: string, log: Logger = () => {}): SysvScriptInfo {
  const before: string[] = [];
  const after: string[] = [];
  const wants: string[] = [];
  const aliases: string[] = [];
  let hasLsb = false;
  let reload = false;
  let pidFile: string | null = null;
  let short: string | null = null;
  let long: string | null = null;
  let chkconfig: string | null = null;
  let state: State = 'normal';
  const lines = scriptLines(text);
  const done = (loaded: boolean): SysvScriptInfo => {
    const d = short ?? chkconfig ?? long;
    return { loaded, hasLsb, reload, description: d === null ? null : `${hasLsb ? 'LSB' : 'SYSV'}: ${d}`, pidFile, before, after, wants, aliases };
  };
  if (!lines) {
    log('err', `${path}: a line longer than ${LONG_LINE_MAX} bytes, not read`);
    return done(false);
  }

  lines.forEach((raw, index) => {
    const where = `${path}:${index + 1}`;
    const l = rstrip(raw);
    const s = strip(l);
    if (!s.startsWith('#')) {
      if (state === 'usage-continuation' || (state === 'normal' && s.toLowerCase().includes('usage'))) {
        if (usageOffersReload(s)) {
          reload = true;
          state = 'normal';
        } else state = s.endsWith('\\') ? 'usage-continuation' : 'normal';
      }
      return;
    }
    if (state === 'normal' && s === '### BEGIN INIT INFO') {
      state = 'lsb';
      hasLsb = true;
      return;
    }
    if ((state === 'lsb' || state === 'lsb-description') && s === '### END INIT INFO') {
      state = 'normal';
      return;
    }
    let t = s.slice(1).replace(/^[ \t\n\r]+/, '');
    if (state === 'normal') {
      if (startsNoCase(t, 'description:')) {
        // chkconfig style: "# description: text \" continues on the next comment lines.
        if (t.endsWith('\\')) {
          state = 'description';
          t = t.slice(0, -1);
        }
        chkconfig = emptyToNull(strip(t.slice(12)));
      } else if (startsNoCase(t, 'pidfile:')) {
        const fn = strip(t.slice(8));
        if (!fn.startsWith('/')) log('err', `${where}: PID file ${fn} is not an absolute path, ignored`);
        else pidFile = fn;
      }
    } else if (state === 'description') {
      if (t.endsWith('\\')) t = t.slice(0, -1);
      else state = 'normal';
      const j = strip(t);
      if (j) chkconfig = join1(chkconfig, j);
    } else if (state === 'lsb' || state === 'lsb-description') {
      if (startsNoCase(t, 'Provides:')) {
        state = 'lsb';
        for (const w of headerWords(t.slice(9))) {
          const m = facility(w, file, log, where);
          if (m === null) continue;
          const type = unitNameToType(m);
          if (type === 'service') aliases.push(m);
          else if (type === 'target') {
            // A target a service provides is pulled in by it (never the reverse).
            before.push(m);
            wants.push(m);
            if (m === 'network-online.target') {
              before.push('network.target');
              wants.push('network.target');
            }
          } else log('warning', `${where}: Provides: ${m} is neither a service nor a target, ignored`);
        }
      } else if (['Required-Start:', 'Should-Start:', 'X-Start-Before:', 'X-Start-After:'].some((k) => startsNoCase(t, k))) {
        state = 'lsb';
        const isBefore = startsNoCase(t, 'X-Start-Before:');
        for (const w of headerWords(t.slice(t.indexOf(':') + 1))) {
          const m = facility(w, file, log, where);
          if (m === null) continue;
          // network-online.target is passive: whoever orders after it must also pull it in.
          if (m === 'network-online.target' && !isBefore) {
            after.push(m);
            wants.push(m);
          } else (isBefore ? before : after).push(m);
        }
      } else if (startsNoCase(t, 'Description:')) {
        state = 'lsb-description';
        long = emptyToNull(strip(t.slice(12)));
      } else if (startsNoCase(t, 'Short-Description:')) {
        state = 'lsb';
        short = emptyToNull(strip(t.slice(18)));
      } else if (state === 'lsb-description') {
        // Description: continues on lines indented by a tab or two spaces after the '#'.
        if (l.startsWith('#\t') || l.startsWith('#  ')) {
          const j = strip(t);
          if (j) long = join1(long, j);
        } else state = 'lsb';
      }
    }
  });
  return done(true);
}
