/**
 * svcd's SysV generator: what systemd 252's systemd-sysv-generator writes, for images without
 * systemd. Each executable script in /etc/init.d ($SYSTEMD_SYSVINIT_PATH) whose name has no native
 * unit in the search path ($SYSTEMD_UNIT_PATH) becomes NAME.service in the generator's late
 * directory: a Type=forking wrapper calling `SCRIPT start` / `SCRIPT stop` (and `reload` when its
 * usage line offers it), ordered by its LSB header, with Provides: names as alias links, and
 * wanted by multi-user.target / graphical.target / rescue.target where an /etc/rcN.d/S## link
 * enables it (rcS.d and the shutdown levels are not read, as in 252).
 *
 * The output is systemd's byte for byte (test/unit/sysv-generator-differential.test.ts checks it
 * against the real generator), with one deliberate difference: where systemd's result depends on
 * its hash table's random order or on readdir() order (two scripts providing one alias; foo beside
 * foo.sh; the order of the ordering lines that S## priorities add between scripts without LSB
 * header), svcd takes name order.
 *
 * Scripts are read as latin1 so every byte comes out as it went in (descriptions may be UTF-8 or not).
 */
import { lstatSync, mkdirSync, readFileSync, readdirSync, readlinkSync, realpathSync, statSync, symlinkSync, unlinkSync, writeFileSync, type Stats } from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { unitNameMangleFull } from './escape.js';
import { isValidUnitChar, parseUnitName, templateOf, unitNameBuild, unitNameIsValid, unitNameReplaceInstance, unitNameToType } from './name.js';
import { chase, isValidAlias } from './unit-file-map.js';
import { parseLogLevel, type LogLevel } from './values/enum.js';
import { hiddenOrBackupFile } from '../shared/hidden-file.js';
import { GENERATOR_UNIT_DIRS, SYSTEM_UNIT_PATH, UNIT_DIRS } from '../shared/lookup-paths.js';

const SYSTEM_SYSVINIT_PATH = '/etc/init.d';
const SYSTEM_SYSVRCND_PATH = '/etc';

/**
 * The unit search path of the native-unit check: systemd 252's system path without the generator
 * directories (a generated unit must not hide a script), the control, transient and attached
 * directories included.
 */
export const SYSV_LOOKUP_PATH: readonly string[] = SYSTEM_UNIT_PATH.filter((d) => !GENERATOR_UNIT_DIRS.includes(d));
/** Symlinks here are configuration, never followed when asking whether a unit exists. */
const CONFIG_DIRS = [UNIT_DIRS.persistentConfig, UNIT_DIRS.runtimeConfig];

/** Start links in these directories make the script wanted by (and ordered before) the target. */
const RCND: readonly (readonly [dir: string, target: string])[] = [
  ['rc1.d', 'rescue.target'],
  ['rc2.d', 'multi-user.target'],
  ['rc3.d', 'multi-user.target'],
  ['rc4.d', 'multi-user.target'],
  ['rc5.d', 'graphical.target'],
];

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

const WS = ' \t\n\r';
/** read_line()'s limit: a longer line makes the script unreadable. */
const LONG_LINE_MAX = 1 << 20;

/** A message at one of syslog's levels (systemd's log_level names). */
type Logger = (level: LogLevel, text: string) => void;

/** What a script's comments say, as load_sysv() reads them. */
interface SysvScriptInfo {
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
  while (a < b && WS.includes(s[a]!)) a++;
  while (b > a && WS.includes(s[b - 1]!)) b--;
  return s.slice(a, b);
};
const rstrip = (s: string): string => {
  let b = s.length;
  while (b > 0 && WS.includes(s[b - 1]!)) b--;
  return s.slice(0, b);
};
const startsNoCase = (s: string, prefix: string): boolean => s.slice(0, prefix.length).toLowerCase() === prefix.toLowerCase();
const emptyToNull = (s: string): string | null => (s === '' ? null : s);
const join1 = (a: string | null, b: string): string => (a ? `${a} ${b}` : b);

/** A latin1-decoded word as the UTF-8 text it most likely is (names are mangled byte-wise from it). */
const asUtf8 = (latin1: string): string => Buffer.from(latin1, 'latin1').toString('utf8');
/** A path (UTF-8 in Node) spelled in the latin1 text the unit file is built in. */
const asLatin1 = (utf8: string): string => Buffer.from(utf8, 'utf8').toString('latin1');

/**
 * Lines as systemd's read_line() cuts them: \n, \r, \r\n, \n\r and NUL end a line (a run of end
 * markers ends one line as long as no marker repeats; nothing follows a NUL in the same ending).
 */
