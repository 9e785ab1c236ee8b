/**
 * The contexts systemd's Service, Socket (and Mount, Swap) interfaces share, with the same names
 * and signatures on each: the cgroup context (Slice=, ControlGroup=, limits), the exec context
 * (Environment=, User=, sandboxing, …) and the kill context (KillMode=, …), each a list of rows for
 * the interface it is served on, in systemd's order.
 */
import type { UnitStatus } from '../engine/api.js';
import { resolveTasksMax } from '../exec/cgroup-limits.js';
import { resolveCredentials } from '../exec/exec-context.js';
import { errnoName } from '../exec/native.js';
import { inheritedSettings } from '../exec/inherited.js';
import { ADDRESS_FAMILIES } from '../shared/address-families.generated.js';
import { USEC_INFINITY } from '../shared/timespan.js';
import { NAMESPACE_FLAGS_ALL } from '../unit/directives/seccomp-rows.js';
import { effectiveKeyringMode } from '../unit/exec-kept.js';
import { effectiveBoundingSet } from '../unit/implied-capabilities.js';
import type { SyscallErrno } from '../unit/model.js';
import { unitSliceOf } from '../unit/slice-of.js';
import { loaded, row, type Interface, type PropertyRow } from './property-row.js';

/** A family's name as systemd prints it: AF_UNIX, not its alias AF_LOCAL (nor AF_ROUTE for AF_NETLINK). */
const AF_ALIASES = new Set(['AF_LOCAL', 'AF_ROUTE', 'AF_FILE']);
const addressFamilyName = (n: number): string => Object.keys(ADDRESS_FAMILIES).find((k) => ADDRESS_FAMILIES[k] === n && !AF_ALIASES.has(k)) ?? String(n);

/** mount(2)'s MS_REC, as BindPaths= carries "rbind" over D-Bus. */
const MS_REC = 16384n;

type Exe = NonNullable<UnitStatus['model']['exec']>;
type Kill = NonNullable<UnitStatus['model']['kill']>;
const exe = (st: UnitStatus): Exe => st.model.exec!;
const kept = (st: UnitStatus): Exe['kept'] => exe(st).kept;

/** Best-effort at level 4: what systemd shows for a unit that sets no IO scheduling (ioprio_normalize of none). */
const IOPRIO_DEFAULT = (2 << 13) | 4;
const UINT16_MAX = 0xffff;
/** SystemCallErrorNumber='s "kill the process", the default: INT_MAX - 1, as systemd keeps it. */
const SECCOMP_ERROR_NUMBER_KILL = 2147483646;
const errnoValue = (e: SyscallErrno | undefined): number => (e === undefined || e === 'kill' ? SECCOMP_ERROR_NUMBER_KILL : e);

/** A CPU or NUMA node set as the bitmask systemd sends: a byte per 8, in whole 64-bit words. */
function cpuMask(cpus: readonly number[]): Uint8Array {
  if (cpus.length === 0) return new Uint8Array(0);
  const out = new Uint8Array(Math.ceil((Math.max(...cpus) + 1) / 64) * 8);
  for (const c of cpus) out[c >> 3]! |= 1 << (c & 7);
  return out;
}

/**
 * StandardInput= and kin as D-Bus names them: the kind alone, "fd" for fd:NAME (the name apart, in
 * …FileDescriptorName=), "file"/"append"/"truncate" for those with a path (which D-Bus does not carry).
 */
const stdioKind = (v: string): string => (v.includes(':') ? v.slice(0, v.indexOf(':')) : v);
const fdName = (v: string | undefined): string => (v?.startsWith('fd:') ? v.slice(3) : '');

const label = (l: { readonly ignore: boolean; readonly value: string } | undefined) => [l?.ignore ?? false, l?.value ?? ''] as const;

/**
 * SystemCallFilter= as systemd sends it: whether it is an allow list, and the calls sorted, each
 * with ":ERRNO" where its line gave one of its own.
 */
function syscallList(f: Exe['seccomp']['systemCallFilter']): readonly [boolean, readonly string[]] {
  if (!f) return [false, []];
  const names = [...f.calls].map(([name, e]) => (e === -1 ? name : `${name}:${e === 'kill' ? 'kill' : errnoName(e)}`));
  return [f.allowList, names.sort()];
}
const kill = (st: UnitStatus): Kill => st.model.kill!;

