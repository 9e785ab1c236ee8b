/**
 * Slices (systemd.slice(5)): no processes of their own, but a cgroup — the directory that holds its
 * units' and sub-slices' cgroups. systemd 252 makes it when the slice starts and removes it when the
 * slice stops; a slice whose last unit stopped stays active, its (empty) cgroup with it, until it
 * is stopped itself. Both hooks are idempotent.
 */
import type { UnitKind } from '../unit-kind.js';

export const sliceKind: UnitKind = {
  type: 'slice',
  states: { dead: 'inactive', active: 'active' },
  initialState: 'dead',
  newState: () => undefined,
  canStart: () => true,
  canReload: () => false,
  start(u, ctx) {
    ctx.realizeSlice(u);
    ctx.setState(u, 'active');
  },
  stop(u, ctx) {
    ctx.releaseRuntime(u);
    ctx.setState(u, 'dead');
  },
};
