/**
 * Resource-control values that unit files and system.conf share: percentages as permyriads
 * (systemd's parse_permyriad) and TasksMax=/DefaultTasksMax=.
 */
import { type Result, ok } from './result.js';

/** CGROUP_LIMIT_MAX: "infinity" for a memory or task limit (systemd keeps UINT64_MAX). */
export const CGROUP_LIMIT_MAX = 2n ** 64n - 1n;

/** TasksMax=: a count, or a share of the kernel's task limit (value/scale, resolved when applied); "infinity" is value CGROUP_LIMIT_MAX. */
export interface TasksMax {
  readonly value: bigint;
  /** 0: `value` is a count; else the share is value/scale of the kernel's limit (TasksMax=15% is 1500/10000). */
  readonly scale: bigint;
}

const bad: Result<never, string> = { ok: false, error: 'invalid' };

/**
 * "N%" (two decimals at most), "N‰" (one) or "N‱" as parts per 10000; `bounded`: at most 100 %
 * (CPUQuota= may exceed it, a share of several CPUs).
 */
export function parsePermyriad(text: string, bounded = true): Result<number, string> {
  const m = /^(\d+)(?:\.(\d+))?(%|‰|‱)$/.exec(text);
  if (!m) return bad;
  const [, whole, frac = '', unit] = m;
  const places = unit === '%' ? 2 : unit === '‰' ? 1 : 0;
  if (frac.length > places) return bad;
  const v = Number(whole) * 10 ** places + Number(frac.padEnd(places, '0') || '0');
  if (!Number.isSafeInteger(v) || (bounded && v > 10000)) return bad;
  return ok(v);
}

/**
 * TasksMax=: a count (1 or more), a percentage, or infinity. 'range' for a count out of range,
 * which systemd words differently ("out of range") from a value it cannot read.
 */
export function parseTasksMax(text: string): Result<TasksMax, 'invalid' | 'range'> {
  if (text === 'infinity') return ok({ value: CGROUP_LIMIT_MAX, scale: 0n });
  const p = parsePermyriad(text);
  if (p.ok) return ok({ value: BigInt(p.value), scale: 10000n });
  if (!/^\d+$/.test(text)) return { ok: false, error: 'invalid' };
  const n = BigInt(text);
  if (n <= 0n || n >= CGROUP_LIMIT_MAX) return { ok: false, error: 'range' };
  return ok({ value: n, scale: 0n });
}
