/**
 * What supervisord's configuration says, as supervisord reads it: the main file (the first of
 * supervisord's own places that exists), its `[include] files=` globs, and in them `[program:x]`
 * and `[group:x]` sections turned into typed processes — each `[program:x]` with numprocs=N gives N
 * processes, named by process_name as supervisord names them. Values are checked with supervisord's
 * own rules (its boolean, integer, signal, exit code and octal readers); a program with a value
 * supervisord would refuse is left out with a warning naming file:line, and the rest loads.
 *
 * Turning processes into units is units.ts's job; this file knows nothing of systemd.
 */
import { readFileSync, statSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, isAbsolute, resolve } from 'node:path';
import { expandGlob } from '../../shared/glob.js';
import { signalFromString } from '../../shared/signal.js';
import { err, ok, type Result } from '../../shared/result.js';
import { readSupervisorIni, type IniLocation, type IniSection } from './ini-dialect.js';
import { expand, type Expansions } from './expand.js';

/** supervisord's search for its config when not given -c, in its order (the /etc ones). */
export const SUPERVISORD_CONF_PATHS: readonly string[] = ['/etc/supervisord.conf', '/etc/supervisor/supervisord.conf'];

export type AutoRestart = 'true' | 'false' | 'unexpected';

/** One process supervisord would run. */
export interface SupervisorProcess {
  /** process_name, expanded: what supervisord calls it (and the unit's name). */
  readonly name: string;
  readonly program: string;
  /** The [group:x] it belongs to, if any. */
  readonly group?: string;
  readonly source: string;
  /** The command, split as supervisord's shlex does. */
  readonly argv: readonly string[];
  readonly priority: number;
  readonly autostart: boolean;
  readonly autorestart: AutoRestart;
  readonly startsecs: number;
  readonly startretries: number;
  readonly exitcodes: readonly number[];
  readonly stopsignal: number;
  readonly stopwaitsecs: number;
  readonly stopasgroup: boolean;
  readonly killasgroup: boolean;
  readonly user?: string;
  readonly directory?: string;
  readonly umask?: number;
  readonly redirectStderr: boolean;
  /** A file name, or undefined for none (NONE, AUTO, or the container's own stdout/stderr). */
  readonly stdoutLogfile?: string;
  readonly stderrLogfile?: string;
  readonly environment: readonly (readonly [string, string])[];
}

export interface SupervisorGroup {
  readonly name: string;
  readonly priority: number;
  readonly programs: readonly string[];
  readonly source: string;
}

export interface SupervisorConfig {
  readonly main?: string;
  readonly processes: readonly SupervisorProcess[];
  readonly groups: readonly SupervisorGroup[];
}

export type Warn = (at: IniLocation | string, text: string) => void;

/**
 * The keys of [program:x], and what becomes of each: 'mapped' ones reach the unit; 'journal' ones
 * tune supervisord's own log rotation and capture, which the journal does instead (accepted, no
 * effect); anything else is unknown and warned about.
 */
export const PROGRAM_KEYS: Readonly<Record<string, 'mapped' | 'journal'>> = {
  command: 'mapped', process_name: 'mapped', numprocs: 'mapped', numprocs_start: 'mapped', priority: 'mapped',
  autostart: 'mapped', autorestart: 'mapped', startsecs: 'mapped', startretries: 'mapped', exitcodes: 'mapped',
  stopsignal: 'mapped', stopwaitsecs: 'mapped', stopasgroup: 'mapped', killasgroup: 'mapped', user: 'mapped',
  redirect_stderr: 'mapped', stdout_logfile: 'mapped', stderr_logfile: 'mapped', environment: 'mapped',
  directory: 'mapped', umask: 'mapped',
  stdout_logfile_maxbytes: 'journal', stdout_logfile_backups: 'journal', stdout_capture_maxbytes: 'journal',
  stdout_events_enabled: 'journal', stdout_syslog: 'journal', stderr_logfile_maxbytes: 'journal',
  stderr_logfile_backups: 'journal', stderr_capture_maxbytes: 'journal', stderr_events_enabled: 'journal',
  stderr_syslog: 'journal', serverurl: 'journal',
};

/** supervisord's own sections (its server, its client, its RPC): nothing to run. */
const OWN_SECTIONS = /^(supervisord|supervisorctl|unix_http_server|inet_http_server|include|rpcinterface:.*)$/;
/** Sections that run something svcd does not map. */
const REFUSED_SECTIONS = /^(eventlistener|fcgi-program):/;

