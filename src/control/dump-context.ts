/**
 * The exec, kill and cgroup contexts of `analyze dump`, as systemd 252 prints them inside a
 * service's, socket's, mount's, slice's or scope's own section (exec_context_dump(),
 * kill_context_dump(), cgroup_context_dump()): each line's value read from the property row `show`
 * reads (property-table.ts) or the unit model, never worked out again here. dump prints raw
 * numbers where show prints "[not set]" or "infinity", so values are taken as the rows' D-Bus
 * values, not as show's text.
 *
 * A setting svcd reads but does not act on (it is kept in the model's `ignored` list) has no row:
 * its line shows the value written, else systemd's default; once a row of that name exists it is
 * read instead (dumpSetting).
 */
import { constants as osConstants } from 'node:os';
import type { UnitStatus } from '../engine/api.js';
import { USEC_INFINITY, formatTimespan } from '../shared/timespan.js';
import { signalToString } from '../shared/signal.js';
import { NAMESPACE_FLAGS, NAMESPACE_FLAGS_ALL } from '../unit/directives/seccomp-rows.js';
import { parseBoolean } from '../unit/values/boolean.js';
import { CAP_ALL } from '../unit/values/capability.js';
import { RLIMIT_NAMES } from '../unit/values/rlimit.js';
import { formatCpuSet } from '../unit/values/resource.js';
import { capabilityNames } from './properties.js';
import { PATH_PROPERTIES, SERVICE_PROPERTIES, SOCKET_PROPERTIES, TIMER_PROPERTIES, type BusValue, type PropertyRow } from './property-table.js';
import { logFacilityName, logLevelName } from '../shared/syslog.js';

const UINT64_MAX = USEC_INFINITY;
const SEC = 1_000_000n;
/** C's UINT_MAX: what an unset unsigned setting holds. */
const UINT_MAX = 4294967295;

/** The rows of a unit's type first, then the exec/kill/cgroup rows (which read any unit's contexts). */
function rowsFor(st: UnitStatus): ReadonlyMap<string, PropertyRow<UnitStatus>> {
  const own = st.model.type === 'socket' ? SOCKET_PROPERTIES : st.model.type === 'timer' ? TIMER_PROPERTIES : st.model.type === 'path' ? PATH_PROPERTIES : [];
  const m = new Map<string, PropertyRow<UnitStatus>>();
  for (const r of [...own, ...SERVICE_PROPERTIES]) if (!m.has(r.name)) m.set(r.name, r);
  return m;
}

/** What a dump section reads a unit's values through. */
export interface DumpValues {
  readonly st: UnitStatus;
  /** The row's D-Bus value (undefined: no such row, or the row has no value now). */
  bus(name: string): BusValue | undefined;
  /** A row's value as text: strings as they are, booleans yes/no, numbers in decimal. */
  text(name: string): string;
  /** A number row's value (0n when absent). */
  num(name: string): bigint;
  /** A setting svcd may keep without a row: the row, else the last value written, else `fallback`. */
  setting(name: string, fallback: string): string;
  /** The same for a boolean setting, as yes/no. */
  flag(name: string, fallback: boolean): string;
  /** Whether the unit file writes the setting among those svcd keeps unapplied. */
  written(name: string): boolean;
}

export function dumpValues(st: UnitStatus): DumpValues {
  const rows = rowsFor(st);
  const bus = (name: string) => rows.get(name)?.read(st);
  const text = (name: string): string => {
    const v = bus(name);
    if (v === undefined) return '';
    if (v.sig === 'b') return v.v ? 'yes' : 'no';
    if (v.sig === 's' || v.sig === 'u' || v.sig === 'i' || v.sig === 't' || v.sig === 'd') return String(v.v);
    return '';
  };
  const lastWritten = (name: string) => st.model.ignored.filter((i) => i.key === name).at(-1)?.value;
  const setting = (name: string, fallback: string) => (rows.has(name) ? text(name) : lastWritten(name) || fallback);
  return {
    st,
    bus,
    text,
    num: (name) => {
      const v = bus(name);
      return v && (v.sig === 't' || v.sig === 'u' || v.sig === 'i') ? BigInt(v.v) : 0n;
    },
    setting,
    flag: (name, fallback) => {
      if (rows.has(name)) return text(name);
      const w = lastWritten(name);
      const b = w ? parseBoolean(w) : undefined;
      return (b?.ok ? b.value : fallback) ? 'yes' : 'no';
    },
    written: (name) => lastWritten(name) !== undefined,
  };
}

