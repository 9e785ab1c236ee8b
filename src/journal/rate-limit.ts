/**
 * journald's rate limit (RateLimitIntervalSec=/RateLimitBurst=, per unit LogRateLimitIntervalSec=/
 * LogRateLimitBurst=), as journald-rate-limit.c applies it: per source (the unit) and per priority
 * class (emerg..err, warning, notice, info, debug each have their own pool), at most `burst`
 * messages in a window of `interval`; the burst grows with the free disk space ((log2(free) - 16) / 4
 * times it above 1 MiB, so 10,000 is ~30,000 on a few hundred GB). When a window with dropped
 * messages is over, the next message first brings "Suppressed N messages from UNIT".
 *
 * svcd's default is off (interval or burst 0): with journald's defaults a service printing a
 * million lines in a burst keeps about 30,000 of them, and a container's user wants every line.
 */

export interface RateLimit {
  /** µs; 0 = no limit. */
  readonly intervalUsec: number;
  /** 0 = no limit. */
  readonly burst: number;
}

/** A unit's LogRateLimitIntervalSec=/LogRateLimitBurst=: either may be unset. */
export interface UnitRateLimit {
  readonly intervalUsec?: number;
  readonly burst?: number;
}

/** journald's own defaults (30 s, 10000), what a unit's half-set limit falls back to when the journal's is off. */
export const JOURNALD_RATE_LIMIT: RateLimit = { intervalUsec: 30_000_000, burst: 10000 };

/**
 * The limit for a unit: its own settings over the journal's; a unit that sets one of the two
 * while the journal's limit is off (svcd's default) gets journald's default for the other.
 */
export function effectiveLimit(journal: RateLimit, unit?: UnitRateLimit): RateLimit {
  if (!unit || (unit.intervalUsec === undefined && unit.burst === undefined)) return journal;
  const off = journal.intervalUsec <= 0 || journal.burst <= 0;
  return {
    intervalUsec: unit.intervalUsec ?? (off ? JOURNALD_RATE_LIMIT.intervalUsec : journal.intervalUsec),
    burst: unit.burst ?? (off ? JOURNALD_RATE_LIMIT.burst : journal.burst),
  };
}

/** journald's priority_map: which pool a priority counts against. */
const POOL = [0, 0, 0, 0, 1, 2, 3, 4] as const;

interface Pool {
  begin: number;
  count: number;
  suppressed: number;
}

/** journald's burst_modulate(): more room on a disk with more free space. */
export function modulateBurst(burst: number, availableBytes: number): number {
  const k = availableBytes > 0 ? Math.floor(Math.log2(availableBytes)) : 0;
  if (k <= 20) return burst;
  return Math.floor((burst * (k - 16)) / 4);
}

export class RateLimiter {
  private readonly groups = new Map<string, Pool[]>();

  constructor(private readonly available: () => number) {}

  /**
   * May a message of `source` at `priority` be stored at `now` (µs)? Returns -1 to drop it, else
   * the number of messages dropped in the window just ended (0 usually), to be reported first.
   */
  test(source: string, priority: number, now: number, limit: RateLimit): number {
    if (limit.intervalUsec <= 0 || limit.burst <= 0) return 0;
    let pools = this.groups.get(source);
    if (!pools) {
      // journald forgets groups too (GROUPS_MAX); a container has few units.
      if (this.groups.size >= 2048) this.groups.clear();
      pools = Array.from({ length: 5 }, () => ({ begin: -Infinity, count: 0, suppressed: 0 }));
      this.groups.set(source, pools);
    }
    const p = pools[POOL[priority & 7]!]!;
    if (now - p.begin >= limit.intervalUsec) {
      const dropped = p.suppressed;
      p.begin = now;
      p.count = 1;
      p.suppressed = 0;
      return dropped;
    }
    if (p.count < modulateBurst(limit.burst, this.available())) {
      p.count++;
      return 0;
    }
    p.suppressed++;
    return -1;
  }
}
