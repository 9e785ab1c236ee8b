/**
 * The accounting lines of systemctl 252's status page (Tasks:, Memory:, CPU:), where svcd's cgroup
 * controllers count them, and the byte sizes they are written in.
 */
import type { UnitStatus } from '../engine/api.js';
import { resolveTasksMax } from '../exec/cgroup-limits.js';
import { CGROUP_LIMIT_MAX } from '../shared/cgroup-values.js';
import { formatTimespan } from '../shared/timespan.js';

const SUFFIXES = ['E', 'P', 'T', 'G', 'M', 'K'] as const;

/** systemd's format_bytes: the largest 1024-based unit that fits, one decimal truncated ("1.2M"), else bytes ("512B"). */
export function formatBytes(n: bigint): string {
  for (let i = 0; i < SUFFIXES.length; i++) {
    const factor = 1024n ** BigInt(SUFFIXES.length - i);
    if (n >= factor) return `${n / factor}.${((n * 10n) / factor) % 10n}${SUFFIXES[i]}`;
  }
  return `${n}B`;
}

/** "Tasks: N (limit: M)", "Memory: X (max: Y …)", "CPU: Zms": the lines for what the unit's cgroups count. */
export function accountingLines(st: UnitStatus): string[] {
  const u = st.usage;
  if (!u) return [];
  const r = st.model.resources;
  const lines: string[] = [];
  if (u.tasksCurrent !== undefined) {
    // A slice without TasksMax= is not capped (DefaultTasksMax= is for the units in it).
    const t = r.tasksMax ?? (st.model.type === 'slice' ? undefined : st.defaults.defaultTasksMax);
    const max = t === undefined ? undefined : t.scale === 0n ? t.value : st.defaults.systemTasksMax === undefined ? undefined : resolveTasksMax(t, st.defaults.systemTasksMax);
    lines.push(`      Tasks: ${u.tasksCurrent}${max !== undefined && max < CGROUP_LIMIT_MAX ? ` (limit: ${max})` : ''}`);
  }
  if (u.memoryCurrent !== undefined) {
    const limits = [
      ['min', r.memoryMin && r.memoryMin > 0n ? r.memoryMin : undefined],
      ['low', r.memoryLow && r.memoryLow > 0n ? r.memoryLow : undefined],
      ['high', r.memoryHigh],
      ['max', r.memoryMax],
      ['swap max', r.memorySwapMax],
    ] as const;
    const shown = limits.filter(([, v]) => v !== undefined && v !== CGROUP_LIMIT_MAX).map(([k, v]) => `${k}: ${formatBytes(v!)}`);
    lines.push(`     Memory: ${formatBytes(u.memoryCurrent)}${shown.length > 0 ? ` (${shown.join(' ')})` : ''}`);
  }
  if (u.cpuUsageNSec !== undefined) lines.push(`        CPU: ${formatTimespan(u.cpuUsageNSec / 1000n, 1000n)}`);
  return lines;
}