const octal = (n: bigint | number) => n.toString(8).padStart(4, '0');
const strings = (v: BusValue | undefined): readonly string[] => (v?.sig === 'as' ? v.v : []);
const STDIO_SYSLOG = new Set(['kmsg', 'journal', 'kmsg+console', 'journal+console']);

/** errno_to_name(): the errno's name as the kernel headers spell it. */
function errnoName(n: number): string {
  return Object.entries(osConstants.errno).find(([, v]) => v === n)?.[0] ?? String(n);
}

/** The RestrictNamespaces= types kept, by name; none kept has no name ("n/a"), as namespace_flags_to_string() answers. */
function namespaceNames(kept: bigint): string {
  return NAMESPACE_FLAGS.filter(([, f]) => kept & BigInt(f)).map(([n]) => n).join(' ') || 'n/a';
}

/**
 * exec_context_dump(): the settings every process of the unit starts with. KeyringMode=
 * defaults differ by type: a system service gets a keyring of its own, the others share the
 * manager's.
 */
export function execContextLines(d: DumpValues): string[] {
  const { st } = d;
  const exec = st.model.exec;
  if (!exec) return [];
  const out: string[] = [];
  const add = (k: string, v: string) => out.push(`\t${k}: ${v}`);
  add('UMask', octal(d.num('UMask')));
  add('WorkingDirectory', d.text('WorkingDirectory') || '/');
  add('RootDirectory', d.text('RootDirectory') || '/');
  add('NonBlocking', d.flag('NonBlocking', false));
  for (const k of ['PrivateTmp', 'PrivateDevices', 'ProtectKernelTunables', 'ProtectKernelModules', 'ProtectKernelLogs', 'ProtectClock', 'ProtectControlGroups', 'PrivateNetwork']) add(k, d.text(k));
  add('PrivateUsers', d.flag('PrivateUsers', false));
  add('ProtectHome', d.text('ProtectHome'));
  add('ProtectSystem', d.text('ProtectSystem'));
  // exec_context_get_effective_mount_apivfs(): as written, else on with a root directory of the unit's own.
  add('MountAPIVFS', d.flag('MountAPIVFS', d.text('RootDirectory') !== ''));
  add('IgnoreSIGPIPE', d.flag('IgnoreSIGPIPE', true));
  for (const k of ['MemoryDenyWriteExecute', 'RestrictRealtime', 'RestrictSUIDSGID']) add(k, d.text(k));
  add('KeyringMode', d.text('KeyringMode'));
  for (const k of ['ProtectHostname', 'ProtectProc', 'ProcSubset']) add(k, d.text(k));
  for (const e of strings(d.bus('Environment'))) add('Environment', e);
  const files = d.bus('EnvironmentFiles');
  if (files?.sig === 'a(sb)') for (const [path, optional] of files.v) add('EnvironmentFile', `${optional ? '-' : ''}${path}`);
  for (const e of strings(d.bus('PassEnvironment'))) add('PassEnvironment', e);
  for (const e of strings(d.bus('UnsetEnvironment'))) add('UnsetEnvironment', e);
  add('RuntimeDirectoryPreserve', d.text('RuntimeDirectoryPreserve'));
  for (const kind of ['Runtime', 'State', 'Cache', 'Logs', 'Configuration']) {
    add(`${kind}DirectoryMode`, octal(d.num(`${kind}DirectoryMode`)));
    for (const dir of strings(d.bus(`${kind}Directory`))) add(`${kind}Directory`, dir);
  }
  // TimeoutCleanSec= is kept unapplied: its default, or no line for a value svcd does not keep.
  if (d.bus('TimeoutCleanUSec')) add('TimeoutCleanSec', formatTimespan(d.num('TimeoutCleanUSec'), SEC));
  else if (!d.written('TimeoutCleanSec')) add('TimeoutCleanSec', 'infinity');
  // Printed only when set (systemd's nice_set, oom_score_adjust_set): the model knows whether the file set them.
  if (exec.nice !== undefined) add('Nice', d.text('Nice'));
  if (exec.oomScoreAdjust !== undefined) add('OOMScoreAdjust', d.text('OOMScoreAdjust'));
  for (const name of RLIMIT_NAMES) {
    const l = exec.limits[name];
    if (!l) continue;
    // The row where show has one, else the model's value (show leaves the other limits out).
    add(`Limit${name}`, String(d.bus(`Limit${name}`) ? d.num(`Limit${name}`) : l.hard));
    add(`Limit${name}Soft`, String(d.bus(`Limit${name}Soft`) ? d.num(`Limit${name}Soft`) : l.soft));
  }
  const [stdin, stdout, stderr] = [d.text('StandardInput'), d.text('StandardOutput'), d.text('StandardError')];
  add('StandardInput', stdin);
  add('StandardOutput', stdout);
  add('StandardError', stderr);
  if (d.text('TTYPath')) {
    add('TTYPath', d.text('TTYPath'));
    add('TTYReset', d.flag('TTYReset', false));
    add('TTYVHangup', d.flag('TTYVHangup', false));
    add('TTYVTDisallocate', d.flag('TTYVTDisallocate', false));
    // The exec context's unsigned value, UINT_MAX when unset (show's D-Bus row is 16-bit: 65535 there).
    add('TTYRows', String(exec.kept.ttyRows ?? UINT_MAX));
    add('TTYColumns', String(exec.kept.ttyColumns ?? UINT_MAX));
  }
  if (STDIO_SYSLOG.has(stdout) || STDIO_SYSLOG.has(stderr)) {
    add('SyslogFacility', logFacilityName(Number(d.num('SyslogFacility'))));
    add('SyslogLevel', logLevelName(Number(d.num('SyslogLevel'))));
  }
  if (d.num('LogRateLimitIntervalUSec') > 0n) add('LogRateLimitIntervalSec', formatTimespan(d.num('LogRateLimitIntervalUSec'), SEC));
  if (d.num('LogRateLimitBurst') > 0n) add('LogRateLimitBurst', d.text('LogRateLimitBurst'));
  const bounding = d.num('CapabilityBoundingSet');
  if (bounding !== CAP_ALL) add('CapabilityBoundingSet', capabilityNames(bounding));
  if (d.num('AmbientCapabilities') !== 0n) add('AmbientCapabilities', capabilityNames(d.num('AmbientCapabilities')));
  if (d.text('User')) add('User', d.text('User'));
  if (d.text('Group')) add('Group', d.text('Group'));
  add('DynamicUser', d.text('DynamicUser'));
  const list = (k: string) => {
    const v = strings(d.bus(k));
    if (v.length > 0) out.push(`\t${k}: ${v.join(' ')}`);
  };
  list('SupplementaryGroups');
  for (const k of ['ReadWritePaths', 'ReadOnlyPaths', 'InaccessiblePaths', 'ExecPaths', 'NoExecPaths']) list(k);
  // One list in the file's order, as systemd keeps BindPaths= and BindReadOnlyPaths= together.
  for (const b of exec.mounts.bindPaths) add(b.readOnly ? 'BindReadOnlyPaths' : 'BindPaths', `${b.ignoreMissing ? '-' : ''}${b.source}:${b.destination}:${b.recursive ? 'rbind' : 'norbind'}`);
  const tmpfs = d.bus('TemporaryFileSystem');
  if (tmpfs?.sig === 'a(ss)') for (const [path, options] of tmpfs.v) add('TemporaryFileSystem', options ? `${path}:${options}` : path);
  add('LockPersonality', d.text('LockPersonality'));
  out.push(...seccompLines(d));
  return out;
}

