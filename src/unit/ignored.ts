/**
 * Reading back settings svcd keeps unapplied (Unit.ignored: every assignment with its value), for
 * the places that judge what the unit file asks for as systemd would (analyze security, the
 * implicit dependencies of RootImage=/MountImages=).
 */
import type { Unit } from './model.js';

/** The value the last assignment of an ignored single-valued key left ('' resets to the default). */
export function ignoredScalar(unit: Unit, key: string): string | undefined {
  let v: string | undefined;
  for (const s of unit.ignored) if (s.key === key) v = s.value === '' ? undefined : s.value;
  return v;
}

/** The words of every assignment of an ignored list key since the last empty one. */
export function ignoredList(unit: Unit, key: string): string[][] {
  let out: string[][] = [];
  for (const s of unit.ignored) {
    if (s.key !== key) continue;
    if (s.value.trim() === '') out = [];
    else out.push(s.value.trim().split(/\s+/));
  }
  return out;
}
