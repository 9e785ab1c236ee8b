/**
 * The manager configuration: systemd-system.conf(5) keys in [Manager] and journald.conf(5) keys in
 * [Journal], in one file of systemd's syntax (default /etc/svcd/system.conf) plus drop-ins read in
 * file-name order (conf-files.ts), a later value replacing an earlier one and list values adding up. Defaults are the man pages' (systemd 252), except journal
 * rate limiting, which svcd leaves off (a container's logs are usually its only output).
 *
 * A bad value is reported (file, key, value, reason) and the default or earlier value kept; an
 * absent file is normal. The result is deeply frozen: the engine shares it between snapshots.
 */
import { readFileSync } from 'node:fs';
import type { Diagnostic } from '../shared/diagnostic.js';
import { parseTasksMax, type TasksMax } from '../shared/cgroup-values.js';
import { type Result, ok, err } from '../shared/result.js';
import { parseTimespan, USEC_PER_MINUTE, USEC_PER_MONTH, USEC_PER_MSEC, USEC_PER_SEC, type Usec } from '../shared/timespan.js';
// system.conf takes the same value syntax as unit files (systemd reads both with the same
// config_parse_* helpers), so the same parsers serve.
import {
  makeEnumParser,
  makeBooleanEnumParser,
  parseBoolean,
  parseBytes,
  parseEnvironment,
  envReplace,
  parseLogLevel,
  parseOomScoreAdjust,
  parseRlimit,
  parseUnsignedNumber,
  rlimitFromDirective,
  type LogLevel,
  type Rlimit,
  type RlimitName,
} from '../unit/values/index.js';
// Same syntax as unit files, so the same reader (systemd.syntax(7)).
import { parseUnitText } from '../unit/syntax.js';
import { configFiles, DEFAULT_CONFIG_PATH, dropinDirsFor } from './conf-files.js';
import { CONF_DIRS_USR } from '../shared/lookup-paths.js';

export { DEFAULT_CONFIG_PATH };

export type LogTarget = 'console' | 'console-prefixed' | 'kmsg' | 'journal' | 'journal-or-kmsg' | 'syslog' | 'syslog-or-kmsg' | 'auto' | 'null';
export type ShowStatus = 'yes' | 'no' | 'auto' | 'error';
export type DefaultOutput = 'inherit' | 'null' | 'tty' | 'journal' | 'kmsg' | 'journal+console' | 'kmsg+console';
export type OomPolicy = 'continue' | 'stop' | 'kill';
export type Storage = 'volatile' | 'persistent' | 'auto' | 'none';
export type SplitMode = 'uid' | 'none';

export interface ManagerSettings {
  readonly logLevel: LogLevel;
  readonly logTarget: LogTarget;
  readonly logColor: boolean;
  readonly logLocation: boolean;
  readonly logTime: boolean;
  readonly dumpCore: boolean;
  readonly crashShell: boolean;
  readonly crashReboot: boolean;
  readonly showStatus: ShowStatus;
  readonly defaultStandardOutput: DefaultOutput;
  readonly defaultStandardError: DefaultOutput;
  readonly defaultTimerAccuracyUSec: Usec;
  readonly defaultTimeoutStartUSec: Usec;
  readonly defaultTimeoutStopUSec: Usec;
  /** null: unset, units fall back to their TimeoutStopSec=. */
  readonly defaultTimeoutAbortUSec: Usec | null;
  readonly defaultRestartUSec: Usec;
  readonly defaultDeviceTimeoutUSec: Usec;
  readonly defaultStartLimitIntervalUSec: Usec;
  readonly defaultStartLimitBurst: number;
  /**
   * svcd's own: what happens when the boot unit fails to come up — keep running degraded (none,
   * systemd's behaviour) or exit with DefaultTargetFailureExitStatus= (like s6-overlay's
   * S6_BEHAVIOUR_IF_STAGE2_FAILS, for containers that should die rather than limp).
   */
  readonly defaultTargetFailureAction: 'none' | 'exit';
  readonly defaultTargetFailureExitStatus: number;
  /** "NAME=value" assignments, later ones replacing earlier ones of the same name. */
  readonly defaultEnvironment: readonly string[];
  readonly managerEnvironment: readonly string[];
  /** Only the limits set (by default NOFILE and MEMLOCK); others are inherited. */
  readonly defaultLimits: Readonly<Partial<Record<RlimitName, Rlimit>>>;
  readonly defaultOOMPolicy: OomPolicy;
  /** null: inherit the manager's own adjustment. */
  readonly defaultOOMScoreAdjust: number | null;
  readonly defaultCPUAccounting: boolean;
  readonly defaultMemoryAccounting: boolean;
  readonly defaultTasksAccounting: boolean;
  readonly defaultIOAccounting: boolean;
  readonly defaultIPAccounting: boolean;
  /** TasksMax= of units that set none: 15% of the kernel's task limit, systemd's default. */
  readonly defaultTasksMax: TasksMax;
}

