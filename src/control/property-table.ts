/**
 * The properties of units and of the manager, one row each: name, D-Bus interface and signature
 * as org.freedesktop.systemd1(5) defines them, and how the value is read from a snapshot. Rows are
 * in the order systemctl show prints them (the order of systemd's vtables). Values are D-Bus
 * shaped and typed; turning them into text is properties.ts's job, so `show`, `status` and the
 * D-Bus API read the same rows.
 *
 * A property svcd cannot answer truthfully (IP accounting, the settings it keeps unapplied such as
 * IPAddressDeny=) has no row: docs/differences.md lists them.
 */
import { requiresMountsFor } from '../unit/mounts-for.js';
import { NEVER, type ExecStatus, type ManagerStatus, type Timestamp, type UnitStatus } from '../engine/api.js';
import { resolveTasksMax } from '../exec/cgroup-limits.js';
import { resolveCredentials } from '../exec/exec-context.js';
import type { Kind } from '../graph/atoms.js';
import { unitSliceOf } from '../unit/slice-of.js';
import { perpetualUnit } from '../unit/perpetual.js';
import { effectiveBoundingSet } from '../unit/implied-capabilities.js';
import { NAMESPACE_FLAGS_ALL } from '../unit/directives/seccomp-rows.js';
import { ADDRESS_FAMILIES } from '../shared/address-families.generated.js';

/** A family's name as systemd prints it: AF_UNIX, not its alias AF_LOCAL (nor AF_ROUTE for AF_NETLINK). */
const AF_ALIASES = new Set(['AF_LOCAL', 'AF_ROUTE', 'AF_FILE']);
const addressFamilyName = (n: number): string => Object.keys(ADDRESS_FAMILIES).find((k) => ADDRESS_FAMILIES[k] === n && !AF_ALIASES.has(k)) ?? String(n);
import { USEC_INFINITY } from '../shared/timespan.js';
import { errnoName } from '../exec/native.js';
import { inheritedSettings } from '../exec/inherited.js';
import type { SyscallErrno } from '../unit/model.js';
import { listenText, SOCKET_LISTEN_TYPE } from '../unit/model.js';
import { kernelHasIPv6 } from '../unit/values/socket-address.js';
import { effectiveKeyringMode } from '../unit/exec-kept.js';
import { LOAD_STATE_BUS_ERRORS, loadErrnoBusName, loadProblem } from '../unit/load-problem.js';

/** Why the unit cannot be started for how it loaded, as LoadError= carries it (systemd's bus_unit_validate_load_state()). */
function loadErrorValue(st: UnitStatus): readonly [string, string] {
  const m = st.model;
  switch (m.loadState) {
    case 'loaded': return ['', ''];
    case 'error': return [loadErrnoBusName(m.loadError), loadProblem(m, st.id)!];
    // Not found: a slice or device too, though either starts without a file (loadProblem() lets them).
    case 'not-found': return [LOAD_STATE_BUS_ERRORS['not-found'], `Unit ${st.id} not found.`];
    default: return [LOAD_STATE_BUS_ERRORS[m.loadState], loadProblem(m, st.id)!];
  }
}

/** One Exec*= line as D-Bus carries it: a(sasbttttuii), or a(sasasttttuii) for the …Ex= form. */
export interface ExecCommandValue {
  readonly path: string;
  readonly argv: readonly string[];
  readonly ignoreErrors: boolean;
  /** The …Ex= form's flags ("ignore-failure", …). */
  readonly flags: readonly string[];
  readonly run: ExecStatus;
}

interface Values {
  s: string;
  b: boolean;
  u: number;
  i: number;
  t: bigint;
  d: number;
  y: number;
  as: readonly string[];
  /** Bytes (InvocationID=, an id128: 16 bytes, or none before the unit first ran). */
  ay: Uint8Array;
  'a(sb)': readonly (readonly [string, boolean])[];
  'a(sasbttttuii)': readonly ExecCommandValue[];
  'a(sasasttttuii)': readonly ExecCommandValue[];
  '(uo)': readonly [number, string];
  /** An exit-status list (SuccessExitStatus= and kin): exit statuses, then signals. */
  '(aiai)': readonly [readonly number[], readonly number[]];
  /** TimersMonotonic=: base, time span, next elapse (monotonic µs). */
  'a(stt)': readonly (readonly [string, bigint, bigint])[];
  /** TimersCalendar=: base, expression, next elapse (realtime µs). */
  'a(sst)': readonly (readonly [string, string, bigint])[];
  /** Paths=: type, path; a socket's Listen=: (type word, address) per Listen…= line; TemporaryFileSystem=: path, options. */
  'a(ss)': readonly (readonly [string, string])[];
  /** RestrictAddressFamilies=: whether the list is an allow list, and the families' names. */
  '(bas)': readonly [boolean, readonly string[]];
  /** BindPaths=/BindReadOnlyPaths=: source, destination, ignore a missing source, mount flags (MS_REC). */
  'a(ssbt)': readonly (readonly [string, string, boolean, bigint])[];
  /** TTYRows=/TTYColumns= (UINT16_MAX: unset). */
  q: number;
  /** LogExtraFields=: each "FIELD=value" as bytes. */
  aay: readonly Uint8Array[];
  /** SELinuxContext= and kin: whether a failure is ignored ("-"), the label. */
  '(bs)': readonly [boolean, string];
  /** LoadError=: the D-Bus error name and message ("", "" for a unit that loaded). */
  '(ss)': readonly [string, string];
}
export type Signature = keyof Values;
export type BusValue = { [K in Signature]: { readonly sig: K; readonly v: Values[K] } }[Signature];

export type Interface = 'org.freedesktop.systemd1.Manager' | 'org.freedesktop.systemd1.Unit' | 'org.freedesktop.systemd1.Service' | 'org.freedesktop.systemd1.Socket' | 'org.freedesktop.systemd1.Timer' | 'org.freedesktop.systemd1.Path' | 'org.freedesktop.systemd1.Slice';

export interface PropertyRow<S> {
  readonly name: string;
  readonly iface: Interface;
  readonly sig: Signature;
  /** undefined: the object has no such property now (a resource limit left to the inherited one). */
  read(s: S): BusValue | undefined;
}

function row<S, K extends Signature>(iface: Interface, name: string, sig: K, get: (s: S) => Values[K] | undefined): PropertyRow<S> {
  return {
    name,
    iface,
    sig,
    read: (s) => {
      const v = get(s);
      return v === undefined ? undefined : ({ sig, v } as BusValue);
    },
  };
}

