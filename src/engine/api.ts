/**
 * The manager as the outside sees it: what src/control (the socket behind svcctl) and src/dbus
 * (org.freedesktop.systemd1) ask of it, and nothing more. The engine's Manager implements
 * ManagerApi; control/ and dbus/ turn its snapshots into `svcctl show` properties, status pages
 * and D-Bus values, so all three speak systemd's words from one source.
 *
 * Snapshots are plain read-only data taken at the moment of the call: holding one never keeps
 * the engine from changing, and a caller can never change the engine through one.
 */
import type { Kind } from '../graph/atoms.js';
import type { JobMode } from '../shared/job-mode.js';
import type { Unit } from '../unit/model.js';
import type { ActiveState, JobResult, JobState, JobType, QueuedJobType } from './job.js';
import type { ManagerDefaults } from './unit-kind.js';
import type { ResourceUsage } from './system.js';

/** A point in time as systemd keeps it: wall clock and CLOCK_MONOTONIC, in µs; both 0n: never. */
export interface Timestamp {
  readonly realtimeUs: bigint;
  readonly monotonicUs: bigint;
}

export const NEVER: Timestamp = Object.freeze({ realtimeUs: 0n, monotonicUs: 0n });

/** systemd's Result= words (Unit.Result of services and the like). */
export type UnitResult =
  | 'success' | 'resources' | 'protocol' | 'timeout' | 'exit-code' | 'signal' | 'core-dump' | 'watchdog'
  | 'start-limit-hit' | 'exec-condition' | 'oom-kill' | 'trigger-limit-hit' | 'service-start-limit-hit';

/** si_code of a process exit, as ExecMainCode= prints it: 1 CLD_EXITED, 2 CLD_KILLED, 3 CLD_DUMPED; 0 not exited. */
export type ExitCode = 0 | 1 | 2 | 3;

/** One process run (ExecMainPID=/ExecMainCode=/…, and each ExecStart=/ExecStop=/… line's `{ pid=… }`). */
export interface ExecStatus {
  readonly pid: number;
  readonly start: Timestamp;
  readonly exit: Timestamp;
  readonly code: ExitCode;
  /** Exit status, or the signal number when killed/dumped. */
  readonly status: number;
}

/** One Exec*= command line and its last run (for `show`'s `ExecStart={ path=… ; argv[]=… ; … }`). */
export interface CommandStatus {
  readonly path: string;
  readonly argv: readonly string[];
  /** The `-` prefix. */
  readonly ignoreErrors: boolean;
  readonly run?: ExecStatus;
}

/**
 * A command line's record with its latest run: written out field by field, not spread, so that
 * every record shares one hidden class in V8 (copies spread at a site that has seen many shapes
 * got one each: a map and descriptors per command of every unit).
 */
export function withRun(c: CommandStatus, run: ExecStatus): CommandStatus {
  return { path: c.path, argv: c.argv, ignoreErrors: c.ignoreErrors, run };
}

export interface JobInfo {
  readonly id: number;
  readonly unit: string;
  readonly type: QueuedJobType;
  readonly state: JobState;
}

export interface UnitTimestamps {
  readonly inactiveExit: Timestamp;
  readonly activeEnter: Timestamp;
  readonly activeExit: Timestamp;
  readonly inactiveEnter: Timestamp;
  readonly stateChange: Timestamp;
  readonly condition: Timestamp;
  readonly assert: Timestamp;
}

/** A process of a unit as status lists it under CGroup: ("├─PID cmdline"). */
export interface ProcessInfo {
  readonly pid: number;
  /** /proc/PID/comm: what "Main PID: N (comm)" names. */
  readonly comm: string;
  /** The command line, words quoted where they hold blanks; '' once the process is gone. */
  readonly cmdline: string;
}

/** One dependency line of a unit: the line's name, the other unit, systemd's words for its origins. */
export interface DependencyLineInfo {
  readonly line: string;
  readonly unit: string;
  readonly origins: string;
}

/**
 * A unit now, as one immutable snapshot (src/engine/snapshot.ts makes it): its loaded model plus
 * its run-time state and everything `show`, `status` and D-Bus print, taken in one call so that a
 * request never goes back to the manager half-way through.
 */
