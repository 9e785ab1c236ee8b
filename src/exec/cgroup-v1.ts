/**
 * A cgroup per unit in the legacy (v1) controllers a hybrid host mounts one by one
 * (/sys/fs/cgroup/memory, cpu, cpuacct, pids, cpuset, blkio): where the unified tree has no
 * controllers, these are where limits can be set — as systemd 252 sets them on such a host. The
 * unit's directory is SLICE/NAME under svcd's own cgroup in each hierarchy, its slice's nested as
 * systemd nests them (a.slice/a-b.slice/NAME), and each slice's own limits are on the slice's directory.
 *
 * As for the v2 tree (cgroup.ts), "svcd's own" is checked per hierarchy: it must be writable and
 * hold nothing but svcd and its ancestors, so that svcd never files units (or sets limits) beside
 * another manager's processes. A hierarchy that fails the check is left alone, and says why. A v1
 * cgroup.procs lists only the processes svcd's PID namespace shows (v2 lists the others as 0), so
 * on a hybrid host the unified tree is the witness: svcd uses a v1 controller only where its v2
 * cgroup is its own too and its v1 cgroup has the same path — a container runtime moves a container
 * to the same place in every hierarchy, while a v1 cgroup elsewhere is someone else's.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readPids, sharedWith, unescapeMount } from './cgroup.js';
import { v1Writes, type Controller, type LimitContext, type NotApplied } from './cgroup-limits.js';
import { SERVICE_SLICE as SLICE, sliceRelativePath, unitRelativePath } from '../shared/slice.js';
import { chownDelegated, findUnitDir, removeEmptyTree } from './cgroup.js';
import type { CgroupContext } from '../unit/model.js';

/** The v1 controllers svcd makes a unit's cgroup in: limits, and accounting (cpuacct). */
type V1Controller = Exclude<Controller, 'io'> | 'cpuacct';
const WANTED: readonly V1Controller[] = ['memory', 'cpu', 'cpuacct', 'pids', 'cpuset', 'blkio'];

/** One mounted hierarchy (co-mounted controllers, e.g. "cpu,cpuacct", share it) and svcd's cgroup in it. */
interface Hierarchy {
  readonly controllers: readonly V1Controller[];
  /** svcd's cgroup in the file system. */
  readonly fsRoot: string;
}

/** How the v1 controllers stand: those svcd uses, and why each other one is left alone. */
export interface V1Setup {
  readonly tree?: V1Controllers;
  readonly skipped: readonly { readonly controller: string; readonly reason: string }[];
}

/** A unit's use of resources, as the controllers count it. */
export interface CgroupUsage {
  readonly memoryCurrent?: bigint;
  readonly tasksCurrent?: bigint;
  readonly cpuUsageNSec?: bigint;
  /** Processes of the unit the kernel's OOM killer has killed since its cgroup was made. */
  readonly oomKills?: number;
}

export class V1Controllers {
  /** The units whose directories exist: the hierarchies they were made in, and the path below svcd's cgroup. */
  private readonly made = new Map<string, { readonly hs: Hierarchy[]; readonly rel: string }>();

  private constructor(private readonly hierarchies: readonly Hierarchy[]) {}

  /** The controllers svcd may use (see the module comment); an empty setup where none. */
  static setUp(procRoot = '/proc', unified: { readonly own: boolean; readonly path?: string; readonly reason?: string } = { own: true }): V1Setup {
    const skipped: { controller: string; reason: string }[] = [];
    if (!unified.own) return { skipped: [{ controller: 'all', reason: `svcd's cgroup v2 is not its own (${unified.reason ?? 'shared'}), and a v1 cgroup cannot show who else is in it` }] };
    let own: Map<string, string>;
    let mounts: { at: string; root: string; controllers: string[] }[];
    try {
      own = ownV1Cgroups(procRoot);
      mounts = v1Mounts(procRoot);
    } catch (e) {
      return { skipped: [{ controller: 'all', reason: `cannot read ${procRoot}/self: ${(e as Error).message}` }] };
    }
    const hierarchies: Hierarchy[] = [];
    for (const m of mounts) {
      const controllers = WANTED.filter((c) => m.controllers.includes(c));
      if (controllers.length === 0) continue;
      const name = controllers.join(',');
      const path = own.get(m.controllers.join(','));
      if (path === undefined || (path !== m.root && !path.startsWith(m.root === '/' ? '/' : `${m.root}/`))) {
        skipped.push({ controller: name, reason: `svcd's cgroup is outside the mounted part of the hierarchy` });
        continue;
      }
      if (unified.path !== undefined && path !== unified.path) {
        skipped.push({ controller: name, reason: `svcd's cgroup ${path} is not where its cgroup v2 is (${unified.path})` });
        continue;
      }
      const fsRoot = join(m.at, path.slice(m.root.length));
      // Only a hierarchy's real root has release_agent (a cgroup namespace's root does not): every
      // process of the machine outside svcd's namespace is in it, unseen.
      if (existsSync(join(fsRoot, 'release_agent'))) {
        skipped.push({ controller: name, reason: `svcd's cgroup is the hierarchy's root, shared with the whole machine` });
        continue;
      }
      try {
        const shared = sharedWith(readPids(join(fsRoot, 'cgroup.procs')), procRoot, path);
        if (shared) {
          skipped.push({ controller: name, reason: shared });
          continue;
        }
        mkdirSync(join(fsRoot, SLICE), { recursive: true });
        if (controllers.includes('cpuset')) inheritCpuset(fsRoot, join(fsRoot, SLICE));
      } catch (e) {
        skipped.push({ controller: name, reason: `cannot use ${fsRoot}: ${(e as NodeJS.ErrnoException).code ?? String(e)}` });
        continue;
      }
      hierarchies.push({ controllers, fsRoot });
    }
    for (const c of WANTED) if (!mounts.some((m) => m.controllers.includes(c))) skipped.push({ controller: c, reason: 'not mounted' });
    return { tree: hierarchies.length > 0 ? new V1Controllers(hierarchies) : undefined, skipped };
  }

