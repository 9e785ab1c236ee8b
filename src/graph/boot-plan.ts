/**
 * The units a start of one unit pulls in, and the order After= puts them in: the first step of the
 * transaction engine, used for now by `svcd` to show what a boot would start. Pull-in and ordering
 * come from the DependencyGraph (explicit, directory, implicit and default edges alike).
 */
import type { Unit } from '../unit/model.js';
import { KINDS_WITH_ATOM } from './atoms.js';
import { DependencyGraph } from './dependencies.js';

export interface PlannedUnit {
  readonly unit: Unit;
  /** 0 for units with nothing to wait for; otherwise one more than the latest unit it is ordered after. */
  readonly level: number;
}

export interface BootPlan {
  readonly units: readonly PlannedUnit[];
  /** Units pulled in that could not be loaded (not-found, bad-setting, …), with one unit that wanted them. */
  readonly problems: readonly { readonly id: string; readonly loadState: string; readonly wantedBy: string }[];
  /** Ordering cycles found (each as the list of unit ids); their closing After= edge is ignored. */
  readonly cycles: readonly (readonly string[])[];
}

/** Kinds whose atoms make a start pull in a start of the other unit (Requisite= only verifies). */
const PULLS = [...KINDS_WITH_ATOM['pull-in-start'], ...KINDS_WITH_ATOM['pull-in-start-ignored']];

export function planStart(root: string, load: (name: string) => Unit): BootPlan {
  const graph = DependencyGraph.build([root], load);
  const closure: Unit[] = [];
  const problems: { id: string; loadState: string; wantedBy: string }[] = [];
  const seen = new Set<string>();
  const queue: [string, string][] = [[root, '']];
  while (queue.length > 0) {
    const [name, from] = queue.shift()!;
    if (seen.has(name)) continue;
    seen.add(name);
    const u = load(name);
    u.names.forEach((n) => seen.add(n));
    if (u.loadState !== 'loaded') {
      problems.push({ id: name, loadState: u.loadState, wantedBy: from });
      continue;
    }
    closure.push(u);
    for (const kind of PULLS) for (const dep of graph.get(u.id, kind)) queue.push([dep, u.id]);
  }

  const inClosure = new Set(closure.map((u) => u.id));
  const levels = new Map<string, number>();
  const cycles: string[][] = [];
  const visiting: string[] = [];
  const level = (id: string): number => {
    const known = levels.get(id);
    if (known !== undefined) return known;
    const at = visiting.indexOf(id);
    if (at >= 0) {
      cycles.push(visiting.slice(at));
      return 0;
    }
    visiting.push(id);
    let l = 0;
    for (const dep of graph.get(id, 'After')) if (inClosure.has(dep)) l = Math.max(l, level(dep) + 1);
    visiting.pop();
    levels.set(id, l);
    return l;
  };
  const units = closure.map((unit) => ({ unit, level: level(unit.id) }));
  units.sort((a, b) => a.level - b.level || (a.unit.id < b.unit.id ? -1 : 1));
  return { units, problems, cycles };
}
