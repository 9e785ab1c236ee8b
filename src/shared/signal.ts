/**
 * Signals: the one table of names and numbers every layer uses (unit files' KillSignal=, the
 * manager's logs and EXIT_STATUS=, `status`, `show`, `svcctl kill -s`, the native addon's kill()).
 * It follows systemd's signal_to_string()/signal_from_string(): names without "SIG", real-time
 * signals as "RTMIN+n". Numbers are Linux's (x86, arm and most others); real-time signals start at
 * 34 because glibc keeps 32 and 33 for itself, which is what systemd's SIGRTMIN resolves to.
 */
import { type Result, ok, err } from './result.js';
import { EINVAL, ERANGE, parseCInteger } from './c-integer.js';

export const SIGRTMIN = 34;
export const SIGRTMAX = 64;
/** One past the highest signal number (the kernel's _NSIG). */
export const NSIG = 65;

/** The named signals by their C names (signal(7)); the typed spelling code uses. */
export const SIGNALS = {
  SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGILL: 4, SIGTRAP: 5, SIGABRT: 6, SIGBUS: 7, SIGFPE: 8, SIGKILL: 9,
  SIGUSR1: 10, SIGSEGV: 11, SIGUSR2: 12, SIGPIPE: 13, SIGALRM: 14, SIGTERM: 15, SIGSTKFLT: 16, SIGCHLD: 17,
  SIGCONT: 18, SIGSTOP: 19, SIGTSTP: 20, SIGTTIN: 21, SIGTTOU: 22, SIGURG: 23, SIGXCPU: 24, SIGXFSZ: 25,
  SIGVTALRM: 26, SIGPROF: 27, SIGWINCH: 28, SIGIO: 29, SIGPWR: 30, SIGSYS: 31,
} as const;
export type StandardSignalName = keyof typeof SIGNALS;
type RtOffset =
  | 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | 10 | 11 | 12 | 13 | 14 | 15
  | 16 | 17 | 18 | 19 | 20 | 21 | 22 | 23 | 24 | 25 | 26 | 27 | 28 | 29 | 30;
export type RealtimeSignalName = `SIGRTMIN+${RtOffset}`;
/** "SIGTERM", "SIGRTMIN+3": a signal code can name without a number. */
export type SignalName = StandardSignalName | RealtimeSignalName;

/** systemd's names (no "SIG"), by number. Aliases (IOT, POLL, CLD) are not names systemd knows. */
const NAME_BY_NUMBER: ReadonlyMap<number, string> = new Map(Object.entries(SIGNALS).map(([name, n]) => [n, name.slice(3)]));
const NUMBER_BY_NAME: ReadonlyMap<string, number> = new Map([...NAME_BY_NUMBER].map(([n, name]) => [name, n]));

/** The number of a typed name; real-time names count from SIGRTMIN. */
export function signalNumber(name: SignalName): number {
  return name.startsWith('SIGRTMIN+') ? SIGRTMIN + Number(name.slice(9)) : SIGNALS[name as StandardSignalName];
}

/** signal_to_string(): "TERM", "RTMIN+3"; a bare number for 0, 32, 33 and anything out of range. */
export function signalToString(signo: number): string {
  const name = NAME_BY_NUMBER.get(signo);
  if (name !== undefined) return name;
  if (signo >= SIGRTMIN && signo <= SIGRTMAX) return `RTMIN+${signo - SIGRTMIN}`;
  return String(signo);
}

/** 1…64: what kill(2) can send (0 only probes, so systemd refuses it as a signal). */
export function signalValid(signo: number): boolean {
  return Number.isInteger(signo) && signo > 0 && signo < NSIG;
}

/**
 * signal_from_string(): a number 1…64 (as safe_atoi() reads it, so "0x0f" and " 15" count), a name
 * with or without "SIG" (case matters), "RTMIN", "RTMIN+n" or "RTMAX-n" with n within the real-time
 * range. This is what `systemctl kill -s` and KillSignal= accept. Errors are strerror texts.
 */
export function signalFromString(text: string): Result<number, string> {
  const n = parseCInteger(text, { signed: true, bits: 32 });
  if (n.ok) return signalValid(Number(n.value)) ? ok(Number(n.value)) : err(ERANGE);
  const s = text.startsWith('SIG') ? text.slice(3) : text;
  const named = NUMBER_BY_NAME.get(s);
  if (named !== undefined) return ok(named);
  // The offset keeps its sign character, as systemd hands "+3"/"-2" to safe_atoi().
  const relative = (prefix: string, sign: '+' | '-', base: number): Result<number, string> | undefined => {
    if (!s.startsWith(prefix)) return undefined;
    const rest = s.slice(prefix.length);
    if (rest === '') return ok(base);
    if (rest[0] !== sign) return err(EINVAL);
    const k = parseCInteger(rest, { signed: true, bits: 32 });
    if (!k.ok) return k;
    const offset = Number(k.value);
    const span = SIGRTMAX - SIGRTMIN;
    return (sign === '+' ? offset >= 0 && offset <= span : offset <= 0 && offset >= -span) ? ok(base + offset) : err(ERANGE);
  };
  return relative('RTMIN', '+', SIGRTMIN) ?? relative('RTMAX', '-', SIGRTMAX) ?? err(EINVAL);
}

/** Every name signal_to_string() gives, by number 0…64: what `systemctl kill -s help` lists. */
export function signalTable(): string[] {
  return Array.from({ length: NSIG }, (_, i) => signalToString(i));
}
