/**
 * The loaded unit: immutable, typed, every setting with the file:line it came from.
 * Built by load.ts from a UnitSource through the directive table (directives/); daemon-reload
 * builds new Units and swaps them in, so nothing here is ever mutated after loading.
 */
import type { TasksMax } from '../shared/cgroup-values.js';
import type { Diagnostic, SourceLocation } from '../shared/diagnostic.js';
import type { Usec } from '../shared/timespan.js';
import type { JobMode } from '../shared/job-mode.js';
import type { UnitType } from './name.js';
import type { ExecCommand, Rlimit, RlimitName } from './values/index.js';
import type { KeptExecSettings } from './exec-kept.js';
import { formatSocketAddress, type SocketAddress } from './values/socket-address.js';
import { formatNetlinkAddress, type NetlinkAddress } from './values/netlink.js';

/** systemd's LoadState words. */
export type LoadState = 'loaded' | 'not-found' | 'bad-setting' | 'error' | 'masked';

export interface Located<T> {
  readonly value: T;
  readonly loc: SourceLocation;
}

export interface Condition {
  /** e.g. "ConditionPathExists" or "AssertPathExists". */
  readonly kind: string;
  /** '|': a triggering condition (any one of them suffices). */
  readonly trigger: boolean;
  /** '!': negated. */
  readonly negate: boolean;
  readonly parameter: string;
  readonly loc: SourceLocation;
}

/** Dependency kinds as written in [Unit] (plus .wants/.requires/.upholds directories). */
export const DEPENDENCY_KINDS = [
  'Requires', 'Requisite', 'Wants', 'BindsTo', 'PartOf', 'Upholds', 'Conflicts', 'Before', 'After',
  'OnFailure', 'OnSuccess', 'PropagatesReloadTo', 'ReloadPropagatedFrom', 'PropagatesStopTo',
  'StopPropagatedFrom', 'JoinsNamespaceOf',
] as const;
export type DependencyKind = (typeof DEPENDENCY_KINDS)[number];

export interface UnitSection {
  readonly description?: string;
  readonly documentation: readonly string[];
  readonly dependencies: Readonly<Record<DependencyKind, readonly string[]>>;
  readonly requiresMountsFor: readonly string[];
  readonly defaultDependencies: boolean;
  readonly stopWhenUnneeded: boolean;
  readonly refuseManualStart: boolean;
  readonly refuseManualStop: boolean;
  readonly allowIsolate: boolean;
  readonly ignoreOnIsolate: boolean;
  readonly onFailureJobMode: JobMode;
  readonly onSuccessJobMode: JobMode;
  readonly jobTimeoutUSec: Usec;
  readonly jobRunningTimeoutUSec: Usec;
  readonly jobTimeoutAction: string;
  readonly startLimitIntervalUSec?: Usec;
  readonly startLimitBurst?: number;
  readonly startLimitAction: string;
  readonly successAction: string;
  readonly failureAction: string;
  readonly successActionExitStatus?: number;
  readonly failureActionExitStatus?: number;
  readonly collectMode: string;
  readonly conditions: readonly Condition[];
  readonly asserts: readonly Condition[];
  readonly sourcePath?: string;
}

export interface InstallSection {
  readonly wantedBy: readonly string[];
  readonly requiredBy: readonly string[];
  readonly alias: readonly string[];
  readonly also: readonly string[];
  readonly defaultInstance?: string;
}

export interface EnvironmentFile {
  readonly path: string;
  /** '-' prefix: a missing file is not an error. */
  readonly optional: boolean;
}

