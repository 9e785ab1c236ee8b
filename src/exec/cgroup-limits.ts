/**
 * A unit's resource control (Unit.resources) as cgroup files, for either kind of hierarchy: the
 * legacy (v1) controllers a hybrid host mounts one by one, or the unified (v2) tree. The mapping is
 * systemd 252's (cgroup_context_apply): on v1 MemoryMax= becomes memory.limit_in_bytes, CPUQuota=
 * cpu.cfs_quota_us over cpu.cfs_period_us, CPUWeight= cpu.shares (weight × 1024 / 100), TasksMax=
 * pids.max; MemoryHigh=/MemoryLow=/MemoryMin=/MemorySwapMax= have no v1 file and are not applied
 * there, as systemd does not. AllowedCPUs= goes to cpuset.cpus on both (systemd only does that on v2;
 * a hybrid host's cpuset controller can hold it just as well), IOWeight= to io.weight or blkio.weight.
 * Which hierarchy exists and can be written is cgroup-v1.ts's and cgroup.ts's question; this module
 * only says what to write where.
 */
import { CGROUP_LIMIT_MAX, type CgroupContext, type TasksMax } from '../unit/model.js';
import { formatCpuSet } from '../unit/values/resource.js';

export type Controller = 'memory' | 'cpu' | 'pids' | 'cpuset' | 'io' | 'blkio';

/** One file of the unit's cgroup in one controller's hierarchy (v2: the one tree). */
export interface CgroupWrite {
  readonly controller: Controller;
  readonly file: string;
  readonly value: string;
  /** The directive it comes from, for the line saying it could not be applied. */
  readonly directive: string;
  /** The unit set it (a default that cannot be written goes unmentioned). */
  readonly explicit: boolean;
}

/** A directive a flavour has no file for. */
export interface NotApplied {
  readonly directive: string;
  readonly why: string;
}

/** What resolving a unit's settings needs from the machine and the manager. */
export interface LimitContext {
  /** The kernel's task limit (systemd's system_tasks_max): TasksMax=N% is a share of it. */
  readonly systemTasksMax: bigint;
  /** The manager's DefaultTasksMax=, for units that set no TasksMax=. */
  readonly defaultTasksMax: TasksMax;
  /** The manager is still starting up: Startup*= weights apply. */
  readonly startup: boolean;
}

/** systemd's CGROUP_CPU_QUOTA_DEFAULT_PERIOD_USEC. */
const DEFAULT_PERIOD_USEC = 100_000n;
const USEC_PER_MSEC = 1000n;
const USEC_PER_SEC = 1_000_000n;

/** TasksMax= as a number of tasks; CGROUP_LIMIT_MAX for infinity. */
export function resolveTasksMax(t: TasksMax, systemTasksMax: bigint): bigint {
  if (t.scale === 0n) return t.value;
  return (systemTasksMax * t.value) / t.scale;
}

/**
 * The period CPUQuota= is enforced over: 100 ms unless CPUQuotaPeriodSec= says otherwise, and kept
 * within [1 ms, 1 s] with a quota of at least 1 ms per period (the kernel's resolution).
 */
export function cpuQuotaPeriod(ctx: CgroupContext): bigint {
  const quota = ctx.cpuQuotaPerSecUSec;
  if (quota === undefined) return DEFAULT_PERIOD_USEC;
  const period = ctx.cpuQuotaPeriodUSec ?? DEFAULT_PERIOD_USEC;
  const floor = quota > 0n ? (USEC_PER_MSEC * USEC_PER_SEC) / quota : USEC_PER_SEC;
  const lo = [period, USEC_PER_MSEC, floor].reduce((a, b) => (a > b ? a : b));
  return lo < USEC_PER_SEC ? lo : USEC_PER_SEC;
}

/** The quota per period in µs, at least 1 ms. */
function quotaPerPeriod(quotaPerSec: bigint, period: bigint): bigint {
  const q = (quotaPerSec * period) / USEC_PER_SEC;
  return q > USEC_PER_MSEC ? q : USEC_PER_MSEC;
}

