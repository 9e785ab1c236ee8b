/**
 * Which units may be unloaded (systemd's unit_gc_sweep): a unit is kept while it is active, failed
 * (CollectMode=inactive), has a job, or is referenced by a unit that is itself kept, transitively
 * (ReferencedBy=: any unit that names it in a dependency of its own — Wants=, Conflicts=, After=, …
 * — or gets one to it by default, as every service's Conflicts=shutdown.target); a reference cycle
 * of collectable units keeps none of them. So c.service wanted by an inactive d.service that an
 * active target wants stays loaded, timestamps and all, and so does an old.service a running
 * unit conflicts with. A pure question on the engine's state: the manager decides when to ask and forgets the
 * unit's bookkeeping when the engine let it go.
 */
import type { Engine } from './engine.js';

/** Whether nothing keeps unit `id` (see the header). */
export function isGarbage(engine: Engine, id: string): boolean {
  const runtimes = new Map([...engine.units()].map((u) => [u.id, u]));
  const marks = new Map<string, 'good' | 'bad' | 'in-path'>();
  const kept = (u: string): boolean => {
    const mark = marks.get(u);
    if (mark) return mark === 'good';
    const r = runtimes.get(u);
    if (!r) return false;
    const collectable = !r.job && (r.activeState === 'inactive' || (r.activeState === 'failed' && r.model.collectMode === 'inactive-or-failed'));
    if (!collectable) return marks.set(u, 'good'), true;
    // A reference cycle of collectable units keeps none of them.
    marks.set(u, 'in-path');
    for (const o of engine.graph.referencedBy(u)) if (kept(o)) return marks.set(u, 'good'), true;
    return marks.set(u, 'bad'), false;
  };
  return !kept(id);
}
