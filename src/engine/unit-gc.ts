/**
 * Which units may be unloaded (systemd's unit_gc_sweep): a unit is kept while it is active, failed
 * (CollectMode=inactive), has a job, or is referenced by a unit that is itself kept, transitively
 * (ReferencedBy=: any unit that names it in a dependency of its own — Wants=, Conflicts=, After=, …
 * — or gets one to it by default, as every service's Conflicts=shutdown.target); a reference cycle
 * of collectable units keeps none of them. So c.service wanted by an inactive d.service that an
 * active target wants stays loaded, timestamps and all, and so does an old.service a running
 * unit conflicts with. A unit the graph loaded that nothing has run yet is inactive without a job:
 * kept only through its referrers, as systemd keeps every unit the boot transaction loaded
 * (shutdown.target, emergency.target through local-fs.target's OnFailure=, a conflicting service
 * never started). A pure question on the engine's state: the manager decides when to ask and
 * forgets the unit's bookkeeping when the engine let it go.
 */
import type { Engine } from './engine.js';
import type { Job } from './run-queue.js';
import type { UnitRuntime } from './unit-kind.js';

/** Whether the unit's own state lets it go: no job, and inactive (or failed, with CollectMode=inactive-or-failed). */
export function collectable(r: Readonly<UnitRuntime> & { readonly job?: Readonly<Job> }): boolean {
  return !r.job && (r.activeState === 'inactive' || (r.activeState === 'failed' && r.model.collectMode === 'inactive-or-failed'));
}

/**
 * Every unit that stays in memory: the roots (units whose own state keeps them) and whatever they
 * reference, transitively — the same answer as asking, per unit, whether a kept unit references
 * it, in one walk over the graph.
 */
export function keptUnits(engine: Engine): Set<string> {
  const kept = new Set<string>();
  const stack: string[] = [];
  const keep = (id: string) => {
    if (kept.has(id)) return;
    kept.add(id);
    stack.push(id);
  };
  for (const r of engine.units()) if (!collectable(r)) keep(r.id);
  for (let id = stack.pop(); id !== undefined; id = stack.pop()) for (const o of engine.graph.references(id)) keep(o);
  return kept;
}
