/**
 * One module per unit type behind one interface (systemd's unit vtable): the engine calls these
 * hooks and reads these flags, and never asks which type a unit is.
 *
 * Contract for a kind: it changes a unit's state only through ctx.setState(), naming one of its
 * own sub-states; the engine derives ActiveState from the kind's table, disarms the unit's timers
 * and settles jobs from that. A hook never calls back into the engine synchronously otherwise
 * (requests for jobs are queued).
 */
import type { ManagerLimits } from '../unit/manager-limits.js';
import type { GraphUnit } from '../graph/graph.js';
import type { JobMode } from '../shared/job-mode.js';
import type { Unit } from '../unit/model.js';
import type { ExecCommand } from '../unit/values/index.js';
import type { CommandStatus, ExecStatus, Timestamp, UnitResult } from './api.js';
import type { ActiveState, JobType } from './job.js';
import type { ActivationFd, ChildExitEvent, Connection, InotifyWatcher, ListenFailure, ListenRequest, PidFileContent, SignalName, SocketOptions, TimerHandle } from './system.js';
import type { TimerSpec } from './kinds/timer/spec.js';
import type { PathSpec } from './kinds/path/spec.js';
import type { TasksMax } from '../shared/cgroup-values.js';

export type { UnitResult };

/**
 * A unit as the engine runs it. Written only by the engine (sub-state) and its kind (pids,
 * results, `state`). S: the kind's own per-unit state, typed by the kind that made it.
 */
export interface UnitRuntime<S = unknown> {
  readonly id: string;
  readonly model: EngineUnit;
  readonly kind: UnitKind;
  readonly subState: string;
  readonly activeState: ActiveState;
  result: UnitResult;
  mainPid: number;
  controlPid: number;
  /** The main process's last run (ExecMainPID=, ExecMainCode=, …). */
  execMain: ExecStatus;
  /** Exec*= lines by directive ("ExecStart", …) with their last runs. */
  commands: Record<string, CommandStatus[]>;
  nRestarts: number;
  statusText: string;
  statusErrno: number;
  invocationId: string;
  /** The last start was refused by the start limit (systemd's start_limit_hit): a socket that triggers it gives up. */
  startLimitHit?: boolean;
  /** CLOCK_MONOTONIC µs of the last move out of / into inactive-or-failed (0n: never): what OnUnitActiveSec= and OnUnitInactiveSec= count from. */
  readonly inactiveExitUs: bigint;
  readonly inactiveEnterUs: bigint;
  /** The kind's own bookkeeping (which ExecStart= line runs, …), made by its newState(). */
  readonly state: S;
  /** Description= for this run-time only: an Accept=yes instance's, named after its peer. */
  description?: string;
}

/** One command line of a service as the kind runs it. */
export interface ServiceCommand {
  /** argv[0] is the program path. */
  readonly argv: readonly string[];
  /** "-": a failure does not fail the unit. */
  readonly ignoreFailure: boolean;
  /** "+": run with full privileges. */
  readonly privileged: boolean;
  /** The parsed command from the unit file (absent for fake units). */
  readonly source?: ExecCommand;
}

export type ServiceType = 'simple' | 'exec' | 'oneshot' | 'forking' | 'notify' | 'notify-reload' | 'dbus' | 'idle';
export type RestartPolicy = 'no' | 'on-success' | 'on-failure' | 'on-abnormal' | 'on-watchdog' | 'on-abort' | 'always';
export type KillMode = 'control-group' | 'mixed' | 'process' | 'none';
export type TimeoutFailureMode = 'terminate' | 'abort' | 'kill';