/** systemd.exec(5): how processes are started. Shared by service, socket, mount and swap units. */
export interface ExecContext {
  readonly user?: string;
  readonly group?: string;
  readonly supplementaryGroups: readonly string[];
  readonly dynamicUser: boolean;
  readonly workingDirectory?: string;
  readonly rootDirectory?: string;
  readonly environment: readonly string[];
  readonly environmentFiles: readonly EnvironmentFile[];
  readonly passEnvironment: readonly string[];
  readonly unsetEnvironment: readonly string[];
  readonly umask?: number;
  readonly nice?: number;
  readonly oomScoreAdjust?: number;
  readonly limits: Readonly<Partial<Record<RlimitName, Rlimit>>>;
  readonly runtimeDirectory: readonly string[];
  readonly stateDirectory: readonly string[];
  readonly cacheDirectory: readonly string[];
  readonly logsDirectory: readonly string[];
  readonly configurationDirectory: readonly string[];
  readonly runtimeDirectoryMode?: number;
  readonly stateDirectoryMode?: number;
  readonly cacheDirectoryMode?: number;
  readonly logsDirectoryMode?: number;
  readonly configurationDirectoryMode?: number;
  readonly runtimeDirectoryPreserve: string;
  readonly standardInput?: string;
  readonly standardOutput?: string;
  readonly standardError?: string;
  readonly ttyPath?: string;
  readonly syslogIdentifier?: string;
  readonly syslogLevelPrefix: boolean;
  /** LogRateLimitIntervalSec=/LogRateLimitBurst=; undefined: the journal's [Journal] settings. */
  readonly logRateLimitIntervalUSec?: Usec;
  readonly logRateLimitBurst?: number;
  readonly noNewPrivileges: boolean;
  readonly privateTmp: boolean;
  /** RemoveIPC=: the user's POSIX IPC objects go when the run ends (DynamicUser= implies it). */
  readonly removeIPC: boolean;
  /** CapabilityBoundingSet=/AmbientCapabilities= as masks (bit n = capability n); undefined: not set. */
  readonly capabilityBoundingSet?: bigint;
  readonly ambientCapabilities?: bigint;
  /** The settings svcd enforces with seccomp filters (systemd.exec(5) "System Call Filtering", …). */
  readonly seccomp: SeccompSettings;
  /** The file-system view svcd arranges in a mount namespace (systemd.exec(5) "Sandboxing"). */
  readonly mounts: MountSettings;
  /** The rest of systemd's exec context, kept as asked for show and D-Bus (exec-kept.ts). */
  readonly kept: KeptExecSettings;
}

export type ProtectSystem = 'no' | 'yes' | 'full' | 'strict';
export type ProtectHome = 'no' | 'yes' | 'read-only' | 'tmpfs';

/**
 * ProtectSystem=, ProtectHome= and the path lists as systemd keeps them: each path with its
 * prefixes, "-" (ignored when missing) then "+" (inside RootDirectory=).
 */
export interface MountSettings {
  readonly protectSystem: ProtectSystem;
  readonly protectHome: ProtectHome;
  readonly readWritePaths: readonly string[];
  readonly readOnlyPaths: readonly string[];
  readonly inaccessiblePaths: readonly string[];
  readonly execPaths: readonly string[];
  readonly noExecPaths: readonly string[];
  /** ProtectKernelTunables=: /proc/sys, /sys and the like read-only. */
  readonly protectKernelTunables: boolean;
  /** ProtectControlGroups=: /sys/fs/cgroup read-only. */
  readonly protectControlGroups: boolean;
  /** PrivateDevices=: a /dev of pseudo devices only (and CAP_MKNOD, CAP_SYS_RAWIO, @raw-io gone). */
  readonly privateDevices: boolean;
  /** PrivateNetwork=: a network namespace of the unit's own with only lo, up. */
  readonly privateNetwork: boolean;
  /** PrivateIPC=: an IPC namespace of the unit's own. */
  readonly privateIPC: boolean;
  /** PrivateMounts=: a mount namespace even when nothing else asks for one. */
  readonly privateMounts: boolean;
  /** PrivateUsers=: a user namespace of the unit's own (root and its user mapped, all else nobody). */
  readonly privateUsers: boolean;
  /** BindPaths= and BindReadOnlyPaths=, one list in the file's order (an empty value of either clears both). */
  readonly bindPaths: readonly BindPath[];
  /** TemporaryFileSystem=: each path with its mount options as written ("" for none). */
  readonly temporaryFileSystems: readonly { readonly path: string; readonly options: string }[];
  /** ProtectProc=: procfs's hidepid= for a new /proc; "default" leaves /proc alone. */
  readonly protectProc: 'default' | 'noaccess' | 'invisible' | 'ptraceable';
  /** ProcSubset=: "pid" mounts /proc with subset=pid (only the process directories). */
  readonly procSubset: 'all' | 'pid';
}

