/**
 * systemctl's warning after `stop`: the stopped unit can come back, because a socket, path or timer
 * unit that triggers it (its TriggeredBy=) is still active. Printed after the stop, on stderr, once
 * per stopped unit that has such triggers; not for a masked unit (nothing can start it), nor with
 * --quiet, nor with --no-block (systemctl 252 checks once it has waited for the stop). It is printed
 * whether the unit was running or not.
 */
import type { Method, Methods } from '../../../control/protocol.js';
import type { VerbContext } from '../context.js';

type Rpc = <M extends Method>(ctx: VerbContext, method: M, params: Methods[M]['params']) => Promise<Methods[M]['result']>;

/** The units among `unit`'s triggers that are active, in TriggeredBy= order; none for a masked unit. */
export async function activeTriggers(ctx: VerbContext, rpc: Rpc, unit: string): Promise<string[]> {
  const props = new Map((await rpc(ctx, 'show', { unit, properties: ['LoadState', 'TriggeredBy'] })).properties);
  const triggers = (props.get('TriggeredBy') ?? '').split(' ').filter((t) => t !== '');
  if (props.get('LoadState') === 'masked' || triggers.length === 0) return [];
  const states = await rpc(ctx, 'unit-states', { units: triggers });
  return states.filter((s) => s.active === 'active' || s.active === 'reloading').map((s) => s.id);
}

/** Writes the warning for each of `units` that can still be activated. */
export async function warnTriggeringUnits(ctx: VerbContext, rpc: Rpc, units: readonly string[]): Promise<void> {
  if (ctx.options.quiet || ctx.options.noBlock) return;
  for (const unit of units) {
    let active: string[];
    try {
      active = await activeTriggers(ctx, rpc, unit);
    } catch {
      // A unit the manager cannot show (not found, refused) has no triggers to warn about.
      continue;
    }
    if (active.length === 0) continue;
    ctx.stderr.write(`Warning: Stopping ${unit}, but it can still be activated by:\n${active.map((t) => `  ${t}\n`).join('')}`);
  }
}
