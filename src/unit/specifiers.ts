/**
 * Specifier expansion ("%n", "%i", …) as systemd.unit(5) "SPECIFIERS" defines it for the system
 * manager, checked against systemd 252 (`systemd-analyze condition` for unit files, `systemctl
 * --root enable` for [Install]). Three flavours, as systemd has three tables:
 *   'unit'    unit_full_printf(): everything, for settings in unit files (Exec*=, paths, …);
 *   'name'    unit_name_printf(): the subset safe inside unit names (dependency settings);
 *   'install' install_name_printf(): the same subset for [Install], where a template's
 *             DefaultInstance= stands in for the missing instance.
 * The rules of the expansion itself: "%%" is "%"; a "%" before a letter or digit that the flavour
 * does not know is an error (EBADSLT, "Invalid slot"); before anything else, and at the very end,
 * the "%" stays as written; a resolver's error fails the whole string.
 *
 * Expansion is a pure function over explicit contexts, so tests pass fixed ones; systemContext()
 * reads the real machine, each fact only when first asked for.
 */
import { sliceRelativePath } from '../shared/slice.js';
import { readFileSync, realpathSync, statSync } from 'node:fs';
import { hostname as osHostname, machine, release, userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import type { Result } from '../shared/result.js';
import { err, ok } from '../shared/result.js';
import { strerrorOf } from '../shared/strerror.js';
import { UNIT_NAME_MAX, UNIT_NAME_TEMPLATE, unitNameIsValid, unitNameReplaceInstance, unitNameToInstance, unitNameToPrefix, unitNameToPrefixAndInstance } from './name.js';
import { pathIsAbsolute, pathIsNormalized, pathIsValid, pathSimplify, unitNamePathUnescapeBytes, unitNameToPath, unitNameUnescapeBytes } from './escape.js';
import { LONG_LINE_MAX } from './syntax.js';

export type SpecifierErrno = 'EBADSLT' | 'EINVAL' | 'ENOENT' | 'ENOMEDIUM' | 'ENAMETOOLONG';

export interface SpecifierError {
  /** The specifier character that failed ('' when the result grew too long). */
  readonly specifier: string;
  readonly errno: SpecifierErrno;
  /** strerror() of errno, the words systemd prints after its message. */
  readonly reason: string;
}

/** The directories the system manager hands out (%t %S %C %L %E); systemd's fixed ones by default. */
export interface ManagerDirs {
  readonly runtime: string;
  readonly state: string;
  readonly cache: string;
  readonly logs: string;
  readonly config: string;
}
export const SYSTEM_DIRS: ManagerDirs = { runtime: '/run', state: '/var/lib', cache: '/var/cache', logs: '/var/log', config: '/etc' };

/** What expansion needs to know about the machine and the manager (the system manager: root). */
export interface SystemContext {
  /** systemd's architecture name (x86-64, arm64, …). */
  readonly architecture: string;
  /** 32 lowercase hex digits; undefined when the kernel offers none (then %b fails). */
  readonly bootId?: string;
  /** 32 lowercase hex digits; undefined when /etc/machine-id is missing (%m fails: ENOENT), '' when empty (ENOMEDIUM). */
  readonly machineId?: string;
  readonly hostname: string;
  /** PRETTY_HOSTNAME= of /etc/machine-info; undefined means unset, and %q gives the short host name. */
  readonly prettyHostname?: string;
  readonly kernelRelease: string;
  /** /etc/os-release (or /usr/lib/os-release) fields; undefined when neither exists (%o etc. fail). */
  readonly osRelease?: Readonly<Record<string, string>>;
  /** The manager's user; for the system manager %u/%U/%g/%G are root/0 whatever it runs as. */
  readonly user: { readonly name: string; readonly uid: number; readonly group: string; readonly gid: number; readonly home: string; readonly shell: string };
  readonly tmpDir: string;
  readonly varTmpDir: string;
  /** Defaults to SYSTEM_DIRS. */
  readonly dirs?: ManagerDirs;
  /** Where the manager's cgroup tree starts (%R); '' on a host. */
  readonly cgroupRoot?: string;
  /** Resolves symlinks for %y/%Y (systemd gives the real path of the fragment); identity if absent. */
  readonly realPath?: (path: string) => string | undefined;
}

export interface UnitContext {
  /** The unit's name (its id): "getty@tty1.service". */
  readonly name: string;
  /** The file the unit was loaded from (%y); %y and %Y fail without one. */
  readonly fragmentPath?: string;
  /** [Install] of a template: DefaultInstance=, used by %i %n %N in the 'install' flavour. */
  readonly defaultInstance?: string;
  /** The unit's slice, for the deprecated %c and %r. */
  readonly slice?: string;
}

export type Flavour = 'unit' | 'name' | 'install';

export interface Expanded {
  readonly value: string;
  /** What systemd would log while expanding (the deprecated %c %r %R). */
  readonly warnings: readonly string[];
}

// unit_full_printf() allows about a line's worth; name-like settings at most a unit name's length
// (systemd's UNIT_NAME_MAX, which counts one more byte than the longest valid name).
const NAME_PRINTF_MAX = UNIT_NAME_MAX + 1;

type Lookup = () => Result<string, SpecifierErrno>;
type Table = Record<string, Lookup>;

const value = (s: string): Result<string, SpecifierErrno> => ok(s);
const bytesToString = (r: Result<Buffer, 'EINVAL'>): Result<string, SpecifierErrno> => (r.ok ? ok(r.value.toString('utf8')) : err(r.error));

function lastComponent(prefix: string): string {
  const dash = prefix.lastIndexOf('-');
  return dash < 0 ? prefix : prefix.slice(dash + 1);
}

/** The cgroup path of a slice: "a-b.slice" lives at "/a.slice/a-b.slice"; "-.slice" is the root. */
function slicePath(slice: string): string {
  if (!slice.endsWith('.slice')) return '';
  const rel = sliceRelativePath(slice);
  return rel === '' ? '' : `/${rel}`;
}

function systemTable(sys: SystemContext): Table {
  const os = (field: string): Lookup => () => (sys.osRelease ? value(sys.osRelease[field] ?? '') : err('ENOENT'));
  const short = (): string => sys.hostname.split('.')[0] ?? '';
  return {
    a: () => value(sys.architecture),
    A: os('IMAGE_VERSION'),
    b: () => (sys.bootId ? value(sys.bootId) : err('ENOENT')),
    B: os('BUILD_ID'),
    H: () => value(sys.hostname),
    l: () => value(short()),
    q: () => value(sys.prettyHostname ?? short()),
    m: () => (sys.machineId === undefined ? err('ENOENT') : sys.machineId === '' ? err('ENOMEDIUM') : value(sys.machineId)),
    M: os('IMAGE_ID'),
    o: os('ID'),
    v: () => value(sys.kernelRelease),
    w: os('VERSION_ID'),
    W: os('VARIANT_ID'),
    // The system manager's credentials, whatever user it runs as.
    g: () => value(sys.user.group),
    G: () => value(String(sys.user.gid)),
    u: () => value(sys.user.name),
    U: () => value(String(sys.user.uid)),
  };
}

function nameTable(unit: UnitContext): Table {
  const prefix = (): Result<string, SpecifierErrno> => {
    const p = unitNameToPrefix(unit.name);
    return p === undefined ? err('EINVAL') : ok(p);
  };
  return {
    i: () => value(unitNameToInstance(unit.name) ?? ''),
    j: () => {
      const p = prefix();
      return p.ok ? ok(lastComponent(p.value)) : p;
    },
    n: () => value(unit.name),
    N: () => {
      const s = unitNameToPrefixAndInstance(unit.name);
      return s === undefined ? err('EINVAL') : ok(s);
    },
    p: prefix,
  };
}

/** install-printf's view of a template: DefaultInstance= fills in the missing instance. */
function installTable(unit: UnitContext): Table {
  const base = nameTable(unit);
  const def = unit.defaultInstance;
  return {
    ...base,
    i: () => value(unitNameToInstance(unit.name) || (def ?? '')),
    n: () => {
      if (def && unitNameIsValid(unit.name, UNIT_NAME_TEMPLATE)) {
        const r = unitNameReplaceInstance(unit.name, def);
        return r === undefined ? err('EINVAL') : ok(r);
      }
      return value(unit.name);
    },
    N: () => {
      const s = unitNameToPrefixAndInstance(unit.name);
      if (s === undefined) return err('EINVAL');
      return ok(s.endsWith('@') && def ? s + def : s);
    },
  };
}

function unitTable(unit: UnitContext, sys: SystemContext, warn: (c: string) => void): Table {
  const names = nameTable(unit);
  const dirs = sys.dirs ?? SYSTEM_DIRS;
  const instance = unitNameToInstance(unit.name);
  const realFragment = (): Result<string, SpecifierErrno> => {
    if (!unit.fragmentPath) return err('ENOENT');
    const real = sys.realPath ? sys.realPath(unit.fragmentPath) : unit.fragmentPath;
    return real === undefined ? err('ENOENT') : ok(real);
  };
  const cgroupRoot = sys.cgroupRoot ?? '';
  const sliceCgroup = unit.slice ? slicePath(unit.slice) : '';
  const deprecated = (c: string, v: string): Lookup => () => {
    warn(c);
    return value(v);
  };
  return {
    ...systemTable(sys),
    ...names,
    I: () => bytesToString(unitNameUnescapeBytes(instance ?? '')),
    J: () => {
      const j = names.j!();
      return j.ok ? bytesToString(unitNameUnescapeBytes(j.value)) : j;
    },
    P: () => {
      const p = names.p!();
      return p.ok ? bytesToString(unitNameUnescapeBytes(p.value)) : p;
    },
    f: () => (instance !== null && instance !== undefined ? bytesToString(unitNamePathUnescapeBytes(instance)) : unitNameToPath(unit.name)),
    y: realFragment,
    Y: () => {
      const r = realFragment();
      return r.ok ? ok(dirname(r.value)) : r;
    },
    c: deprecated('c', `${cgroupRoot}${sliceCgroup}/${unit.name}`),
    r: deprecated('r', `${cgroupRoot}${sliceCgroup}`),
    R: deprecated('R', cgroupRoot),
    C: () => value(dirs.cache),
    E: () => value(dirs.config),
    L: () => value(dirs.logs),
    S: () => value(dirs.state),
    t: () => value(dirs.runtime),
    h: () => value(sys.user.home),
    s: () => value(sys.user.shell),
    d: () => value(`${dirs.runtime}/credentials/${unit.name}`),
    T: () => value(sys.tmpDir),
    V: () => value(sys.varTmpDir),
  };
}

/** What a text without '%' is expanded with: it looks nothing up. */
const NO_SPECIFIERS: Table = Object.freeze({});

/** Expands every specifier of `flavour` in `text`, with systemd's warnings. */
export function resolveSpecifiers(text: string, unit: UnitContext, sys: SystemContext, flavour: Flavour = 'unit'): Result<Expanded, SpecifierError> {
  const warnings: string[] = [];
  const warn = (c: string): void => {
    warnings.push(`${unit.name}: Specifier '%${c}' used in unit configuration, which is deprecated. Please update your unit file, as it does not work as intended.`);
  };
  // Most strings hold no specifier (every argument of every command is expanded at each start):
  // the table, some forty lookups made afresh, is built only for one that may.
  const table: Table = !text.includes('%') ? NO_SPECIFIERS : flavour === 'unit' ? unitTable(unit, sys, warn) : { ...systemTable(sys), ...(flavour === 'install' ? installTable(unit) : nameTable(unit)) };
  const max = flavour === 'unit' ? LONG_LINE_MAX : NAME_PRINTF_MAX;
  const r = specifierPrintf(text, table, max);
  return r.ok ? ok({ value: r.value, warnings }) : r;
}

/** A table of specifiers: letter → resolver. */
export type SpecifierTable = Readonly<Record<string, () => Result<string, SpecifierErrno>>>;

/** specifier_printf(): `text` with every specifier of `table` expanded, by the rules above. */
export function specifierPrintf(text: string, table: SpecifierTable, max: number = LONG_LINE_MAX): Result<string, SpecifierError> {
  const fail = (specifier: string, errno: SpecifierErrno): Result<string, SpecifierError> => err({ specifier, errno, reason: strerrorOf(errno) });
  let out = '';
  let length = 0;
  const append = (s: string): void => {
    out += s;
    length += Buffer.byteLength(s);
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch !== '%') append(ch);
    else if (i + 1 === text.length) append('%');
    else {
      const c = text[++i]!;
      const lookup = Object.hasOwn(table, c) ? table[c] : undefined;
      if (c === '%') append('%');
      else if (lookup) {
        const r = lookup();
        if (!r.ok) return fail(c, r.error);
        append(r.value);
      } else if (/^[A-Za-z0-9]$/.test(c)) return fail(c, 'EBADSLT');
      else append(`%${c}`);
    }
    if (length > max) return fail('', 'ENAMETOOLONG');
  }
  return ok(out);
}

