/**
 * What a process svcd spawns inherits from svcd where its unit sets nothing: the scheduling policy
 * and priority, the timer slack and the core dump filter. systemd's show prints these (its own, as
 * the manager) for a unit that leaves them alone; svcd reads its own once from /proc/self, since
 * nothing in svcd changes them while it runs.
 */
import { readFileSync } from 'node:fs';

export interface InheritedSettings {
  /** sched_getscheduler(): SCHED_OTHER 0, …; and the real-time priority (0 for the others). */
  readonly cpuSchedPolicy: number;
  readonly cpuSchedPriority: number;
  readonly timerSlackNSec: bigint;
  readonly coredumpFilter: bigint;
}

/** The kernel's defaults, where /proc cannot be read: SCHED_OTHER, 50 µs of slack, filter 0x33. */
const KERNEL_DEFAULTS: InheritedSettings = { cpuSchedPolicy: 0, cpuSchedPriority: 0, timerSlackNSec: 50_000n, coredumpFilter: 0x33n };

const read = (path: string): string | undefined => {
  try {
    return readFileSync(path, 'latin1').trim();
  } catch {
    return undefined;
  }
};

let cached: InheritedSettings | undefined;

export function inheritedSettings(): InheritedSettings {
  if (cached) return cached;
  const stat = read('/proc/self/stat');
  // Fields 40 (rt_priority) and 41 (policy) of proc(5), counted from after comm's last ')'.
  const f = stat === undefined ? [] : stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const num = (s: string | undefined, fallback: number) => (s !== undefined && /^[0-9]+$/.test(s) ? Number(s) : fallback);
  const slack = read('/proc/self/timerslack_ns');
  const filter = read('/proc/self/coredump_filter');
  cached = {
    cpuSchedPolicy: num(f[38], KERNEL_DEFAULTS.cpuSchedPolicy),
    cpuSchedPriority: num(f[37], KERNEL_DEFAULTS.cpuSchedPriority),
    timerSlackNSec: slack !== undefined && /^[0-9]+$/.test(slack) ? BigInt(slack) : KERNEL_DEFAULTS.timerSlackNSec,
    coredumpFilter: filter !== undefined && /^[0-9a-fA-F]+$/.test(filter) ? BigInt(`0x${filter}`) : KERNEL_DEFAULTS.coredumpFilter,
  };
  return cached;
}