/**
 * UID=/GID=: the ids a unit's User=/Group= name, while the unit holds them — from its start until it
 * is inactive or failed again, as systemd keeps the ids its spawned processes looked up (for
 * RemoveIPC=). A unit that names neither runs as the manager's user and shows neither.
 */
function heldIds(st: UnitStatus): { uid?: number; gid?: number } {
  const { user, group } = exe(st);
  if ((user === undefined && group === undefined) || st.activeState === 'inactive' || st.activeState === 'failed') return {};
  const c = resolveCredentials(user, group, []);
  if (typeof c === 'string') return {};
  return { uid: user === undefined ? undefined : c.uid, gid: c.gid };
}
const NOT_SET = 0xffff_ffff;
/** UINT64_MAX: systemd's "no value" for accounting and "infinity" for limits (printValue words it per property). */
const UINT64_MAX = USEC_INFINITY;
const res = (st: UnitStatus) => st.model.resources;
/** A weight or share the unit does not set is UINT64_MAX ([not set]); CPUWeight=idle is 0. */
const weightValue = (w: number | 'idle' | undefined): bigint => (w === undefined ? UINT64_MAX : w === 'idle' ? 0n : BigInt(w));
/** TasksMax= resolved against the kernel's task limit, or the manager's DefaultTasksMax= (systemd's 15%). */
function tasksMaxOf(st: UnitStatus): bigint {
  const t = res(st).tasksMax ?? st.defaults.defaultTasksMax ?? { value: 1500n, scale: 10000n };
  if (t.scale === 0n) return t.value;
  return st.defaults.systemTasksMax === undefined ? UINT64_MAX : resolveTasksMax(t, st.defaults.systemTasksMax);
}


/** RuntimeDirectory= and its kin, each with its …Mode= (systemd's exec_directory_type table order). */
const DIRECTORY_KINDS = ['Runtime', 'State', 'Cache', 'Logs', 'Configuration'] as const;
const lowerFirst = <K extends string>(k: K) => (k[0]!.toLowerCase() + k.slice(1)) as Uncapitalize<K>;

/**
 * A unit's cgroup context (systemd.resource-control(5)), in systemd's order: where it runs
 * (Slice=, ControlGroup=), what its cgroup counts, Delegate= and its limits. Services and slices
 * share it; a slice's cgroup is there while the slice is active, a service's while it has processes.
 */