/** Both halves of a timestamp property pair: NAME (realtime) and NAMEMonotonic. */
function stamp<S>(iface: Interface, name: string, get: (s: S) => Timestamp): PropertyRow<S>[] {
  return [row(iface, name, 't', (s: S) => get(s).realtimeUs), row(iface, `${name}Monotonic`, 't', (s: S) => get(s).monotonicUs)];
}

/** A manager default in ms as the µs systemd keeps (Infinity: no limit). */
const usecOf = (ms: number): bigint => (Number.isFinite(ms) ? BigInt(Math.round(ms * 1000)) : USEC_INFINITY);

const NO_RUN: ExecStatus = { pid: 0, start: { realtimeUs: 0n, monotonicUs: 0n }, exit: { realtimeUs: 0n, monotonicUs: 0n }, code: 0, status: 0 };

type ModelCommand = NonNullable<UnitStatus['model']['service']>['execStart'][number];

/** The …Ex= form's flags, in systemd's order, from the command's prefixes ("-", "+", "!", "!!", ":"). */
function flagsOf(c: ModelCommand | undefined): readonly string[] {
  if (!c) return [];
  const f = c.flags;
  return [[f.ignoreFailure, 'ignore-failure'], [f.fullyPrivileged, 'privileged'], [f.noSetuid, 'no-setuid'], [f.ambientMagic, 'ambient'], [f.noEnvExpand, 'no-env-expand']]
    .filter(([on]) => on).map(([, name]) => name as string);
}

/** A service's Exec*= lines as written, by key (none for a unit that is no service). */
export function writtenCommands(st: UnitStatus): Readonly<Record<string, readonly ModelCommand[]>> {
  const svc = st.model.service;
  return svc ? {
    ExecCondition: svc.execCondition, ExecStartPre: svc.execStartPre, ExecStart: svc.execStart, ExecStartPost: svc.execStartPost,
    ExecReload: svc.execReload, ExecStop: svc.execStop, ExecStopPost: svc.execStopPost,
  } : {};
}

/** The unit's Exec*= lines with their last runs: the engine's record, else the model's (never run). */
function commands(st: UnitStatus, key: string): readonly ExecCommandValue[] {
  const model = writtenCommands(st)[key] ?? [];
  const ran = st.commands[key];
  // The engine runs the model's lines in order: the i-th record is the i-th line.
  if (ran) return ran.map((c, i) => ({ path: c.path, argv: c.argv, ignoreErrors: c.ignoreErrors, flags: flagsOf(model[i]), run: c.run ?? NO_RUN }));
  return model.map((c) => ({ path: c.path, argv: c.argv, ignoreErrors: c.flags.ignoreFailure, flags: flagsOf(c), run: NO_RUN }));
}

const SVC: Interface = 'org.freedesktop.systemd1.Service';
/** mount(2)'s MS_REC, as BindPaths= carries "rbind" over D-Bus. */
const MS_REC = 16384n;
const UNIT: Interface = 'org.freedesktop.systemd1.Unit';
const MGR: Interface = 'org.freedesktop.systemd1.Manager';

type Svc = NonNullable<UnitStatus['model']['service']>;
type Exe = NonNullable<UnitStatus['model']['exec']>;
type Kill = NonNullable<UnitStatus['model']['kill']>;
const svc = (st: UnitStatus): Svc => st.model.service!;
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

/** systemd keeps an exit-status list as two sets: each number once, in ascending order. */
const ascending = (xs: readonly number[]) => [...new Set(xs)].sort((a, b) => a - b);
const exitStatusList = (l: Svc['successExitStatus']) => [ascending(l.status), ascending(l.signal)] as const;

/** RuntimeDirectory= and its kin, each with its …Mode= (systemd's exec_directory_type table order). */
const DIRECTORY_KINDS = ['Runtime', 'State', 'Cache', 'Logs', 'Configuration'] as const;
const lowerFirst = <K extends string>(k: K) => (k[0]!.toLowerCase() + k.slice(1)) as Uncapitalize<K>;

const EXEC_KEYS = ['ExecCondition', 'ExecStartPre', 'ExecStart', 'ExecStartPost', 'ExecReload', 'ExecStop', 'ExecStopPost'] as const;


/**
 * Whether the unit's file was read: a unit that is not found (or masked) shows a service's initial
 * values, before the manager's defaults and the file's settings were applied, as systemd's does.
 */
const loaded = (st: UnitStatus) => st.model.loadState === 'loaded';

/**
 * A unit's cgroup context (systemd.resource-control(5)), in systemd's order: where it runs
 * (Slice=, ControlGroup=), what its cgroup counts, Delegate= and its limits. Services and slices
 * share it; a slice's cgroup is there while the slice is active, a service's while it has processes.
 */
