/**
 * The one line per unit that says which resource-control settings were not applied, and why —
 * whether no cgroup could take any (an unprivileged container) or a hierarchy lacks a file.
 */
import type { CgroupContext } from '../unit/model.js';
import type { NotApplied } from './cgroup-limits.js';

/** The directive each CgroupContext field comes from, in systemd.resource-control(5)'s order. */
const DIRECTIVES: readonly (readonly [keyof CgroupContext, string])[] = [
  ['cpuWeight', 'CPUWeight'], ['startupCPUWeight', 'StartupCPUWeight'], ['cpuShares', 'CPUShares'], ['startupCPUShares', 'StartupCPUShares'],
  ['cpuQuotaPerSecUSec', 'CPUQuota'], ['cpuQuotaPeriodUSec', 'CPUQuotaPeriodSec'], ['allowedCPUs', 'AllowedCPUs'],
  ['memoryMin', 'MemoryMin'], ['memoryLow', 'MemoryLow'], ['memoryHigh', 'MemoryHigh'], ['memoryMax', 'MemoryMax'], ['memorySwapMax', 'MemorySwapMax'],
  ['tasksMax', 'TasksMax'], ['ioWeight', 'IOWeight'], ['startupIOWeight', 'StartupIOWeight'],
];

/** The resource-control directives a unit sets. */
export function resourceDirectives(ctx: CgroupContext): string[] {
  return DIRECTIVES.filter(([field]) => ctx[field] !== undefined).map(([, d]) => d);
}

/** "MemoryHigh=, MemoryLow= not applied (no cgroup v1 equivalent …)."; undefined when everything was. */
export function notAppliedNotice(list: readonly NotApplied[]): string | undefined {
  if (list.length === 0) return undefined;
  const byWhy = new Map<string, string[]>();
  for (const n of list) {
    const ds = byWhy.get(n.why) ?? [];
    if (!ds.includes(n.directive)) ds.push(n.directive);
    byWhy.set(n.why, ds);
  }
  return `${[...byWhy].map(([why, ds]) => `${ds.map((d) => `${d}=`).join(', ')} not applied (${why})`).join('; ')}.`;
}
