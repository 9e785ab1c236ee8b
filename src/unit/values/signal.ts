/**
 * Signals and exit statuses as KillSignal= and SuccessExitStatus= take them (systemd.kill(5),
 * systemd.service(5)). Numbers are Linux's; real-time signals start at 34 because glibc reserves
 * 32 and 33 for itself, which is what systemd's SIGRTMIN resolves to.
 */
import { type Result, ok, err } from '../../shared/result.js';
import { EINVAL, ERANGE, parseCInteger } from './numbers.js';
import { splitWords } from './words.js';

export const SIGRTMIN = 34;
export const SIGRTMAX = 64;

/** Linux x86/arm numbering; index = signal number. */
const SIGNAL_NAMES: readonly (string | undefined)[] = [
  undefined,
  'HUP', 'INT', 'QUIT', 'ILL', 'TRAP', 'ABRT', 'BUS', 'FPE', 'KILL', 'USR1',
  'SEGV', 'USR2', 'PIPE', 'ALRM', 'TERM', 'STKFLT', 'CHLD', 'CONT', 'STOP', 'TSTP',
  'TTIN', 'TTOU', 'URG', 'XCPU', 'XFSZ', 'VTALRM', 'PROF', 'WINCH', 'IO', 'PWR',
  'SYS',
];

/** signal_from_string(): a number 1..64, or a name with or without "SIG", or RTMIN+n / RTMAX-n. */
export function signalFromString(text: string): Result<number, string> {
  const n = parseCInteger(text, { signed: true, bits: 32 });
  if (n.ok) {
    const v = Number(n.value);
    return v >= 1 && v <= SIGRTMAX ? ok(v) : err(ERANGE);
  }
  const s = text.startsWith('SIG') ? text.slice(3) : text;
  const idx = SIGNAL_NAMES.indexOf(s);
  if (idx > 0) return ok(idx);
  if (s.startsWith('RTMIN')) {
    const rest = s.slice(5);
    if (rest === '') return ok(SIGRTMIN);
    if (rest[0] !== '+') return err(EINVAL);
    const k = parseCInteger(rest, { signed: true, bits: 32 });
    if (!k.ok) return k;
    if (k.value < 0n || k.value > BigInt(SIGRTMAX - SIGRTMIN)) return err(ERANGE);
    return ok(SIGRTMIN + Number(k.value));
  }
  if (s.startsWith('RTMAX')) {
    const rest = s.slice(5);
    if (rest === '') return ok(SIGRTMAX);
    if (rest[0] !== '-') return err(EINVAL);
    const k = parseCInteger(rest, { signed: true, bits: 32 });
    if (!k.ok) return k;
    if (k.value > 0n || k.value < BigInt(SIGRTMIN - SIGRTMAX)) return err(ERANGE);
    return ok(SIGRTMAX + Number(k.value));
  }
  return err(EINVAL);
}

/** KillSignal=, FinalKillSignal=, …: systemd refuses 0 too ("Failed to parse signal name"). */
export function parseSignal(text: string): Result<number, string> {
  const r = signalFromString(text);
  if (!r.ok) return err(`Failed to parse signal name: ${r.error}`);
  return r;
}

/** "SIGTERM", "SIGRTMIN+3": the spelling systemctl show and logs use. */
export function signalToString(signo: number): string {
  const name = SIGNAL_NAMES[signo];
  if (name) return `SIG${name}`;
  if (signo >= SIGRTMIN && signo <= SIGRTMAX) return signo === SIGRTMIN ? 'SIGRTMIN' : `SIGRTMIN+${signo - SIGRTMIN}`;
  return `${signo}`;
}

