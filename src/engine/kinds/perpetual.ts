/**
 * The perpetual units of types svcd does not run yet (init.scope, -.mount): systemd keeps them in
 * one active state from start-up on, so their kind has that one state and no transitions.
 */
import type { GraphUnitType } from '../../graph/graph.js';
import type { UnitKind } from '../unit-kind.js';

export function perpetualKind(type: GraphUnitType, subState: string): UnitKind {
  return {
    type,
    states: { [subState]: 'active' },
    initialState: subState,
    canStart: () => true,
    canReload: () => false,
    start() {},
    stop() {},
    newState: () => undefined,
  };
}