/**
 * systemd-tmpfiles' specifiers (tmpfiles.d(5)): the machine's (%a %b %B %H %l %m %o %v %w %W), the
 * user's (%h %u %U %g %G), the temporary directories (%T %V) and the system directories %t %S %C
 * %L — which systemd 252 gives below `root` under --root (so a path holding one gets the root twice).
 */
export function tmpfilesSpecifiers(sys: SystemContext, root: string | undefined): SpecifierTable {
  const all = systemTable(sys);
  const pick = (c: string) => all[c]!;
  const dirs = sys.dirs ?? SYSTEM_DIRS;
  const below = (d: string) => () => value(root ? join(root, d) : d);
  return {
    a: pick('a'), b: pick('b'), B: pick('B'), H: pick('H'), l: pick('l'), m: pick('m'), o: pick('o'), v: pick('v'), w: pick('w'), W: pick('W'),
    g: pick('g'), G: pick('G'), u: pick('u'), U: pick('U'),
    h: () => value(sys.user.home),
    C: below(dirs.cache), L: below(dirs.logs), S: below(dirs.state), t: below(dirs.runtime),
    T: () => value(sys.tmpDir), V: () => value(sys.varTmpDir),
  };
}

/**
 * resolveSpecifiers() for callers that want text: the error is systemd's message without the
 * context it adds (", ignoring" and the file:line), e.g. "Failed to resolve unit specifiers in
 * /x%Z: Invalid slot (%Z)".
 */
