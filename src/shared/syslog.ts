/**
 * syslog(3)'s priorities and facilities by name, as systemd's log_level and log_facility_unshifted
 * string tables spell them: one table for the unit directives that take them (SyslogLevel=,
 * SyslogFacility=, LogLevelMax=), the manager's LogLevel=, journal priorities and dump's rendering.
 */
export const LOG_LEVELS = ['emerg', 'alert', 'crit', 'err', 'warning', 'notice', 'info', 'debug'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Unshifted facility numbers: 0…11 named, 12…15 unnamed, 16…23 local0…local7. */
const FACILITY_NAMES: readonly (string | undefined)[] = [
  'kern', 'user', 'mail', 'daemon', 'auth', 'syslog', 'lpr', 'news', 'uucp', 'cron', 'authpriv', 'ftp',
  undefined, undefined, undefined, undefined,
  ...Array.from({ length: 8 }, (_, i) => `local${i}`),
];

/** A level's number from its name or its digit (0…7); undefined for anything else. */
export function logLevelFromString(text: string): number | undefined {
  const i = (LOG_LEVELS as readonly string[]).indexOf(text);
  if (i >= 0) return i;
  return /^[0-7]$/.test(text) ? Number(text) : undefined;
}

/** A facility's unshifted number from its name or its number (0…23); undefined for anything else. */
export function logFacilityFromString(text: string): number | undefined {
  const i = FACILITY_NAMES.indexOf(text);
  if (i >= 0) return i;
  return /^[0-9]+$/.test(text) && Number(text) < 24 ? Number(text) : undefined;
}

/** The name systemd prints for a level, or its number where it has none. */
export const logLevelName = (n: number): string => LOG_LEVELS[n] ?? String(n);
/** The name systemd prints for an unshifted facility, or its number where it has none. */
export const logFacilityName = (n: number): string => FACILITY_NAMES[n] ?? String(n);