/** A service's settings, as far as the engine's service kind acts on them (systemd.service(5), .kill(5)). */
export interface ServiceSpec {
  readonly type: ServiceType;
  readonly execCondition?: readonly ServiceCommand[];
  readonly execStartPre?: readonly ServiceCommand[];
  readonly execStart: readonly ServiceCommand[];
  readonly execStartPost?: readonly ServiceCommand[];
  readonly execReload?: readonly ServiceCommand[];
  readonly execStop?: readonly ServiceCommand[];
  readonly execStopPost?: readonly ServiceCommand[];
  readonly remainAfterExit: boolean;
  /** OOMPolicy=; undefined: the manager's default (stop). */
  readonly oomPolicy?: 'continue' | 'stop' | 'kill';
  /** undefined: the manager's default (DefaultTimeoutStartSec=; none for oneshot); Infinity: none. */
  readonly timeoutStartMs?: number;
  readonly timeoutStopMs?: number;
  readonly timeoutAbortMs?: number;
  /** Exit codes and signals that count as success besides 0 and SIGHUP/INT/TERM/PIPE. */
  readonly successExitStatus?: readonly number[];
  readonly successExitSignals?: readonly number[];
  readonly restart?: RestartPolicy;
  /** RestartSec=; undefined: the manager's DefaultRestartSec=. */
  readonly restartMs?: number;
  readonly restartPreventExitStatus?: readonly number[];
  readonly restartPreventExitSignals?: readonly number[];
  readonly restartForceExitStatus?: readonly number[];
  readonly restartForceExitSignals?: readonly number[];
  readonly pidFile?: string;
  readonly guessMainPid?: boolean;
  /** FileDescriptorStoreMax=: how many fds FDSTORE=1 may leave with the manager (0: none). */
  readonly fileDescriptorStoreMax?: number;
  /** NotifyAccess=; undefined: main for notify types, else none. */
  readonly notifyAccess?: 'none' | 'main' | 'exec' | 'all';
  readonly permissionsStartOnly?: boolean;
  readonly killMode?: KillMode;
  readonly killSignal?: number;
  readonly restartKillSignal?: number;
  readonly finalKillSignal?: number;
  readonly sendSIGHUP?: boolean;
  readonly sendSIGKILL?: boolean;
  /** StartLimitIntervalSec=/StartLimitBurst=; undefined: the manager's defaults. */
  readonly startLimitIntervalMs?: number;
  readonly startLimitBurst?: number;
  /** WatchdogSec= (or the WATCHDOG_USEC= a service sent, which overrides it for the run). */
  readonly watchdogMs?: number;
  /** WatchdogSignal=: what stop-watchdog/final-watchdog send (SIGABRT by default). */
  readonly watchdogSignal?: number;
  /** RuntimeMaxSec=: how long the service may be active (running) before it is stopped with Result=timeout. */
  readonly runtimeMaxMs?: number;
  /** TimeoutStartFailureMode=/TimeoutStopFailureMode= (systemd.service(5)); undefined: terminate. */
  readonly timeoutStartFailureMode?: TimeoutFailureMode;
  readonly timeoutStopFailureMode?: TimeoutFailureMode;
}

/** A socket's settings, as far as the engine's socket kind acts on them (systemd.socket(5)). */
export interface SocketSpec {
  readonly listen: readonly ListenRequest[];
  readonly accept: boolean;
  /** The service Accept=no activates (Service= or NAME.service). */
  readonly service: string;
  readonly options: SocketOptions;
  /** FileDescriptorName=; undefined: the socket unit's name. */
  readonly fileDescriptorName?: string;
  readonly execStartPre: readonly ServiceCommand[];
  readonly execStartPost: readonly ServiceCommand[];
  readonly execStopPre: readonly ServiceCommand[];
  readonly execStopPost: readonly ServiceCommand[];
  readonly maxConnections: number;
  readonly maxConnectionsPerSource: number;
  /** TimeoutSec=; undefined: the manager's DefaultTimeoutStartSec=. */
  readonly timeoutMs?: number;
  readonly triggerLimitIntervalMs: number;
  readonly triggerLimitBurst: number;
}

/** What the engine knows about a loaded unit: the graph's view plus what the kinds run. */
export interface EngineUnit extends GraphUnit {
  readonly description?: string;
  readonly serviceSpec?: ServiceSpec;
  readonly socketSpec?: SocketSpec;
  /** Timers: their elapse settings (src/engine/kinds/timer). */
  readonly timerSpec?: TimerSpec;
  /** Paths: what they watch (src/engine/kinds/path). */
  readonly pathSpec?: PathSpec;
  /** The loaded model, for the native system (exec context) and the status snapshot. */
  readonly source?: Unit;
  /** SuccessAction=, FailureAction=, with their exit statuses (systemd.unit(5)). */
  readonly successAction?: string;
  readonly failureAction?: string;
  readonly startLimitAction?: string;
  readonly successActionExitStatus?: number;
  readonly failureActionExitStatus?: number;
}

/** The manager's defaults from system.conf ([Manager] Default*=), in milliseconds. */
export interface ManagerDefaults {
  readonly timeoutStartMs: number;
  readonly timeoutStopMs: number;
  readonly timeoutAbortMs?: number;
  readonly restartMs: number;
  readonly startLimitIntervalMs: number;
  readonly startLimitBurst: number;
  /** Where services send sd_notify messages (NOTIFY_SOCKET), when svcd listens. */
  readonly notifySocket?: string;
  /** The kernel's task limit (TasksMax=N% is a share of it) and DefaultTasksMax=, for show's TasksMax=; undefined: not known. */
  readonly systemTasksMax?: bigint;
  readonly defaultTasksMax?: TasksMax;
  /** DefaultOOMPolicy=; undefined: stop. */
  readonly oomPolicy?: 'continue' | 'stop' | 'kill';
  /** DefaultLimit*=: what a unit's processes get for the limits it does not set (src/unit/manager-limits.ts). */
  readonly limits?: ManagerLimits;
}

