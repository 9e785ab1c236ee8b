/**
 * Targets (systemd.target(5)) and slices (systemd.slice(5), without cgroups for now): no processes,
 * so starting is becoming active and stopping is becoming dead. Both hooks are idempotent.
 */
import type { UnitKind } from '../unit-kind.js';

function passive(type: 'target' | 'slice'): UnitKind {
  return {
    type,
    states: { dead: 'inactive', active: 'active' },
    initialState: 'dead',
    newState: () => undefined,
    canStart: () => true,
    canReload: () => false,
    start(u, ctx) {
      ctx.setState(u, 'active');
    },
    stop(u, ctx) {
      ctx.setState(u, 'dead');
    },
  };
}

export const targetKind = passive('target');
export const sliceKind = passive('slice');
