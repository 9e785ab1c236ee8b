/**
 * --since/--until for `svcctl logs`, apart from journal-query.ts: the time-stamp grammar and the
 * time-zone files are loaded only by a query that has a bound, so `logs -n 50` starts lighter.
 */
import type { Usec } from '../shared/timespan.js';
import { parseTimestamp, realtimeNow } from '../shared/timestamp.js';
import { localZone } from '../shared/tzfile.js';

/**
 * --since/--until: a systemd.time(7) time stamp read as journalctl 252 reads it ("@1765000000",
 * "5min ago", "today", "2026-12-07 10:00 Europe/Berlin", …), in microseconds since the epoch.
 */
export function parseTime(text: string, env: Readonly<Record<string, string | undefined>>, now: Usec = realtimeNow()): number | undefined {
  const r = parseTimestamp(text, { now, zone: localZone(env), zoneFileSuffix: 'evaluate' });
  return r.ok ? Number(r.value) : undefined;
}