export const DEFAULT_MANAGER_DEFAULTS: ManagerDefaults = {
  timeoutStartMs: 90_000, timeoutStopMs: 90_000, restartMs: 100, startLimitIntervalMs: 10_000, startLimitBurst: 5,
};

export interface SpawnOptions {
  readonly role: 'main' | 'control';
  readonly privileged?: boolean;
  readonly extraEnv?: Readonly<Record<string, string>>;
}

/**
 * A spawn that failed before the program ran: systemd's exit status for the failed step, or, with
 * `resources`, no process at all (the manager lacked an fd, memory or a pid; status 0).
 */
export interface SpawnFailed {
  readonly failed: true;
  readonly status: number;
  readonly message: string;
  readonly resources?: true;
}

/** Who sent an sd_notify message, as the kernel vouches for it; uid -1 when unknown. */
export interface NotifySender {
  readonly pid: number;
  readonly uid: number;
  /** The fds the message carried (FDSTORE=1): those notify() does not keep are closed after it. */
  readonly fds: readonly number[];
}

/**
 * Everything a kind may do: the engine's bookkeeping (states, timers, jobs, log) and the few
 * questions and actions on the machine a kind needs, the System behind them hidden.
 */
export interface KindContext {
  readonly defaults: ManagerDefaults;
  /** Monotonic time in ms (deadlines that outlive a state: the watchdog's, RuntimeMaxSec='s). */
  now(): number;
  setState(u: UnitRuntime, subState: string): void;
  /** A timer that belongs to the unit's current state: setState() cancels it. */
  stateTimer(u: UnitRuntime, ms: number, fn: () => void): TimerHandle;
  spawn(u: UnitRuntime, cmd: ServiceCommand, opts: SpawnOptions): number | SpawnFailed;
  kill(u: UnitRuntime, pid: number, signal: SignalName | number): void;
  /**
   * Every live process of the unit (for KillMode=control-group), found from the pids the kind
   * knows; `fresh` when a decision rests on the answer ("nothing is left").
   */
  processes(u: UnitRuntime, known: readonly number[], fresh?: boolean): readonly number[];
  /** Children of svcd no unit claims (a daemon that left its session before its PID file named it). */
  strayProcesses(): readonly number[];
  /** The unit that has `pid` as its main or control process, if any. */
  ownerOf(pid: number): string | undefined;
  /** Whether `pid` is a live process (not gone, not a zombie). */
  isAlive(pid: number): boolean;
  /** Whether `pid`'s parent is the manager (systemd's pid_is_my_child). */
  isManagerChild(pid: number): boolean;
  /** A PIDFile='s pid and owner (undefined when absent or unusable). */
  readPidFile(path: string): PidFileContent | undefined;
  /** The unit's run is over: what was made for it (PrivateTmp=, its cgroup) goes. */
  releaseRuntime(u: UnitRuntime): void;
  /** A slice started: its cgroup is made (System.realizeSlice). */
  realizeSlice(u: UnitRuntime): void;
  /** Processes of the unit the kernel's OOM killer killed since the last call. */
  takeOomKills(u: UnitRuntime): number;
  /** Queues a job for the unit (an automatic restart); it runs once the current event settles. */
  requestJob(u: UnitRuntime, type: JobType, mode: JobMode): void;
  /** Socket units' fds (System.openListeners and the rest, see there). */
  openListeners(u: UnitRuntime, listen: readonly ListenRequest[], opts: SocketOptions): readonly number[] | ListenFailure;
  closeListeners(fds: readonly number[], listen: readonly ListenRequest[], opts: SocketOptions): void;
  watchReadable(u: UnitRuntime, fds: readonly number[], fn: (index: number) => void): TimerHandle;
  acceptConnection(fd: number): Connection | undefined;
  closeFd(fd: number): void;
  /** Whether two fds share one open file description (the fd store keeps each once). */
  sameFile(a: number, b: number): boolean;
  /**
   * Accept=yes: `instance` (a service) is started for one connection, which it gets as its only
   * fd; the socket is told of the instance's state changes (triggerNotify) from now on.
   */
  startConnection(u: UnitRuntime, instance: string, conn: Connection): void;
  /**
   * daemon-reexec: an instance started for a connection before it, if it still runs, is tied to
   * the socket again (Before=, Triggers=: triggerNotify follows its state); false when it is down.
   */
  adoptConnection(u: UnitRuntime, instance: string): boolean;
  timestamp(): Timestamp;
  log(u: UnitRuntime, text: string): void;
  /** Whether the unit named is loaded (a socket's service must be, for it to start). */
  unitLoaded(name: string): boolean;
  /** When the manager started (systemd's userspace timestamp): OnStartupSec= counts from it. */
  readonly userspace: Timestamp;
  /** The unit a timer/socket/path activates (Triggers=), as the engine runs it; undefined when not loaded. */
  triggered(u: UnitRuntime): UnitRuntime | undefined;
  /** Queues a job for another unit (a timer starting its service); it runs once the current event settles. */
  requestUnitJob(unit: string, type: JobType, mode: JobMode): void;
  /** Persistent= timers: the realtime µs of the stamp's last trigger (undefined: no stamp), and writing it. */
  readTimerStamp(u: UnitRuntime): bigint | undefined;
  writeTimerStamp(u: UnitRuntime, realtimeUs: bigint): void;
  /** Path units: an inotify instance whose events reach `onEvents` guarded; undefined: none here. */
  inotify(u: UnitRuntime, onEvents: (events: readonly number[]) => void): InotifyWatcher | undefined;
}

