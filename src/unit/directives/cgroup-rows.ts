/**
 * The resource-control rows (systemd.resource-control(5)) svcd applies to a unit's cgroup:
 * memory limits, CPU quota and weights, TasksMax=, AllowedCPUs=, IOWeight=, parsed into
 * Unit.resources with systemd 252's rules and warnings (config_parse_memory_limit, _cpu_quota,
 * _tasks_max, …). src/exec/cgroup-limits.ts turns them into cgroup files.
 */
import { totalmem } from 'node:os';
import { custom, isValidUnitName, NAME_BARE, printf, rejectValue, RowList, scalar } from './behaviour.js';
import type { Draft } from './draft.js';
import { makeEnumParser, parseBoolean, parseBytes, parseStringList, parseCpuSet, parsePermyriad, parseSec, parseTasksMax, parseUnsignedNumber, USEC_INFINITY, USEC_PER_SEC } from '../values/index.js';
import { CGROUP_LIMIT_MAX } from '../model.js';

/** The sections with a cgroup context (systemd's load-fragment-gperf CGROUP_CONTEXT_CONFIG_ITEMS). */
const CGROUP_SECTIONS = ['Service', 'Socket', 'Mount', 'Swap', 'Slice', 'Scope'] as const;
const table = new RowList();
const { supported } = table;
type Resources = Draft['resources'];

// Memory limits: bytes (K, M, G… base 1024), a percentage of physical memory, or infinity.
type MemoryField = 'memoryMin' | 'memoryLow' | 'memoryHigh' | 'memoryMax' | 'memorySwapMax';
for (const [key, field] of [['MemoryMin', 'memoryMin'], ['MemoryLow', 'memoryLow'], ['MemoryHigh', 'memoryHigh'], ['MemoryMax', 'memoryMax'], ['MemorySwapMax', 'memorySwapMax']] as const satisfies readonly (readonly [string, MemoryField])[]) {
  // A protection (MemoryMin=/MemoryLow=) and swap may be 0; a limit may not.
  const zeroAllowed = key === 'MemoryMin' || key === 'MemoryLow' || key === 'MemorySwapMax';
  supported(CGROUP_SECTIONS, key, custom('bytes, percentage or infinity', 'set', 'resets', (value, ctx) => {
    const r = ctx.draft.resources;
    if (value === '') return void (r[field] = zeroAllowed && key !== 'MemorySwapMax' ? 0n : undefined);
    if (value === 'infinity') return void (r[field] = CGROUP_LIMIT_MAX);
    const share = parsePermyriad(value);
    let bytes: bigint;
    if (share.ok) bytes = (BigInt(totalmem()) * BigInt(share.value)) / 10000n;
    else {
      const b = parseBytes(value);
      if (!b.ok) return ctx.report('warning', `Invalid memory limit '${value}', ignoring: Invalid argument`);
      bytes = b.value;
    }
    if (bytes >= CGROUP_LIMIT_MAX || (bytes === 0n && !zeroAllowed)) return ctx.report('warning', `Memory limit '${value}' out of range, ignoring.`);
    r[field] = bytes;
  }));
}

supported(CGROUP_SECTIONS, 'CPUQuota', custom('percentage (over 100% for several CPUs)', 'set', 'resets', (value, ctx) => {
  if (value === '') return void (ctx.draft.resources.cpuQuotaPerSecUSec = undefined);
  const p = parsePermyriad(value, false);
  if (!p.ok || p.value <= 0) return ctx.report('warning', `Invalid CPU quota '${value}', ignoring.`);
  ctx.draft.resources.cpuQuotaPerSecUSec = (BigInt(p.value) * USEC_PER_SEC) / 10000n;
}));

supported(CGROUP_SECTIONS, 'CPUQuotaPeriodSec', custom('time span; empty or infinity: the default 100ms', 'set', 'resets', (value, ctx) => {
  if (value === '' || value === 'infinity') return void (ctx.draft.resources.cpuQuotaPeriodUSec = undefined);
  const t = parseSec(value);
  if (!t.ok) return rejectValue(ctx, value);
  ctx.draft.resources.cpuQuotaPeriodUSec = t.value === USEC_INFINITY ? undefined : t.value;
}));

