/**
 * `svcctl analyze time`: systemd-analyze 252's boot summary. In a container (always, for svcd) only
 * the userspace part exists: "Startup finished in T (userspace) " and when the boot unit was reached.
 * The boot unit is the one svcd booted (--unit), systemd's default.target.
 */
import { formatTimespan, USEC_PER_MSEC } from '../../../shared/timespan.js';
import type { VerbContext } from '../context.js';
import { acquireBootTimes, guarded, noArguments, rpc, showProperties, type BootTimes } from './boot-times.js';

/** The summary's two lines, without the final newline (plot writes them into its picture). */
export async function prettyBootTime(ctx: VerbContext, boot: BootTimes): Promise<string> {
  const { bootUnit } = await rpc(ctx, 'manager-status', {});
  const u = await showProperties(ctx, bootUnit, ['Id', 'ActiveEnterTimestampMonotonic']);
  const id = u.get('Id') ?? bootUnit;
  const activated = BigInt(u.get('ActiveEnterTimestampMonotonic') ?? '0');
  const span = (us: bigint) => formatTimespan(us, USEC_PER_MSEC);
  const text = `Startup finished in ${span(boot.finish - boot.userspace)} (userspace) `;
  return text + (activated > 0n ? `\n${id} reached after ${span(activated - boot.reverseOffset)} in userspace.` : `\n${id} was never reached.`);
}

export async function run(ctx: VerbContext): Promise<number> {
  if (!noArguments(ctx)) return 1;
  return guarded(ctx, async () => {
    ctx.stdout.write(`${await prettyBootTime(ctx, await acquireBootTimes(ctx, true))}\n`);
    return 0;
  });
}