export interface UnitKind<S = unknown> {
  readonly type: GraphUnit['type'];
  /** The sub-state → ActiveState table (systemd's state_translation_table). */
  readonly states: Readonly<Record<string, ActiveState>>;
  readonly initialState: string;
  /** A fresh per-unit state for a unit of this kind (UnitRuntime.state). */
  newState(): S;
  canStart(u: EngineUnit): boolean;
  canReload(u: EngineUnit): boolean;
  /** Begin starting; report progress through setState(). 'failed': refused before any state change (the job fails, the unit stays). */
  start(u: UnitRuntime<S>, ctx: KindContext): void | 'failed';
  /** Begin stopping. `restart`: the stop is the first half of a restart (RestartKillSignal=). */
  stop(u: UnitRuntime<S>, ctx: KindContext, restart?: boolean): void;
  reload?(u: UnitRuntime<S>, ctx: KindContext): void;
  /** Whether the last reload succeeded (asked when the unit leaves "reloading"). */
  reloadSucceeded?(u: UnitRuntime<S>): boolean;
  childExit?(u: UnitRuntime<S>, e: ChildExitEvent, ctx: KindContext): void;
  /** An sd_notify message from `sender`, a process the engine found to be the unit's main or control process. */
  notify?(u: UnitRuntime<S>, sender: NotifySender, message: string, ctx: KindContext): ReadonlySet<number> | void;
  /** A unit this one triggers (Triggers=) changed state (systemd's trigger_notify). */
  triggerNotify?(u: UnitRuntime<S>, other: UnitRuntime, ctx: KindContext): void;
  /** Forget a failed state (reset-failed): failed → the initial state. */
  resetFailed?(u: UnitRuntime<S>, ctx: KindContext): void;
  /**
   * daemon-reexec: the kind's private bookkeeping as plain JSON, and back in the next svcd
   * (systemd's serialize/deserialize_item). Only settled units are carried over.
   */
  serialize?(u: UnitRuntime<S>): unknown;
  deserialize?(u: UnitRuntime<S>, saved: unknown): void;
  /**
   * After daemon-reexec restored every unit: take up what the restored state needs besides its
   * processes (systemd's coldplug) — a waiting timer's OS timer, a path unit's watches, a
   * socket's watch on its inherited fds.
   */
  coldplug?(u: UnitRuntime<S>, ctx: KindContext): void;
  /**
   * After daemon-reload gave the unit its newly read model: act on the new settings (systemd
   * coldplugs every unit after its reload, so e.g. a waiting path unit watches the paths its file
   * names now, not those it named before).
   */
  reloaded?(u: UnitRuntime<S>, ctx: KindContext): void;
  /** The unit's own fd store (FDSTORE=1), handed back to its main process after its sockets' fds. */
  storedFds?(u: UnitRuntime<S>): readonly ActivationFd[];
  /** The fds this unit hands to a service it activates (socket_collect_fds), in order. */
  collectFds?(u: UnitRuntime<S>): readonly ActivationFd[];
  /** Accept=yes: the connection fd this unit accepted for the instance `unit`, while that instance is up. */
  connectionFd?(u: UnitRuntime<S>, unit: string): number | undefined;
}