// supervisord's value readers (supervisor/datatypes.py), by their rules.
function boolean(v: string): Result<boolean, string> {
  const s = v.trim().toLowerCase();
  if (['true', 'yes', 'on', '1'].includes(s)) return ok(true);
  if (['false', 'no', 'off', '0'].includes(s)) return ok(false);
  return err(`not a valid boolean value: ${v}`);
}
function integer(v: string): Result<number, string> {
  const s = v.trim().replaceAll('_', '');
  return /^[+-]?\d+$/.test(s) ? ok(Number(s)) : err(`not an integer: ${v}`);
}
function autoRestart(v: string): Result<AutoRestart, string> {
  const s = v.trim().toLowerCase();
  if (s === 'unexpected') return ok('unexpected');
  const b = boolean(s);
  return b.ok ? ok(b.value ? 'true' : 'false') : err(`invalid 'autorestart' value ${v}`);
}
function exitcodes(v: string): Result<number[], string> {
  const codes = v.split(',').map((c) => integer(c));
  const bad = codes.find((c) => !c.ok || c.value < 0 || c.value > 255);
  return bad ? err(`not a valid list of exit codes: ${v}`) : ok(codes.map((c) => (c as { value: number }).value));
}
function signal(v: string): Result<number, string> {
  const s = v.trim().toUpperCase();
  const n = signalFromString(/^\d+$/.test(s) ? s : s.startsWith('SIG') ? s : `SIG${s}`);
  return n.ok ? n : err(`value ${v} is not a signal name`);
}
function octal(v: string): Result<number, string> {
  return /^[0-7]+$/.test(v.trim()) ? ok(parseInt(v.trim(), 8)) : err(`${v} can not be converted to an octal type`);
}

/**
 * shlex.split(command) in POSIX mode: whitespace separates words, '…' is literal, "…" lets a
 * backslash escape only `"` and `\`, and outside quotes a backslash escapes any character.
 */
export function shlexSplit(s: string): Result<string[], string> {
  const words: string[] = [];
  let word: string | undefined;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (/\s/.test(c)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else if (c === "'") {
      const end = s.indexOf("'", i + 1);
      if (end < 0) return err('No closing quotation');
      word = (word ?? '') + s.slice(i + 1, end);
      i = end;
    } else if (c === '"') {
      word ??= '';
      for (i++; ; i++) {
        if (i >= s.length) return err('No closing quotation');
        const d = s[i]!;
        if (d === '"') break;
        if (d === '\\' && (s[i + 1] === '"' || s[i + 1] === '\\')) word += s[++i];
        else word += d;
      }
    } else if (c === '\\') {
      if (i + 1 >= s.length) return err('No escaped character');
      word = (word ?? '') + s[++i];
    } else {
      word = (word ?? '') + c;
    }
  }
  if (word !== undefined) words.push(word);
  return ok(words);
}

/** supervisord's dict_of_key_value_pairs: `A="x",B=y` (quotes optional, commas between pairs). */
export function keyValuePairs(s: string): Result<[string, string][], string> {
  const tokens: string[] = [];
  let cur: string | undefined;
  const flush = () => {
    if (cur !== undefined) tokens.push(cur);
    cur = undefined;
  };
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === ',' || c === '=' || /\s/.test(c)) {
      flush();
      if (c === '=') tokens.push('=');
    } else if (c === '"' || c === "'") {
      const end = s.indexOf(c, i + 1);
      if (end < 0) return err(`Unexpected end of key/value pairs in value '${s}'`);
      cur = (cur ?? '') + s.slice(i + 1, end);
      i = end;
    } else {
      cur = (cur ?? '') + c;
    }
  }
  flush();
  const pairs: [string, string][] = [];
  for (let i = 0; i < tokens.length; i += 3) {
    if (tokens[i + 1] !== '=' || tokens[i + 2] === undefined || tokens[i + 2] === '=') return err(`Unexpected end of key/value pairs in value '${s}'`);
    pairs.push([tokens[i]!, tokens[i + 2]!]);
  }
  return ok(pairs);
}

/** glob.glob() of one pattern, as supervisord reads [include] files=: the regular files it matches. */
function globFiles(pattern: string): string[] {
  return expandGlob(pattern).filter((p) => {
    try {
      return statSync(p).isFile();
    } catch {
      return false;
    }
  });
}

interface Section {
  readonly name: string;
  readonly values: IniSection;
  readonly file: string;
  readonly at: IniLocation;
}

