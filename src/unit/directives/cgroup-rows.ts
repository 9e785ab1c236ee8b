/**
 * The resource-control rows (systemd.resource-control(5)) svcd applies to a unit's cgroup:
 * memory limits, CPU quota and weights, TasksMax=, AllowedCPUs=, IOWeight=, parsed into
 * Unit.resources with systemd 252's rules and warnings (config_parse_memory_limit, _cpu_quota,
 * _tasks_max, …). src/exec/cgroup-limits.ts turns them into cgroup files.
 */
import { totalmem } from 'node:os';
import { custom, rejectValue, RowList, scalar } from './behaviour.js';
import type { Draft } from './draft.js';
import { makeEnumParser, parseBytes, parseCpuSet, parsePermyriad, parseSec, parseTasksMax, parseUnsignedNumber, USEC_INFINITY, USEC_PER_SEC } from '../values/index.js';
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

// What the manager does when the kernel's OOM killer kills a process of the service.
supported('Service', 'OOMPolicy', scalar(makeEnumParser(['continue', 'stop', 'kill'] as const), (d, v) => (d.service.oomPolicy = v)));

export const CGROUP_ROWS = table.rows;