export interface UnitStatus {
  readonly id: string;
  /** The loaded model (names, LoadState, FragmentPath, DropInPaths, every setting). */
  readonly model: Unit;
  /** Every edge the graph holds for the unit, implicit, default and reverse ones included, by kind. */
  readonly dependencies: Readonly<Partial<Record<Kind, readonly string[]>>>;
  /**
   * The unit's dependency lines as `analyze dump` prints them, with References=/ReferencedBy= and
   * InSlice=/SliceOf=: each with the other unit and where it came from ("origin-file destination-default").
   */
  readonly dependencyLines: readonly DependencyLineInfo[];
  readonly activeState: ActiveState;
  readonly subState: string;
  readonly result: UnitResult;
  readonly job?: JobInfo;
  readonly mainPid: number;
  readonly controlPid: number;
  /** The main process's last run (ExecMainPID=, ExecMainCode=, ExecMainStatus=, ExecMain*Timestamp=). */
  readonly execMain: ExecStatus;
  /** Exec*= lines by directive name ("ExecStart", "ExecStartPre", …), each with its last run. */
  readonly commands: Readonly<Record<string, readonly CommandStatus[]>>;
  readonly nRestarts: number;
  /** STATUS= and ERRNO= from sd_notify. */
  readonly statusText: string;
  readonly statusErrno: number;
  /** 32 lowercase hex digits, '' before the first start. */
  readonly invocationId: string;
  readonly timestamps: UnitTimestamps;
  readonly conditionResult: boolean;
  readonly assertResult: boolean;
  /** The condition that failed the last check, for status's "Condition: start condition failed at …". */
  readonly failedCondition?: { readonly kind: string; readonly parameter: string; readonly negate: boolean; readonly trigger: boolean };
  /** The unit's file or drop-ins changed on disk since they were loaded (NeedDaemonReload=). */
  readonly needDaemonReload: boolean;
  /** UnitFileState= ("enabled", "static", "generated", …; '' without a unit file). */
  readonly unitFileState: string;
  /** Every process svcd knows belongs to the unit (main, control and their descendants), by pid. */
  readonly processes: readonly ProcessInfo[];
  /** The unit's cgroup: its own where svcd has cgroups to give (src/exec/cgroup.ts), else where systemd puts it. */
  readonly controlGroup: string;
  /** What the unit's cgroups count, where svcd keeps accounting (cgroup v1 controllers). */
  readonly usage?: ResourceUsage;
  /** The manager's Default*= settings, which apply where the unit sets none (TimeoutStartUSec=, …). */
  readonly defaults: ManagerDefaults;
  /** Timers: their elapses and last trigger. */
  readonly timer?: TimerStatus;
  /** Sockets: their connection counters. */
  readonly socket?: SocketStatus;
  /** Services: how many fds their fd store holds (NFileDescriptorStore=). */
  readonly nFileDescriptorStore?: number;
}

/**
 * A socket's counters (NAccepted=, NConnections=, NRefused=; status's "Accepted: N; Connected: M;").
 * They outlive stop and start, as systemd's do: only a new manager starts them from zero.
 */
export interface SocketStatus {
  /** Connections accepted so far: an Accept=yes instance was started for each. */
  readonly nAccepted: number;
  /** Accepted connections whose instance still runs. */
  readonly nConnections: number;
  /** Connections closed at once, over MaxConnections= or MaxConnectionsPerSource=. */
  readonly nRefused: number;
}

/** One value of a timer as TimersMonotonic=/TimersCalendar= list it. */
export interface TimerValueStatus {
  /** OnActiveUSec, OnBootUSec, … (D-Bus's names) or OnCalendar. */
  readonly base: string;
  /** The time span (monotonic values) or the normalized calendar expression. */
  readonly usec: bigint;
  readonly calendar?: string;
  /** Its last computed elapse (µs, on its own clock; 0n: never computed). */
  readonly nextUs: bigint;
}

/** A timer's run-time view: the Timer interface's properties and list-timers. µs; USEC_INFINITY: not waiting. */
export interface TimerStatus {
  readonly nextElapseRealtimeUs: bigint;
  readonly nextElapseMonotonicUs: bigint;
  readonly lastTrigger: Timestamp;
  /** In the order systemd lists them (the reverse of the file's). */
  readonly values: readonly TimerValueStatus[];
}

/** systemctl is-system-running's words. */
export type SystemState = 'initializing' | 'starting' | 'running' | 'degraded' | 'maintenance' | 'stopping' | 'offline' | 'unknown';

export interface ManagerStatus {
  readonly version: string;
  readonly systemState: SystemState;
  /** The unit booted (--unit, default.target). */
  readonly bootUnit: string;
  readonly unitPath: readonly string[];
  readonly runtimeDir: string;
  /** Where the journal is written (for `svcctl logs` without -D). */
  readonly journalDir?: string;
  readonly nJobs: number;
  readonly nFailedUnits: number;
  /** The manager's environment block, as show-environment prints it (Manager.Environment). */
  readonly environment: readonly string[];
  readonly nNames: number;
  readonly userspaceTimestamp: Timestamp;
  /** When the boot finished (FinishTimestamp=): its job done and no job left; NEVER while booting. */
  readonly finishTimestamp: Timestamp;
  /** When the generators ran at startup (GeneratorsStartTimestamp=, …Finish…); NEVER where none ran. */
  readonly generatorsStartTimestamp: Timestamp;
  readonly generatorsFinishTimestamp: Timestamp;
  /** When the boot loaded its units (UnitsLoadStartTimestamp=, …Finish…): the boot transaction's building. */
  readonly unitsLoadStartTimestamp: Timestamp;
  readonly unitsLoadFinishTimestamp: Timestamp;
  /** The exit status svcd will end with, once set (svcctl exit N, SuccessAction=/FailureAction=exit). */
  readonly exitCode?: number;
  /** DefaultTimeoutStartSec= and the other Default*= settings in force. */
  readonly defaults: ManagerDefaults;
}

