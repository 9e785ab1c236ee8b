/**
 * Which units a unit listing holds, and in what order — the one filter that list-units,
 * list-sockets, list-paths and list-timers of the control socket and the D-Bus ListUnits* methods
 * share, so that the same request names the same units on either.
 */
import type { ManagerApi, UnitStatus } from '../engine/api.js';
import { fnmatch } from '../shared/glob.js';
import { strcasecmp } from '../shared/strcmp.js';

/** list-units PATTERN…: fnmatch() with FNM_NOESCAPE, as systemctl matches them. */
function unitMatches(id: string, patterns: readonly string[]): boolean {
  return patterns.some((p) => fnmatch(p, id, { noescape: true }));
}


/** What list-units, list-timers and list-sockets show without --all: units that are up, have a job, or did not load right. */
function listedByDefault(st: UnitStatus): boolean {
  if (st.model.loadState === 'not-found' && st.activeState === 'inactive') return false;
  return st.activeState !== 'inactive' || st.job !== undefined || (st.model.loadState !== 'loaded' && st.model.loadState !== 'not-found');
}

export interface ListFilter {
  /** Every unit, not only those listedByDefault (D-Bus's ListUnits* always list every unit: the client filters). */
  readonly all?: boolean;
  readonly types?: readonly string[];
  /** ActiveState, SubState or LoadState values; any given lists every unit in them, as --state does. */
  readonly states?: readonly string[];
  readonly patterns?: readonly string[];
}

/** The units a listing shows: without --all or --state, those listedByDefault; then by type, state and pattern. */
export function listedUnits(api: ManagerApi, p: ListFilter): UnitStatus[] {
  const types = p.types ?? [];
  const states = p.states ?? [];
  const patterns = p.patterns ?? [];
  return api.units()
    .filter((st) => p.all || states.length > 0 || listedByDefault(st))
    .filter((st) => types.length === 0 || types.includes(st.model.type) || types.includes(st.id.slice(st.id.lastIndexOf('.') + 1)))
    .filter((st) => states.length === 0 || states.includes(st.activeState) || states.includes(st.subState) || states.includes(st.model.loadState))
    .filter((st) => patterns.length === 0 || unitMatches(st.id, patterns));
}

/** systemctl's list-units order: by type suffix, then by name, both compared as strcasecmp() does. */
export function listOrder(a: string, b: string): number {
  return strcasecmp(a.slice(a.lastIndexOf('.')), b.slice(b.lastIndexOf('.'))) || strcasecmp(a, b);
}
