/**
 * The typed face of svcd's native addon (native/*.c; why it exists: docs/design/native.md).
 * Every process the daemon starts goes through spawn() here, and every exit comes back through the
 * reaper — never through child_process, whose children's statuses the reaper would steal.
 *
 * The addon is loaded on first use, so modules that only need errno names work without a built
 * addon. Signal and exit-status names are the shared tables' (src/shared/).
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../shared/package-root.js';
import { EXIT_STATUS_LIBC_SYSTEMD, exitStatusToString } from '../shared/exit-status.js';
import { errnoName } from '../shared/strerror.js';
import { SIGRTMAX, SIGRTMIN, signalNumber, signalToString, type RealtimeSignalName, type SignalName } from '../shared/signal.js';

// errno names are the shared table's; re-exported for the addon's callers.
export { errnoName } from '../shared/strerror.js';

// ---------------------------------------------------------------- spawn

/** Linux resource numbers for setrlimit, by systemd's Limit*= name. */
export const RLIMIT_RESOURCE = {
  CPU: 0, FSIZE: 1, DATA: 2, STACK: 3, CORE: 4, RSS: 5, NPROC: 6, NOFILE: 7, MEMLOCK: 8, AS: 9, LOCKS: 10,
  SIGPENDING: 11, MSGQUEUE: 12, NICE: 13, RTPRIO: 14, RTTIME: 15,
} as const;
export type RlimitResource = keyof typeof RLIMIT_RESOURCE;

/** An fd the child gets as stdin/stdout/stderr, or /dev/null ('null'; -1 means the same). */
export type StdioFd = number | 'null';

