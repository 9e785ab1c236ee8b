/**
 * Every side effect the engine has, behind one interface (the idea of dinit's bp_sys): processes,
 * signals, time. The engine owns this interface and calls nothing else; src/host implements it
 * over the real machine (NativeSystem, which svcd wires in) and tests implement it with a fake
 * clock and scripted processes (test/support/fake-system.ts). Every method is required, so the
 * engine never guesses what a missing one would have said.
 */
import type { StandardSignalName } from '../shared/signal.js';
import type { ExecCommand } from '../unit/values/index.js';
import type { SocketListen, SocketSection, Unit } from '../unit/model.js';

export interface SpawnRequest {
  readonly unit: string;
  /** argv[0] is the program path. */
  readonly argv: readonly string[];
  /** main: the service's main process; control: ExecStartPre=/ExecReload=/… helpers. */
  readonly role: 'main' | 'control';
  /** The command as the unit file has it (prefix flags included), when it came from one. */
  readonly command?: ExecCommand;
  /** The loaded unit, for its exec context (User=, Environment=, Limit*=, …). */
  readonly source?: Unit;
  /** Run with full privileges ("+" prefix, PermissionsStartOnly= for non-main commands). */
  readonly privileged?: boolean;
  /** Variables the manager adds (MAINPID, SERVICE_RESULT, NOTIFY_SOCKET, …). */
  readonly extraEnv?: Readonly<Record<string, string>>;
  readonly invocationId?: string;
  /** Socket activation: fds for 3, 4, … with their names (LISTEN_FDS, LISTEN_FDNAMES, LISTEN_PID). */
  readonly activationFds?: readonly ActivationFd[];
  /** Accept=yes: the connection, also stdin/stdout where StandardInput=socket. */
  readonly socketFd?: number;
}

/** A listening (or connection) fd handed to a service, with its sd_listen_fds_with_names(3) name. */
export interface ActivationFd {
  readonly fd: number;
  readonly name: string;
}

/** One Listen…= line to open (as the model holds it: the address as written, parsed for sockets). */
export type ListenRequest = SocketListen;

/** A socket unit's settings as far as opening its fds goes (systemd.socket(5)). */
export type SocketOptions = Pick<SocketSection,
  | 'backlog' | 'bindIPv6Only' | 'reusePort' | 'freeBind' | 'keepAlive' | 'noDelay' | 'passCredentials' | 'passSecurity'
  | 'socketMode' | 'directoryMode' | 'socketUser' | 'socketGroup' | 'symlinks' | 'removeOnStop'>;

/** Why a socket unit's fds could not be opened: systemd's message naming the address, and strerror() alone. */
export interface ListenFailure {
  readonly error: string;
  readonly reason: string;
}

/** An accepted connection: its fd and the part of the instance name systemd makes from it (instance_from_socket). */
export interface Connection {
  readonly fd: number;
  /** "LOCAL-REMOTE" for IP and vsock, "PID-UID" for unix sockets. */
  readonly endpoints: string;
  /** The peer's address without its port (IP, vsock), what MaxConnectionsPerSource= counts by. */
  readonly source?: string;
  /** The peer as systemd describes it ("PID 13/UID 0", "[::1]:4711", "127.0.0.1:4711"): the instance's description. */
  readonly peer: string;
}

/** A process that could not be started: systemd's exit status for the step that failed (203/EXEC …). */
export class SpawnFailure extends Error {
  constructor(
    message: string,
    /** 200…243, as systemd.exec(5) "Process exit codes" lists them. */
    readonly status: number,
  ) {
    super(message);
  }
}

/**
 * The manager could not make the process at all: no file descriptor, memory or pid for it (pipe2,
 * clone). There is no exit status — systemd logs "Failed to run 'start' task: …" and fails the
 * unit with result 'resources' — and the manager goes on: the next try may well succeed.
 */
export class SpawnResourceFailure extends Error {
  constructor(
    /** strerror() of what failed, systemd's %m. */
    readonly reason: string,
  ) {
    super(reason);
  }
}

export interface ChildExitEvent {
  readonly pid: number;
  /** Exit status when the process exited, else 0. */
  readonly code: number;
  /** Terminating signal number, 0 when it exited. */
  readonly signal: number;
  readonly coreDumped?: boolean;
}

/** A unit's use of resources as its cgroups count it; a figure the controllers do not give is absent. */
export interface ResourceUsage {
  readonly memoryCurrent?: bigint;
  readonly tasksCurrent?: bigint;
  readonly cpuUsageNSec?: bigint;
}

export interface TimerHandle {
  cancel(): void;
}

/** Signals the engine sends by name; the names and numbers are the shared table's (src/shared/signal.ts). */
export type SignalName = StandardSignalName;
export { SIGNALS as SIGNAL_NUMBERS } from '../shared/signal.js';

/**
 * What a PIDFile= says and who owns it: a pid outside the unit is believed only from a file root
 * owns (a service that can write the file could otherwise name any process for svcd to signal).
 */