export function expandSpecifiers(text: string, unit: UnitContext, sys: SystemContext, flavour: Flavour = 'unit'): Result<string, string> {
  const r = resolveSpecifiers(text, unit, sys, flavour);
  if (r.ok) return ok(r.value.value);
  const which = r.error.specifier ? ` (%${r.error.specifier})` : '';
  return err(`Failed to resolve ${flavour === 'install' ? '' : 'unit '}specifiers in ${text}: ${r.error.reason}${which}`);
}

// --- the real machine ------------------------------------------------------------------------

function readOr(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** An env-style file (os-release, machine-info): KEY=value, values optionally quoted. */
export function parseEnvFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (!m) continue;
    let v = m[2]!.trim();
    const q = v[0];
    if ((q === '"' || q === "'") && v.endsWith(q) && v.length >= 2) {
      v = v.slice(1, -1);
      if (q === '"') v = v.replace(/\\(["\\`$])/g, '$1');
    }
    out[m[1]!] = v;
  }
  return out;
}

/** systemd's architecture names for uname's machine field (architecture.c), little-endian hosts. */
const ARCH: Record<string, string> = {
  x86_64: 'x86-64', i386: 'x86', i486: 'x86', i586: 'x86', i686: 'x86', aarch64: 'arm64', aarch64_be: 'arm64-be',
  ppc64le: 'ppc64-le', ppc64: 'ppc64', ppc: 'ppc', ppcle: 'ppc-le', s390x: 's390x', s390: 's390', riscv64: 'riscv64', riscv32: 'riscv32',
  loongarch64: 'loongarch64', mips: 'mips-le', mips64: 'mips64-le', parisc: 'parisc', parisc64: 'parisc64', sparc: 'sparc', sparc64: 'sparc64',
  alpha: 'alpha', ia64: 'ia64', m68k: 'm68k', sh: 'sh', sh4: 'sh', sh64: 'sh64', arc: 'arc', tilegx: 'tilegx', cris: 'cris', nios2: 'nios2',
};

export function architectureFromMachine(m: string): string {
  if (ARCH[m]) return ARCH[m];
  if (/^armv?\d.*b$/.test(m)) return 'arm-be';
  if (/^arm/.test(m)) return 'arm';
  return m;
}

/** sd_id128 text: 32 hex digits, dashes (as boot_id has them) dropped. */
function id128(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  const t = text.trim().replace(/-/g, '').toLowerCase();
  if (t === '' || t === 'uninitialized') return '';
  return /^[0-9a-f]{32}$/.test(t) ? t : '';
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** tmp_dir()/var_tmp_dir(): the first usable $TMPDIR, $TEMP, $TMP, else the default. */
function tmpDirFrom(env: Readonly<Record<string, string | undefined>>, fallback: string): string {
  for (const n of ['TMPDIR', 'TEMP', 'TMP']) {
    const e = env[n];
    if (e && pathIsAbsolute(e) && pathIsNormalized(e) && isDir(e)) return e;
  }
  return fallback;
}

/** $HOME or $SHELL when it is a valid absolute path, as systemd's get_home_dir()/get_shell() take it. */
function fromEnv(v: string | undefined): string | undefined {
  return v && pathIsValid(v) && pathIsAbsolute(v) ? pathSimplify(v) : undefined;
}

export interface MachineOptions {
  /** Read machine-id and os-release below this root (systemctl --root); host facts stay the host's. */
  readonly root?: string;
  /** The manager's environment ($HOME, $SHELL, $TMPDIR…); process.env by default. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** An object whose properties are computed once, on first use. */
function lazy<T extends object>(getters: { [K in keyof T]: () => T[K] }): T {
  const o = {} as T;
  for (const k of Object.keys(getters) as (keyof T)[]) {
    Object.defineProperty(o, k, {
      enumerable: true,
      configurable: true,
      get() {
        const v = getters[k]();
        Object.defineProperty(o, k, { value: v, enumerable: true });
        return v;
      },
    });
  }
  return o;
}

/** The facts of the running machine, as the system manager sees them; each read on first use. */
export function machineContext(opts: MachineOptions = {}): SystemContext {
  const root = opts.root ?? '/';
  const env = opts.env ?? process.env;
  const uid = typeof process.getuid === 'function' ? process.getuid() : 0;
  const host = (): string => {
    const h = osHostname();
    if (h !== '' && h !== '(none)') return h;
    return env.SYSTEMD_DEFAULT_HOSTNAME ?? parseEnvFile(readOr(join(root, 'etc/os-release')) ?? '').DEFAULT_HOSTNAME ?? 'localhost';
  };
  return lazy<SystemContext>({
    architecture: () => architectureFromMachine(machine()),
    bootId: () => id128(readOr('/proc/sys/kernel/random/boot_id')),
    machineId: () => id128(readOr(join(root, 'etc/machine-id'))),
    hostname: host,
    prettyHostname: () => {
      const p = parseEnvFile(readOr('/etc/machine-info') ?? '').PRETTY_HOSTNAME;
      return p === '' ? undefined : p;
    },
    kernelRelease: () => release(),
    osRelease: () => {
      const text = readOr(join(root, 'etc/os-release')) ?? readOr(join(root, 'usr/lib/os-release'));
      return text === undefined ? undefined : parseEnvFile(text);
    },
    user: () => ({
      name: 'root', uid: 0, group: 'root', gid: 0,
      home: fromEnv(env.HOME) ?? (uid === 0 ? '/root' : userInfo().homedir),
      shell: fromEnv(env.SHELL) ?? (uid === 0 ? '/bin/sh' : userInfo().shell ?? '/bin/sh'),
    }),
    tmpDir: () => tmpDirFrom(env, '/tmp'),
    varTmpDir: () => tmpDirFrom(env, '/var/tmp'),
    dirs: () => SYSTEM_DIRS,
    cgroupRoot: () => '',
    realPath: () => (p: string) => {
      try {
        return realpathSync(p);
      } catch {
        return undefined;
      }
    },
  });
}

let cached: SystemContext | undefined;

/** The running machine for the manager itself, built once per process (facts still read lazily). */
export function systemContext(): SystemContext {
  cached ??= machineContext();
  return cached;
}
