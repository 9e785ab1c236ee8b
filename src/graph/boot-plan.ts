/**
 * The units a start of one unit pulls in, and the order After=/Before= puts them in: the first
 * step of the transaction engine (issue "The manager"), used for now by `svcd` to show what a boot
 * would start. Dependencies follow systemd.unit(5): Requires=, Requisite=, Wants=, BindsTo=,
 * Upholds= and the .wants/.requires/.upholds directories pull units in; default dependencies are
 * added as systemd.service(5) and systemd.target(5) describe.
 */
import type { Unit } from '../unit/model.js';

export interface PlannedUnit {
  readonly unit: Unit;
  /** 0 for units with nothing to wait for; otherwise one more than the latest unit it is ordered after. */
  readonly level: number;
}

export interface BootPlan {
  readonly units: readonly PlannedUnit[];
  /** Units named as dependencies that could not be loaded (not-found, bad-setting, …). */
  readonly problems: readonly { readonly id: string; readonly loadState: string; readonly wantedBy: string }[];
  /** Ordering cycles found (each as the list of unit ids); their After= edges are ignored. */
  readonly cycles: readonly (readonly string[])[];
}

/** The implicit After=/Requires= systemd adds with DefaultDependencies=yes. */
function defaultDeps(u: Unit): { requires: string[]; after: string[] } {
  if (!u.unit.defaultDependencies) return { requires: [], after: [] };
  if (u.type === 'service') return { requires: ['sysinit.target'], after: ['sysinit.target', 'basic.target'] };
  if (u.type === 'socket' || u.type === 'timer' || u.type === 'path') return { requires: ['sysinit.target'], after: ['sysinit.target'] };
  return { requires: [], after: [] };
}

export function planStart(root: string, load: (name: string) => Unit): BootPlan {
  const units = new Map<string, Unit>();
  const problems: { id: string; loadState: string; wantedBy: string }[] = [];
  const queue: [string, string][] = [[root, '']];
  while (queue.length > 0) {
    const [name, from] = queue.shift()!;
    if (units.has(name)) continue;
    const u = load(name);
    if (u.loadState !== 'loaded') {
      problems.push({ id: name, loadState: u.loadState, wantedBy: from });
      continue;
    }
    units.set(name, u);
    for (const n of u.names) units.set(n, u);
    const d = u.unit.dependencies;
    const pulls = [...d.Requires, ...d.Requisite, ...d.Wants, ...d.BindsTo, ...d.Upholds, ...u.wantsDir, ...u.requiresDir, ...u.upholdsDir, ...defaultDeps(u).requires];
    for (const p of pulls) if (!units.has(p)) queue.push([p, u.id]);
  }

  const ids = [...new Set([...units.values()].map((u) => u.id))];
  // after[x] = units in the closure that x must wait for.
  const after = new Map<string, Set<string>>(ids.map((id) => [id, new Set<string>()]));
  const canon = (n: string) => units.get(n)?.id;
  for (const id of ids) {
    const u = units.get(id)!;
    const wanted = [...u.unit.dependencies.Requires, ...u.unit.dependencies.Wants, ...u.unit.dependencies.BindsTo, ...u.wantsDir, ...u.requiresDir];
    const targetAfter = u.type === 'target' && u.unit.defaultDependencies ? wanted : [];
    for (const a of [...u.unit.dependencies.After, ...defaultDeps(u).after, ...targetAfter]) {
      const c = canon(a);
      if (c && c !== id) after.get(id)!.add(c);
    }
    for (const b of u.unit.dependencies.Before) {
      const c = canon(b);
      if (c && c !== id) after.get(c)!.add(id);
    }
  }
  // Levels by longest After= path; a cycle is recorded and its closing edge ignored (the
  // transaction engine will break cycles the way systemd does).
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
    for (const dep of after.get(id)!) l = Math.max(l, level(dep) + 1);
    visiting.pop();
    levels.set(id, l);
    return l;
  };
  for (const id of ids) level(id);
  const planned = ids.map((id) => ({ unit: units.get(id)!, level: levels.get(id)! }));
  planned.sort((a, b) => a.level - b.level || (a.unit.id < b.unit.id ? -1 : 1));
  return { units: planned, problems, cycles };
}