const cpuWeightOf = (ctx: CgroupContext, startup: boolean): number | 'idle' | undefined =>
  (startup ? ctx.startupCPUWeight : undefined) ?? ctx.cpuWeight;
const ioWeightOf = (ctx: CgroupContext, startup: boolean): number | undefined => (startup ? ctx.startupIOWeight : undefined) ?? ctx.ioWeight;
const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

/** The files of a unit's cgroup in the v1 controllers, and what v1 cannot hold. */
export function v1Writes(ctx: CgroupContext, env: LimitContext): { writes: CgroupWrite[]; notApplied: NotApplied[] } {
  const writes: CgroupWrite[] = [];
  const notApplied: NotApplied[] = [];
  const max = ctx.memoryMax ?? CGROUP_LIMIT_MAX;
  writes.push({ controller: 'memory', file: 'memory.limit_in_bytes', value: max === CGROUP_LIMIT_MAX ? '-1' : `${max}`, directive: 'MemoryMax', explicit: ctx.memoryMax !== undefined });
  for (const [directive, v] of [['MemoryMin', ctx.memoryMin], ['MemoryLow', ctx.memoryLow], ['MemoryHigh', ctx.memoryHigh], ['MemorySwapMax', ctx.memorySwapMax]] as const) {
    if (v !== undefined) notApplied.push({ directive, why: 'no cgroup v1 equivalent (systemd 252 applies it on cgroup v2 only)' });
  }
  // Shares: a weight converted (default 100 → 1024), else CPUShares=, else the kernel's 1024.
  const weight = cpuWeightOf(ctx, env.startup);
  const shares = weight !== undefined ? clamp(Math.floor(((weight === 'idle' ? 0 : weight) * 1024) / 100), 2, 262144) : ((env.startup ? ctx.startupCPUShares : undefined) ?? ctx.cpuShares ?? 1024);
  writes.push({ controller: 'cpu', file: 'cpu.shares', value: `${shares}`, directive: weight !== undefined ? 'CPUWeight' : 'CPUShares', explicit: weight !== undefined || ctx.cpuShares !== undefined });
  const period = cpuQuotaPeriod(ctx);
  writes.push({ controller: 'cpu', file: 'cpu.cfs_period_us', value: `${period}`, directive: 'CPUQuotaPeriodSec', explicit: ctx.cpuQuotaPeriodUSec !== undefined });
  const quota = ctx.cpuQuotaPerSecUSec;
  writes.push({ controller: 'cpu', file: 'cpu.cfs_quota_us', value: quota === undefined ? '-1' : `${quotaPerPeriod(quota, period)}`, directive: 'CPUQuota', explicit: quota !== undefined });
  const tasks = resolveTasksMax(ctx.tasksMax ?? env.defaultTasksMax, env.systemTasksMax);
  writes.push({ controller: 'pids', file: 'pids.max', value: tasks >= CGROUP_LIMIT_MAX ? 'max' : `${tasks}`, directive: 'TasksMax', explicit: ctx.tasksMax !== undefined });
  if (ctx.allowedCPUs) writes.push({ controller: 'cpuset', file: 'cpuset.cpus', value: formatCpuSet(ctx.allowedCPUs), directive: 'AllowedCPUs', explicit: true });
  const io = ioWeightOf(ctx, env.startup);
  // blkio's weights run 10…1000 around 500 where io's run 1…10000 around 100.
  if (io !== undefined) writes.push({ controller: 'blkio', file: 'blkio.weight', value: `${clamp(Math.floor((io * 500) / 100), 10, 1000)}`, directive: 'IOWeight', explicit: true });
  return { writes, notApplied };
}

