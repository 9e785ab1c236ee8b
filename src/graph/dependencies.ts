/**
 * The dependency graph as systemd holds it after loading: every edge a unit file states, those its
 * .wants/.requires/.upholds directories add, the implicit and default ones systemd adds
 * (systemd.unit(5), systemd.service(5), systemd.target(5), systemd.special(7)), and every edge's
 * reverse — what `systemctl show -p Requires,RequiredBy,…` prints, as sets.
 */
import type { DependencyKind, Unit } from '../unit/model.js';
import { parseUnitName } from '../unit/name.js';

export const REVERSE = {
  Requires: 'RequiredBy', Requisite: 'RequisiteOf', Wants: 'WantedBy', BindsTo: 'BoundBy', PartOf: 'ConsistsOf',
  Upholds: 'UpheldBy', Conflicts: 'ConflictedBy', Before: 'After', After: 'Before', OnFailure: 'OnFailureOf',
  OnSuccess: 'OnSuccessOf', PropagatesReloadTo: 'ReloadPropagatedFrom', ReloadPropagatedFrom: 'PropagatesReloadTo',
  PropagatesStopTo: 'StopPropagatedFrom', StopPropagatedFrom: 'PropagatesStopTo', JoinsNamespaceOf: 'JoinsNamespaceOf',
} as const satisfies Record<DependencyKind, string>;

export type ShownDependency = DependencyKind | (typeof REVERSE)[DependencyKind];

export type DependencySets = Map<ShownDependency, Set<string>>;

const EXEC_TYPES = new Set(['service', 'socket', 'mount', 'swap']);

export class DependencyGraph {
  private readonly edges = new Map<string, DependencySets>();
  private readonly units = new Map<string, Unit>();

  private sets(id: string): DependencySets {
    let s = this.edges.get(id);
    if (!s) {
      s = new Map();
      this.edges.set(id, s);
    }
    return s;
  }

  /** Adds `from -kind-> to` and its reverse. */
  add(from: string, kind: DependencyKind, to: string): void {
    if (from === to) return;
    const fwd = this.sets(from);
    if (!fwd.has(kind)) fwd.set(kind, new Set());
    fwd.get(kind)!.add(to);
    const rev = this.sets(to);
    const rk = REVERSE[kind];
    if (!rev.has(rk)) rev.set(rk, new Set());
    rev.get(rk)!.add(from);
  }

  get(id: string, kind: ShownDependency): readonly string[] {
    return [...(this.edges.get(id)?.get(kind) ?? [])];
  }

  unit(id: string): Unit | undefined {
    return this.units.get(id);
  }

  /**
   * Loads `roots` and everything they name, transitively, through `load`, and records every edge.
   * Units that fail to load stay in the graph as names (systemd keeps not-found units too).
   */
  static build(roots: readonly string[], load: (name: string) => Unit): DependencyGraph {
    const g = new DependencyGraph();
    const queue = [...roots];
    const seen = new Set<string>();
    const visit = (name: string) => {
      if (!seen.has(name)) queue.push(name);
    };
    while (queue.length > 0) {
      const name = queue.shift()!;
      if (seen.has(name)) continue;
      seen.add(name);
      const u = load(name);
      for (const n of u.names) seen.add(n);
      if (u.loadState !== 'loaded') continue;
      g.units.set(u.id, u);
      for (const [kind, targets] of Object.entries(u.unit.dependencies) as [DependencyKind, readonly string[]][]) {
        for (const t of targets) g.add(u.id, kind, t);
      }
      for (const t of u.wantsDir) g.add(u.id, 'Wants', t);
      for (const t of u.requiresDir) g.add(u.id, 'Requires', t);
      for (const t of u.upholdsDir) g.add(u.id, 'Upholds', t);
      g.addImplicit(u);
      for (const kinds of g.edges.get(u.id)?.values() ?? []) for (const t of kinds) visit(t);
    }
    // Targets order themselves after what they pull in, once both sides are known.
    for (const u of g.units.values()) if (u.type === 'target' && u.unit.defaultDependencies) g.addTargetOrdering(u);
    return g;
  }

  /** Edges systemd adds by itself (unit_add_default_dependencies and the exec/cgroup ones). */
  private addImplicit(u: Unit): void {
    if (EXEC_TYPES.has(u.type)) {
      // Every process-running unit lives in a slice and logs to the journal (unless told otherwise).
      // Instances of a template share a slice named after it (system-PREFIX.slice).
      const p = parseUnitName(u.id);
      const dflt = p && p.instance ? `system-${p.prefix}.slice` : 'system.slice';
      const slice = u.ignored.find((i) => i.key === 'Slice')?.value || dflt;
      this.add(u.id, 'Requires', slice);
      this.add(u.id, 'After', slice);
      const out = [u.exec?.standardOutput, u.exec?.standardError];
      if (out.some((o) => o === undefined || o.startsWith('journal') || o.startsWith('kmsg'))) this.add(u.id, 'After', 'systemd-journald.socket');
    }
    if (!u.unit.defaultDependencies) return;
    if (u.type === 'service') {
      this.add(u.id, 'Requires', 'sysinit.target');
      this.add(u.id, 'After', 'sysinit.target');
      this.add(u.id, 'After', 'basic.target');
      this.add(u.id, 'Conflicts', 'shutdown.target');
      this.add(u.id, 'Before', 'shutdown.target');
    } else if (u.type === 'target') {
      this.add(u.id, 'Conflicts', 'shutdown.target');
      this.add(u.id, 'Before', 'shutdown.target');
    }
  }

  /** A target is After= the units it wants or requires, unless that would order against their wish. */
  private addTargetOrdering(t: Unit): void {
    for (const kind of ['Requires', 'Requisite', 'Wants', 'BindsTo'] as const) {
      for (const other of this.get(t.id, kind)) {
        const o = this.units.get(other);
        if (!o || !o.unit.defaultDependencies) continue;
        if (this.get(t.id, 'Before').includes(other)) continue;
        this.add(t.id, 'After', other);
      }
    }
  }
}