/** One BindPaths=/BindReadOnlyPaths= entry: "-" lets the source be missing; rbind (recursive) unless norbind. */
export interface BindPath {
  readonly source: string;
  readonly destination: string;
  readonly readOnly: boolean;
  readonly recursive: boolean;
  readonly ignoreMissing: boolean;
}

/** An errno per call of a SystemCallFilter= list: -1 is the list's own action, 'kill' kills the process. */
export type SyscallErrno = number | 'kill';

/**
 * The seccomp part of the exec context, as systemd's ExecContext holds it. Lists keep names: each
 * ABI resolves them to its own numbers when the filter is built (src/exec/seccomp.ts).
 */
export interface SeccompSettings {
  /** SystemCallFilter=: undefined when unset; an allow list holds @default from its first line. */
  readonly systemCallFilter?: { readonly allowList: boolean; readonly calls: ReadonlyMap<string, SyscallErrno> };
  /** SystemCallErrorNumber=: undefined (the default) kills the process. */
  readonly systemCallErrorNumber?: SyscallErrno;
  /** SystemCallArchitectures=: systemd's names, "native" resolved to this machine's ("x86-64"). */
  readonly systemCallArchitectures: readonly string[];
  /** The same, as written: "native" kept as a name of its own, as systemd keeps it apart from the machine's (analyze security tells them apart). */
  readonly systemCallArchitecturesWritten: readonly string[];
  readonly systemCallLog?: { readonly allowList: boolean; readonly calls: ReadonlySet<string> };
  /** RestrictAddressFamilies=: undefined when unset; "none" is an empty allow list. */
  readonly restrictAddressFamilies?: { readonly allowList: boolean; readonly families: ReadonlySet<number> };
  /** RestrictNamespaces=: the clone flags kept; undefined when unset (all kept). */
  readonly restrictNamespaces?: number;
  readonly restrictRealtime: boolean;
  readonly restrictSUIDSGID: boolean;
  readonly memoryDenyWriteExecute: boolean;
  readonly lockPersonality: boolean;
  readonly protectClock: boolean;
  readonly protectKernelModules: boolean;
  readonly protectKernelLogs: boolean;
  readonly protectHostname: boolean;
}

/** systemd.kill(5). */
export interface KillContext {
  readonly killMode: string;
  readonly killSignal: number;
  readonly restartKillSignal?: number;
  readonly finalKillSignal: number;
  readonly watchdogSignal: number;
  readonly sendSIGHUP: boolean;
  readonly sendSIGKILL: boolean;
}

export interface ExitStatusList {
  readonly status: readonly number[];
  readonly signal: readonly number[];
}

/** systemd.service(5). */
export interface ServiceSection {
  readonly type: string;
  readonly execCondition: readonly ExecCommand[];
  readonly execStartPre: readonly ExecCommand[];
  readonly execStart: readonly ExecCommand[];
  readonly execStartPost: readonly ExecCommand[];
  readonly execReload: readonly ExecCommand[];
  readonly execStop: readonly ExecCommand[];
  readonly execStopPost: readonly ExecCommand[];
  readonly restart: string;
  readonly restartUSec?: Usec;
  readonly timeoutStartUSec?: Usec;
  readonly timeoutStopUSec?: Usec;
  readonly timeoutAbortUSec?: Usec;
  readonly runtimeMaxUSec: Usec;
  readonly watchdogUSec: Usec;
  /** TimeoutStartFailureMode=/TimeoutStopFailureMode=: terminate, abort or kill. */
  readonly timeoutStartFailureMode: string;
  readonly timeoutStopFailureMode: string;
  readonly remainAfterExit: boolean;
  /** OOMPolicy=; undefined: the manager's DefaultOOMPolicy=. */
  readonly oomPolicy?: 'continue' | 'stop' | 'kill';
  readonly guessMainPID: boolean;
  readonly pidFile?: string;
  readonly busName?: string;
  readonly notifyAccess?: string;
  /** FileDescriptorStoreMax=: how many fds the service may hand svcd to keep (FDSTORE=1); 0: none. */
  readonly fileDescriptorStoreMax: number;
  readonly permissionsStartOnly: boolean;
  readonly rootDirectoryStartOnly: boolean;
  readonly successExitStatus: ExitStatusList;
  readonly restartPreventExitStatus: ExitStatusList;
  readonly restartForceExitStatus: ExitStatusList;
  /** Sockets=: the socket units whose fds the service gets (besides those that name it). */
  readonly sockets: readonly string[];
}