export interface JournalSettings {
  readonly storage: Storage;
  readonly compress: boolean;
  readonly seal: boolean;
  readonly splitMode: SplitMode;
  /** 0 = rate limiting off (svcd's default; journald's is 30s). */
  readonly rateLimitIntervalUSec: Usec;
  /** 0 = rate limiting off (svcd's default; journald's is 10000). */
  readonly rateLimitBurst: number;
  /** Sizes in bytes; null = journald's computed default (a share of the file system, capped). */
  readonly systemMaxUse: bigint | null;
  readonly systemKeepFree: bigint | null;
  readonly systemMaxFileSize: bigint | null;
  readonly systemMaxFiles: number;
  readonly runtimeMaxUse: bigint | null;
  readonly runtimeKeepFree: bigint | null;
  readonly runtimeMaxFileSize: bigint | null;
  readonly runtimeMaxFiles: number;
  readonly maxFileUSec: Usec;
  /** 0 = no time-based deletion. */
  readonly maxRetentionUSec: Usec;
  readonly syncIntervalUSec: Usec;
  readonly forwardToSyslog: boolean;
  readonly forwardToKMsg: boolean;
  readonly forwardToConsole: boolean;
  /**
   * svcd's own: how service output reaches svcd's stdout (what `docker logs` shows): prefixed with
   * "IDENT[PID]: ", raw (lines untouched, for JSON loggers), or off.
   */
  readonly consoleOutput: 'prefixed' | 'raw' | 'off';
  readonly forwardToWall: boolean;
  readonly maxLevelStore: LogLevel;
  readonly maxLevelSyslog: LogLevel;
  readonly maxLevelKMsg: LogLevel;
  readonly maxLevelConsole: LogLevel;
  readonly maxLevelWall: LogLevel;
  readonly readKMsg: boolean;
  readonly audit: boolean;
  readonly ttyPath: string;
  readonly lineMax: bigint;
}

