/**
 * The cgroups of each unit's run, as the spawner needs them: the v2 tree's cgroup and each v1
 * controller's, in the unit's slice (Slice=, nested as systemd nests slices), made at the run's
 * first process with the unit's limits and each enclosing slice's own written; what they count (OOM kills, memory, tasks, CPU); and their removal when the run ends.
 * What could not be applied is said once per unit, on one line (through `notice`).
 */
import type { CgroupTree } from '../exec/cgroup.js';
import type { V1Controllers } from '../exec/cgroup-v1.js';
import type { LimitContext } from '../exec/cgroup-limits.js';
import { resolveCredentials } from '../exec/exec-context.js';
import { notAppliedNotice, resourceDirectives } from '../exec/resource-notice.js';
import type { CgroupContext, Unit } from '../unit/model.js';
import { sliceChain, unitCgroupPath } from '../shared/slice.js';
import { unitSliceOf } from '../unit/slice-of.js';
import { SpawnFailure, type ResourceUsage } from '../engine/system.js';

export interface UnitCgroupsOptions {
  readonly cgroups?: CgroupTree;
  readonly v1?: V1Controllers;
  readonly noResourceControl?: string;
  readonly sliceResources?: (slice: string) => CgroupContext | undefined;
  readonly limitContext?: () => LimitContext;
}

/** Without a manager to ask: systemd's defaults (DefaultTasksMax=15% of the kernel's limit, past startup). */
const DEFAULT_LIMIT_CONTEXT: LimitContext = { systemTasksMax: 2n ** 64n - 1n, defaultTasksMax: { value: 15n, scale: 100n }, startup: false };

export class UnitCgroups {
  /** Runs (unit → invocation) whose v1 limits are written, and the cgroup.procs files of each unit's. */
  private readonly limited = new Map<string, string>();
  private readonly v1Procs = new Map<string, string[]>();
  /** The run (unit → invocation) whose cgroups were handed over for Delegate=. */
  private readonly delegated = new Map<string, string>();
  /** OOM kills already reported, by unit (the count restarts with each cgroup made). */
  private readonly oomSeen = new Map<string, number>();

  constructor(
    private readonly opts: UnitCgroupsOptions,
    private readonly notice: (unit: string, text: string) => void,
  ) {}

  /**
   * The unit's cgroup.procs files (the v2 tree's, each v1 controller's), its cgroups made if needed
   * and their limits written at the run's first process; undefined without cgroups.
   */
  procsFor(unit: string, source: Unit, invocation: string): string[] | undefined {
    const { cgroups: tree, v1 } = this.opts;
    const procs: string[] = [];
    const slice = unitSliceOf(unit, source.resources.slice) ?? '-.slice';
    try {
      const fresh = this.delegated.get(unit) !== invocation;
      if (tree) procs.push(tree.ensure(unit, slice));
      if (v1 && (!v1.has(unit) || this.limited.get(unit) !== invocation)) {
        this.limited.set(unit, invocation);
        const env = this.opts.limitContext?.() ?? DEFAULT_LIMIT_CONTEXT;
        const r = v1.ensure(unit, source.resources, env, slice);
        this.v1Procs.set(unit, r.procs);
        const line = notAppliedNotice(r.notApplied);
        if (line) this.notice(unit, line);
        // Each enclosing slice's own limits, read again at each run (a daemon-reload may have changed them).
        for (const s of sliceChain(slice)) {
          const own = this.opts.sliceResources?.(s);
          const sliceLine = own ? notAppliedNotice(v1.applySlice(s, own, env)) : undefined;
          if (sliceLine) this.notice(s, sliceLine);
        }
      }
      if (fresh && source.resources.delegate) this.delegate(unit, source);
      this.delegated.set(unit, invocation);
    } catch (e) {
      throw new SpawnFailure(`cannot create the cgroup of ${unit}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, 219);
    }
    if (v1) procs.push(...(this.v1Procs.get(unit) ?? []));
    else if (this.opts.noResourceControl) {
      const why = this.opts.noResourceControl;
      const set = resourceDirectives(source.resources);
      const line = notAppliedNotice(set.map((directive) => ({ directive, why })));
      if (line) this.notice(unit, line);
    }
    return procs.length > 0 ? procs : undefined;
  }

  /**
   * Delegate= hands the unit's cgroup to the user it runs as (systemd chowns it so the service can
   * make and fill sub-cgroups); as root the unit can already, and nothing changes hands.
   */
  private delegate(unit: string, source: Unit): void {
    const user = source.exec?.user;
    if (user === undefined) return;
    const c = resolveCredentials(user, source.exec?.group, []);
    if (typeof c === 'string' || c.uid === 0) return; // the spawn itself reports unknown users
    this.opts.cgroups?.delegate(unit, c.uid, c.gid);
    this.opts.v1?.delegate(unit, c.uid, c.gid);
  }

  takeOomKills(unit: string): number {
    const n = this.opts.v1?.usage(unit).oomKills ?? 0;
    const seen = this.oomSeen.get(unit) ?? 0;
    this.oomSeen.set(unit, n);
    return n > seen ? n - seen : 0;
  }

  resourceUsage(unit: string): ResourceUsage | undefined {
    const v1 = this.opts.v1;
    const counted = unit.endsWith('.slice') ? v1?.sliceUsage(unit) : v1?.has(unit) ? v1.usage(unit) : undefined;
    if (!counted) return undefined;
    const { memoryCurrent, tasksCurrent, cpuUsageNSec } = counted;
    return { memoryCurrent, tasksCurrent, cpuUsageNSec };
  }

  /** The unit's cgroup as ControlGroup= shows it, while it has one; a slice's, below svcd's cgroup. */
  controlGroup(unit: string): string | undefined {
    const tree = this.opts.cgroups;
    if (unit.endsWith('.slice') && tree) return unitCgroupPath(unit, tree.root);
    return tree?.has(unit) ? tree.pathOf(unit) : undefined;
  }

  /** A slice started: its cgroups are made (a failure shows when a unit of it cannot be filed there: 219/CGROUP). */
  realizeSlice(slice: string): void {
    try {
      this.opts.cgroups?.realizeSlice(slice);
      this.opts.v1?.realizeSlice(slice);
    } catch {
      // see above
    }
  }

  /** The run is over: its cgroups go (a v1 cgroup still holding a process stays, and so does its count); a slice's when it stops. */
  release(unit: string): void {
    if (unit.endsWith('.slice')) {
      this.opts.cgroups?.removeSlice(unit);
      this.opts.v1?.removeSlice(unit);
      return;
    }
    this.opts.cgroups?.remove(unit);
    this.opts.v1?.remove(unit);
    if (!this.opts.v1?.has(unit)) {
      this.v1Procs.delete(unit);
      this.oomSeen.delete(unit);
    }
  }
}