/** systemd.socket(5): the listening addresses, in file order. */
export const SOCKET_LISTEN_KEYS = [
  'ListenStream', 'ListenDatagram', 'ListenSequentialPacket', 'ListenFIFO', 'ListenSpecial', 'ListenNetlink',
  'ListenMessageQueue', 'ListenUSBFunction',
] as const;
export type SocketListenKind = (typeof SOCKET_LISTEN_KEYS)[number];

/** One Listen…= line: the address as written (specifiers resolved) and, for the socket kinds, parsed. */
export interface SocketListen {
  readonly kind: SocketListenKind;
  readonly address: string;
  /** ListenStream=/ListenDatagram=/ListenSequentialPacket=: the parsed address. */
  readonly socket?: SocketAddress;
  /** ListenNetlink=: the protocol and multicast group. */
  readonly netlink?: NetlinkAddress;
}

/** The type word of a Listen…= line as systemctl prints it (Listen= of show, TYPE of list-sockets): socket_port_type_to_string(). */
export const SOCKET_LISTEN_TYPE: Readonly<Record<SocketListenKind, string>> = {
  ListenStream: 'Stream', ListenDatagram: 'Datagram', ListenSequentialPacket: 'SequentialPacket', ListenFIFO: 'FIFO',
  ListenSpecial: 'Special', ListenNetlink: 'Netlink', ListenMessageQueue: 'MessageQueue', ListenUSBFunction: 'USBFunction',
};

/** A Listen…= line's address as systemd prints it: sockets as socket_address_print() does, paths as written. */
export function listenText(l: SocketListen, ipv6: boolean): string {
  if (l.netlink) return formatNetlinkAddress(l.netlink);
  return l.socket ? formatSocketAddress(l.socket, ipv6) : l.address;
}

/** Whether every socket can accept connections (stream, seqpacket): what Accept=yes needs (socket_address_can_accept). */
export function listenAllAccepting(listen: readonly Located<SocketListen>[]): boolean {
  return listen.every((l) => l.value.kind === 'ListenStream' || l.value.kind === 'ListenSequentialPacket');
}

/** BindIPv6Only= (systemd.socket(5)). */
export type BindIPv6Only = 'default' | 'both' | 'ipv6-only';

export interface SocketSection {
  readonly listen: readonly Located<SocketListen>[];
  readonly accept: boolean;
  /** Service= (only without Accept=yes); otherwise the service is named after the socket. */
  readonly service?: string;
  readonly execStartPre: readonly ExecCommand[];
  readonly execStartPost: readonly ExecCommand[];
  readonly execStopPre: readonly ExecCommand[];
  readonly execStopPost: readonly ExecCommand[];
  readonly socketUser?: string;
  readonly socketGroup?: string;
  readonly socketMode: number;
  readonly directoryMode: number;
  readonly backlog: number;
  readonly bindIPv6Only: BindIPv6Only;
  readonly reusePort: boolean;
  readonly freeBind: boolean;
  readonly keepAlive: boolean;
  readonly noDelay: boolean;
  readonly passCredentials: boolean;
  readonly passSecurity: boolean;
  readonly removeOnStop: boolean;
  readonly symlinks: readonly string[];
  readonly fileDescriptorName?: string;
  readonly maxConnections: number;
  readonly maxConnectionsPerSource: number;
  /** TriggerLimitIntervalSec=/TriggerLimitBurst=; undefined: systemd's defaults (2s, 20; 200 with Accept=yes). */
  readonly triggerLimitIntervalUSec?: bigint;
  readonly triggerLimitBurst?: number;
  readonly timeoutUSec?: bigint;
}