/** The files of a unit's cgroup in the unified (v2) tree. */
export function v2Writes(ctx: CgroupContext, env: LimitContext): { writes: CgroupWrite[]; notApplied: NotApplied[] } {
  const writes: CgroupWrite[] = [];
  const bytes = (v: bigint | undefined, unset: string) => (v === undefined ? unset : v === CGROUP_LIMIT_MAX ? 'max' : `${v}`);
  writes.push({ controller: 'memory', file: 'memory.min', value: bytes(ctx.memoryMin, '0'), directive: 'MemoryMin', explicit: ctx.memoryMin !== undefined });
  writes.push({ controller: 'memory', file: 'memory.low', value: bytes(ctx.memoryLow, '0'), directive: 'MemoryLow', explicit: ctx.memoryLow !== undefined });
  writes.push({ controller: 'memory', file: 'memory.high', value: bytes(ctx.memoryHigh, 'max'), directive: 'MemoryHigh', explicit: ctx.memoryHigh !== undefined });
  writes.push({ controller: 'memory', file: 'memory.max', value: bytes(ctx.memoryMax, 'max'), directive: 'MemoryMax', explicit: ctx.memoryMax !== undefined });
  writes.push({ controller: 'memory', file: 'memory.swap.max', value: bytes(ctx.memorySwapMax, 'max'), directive: 'MemorySwapMax', explicit: ctx.memorySwapMax !== undefined });
  const weight = cpuWeightOf(ctx, env.startup);
  // CPUShares= converted the other way (1024 → 100) where no weight is given.
  const shares = (env.startup ? ctx.startupCPUShares : undefined) ?? ctx.cpuShares;
  if (weight === 'idle') writes.push({ controller: 'cpu', file: 'cpu.idle', value: '1', directive: 'CPUWeight', explicit: true });
  else writes.push({ controller: 'cpu', file: 'cpu.weight', value: `${weight ?? (shares !== undefined ? clamp(Math.floor((shares * 100) / 1024), 1, 10000) : 100)}`, directive: 'CPUWeight', explicit: weight !== undefined || shares !== undefined });
  const period = cpuQuotaPeriod(ctx);
  const quota = ctx.cpuQuotaPerSecUSec;
  writes.push({ controller: 'cpu', file: 'cpu.max', value: `${quota === undefined ? 'max' : quotaPerPeriod(quota, period)} ${period}`, directive: 'CPUQuota', explicit: quota !== undefined });
  const tasks = resolveTasksMax(ctx.tasksMax ?? env.defaultTasksMax, env.systemTasksMax);
  writes.push({ controller: 'pids', file: 'pids.max', value: tasks >= CGROUP_LIMIT_MAX ? 'max' : `${tasks}`, directive: 'TasksMax', explicit: ctx.tasksMax !== undefined });
  if (ctx.allowedCPUs) writes.push({ controller: 'cpuset', file: 'cpuset.cpus', value: formatCpuSet(ctx.allowedCPUs), directive: 'AllowedCPUs', explicit: true });
  const io = ioWeightOf(ctx, env.startup);
  if (io !== undefined) writes.push({ controller: 'io', file: 'io.weight', value: `default ${io}`, directive: 'IOWeight', explicit: true });
  return { writes, notApplied: [] };
}

/**
 * systemd's system_tasks_max(): the smaller of kernel.pid_max − 1 (pid 0 is no task) and
 * kernel.threads-max; `read` reads a /proc/sys file.
 */
export function systemTasksMax(read: (file: string) => string | undefined): bigint {
  const num = (f: string) => {
    const t = read(f)?.trim();
    return t && /^\d+$/.test(t) ? BigInt(t) : undefined;
  };
  const pidMax = num('/proc/sys/kernel/pid_max');
  const threads = num('/proc/sys/kernel/threads-max');
  const candidates = [pidMax === undefined ? undefined : pidMax - 1n, threads].filter((v): v is bigint => v !== undefined && v > 0n);
  return candidates.length === 0 ? CGROUP_LIMIT_MAX : candidates.reduce((a, b) => (a < b ? a : b));
}
