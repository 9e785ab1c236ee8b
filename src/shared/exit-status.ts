/**
 * Exit statuses with systemd's names (systemd.exec(5), "Process Exit Codes"): the one table `status`,
 * `show`, the manager's log lines, the exec layer's "Failed at step …" messages, SuccessExitStatus=
 * and `analyze exit-status` all read. Each code belongs to a class, as in systemd's exit-status.c:
 * libc's two, the LSB init-script codes, BSD's sysexits and systemd's own codes for a failed step of
 * process setup. Callers say which classes they name, as systemd does (`status` names libc and
 * systemd codes only, the manager's log adds LSB ones).
 */
import { type Result, ok } from './result.js';
import { parseCInteger } from './c-integer.js';
import { signalToString } from './signal.js';

/** The class names as `systemd-analyze exit-status` prints them. */
export type ExitStatusClass = 'libc' | 'LSB' | 'BSD' | 'systemd';

export interface ExitStatusEntry {
  readonly status: number;
  readonly name: string;
  readonly class: ExitStatusClass;
}

const row = (cls: ExitStatusClass, entries: Record<number, string>): ExitStatusEntry[] =>
  Object.entries(entries).map(([status, name]) => ({ status: Number(status), name, class: cls }));

/** Ordered by status; 223 and 234 are retired, 246…254 unused. */
export const EXIT_STATUSES: readonly ExitStatusEntry[] = [
  ...row('libc', { 0: 'SUCCESS', 1: 'FAILURE' }),
  ...row('LSB', { 2: 'INVALIDARGUMENT', 3: 'NOTIMPLEMENTED', 4: 'NOPERMISSION', 5: 'NOTINSTALLED', 6: 'NOTCONFIGURED', 7: 'NOTRUNNING' }),
  ...row('BSD', {
    64: 'USAGE', 65: 'DATAERR', 66: 'NOINPUT', 67: 'NOUSER', 68: 'NOHOST', 69: 'UNAVAILABLE', 70: 'SOFTWARE',
    71: 'OSERR', 72: 'OSFILE', 73: 'CANTCREAT', 74: 'IOERR', 75: 'TEMPFAIL', 76: 'PROTOCOL', 77: 'NOPERM', 78: 'CONFIG',
  }),
  ...row('systemd', {
    200: 'CHDIR', 201: 'NICE', 202: 'FDS', 203: 'EXEC', 204: 'MEMORY', 205: 'LIMITS', 206: 'OOM_ADJUST',
    207: 'SIGNAL_MASK', 208: 'STDIN', 209: 'STDOUT', 210: 'CHROOT', 211: 'IOPRIO', 212: 'TIMERSLACK',
    213: 'SECUREBITS', 214: 'SETSCHEDULER', 215: 'CPUAFFINITY', 216: 'GROUP', 217: 'USER', 218: 'CAPABILITIES',
    219: 'CGROUP', 220: 'SETSID', 221: 'CONFIRM', 222: 'STDERR', 224: 'PAM', 225: 'NETWORK', 226: 'NAMESPACE',
    // The C symbol is EXIT_APPARMOR_PROFILE; the name printed is "APPARMOR".
    227: 'NO_NEW_PRIVILEGES', 228: 'SECCOMP', 229: 'SELINUX_CONTEXT', 230: 'PERSONALITY', 231: 'APPARMOR',
    232: 'ADDRESS_FAMILIES', 233: 'RUNTIME_DIRECTORY', 235: 'CHOWN', 236: 'SMACK_PROCESS_LABEL', 237: 'KEYRING',
    238: 'STATE_DIRECTORY', 239: 'CACHE_DIRECTORY', 240: 'LOGS_DIRECTORY', 241: 'CONFIGURATION_DIRECTORY',
    242: 'NUMA_POLICY', 243: 'CREDENTIALS', 244: 'BPF',
    // 255 passes an abnormal end on, as shells do.
    255: 'EXCEPTION',
  }),
];

const BY_STATUS: ReadonlyMap<number, ExitStatusEntry> = new Map(EXIT_STATUSES.map((e) => [e.status, e]));
const BY_NAME: ReadonlyMap<string, number> = new Map(EXIT_STATUSES.map((e) => [e.name, e.status]));

/** systemd's EXIT_STATUS_FULL: what the manager's "Main process exited" lines name. */
export const EXIT_STATUS_FULL: readonly ExitStatusClass[] = ['libc', 'systemd', 'LSB'];
/** What systemctl status and the exec layer's "Failed at step" name (LSB and BSD codes print bare there). */
export const EXIT_STATUS_LIBC_SYSTEMD: readonly ExitStatusClass[] = ['libc', 'systemd'];

/** The table's entry for a status, whatever its class. */
export function exitStatusEntry(status: number): ExitStatusEntry | undefined {
  return BY_STATUS.get(status);
}

/** exit_status_to_string(): the name if the status belongs to one of the classes, else undefined. */
export function exitStatusToString(status: number, classes: readonly ExitStatusClass[]): string | undefined {
  const e = BY_STATUS.get(status);
  return e !== undefined && classes.includes(e.class) ? e.name : undefined;
}

/** exit_status_from_string(): a name from the table (exact case), else a number 0…255 as safe_atou8() reads it. */
export function exitStatusFromString(text: string): Result<number, string> {
  const named = BY_NAME.get(text);
  if (named !== undefined) return ok(named);
  const r = parseCInteger(text, { signed: false, bits: 8 });
  return r.ok ? ok(Number(r.value)) : r;
}

/** waitid(2)'s si_code for a child that exited by itself (the others are killed 2, dumped 3, …). */
export const CLD_EXITED = 1;

/** sigchld_code_to_string(): how waitid(2) said a child ended; undefined for 0 (not ended). */
export function sigchldCodeToString(code: number): string | undefined {
  return ['exited', 'killed', 'dumped', 'trapped', 'stopped', 'continued'][code - 1];
}

/**
 * How `systemctl status` words a process' end in its "(code=…, status=…)" lines: "status=203/EXEC"
 * (libc and systemd codes named), or "signal=TERM" when it was killed.
 */
export function statusExitText(code: number, status: number): string {
  if (code !== CLD_EXITED) return `signal=${signalToString(status)}`;
  const name = exitStatusToString(status, EXIT_STATUS_LIBC_SYSTEMD);
  return name === undefined ? `status=${status}` : `status=${status}/${name}`;
}

/** How `systemctl show` words it inside an Exec*= property: "status=1", or "status=15/TERM" for a signal. */
export function showExitText(code: number, status: number): string {
  return code === CLD_EXITED ? `status=${status}` : `status=${status}/${signalToString(status)}`;
}