/** systemd.timer(5): the elapse settings, in file order (OnClockChange=/OnTimezoneChange= are flags, not values). */
export const TIMER_TRIGGER_KEYS = ['OnActiveSec', 'OnBootSec', 'OnStartupSec', 'OnUnitActiveSec', 'OnUnitInactiveSec', 'OnCalendar'] as const;
export type TimerTriggerKind = (typeof TIMER_TRIGGER_KEYS)[number];

export interface TimerSection {
  /** `spec` as written (specifiers resolved); OnCalendar= specs were checked by the calendar parser, the others are time spans. */
  readonly triggers: readonly Located<{ readonly kind: TimerTriggerKind; readonly spec: string }>[];
  readonly unit?: string;
  readonly persistent: boolean;
  readonly accuracyUSec: Usec;
  readonly randomizedDelayUSec: Usec;
  readonly fixedRandomDelay: boolean;
  readonly remainAfterElapse: boolean;
  readonly wakeSystem: boolean;
  readonly onClockChange: boolean;
  readonly onTimezoneChange: boolean;
}

/** systemd.path(5). */
export const PATH_WATCH_KEYS = ['PathExists', 'PathExistsGlob', 'PathChanged', 'PathModified', 'DirectoryNotEmpty'] as const;
export type PathWatchKind = (typeof PATH_WATCH_KEYS)[number];

export interface PathSection {
  readonly watches: readonly Located<{ readonly kind: PathWatchKind; readonly path: string }>[];
  readonly unit?: string;
  readonly makeDirectory: boolean;
  /** DirectoryMode=: what MakeDirectory= creates directories with (0755). */
  readonly directoryMode: number;
  /** TriggerLimitIntervalSec=/TriggerLimitBurst=: undefined, systemd's 2 s and 200. */
  readonly triggerLimitIntervalUSec?: Usec;
  readonly triggerLimitBurst?: number;
}

/** systemd.mount(5). */
export interface MountSection {
  readonly what?: string;
  readonly where?: string;
  readonly fsType?: string;
  readonly options?: string;
}

/** systemd.automount(5). */
export interface AutomountSection {
  readonly where?: string;
  readonly timeoutIdleUSec?: Usec;
}

/** systemd.swap(5). */
export interface SwapSection {
  readonly what?: string;
  readonly priority?: number;
  readonly options?: string;
}

export { CGROUP_LIMIT_MAX, type TasksMax } from '../shared/cgroup-values.js';

/**
 * systemd.resource-control(5): the limits a unit's cgroup gets (services, sockets, mounts, swaps,
 * slices and scopes). Unset fields keep the kernel's default; memory sizes are bytes, percentages
 * of physical memory resolved at load as systemd resolves them.
 */
export interface CgroupContext {
  readonly memoryMin?: bigint;
  readonly memoryLow?: bigint;
  readonly memoryHigh?: bigint;
  readonly memoryMax?: bigint;
  readonly memorySwapMax?: bigint;
  /** CPUQuota= as µs of CPU time per second (CPUQuota=20% is 200000). */
  readonly cpuQuotaPerSecUSec?: bigint;
  /** CPUQuotaPeriodSec=; undefined: the kernel's 100 ms. */
  readonly cpuQuotaPeriodUSec?: bigint;
  readonly cpuWeight?: number | 'idle';
  readonly startupCPUWeight?: number | 'idle';
  readonly cpuShares?: number;
  readonly startupCPUShares?: number;
  /** undefined: the manager's DefaultTasksMax=. */
  readonly tasksMax?: TasksMax;
  readonly allowedCPUs?: readonly number[];
  readonly ioWeight?: number;
  readonly startupIOWeight?: number;
  /** Slice=: the slice the unit runs in; undefined: its default (unit/slice-of.ts). */
  readonly slice?: string;
  /** Delegate=: the unit manages its cgroup's subtree itself (services and scopes only). */
  readonly delegate?: boolean;
  /** DelegateControllers=: the controllers delegated, in systemd's controller order. */
  readonly delegateControllers?: readonly string[];
}