function cgroupRows(iface: Interface): PropertyRow<UnitStatus>[] {
  const isSlice = (st: UnitStatus) => st.model.type === 'slice';
  return [
    row(iface, 'Slice', 's', (st) => (loaded(st) ? unitSliceOf(st.id, res(st).slice) ?? '' : '')),
    // systemd trims a cgroup once it is empty (an exited oneshot's too) and forgets its path.
    row(iface, 'ControlGroup', 's', (st) => ((isSlice(st) ? false : st.processes.length === 0) || st.activeState === 'inactive' || st.activeState === 'failed' ? '' : st.controlGroup)),
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

/** org.freedesktop.systemd1.Service, with its exec, kill and cgroup contexts (service units only). */
export const SERVICE_PROPERTIES: readonly PropertyRow<UnitStatus>[] = [
  row(SVC, 'Type', 's', (st) => (loaded(st) ? svc(st).type : '')),
  row(SVC, 'ExitType', 's', () => 'main'),
  row(SVC, 'Restart', 's', (st) => svc(st).restart),
  row(SVC, 'PIDFile', 's', (st) => svc(st).pidFile ?? ''),
  row(SVC, 'NotifyAccess', 's', (st) => svc(st).notifyAccess ?? (svc(st).type === 'notify' ? 'main' : 'none')),
  row(SVC, 'RestartUSec', 't', (st) => svc(st).restartUSec ?? usecOf(st.defaults.restartMs)),
  row(SVC, 'TimeoutStartUSec', 't', (st) => svc(st).timeoutStartUSec ?? (loaded(st) && svc(st).type === 'oneshot' ? USEC_INFINITY : usecOf(st.defaults.timeoutStartMs))),
  row(SVC, 'TimeoutStopUSec', 't', (st) => svc(st).timeoutStopUSec ?? usecOf(st.defaults.timeoutStopMs)),
  row(SVC, 'TimeoutAbortUSec', 't', (st) => svc(st).timeoutAbortUSec ?? svc(st).timeoutStopUSec ?? usecOf(st.defaults.timeoutAbortMs ?? st.defaults.timeoutStopMs)),
  row(SVC, 'TimeoutStartFailureMode', 's', (st) => svc(st).timeoutStartFailureMode),
  row(SVC, 'TimeoutStopFailureMode', 's', (st) => svc(st).timeoutStopFailureMode),
  row(SVC, 'RuntimeMaxUSec', 't', (st) => svc(st).runtimeMaxUSec),
  row(SVC, 'RuntimeRandomizedExtraUSec', 't', () => 0n),
  row(SVC, 'WatchdogUSec', 't', (st) => (loaded(st) ? svc(st).watchdogUSec : USEC_INFINITY)),
  ...stamp<UnitStatus>(SVC, 'WatchdogTimestamp', () => NO_RUN.start),
  row(SVC, 'RootDirectoryStartOnly', 'b', (st) => svc(st).rootDirectoryStartOnly),
  row(SVC, 'RemainAfterExit', 'b', (st) => svc(st).remainAfterExit),
  row(SVC, 'GuessMainPID', 'b', (st) => svc(st).guessMainPID),
  row(SVC, 'RestartPreventExitStatus', '(aiai)', (st) => exitStatusList(svc(st).restartPreventExitStatus)),
  row(SVC, 'RestartForceExitStatus', '(aiai)', (st) => exitStatusList(svc(st).restartForceExitStatus)),
  row(SVC, 'SuccessExitStatus', '(aiai)', (st) => exitStatusList(svc(st).successExitStatus)),
  row(SVC, 'MainPID', 'u', (st) => st.mainPid),
  row(SVC, 'ControlPID', 'u', (st) => st.controlPid),
  row(SVC, 'BusName', 's', (st) => svc(st).busName ?? ''),
  row(SVC, 'FileDescriptorStoreMax', 'u', (st) => svc(st).fileDescriptorStoreMax),
  row(SVC, 'NFileDescriptorStore', 'u', (st) => st.nFileDescriptorStore ?? 0),
  row(SVC, 'StatusText', 's', (st) => st.statusText),
  row(SVC, 'StatusErrno', 'i', (st) => st.statusErrno),
  row(SVC, 'Result', 's', (st) => st.result),
  row(SVC, 'ReloadResult', 's', () => 'success'),
  row(SVC, 'CleanResult', 's', () => 'success'),
  row(SVC, 'UID', 'u', (st) => heldIds(st).uid ?? NOT_SET),
  row(SVC, 'GID', 'u', (st) => heldIds(st).gid ?? NOT_SET),
  row(SVC, 'NRestarts', 'u', (st) => st.nRestarts),
  row(SVC, 'OOMPolicy', 's', (st) => (loaded(st) ? svc(st).oomPolicy ?? st.defaults.oomPolicy ?? 'stop' : '')),
  ...stamp<UnitStatus>(SVC, 'ExecMainStartTimestamp', (st) => st.execMain.start),
  ...stamp<UnitStatus>(SVC, 'ExecMainExitTimestamp', (st) => st.execMain.exit),
  row(SVC, 'ExecMainPID', 'u', (st) => st.execMain.pid),
  row(SVC, 'ExecMainCode', 'i', (st) => st.execMain.code),
  row(SVC, 'ExecMainStatus', 'i', (st) => st.execMain.status),
  ...EXEC_KEYS.flatMap((k) => [row(SVC, k, 'a(sasbttttuii)', (st: UnitStatus) => commands(st, k)), row(SVC, `${k}Ex`, 'a(sasasttttuii)', (st: UnitStatus) => commands(st, k))]),
  ...cgroupRows(SVC),
  row(SVC, 'Environment', 'as', (st) => exe(st).environment),
  row(SVC, 'EnvironmentFiles', 'a(sb)', (st) => exe(st).environmentFiles.map((f) => [f.path, f.optional] as const)),
  row(SVC, 'PassEnvironment', 'as', (st) => exe(st).passEnvironment),
  row(SVC, 'UnsetEnvironment', 'as', (st) => exe(st).unsetEnvironment),
  row(SVC, 'UMask', 'u', (st) => exe(st).umask ?? 0o022),
  ...(['CORE', 'NOFILE', 'NPROC', 'MEMLOCK'] as const).flatMap((k) => [
    // The unit's limits and the manager's DefaultLimit*= (filled in at load); not those inherited from the host (docs/differences.md).
    row(SVC, `Limit${k}`, 't', (st: UnitStatus) => exe(st).limits[k]?.hard),
    row(SVC, `Limit${k}Soft`, 't', (st: UnitStatus) => exe(st).limits[k]?.soft),
  ]),
  row(SVC, 'WorkingDirectory', 's', (st) => exe(st).workingDirectory ?? ''),
  row(SVC, 'RootDirectory', 's', (st) => exe(st).rootDirectory ?? ''),
  row(SVC, 'OOMScoreAdjust', 'i', (st) => exe(st).oomScoreAdjust ?? 0),
  // Where the unit sets none of these, what its processes inherit from svcd, as systemd prints its own.
  row(SVC, 'CoredumpFilter', 't', (st) => kept(st).coredumpFilter ?? inheritedSettings().coredumpFilter),
  row(SVC, 'Nice', 'i', (st) => exe(st).nice ?? 0),
  row(SVC, 'IOSchedulingClass', 'i', (st) => (kept(st).ioprio ?? IOPRIO_DEFAULT) >> 13),
  row(SVC, 'IOSchedulingPriority', 'i', (st) => (kept(st).ioprio ?? IOPRIO_DEFAULT) & 0x1fff),
  row(SVC, 'CPUSchedulingPolicy', 'i', (st) => kept(st).cpuSched?.policy ?? inheritedSettings().cpuSchedPolicy),
  row(SVC, 'CPUSchedulingPriority', 'i', (st) => kept(st).cpuSched?.priority ?? inheritedSettings().cpuSchedPriority),
  row(SVC, 'CPUAffinity', 'ay', (st) => cpuMask(kept(st).cpuAffinity)),
  row(SVC, 'CPUAffinityFromNUMA', 'b', (st) => kept(st).cpuAffinityFromNUMA),
  row(SVC, 'NUMAPolicy', 'i', (st) => kept(st).numaPolicy ?? -1),
  row(SVC, 'NUMAMask', 'ay', (st) => cpuMask(kept(st).numaMask)),
  row(SVC, 'TimerSlackNSec', 't', (st) => kept(st).timerSlackNSec ?? inheritedSettings().timerSlackNSec),
  row(SVC, 'CPUSchedulingResetOnFork', 'b', (st) => kept(st).cpuSchedResetOnFork),
  row(SVC, 'NonBlocking', 'b', (st) => kept(st).nonBlocking),
  // fd:NAME is the fd kind, its name a property of its own.
  row(SVC, 'StandardInput', 's', (st) => stdioKind(exe(st).standardInput ?? 'null')),
  row(SVC, 'StandardInputFileDescriptorName', 's', (st) => fdName(exe(st).standardInput)),
  row(SVC, 'StandardInputData', 'ay', (st) => Buffer.from(kept(st).stdinData, 'base64')),
  // The journal is the default a loaded unit gets from the manager; before that it is inherit. A
  // socket as stdin is a two-way stream: output stays inherit, on it (systemd's service_fix_stdio()).
  row(SVC, 'StandardOutput', 's', (st) => stdioKind(exe(st).standardOutput ?? (loaded(st) && exe(st).standardInput !== 'socket' ? 'journal' : 'inherit'))),
  row(SVC, 'StandardOutputFileDescriptorName', 's', (st) => fdName(exe(st).standardOutput)),
  row(SVC, 'StandardError', 's', (st) => stdioKind(exe(st).standardError ?? 'inherit')),
  row(SVC, 'StandardErrorFileDescriptorName', 's', (st) => fdName(exe(st).standardError)),
  row(SVC, 'TTYPath', 's', (st) => exe(st).ttyPath ?? ''),
  row(SVC, 'TTYReset', 'b', (st) => kept(st).ttyReset),
  row(SVC, 'TTYVHangup', 'b', (st) => kept(st).ttyVHangup),
  row(SVC, 'TTYVTDisallocate', 'b', (st) => kept(st).ttyVTDisallocate),
  row(SVC, 'TTYRows', 'q', (st) => kept(st).ttyRows ?? UINT16_MAX),
  row(SVC, 'TTYColumns', 'q', (st) => kept(st).ttyColumns ?? UINT16_MAX),
  row(SVC, 'SyslogPriority', 'i', (st) => (kept(st).syslogFacility << 3) | kept(st).syslogLevel),
  row(SVC, 'SyslogIdentifier', 's', (st) => exe(st).syslogIdentifier ?? ''),
  row(SVC, 'SyslogLevelPrefix', 'b', (st) => exe(st).syslogLevelPrefix),
  row(SVC, 'SyslogLevel', 'i', (st) => kept(st).syslogLevel),
  row(SVC, 'SyslogFacility', 'i', (st) => kept(st).syslogFacility),
  row(SVC, 'LogLevelMax', 'i', (st) => kept(st).logLevelMax ?? -1),
  // Unset: 0, the journal's own [Journal] rate limit applies (as systemd says it).
  row(SVC, 'LogRateLimitIntervalUSec', 't', (st) => exe(st).logRateLimitIntervalUSec ?? 0n),
  row(SVC, 'LogRateLimitBurst', 'u', (st) => exe(st).logRateLimitBurst ?? 0),
  row(SVC, 'LogExtraFields', 'aay', (st) => kept(st).logExtraFields.map((f) => Buffer.from(f))),
  row(SVC, 'LogNamespace', 's', (st) => kept(st).logNamespace ?? ''),
  row(SVC, 'SecureBits', 'i', (st) => kept(st).secureBits),
  // As the spawner applies it: less what PrivateDevices=, ProtectKernelModules= … take away (systemd shows it so).
  row(SVC, 'CapabilityBoundingSet', 't', (st) => effectiveBoundingSet(exe(st))),
  row(SVC, 'AmbientCapabilities', 't', (st) => exe(st).ambientCapabilities ?? 0n),
  row(SVC, 'User', 's', (st) => exe(st).user ?? ''),
  row(SVC, 'Group', 's', (st) => exe(st).group ?? ''),
  row(SVC, 'DynamicUser', 'b', (st) => exe(st).dynamicUser),
  row(SVC, 'RemoveIPC', 'b', (st) => exe(st).removeIPC),
  row(SVC, 'SupplementaryGroups', 'as', (st) => exe(st).supplementaryGroups),
  row(SVC, 'PAMName', 's', (st) => kept(st).pamName ?? ''),
  ...(['ReadWritePaths', 'ReadOnlyPaths', 'InaccessiblePaths', 'ExecPaths', 'NoExecPaths'] as const).map((k) =>
    row(SVC, k, 'as', (st: UnitStatus) => exe(st).mounts[lowerFirst(k)])),
  row(SVC, 'ExecSearchPath', 'as', (st) => kept(st).execSearchPath),
  row(SVC, 'MountFlags', 't', (st) => kept(st).mountFlags),
  row(SVC, 'PrivateTmp', 'b', (st) => exe(st).privateTmp),
  row(SVC, 'PrivateDevices', 'b', (st) => exe(st).mounts.privateDevices),
  row(SVC, 'ProtectClock', 'b', (st) => exe(st).seccomp.protectClock),
  row(SVC, 'ProtectKernelTunables', 'b', (st) => exe(st).mounts.protectKernelTunables),
  row(SVC, 'ProtectKernelModules', 'b', (st) => exe(st).seccomp.protectKernelModules),
  row(SVC, 'ProtectKernelLogs', 'b', (st) => exe(st).seccomp.protectKernelLogs),
  row(SVC, 'ProtectControlGroups', 'b', (st) => exe(st).mounts.protectControlGroups),
  row(SVC, 'PrivateNetwork', 'b', (st) => exe(st).mounts.privateNetwork),
  row(SVC, 'PrivateUsers', 'b', (st) => exe(st).mounts.privateUsers),
  row(SVC, 'PrivateMounts', 'b', (st) => exe(st).mounts.privateMounts),
  row(SVC, 'PrivateIPC', 'b', (st) => exe(st).mounts.privateIPC),
  row(SVC, 'ProtectHome', 's', (st) => exe(st).mounts.protectHome),
  row(SVC, 'ProtectSystem', 's', (st) => exe(st).mounts.protectSystem),
  // Only settable over D-Bus (transient units), never from a unit file.
  row(SVC, 'SameProcessGroup', 'b', () => false),
  row(SVC, 'UtmpIdentifier', 's', (st) => kept(st).utmpIdentifier ?? ''),
  row(SVC, 'UtmpMode', 's', (st) => kept(st).utmpMode),
  row(SVC, 'SELinuxContext', '(bs)', (st) => label(kept(st).selinuxContext)),
  row(SVC, 'AppArmorProfile', '(bs)', (st) => label(kept(st).appArmorProfile)),
  row(SVC, 'SmackProcessLabel', '(bs)', (st) => label(kept(st).smackProcessLabel)),
  row(SVC, 'IgnoreSIGPIPE', 'b', (st) => kept(st).ignoreSIGPIPE),
  row(SVC, 'NoNewPrivileges', 'b', (st) => exe(st).noNewPrivileges),
  // Unset: an empty deny list (systemctl prints "~").
  row(SVC, 'SystemCallFilter', '(bas)', (st) => syscallList(exe(st).seccomp.systemCallFilter)),
  row(SVC, 'SystemCallArchitectures', 'as', (st) => [...new Set(exe(st).seccomp.systemCallArchitecturesWritten)].sort()),
  row(SVC, 'SystemCallErrorNumber', 'i', (st) => errnoValue(exe(st).seccomp.systemCallErrorNumber)),
  row(SVC, 'SystemCallLog', '(bas)', (st) => {
    const l = exe(st).seccomp.systemCallLog;
    return [l?.allowList ?? false, [...(l?.calls ?? [])].sort()] as const;
  }),
  row(SVC, 'Personality', 's', (st) => kept(st).personality ?? ''),
  row(SVC, 'LockPersonality', 'b', (st) => exe(st).seccomp.lockPersonality),
  // Unset: an empty deny list, as systemd keeps it (systemctl prints "~").
  row(SVC, 'RestrictAddressFamilies', '(bas)', (st) => {
    const af = exe(st).seccomp.restrictAddressFamilies;
    return [af?.allowList ?? false, [...(af?.families ?? [])].map(addressFamilyName).sort()] as const;
  }),
  row(SVC, 'RuntimeDirectoryPreserve', 's', (st) => exe(st).runtimeDirectoryPreserve),
  ...DIRECTORY_KINDS.flatMap((k) => [
    row(SVC, `${k}DirectoryMode`, 'u', (st: UnitStatus) => exe(st)[`${lowerFirst(k)}DirectoryMode`] ?? 0o755),
    row(SVC, `${k}Directory`, 'as', (st: UnitStatus) => exe(st)[`${lowerFirst(k)}Directory`]),
  ]),
  row(SVC, 'MemoryDenyWriteExecute', 'b', (st) => exe(st).seccomp.memoryDenyWriteExecute),
  row(SVC, 'RestrictRealtime', 'b', (st) => exe(st).seccomp.restrictRealtime),
  row(SVC, 'RestrictSUIDSGID', 'b', (st) => exe(st).seccomp.restrictSUIDSGID),
  // The namespace types kept (clone flags); unset keeps them all.
  row(SVC, 'RestrictNamespaces', 't', (st) => BigInt(exe(st).seccomp.restrictNamespaces ?? NAMESPACE_FLAGS_ALL)),
  ...([['BindPaths', false], ['BindReadOnlyPaths', true]] as const).map(([k, readOnly]) => row(SVC, k, 'a(ssbt)', (st: UnitStatus) =>
    exe(st).mounts.bindPaths.filter((b) => b.readOnly === readOnly).map((b) => [b.source, b.destination, b.ignoreMissing, b.recursive ? MS_REC : 0n] as const))),
  row(SVC, 'TemporaryFileSystem', 'a(ss)', (st) => exe(st).mounts.temporaryFileSystems.map((t) => [t.path, t.options] as const)),
  // Unset: on exactly where the unit has a root of its own.
  row(SVC, 'MountAPIVFS', 'b', (st) => kept(st).mountAPIVFS ?? exe(st).rootDirectory !== undefined),
  row(SVC, 'KeyringMode', 's', (st) => effectiveKeyringMode(kept(st), st.model.type)),
  row(SVC, 'ProtectProc', 's', (st) => exe(st).mounts.protectProc),
  row(SVC, 'ProcSubset', 's', (st) => exe(st).mounts.procSubset),
  row(SVC, 'ProtectHostname', 'b', (st) => exe(st).seccomp.protectHostname),
  row(SVC, 'NetworkNamespacePath', 's', (st) => kept(st).networkNamespacePath ?? ''),
  row(SVC, 'IPCNamespacePath', 's', (st) => kept(st).ipcNamespacePath ?? ''),
  row(SVC, 'KillMode', 's', (st) => kill(st).killMode),
  row(SVC, 'KillSignal', 'i', (st) => kill(st).killSignal),
  row(SVC, 'RestartKillSignal', 'i', (st) => kill(st).restartKillSignal ?? kill(st).killSignal),
  row(SVC, 'FinalKillSignal', 'i', (st) => kill(st).finalKillSignal),
  row(SVC, 'SendSIGKILL', 'b', (st) => kill(st).sendSIGKILL),
  row(SVC, 'SendSIGHUP', 'b', (st) => kill(st).sendSIGHUP),
  row(SVC, 'WatchdogSignal', 'i', (st) => kill(st).watchdogSignal),
];

/** The dependency lists of org.freedesktop.systemd1.Unit, in its order. */
export const DEPENDENCY_KINDS: readonly Kind[] = [
  'Requires', 'Requisite', 'Wants', 'BindsTo', 'PartOf', 'Upholds', 'RequiredBy', 'RequisiteOf', 'WantedBy', 'BoundBy',
  'UpheldBy', 'ConsistsOf', 'Conflicts', 'ConflictedBy', 'Before', 'After', 'OnSuccess', 'OnSuccessOf', 'OnFailure', 'OnFailureOf',
  'Triggers', 'TriggeredBy', 'PropagatesReloadTo', 'ReloadPropagatedFrom', 'PropagatesStopTo', 'StopPropagatedFrom', 'JoinsNamespaceOf',
] as Kind[];

/** systemd refuses manual starts of slices' and targets' peers the same way: only RefuseManualStart= and the load state matter. */
const canStart = (st: UnitStatus) => loaded(st) && !st.model.unit.refuseManualStart;

/** org.freedesktop.systemd1.Unit: every unit has these. */
export const UNIT_PROPERTIES: readonly PropertyRow<UnitStatus>[] = [
  row(UNIT, 'Id', 's', (st) => st.id),
  row(UNIT, 'Names', 'as', (st) => (st.model.names.length > 0 ? st.model.names : [st.id])),
  // Present on every unit, empty or not: `show -p Requires` prints "Requires=" as systemctl does.
  ...DEPENDENCY_KINDS.map((k) => row(UNIT, k, 'as', (st: UnitStatus) => [...(st.dependencies[k] ?? [])].sort())),
  // The file's paths and those systemd adds (exec context, sockets, path units, persistent timers).
  row(UNIT, 'RequiresMountsFor', 'as', (st) => requiresMountsFor(st.model).map((m) => m.path)),
  row(UNIT, 'Documentation', 'as', (st) => st.model.unit.documentation),
  row(UNIT, 'Description', 's', (st) => st.model.unit.description ?? st.id),
  row(UNIT, 'LoadState', 's', (st) => st.model.loadState),
  row(UNIT, 'ActiveState', 's', (st) => st.activeState),
  row(UNIT, 'FreezerState', 's', () => 'running'),
  row(UNIT, 'SubState', 's', (st) => st.subState),
  row(UNIT, 'FragmentPath', 's', (st) => st.model.fragmentPath ?? ''),
  row(UNIT, 'SourcePath', 's', (st) => st.model.unit.sourcePath ?? ''),
  row(UNIT, 'DropInPaths', 'as', (st) => st.model.dropinPaths),
  row(UNIT, 'UnitFileState', 's', (st) => st.unitFileState),
  row(UNIT, 'UnitFilePreset', 's', (st) => (st.model.fragmentPath ? 'enabled' : '')),
  ...stamp<UnitStatus>(UNIT, 'StateChangeTimestamp', (st) => st.timestamps.stateChange),
  ...stamp<UnitStatus>(UNIT, 'InactiveExitTimestamp', (st) => st.timestamps.inactiveExit),
  ...stamp<UnitStatus>(UNIT, 'ActiveEnterTimestamp', (st) => st.timestamps.activeEnter),
  ...stamp<UnitStatus>(UNIT, 'ActiveExitTimestamp', (st) => st.timestamps.activeExit),
  ...stamp<UnitStatus>(UNIT, 'InactiveEnterTimestamp', (st) => st.timestamps.inactiveEnter),
  row(UNIT, 'CanStart', 'b', canStart),
  // Not a question of the load state: a unit that is not found can still be stopped (whatever of it runs).
  row(UNIT, 'CanStop', 'b', (st) => !st.model.unit.refuseManualStop && perpetualUnit(st.id) === undefined),
  row(UNIT, 'CanReload', 'b', (st) => (st.model.service?.execReload.length ?? 0) > 0),
  row(UNIT, 'CanIsolate', 'b', (st) => st.model.unit.allowIsolate),
  row(UNIT, 'CanFreeze', 'b', () => false),
  row(UNIT, 'Job', '(uo)', (st) => (st.job ? [st.job.id, `/org/freedesktop/systemd1/job/${st.job.id}`] : [0, '/'])),
  row(UNIT, 'StopWhenUnneeded', 'b', (st) => st.model.unit.stopWhenUnneeded),
  row(UNIT, 'RefuseManualStart', 'b', (st) => st.model.unit.refuseManualStart),
  row(UNIT, 'RefuseManualStop', 'b', (st) => st.model.unit.refuseManualStop),
  row(UNIT, 'AllowIsolate', 'b', (st) => st.model.unit.allowIsolate),
  row(UNIT, 'DefaultDependencies', 'b', (st) => st.model.unit.defaultDependencies),
  row(UNIT, 'OnSuccessJobMode', 's', (st) => st.model.unit.onSuccessJobMode),
  row(UNIT, 'OnFailureJobMode', 's', (st) => st.model.unit.onFailureJobMode),
  row(UNIT, 'IgnoreOnIsolate', 'b', (st) => st.model.unit.ignoreOnIsolate),
  row(UNIT, 'NeedDaemonReload', 'b', (st) => st.needDaemonReload),
  row(UNIT, 'JobTimeoutUSec', 't', (st) => st.model.unit.jobTimeoutUSec),
  row(UNIT, 'JobRunningTimeoutUSec', 't', (st) => st.model.unit.jobRunningTimeoutUSec),
  row(UNIT, 'JobTimeoutAction', 's', (st) => st.model.unit.jobTimeoutAction),
  row(UNIT, 'ConditionResult', 'b', (st) => st.conditionResult),
  row(UNIT, 'AssertResult', 'b', (st) => st.assertResult),
  ...stamp<UnitStatus>(UNIT, 'ConditionTimestamp', (st) => st.timestamps.condition),
  ...stamp<UnitStatus>(UNIT, 'AssertTimestamp', (st) => st.timestamps.assert),
  row(UNIT, 'LoadError', '(ss)', loadErrorValue),
  row(UNIT, 'Transient', 'b', (st) => perpetualUnit(st.id)?.transient ?? false),
  row(UNIT, 'Perpetual', 'b', (st) => perpetualUnit(st.id) !== undefined),
  row(UNIT, 'StartLimitIntervalUSec', 't', (st) => st.model.unit.startLimitIntervalUSec ?? usecOf(st.defaults.startLimitIntervalMs)),
  row(UNIT, 'StartLimitBurst', 'u', (st) => st.model.unit.startLimitBurst ?? st.defaults.startLimitBurst),
  row(UNIT, 'StartLimitAction', 's', (st) => st.model.unit.startLimitAction),
  row(UNIT, 'FailureAction', 's', (st) => st.model.unit.failureAction),
  row(UNIT, 'FailureActionExitStatus', 'i', (st) => st.model.unit.failureActionExitStatus ?? -1),
  row(UNIT, 'SuccessAction', 's', (st) => st.model.unit.successAction),
  row(UNIT, 'SuccessActionExitStatus', 'i', (st) => st.model.unit.successActionExitStatus ?? -1),
  row(UNIT, 'InvocationID', 'ay', (st) => Buffer.from(st.invocationId, 'hex')),
  row(UNIT, 'CollectMode', 's', (st) => st.model.unit.collectMode),
];

/** org.freedesktop.systemd1.Manager, the object `systemctl show` without a unit prints. */
export const MANAGER_PROPERTIES: readonly PropertyRow<ManagerStatus>[] = [
  row(MGR, 'Version', 's', (ms: ManagerStatus) => ms.version),
  row(MGR, 'Features', 's', () => '+SVCD'),
  row(MGR, 'Virtualization', 's', () => process.env.container ?? ''),
  row(MGR, 'Architecture', 's', () => (process.arch === 'x64' ? 'x86-64' : process.arch)),
  // A container has no firmware, loader, kernel or initrd of its own: systemd shows these as never.
  ...['Firmware', 'Loader', 'Kernel', 'InitRD'].flatMap((k) => stamp<ManagerStatus>(MGR, `${k}Timestamp`, () => NEVER)),
  ...stamp<ManagerStatus>(MGR, 'UserspaceTimestamp', (ms: ManagerStatus) => ms.userspaceTimestamp),
  ...stamp<ManagerStatus>(MGR, 'FinishTimestamp', (ms: ManagerStatus) => ms.finishTimestamp),
  // No security module is set up in a container, by systemd either.
  ...stamp<ManagerStatus>(MGR, 'SecurityStartTimestamp', () => NEVER),
  ...stamp<ManagerStatus>(MGR, 'SecurityFinishTimestamp', () => NEVER),
  ...stamp<ManagerStatus>(MGR, 'GeneratorsStartTimestamp', (ms: ManagerStatus) => ms.generatorsStartTimestamp),
  ...stamp<ManagerStatus>(MGR, 'GeneratorsFinishTimestamp', (ms: ManagerStatus) => ms.generatorsFinishTimestamp),
  ...stamp<ManagerStatus>(MGR, 'UnitsLoadStartTimestamp', (ms: ManagerStatus) => ms.unitsLoadStartTimestamp),
  ...stamp<ManagerStatus>(MGR, 'UnitsLoadFinishTimestamp', (ms: ManagerStatus) => ms.unitsLoadFinishTimestamp),
  // 252's stable series names the latest (re)load here and leaves it unset, as its 'show' prints.
  ...stamp<ManagerStatus>(MGR, 'UnitsLoadTimestamp', () => NEVER),
  ...['Security', 'Generators', 'UnitsLoad'].flatMap((k) => [
    ...stamp<ManagerStatus>(MGR, `InitRD${k}StartTimestamp`, () => NEVER),
    ...stamp<ManagerStatus>(MGR, `InitRD${k}FinishTimestamp`, () => NEVER),
  ]),
  row(MGR, 'NNames', 'u', (ms: ManagerStatus) => ms.nNames),
  row(MGR, 'NFailedUnits', 'u', (ms: ManagerStatus) => ms.nFailedUnits),
  row(MGR, 'NJobs', 'u', (ms: ManagerStatus) => ms.nJobs),
  row(MGR, 'Progress', 'd', (ms: ManagerStatus) => (ms.nJobs === 0 ? 1 : 0)),
  row(MGR, 'Environment', 'as', (ms: ManagerStatus) => ms.environment),
  row(MGR, 'UnitPath', 'as', (ms: ManagerStatus) => ms.unitPath),
  row(MGR, 'DefaultStandardOutput', 's', () => 'journal'),
  row(MGR, 'DefaultStandardError', 's', () => 'inherit'),
  row(MGR, 'SystemState', 's', (ms: ManagerStatus) => ms.systemState),
  row(MGR, 'ExitCode', 'y', (ms: ManagerStatus) => ms.exitCode ?? 0),
  row(MGR, 'DefaultTimeoutStartUSec', 't', (ms: ManagerStatus) => usecOf(ms.defaults.timeoutStartMs)),
  row(MGR, 'DefaultTimeoutStopUSec', 't', (ms: ManagerStatus) => usecOf(ms.defaults.timeoutStopMs)),
  row(MGR, 'DefaultTimeoutAbortUSec', 't', (ms: ManagerStatus) => usecOf(ms.defaults.timeoutAbortMs ?? ms.defaults.timeoutStopMs)),
  row(MGR, 'DefaultRestartUSec', 't', (ms: ManagerStatus) => usecOf(ms.defaults.restartMs)),
  row(MGR, 'DefaultStartLimitIntervalUSec', 't', (ms: ManagerStatus) => usecOf(ms.defaults.startLimitIntervalMs)),
  row(MGR, 'DefaultStartLimitBurst', 'u', (ms: ManagerStatus) => ms.defaults.startLimitBurst),
];

const SOCK: Interface = 'org.freedesktop.systemd1.Socket';
type Sock = Extract<UnitStatus['model'], { type: 'socket' }>['socket'];
const sock = (st: UnitStatus): Sock => (st.model as Extract<UnitStatus['model'], { type: 'socket' }>).socket;

/**
 * org.freedesktop.systemd1.Socket, the settings svcd acts on, in systemd's order (socket units
 * only).
 */
export const SOCKET_PROPERTIES: readonly PropertyRow<UnitStatus>[] = [
  row(SOCK, 'BindIPv6Only', 's', (st) => sock(st).bindIPv6Only),
  row(SOCK, 'Backlog', 'u', (st) => sock(st).backlog),
  row(SOCK, 'TimeoutUSec', 't', (st) => sock(st).timeoutUSec ?? usecOf(st.defaults.timeoutStartMs)),
  row(SOCK, 'SocketMode', 'u', (st) => sock(st).socketMode),
  row(SOCK, 'DirectoryMode', 'u', (st) => sock(st).directoryMode),
  row(SOCK, 'Accept', 'b', (st) => sock(st).accept),
  row(SOCK, 'KeepAlive', 'b', (st) => sock(st).keepAlive),
  row(SOCK, 'NoDelay', 'b', (st) => sock(st).noDelay),
  row(SOCK, 'FreeBind', 'b', (st) => sock(st).freeBind),
  row(SOCK, 'PassCredentials', 'b', (st) => sock(st).passCredentials),
  row(SOCK, 'PassSecurity', 'b', (st) => sock(st).passSecurity),
  row(SOCK, 'RemoveOnStop', 'b', (st) => sock(st).removeOnStop),
  row(SOCK, 'Listen', 'a(ss)', (st) => {
    const ipv6 = kernelHasIPv6();
    return sock(st).listen.map((l) => [SOCKET_LISTEN_TYPE[l.value.kind], listenText(l.value, ipv6)] as const);
  }),
  row(SOCK, 'MaxConnections', 'u', (st) => sock(st).maxConnections),
  row(SOCK, 'MaxConnectionsPerSource', 'u', (st) => sock(st).maxConnectionsPerSource),
  row(SOCK, 'ReusePort', 'b', (st) => sock(st).reusePort),
  row(SOCK, 'ControlPID', 'u', (st) => st.controlPid),
  row(SOCK, 'Result', 's', (st) => st.result),
  row(SOCK, 'NConnections', 'u', (st) => st.socket?.nConnections ?? 0),
  row(SOCK, 'NAccepted', 'u', (st) => st.socket?.nAccepted ?? 0),
  row(SOCK, 'NRefused', 'u', (st) => st.socket?.nRefused ?? 0),
  row(SOCK, 'FileDescriptorName', 's', (st) => sock(st).fileDescriptorName ?? st.id),
  row(SOCK, 'TriggerLimitIntervalUSec', 't', (st) => sock(st).triggerLimitIntervalUSec ?? 2_000_000n),
  row(SOCK, 'TriggerLimitBurst', 'u', (st) => sock(st).triggerLimitBurst ?? (sock(st).accept ? 200 : 20)),
];

const TMR: Interface = 'org.freedesktop.systemd1.Timer';
type TimerModel = Extract<UnitStatus['model'], { type: 'timer' }>['timer'];
const tmr = (st: UnitStatus): TimerModel => (st.model.type === 'timer' ? st.model.timer : undefined)!;
const NOT_WAITING = { nextElapseRealtimeUs: USEC_INFINITY, nextElapseMonotonicUs: USEC_INFINITY, lastTrigger: NO_RUN.start, values: [] };
const tst = (st: UnitStatus) => st.timer ?? NOT_WAITING;

/** org.freedesktop.systemd1.Timer (timer units only), in systemd 252's order. */
export const TIMER_PROPERTIES: readonly PropertyRow<UnitStatus>[] = [
  row(TMR, 'Unit', 's', (st) => st.dependencies.Triggers?.[0] ?? ''),
  row(TMR, 'TimersMonotonic', 'a(stt)', (st) => tst(st).values.filter((v) => v.calendar === undefined).map((v) => [v.base, v.usec, v.nextUs] as const)),
  row(TMR, 'TimersCalendar', 'a(sst)', (st) => tst(st).values.flatMap((v) => (v.calendar === undefined ? [] : [[v.base, v.calendar, v.nextUs] as const]))),
  row(TMR, 'OnClockChange', 'b', (st) => tmr(st).onClockChange),
  row(TMR, 'OnTimezoneChange', 'b', (st) => tmr(st).onTimezoneChange),
  row(TMR, 'NextElapseUSecRealtime', 't', (st) => tst(st).nextElapseRealtimeUs),
  row(TMR, 'NextElapseUSecMonotonic', 't', (st) => tst(st).nextElapseMonotonicUs),
  ...stamp<UnitStatus>(TMR, 'LastTriggerUSec', (st) => tst(st).lastTrigger),
  row(TMR, 'Result', 's', (st) => st.result),
  row(TMR, 'AccuracyUSec', 't', (st) => tmr(st).accuracyUSec),
  row(TMR, 'RandomizedDelayUSec', 't', (st) => tmr(st).randomizedDelayUSec),
  row(TMR, 'FixedRandomDelay', 'b', (st) => tmr(st).fixedRandomDelay),
  row(TMR, 'Persistent', 'b', (st) => tmr(st).persistent),
  row(TMR, 'WakeSystem', 'b', (st) => tmr(st).wakeSystem),
  row(TMR, 'RemainAfterElapse', 'b', (st) => tmr(st).remainAfterElapse),
];

const PTH: Interface = 'org.freedesktop.systemd1.Path';
type PathModel = Extract<UnitStatus['model'], { type: 'path' }>['path'];
const pth = (st: UnitStatus): PathModel => (st.model.type === 'path' ? st.model.path : undefined)!;

/** org.freedesktop.systemd1.Path (path units only), in systemd 252's order; Paths= newest line first, as systemd keeps them. */
export const PATH_PROPERTIES: readonly PropertyRow<UnitStatus>[] = [
  row(PTH, 'Unit', 's', (st) => st.dependencies.Triggers?.[0] ?? ''),
  row(PTH, 'Paths', 'a(ss)', (st) => pth(st).watches.map(({ value }) => [value.kind, value.path] as const).reverse()),
  row(PTH, 'MakeDirectory', 'b', (st) => pth(st).makeDirectory),
  row(PTH, 'DirectoryMode', 'u', (st) => pth(st).directoryMode),
  row(PTH, 'Result', 's', (st) => st.result),
  row(PTH, 'TriggerLimitIntervalUSec', 't', (st) => pth(st).triggerLimitIntervalUSec ?? 2_000_000n),
  row(PTH, 'TriggerLimitBurst', 'u', (st) => pth(st).triggerLimitBurst ?? 200),
];

/** org.freedesktop.systemd1.Slice: a slice's cgroup context (slice units only). */
const SLICE_PROPERTIES: readonly PropertyRow<UnitStatus>[] = cgroupRows('org.freedesktop.systemd1.Slice');

/** A unit's rows: the type's interface first, then Unit's, as systemctl prints them. */
export function unitRows(st: UnitStatus): readonly PropertyRow<UnitStatus>[] {
  if (st.model.type === 'socket' && st.model.loadState === 'loaded') return [...SOCKET_PROPERTIES, ...UNIT_PROPERTIES];
  if (st.model.type === 'timer') return [...TIMER_PROPERTIES, ...UNIT_PROPERTIES];
  if (st.model.type === 'path') return [...PATH_PROPERTIES, ...UNIT_PROPERTIES];
  if (st.model.type === 'slice') return [...SLICE_PROPERTIES, ...UNIT_PROPERTIES];
  return st.model.service && st.model.exec && st.model.kill ? [...SERVICE_PROPERTIES, ...UNIT_PROPERTIES] : UNIT_PROPERTIES;
}
