/**
 * The typed face of svcd's native addon (native/svcd_native.c; why it exists:
 * docs/design/native.md). Every process the daemon starts goes through spawn() here, and every
 * exit comes back through the reaper — never through child_process, whose statuses the reaper
 * would steal.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../shared/package-root.js';

/** systemd's exit codes for the step of process setup that failed (systemd.exec(5), "Process exit codes"). */
export const EXIT_STATUS_NAMES = {
  200: 'CHDIR', 201: 'NICE', 202: 'FDS', 203: 'EXEC', 204: 'MEMORY', 205: 'LIMITS', 206: 'OOM_ADJUST',
  207: 'SIGNAL_MASK', 208: 'STDIN', 209: 'STDOUT', 210: 'CHROOT', 216: 'GROUP', 217: 'USER', 220: 'SETSID',
  222: 'STDERR', 227: 'NO_NEW_PRIVILEGES',
} as const satisfies Record<number, string>;
export type SetupExitCode = keyof typeof EXIT_STATUS_NAMES;

/** Linux resource numbers for setrlimit, by systemd's Limit*= name. */
export const RLIMIT_RESOURCE = {
  CPU: 0, FSIZE: 1, DATA: 2, STACK: 3, CORE: 4, RSS: 5, NPROC: 6, NOFILE: 7, MEMLOCK: 8, AS: 9, LOCKS: 10,
  SIGPENDING: 11, MSGQUEUE: 12, NICE: 13, RTPRIO: 14, RTTIME: 15,
} as const;
export type RlimitResource = keyof typeof RLIMIT_RESOURCE;

export interface SpawnSpec {
  readonly file: string;
  readonly argv: readonly string[];
  /** "NAME=value" strings: the complete environment. */
  readonly envp: readonly string[];
  readonly cwd?: string;
  /** stdin, stdout, stderr; -1 (or absent) is /dev/null. */
  readonly fds?: readonly [number, number, number];
  readonly uid?: number;
  readonly gid?: number;
  readonly groups?: readonly number[];
  readonly umask?: number;
  readonly nice?: number;
  readonly oomScoreAdjust?: number;
  /** When raising a limit is refused, the closest allowed value is set (as systemd does). */
  readonly rlimits?: readonly { readonly resource: RlimitResource; readonly soft: bigint; readonly hard: bigint }[];
  readonly setsid?: boolean;
  readonly noNewPrivileges?: boolean;
}

/** A process that could not be started: the step that failed, as systemd names and numbers it. */
export class SpawnError extends Error {
  constructor(
    readonly exitCode: number,
    readonly errno: number,
    readonly errnoName: string,
  ) {
    const name = EXIT_STATUS_NAMES[exitCode as SetupExitCode] ?? String(exitCode);
    super(`Failed at step ${name} spawning: ${errnoName}`);
    this.name = 'SpawnError';
  }
  /** systemd's status text, e.g. "203/EXEC". */
  get status(): string {
    return `${this.exitCode}/${EXIT_STATUS_NAMES[this.exitCode as SetupExitCode] ?? 'UNKNOWN'}`;
  }
}

export interface ChildExit {
  readonly pid: number;
  /** Exit code, or -1 when killed by a signal. */
  readonly code: number;
  /** Terminating signal, or 0. */
  readonly signal: number;
  readonly coreDumped: boolean;
}

interface Addon {
  spawn(spec: unknown): number;
  startReaper(cb: (exits: ChildExit[]) => void): void;
  watchSignals(signals: number[], cb: (signum: number) => void): void;
  stopAll(): void;
  setChildSubreaper(): number;
  kill(pid: number, signum: number): number;
  bindDatagram(path: string, cb: (data: Buffer, sender: Sender) => void): DatagramHandle;
  closeDatagram(h: DatagramHandle): void;
  sendDatagram(path: string, data: Buffer): number;
}

/** Who sent a datagram, from the kernel (SCM_CREDENTIALS): what NotifyAccess= is checked against. */
export interface Sender {
  readonly pid: number;
  readonly uid: number;
  readonly gid: number;
}

declare const datagramBrand: unique symbol;
/** An AF_UNIX datagram socket bound by bindDatagram(); close it with closeDatagram(). */
export type DatagramHandle = { readonly [datagramBrand]: true };

const require = createRequire(import.meta.url);
let addon: Addon | undefined;
function load(): Addon {
  addon ??= require(join(PACKAGE_ROOT, 'build', 'Release', 'svcd_native.node')) as Addon;
  return addon;
}

const ERRNO_NAMES: Record<number, string> = { 1: 'EPERM', 2: 'ENOENT', 8: 'ENOEXEC', 12: 'ENOMEM', 13: 'EACCES', 20: 'ENOTDIR', 22: 'EINVAL', 24: 'EMFILE' };

export function spawn(spec: SpawnSpec): number {
  try {
    return load().spawn({
      ...spec,
      rlimits: spec.rlimits?.map((l) => [RLIMIT_RESOURCE[l.resource], l.soft, l.hard]),
    });
  } catch (e) {
    const err = e as { exitCode?: number; errno?: number };
    if (typeof err.exitCode === 'number') {
      throw new SpawnError(err.exitCode, err.errno ?? 0, ERRNO_NAMES[err.errno ?? 0] ?? `errno ${err.errno}`);
    }
    throw e;
  }
}

/** Batches of exits, orphans included; start once, before the first spawn. */
export function startReaper(onExits: (exits: readonly ChildExit[]) => void): void {
  load().startReaper(onExits);
}

export const SIGRTMIN = 34;
/** Signal names as systemd prints them, real-time ones as "SIGRTMIN+n". */
export function signalName(signum: number): string {
  const base: Record<number, string> = { 1: 'SIGHUP', 2: 'SIGINT', 3: 'SIGQUIT', 9: 'SIGKILL', 10: 'SIGUSR1', 12: 'SIGUSR2', 15: 'SIGTERM', 17: 'SIGCHLD', 28: 'SIGWINCH', 30: 'SIGPWR' };
  if (base[signum]) return base[signum]!;
  if (signum >= SIGRTMIN && signum <= 64) return `SIGRTMIN+${signum - SIGRTMIN}`;
  return `SIG${signum}`;
}

/** Handlers for any signal number, SIGRTMIN+n included (which Node itself cannot catch). */
export function watchSignals(signals: readonly number[], onSignal: (signum: number) => void): void {
  load().watchSignals([...signals], onSignal);
}

export function stopWatching(): void {
  load().stopAll();
}

/** Makes orphaned descendants come back to this process (PR_SET_CHILD_SUBREAPER); 0 or an errno. */
export function setChildSubreaper(): number {
  return load().setChildSubreaper();
}

/** kill(2): 0 or an errno. */
export function kill(pid: number, signum: number): number {
  return load().kill(pid, signum);
}

/**
 * Binds an AF_UNIX datagram socket at `path` (replacing a stale socket file) and delivers every
 * datagram whole, with its sender's credentials: NOTIFY_SOCKET, /dev/log, the journal socket.
 */
export function bindDatagram(path: string, onDatagram: (data: Buffer, sender: Sender) => void): DatagramHandle {
  return load().bindDatagram(path, onDatagram);
}

export function closeDatagram(h: DatagramHandle): void {
  load().closeDatagram(h);
}

/** Sends one datagram to a unix socket path (sd_notify's way); 0 or an errno. */
export function sendDatagram(path: string, data: Buffer): number {
  return load().sendDatagram(path, data);
}