export interface SpawnSpec {
  /** Absolute path to execute; no PATH search happens here. */
  readonly file: string;
  readonly argv: readonly string[];
  /** "NAME=value" strings: the complete environment. */
  readonly envp: readonly string[];
  /** Working directory, inside rootDirectory if that is set ("-" prefixes are resolved by the caller). */
  readonly cwd?: string;
  /** RootDirectory=: chroot before the ids are dropped. */
  readonly rootDirectory?: string;
  /** stdin, stdout, stderr; absent means all /dev/null. O_NONBLOCK is cleared on them. */
  readonly fds?: readonly [StdioFd, StdioFd, StdioFd];
  /** Further fds, placed at 3, 4, … in the child (socket activation's LISTEN_FDS). */
  readonly passFds?: readonly number[];
  readonly uid?: number;
  readonly gid?: number;
  /** Supplementary groups. Without them, dropping uid/gid clears root's groups. */
  readonly groups?: readonly number[];
  readonly umask?: number;
  readonly nice?: number;
  readonly oomScoreAdjust?: number;
  /** When raising a limit is refused, the closest allowed value is set (as systemd does). */
  readonly rlimits?: readonly { readonly resource: RlimitResource; readonly soft: bigint; readonly hard: bigint }[];
  /** A new session (and so a new process group); what systemd does for every service. */
  readonly setsid?: boolean;
  /** A new process group without a new session (ignored with setsid). */
  readonly newProcessGroup?: boolean;
  readonly noNewPrivileges?: boolean;
  /** CPUSchedulingPolicy= (SCHED_OTHER 0, FIFO 1, RR 2, BATCH 3, IDLE 5), CPUSchedulingPriority=, CPUSchedulingResetOnFork=. */
  readonly cpuScheduling?: { readonly policy: number; readonly priority?: number; readonly resetOnFork?: boolean };
  /** CPUAffinity= as CPU numbers; omit it for "inherit" (an empty list fails with 215/CPUAFFINITY). */
  readonly cpuAffinity?: readonly number[];
  /** IOSchedulingClass=/IOSchedulingPriority= as ioprio_set(2)'s value: class << 13 | level. */
  readonly ioprio?: number;
  readonly timerSlackNs?: number;
  /** Personality=: personality(2)'s execution domain (PER_LINUX 0, PER_LINUX32 8); 230/PERSONALITY if refused. */
  readonly personality?: number;
  /** SecureBits=: the SECBIT_* mask, set before the ids change (it needs CAP_SETPCAP); 213/SECUREBITS if refused. */
  readonly secureBits?: number;
  /** CapabilityBoundingSet= as a mask (bit n = capability n); capabilities outside it are dropped. */
  readonly capabilityBoundingSet?: bigint;
  /** AmbientCapabilities= as a mask: kept across the uid change and raised, so a non-root service has them. */
  readonly ambientCapabilities?: bigint;
  /** PrivateTmp=: directories bound over /tmp and /var/tmp in a new mount namespace (both or neither). */
  readonly privateTmp?: string;
  readonly privateVarTmp?: string;
  /**
   * The unit's cgroup.procs files (the v2 tree's, each v1 controller's): the child moves itself into
   * every one first (219/CGROUP if it cannot).
   */
  readonly cgroupProcs?: readonly string[];
  /** ProtectHostname=: a UTS namespace of its own, where the container allows one. */
  readonly newUtsNamespace?: boolean;
  /**
   * seccomp filters (src/exec/seccomp.ts), installed in this order right before execve(), after
   * no_new_privs (implied when the child is left without CAP_SYS_ADMIN); 228/SECCOMP if refused.
   */
  readonly seccomp?: readonly Buffer[];
  /**
   * The mount plan (src/exec/mount-plan.ts), applied in the mount namespace after PrivateTmp='s
   * binds: paths parents first, and per path its mode number; 226 ("mounts") if a path is missing.
   */
  readonly mountPaths?: readonly string[];
  readonly mountModes?: readonly number[];
  /** Per entry: a bind mount's source, a tmpfs's or procfs's options ("" for none). */
  readonly mountArgs?: readonly string[];
  /** Where the inaccessible "dir" and "reg" are, when a mode is inaccessible. */
  readonly inaccessibleNodes?: string;
  /** PrivateDevices=: an empty directory to build the new /dev in (mount-plan.ts devStage()). */
  readonly devStage?: string;
  /** PrivateMounts=: a mount namespace of its own even with nothing to arrange in it. */
  readonly mountNamespace?: boolean;
  /** PrivateNetwork=, PrivateIPC=: namespaces from newNamespace() the child joins (226 if it cannot). */
  readonly netnsFd?: number;
  readonly ipcnsFd?: number;
  /** PrivateUsers=: a user namespace mapping root and the unit's user to themselves (217/USER if refused). */
  readonly privateUsers?: boolean;
}

/** The step of process setup that failed (the child's order; "clone" is the parent failing to make it). */
export type SpawnStage =
  | 'signals' | 'setsid' | 'setpgid' | 'stdin' | 'stdout' | 'stderr' | 'fds' | 'rlimit' | 'oom_score_adj'
  | 'nice' | 'setscheduler' | 'cpuaffinity' | 'ioprio' | 'timerslack' | 'personality' | 'securebits' | 'chroot' | 'namespace' | 'capabilities' | 'setgroups'
  | 'setgid' | 'setuid' | 'chdir' | 'no_new_privs' | 'exec' | 'cgroup' | 'clone' | 'seccomp' | 'mounts' | 'userns';

/**
 * A process that could not be started: the stage that failed, with systemd's exit code and name for
 * it. systemd records such a child as exited with that code (e.g. status=203/EXEC); the child has
 * already been collected here, so the reaper will not report it — the caller records the exit.
 */