export function cgroupRows(iface: Interface): PropertyRow<UnitStatus>[] {
  const isSlice = (st: UnitStatus) => st.model.type === 'slice';
  // A slice's and a socket's cgroup is there from their start to their stop, empty or not (systemd
  // realizes a socket's when it starts listening, whether or not a process ever runs in it).
  const keepsEmpty = (st: UnitStatus) => st.model.type === 'slice' || st.model.type === 'socket';
  return [
    row(iface, 'Slice', 's', (st) => (loaded(st) ? unitSliceOf(st.id, res(st).slice) ?? '' : '')),
    // systemd trims a cgroup once it is empty (an exited oneshot's too) and forgets its path.
    row(iface, 'ControlGroup', 's', (st) => ((keepsEmpty(st) ? false : st.processes.length === 0) || st.activeState === 'inactive' || st.activeState === 'failed' ? '' : st.controlGroup)),
    // Accounting where svcd has it (cgroup v1 controllers): [not set] otherwise, as systemd says
    // without a controller; CPUUsageNSec= is left out where it is not known (systemd reads it from v2).
    row(iface, 'MemoryCurrent', 't', (st) => st.usage?.memoryCurrent ?? UINT64_MAX),
    row(iface, 'CPUUsageNSec', 't', (st) => st.usage?.cpuUsageNSec),
    row(iface, 'TasksCurrent', 't', (st) => st.usage?.tasksCurrent ?? UINT64_MAX),
    row(iface, 'Delegate', 'b', (st) => res(st).delegate ?? false),
    row(iface, 'DelegateControllers', 'as', (st) => res(st).delegateControllers ?? []),
    // The unit's resource control, in systemd's order.
    row(iface, 'CPUWeight', 't', (st) => weightValue(res(st).cpuWeight)),
    row(iface, 'StartupCPUWeight', 't', (st) => weightValue(res(st).startupCPUWeight)),
    row(iface, 'CPUShares', 't', (st) => weightValue(res(st).cpuShares)),
    row(iface, 'StartupCPUShares', 't', (st) => weightValue(res(st).startupCPUShares)),
    row(iface, 'CPUQuotaPerSecUSec', 't', (st) => res(st).cpuQuotaPerSecUSec ?? USEC_INFINITY),
    row(iface, 'CPUQuotaPeriodUSec', 't', (st) => res(st).cpuQuotaPeriodUSec ?? USEC_INFINITY),
    row(iface, 'IOWeight', 't', (st) => weightValue(res(st).ioWeight)),
    row(iface, 'StartupIOWeight', 't', (st) => weightValue(res(st).startupIOWeight)),
    row(iface, 'MemoryMin', 't', (st) => res(st).memoryMin ?? 0n),
    row(iface, 'MemoryLow', 't', (st) => res(st).memoryLow ?? 0n),
    row(iface, 'MemoryHigh', 't', (st) => res(st).memoryHigh ?? UINT64_MAX),
    row(iface, 'MemoryMax', 't', (st) => res(st).memoryMax ?? UINT64_MAX),
    row(iface, 'MemorySwapMax', 't', (st) => res(st).memorySwapMax ?? UINT64_MAX),
    // A slice without TasksMax= is not capped (the manager's DefaultTasksMax= is for the units in it).
    row(iface, 'TasksMax', 't', (st) => (isSlice(st) && res(st).tasksMax === undefined ? UINT64_MAX : tasksMaxOf(st))),
  ];
}

/** UID=/GID= of the unit's processes' credentials while it holds them. */
export function heldIdRows(iface: Interface): PropertyRow<UnitStatus>[] {
  return [
    row(iface, 'UID', 'u', (st) => heldIds(st).uid ?? NOT_SET),
    row(iface, 'GID', 'u', (st) => heldIds(st).gid ?? NOT_SET),
  ];
}

