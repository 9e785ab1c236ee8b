/**
 * Enumerations: systemd looks words up in string tables, exactly and case-sensitively, so
 * `Restart=Always` is an error there and must be here too.
 */
import { type Result, ok, err } from '../../shared/result.js';
import { parseBoolean } from './boolean.js';
import { LOG_LEVELS, type LogLevel } from '../../shared/syslog.js';
export type { LogLevel };

export type EnumParser<T extends string> = ((text: string) => Result<T, string>) & { readonly values: readonly T[] };

export function makeEnumParser<const T extends string>(values: readonly T[]): EnumParser<T> {
  const set = new Set<string>(values);
  const parse = (text: string): Result<T, string> =>
    set.has(text) ? ok(text as T) : err(`Invalid value '${text}', expected one of: ${values.join(', ')}`);
  return Object.assign(parse, { values });
}

/**
 * Settings like ProtectSystem= or ProtectHome= take a boolean or extra words; systemd's
 * DEFINE_STRING_TABLE_LOOKUP_WITH_BOOLEAN maps true/false to the named words first, then the table.
 */
export function makeBooleanEnumParser<const T extends string>(
  values: readonly T[],
  onTrue: T,
  onFalse: T,
): EnumParser<T> {
  const words = makeEnumParser(values);
  const parse = (text: string): Result<T, string> => {
    const b = parseBoolean(text);
    if (b.ok) return ok(b.value ? onTrue : onFalse);
    return words(text);
  };
  return Object.assign(parse, { values });
}

// The enums of systemd.service(5), systemd.kill(5) and systemd.exec(5) that take plain words.
export const parseServiceType = makeEnumParser(['simple', 'exec', 'forking', 'oneshot', 'dbus', 'notify', 'idle'] as const);
export const parseServiceRestart = makeEnumParser([
  'no',
  'on-success',
  'on-failure',
  'on-abnormal',
  'on-watchdog',
  'on-abort',
  'always',
] as const);
export const parseKillMode = makeEnumParser(['control-group', 'process', 'mixed', 'none'] as const);
export const parseNotifyAccess = makeEnumParser(['none', 'main', 'exec', 'all'] as const);
export const parseExitType = makeEnumParser(['main', 'cgroup'] as const);
export const parseTimeoutFailureMode = makeEnumParser(['terminate', 'abort', 'kill'] as const);
export const parseCollectMode = makeEnumParser(['inactive', 'inactive-or-failed'] as const);
export const parseUtmpMode = makeEnumParser(['init', 'login', 'user'] as const);
export const parseStandardInput = makeEnumParser(['null', 'tty', 'tty-force', 'tty-fail', 'data', 'socket'] as const);
/** systemd.unit(5) of 252 lists exactly these for FailureAction=/SuccessAction=. */
export const parseEmergencyAction = makeEnumParser([
  'none',
  'reboot',
  'reboot-force',
  'reboot-immediate',
  'poweroff',
  'poweroff-force',
  'poweroff-immediate',
  'exit',
  'exit-force',
] as const);
export const parseProtectSystem = makeBooleanEnumParser(['no', 'yes', 'full', 'strict'] as const, 'yes', 'no');
export const parseProtectHome = makeBooleanEnumParser(['no', 'yes', 'read-only', 'tmpfs'] as const, 'yes', 'no');
const logLevelWords = makeEnumParser(LOG_LEVELS);
/** log_level_from_string() also takes the syslog number 0..7. */
export const parseLogLevel: EnumParser<LogLevel> = Object.assign(
  (text: string): Result<LogLevel, string> => {
    if (/^[0-7]$/.test(text)) return ok(LOG_LEVELS[Number(text)]!);
    return logLevelWords(text);
  },
  { values: LOG_LEVELS },
);
