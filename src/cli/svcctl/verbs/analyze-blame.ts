/**
 * `svcctl analyze blame`: every unit that took time to start, slowest first, as systemd-analyze 252
 * prints them: the time right-aligned to the widest, then the unit. Equal times keep the order the
 * manager listed the units in (systemd's table sorts stably). Does not wait for the boot to finish.
 */
import { formatTimespan, USEC_PER_MSEC } from '../../../shared/timespan.js';
import type { VerbContext } from '../context.js';
import { acquireTimeData, guarded, noArguments } from './boot-times.js';

export async function run(ctx: VerbContext): Promise<number> {
  if (!noArguments(ctx)) return 1;
  return guarded(ctx, async () => {
    const { units } = await acquireTimeData(ctx, false);
    const rows = units
      .filter((u) => u.time > 0n)
      .sort((a, b) => (a.time === b.time ? 0 : a.time > b.time ? -1 : 1))
      .map((u) => [formatTimespan(u.time, USEC_PER_MSEC), u.id] as const);
    const width = Math.max(0, ...rows.map(([t]) => t.length));
    ctx.stdout.write(rows.map(([t, id]) => `${t.padStart(width)} ${id}\n`).join(''));
    return 0;
  });
}