export interface ManagerConfig {
  readonly manager: ManagerSettings;
  readonly journal: JournalSettings;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

const MIB = 1024n * 1024n;

export function defaultManagerSettings(): ManagerSettings {
  return {
    logLevel: 'info',
    logTarget: 'journal-or-kmsg',
    logColor: true,
    logLocation: false,
    logTime: false,
    dumpCore: true,
    crashShell: false,
    crashReboot: false,
    showStatus: 'yes',
    defaultStandardOutput: 'journal',
    defaultStandardError: 'inherit',
    defaultTimerAccuracyUSec: USEC_PER_MINUTE,
    defaultTimeoutStartUSec: 90n * USEC_PER_SEC,
    defaultTimeoutStopUSec: 90n * USEC_PER_SEC,
    defaultTimeoutAbortUSec: null,
    defaultRestartUSec: 100n * USEC_PER_MSEC,
    defaultDeviceTimeoutUSec: 90n * USEC_PER_SEC,
    defaultStartLimitIntervalUSec: 10n * USEC_PER_SEC,
    defaultStartLimitBurst: 5,
    defaultTargetFailureAction: 'none',
    defaultTargetFailureExitStatus: 1,
    defaultEnvironment: [],
    managerEnvironment: [],
    defaultLimits: { NOFILE: { soft: 1024n, hard: 524288n }, MEMLOCK: { soft: 8n * MIB, hard: 8n * MIB } },
    defaultOOMPolicy: 'stop',
    defaultOOMScoreAdjust: null,
    defaultCPUAccounting: true,
    defaultMemoryAccounting: true,
    defaultTasksAccounting: true,
    defaultIOAccounting: false,
    defaultIPAccounting: false,
    defaultTasksMax: { value: 1500n, scale: 10000n },
  };
}

export function defaultJournalSettings(): JournalSettings {
  return {
    storage: 'auto',
    compress: true,
    seal: true,
    splitMode: 'uid',
    rateLimitIntervalUSec: 0n,
    rateLimitBurst: 0,
    systemMaxUse: null,
    systemKeepFree: null,
    systemMaxFileSize: null,
    systemMaxFiles: 100,
    runtimeMaxUse: null,
    runtimeKeepFree: null,
    runtimeMaxFileSize: null,
    runtimeMaxFiles: 100,
    maxFileUSec: USEC_PER_MONTH,
    maxRetentionUSec: 0n,
    syncIntervalUSec: 5n * USEC_PER_MINUTE,
    forwardToSyslog: true,
    forwardToKMsg: false,
    forwardToConsole: false,
    consoleOutput: 'prefixed',
    forwardToWall: true,
    maxLevelStore: 'debug',
    maxLevelSyslog: 'debug',
    maxLevelKMsg: 'notice',
    maxLevelConsole: 'info',
    maxLevelWall: 'emerg',
    readKMsg: true,
    audit: false,
    ttyPath: '/dev/console',
    lineMax: 48n * 1024n,
  };
}

type Parser = (v: string) => Result<unknown, string>;

const sec: Parser = (v) => parseTimespan(v);
const optionalSec: Parser = (v) => (v === '' ? ok(null) : parseTimespan(v));
const size: Parser = (v) => parseBytes(v);
const count: Parser = (v) => parseUnsignedNumber(v);
const absolutePath: Parser = (v) => (v.startsWith('/') ? ok(v) : err('not an absolute path'));
const environment: Parser = (v) => {
  const r = parseEnvironment(v);
  if (!r.ok) return r;
  if (r.value.warnings.length > 0) return err(r.value.warnings.join('; '));
  return ok(r.value.assignments ?? []);
};
const outputs = makeEnumParser(['inherit', 'null', 'tty', 'journal', 'kmsg', 'journal+console', 'kmsg+console', 'syslog', 'syslog+console'] as const);
/** syslog outputs are legacy spellings of journal ones (systemd maps them the same way). */
const output: Parser = (v) => {
  const r = outputs(v);
  if (!r.ok) return r;
  return ok(r.value === 'syslog' ? 'journal' : r.value === 'syslog+console' ? 'journal+console' : r.value);
};
/** journald raises LineMax= below 79 to 79, so a line always fits a traditional syslog record. */
const lineMax: Parser = (v) => {
  const r = parseBytes(v);
  if (!r.ok) return r;
  return ok(r.value < 79n ? 79n : r.value);
};

const MANAGER_KEYS: Record<string, readonly [keyof ManagerSettings, Parser]> = {
  LogLevel: ['logLevel', parseLogLevel],
  LogTarget: ['logTarget', makeEnumParser(['console', 'console-prefixed', 'kmsg', 'journal', 'journal-or-kmsg', 'syslog', 'syslog-or-kmsg', 'auto', 'null'] as const)],
  LogColor: ['logColor', parseBoolean],
  LogLocation: ['logLocation', parseBoolean],
  LogTime: ['logTime', parseBoolean],
  DumpCore: ['dumpCore', parseBoolean],
  CrashShell: ['crashShell', parseBoolean],
  CrashReboot: ['crashReboot', parseBoolean],
  ShowStatus: ['showStatus', makeBooleanEnumParser(['yes', 'no', 'auto', 'error'] as const, 'yes', 'no')],
  DefaultStandardOutput: ['defaultStandardOutput', output],
  DefaultStandardError: ['defaultStandardError', output],
  DefaultTimerAccuracySec: ['defaultTimerAccuracyUSec', sec],
  DefaultTimeoutStartSec: ['defaultTimeoutStartUSec', sec],
  DefaultTimeoutStopSec: ['defaultTimeoutStopUSec', sec],
  DefaultTimeoutAbortSec: ['defaultTimeoutAbortUSec', optionalSec],
  DefaultRestartSec: ['defaultRestartUSec', sec],
  DefaultDeviceTimeoutSec: ['defaultDeviceTimeoutUSec', sec],
  DefaultStartLimitIntervalSec: ['defaultStartLimitIntervalUSec', sec],
  DefaultStartLimitBurst: ['defaultStartLimitBurst', count],
  DefaultTargetFailureAction: ['defaultTargetFailureAction', makeEnumParser(['none', 'exit'] as const)],
  DefaultTargetFailureExitStatus: ['defaultTargetFailureExitStatus', count],
  DefaultEnvironment: ['defaultEnvironment', environment],
  ManagerEnvironment: ['managerEnvironment', environment],
  DefaultOOMPolicy: ['defaultOOMPolicy', makeEnumParser(['continue', 'stop', 'kill'] as const)],
  DefaultOOMScoreAdjust: ['defaultOOMScoreAdjust', (v) => (v === '' ? ok(null) : parseOomScoreAdjust(v))],
  DefaultCPUAccounting: ['defaultCPUAccounting', parseBoolean],
  DefaultMemoryAccounting: ['defaultMemoryAccounting', parseBoolean],
  DefaultTasksAccounting: ['defaultTasksAccounting', parseBoolean],
  DefaultIOAccounting: ['defaultIOAccounting', parseBoolean],
  DefaultIPAccounting: ['defaultIPAccounting', parseBoolean],
  DefaultTasksMax: ['defaultTasksMax', parseTasksMax],
};

const level = parseLogLevel;
const JOURNAL_KEYS: Record<string, readonly [keyof JournalSettings, Parser]> = {
  Storage: ['storage', makeEnumParser(['volatile', 'persistent', 'auto', 'none'] as const)],
  Compress: ['compress', parseBoolean],
  Seal: ['seal', parseBoolean],
  SplitMode: ['splitMode', makeEnumParser(['uid', 'none'] as const)],
  RateLimitIntervalSec: ['rateLimitIntervalUSec', sec],
  RateLimitBurst: ['rateLimitBurst', count],
  SystemMaxUse: ['systemMaxUse', size],
  SystemKeepFree: ['systemKeepFree', size],
  SystemMaxFileSize: ['systemMaxFileSize', size],
  SystemMaxFiles: ['systemMaxFiles', count],
  RuntimeMaxUse: ['runtimeMaxUse', size],
  RuntimeKeepFree: ['runtimeKeepFree', size],
  RuntimeMaxFileSize: ['runtimeMaxFileSize', size],
  RuntimeMaxFiles: ['runtimeMaxFiles', count],
  MaxFileSec: ['maxFileUSec', sec],
  MaxRetentionSec: ['maxRetentionUSec', sec],
  SyncIntervalSec: ['syncIntervalUSec', sec],
  ForwardToSyslog: ['forwardToSyslog', parseBoolean],
  ForwardToKMsg: ['forwardToKMsg', parseBoolean],
  ForwardToConsole: ['forwardToConsole', parseBoolean],
  ConsoleOutput: ['consoleOutput', makeEnumParser(['prefixed', 'raw', 'off'] as const)],
  ForwardToWall: ['forwardToWall', parseBoolean],
  MaxLevelStore: ['maxLevelStore', level],
  MaxLevelSyslog: ['maxLevelSyslog', level],
  MaxLevelKMsg: ['maxLevelKMsg', level],
  MaxLevelConsole: ['maxLevelConsole', level],
  MaxLevelWall: ['maxLevelWall', level],
  ReadKMsg: ['readKMsg', parseBoolean],
  Audit: ['audit', parseBoolean],
  TTYPath: ['ttyPath', absolutePath],
  LineMax: ['lineMax', lineMax],
};

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object' && !Object.isFrozen(o)) {
    Object.freeze(o);
    for (const v of Object.values(o)) deepFreeze(v);
  }
  return o;
}