/** A directive svcd reads but does not act on (yet, or in a container); kept so nothing is lost. */
export interface IgnoredSetting {
  readonly section: string;
  readonly key: string;
  readonly value: string;
  readonly loc: SourceLocation;
  readonly status: 'ignored' | 'not-yet';
}

/** What every unit has, whatever its type. */
export interface UnitBase {
  readonly id: string;
  readonly names: readonly string[];
  readonly loadState: LoadState;
  /** With LoadState=error: strerror() of why the fragment could not be read, as systemd reports it. */
  readonly loadError?: string;
  readonly fragmentPath?: string;
  readonly dropinPaths: readonly string[];
  readonly unit: UnitSection;
  readonly install: InstallSection;
  /** Units listed by NAME.wants/, NAME.requires/, NAME.upholds/ directories. */
  readonly wantsDir: readonly string[];
  readonly requiresDir: readonly string[];
  readonly upholdsDir: readonly string[];
  /** Resource control (the unit's cgroup limits); only service, socket, mount, swap, slice and scope units set it. */
  readonly resources: CgroupContext;
  /** Every setting svcd does not act on, with its file:line (see docs/units.md for why). */
  readonly ignored: readonly IgnoredSetting[];
  /** X- keys and keys of X- sections, verbatim. */
  readonly extensions: readonly { readonly section: string; readonly key: string; readonly value: string }[];
  readonly diagnostics: readonly Diagnostic[];
}

/**
 * The per-type parts are declared absent (`?: undefined`) on the types that lack them, so code
 * holding any Unit may still write `u.exec?.user` or `u.service?.type`, and narrowing on `type`
 * gives the section without a check.
 */
interface WithExec {
  /** systemd's exec and kill contexts: service, socket, mount and swap units have them. */
  readonly exec: ExecContext;
  readonly kill: KillContext;
}
interface WithoutExec {
  readonly exec?: undefined;
  readonly kill?: undefined;
}

export interface ServiceUnit extends UnitBase, WithExec {
  readonly type: 'service';
  readonly service: ServiceSection;
}
export interface SocketUnit extends UnitBase, WithExec {
  readonly type: 'socket';
  readonly service?: undefined;
  readonly socket: SocketSection;
}
export interface MountUnit extends UnitBase, WithExec {
  readonly type: 'mount';
  readonly service?: undefined;
  readonly mount: MountSection;
}
export interface SwapUnit extends UnitBase, WithExec {
  readonly type: 'swap';
  readonly service?: undefined;
  readonly swap: SwapSection;
}
export interface TimerUnit extends UnitBase, WithoutExec {
  readonly type: 'timer';
  readonly service?: undefined;
  readonly timer: TimerSection;
}
export interface PathUnit extends UnitBase, WithoutExec {
  readonly type: 'path';
  readonly service?: undefined;
  readonly path: PathSection;
}
export interface AutomountUnit extends UnitBase, WithoutExec {
  readonly type: 'automount';
  readonly service?: undefined;
  readonly automount: AutomountSection;
}
/** Targets have no section of their own; slices and scopes only resource control (ignored); devices none. */
export interface PlainUnit extends UnitBase, WithoutExec {
  readonly type: 'target' | 'slice' | 'scope' | 'device';
  readonly service?: undefined;
}

export type Unit = ServiceUnit | SocketUnit | MountUnit | SwapUnit | TimerUnit | PathUnit | AutomountUnit | PlainUnit;

/** Fails to compile when name.ts gains a unit type the union does not cover. */
export const MODEL_COVERS_EVERY_TYPE: [UnitType] extends [Unit['type']] ? true : never = true;
