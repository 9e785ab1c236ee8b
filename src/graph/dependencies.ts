/**
 * The dependency graph over src/unit's model, as `systemctl show -p Requires,RequiredBy,…` prints it:
 * a thin view of graph.ts (which holds the rules) for callers that have model Units — svcd's boot
 * plan and the first manager. test/unit/graph-differential.test.ts checks it against real systemd.
 */
import type { DependencyKind, Unit } from '../unit/model.js';
import { type Kind, REVERSE as KIND_REVERSE } from './atoms.js';
import { Graph } from './graph.js';
import { toGraphUnit } from './model-adapter.js';

export const REVERSE = Object.fromEntries(
  (Object.keys(KIND_REVERSE) as Kind[]).map((k) => [k, KIND_REVERSE[k]]),
) as { readonly [K in DependencyKind]: Kind };

export type ShownDependency = Kind;

export class DependencyGraph {
  private readonly models = new Map<string, Unit>();
  private graph?: Graph;

  get(id: string, kind: ShownDependency): readonly string[] {
    return [...(this.graph?.deps(id, kind) ?? [])];
  }

  /** The loaded model of a unit in the graph (undefined for names that did not load). */
  unit(id: string): Unit | undefined {
    const u = this.models.get(id);
    return u?.loadState === 'loaded' ? u : undefined;
  }

  /** The GraphUnit-level graph, for the engine. */
  get core(): Graph | undefined {
    return this.graph;
  }

  static build(roots: readonly string[], load: (name: string) => Unit): DependencyGraph {
    const g = new DependencyGraph();
    g.graph = Graph.build(roots, (name) => {
      const u = load(name);
      g.models.set(u.id, u);
      return toGraphUnit(u);
    });
    return g;
  }
}