/** The main file and its includes, section by section (a later file's same section merges in). */
function readFiles(main: string, warn: Warn): Section[] {
  const sections = new Map<string, Section>();
  const readOne = (file: string): ReturnType<typeof readSupervisorIni> | undefined => {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      warn(file, `cannot read: ${(e as Error).message}`);
      return undefined;
    }
    const ini = readSupervisorIni(text, file);
    for (const p of ini.problems) warn(p.at, p.text);
    for (const [name, values] of ini.sections) {
      const prev = sections.get(name);
      const merged = new Map([...(prev?.values ?? []), ...values]);
      sections.set(name, { name, values: merged, file: prev?.file ?? file, at: prev?.at ?? ini.sectionAt.get(name)! });
    }
    return ini;
  };
  const ini = readOne(main);
  const include = ini?.sections.get('include')?.get('files');
  if (include) {
    // Relative globs are relative to the including file's directory, as supervisord takes them.
    for (const pattern of include.value.split(/\s+/).filter((p) => p !== '')) {
      const files = globFiles(isAbsolute(pattern) ? pattern : resolve(dirname(main), pattern));
      for (const f of files) {
        const inc = readOne(f);
        const nested = inc?.sections.get('include');
        if (nested) warn(inc!.sectionAt.get('include')!, 'an [include] section in an included file is ignored, as supervisord ignores it');
      }
    }
  }
  return [...sections.values()];
}

interface ProgramRead {
  readonly processes: SupervisorProcess[];
}

/** The process_name, numprocs expansion and value checks of one [program:x]. */
function readProgram(sec: Section, program: string, group: string | undefined, env: Readonly<Record<string, string | undefined>>, warn: Warn): ProgramRead | undefined {
  const v = sec.values;
  for (const [key, { at }] of v) {
    if (!(key in PROGRAM_KEYS)) warn(at, `unknown key "${key}" in [${sec.name}]; ignored`);
  }
  // %(here)s: the directory of the file that holds the section.
  const here = dirname(sec.file);
  const base = new Map<string, string | number>([
    ['program_name', program],
    ['group_name', group ?? program],
    ['host_node_name', hostname()],
    ['here', here],
  ]);
  for (const [k, val] of Object.entries(env)) if (val !== undefined) base.set(`ENV_${k}`, val);

  // A bad value refuses the program, naming the line: supervisord would refuse to start at all.
  let failed = false;
  const read = <T>(key: string, parse: (s: string) => Result<T, string>, def: T, expansions: Expansions = base): T => {
    const entry = v.get(key);
    if (!entry) return def;
    const expanded = expand(entry.value, expansions);
    const parsed = expanded.ok ? parse(expanded.value) : err(`format string "${entry.value}" for "${key}" contains ${expanded.error}`);
    if (parsed.ok) return parsed.value;
    warn(entry.at, `[${sec.name}] ${key}: ${parsed.error}; program "${program}" not loaded`);
    failed = true;
    return def;
  };
  const numprocs = read('numprocs', integer, 1);
  if (!failed && numprocs < 1) {
    warn(v.get('numprocs')!.at, `[${sec.name}] numprocs: ${numprocs} is not a positive number of processes; program "${program}" not loaded`);
    return undefined;
  }
  const numprocsStart = read('numprocs_start', integer, 0);
  const processNameRaw = v.get('process_name')?.value ?? '%(program_name)s';
  if (numprocs > 1 && !processNameRaw.includes('%(process_num)')) {
    warn(v.get('process_name')?.at ?? v.get('numprocs')!.at, `[${sec.name}] %(process_num) must be present within process_name when numprocs > 1; program "${program}" not loaded`);
    return undefined;
  }
  if (!v.get('command')) {
    warn(sec.at, `[${sec.name}] has no command; program "${program}" not loaded`);
    return undefined;
  }
  const common = {
    priority: read('priority', integer, 999),
    autostart: read('autostart', boolean, true),
    autorestart: read('autorestart', autoRestart, 'unexpected' as AutoRestart),
    startsecs: read('startsecs', integer, 1),
    startretries: read('startretries', integer, 3),
    exitcodes: read('exitcodes', exitcodes, [0]),
    stopsignal: read('stopsignal', signal, 15),
    stopwaitsecs: read('stopwaitsecs', integer, 10),
    stopasgroup: read('stopasgroup', boolean, false),
    killasgroup: read('killasgroup', boolean, false),
    redirectStderr: read('redirect_stderr', boolean, false),
    umask: v.get('umask') ? read('umask', octal, 0o22) : undefined,
    user: v.get('user') ? read('user', (s) => (s.trim() === '' ? err('empty user') : ok(s.trim())), '') : undefined,
  };
  if (failed) return undefined;
  const processes: SupervisorProcess[] = [];
  for (let n = numprocsStart; n < numprocsStart + numprocs; n++) {
    const ex = new Map([...base, ['process_num', n], ['numprocs', numprocs]]);
    const name = read('process_name', ok, program, ex);
    const argv = read('command', shlexSplit, [] as string[], ex);
    const directory = v.get('directory') ? read('directory', ok, '', ex) : undefined;
    const environment = read('environment', keyValuePairs, [] as [string, string][], ex);
    // AUTO (supervisord's own child log directory) and NONE leave the journal alone; the
    // container's own stdout/stderr is where the journal forwards anyway.
    const logfile = (s: string): Result<string | undefined, string> =>
      ok(['NONE', 'AUTO', '/dev/stdout', '/dev/stderr', '/dev/fd/1', '/dev/fd/2', '/proc/self/fd/1', '/proc/self/fd/2'].includes(s.trim()) ? undefined : s.trim());
    const stdoutLogfile = read('stdout_logfile', logfile, undefined, ex);
    const stderrLogfile = read('stderr_logfile', logfile, undefined, ex);
    if (failed) return undefined;
    if (argv.length === 0) {
      warn(v.get('command')!.at, `[${sec.name}] command is empty; program "${program}" not loaded`);
      return undefined;
    }
    processes.push({ name, program, group, source: v.get('command')!.at.file, argv, directory, environment, stdoutLogfile, stderrLogfile, ...common });
  }
  return { processes };
}