/** Why a request was refused, in words systemctl prints after "Failed to start X: ". */
export interface ManagerError {
  readonly code: 'no-such-unit' | 'load-failed' | 'bad-setting' | 'refused' | 'not-applicable' | 'conflicting-jobs' | 'cyclic' | 'destructive' | 'bad-mode' | 'masked' | 'no-such-process' | 'invalid' | 'busy';
  readonly message: string;
  /** The D-Bus error name where it is not the code's own (a unit that failed to load: named after its errno). */
  readonly busName?: string;
}

export type Enqueued =
  | { readonly ok: true; readonly job: JobInfo; readonly done: Promise<JobResult> }
  | { readonly ok: false; readonly error: ManagerError };

/**
 * The job types a client may ask for (systemctl's verbs map onto these): every type a transaction
 * takes, as systemd's EnqueueUnitJob() accepts its job_type_table names — try-reload included,
 * though no systemctl verb sends it — and the two verbs that reload a unit that can reload and
 * restart one that cannot. Not nop: it is the engine's, a request never names it.
 */
export type RequestedJobType = Exclude<JobType, 'nop'> | 'reload-or-restart' | 'try-reload-or-restart';

/** The one list of requested job types (a record, so that the compiler checks it is complete). */
const REQUESTED_JOB_TYPES: Readonly<Record<RequestedJobType, true>> = {
  start: true, stop: true, restart: true, 'try-restart': true, reload: true, 'try-reload': true,
  'reload-or-restart': true, 'try-reload-or-restart': true, 'verify-active': true, 'reload-or-start': true,
};

export function isRequestedJobType(s: string): s is RequestedJobType {
  return Object.hasOwn(REQUESTED_JOB_TYPES, s);
}

export type KillWhom = 'main' | 'control' | 'all';

export interface ManagerApi {
  status(): ManagerStatus;
  /** Loads the unit if it is not loaded yet (systemctl show of an unknown unit shows LoadState=not-found). */
  unit(name: string): UnitStatus;
  /** Every unit in memory (loaded, with a job, or referenced), as list-units sees them. */
  units(): readonly UnitStatus[];
  jobs(): readonly JobInfo[];
  /** `manual`: RefuseManualStart=/RefuseManualStop= apply (requests from svcctl are manual). */
  enqueue(name: string, type: RequestedJobType, mode: JobMode, manual: boolean): Enqueued;
  cancelJob(id: number): ManagerError | undefined;
  kill(name: string, whom: KillWhom, signal: number): ManagerError | undefined;
  resetFailed(name?: string): ManagerError | undefined;
  /** daemon-reload: re-read every unit from disk, keep what runs. */
  reload(): Promise<void>;
  /**
   * daemon-reexec: once this call has answered, svcd replaces itself with a fresh svcd that takes
   * every unit over as it is (their processes keep running). Refused while jobs run.
   */
  reexec(): ManagerError | undefined;
  /** Begin the orderly shutdown; svcd then exits with `exitCode` (svcctl exit N, poweroff, halt). */
  shutdown(how: 'exit' | 'poweroff' | 'halt' | 'reboot', exitCode?: number): void;
  /** Called for every change of state, job installed or finished (for --wait, list-jobs, D-Bus signals). */
  subscribe(listener: ManagerListener): () => void;
  /** The manager's environment block, NAME=value in show-environment's order (Manager.Environment). */
  environment(): readonly string[];
  /**
   * unset-environment, then set-environment, all or nothing (Manager.UnsetAndSetEnvironment; Set… and
   * Unset… are this with one list empty). Refused with code `invalid` and systemd's text.
   */
  setEnvironment(set: readonly string[], unset: readonly string[]): ManagerError | undefined;
}

export interface ManagerListener {
  unitChanged?(id: string): void;
  jobNew?(job: JobInfo): void;
  jobRemoved?(job: JobInfo, result: JobResult): void;
  /** The job's state moved (waiting → running). */
  jobChanged?(job: JobInfo): void;
  /** The unit was loaded into memory / garbage-collected from it (D-Bus UnitNew, UnitRemoved). */
  unitNew?(id: string): void;
  unitRemoved?(id: string): void;
  systemStateChanged?(state: SystemState): void;
}