  /** The controllers in use, for svcd's log line. */
  get controllers(): readonly string[] {
    return this.hierarchies.flatMap((h) => h.controllers);
  }

  /**
   * Makes the unit's cgroups and writes its limits: the cgroup.procs files its processes move
   * themselves into, and the settings no hierarchy could take (each with why).
   */
  ensure(unit: string, ctx: CgroupContext, env: LimitContext, slice = SLICE): { procs: string[]; notApplied: NotApplied[] } {
    const { writes, notApplied } = v1Writes(ctx, env);
    const used: Hierarchy[] = [];
    // A unit whose directories still exist (a leftover process) stays in them, as in the v2 tree.
    const rel = this.made.get(unit)?.rel ?? unitRelativePath(unit, slice);
    for (const h of this.hierarchies) {
      // cpuset and blkio only where the unit asks: a cpuset cgroup has to be filled before it takes a process.
      if (h.controllers.every((c) => (c === 'cpuset' && !ctx.allowedCPUs) || (c === 'blkio' && ctx.ioWeight === undefined && ctx.startupIOWeight === undefined))) continue;
      makeDirs(h, rel);
      used.push(h);
    }
    this.made.set(unit, { hs: used, rel });
    for (const w of writes) {
      const h = used.find((x) => x.controllers.includes(w.controller as V1Controller));
      if (!h) {
        if (w.explicit) notApplied.push({ directive: w.directive, why: `no writable ${w.controller} controller` });
        continue;
      }
      const file = join(h.fsRoot, rel, w.file);
      try {
        writeFileSync(file, w.value);
      } catch (e) {
        if (w.explicit) notApplied.push({ directive: w.directive, why: `${w.file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}` });
      }
    }
    return { procs: used.map((h) => join(h.fsRoot, rel, 'cgroup.procs')), notApplied };
  }

  has(unit: string): boolean {
    return this.made.has(unit);
  }

  /** Delegate= with User=: the unit's directory in each hierarchy, and its process lists, are the user's. */
  delegate(unit: string, uid: number, gid: number): void {
    const m = this.made.get(unit);
    for (const h of m?.hs ?? []) chownDelegated(join(h.fsRoot, m!.rel), uid, gid, ['cgroup.procs', 'tasks']);
  }

  /**
   * A slice's own limits (systemd.slice(5)) on its directory, which holds its units' and its
   * sub-slices': only what the slice unit sets — a default written there would cap all its units
   * together. The root slice's directory is svcd's own cgroup, whose limits are the container's.
   */
  applySlice(slice: string, ctx: CgroupContext, env: LimitContext): NotApplied[] {
    const { writes, notApplied } = v1Writes(ctx, env);
    const rel = sliceRelativePath(slice);
    if (rel === '') return [];
    for (const w of writes.filter((x) => x.explicit)) {
      const h = this.hierarchies.find((x) => x.controllers.includes(w.controller as V1Controller));
      if (!h) {
        notApplied.push({ directive: w.directive, why: `no writable ${w.controller} controller` });
        continue;
      }
      try {
        makeDirs(h, rel);
        writeFileSync(join(h.fsRoot, rel, w.file), w.value);
      } catch (e) {
        notApplied.push({ directive: w.directive, why: `${w.file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}` });
      }
    }
    return notApplied;
  }

  /** What the unit's cgroups count: memory.usage_in_bytes, pids.current, cpuacct.usage, the OOM kills. */
  usage(unit: string): CgroupUsage {
    const m = this.made.get(unit);
    return m ? usageAt(m.hs, m.rel) : {};
  }

  /**
   * What a slice's cgroups count — every unit and sub-slice in it, as the v1 counters are
   * hierarchical — read as a unit's are, from the directories its start made (none while it is
   * stopped). The root slice is svcd's own cgroup, whose counts are the container's: none.
   */
  sliceUsage(slice: string): CgroupUsage | undefined {
    const rel = sliceRelativePath(slice);
    if (rel === '') return undefined;
    const hs = this.hierarchies.filter((h) => existsSync(join(h.fsRoot, rel)));
    return hs.length > 0 ? usageAt(hs, rel) : undefined;
  }