/** Reads supervisord's configuration from `main` (or the first of its usual places that exists). */
export function readSupervisorConfig(opts: { main?: string; env: Readonly<Record<string, string | undefined>>; warn: Warn }): SupervisorConfig {
  const isFile = (p: string): boolean => {
    try {
      return statSync(p).isFile();
    } catch {
      return false;
    }
  };
  if (opts.main !== undefined && !isFile(opts.main)) opts.warn(opts.main, 'no such file; no supervisord programs');
  const main = opts.main !== undefined ? (isFile(opts.main) ? opts.main : undefined) : SUPERVISORD_CONF_PATHS.find(isFile);
  if (main === undefined) return { processes: [], groups: [] };
  const sections = readFiles(main, opts.warn);
  const programs = new Map<string, Section>();
  const groupSections: Section[] = [];
  for (const sec of sections) {
    if (sec.name.startsWith('program:')) programs.set(sec.name.slice('program:'.length), sec);
    else if (sec.name.startsWith('group:')) groupSections.push(sec);
    else if (REFUSED_SECTIONS.test(sec.name)) opts.warn(sec.at, `[${sec.name}] is not supported by svcd (only [program:x] and [group:x] run); ignored`);
    else if (!OWN_SECTIONS.test(sec.name)) opts.warn(sec.at, `unknown section [${sec.name}]; ignored`);
  }
  const groups: SupervisorGroup[] = [];
  const groupOf = new Map<string, string>();
  for (const sec of groupSections) {
    const name = sec.name.slice('group:'.length);
    for (const [key, { at }] of sec.values) if (key !== 'programs' && key !== 'priority') opts.warn(at, `unknown key "${key}" in [${sec.name}]; ignored`);
    const members = (sec.values.get('programs')?.value ?? '').split(',').map((p) => p.trim()).filter((p) => p !== '');
    const missing = members.filter((p) => !programs.has(p));
    if (missing.length > 0 || members.length === 0) {
      opts.warn(sec.values.get('programs')?.at ?? sec.at, `[${sec.name}] ${members.length === 0 ? 'names no programs' : `names no [program:${missing[0]}] section`}; group not loaded`);
      continue;
    }
    const priority = integer(sec.values.get('priority')?.value ?? '999');
    if (!priority.ok) {
      opts.warn(sec.values.get('priority')!.at, `[${sec.name}] priority: ${priority.error}; group not loaded`);
      continue;
    }
    for (const p of members) groupOf.set(p, name);
    groups.push({ name, priority: priority.value, programs: members, source: sec.file });
  }
  const processes: SupervisorProcess[] = [];
  for (const [program, sec] of programs) {
    const read = readProgram(sec, program, groupOf.get(program), opts.env, opts.warn);
    if (read) processes.push(...read.processes);
  }
  return { main, processes, groups: groups.filter((g) => g.programs.some((p) => processes.some((q) => q.program === p))) };
}