const weight = (value: string, lo: number, hi: number): number | undefined => {
  const r = parseUnsignedNumber(value);
  return r.ok && r.value >= lo && r.value <= hi ? r.value : undefined;
};
for (const [key, field] of [['CPUWeight', 'cpuWeight'], ['StartupCPUWeight', 'startupCPUWeight']] as const satisfies readonly (readonly [string, keyof Resources])[]) {
  supported(CGROUP_SECTIONS, key, custom('weight 1…10000 or idle', 'set', 'resets', (value, ctx) => {
    if (value === '') return void (ctx.draft.resources[field] = undefined);
    const w = value === 'idle' ? 'idle' : weight(value, 1, 10000);
    if (w === undefined) return rejectValue(ctx, value);
    ctx.draft.resources[field] = w;
  }));
}
// Numbers within a range: CPUShares= (v1's own unit, deprecated) and the I/O weights.
for (const [key, field, lo, hi] of [['CPUShares', 'cpuShares', 2, 262144], ['StartupCPUShares', 'startupCPUShares', 2, 262144],
  ['IOWeight', 'ioWeight', 1, 10000], ['StartupIOWeight', 'startupIOWeight', 1, 10000]] as const satisfies readonly (readonly [string, keyof Resources, number, number])[]) {
  supported(CGROUP_SECTIONS, key, custom(`${key.includes('Shares') ? 'shares' : 'weight'} ${lo}…${hi}`, 'set', 'resets', (value, ctx) => {
    if (value === '') return void (ctx.draft.resources[field] = undefined);
    const w = weight(value, lo, hi);
    if (w === undefined) return rejectValue(ctx, value);
    ctx.draft.resources[field] = w;
  }));
}

// A count, a percentage of the kernel's task limit, or infinity; empty: the manager's DefaultTasksMax=.
supported(CGROUP_SECTIONS, 'TasksMax', custom('count, percentage or infinity', 'set', 'resets', (value, ctx) => {
  const r = ctx.draft.resources;
  if (value === '') return void (r.tasksMax = undefined);
  const t = parseTasksMax(value);
  if (t.ok) return void (r.tasksMax = t.value);
  ctx.report('warning', t.error === 'range' ? `Maximum tasks value '${value}' out of range, ignoring.` : `Invalid maximum tasks value '${value}', ignoring: Invalid argument`);
}));

supported(CGROUP_SECTIONS, 'AllowedCPUs', custom('CPU numbers and ranges', 'append', 'clears', (value, ctx) => {
  if (value === '') return void (ctx.draft.resources.allowedCPUs = undefined);
  const cpus = parseCpuSet(value);
  if (!cpus.ok) return rejectValue(ctx, value);
  const merged = new Set([...(ctx.draft.resources.allowedCPUs ?? []), ...cpus.value]);
  ctx.draft.resources.allowedCPUs = [...merged].sort((a, b) => a - b);
}));

// Slice=: a valid slice name, never on a slice itself (its parent comes from its name); the unit then
// runs in that slice's cgroup and requires the slice (unit/slice-of.ts, graph.ts).
supported(CGROUP_SECTIONS, 'Slice', printf(NAME_BARE, custom('slice unit name', 'set', 'invalid', (value, ctx) => {
  if (!isValidUnitName(value)) return rejectValue(ctx, value);
  if (!value.endsWith('.slice') || ctx.section === 'Slice') return ctx.report('warning', `Failed to assign slice ${value} to unit ${ctx.unitId}, ignoring: Invalid argument`);
  ctx.draft.resources.slice = value;
})));

/** The controllers Delegate= may name, in the kernel's (systemd's cgroup_controller) order. */
const DELEGATE_CONTROLLERS = ['cpu', 'cpuacct', 'cpuset', 'io', 'blkio', 'memory', 'devices', 'pids', 'bpf-firewall', 'bpf-devices', 'bpf-foreign', 'bpf-socket-bind', 'bpf-restrict-network-interfaces'];
/** Delegate=yes hands over every controller; those of the unified hierarchy are what systemd shows for it. */
const DELEGATE_ALL = ['cpu', 'cpuset', 'io', 'memory', 'pids'];
// Delegate=: a boolean, or controllers added to the list (empty: delegation with none). Only the unit
// types that own their processes' cgroup (services, scopes) can delegate.
supported(CGROUP_SECTIONS, 'Delegate', custom('boolean or controller names', 'append', 'clears', (value, ctx) => {
  if (ctx.section !== 'Service' && ctx.section !== 'Scope') return ctx.report('warning', 'Delegate= setting not supported for this unit type, ignoring.');
  const r = ctx.draft.resources;
  if (value === '') return void Object.assign(r, { delegate: true, delegateControllers: [] });
  const b = parseBoolean(value);
  if (b.ok) return void Object.assign(r, { delegate: b.value, delegateControllers: b.value ? DELEGATE_ALL : [] });
  const words = parseStringList(value);
  if (!words.ok) return ctx.report('warning', `Invalid syntax, ignoring: ${value}`);
  const set = new Set(r.delegateControllers ?? []);
  for (const w of words.value ?? []) {
    if (DELEGATE_CONTROLLERS.includes(w)) set.add(w);
    else ctx.report('warning', `Invalid controller name '${w}', ignoring`);
  }
  r.delegate = true;
  r.delegateControllers = DELEGATE_CONTROLLERS.filter((c) => set.has(c));
}));

// What the manager does when the kernel's OOM killer kills a process of the service.
supported('Service', 'OOMPolicy', scalar(makeEnumParser(['continue', 'stop', 'kill'] as const), (d, v) => (d.service.oomPolicy = v)));

export const CGROUP_ROWS = table.rows;