  /** The run is over: the unit's directories go where they are empty (a leftover process keeps its own). */
  remove(unit: string): void {
    const m = this.made.get(unit);
    if (!m) return;
    let all = true;
    for (const h of m.hs) if (!removeEmptyTree(join(h.fsRoot, m.rel))) all = false;
    if (all) this.made.delete(unit);
  }

  /**
   * A slice started: its directory in each hierarchy a unit of it is filed in by default (cpuset
   * and blkio take a unit only when it asks for them, and make their directories then).
   */
  realizeSlice(slice: string): void {
    const rel = sliceRelativePath(slice);
    if (rel === '') return;
    for (const h of this.hierarchies) if (!h.controllers.every((c) => c === 'cpuset' || c === 'blkio')) makeDirs(h, rel);
  }

  /** A slice stopped: its directory goes from every hierarchy, with the empty ones below it. */
  removeSlice(slice: string): void {
    const rel = sliceRelativePath(slice);
    if (rel === '') return;
    for (const h of this.hierarchies) removeEmptyTree(join(h.fsRoot, rel));
  }

  /** After daemon-reexec: the directories the previous svcd made are the unit's still, in whichever slice. */
  adopt(unit: string): void {
    const rel = this.hierarchies.map((h) => findUnitDir(h.fsRoot, unit)).find((r) => r !== undefined);
    if (rel === undefined) return;
    const hs = this.hierarchies.filter((h) => existsSync(join(h.fsRoot, rel)));
    if (hs.length > 0) this.made.set(unit, { hs, rel });
  }
}

/** What the cgroup `rel` counts in the hierarchies `hs` (a unit's or a slice's): the one reader for both. */
function usageAt(hs: readonly Hierarchy[], rel: string): CgroupUsage {
  const read = (c: V1Controller, file: string): string | undefined => {
    const h = hs.find((x) => x.controllers.includes(c));
    if (!h) return undefined;
    try {
      return readFileSync(join(h.fsRoot, rel, file), 'utf8');
    } catch {
      return undefined;
    }
  };
  const num = (t: string | undefined) => (t !== undefined && /^\d+$/.test(t.trim()) ? BigInt(t.trim()) : undefined);
  const oom = /^oom_kill (\d+)$/m.exec(read('memory', 'memory.oom_control') ?? '');
  return {
    memoryCurrent: num(read('memory', 'memory.usage_in_bytes')),
    tasksCurrent: num(read('pids', 'pids.current')),
    cpuUsageNSec: num(read('cpuacct', 'cpuacct.usage')),
    oomKills: oom ? Number(oom[1]) : undefined,
  };
}

/** Makes `rel`'s directories one level at a time, each cpuset one given its parent's CPUs and nodes. */
function makeDirs(h: Hierarchy, rel: string): void {
  let parent = h.fsRoot;
  for (const part of rel.split('/')) {
    const dir = join(parent, part);
    mkdirSync(dir, { recursive: true });
    if (h.controllers.includes('cpuset')) inheritCpuset(parent, dir);
    parent = dir;
  }
}

/** A v1 cpuset cgroup starts with no CPUs and no memory nodes, and takes no process until given some: its parent's. */
function inheritCpuset(parent: string, dir: string): void {
  for (const f of ['cpuset.mems', 'cpuset.cpus']) {
    if (readFileSync(join(dir, f), 'utf8').trim() === '') writeFileSync(join(dir, f), readFileSync(join(parent, f), 'utf8').trim());
  }
}

/** svcd's path in each v1 hierarchy, keyed by its controller list ("4:memory:/x" → memory → /x). */
function ownV1Cgroups(procRoot: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of readFileSync(`${procRoot}/self/cgroup`, 'utf8').split('\n')) {
    const m = /^\d+:([^:]+):(.*)$/.exec(line);
    if (m) out.set(m[1]!, m[2]!);
  }
  return out;
}

/** Every v1 cgroup mount: where, which part of the hierarchy, and its controllers (from the super options). */
function v1Mounts(procRoot: string): { at: string; root: string; controllers: string[] }[] {
  const out: { at: string; root: string; controllers: string[] }[] = [];
  for (const line of readFileSync(`${procRoot}/self/mountinfo`, 'utf8').split('\n')) {
    const [pre, post] = line.split(' - ');
    if (!post?.startsWith('cgroup ')) continue;
    const f = pre!.split(' ');
    const opts = post.split(' ')[2]?.split(',') ?? [];
    // /proc/self/cgroup lists a hierarchy's controllers in the kernel's order, which the options keep.
    const controllers = opts.filter((o) => !['rw', 'ro'].includes(o) && !o.includes('=') && !['relatime', 'noatime', 'nosuid', 'nodev', 'noexec', 'clone_children', 'xattr', 'noprefix', 'cpuset_v2_mode'].includes(o));
    out.push({ at: unescapeMount(f[4]!), root: unescapeMount(f[3]!), controllers });
  }
  return out;
}