function splitLines(text: string): string[] | undefined {
  const lines: string[] = [];
  let start = 0;
  let i = 0;
  const isEol = (c: string | undefined) => c === '\n' || c === '\r' || c === '\0';
  while (i < text.length) {
    if (!isEol(text[i])) {
      i++;
      continue;
    }
    if (i - start > LONG_LINE_MAX) return undefined;
    lines.push(text.slice(start, i));
    const seen = new Set<string>();
    while (i < text.length && isEol(text[i]) && !seen.has(text[i]!) && !seen.has('\0')) seen.add(text[i++]!);
    start = i;
  }
  if (start < text.length) {
    if (text.length - start > LONG_LINE_MAX) return undefined;
    lines.push(text.slice(start));
  }
  return lines;
}

/** sysv_translate_name(): "foo.sh" → foo.service; undefined when no unit name can be made of it. */
function sysvUnitName(file: string): string | undefined {
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
    while (i < text.length && WS.includes(text[i]!)) i++;
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
      else if (WS.includes(c)) break;
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
function parseSysvScript(text: string, path: string, file: string, log: Logger = () => {}): SysvScriptInfo {
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
  const lines = splitLines(text);
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

// --- the native-unit check ------------------------------------------------------------------

/** A path's entry, or the errno that lstat() gave. */
function lstatOrErrno(path: string): Stats | string {
  try {
    return lstatSync(path);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code ?? 'EIO';
  }
}

/**
 * Whether `name` has a unit file that is not generated, as unit_file_exists() decides: true also
 * when that cannot be told (a masked name, a symlink in /etc/systemd/system, an alias to nothing),
 * because only a plain "not found" lets systemd wrap the script.
 */
export function nativeUnitExists(name: string, searchPath: readonly string[], root = ''): boolean {
  const configDirs = CONFIG_DIRS.map((d) => join(root || '/', d));
  const prefixes = searchPath.map((d) => d.replace(/\/*$/, '/'));
  const inSearchPath = (p: string) => prefixes.some((d) => p.startsWith(d));
  const parts = parseUnitName(name);
  if (!parts) return true;
  if (parts.instance !== null && !['service', 'socket', 'target', 'timer', 'path'].includes(parts.type)) return true;

  /** unit_file_search(): the first directory with an entry for the name, then for its template. */
  const search = (n: string): string | undefined => {
    const candidates = [n];
    const t = templateOf(n);
    if (t && t !== n) candidates.push(t);
    for (const c of candidates) {
      for (const dir of searchPath) {
        const st = lstatOrErrno(join(dir, c));
        if (typeof st !== 'string') return join(dir, c);
        if (!['ENOENT', 'ENOTDIR', 'EACCES'].includes(st)) return join(dir, c);
      }
    }
    return undefined;
  };

  /** The entry at `path`, reached for `n`; false only where systemd's traversal ends in ENOENT. */
  const follow = (path: string, n: string, hops: number): boolean => {
    const st = lstatOrErrno(path);
    if (typeof st === 'string') return st !== 'ENOENT';
    if (!st.isSymbolicLink()) return true;
    if (hops > 64) return true;
    let link: string;
    try {
      link = readlinkSync(path);
    } catch {
      return true;
    }
    const target = chase(isAbsolute(link) ? join(root || '/', link) : join(dirname(path), link), root, false);
    if (target === undefined) return true;
    const alias = inSearchPath(target);
    if (alias && !isValidAlias(basename(path), basename(target))) return true;
    try {
      const t = statSync(target);
      if ((t.isFile() && t.size === 0) || t.isCharacterDevice() || t.isBlockDevice()) return true; // masked
    } catch {
      // a missing target is looked at below
    }
    if (configDirs.includes(dirname(path))) return true;
    let bn = basename(target);
    if (!alias || bn === n) return follow(target, n, hops + 1);
    const src = parseUnitName(n);
    const dst = parseUnitName(bn);
    if (src && dst && src.instance && dst.instance === '') {
      const filled = unitNameReplaceInstance(bn, src.instance);
      if (filled === n) return follow(target, n, hops + 1);
      if (filled) bn = filled;
    }
    const next = search(bn);
    return next === undefined ? true : follow(next, bn, hops + 1);
  };

  const found = search(name);
  return found !== undefined && follow(found, name, 0);
}

// --- the generator --------------------------------------------------------------------------

/** A colon-separated path from the environment, made absolute, symlinks resolved; `def` when unset or empty. */
function resolvedSearchPath(value: string | undefined, def: string, cwd: string): string[] {
  const given = (value ?? '').split(':').filter((c) => c !== '').map((c) => resolve(cwd, c));
  const dirs = given.length > 0 ? given : [def];
  const out: string[] = [];
  for (const d of dirs) {
    try {
      out.push(realpathSync(d));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') out.push(d);
    }
  }
  return [...new Set(out)];
}

/** $SYSTEMD_UNIT_PATH as lookup_paths_init() reads it: replaces the default, which a trailing ':' appends. */
function sysvLookupPath(value: string | undefined, cwd = process.cwd()): string[] {
  if (value === undefined) return [...SYSV_LOOKUP_PATH];
  const append = value.endsWith(':');
  const dirs = value.split(':').filter((c) => c !== '').map((c) => (isAbsolute(c) ? c : join(cwd, c)));
  return [...new Set(append ? [...dirs, ...SYSV_LOOKUP_PATH] : dirs)];
}

function listDir(dir: string, log: Logger): string[] {
  try {
    // Byte order, so that the result does not depend on the filesystem's directory order.
    return readdirSync(dir).filter((n) => !hiddenOrBackupFile(n)).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') log('warning', `cannot read ${dir}: ${(e as Error).message}`);
    return [];
  }
}

interface Stub {
  readonly name: string;
  readonly path: string;
  priority: number;
  readonly before: string[];
  readonly wantedBy: string[];
  info?: SysvScriptInfo;
}

interface SysvGeneratorOptions {
  /** Where the units go: the late generator directory (below every unit file, so native units win). */
  readonly dest: string;
  /** $SYSTEMD_SYSVINIT_PATH, $SYSTEMD_SYSVRCND_PATH, $SYSTEMD_UNIT_PATH. */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd?: string;
  readonly log?: Logger;
}

/** The unit file systemd writes for a script. */
function sysvUnitText(stub: { path: string; before: readonly string[]; after: readonly string[]; info: SysvScriptInfo }): string {
  const esc = (s: string) => s.replaceAll('%', '%%');
  const path = esc(asLatin1(stub.path));
  const { info } = stub;
  let out = `# Automatically generated by systemd-sysv-generator\n\n[Unit]\nDocumentation=man:systemd-sysv-generator(8)\nSourcePath=${path}\n`;
  if (info.description !== null) out += `Description=${esc(info.description)}\n`;
  for (const b of stub.before) out += `Before=${b}\n`;
  for (const a of stub.after) out += `After=${a}\n`;
  for (const w of info.wants) out += `Wants=${w}\n`;
  out += '\n[Service]\nType=forking\nRestart=no\nTimeoutSec=5min\nIgnoreSIGPIPE=no\nKillMode=process\nGuessMainPID=no\n';
  out += `RemainAfterExit=${info.pidFile === null ? 'yes' : 'no'}\n`;
  if (info.pidFile !== null) out += `PIDFile=${esc(info.pidFile)}\n`;
  // LSB's "not installed" and "not configured" are not failures.
  if (info.hasLsb) out += 'SuccessExitStatus=5 6\n';
  out += `ExecStart=${path} start\nExecStop=${path} stop\n`;
  if (info.reload) out += `ExecReload=${path} reload\n`;
  return out;
}

/**
 * Runs the generator into `dest`. Returns the exit status: 1 when a script or rc link has a name
 * no unit name can be made of (systemd gives up on the whole run then, writing nothing), else 0.
 */
export function runSysvGenerator(opts: SysvGeneratorOptions): number {
  const log = opts.log ?? (() => {});
  const cwd = opts.cwd ?? process.cwd();
  const lookup = sysvLookupPath(opts.env.SYSTEMD_UNIT_PATH, cwd);
  const stubs = new Map<string, Stub>();

  for (const dir of resolvedSearchPath(opts.env.SYSTEMD_SYSVINIT_PATH, SYSTEM_SYSVINIT_PATH, cwd)) {
    for (const file of listDir(dir, log)) {
      let st;
      try {
        st = statSync(join(dir, file));
      } catch (e) {
        log('warning', `cannot stat ${join(dir, file)}, ignored: ${(e as Error).message}`);
        continue;
      }
      if (!(st.mode & 0o100) || !st.isFile()) continue;
      const name = sysvUnitName(file);
      if (name === undefined) {
        log('err', `no unit name can be made of ${join(dir, file)}; giving up`);
        return 1;
      }
      if (stubs.has(name)) continue;
      if (nativeUnitExists(name, lookup)) {
        log('debug', `${name} has a unit file: ${join(dir, file)} not wrapped`);
        continue;
      }
      log('warning', `${join(dir, file)} has no unit file: wrapping it in ${name} (a native unit would be safer)`);
      stubs.set(name, { name, path: join(dir, file), priority: -1, before: [], wantedBy: [] });
    }
  }

  const levels: Set<Stub>[] = RCND.map(() => new Set());
  for (const base of resolvedSearchPath(opts.env.SYSTEMD_SYSVRCND_PATH, SYSTEM_SYSVRCND_PATH, cwd)) {
    for (const [i, [rc]] of RCND.entries()) {
      for (const link of listDir(join(base, rc), log)) {
        if (link[0] !== 'S' || link.length < 4 || !/^[0-9]{2}$/.test(link.slice(1, 3))) continue;
        const name = sysvUnitName(link.slice(3));
        if (name === undefined) {
          log('err', `no unit name can be made of ${join(base, rc, link)}; giving up`);
          return 1;
        }
        const stub = stubs.get(name);
        if (!stub) continue;
        stub.priority = Math.max(stub.priority, Number(link.slice(1, 3)));
        levels[i]!.add(stub);
      }
    }
  }
  RCND.forEach(([, target], i) => {
    for (const stub of levels[i]!) {
      stub.before.push(target);
      stub.wantedBy.push(target);
    }
  });

  const ordered = [...stubs.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  mkdirSync(opts.dest, { recursive: true, mode: 0o755 });
  for (const stub of ordered) {
    let text: string;
    try {
      text = readFileSync(stub.path, 'latin1');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') log('err', `cannot read ${stub.path}: ${(e as Error).message}`);
      continue;
    }
    stub.info = parseSysvScript(text, stub.path, basename(stub.path), log);
    stub.before.push(...stub.info.before);
    for (const alias of stub.info.aliases) {
      try {
        symlinkSync(stub.name, join(opts.dest, alias));
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') log('warning', `${stub.path}: alias ${alias} not made: ${(e as Error).message}`);
      }
    }
  }

  for (const stub of ordered) {
    const info = stub.info;
    if (!info?.loaded) continue;
    const after = [...info.after];
    // Start priorities order scripts only where one of the two lacks an LSB header.
    if (stub.priority >= 0) {
      for (const other of ordered) {
        if (other === stub || !other.info?.loaded || other.priority < 0 || (info.hasLsb && other.info.hasLsb)) continue;
        if (other.priority < stub.priority) after.push(other.name);
        else if (other.priority > stub.priority) stub.before.push(other.name);
      }
    }
    const unit = join(opts.dest, stub.name);
    // A Provides: alias of another script may have taken the name: the real script wins.
    const prev = lstatOrErrno(unit);
    if (typeof prev !== 'string' && prev.isSymbolicLink()) {
      log('warning', `${unit}: the alias link gives way to the script of that name`);
      unlinkSync(unit);
    }
    try {
      writeFileSync(unit, Buffer.from(sysvUnitText({ path: stub.path, before: stub.before, after, info }), 'latin1'), { flag: 'wx', mode: 0o644 });
    } catch (e) {
      log('err', `cannot write ${unit}: ${(e as Error).message}`);
      continue;
    }
    for (const target of stub.wantedBy) {
      const dir = join(opts.dest, `${target}.wants`);
      mkdirSync(dir, { recursive: true, mode: 0o755 });
      try {
        symlinkSync(`../${stub.name}`, join(dir, stub.name));
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') log('err', `cannot link ${join(dir, stub.name)}: ${(e as Error).message}`);
      }
    }
  }
  return 0;
}

/**
 * The program: `systemd-sysv-generator [NORMAL EARLY LATE]` (no arguments: /tmp, as systemd's
 * generators do). Messages go to stderr up to $SYSTEMD_LOG_LEVEL (warning by default).
 */
export function sysvGeneratorMain(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): number {
  if (argv.length !== 0 && argv.length !== 3) {
    process.stderr.write('systemd-sysv-generator (svcd): takes zero or three arguments\n');
    return 1;
  }
  process.umask(0o022);
  // $SYSTEMD_LOG_LEVEL as systemd reads it (a name or 0-7); anything else: the default, warning.
  const wanted = parseLogLevel(env.SYSTEMD_LOG_LEVEL ?? 'warning');
  const max = parseLogLevel.values.indexOf(wanted.ok ? wanted.value : 'warning');
  const log: Logger = (level, text) => {
    if (parseLogLevel.values.indexOf(level) <= max) process.stderr.write(`systemd-sysv-generator (svcd): ${text}\n`);
  };
  try {
    return runSysvGenerator({ dest: argv[2] ?? '/tmp', env, log });
  } catch (e) {
    log('err', (e as Error).message);
    return 1;
  }
}
