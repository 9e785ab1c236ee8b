/**
 * Units the manager is itself (src/unit/journal-units.ts: journald's, since svcd owns the
 * journal): whatever their file says to run, starting is becoming active in their sub-state and
 * stopping is becoming dead, with no process: the kind of targets and slices too (target.ts), in
 * the states each type shows.
 */
import type { GraphUnitType } from '../../graph/graph.js';
import type { UnitKind } from '../unit-kind.js';

export function providedKind(type: GraphUnitType, activeSubState: string): UnitKind {
  return {
    type,
    states: { dead: 'inactive', [activeSubState]: 'active' },
    initialState: 'dead',
    newState: () => undefined,
    canStart: () => true,
    canReload: () => false,
    start(u, ctx) {
      ctx.setState(u, activeSubState);
    },
    stop(u, ctx) {
      ctx.setState(u, 'dead');
    },
  };
}
