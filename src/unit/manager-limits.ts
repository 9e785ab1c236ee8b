/**
 * The manager's DefaultLimit*= (systemd-system.conf(5)) in the units it loads: systemd 252's
 * unit_patch_contexts() copies each default into the exec context of a unit that does not set that
 * limit itself, so the unit's processes start with it and `show`/`analyze dump` print it as the
 * unit's own.
 */
import type { Unit } from './model.js';
import type { Rlimit, RlimitName } from './values/rlimit.js';

export type ManagerLimits = Readonly<Partial<Record<RlimitName, Rlimit>>>;

/**
 * The unit with the manager's limits filled in where it sets none; units without an exec context,
 * and units that did not load (systemd patches only what it loaded), as they are.
 */
export function withManagerLimits(u: Unit, defaults: ManagerLimits | undefined): Unit {
  if (!u.exec || !defaults || u.loadState !== 'loaded') return u;
  const missing = (Object.keys(defaults) as RlimitName[]).filter((k) => u.exec.limits[k] === undefined);
  if (missing.length === 0) return u;
  return { ...u, exec: { ...u.exec, limits: { ...defaults, ...u.exec.limits } } } as Unit;
}