export interface PidFileContent {
  readonly pid: number;
  readonly ownerUid: number;
  /** Reached through a symlink in a directory another user owns: who owns the file proves nothing. */
  readonly unsafeSymlinkChain: boolean;
}

export interface System {
  /** Monotonic time in milliseconds. */
  now(): number;
  /** Wall-clock time in µs since the epoch (for the Timestamps systemd shows). */
  realtimeUs(): bigint;
  setTimer(ms: number, fn: () => void): TimerHandle;
  /** Starts a process; returns its pid or throws (SpawnFailure with systemd's status when known). */
  spawn(req: SpawnRequest): number;
  /** Signals a process; a negative pid is its process group. */
  kill(pid: number, signal: SignalName | number): void;
  /**
   * Every live process that belongs to a unit (main, control, what they forked, daemons that left
   * its sessions included). `fresh`: a look at /proc from this turn of the event loop, not a cached one.
   */
  unitProcesses(unit: string, known: readonly number[], fresh?: boolean): readonly number[];
  /**
   * Children of svcd it did not start and no unit's INVOCATION_ID claims: a daemon whose parent
   * exited (reparented to svcd) before it could be told apart, e.g. nginx's master before its PID file.
   */
  strayProcesses(): readonly number[];
  /** Whether `pid` names a process that exists and has not exited (a zombie has). */
  isAlive(pid: number): boolean;
  /** Whether `pid`'s parent is svcd: started by it, or a daemon whose parent exited (reparented to svcd). */
  isManagerChild(pid: number): boolean;
  /** daemon-reexec: processes started by the previous svcd with this INVOCATION_ID are the unit's. */
  adoptInvocation(unit: string, invocationId: string): void;
  /** The unit a process was last seen to belong to (for orphans reaped after it died). */
  lastUnitOf(pid: number): string | undefined;
  /**
   * The unit a live process runs for: its cgroup's, else that of the process svcd started that it
   * descends from (what journald would name). Undefined when svcd cannot tell.
   */
  unitOfProcess(pid: number): { readonly unit: string } | undefined;
  /** A unit's run ended (dead, failed or before an automatic restart): drop what was made for it (PrivateTmp= directories). */
  releaseRuntime(unit: string): void;
  /**
   * A slice started: its cgroup directories are made now, not at its first unit's start, as
   * systemd realizes a slice's cgroup when the slice starts (releaseRuntime() removes them when it stops).
   */
  realizeSlice(slice: string): void;
  /**
   * Processes of the unit the kernel's OOM killer killed since the last call (its cgroup's memory
   * controller counts them); 0 without one.
   */
  takeOomKills(unit: string): number;
  /** What the unit's cgroups count (memory, tasks, CPU time), where svcd has accounting controllers; undefined otherwise. */
  resourceUsage(unit: string): ResourceUsage | undefined;
  /** The unit's cgroup (ControlGroup=), while it has one of its own; undefined without cgroups. */
  controlGroup(unit: string): string | undefined;
  /** A PIDFile='s pid and the file's owner; undefined when absent or unusable. */
  readPidFile(path: string): PidFileContent | undefined;
  /** Registers the handler for exits of processes the engine spawned (and orphans it reaped). */
  onChildExit(handler: (e: ChildExitEvent) => void): void;
  /**
   * Registers the handler for sd_notify datagrams: the sender's pid and uid as the kernel vouches
   * for them (SCM_CREDENTIALS; uid -1 when it sent none), the raw message, and the fds it carried
   * (SCM_RIGHTS), which the handler must keep or close.
   */
  onNotify(handler: (pid: number, message: string, uid: number, fds: readonly number[]) => void): void;
  /**
   * Opens a socket unit's fds in Listen…= order (parent directories, SocketMode=, owner and
   * Symlinks= included); on the first failure closes what it opened and returns the message.
   */
  openListeners(unit: string, listen: readonly ListenRequest[], opts: SocketOptions): readonly number[] | ListenFailure;
  /** Closes a socket unit's fds; RemoveOnStop= removes the file system nodes and symlinks too. */
  closeListeners(fds: readonly number[], listen: readonly ListenRequest[], opts: SocketOptions): void;
  /** Calls `fn` (with the fd's index) when one of the fds is readable, until the handle is cancelled. */
  watchReadable(fds: readonly number[], fn: (index: number) => void): TimerHandle;
  /** One waiting connection on a listening fd, or undefined. */
  acceptConnection(fd: number): Connection | undefined;
  closeFd(fd: number): void;
  /** Whether two fds share one open file description. */
  sameFile(a: number, b: number): boolean;
  /** Persistent= timers: the stamp file's time (realtime µs; undefined: none), and setting it (creating the file). */
  readTimerStamp(unit: string): bigint | undefined;
  writeTimerStamp(unit: string, realtimeUs: bigint): void;
  /** Path units: an inotify instance whose events come as [wd, mask, …] (absent: the system has none). */
  openInotify?(onEvents: (events: readonly number[]) => void): InotifyWatcher;
}

/** One inotify instance: add() answers the watch descriptor, or -errno; close() ends its watches. */
export interface InotifyWatcher {
  add(path: string, mask: number): number;
  close(): void;
}