const SECTIONS: ReadonlySet<string> = new Set(['Manager', 'Journal']);
/** journald.conf has only [Journal]: a [Manager] there is an unknown section, as journald says. */
const JOURNALD_SECTIONS: ReadonlySet<string> = new Set(['Journal']);

/**
 * journald's own configuration, which svcd, being the journal, reads before its own [Journal]: an
 * image's /etc/systemd/journald.conf and the journald.conf.d/ drop-ins its packages ship (e.g. one
 * that turns ForwardToSyslog= off). svcd's system.conf then overrides key by key.
 */
export function journaldConfFiles(): string[] {
  return configFiles('/etc/systemd/journald.conf', CONF_DIRS_USR.map((d) => `${d}/systemd/journald.conf.d`));
}

function applyFile(
  file: string,
  text: string | Uint8Array,
  manager: Mutable<ManagerSettings>,
  journal: Mutable<JournalSettings>,
  diagnostics: Diagnostic[],
  sections: ReadonlySet<string> = SECTIONS,
): void {
  // The same reader as unit files (systemd parses both with conf-parser): comments, continuation
  // lines, repeated keys in order, and every diagnostic at its own file:line.
  const parsed = parseUnitText(file, text, { knownSections: sections });
  const found: Diagnostic[] = [...parsed.diagnostics];
  for (const { section, key, value, loc } of parsed.assignments) {
    const warn = (message: string): void => {
      found.push({ severity: 'warning', loc, message });
    };
    if (section === 'Manager') {
      const limit = key.startsWith('DefaultLimit') ? rlimitFromDirective(key) : undefined;
      if (limit) {
        const r = parseRlimit(limit, value);
        if (r.ok) manager.defaultLimits = { ...manager.defaultLimits, [limit]: r.value };
        else warn(`Failed to parse ${key}=${value}, ignoring: ${r.error}`);
        continue;
      }
      const spec = MANAGER_KEYS[key];
      if (!spec) {
        warn(`Unknown key name '${key}' in section '${section}', ignoring.`);
        continue;
      }
      const r = spec[1](value);
      if (!r.ok) warn(`Failed to parse ${key}=${value}, ignoring: ${r.error}`);
      else if (spec[0] === 'defaultEnvironment' || spec[0] === 'managerEnvironment') {
        // Like systemd, each assignment adds to the list (a name set again is replaced); only an
        // empty value resets it.
        const list = value === '' ? [] : [...manager[spec[0]]];
        for (const a of r.value as string[]) envReplace(list, a);
        manager[spec[0]] = list;
      } else (manager as Record<string, unknown>)[spec[0]] = r.value;
    } else if (section === 'Journal') {
      const spec = JOURNAL_KEYS[key];
      if (!spec) {
        warn(`Unknown key name '${key}' in section '${section}', ignoring.`);
        continue;
      }
      const r = spec[1](value);
      if (r.ok) (journal as Record<string, unknown>)[spec[0]] = r.value;
      else warn(`Failed to parse ${key}=${value}, ignoring: ${r.error}`);
    }
    // X- sections are kept by the reader and, as in systemd, silently ignored.
  }
  // In line order, as systemd logs them while it reads (the reader's own come first otherwise).
  diagnostics.push(...found.sort((a, b) => (a.loc?.line ?? 0) - (b.loc?.line ?? 0)));
}

