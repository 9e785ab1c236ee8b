/**
 * Which units may be unloaded (systemd's unit_gc_sweep): a unit is kept while it is active, failed
 * (CollectMode=inactive), has a job, or is referenced (WantedBy=, RequiredBy=, …) by a unit that is
 * itself kept, transitively; a reference cycle of collectable units keeps none of them. So
 * c.service wanted by an inactive d.service that an active target wants stays loaded, timestamps
 * and all. A pure question on the engine's state: the manager decides when to ask and forgets the
 * unit's bookkeeping when the engine let it go.
 */
import type { Engine } from './engine.js';

/** The reverse dependencies that keep a unit loaded while their subject is kept. */
const REFERENCING = ['RequiredBy', 'RequisiteOf', 'WantedBy', 'BoundBy', 'UpheldBy', 'ConsistsOf', 'TriggeredBy', 'OnFailureOf', 'OnSuccessOf'] as const;

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
    for (const k of REFERENCING) {
      for (const o of engine.graph.deps(u, k)) if (kept(o)) return marks.set(u, 'good'), true;
    }
    return marks.set(u, 'bad'), false;
  };
  return !kept(id);
}
