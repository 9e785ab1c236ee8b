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
 * Each exec context with the manager's limits filled in, once per (limits, context): the loader
 * hands every unit left at the defaults one shared frozen context (frozen-model.ts), and a copy per
 * unit here would undo that for every unit that sets no limit.
 */
const patched = new WeakMap<ManagerLimits, WeakMap<object, Unit['exec']>>();

/**
 * The unit with the manager's limits filled in where it sets none; units without an exec context,
 * and units that did not load (systemd patches only what it loaded), as they are.
 */
export function withManagerLimits(u: Unit, defaults: ManagerLimits | undefined): Unit {
  if (!u.exec || !defaults || u.loadState !== 'loaded') return u;
  let byExec = patched.get(defaults);
  if (!byExec) patched.set(defaults, (byExec = new WeakMap()));
  let exec = byExec.get(u.exec);
  if (exec === undefined) {
    const limits = u.exec.limits;
    const missing = (Object.keys(defaults) as RlimitName[]).some((k) => limits[k] === undefined);
    exec = missing ? Object.freeze({ ...u.exec, limits: Object.freeze({ ...defaults, ...limits }) }) : u.exec;
    byExec.set(u.exec, exec);
  }
  return exec === u.exec ? u : (Object.freeze({ ...u, exec }) as Unit);
}
