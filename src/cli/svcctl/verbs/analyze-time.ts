/**
 * `svcctl analyze time`: systemd-analyze 252's boot summary. In a container (always, for svcd) only
 * the userspace part exists: "Startup finished in T (userspace) " and when the boot unit was reached.
 * The boot unit is the one svcd booted (--unit), systemd's default.target.
 */
import { formatTimespan, USEC_PER_MSEC } from '../../../shared/timespan.js';
import type { VerbContext } from '../context.js';
import { acquireBootTimes, guarded, noArguments, rpc, showProperties } from './boot-times.js';

export async function run(ctx: VerbContext): Promise<number> {
  if (!noArguments(ctx)) return 1;
  return guarded(ctx, async () => {
    const boot = await acquireBootTimes(ctx, true);
    const { bootUnit } = await rpc(ctx, 'manager-status', {});
    const u = await showProperties(ctx, bootUnit, ['Id', 'ActiveEnterTimestampMonotonic']);
    const id = u.get('Id') ?? bootUnit;
    const activated = BigInt(u.get('ActiveEnterTimestampMonotonic') ?? '0');
    const span = (us: bigint) => formatTimespan(us, USEC_PER_MSEC);
    let text = `Startup finished in ${span(boot.finish - boot.userspace)} (userspace) `;
    text += activated > 0n ? `\n${id} reached after ${span(activated - boot.reverseOffset)} in userspace.` : `\n${id} was never reached.`;
    ctx.stdout.write(`${text}\n`);
    return 0;
  });
}