/** The exec context (systemd.exec(5)) in systemd's order, from Environment= to IPCNamespacePath=. */
export function execContextRows(iface: Interface): PropertyRow<UnitStatus>[] {
  return [
  row(iface, 'Environment', 'as', (st) => exe(st).environment),
  row(iface, 'EnvironmentFiles', 'a(sb)', (st) => exe(st).environmentFiles.map((f) => [f.path, f.optional] as const)),
  row(iface, 'PassEnvironment', 'as', (st) => exe(st).passEnvironment),
  row(iface, 'UnsetEnvironment', 'as', (st) => exe(st).unsetEnvironment),
  row(iface, 'UMask', 'u', (st) => exe(st).umask ?? 0o022),
  ...(['CORE', 'NOFILE', 'NPROC', 'MEMLOCK'] as const).flatMap((k) => [
    // The unit's limits and the manager's DefaultLimit*= (filled in at load); not those inherited from the host (docs/differences.md).
    row(iface, `Limit${k}`, 't', (st: UnitStatus) => exe(st).limits[k]?.hard),
    row(iface, `Limit${k}Soft`, 't', (st: UnitStatus) => exe(st).limits[k]?.soft),
  ]),
  row(iface, 'WorkingDirectory', 's', (st) => exe(st).workingDirectory ?? ''),
  row(iface, 'RootDirectory', 's', (st) => exe(st).rootDirectory ?? ''),
  row(iface, 'OOMScoreAdjust', 'i', (st) => exe(st).oomScoreAdjust ?? 0),
  // Where the unit sets none of these, what its processes inherit from svcd, as systemd prints its own.
  row(iface, 'CoredumpFilter', 't', (st) => kept(st).coredumpFilter ?? inheritedSettings().coredumpFilter),
  row(iface, 'Nice', 'i', (st) => exe(st).nice ?? 0),
  row(iface, 'IOSchedulingClass', 'i', (st) => (kept(st).ioprio ?? IOPRIO_DEFAULT) >> 13),
  row(iface, 'IOSchedulingPriority', 'i', (st) => (kept(st).ioprio ?? IOPRIO_DEFAULT) & 0x1fff),
  row(iface, 'CPUSchedulingPolicy', 'i', (st) => kept(st).cpuSched?.policy ?? inheritedSettings().cpuSchedPolicy),
  row(iface, 'CPUSchedulingPriority', 'i', (st) => kept(st).cpuSched?.priority ?? inheritedSettings().cpuSchedPriority),
  row(iface, 'CPUAffinity', 'ay', (st) => cpuMask(kept(st).cpuAffinity)),
  row(iface, 'CPUAffinityFromNUMA', 'b', (st) => kept(st).cpuAffinityFromNUMA),
  row(iface, 'NUMAPolicy', 'i', (st) => kept(st).numaPolicy ?? -1),
  row(iface, 'NUMAMask', 'ay', (st) => cpuMask(kept(st).numaMask)),
  row(iface, 'TimerSlackNSec', 't', (st) => kept(st).timerSlackNSec ?? inheritedSettings().timerSlackNSec),
  row(iface, 'CPUSchedulingResetOnFork', 'b', (st) => kept(st).cpuSchedResetOnFork),
  row(iface, 'NonBlocking', 'b', (st) => kept(st).nonBlocking),
  // fd:NAME is the fd kind, its name a property of its own.
  row(iface, 'StandardInput', 's', (st) => stdioKind(exe(st).standardInput ?? 'null')),
  row(iface, 'StandardInputFileDescriptorName', 's', (st) => fdName(exe(st).standardInput)),
  row(iface, 'StandardInputData', 'ay', (st) => Buffer.from(kept(st).stdinData, 'base64')),
  // The journal is the default a loaded service gets from the manager; before that it is inherit (a
  // socket has it from the start: systemd's socket_init() sets it). A
  // socket as stdin is a two-way stream: output stays inherit, on it (systemd's service_fix_stdio()).
  row(iface, 'StandardOutput', 's', (st) => stdioKind(exe(st).standardOutput ?? ((loaded(st) || st.model.type === 'socket') && exe(st).standardInput !== 'socket' ? 'journal' : 'inherit'))),
  row(iface, 'StandardOutputFileDescriptorName', 's', (st) => fdName(exe(st).standardOutput)),
  row(iface, 'StandardError', 's', (st) => stdioKind(exe(st).standardError ?? 'inherit')),
  row(iface, 'StandardErrorFileDescriptorName', 's', (st) => fdName(exe(st).standardError)),
  row(iface, 'TTYPath', 's', (st) => exe(st).ttyPath ?? ''),
  row(iface, 'TTYReset', 'b', (st) => kept(st).ttyReset),
  row(iface, 'TTYVHangup', 'b', (st) => kept(st).ttyVHangup),
  row(iface, 'TTYVTDisallocate', 'b', (st) => kept(st).ttyVTDisallocate),
  row(iface, 'TTYRows', 'q', (st) => kept(st).ttyRows ?? UINT16_MAX),
  row(iface, 'TTYColumns', 'q', (st) => kept(st).ttyColumns ?? UINT16_MAX),
  row(iface, 'SyslogPriority', 'i', (st) => (kept(st).syslogFacility << 3) | kept(st).syslogLevel),
  row(iface, 'SyslogIdentifier', 's', (st) => exe(st).syslogIdentifier ?? ''),
  row(iface, 'SyslogLevelPrefix', 'b', (st) => exe(st).syslogLevelPrefix),
  row(iface, 'SyslogLevel', 'i', (st) => kept(st).syslogLevel),
  row(iface, 'SyslogFacility', 'i', (st) => kept(st).syslogFacility),
  row(iface, 'LogLevelMax', 'i', (st) => kept(st).logLevelMax ?? -1),
  // Unset: 0, the journal's own [Journal] rate limit applies (as systemd says it).
  row(iface, 'LogRateLimitIntervalUSec', 't', (st) => exe(st).logRateLimitIntervalUSec ?? 0n),
  row(iface, 'LogRateLimitBurst', 'u', (st) => exe(st).logRateLimitBurst ?? 0),
  row(iface, 'LogExtraFields', 'aay', (st) => kept(st).logExtraFields.map((f) => Buffer.from(f))),
  row(iface, 'LogNamespace', 's', (st) => kept(st).logNamespace ?? ''),
  row(iface, 'SecureBits', 'i', (st) => kept(st).secureBits),
  // As the spawner applies it: less what PrivateDevices=, ProtectKernelModules= … take away (systemd shows it so).
  row(iface, 'CapabilityBoundingSet', 't', (st) => effectiveBoundingSet(exe(st))),
  row(iface, 'AmbientCapabilities', 't', (st) => exe(st).ambientCapabilities ?? 0n),
  row(iface, 'User', 's', (st) => exe(st).user ?? ''),
  row(iface, 'Group', 's', (st) => exe(st).group ?? ''),
  row(iface, 'DynamicUser', 'b', (st) => exe(st).dynamicUser),
  row(iface, 'RemoveIPC', 'b', (st) => exe(st).removeIPC),
  row(iface, 'SupplementaryGroups', 'as', (st) => exe(st).supplementaryGroups),
  row(iface, 'PAMName', 's', (st) => kept(st).pamName ?? ''),
  ...(['ReadWritePaths', 'ReadOnlyPaths', 'InaccessiblePaths', 'ExecPaths', 'NoExecPaths'] as const).map((k) =>
    row(iface, k, 'as', (st: UnitStatus) => exe(st).mounts[lowerFirst(k)])),
  row(iface, 'ExecSearchPath', 'as', (st) => kept(st).execSearchPath),
  row(iface, 'MountFlags', 't', (st) => kept(st).mountFlags),
  row(iface, 'PrivateTmp', 'b', (st) => exe(st).privateTmp),
  row(iface, 'PrivateDevices', 'b', (st) => exe(st).mounts.privateDevices),
  row(iface, 'ProtectClock', 'b', (st) => exe(st).seccomp.protectClock),
  row(iface, 'ProtectKernelTunables', 'b', (st) => exe(st).mounts.protectKernelTunables),
  row(iface, 'ProtectKernelModules', 'b', (st) => exe(st).seccomp.protectKernelModules),
  row(iface, 'ProtectKernelLogs', 'b', (st) => exe(st).seccomp.protectKernelLogs),
  row(iface, 'ProtectControlGroups', 'b', (st) => exe(st).mounts.protectControlGroups),
  row(iface, 'PrivateNetwork', 'b', (st) => exe(st).mounts.privateNetwork),
  row(iface, 'PrivateUsers', 'b', (st) => exe(st).mounts.privateUsers),
  row(iface, 'PrivateMounts', 'b', (st) => exe(st).mounts.privateMounts),
  row(iface, 'PrivateIPC', 'b', (st) => exe(st).mounts.privateIPC),
  row(iface, 'ProtectHome', 's', (st) => exe(st).mounts.protectHome),
  row(iface, 'ProtectSystem', 's', (st) => exe(st).mounts.protectSystem),
  // Only settable over D-Bus (transient units), never from a unit file.
  row(iface, 'SameProcessGroup', 'b', () => false),
  row(iface, 'UtmpIdentifier', 's', (st) => kept(st).utmpIdentifier ?? ''),
  row(iface, 'UtmpMode', 's', (st) => kept(st).utmpMode),
  row(iface, 'SELinuxContext', '(bs)', (st) => label(kept(st).selinuxContext)),
  row(iface, 'AppArmorProfile', '(bs)', (st) => label(kept(st).appArmorProfile)),
  row(iface, 'SmackProcessLabel', '(bs)', (st) => label(kept(st).smackProcessLabel)),
  row(iface, 'IgnoreSIGPIPE', 'b', (st) => kept(st).ignoreSIGPIPE),
  row(iface, 'NoNewPrivileges', 'b', (st) => exe(st).noNewPrivileges),
  // Unset: an empty deny list (systemctl prints "~").
  row(iface, 'SystemCallFilter', '(bas)', (st) => syscallList(exe(st).seccomp.systemCallFilter)),
  row(iface, 'SystemCallArchitectures', 'as', (st) => [...new Set(exe(st).seccomp.systemCallArchitecturesWritten)].sort()),
  row(iface, 'SystemCallErrorNumber', 'i', (st) => errnoValue(exe(st).seccomp.systemCallErrorNumber)),
  row(iface, 'SystemCallLog', '(bas)', (st) => {
    const l = exe(st).seccomp.systemCallLog;
    return [l?.allowList ?? false, [...(l?.calls ?? [])].sort()] as const;
  }),
  row(iface, 'Personality', 's', (st) => kept(st).personality ?? ''),
  row(iface, 'LockPersonality', 'b', (st) => exe(st).seccomp.lockPersonality),
  // Unset: an empty deny list, as systemd keeps it (systemctl prints "~").
  row(iface, 'RestrictAddressFamilies', '(bas)', (st) => {
    const af = exe(st).seccomp.restrictAddressFamilies;
    return [af?.allowList ?? false, [...(af?.families ?? [])].map(addressFamilyName).sort()] as const;
  }),
  row(iface, 'RuntimeDirectoryPreserve', 's', (st) => exe(st).runtimeDirectoryPreserve),
  ...DIRECTORY_KINDS.flatMap((k) => [
    row(iface, `${k}DirectoryMode`, 'u', (st: UnitStatus) => exe(st)[`${lowerFirst(k)}DirectoryMode`] ?? 0o755),
    row(iface, `${k}Directory`, 'as', (st: UnitStatus) => exe(st)[`${lowerFirst(k)}Directory`]),
  ]),
  row(iface, 'MemoryDenyWriteExecute', 'b', (st) => exe(st).seccomp.memoryDenyWriteExecute),
  row(iface, 'RestrictRealtime', 'b', (st) => exe(st).seccomp.restrictRealtime),
  row(iface, 'RestrictSUIDSGID', 'b', (st) => exe(st).seccomp.restrictSUIDSGID),
  // The namespace types kept (clone flags); unset keeps them all.
  row(iface, 'RestrictNamespaces', 't', (st) => BigInt(exe(st).seccomp.restrictNamespaces ?? NAMESPACE_FLAGS_ALL)),
  ...([['BindPaths', false], ['BindReadOnlyPaths', true]] as const).map(([k, readOnly]) => row(iface, k, 'a(ssbt)', (st: UnitStatus) =>
    exe(st).mounts.bindPaths.filter((b) => b.readOnly === readOnly).map((b) => [b.source, b.destination, b.ignoreMissing, b.recursive ? MS_REC : 0n] as const))),
  row(iface, 'TemporaryFileSystem', 'a(ss)', (st) => exe(st).mounts.temporaryFileSystems.map((t) => [t.path, t.options] as const)),
  // Unset: on exactly where the unit has a root of its own.
  row(iface, 'MountAPIVFS', 'b', (st) => kept(st).mountAPIVFS ?? exe(st).rootDirectory !== undefined),
  row(iface, 'KeyringMode', 's', (st) => effectiveKeyringMode(kept(st), st.model.type)),
  row(iface, 'ProtectProc', 's', (st) => exe(st).mounts.protectProc),
  row(iface, 'ProcSubset', 's', (st) => exe(st).mounts.procSubset),
  row(iface, 'ProtectHostname', 'b', (st) => exe(st).seccomp.protectHostname),
  row(iface, 'NetworkNamespacePath', 's', (st) => kept(st).networkNamespacePath ?? ''),
  row(iface, 'IPCNamespacePath', 's', (st) => kept(st).ipcNamespacePath ?? ''),
  ];
}

/** The kill context (systemd.kill(5)). */
export function killContextRows(iface: Interface): PropertyRow<UnitStatus>[] {
  return [
  row(iface, 'KillMode', 's', (st) => kill(st).killMode),
  row(iface, 'KillSignal', 'i', (st) => kill(st).killSignal),
  row(iface, 'RestartKillSignal', 'i', (st) => kill(st).restartKillSignal ?? kill(st).killSignal),
  row(iface, 'FinalKillSignal', 'i', (st) => kill(st).finalKillSignal),
  row(iface, 'SendSIGKILL', 'b', (st) => kill(st).sendSIGKILL),
  row(iface, 'SendSIGHUP', 'b', (st) => kill(st).sendSIGHUP),
  row(iface, 'WatchdogSignal', 'i', (st) => kill(st).watchdogSignal),
  ];
}