/** systemd.exec(5), "Process Exit Codes": the names SuccessExitStatus= accepts, without prefix. */
export const EXIT_STATUS_NAMES: Readonly<Record<number, string>> = {
  0: 'SUCCESS', 1: 'FAILURE', 2: 'INVALIDARGUMENT', 3: 'NOTIMPLEMENTED', 4: 'NOPERMISSION',
  5: 'NOTINSTALLED', 6: 'NOTCONFIGURED', 7: 'NOTRUNNING',
  64: 'USAGE', 65: 'DATAERR', 66: 'NOINPUT', 67: 'NOUSER', 68: 'NOHOST', 69: 'UNAVAILABLE',
  70: 'SOFTWARE', 71: 'OSERR', 72: 'OSFILE', 73: 'CANTCREAT', 74: 'IOERR', 75: 'TEMPFAIL',
  76: 'PROTOCOL', 77: 'NOPERM', 78: 'CONFIG',
  200: 'CHDIR', 201: 'NICE', 202: 'FDS', 203: 'EXEC', 204: 'MEMORY', 205: 'LIMITS',
  206: 'OOM_ADJUST', 207: 'SIGNAL_MASK', 208: 'STDIN', 209: 'STDOUT', 210: 'CHROOT',
  211: 'IOPRIO', 212: 'TIMERSLACK', 213: 'SECUREBITS', 214: 'SETSCHEDULER', 215: 'CPUAFFINITY',
  216: 'GROUP', 217: 'USER', 218: 'CAPABILITIES', 219: 'CGROUP', 220: 'SETSID', 221: 'CONFIRM',
  222: 'STDERR', 224: 'PAM', 225: 'NETWORK', 226: 'NAMESPACE', 227: 'NO_NEW_PRIVILEGES',
  228: 'SECCOMP', 229: 'SELINUX_CONTEXT', 230: 'PERSONALITY', 231: 'APPARMOR_PROFILE',
  232: 'ADDRESS_FAMILIES', 233: 'RUNTIME_DIRECTORY', 235: 'CHOWN', 236: 'SMACK_PROCESS_LABEL',
  237: 'KEYRING', 238: 'STATE_DIRECTORY', 239: 'CACHE_DIRECTORY', 240: 'LOGS_DIRECTORY',
  241: 'CONFIGURATION_DIRECTORY', 242: 'NUMA_POLICY', 243: 'CREDENTIALS', 245: 'BPF',
};
const EXIT_STATUS_BY_NAME = new Map(Object.entries(EXIT_STATUS_NAMES).map(([k, v]) => [v, Number(k)]));

/** exit_status_from_string(): a name from the table, else an unsigned number 0..255. */
export function exitStatusFromString(text: string): Result<number, string> {
  const named = EXIT_STATUS_BY_NAME.get(text);
  if (named !== undefined) return ok(named);
  const r = parseCInteger(text, { signed: false, bits: 8 });
  return r.ok ? ok(Number(r.value)) : r;
}

export interface ExitStatusSet {
  readonly statuses: readonly number[];
  readonly signals: readonly number[];
}

export interface ExitStatusParse {
  /** null: the empty assignment, which resets the list. */
  readonly set: ExitStatusSet | null;
  /** One "Failed to parse value, ignoring: WORD" per bad word; the good words still count. */
  readonly warnings: readonly string[];
}

/**
 * SuccessExitStatus=, RestartPreventExitStatus=, RestartForceExitStatus=: numbers are tried as
 * exit statuses before signals, so "9" is status 9, not SIGKILL.
 */
export function parseExitStatusSet(text: string): Result<ExitStatusParse, string> {
  const words = splitWords(text, {});
  if (!words.ok) return err(`Invalid syntax: ${words.error}`);
  if (words.value.length === 0) return ok({ set: null, warnings: [] });
  const statuses = new Set<number>();
  const signals = new Set<number>();
  const warnings: string[] = [];
  for (const w of words.value) {
    const st = exitStatusFromString(w);
    if (st.ok) {
      statuses.add(st.value);
      continue;
    }
    const sig = signalFromString(w);
    if (sig.ok) signals.add(sig.value);
    else warnings.push(`Failed to parse value, ignoring: ${w}`);
  }
  const sorted = (s: Set<number>): number[] => [...s].sort((a, b) => a - b);
  return ok({ set: { statuses: sorted(statuses), signals: sorted(signals) }, warnings });
}