/**
 * SystemCallFilter= (the calls the native ABI knows, each with its errno), SystemCallArchitectures=,
 * RestrictNamespaces= when set, SystemCallErrorNumber= (the default kills: "kill").
 */
function seccompLines(d: DumpValues): string[] {
  const sc = d.st.model.exec!.seccomp;
  const out: string[] = [];
  if (sc.systemCallFilter) {
    const calls = [...sc.systemCallFilter.calls].map(([name, errno]) => (errno === 'kill' ? `${name}:kill` : errno >= 0 ? `${name}:${errnoName(errno)}` : name));
    out.push(`\tSystemCallFilter: ${sc.systemCallFilter.allowList ? '' : '~'}${calls.join(' ')}`);
  }
  const archs = strings(d.bus('SystemCallArchitectures'));
  if (archs.length > 0) out.push(`\tSystemCallArchitectures:${archs.map((a) => ` ${a}`).join('')}`);
  const kept = d.num('RestrictNamespaces');
  if (kept !== BigInt(NAMESPACE_FLAGS_ALL)) out.push(`\tRestrictNamespaces: ${namespaceNames(kept)}`);
  const errno = sc.systemCallErrorNumber;
  out.push(`\tSystemCallErrorNumber: ${errno === undefined || errno === 'kill' ? 'kill' : errnoName(errno)}`);
  return out;
}

