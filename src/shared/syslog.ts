/**
 * syslog(3)'s priorities and facilities by name, as systemd's log_level and log_facility_unshifted
 * string tables spell them: one table for the unit directives that take them (SyslogLevel=,
 * SyslogFacility=, LogLevelMax=), the manager's LogLevel=, journal priorities and dump's rendering.
 */
import { parseCInteger } from './c-integer.js';

export const LOG_LEVELS = ['emerg', 'alert', 'crit', 'err', 'warning', 'notice', 'info', 'debug'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Unshifted facility numbers: 0…11 named, 12…15 unnamed, 16…23 local0…local7. */
const FACILITY_NAMES: readonly (string | undefined)[] = [
  'kern', 'user', 'mail', 'daemon', 'auth', 'syslog', 'lpr', 'news', 'uucp', 'cron', 'authpriv', 'ftp',
  undefined, undefined, undefined, undefined,
  ...Array.from({ length: 8 }, (_, i) => `local${i}`),
];

/** A name of the table, else a number up to max as safe_atoi() reads it (0x7 too): string_table_lookup_with_fallback(). */
function nameOrNumber(names: readonly (string | undefined)[], text: string, max: number): number | undefined {
  const i = names.indexOf(text);
  if (i >= 0) return i;
  const n = parseCInteger(text, { signed: true, bits: 32 });
  return n.ok && n.value >= 0n && n.value <= BigInt(max) ? Number(n.value) : undefined;
}

/** A level's number from its name or a number 0…7; undefined for anything else. */
export const logLevelFromString = (text: string): number | undefined => nameOrNumber(LOG_LEVELS, text, 7);

/** A facility's unshifted number from its name or a number up to LOG_FACMASK >> 3 (127); undefined for anything else. */
export const logFacilityFromString = (text: string): number | undefined => nameOrNumber(FACILITY_NAMES, text, 127);

/** The name systemd prints for a level, or its number where it has none. */
export const logLevelName = (n: number): string => LOG_LEVELS[n] ?? String(n);
/** The name systemd prints for an unshifted facility, or its number where it has none. */
export const logFacilityName = (n: number): string => FACILITY_NAMES[n] ?? String(n);