function readIfPresent(path: string, diagnostics: Diagnostic[]): Buffer | null {
  try {
    // Bytes, not text: the reader refuses what is not UTF-8 as systemd does, which it cannot see
    // once a decoder has turned bad bytes into U+FFFD.
    return readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'ENOTDIR') {
      diagnostics.push({ severity: 'warning', message: `Failed to read ${path}, ignoring: ${(e as Error).message}` });
    }
    return null;
  }
}

/**
 * Reads journald's files (`journaldFiles`: by default journaldConfFiles() for the default PATH, none
 * for another), then PATH and its drop-ins (configFiles(): by default system.conf.d/ in /etc, /run,
 * /usr/local/lib and /usr/lib; for another PATH, PATH.d) in file-name order. Never throws for bad
 * input: problems come back as diagnostics and the affected keys keep their previous values.
 */
export function loadManagerConfig(
  path: string = DEFAULT_CONFIG_PATH,
  dropinDirs: readonly string[] = dropinDirsFor(path),
  journaldFiles: readonly string[] = path === DEFAULT_CONFIG_PATH ? journaldConfFiles() : [],
): { config: ManagerConfig; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const manager: Mutable<ManagerSettings> = defaultManagerSettings();
  const journal: Mutable<JournalSettings> = defaultJournalSettings();
  for (const file of journaldFiles) {
    const text = readIfPresent(file, diagnostics);
    if (text !== null) applyFile(file, text, manager, journal, diagnostics, JOURNALD_SECTIONS);
  }
  for (const file of configFiles(path, dropinDirs)) {
    const text = readIfPresent(file, diagnostics);
    if (text !== null) applyFile(file, text, manager, journal, diagnostics);
  }
  return { config: deepFreeze({ manager, journal }), diagnostics };
}