export class SpawnError extends Error {
  readonly exitName: string;
  readonly errnoName: string;
  constructor(
    readonly stage: SpawnStage,
    readonly errno: number,
    readonly exitCode: number,
    /** The failed child's pid (already reaped); 0 when no child was made (stage "clone"). */
    readonly pid: number,
    readonly file: string,
    /** strerror(errno), systemd's %m. */
    readonly reason: string,
  ) {
    const exitName = exitStatusToString(exitCode, EXIT_STATUS_LIBC_SYSTEMD) ?? String(exitCode);
    super(`Failed at step ${exitName} spawning ${file}: ${reason}`);
    this.name = 'SpawnError';
    this.exitName = exitName;
    this.errnoName = errnoName(errno);
  }
  /** systemd's status text, e.g. "203/EXEC". */
  get status(): string {
    return `${this.exitCode}/${this.exitName}`;
  }
  /** True when a child ran and exited with exitCode; false when none could be made. */
  get inChild(): boolean {
    return this.stage !== 'clone';
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

/** Who sent a datagram, from the kernel (SCM_CREDENTIALS): what NotifyAccess= is checked against. */
export interface Sender {
  readonly pid: number;
  /** -1 when the kernel attached no credentials. */
  readonly uid: number;
  readonly gid: number;
  /** When the kernel received the datagram (SO_TIMESTAMP), µs since the epoch. */
  readonly realtimeUsec: number;
  /** The fds it carried (SCM_RIGHTS), close-on-exec and now the receiver's; empty unless bound with keepFds. */
  readonly fds: readonly number[];
}

declare const datagramBrand: unique symbol;
/** An AF_UNIX datagram socket bound by bindDatagram(); close it with closeDatagram(). */
export type DatagramHandle = { readonly [datagramBrand]: true };
declare const inotifyBrand: unique symbol;
/** An inotify instance opened by inotifyOpen(); close it with inotifyClose(). */
export type InotifyHandle = { readonly [inotifyBrand]: true };
declare const signalBrand: unique symbol;
type NativeSignalHandle = { readonly [signalBrand]: true };

/** What the C side takes: stdio as numbers, rlimits as tuples. */
interface NativeSpec extends Omit<SpawnSpec, 'fds' | 'rlimits'> {
  readonly stdio?: readonly number[];
  readonly rlimits?: readonly (readonly [number, bigint, bigint])[];
}

interface NativeSpawnFailure {
  readonly stage: SpawnStage;
  readonly errno: number;
  readonly exitCode: number;
  readonly pid: number;
  readonly reason: string;
}

interface Addon {
  spawn(spec: NativeSpec): number;
  newNamespace(type: 'net' | 'ipc'): number;
  removeSysvIpc(kind: number, id: number): void;
  startReaper(cb: (exits: ChildExit[]) => void): void;
  reapNow(): void;
  stopReaper(): void;
  watchSignal(signum: number, cb: (signum: number) => void): NativeSignalHandle;
  unwatchSignal(h: NativeSignalHandle): void;
  stopAll(): void;
  sigrtmin(): number;
  setChildSubreaper(): number;
  kill(pid: number, signum: number): number;
  killpg(pgid: number, signum: number): number;
  pidfdOpen(pid: number): number;
  pidfdSendSignal(pidfd: number, signum: number): number;
  pipe(nonBlockingRead: boolean): [number, number];
  peerCredentials(fd: number): { pid: number; uid: number; gid: number };
  sameFile(a: number, b: number): boolean;
  mallocTrim(): boolean;
  procScan(skip?: Int32Array): Float64Array | number;
  bindDatagram(path: string, cb: (data: Buffer, sender: Sender) => void, keepFds?: boolean): DatagramHandle;
  closeDatagram(h: DatagramHandle): void;
  sendDatagram(path: string, data: Buffer): number;
  openDatagramSender(): number;
  sendDatagramAs(fd: number, path: string, data: Buffer, pid: number, uid: number, gid: number): number;
  inotifyOpen(cb: (events: number[]) => void): InotifyHandle;
  inotifyAddWatch(h: InotifyHandle, path: string, mask: number): number;
  inotifyClose(h: InotifyHandle): void;
  keepAcrossExec(fd: number): number;
  execve(path: string, argv: readonly string[], envp: readonly string[]): never;
  mapShared(fd: number, length: number): ArrayBuffer;
  unmap(map: ArrayBuffer): void;
  allocate(fd: number, offset: number, length: number): number;
  sigbusCount(): number;
  populate(map: ArrayBuffer, offset: number, length: number): number;
  journalBind(...args: JournalBinding): NativeJournalHandle;
  journalAppendLines(
    handle: NativeJournalHandle, ords: Int32Array, prefix: Buffer, fieldOff: number, chunk: Buffer, bounds: Int32Array, from: number, count: number, maxEnd: number,
    realtime?: number, monotonic?: number,
  ): number;
  listenSocket(spec: ListenSpec): number;
  makeFifo(path: string, mode: number): number;
  listenNetlink(protocol: number, group: number, passCredentials: boolean): number;
  openMessageQueue(path: string, mode: number): number;
  unlinkMessageQueue(path: string): number;
  watchReadable(fd: number, cb: (status: number) => void): ReadableWatch;
  unwatch(h: ReadableWatch): void;
  acceptConnection(fd: number): AcceptedConnection | null;
  lgetxattr(path: string, name: string): Buffer | null;
  lsetxattr(path: string, name: string, value: Buffer): void;
  lremovexattr(path: string, name: string): boolean;
  llistxattr(path: string): string[];
  inodeFlags(path: string): number;
  setInodeFlags(path: string, flags: number): void;
}

/** Where `npm install` (node-gyp) puts the addon. */
export const ADDON_PATH = join(PACKAGE_ROOT, 'build', 'Release', 'svcd_native.node');

const require = createRequire(import.meta.url);
let addon: Addon | undefined;
function load(): Addon {
  if (addon) return addon;
  const a = require(ADDON_PATH) as Addon;
  if (a.sigrtmin() !== SIGRTMIN) {
    process.emitWarning(`svcd_native: this libc's SIGRTMIN is ${a.sigrtmin()}, not ${SIGRTMIN}; real-time signal names will be off`);
  }
  addon = a;
  return a;
}

function isFailure(e: unknown): e is NativeSpawnFailure {
  return typeof e === 'object' && e !== null && typeof (e as { stage?: unknown }).stage === 'string' && typeof (e as { exitCode?: unknown }).exitCode === 'number';
}

function checkString(what: string, s: string): void {
  // C strings end at the first NUL: a value with one would run something other than asked.
  if (s.includes('\0')) throw new TypeError(`spawn: ${what} contains a NUL byte`);
}

/**
 * Starts a process with the exec context applied between clone and exec. Returns its pid; exits
 * come through the reaper. Throws SpawnError when a setup step fails, TypeError for a bad spec.
 */
export function spawn(spec: SpawnSpec): number {
  checkString('file', spec.file);
  spec.argv.forEach((a) => checkString('argv', a));
  spec.envp.forEach((e) => checkString('envp', e));
  if (spec.cwd !== undefined) checkString('cwd', spec.cwd);
  if (spec.rootDirectory !== undefined) checkString('rootDirectory', spec.rootDirectory);
  const { fds, rlimits, ...rest } = spec;
  const native: NativeSpec = {
    ...rest,
    ...(fds ? { stdio: fds.map((f) => (f === 'null' ? -1 : f)) } : {}),
    ...(rlimits ? { rlimits: rlimits.map((l) => [RLIMIT_RESOURCE[l.resource], l.soft, l.hard] as const) } : {}),
  };
  try {
    return load().spawn(native);
  } catch (e) {
    if (isFailure(e)) throw new SpawnError(e.stage, e.errno, e.exitCode, e.pid, spec.file, e.reason);
    throw e;
  }
}

/**
 * A new network namespace (its loopback device up) or IPC namespace, as an fd for spawn()'s
 * netnsFd/ipcnsFd; the caller closes it. Throws a system error (code EPERM where the container
 * refuses to make one).
 */
export function newNamespace(type: 'net' | 'ipc'): number {
  return load().newNamespace(type);
}

/** The SysV IPC object kinds, by /proc/sysvipc's file name, as removeSysvIpc() numbers them. */
export const SYSV_IPC_KINDS = { shm: 0, sem: 1, msg: 2 } as const;

/** Removes a SysV IPC object (IPC_RMID); throws a system error with its errno. */
export function removeSysvIpc(kind: keyof typeof SYSV_IPC_KINDS, id: number): void {
  load().removeSysvIpc(SYSV_IPC_KINDS[kind], id);
}

// ---------------------------------------------------------------- reaping

/**
 * Collects every child that exits, orphans re-parented to this process included, and hands them
 * over in batches. One per process; start it before the first spawn. It keeps the loop alive.
 */
export function startReaper(onExits: (exits: readonly ChildExit[]) => void): void {
  load().startReaper(onExits);
}

/** One collection pass now (normally SIGCHLD triggers them). */
export function reapNow(): void {
  load().reapNow();
}

export function stopReaper(): void {
  load().stopReaper();
}

/** Makes orphaned descendants come back to this process (PR_SET_CHILD_SUBREAPER); 0 or an errno. */
export function setChildSubreaper(): number {
  return load().setChildSubreaper();
}

// ---------------------------------------------------------------- signals

/**
 * What a manager listens for (systemd(1) "Signals"): stop, reload, log level and the real-time
 * requests SIGRTMIN+0…+24 (halt, poweroff, reboot, …; +3 is the container stop signal).
 */
export const MANAGER_SIGNALS: readonly SignalName[] = [
  'SIGTERM', 'SIGINT', 'SIGHUP', 'SIGUSR1', 'SIGUSR2', 'SIGPWR', 'SIGWINCH',
  ...Array.from({ length: 25 }, (_, i) => `SIGRTMIN+${i}` as RealtimeSignalName),
];

export interface SignalWatch {
  close(): void;
}

/** A signal number; 0 is allowed (kill's existence check), watchers refuse it. */
function toNumber(sig: number | SignalName): number {
  const n = typeof sig === 'number' ? sig : signalNumber(sig);
  if (!Number.isInteger(n) || n < 0 || n > SIGRTMAX) throw new TypeError(`unknown signal ${String(sig)}`);
  return n;
}

/**
 * Installs handlers and calls onSignal(number, name) for each delivery, SIGRTMIN+n included (which
 * Node cannot catch). Being handled is also what lets a PID 1 of a namespace receive them at all.
 */
export function watchSignals(
  signals: readonly (number | SignalName)[],
  /** name: the C spelling, "SIGTERM", "SIGRTMIN+3" (signal_to_string() with "SIG"). */
  onSignal: (signum: number, name: string) => void,
): SignalWatch {
  const a = load();
  const numbers = signals.map(toNumber);
  const handles: NativeSignalHandle[] = [];
  try {
    for (const n of numbers) handles.push(a.watchSignal(n, (s) => onSignal(s, `SIG${signalToString(s)}`)));
  } catch (e) {
    handles.forEach((h) => a.unwatchSignal(h));
    throw e;
  }
  return { close: () => handles.splice(0).forEach((h) => a.unwatchSignal(h)) };
}

/** Closes every signal watcher and the reaper, so a process that is done can exit. */
export function stopWatching(): void {
  load().stopAll();
}

/** kill(2): 0 or an errno. A negative pid is a process group. */
export function kill(pid: number, sig: number | SignalName): number {
  return load().kill(pid, toNumber(sig));
}

/** killpg(3): 0 or an errno; refuses groups 0 and 1 (EINVAL), which would hit the caller or everything. */
export function killpg(pgid: number, sig: number | SignalName): number {
  return load().killpg(pgid, toNumber(sig));
}

/**
 * A pidfd for a process (close-on-exec): fd ≥ 0, or a negative errno (-ENOSYS on kernels before
 * 5.3, -ESRCH if it is gone). For our own children, open it right after spawn(): nothing can reap
 * the child in between. Close it with fs.closeSync.
 */
export function pidfdOpen(pid: number): number {
  return load().pidfdOpen(pid);
}

/** pidfd_send_signal(2): 0 or an errno (ESRCH once the process has exited). */
export function pidfdSendSignal(pidfd: number, sig: number | SignalName): number {
  return load().pidfdSendSignal(pidfd, toNumber(sig));
}

/** Who is at the other end of a connected AF_UNIX socket (SO_PEERCRED); throws on a bad fd. */
export function peerCredentials(fd: number): { readonly pid: number; readonly uid: number; readonly gid: number } {
  return load().peerCredentials(fd);
}

/** Whether two fds share one open file description (the fd store takes an fd once). */
export function sameFile(a: number, b: number): boolean {
  return load().sameFile(a, b);
}

/** Gives the pages malloc keeps free back to the kernel (malloc_trim); true if any were. */
export function mallocTrim(): boolean {
  return load().mallocTrim();
}

/**
 * Every process's /proc/PID/stat in one call: (pid, state's char code, ppid, pgid, sid, start time)
 * per process, six numbers each, leaving out the pids of `skip` (ascending); or the errno when svcd
 * could not look (proc-stat.ts reads it).
 */
export function procScan(skip?: Int32Array): Float64Array | number {
  return load().procScan(skip);
}

/** An anonymous pipe, both ends close-on-exec: [read, write]. Node cannot make one a child can inherit. */
export function pipe(options: { readonly nonBlockingRead?: boolean } = {}): readonly [number, number] {
  const [r, w] = load().pipe(options.nonBlockingRead ?? false);
  return [r, w];
}

// ---------------------------------------------------------------- shared file mappings

/**
 * The first `length` bytes of the file `fd` mapped shared, read-write (the journal writer's file):
 * stores land in the page cache, visible to every reader at once. Touch only bytes the file
 * really has (see allocate): anything else raises SIGBUS, which the addon absorbs (sigbusCount).
 */
export function mapShared(fd: number, length: number): ArrayBuffer {
  return load().mapShared(fd, length);
}

/** Unmaps a mapShared() buffer now; it reads as empty afterwards (never as freed memory). */
export function unmap(map: ArrayBuffer): void {
  load().unmap(map);
}

/** posix_fallocate(fd, offset, length): 0 or an errno (ENOSPC: the disk is full). */
export function allocate(fd: number, offset: number, length: number): number {
  return load().allocate(fd, offset, length);
}

/** Faults a range of a mapping in, writable, in one call (MADV_POPULATE_WRITE): 0 or an errno. */
export function populate(map: ArrayBuffer, offset: number, length: number): number {
  return load().populate(map, offset, length);
}

/** How many SIGBUS faults in mapped files were absorbed (file truncated under us, I/O error). */
export function sigbusCount(): number {
  return load().sigbusCount();
}

/**
 * What journalBind() takes: the fingerprint of the layout the writer reads (src/journal/layout.ts's
 * LAYOUT_ID; an addon built from another is refused), the journal writer's shared state, its
 * mapping, its data mirror, its boot id.
 */
export type JournalBinding = [
  layoutId: number, state: Float64Array, map: ArrayBuffer, dOff: Float64Array, dHashHi: Uint32Array, dHashLo: Uint32Array, dN: Uint32Array,
  dTail: Float64Array, dTailCap: Uint32Array, dTailUsed: Uint32Array, bootId: Buffer,
];
/** An opaque handle on a journal writer's bound state (native/journal.c). */
export type NativeJournalHandle = { readonly __nativeJournal: never };

/** Binds (again) the journal writer's arrays for journalAppendLines; rebind whenever one is replaced. */
export function journalBind(...args: JournalBinding): NativeJournalHandle {
  return load().journalBind(...args);
}

/**
 * Lines chunk[bounds[2i], bounds[2i+1]) for i in [from, from+count) appended in C (see
 * native/journal.c), each stamped with the clocks as it goes in, or with `realtime`/`monotonic`
 * when given: returns how many; state[S.REASON] says why it stopped (layout.ts's NativeStop).
 */
export function journalAppendLines(
  handle: NativeJournalHandle, ords: Int32Array, prefix: Buffer, fieldOff: number, chunk: Buffer, bounds: Int32Array, from: number, count: number, maxEnd: number,
  realtime?: number, monotonic?: number,
): number {
  return realtime === undefined || monotonic === undefined
    ? load().journalAppendLines(handle, ords, prefix, fieldOff, chunk, bounds, from, count, maxEnd)
    : load().journalAppendLines(handle, ords, prefix, fieldOff, chunk, bounds, from, count, maxEnd, realtime, monotonic);
}

// ---------------------------------------------------------------- daemon-reexec

/** Clears FD_CLOEXEC so `fd` survives execve(); 0 or an errno. */
export function keepAcrossExec(fd: number): number {
  return load().keepAcrossExec(fd);
}

/** Replaces this process's image (same pid, same children); returns only by throwing. */
export function execve(path: string, argv: readonly string[], envp: readonly string[]): never {
  return load().execve(path, argv, envp);
}

// ---------------------------------------------------------------- datagrams

/**
 * Binds an AF_UNIX datagram socket at `path` ("@name" for the abstract namespace; a stale socket
 * file is replaced) and delivers every datagram whole, with its sender's credentials:
 * NOTIFY_SOCKET, /dev/log, the journal socket.
 */
/** `keepFds`: fds passed with a datagram reach `onDatagram` (sender.fds), which must keep or close them. */
export function bindDatagram(path: string, onDatagram: (data: Buffer, sender: Sender) => void, keepFds = false): DatagramHandle {
  return load().bindDatagram(path, onDatagram, keepFds);
}

export function closeDatagram(h: DatagramHandle): void {
  load().closeDatagram(h);
}

/** Sends one datagram to a unix socket path, as sd_notify does; 0 or an errno. */
export function sendDatagram(path: string, data: Buffer): number {
  return load().sendDatagram(path, data);
}

/** An unbound non-blocking datagram socket for sendDatagramAs(): its fd, or -errno. */
export function openDatagramSender(): number {
  return load().openDatagramSender();
}

/**
 * One datagram on `fd` to the socket at `path`, with the credentials of the process it comes from
 * (pid 0: none; one that is gone becomes svcd's own); 0 or an errno (EAGAIN: the reader is behind).
 */
export function sendDatagramAs(fd: number, path: string, data: Buffer, from: { pid: number; uid: number; gid: number }): number {
  return load().sendDatagramAs(fd, path, data, from.pid, from.uid, from.gid);
}

// ---------------------------------------------------------------- socket units

/** What listenSocket() binds: one Listen…= line with the socket unit's options. */
export interface ListenSpec {
  readonly type: 'stream' | 'dgram' | 'seqpacket';
  readonly family: 'inet' | 'inet6' | 'unix' | 'vsock';
  readonly host?: string;
  readonly port?: number;
  /** unix: an absolute path or "@abstract". */
  readonly path?: string;
  readonly cid?: number;
  readonly backlog?: number;
  readonly bindIPv6Only?: 'default' | 'both' | 'ipv6-only';
  readonly reusePort?: boolean;
  readonly freeBind?: boolean;
  readonly keepAlive?: boolean;
  readonly noDelay?: boolean;
  readonly passCredentials?: boolean;
  readonly passSecurity?: boolean;
  /** Told "SO_PASSSEC failed: …" for an option the kernel refused, which systemd only warns about. */
  readonly warn?: (text: string) => void;
}

declare const watchBrand: unique symbol;
export type ReadableWatch = { readonly [watchBrand]: true };

/** A connection accept4() took, with its endpoints as systemd names instances after them. */
export interface AcceptedConnection {
  readonly fd: number;
  readonly family: 'inet' | 'unix' | 'vsock';
  /** inet: "a.b.c.d:port" or "v6text:port"; vsock: "cid:port"; unix: "". */
  readonly local: string;
  readonly remote: string;
  /** unix: the peer's credentials (SO_PEERCRED). */
  readonly pid?: number;
  readonly uid?: number;
}

/** socket() + the options + bind() + listen(); throws an errno error naming the syscall that failed. */
export function listenSocket(spec: ListenSpec): number {
  return load().listenSocket(spec);
}

/** A FIFO at `path` (made with `mode` if absent), opened read-write and non-blocking. */
export function makeFifo(path: string, mode: number): number {
  return load().makeFifo(path, mode);
}

/** ListenNetlink=: a raw netlink socket of `protocol` bound to the multicast groups `group`; throws with .syscall/.errno. */
export function listenNetlink(protocol: number, group: number, passCredentials: boolean): number {
  return load().listenNetlink(protocol, group, passCredentials);
}

/** ListenMessageQueue=: mq_open(path, O_RDONLY|O_CREAT) with `mode`; throws with .syscall/.errno. */
export function openMessageQueue(path: string, mode: number): number {
  return load().openMessageQueue(path, mode);
}

/** mq_unlink(): 0 or an errno. */
export function unlinkMessageQueue(path: string): number {
  return load().unlinkMessageQueue(path);
}

/** Calls `cb` while `fd` is readable (level-triggered) until unwatch(); the fd stays the caller's. */
export function watchReadable(fd: number, cb: (status: number) => void): ReadableWatch {
  return load().watchReadable(fd, cb);
}

export function unwatch(h: ReadableWatch): void {
  load().unwatch(h);
}

/** One waiting connection (a blocking fd), or null when none waits. */
export function acceptConnection(fd: number): AcceptedConnection | null {
  return load().acceptConnection(fd);
}

/** The envp entry the spawned child replaces with its own pid (sd_listen_fds(3)'s LISTEN_PID=). */
export const LISTEN_PID_PLACEHOLDER = 'LISTEN_PID=??????????';

// ---------------------------------------------------------------- inotify

/** An inotify instance on the loop; `onEvents` gets each wakeup's events as [wd, mask, wd, mask, …]. */
export function inotifyOpen(onEvents: (events: number[]) => void): InotifyHandle {
  return load().inotifyOpen(onEvents);
}

/** inotify_add_watch(): the watch descriptor, or -errno (ENOENT: a component is missing). */
export function inotifyAddWatch(h: InotifyHandle, path: string, mask: number): number {
  return load().inotifyAddWatch(h, path, mask);
}

export function inotifyClose(h: InotifyHandle): void {
  load().inotifyClose(h);
}

// ---------------------------------------------------------------- xattrs and inode flags

/** lgetxattr(): the value, or null when the attribute is not set. Throws (with .errno) otherwise. */
export function lgetxattr(path: string, name: string): Buffer | null {
  return load().lgetxattr(path, name);
}

/** lsetxattr(): a link's own attributes, never its target's. */
export function lsetxattr(path: string, name: string, value: Buffer): void {
  load().lsetxattr(path, name, value);
}

/** lremovexattr(): false when it was not set or the file system keeps none; throws on any other failure. */
export function lremovexattr(path: string, name: string): boolean {
  return load().lremovexattr(path, name);
}

export function llistxattr(path: string): string[] {
  return load().llistxattr(path);
}

/** FS_IOC_GETFLAGS on the path, not following a final link (chattr's flags). */
export function inodeFlags(path: string): number {
  return load().inodeFlags(path);
}

/** FS_IOC_SETFLAGS on the path, not following a final link. */
export function setInodeFlags(path: string, flags: number): void {
  load().setInodeFlags(path, flags);
}