/** kill_context_dump(): how the unit's processes are stopped, signals by name. */
export function killContextLines(d: DumpValues): string[] {
  if (!d.st.model.kill) return [];
  const sig = (k: string) => `SIG${signalToString(Number(d.num(k)))}`;
  return [
    `\tKillMode: ${d.text('KillMode')}`, `\tKillSignal: ${sig('KillSignal')}`, `\tRestartKillSignal: ${sig('RestartKillSignal')}`,
    `\tFinalKillSignal: ${sig('FinalKillSignal')}`, `\tSendSIGKILL: ${d.text('SendSIGKILL')}`, `\tSendSIGHUP: ${d.text('SendSIGHUP')}`,
  ];
}

/**
 * cgroup_context_dump(): the unit's resource control. Weights and limits print UINT64_MAX as a
 * number; a slice has no DefaultTasksMax= (the manager gives it to the units that run processes).
 */
export function cgroupContextLines(d: DumpValues): string[] {
  const { st } = d;
  const res = st.model.resources;
  const out: string[] = [];
  const add = (k: string, v: string) => out.push(`\t${k}: ${v}`);
  add('CPUAccounting', d.flag('CPUAccounting', true));
  add('IOAccounting', d.flag('IOAccounting', false));
  add('BlockIOAccounting', d.flag('BlockIOAccounting', false));
  add('MemoryAccounting', d.flag('MemoryAccounting', true));
  add('TasksAccounting', d.flag('TasksAccounting', true));
  add('IPAccounting', d.flag('IPAccounting', false));
  for (const k of ['CPUWeight', 'StartupCPUWeight', 'CPUShares', 'StartupCPUShares']) add(k, d.text(k));
  add('CPUQuotaPerSecSec', formatTimespan(d.num('CPUQuotaPerSecUSec'), 1n));
  add('CPUQuotaPeriodSec', formatTimespan(d.num('CPUQuotaPeriodUSec'), 1n));
  add('AllowedCPUs', res.allowedCPUs ? formatCpuSet(res.allowedCPUs) : '');
  add('StartupAllowedCPUs', '');
  add('AllowedMemoryNodes', '');
  add('StartupAllowedMemoryNodes', '');
  add('IOWeight', d.text('IOWeight'));
  add('StartupIOWeight', d.text('StartupIOWeight'));
  add('BlockIOWeight', d.setting('BlockIOWeight', String(UINT64_MAX)));
  add('StartupBlockIOWeight', d.setting('StartupBlockIOWeight', String(UINT64_MAX)));
  add('DefaultMemoryMin', '0');
  add('DefaultMemoryLow', '0');
  for (const k of ['MemoryMin', 'MemoryLow', 'MemoryHigh', 'MemoryMax', 'MemorySwapMax']) add(k, d.text(k));
  add('MemoryLimit', String(UINT64_MAX));
  add('TasksMax', st.model.type === 'slice' && res.tasksMax === undefined ? String(UINT64_MAX) : d.text('TasksMax'));
  // unit_patch_contexts(): PrivateDevices= closes an "auto" device policy.
  const privateDevices = st.model.exec?.mounts.privateDevices ?? false;
  add('DevicePolicy', d.setting('DevicePolicy', privateDevices ? 'closed' : 'auto'));
  add('DisableControllers', '');
  add('Delegate', d.flag('Delegate', false));
  add('ManagedOOMSwap', d.setting('ManagedOOMSwap', 'auto'));
  add('ManagedOOMMemoryPressure', d.setting('ManagedOOMMemoryPressure', 'auto'));
  add('ManagedOOMMemoryPressureLimit', '0.00%');
  add('ManagedOOMPreference', d.setting('ManagedOOMPreference', 'none'));
  // unit_patch_contexts(): a closed device set lets a ProtectClock= unit read the clock. Written
  // DeviceAllow= lines are kept unapplied and not printed.
  if (st.model.exec?.seccomp.protectClock && !d.written('DeviceAllow') && (privateDevices || d.written('DevicePolicy'))) add('DeviceAllow', 'char-rtc r');
  return out;
}
