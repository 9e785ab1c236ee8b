/**
 * A cgroup (v2) per unit, where the container hands svcd a cgroup of its own: the kernel then
 * keeps the list of a service's processes, and nothing a service forks — double-forked, setsid,
 * environment scrubbed — can leave it. systemd places a service at /system.slice/NAME.service
 * under its own cgroup; so does svcd.
 *
 * "Its own" is checked, not assumed: the cgroup v2 hierarchy must be mounted and writable, and
 * svcd's cgroup must hold nothing but svcd and its ancestors (an init in front of it, the shell
 * that exec'd it). A manager started in the host's root cgroup, or next to other processes, would
 * otherwise file its units beside another manager's; there svcd tracks processes by session and
 * INVOCATION_ID instead (docs/differences.md). No controller is enabled: the tree is for
 * accounting who belongs where, which works with processes in svcd's own cgroup. A unit's cgroup is
 * in its slice's, nested as the slices are (/a.slice/a-b.slice/NAME: shared/slice.ts).
 */
import { chownSync, mkdirSync, readFileSync, readdirSync, rmdirSync } from 'node:fs';
import { join } from 'node:path';
import { readProcStat, type ProcStat } from './proc-stat.js';
import { cgroupEscape, SERVICE_SLICE as SLICE, sliceRelativePath, unitRelativePath } from '../shared/slice.js';


export type CgroupSetup =
  | { readonly ok: true; readonly tree: CgroupTree }
  | { readonly ok: false; readonly reason: string };

export class CgroupTree {
  /** The units whose cgroup exists (made by ensure(), gone after remove()), with its path below svcd's. */
  private readonly made = new Map<string, string>();

  private constructor(
    /** svcd's cgroup in the file system (e.g. /sys/fs/cgroup/unified/x). */
    private readonly fsRoot: string,
    /** svcd's cgroup as /proc/self/cgroup names it ("/" in a container with its own cgroup namespace). */
    readonly root: string,
  ) {}

  /** svcd's own cgroup, if it can be used (see the module comment); why not otherwise. */
  static setUp(procRoot = '/proc'): CgroupSetup {
    const own = ownCgroup(procRoot);
    if (own === undefined) return { ok: false, reason: 'no cgroup v2 hierarchy (svcd is in no unified cgroup)' };
    const mount = unifiedMount(procRoot);
    if (!mount) return { ok: false, reason: 'the cgroup v2 hierarchy is not mounted' };
    if (own !== mount.root && !own.startsWith(mount.root === '/' ? '/' : `${mount.root}/`)) {
      return { ok: false, reason: `svcd's cgroup ${own} is outside the mounted part of the hierarchy (${mount.root})` };
    }
    const fsRoot = join(mount.at, own.slice(mount.root.length));
    let procs: number[];
    try {
      procs = readPids(join(fsRoot, 'cgroup.procs'));
    } catch (e) {
      return { ok: false, reason: `cannot read ${fsRoot}/cgroup.procs: ${(e as NodeJS.ErrnoException).code ?? String(e)}` };
    }
    const shared = sharedWith(procs, procRoot, own);
    if (shared) return { ok: false, reason: shared };
    try {
      mkdirSync(join(fsRoot, SLICE), { recursive: true });
    } catch (e) {
      return { ok: false, reason: `cannot create ${join(fsRoot, SLICE)}: ${(e as NodeJS.ErrnoException).code ?? String(e)}` };
    }
    return { ok: true, tree: new CgroupTree(fsRoot, own) };
  }

  /** The unit's cgroup as systemctl shows it in ControlGroup= and status' CGroup: line. */
  pathOf(unit: string): string {
    const rel = this.made.get(unit) ?? unitRelativePath(unit, SLICE);
    return `${this.root === '/' ? '' : this.root}/${rel}`;
  }

  /**
   * Makes the unit's cgroup in its slice's if needed; the cgroup.procs file its processes move
   * themselves into. A unit whose cgroup still exists stays where it is, whatever its Slice= says
   * now (as systemd refuses to move a realized unit): its processes are all there.
   */
  ensure(unit: string, slice = SLICE): string {
    const rel = this.made.get(unit) ?? unitRelativePath(unit, slice);
    if (!this.made.has(unit)) {
      mkdirSync(join(this.fsRoot, rel), { recursive: true });
      this.made.set(unit, rel);
    }
    return join(this.fsRoot, rel, 'cgroup.procs');
  }

  has(unit: string): boolean {
    return this.made.has(unit);
  }

  /** Delegate= with User=: the unit's cgroup and the files that manage its subtree are the user's (systemd's cg_set_access). */
  delegate(unit: string, uid: number, gid: number): void {
    chownDelegated(this.dirOf(unit), uid, gid, ['cgroup.procs', 'cgroup.threads', 'cgroup.subtree_control']);
  }

  /** Every process in the unit's cgroup and below it (a unit may make sub-cgroups). */
  processes(unit: string): number[] {
    if (!this.made.has(unit)) return [];
    const out: number[] = [];
    const walk = (dir: string): void => {
      try {
        out.push(...readPids(join(dir, 'cgroup.procs')));
        for (const e of readdirSync(dir, { withFileTypes: true })) if (e.isDirectory()) walk(join(dir, e.name));
      } catch {
        // removed while we looked
      }
    };
    walk(this.dirOf(unit));
    return out;
  }

  /** The unit a process's cgroup names, when it is one of svcd's units. */
  unitOf(pid: number, procRoot = '/proc'): string | undefined {
    let line: string | undefined;
    try {
      line = readFileSync(`${procRoot}/${pid}/cgroup`, 'utf8').split('\n').find((l) => l.startsWith('0::'));
    } catch {
      return undefined;
    }
    const prefix = this.root === '/' ? '/' : `${this.root}/`;
    if (!line?.slice(3).startsWith(prefix)) return undefined;
    const path = line.slice(3 + prefix.length);
    for (const [unit, rel] of this.made) if (path === rel || path.startsWith(`${rel}/`)) return unit;
    return undefined;
  }

  /**
   * The run is over: the cgroup goes if it is empty (a KillMode=process/none leftover keeps it, and
   * the next run finds its processes there, as under systemd).
   */
  remove(unit: string): void {
    if (!this.made.has(unit)) return;
    if (removeEmptyTree(this.dirOf(unit))) this.made.delete(unit);
  }

  /** A slice started: its cgroup exists from now on, units in it or not (the root slice's is svcd's own). */
  realizeSlice(slice: string): void {
    const rel = sliceRelativePath(slice);
    if (rel !== '') mkdirSync(join(this.fsRoot, rel), { recursive: true });
  }

  /** A slice stopped: its cgroup goes, with whatever empty cgroups are left below it. */
  removeSlice(slice: string): void {
    const rel = sliceRelativePath(slice);
    if (rel !== '') removeEmptyTree(join(this.fsRoot, rel));
  }

  /** After daemon-reexec: cgroups the previous svcd made are the units' still (found in whichever slice). */
  adopt(unit: string): void {
    const rel = findUnitDir(this.fsRoot, unit);
    if (rel !== undefined) this.made.set(unit, rel);
  }

  private dirOf(unit: string): string {
    return join(this.fsRoot, this.made.get(unit) ?? unitRelativePath(unit, SLICE));
  }
}

/**
 * Removes a cgroup directory and every directory below it, deepest first; false when one stays
 * (a cgroup still holding a process cannot be removed, and keeps its ancestors). Gone already counts as removed.
 */
export function removeEmptyTree(dir: string): boolean {
  try {
    for (const e of readdirSync(dir, { withFileTypes: true })) if (e.isDirectory() && !removeEmptyTree(join(dir, e.name))) return false;
    rmdirSync(dir);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ENOENT';
  }
}

/** Where a unit's directory is below `fsRoot`, looking through the slices' directories (the unit's own is not searched). */
export function findUnitDir(fsRoot: string, unit: string, rel = ''): string | undefined {
  let entries;
  try {
    entries = readdirSync(join(fsRoot, rel), { withFileTypes: true });
  } catch {
    return undefined;
  }
  for (const e of entries) {
    if (!e.isDirectory()) continue;
    const child = rel === '' ? e.name : `${rel}/${e.name}`;
    if (e.name === cgroupEscape(unit)) return child;
    if (e.name.endsWith('.slice')) {
      const found = findUnitDir(fsRoot, unit, child);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

/** chown()s a delegated cgroup directory and those of its files that exist (a v1 hierarchy has no cgroup.threads). */
export function chownDelegated(dir: string, uid: number, gid: number, files: readonly string[]): void {
  chownSync(dir, uid, gid);
  for (const f of files) {
    try {
      chownSync(join(dir, f), uid, gid);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
  }
}

export function readPids(file: string): number[] {
  // Processes outside svcd's PID namespace read as 0: they count, as someone else's.
  return readFileSync(file, 'utf8').split('\n').filter((l) => l !== '').map(Number);
}

/** svcd's path in the unified hierarchy ("0::/path" in /proc/self/cgroup). */
function ownCgroup(procRoot: string): string | undefined {
  try {
    const line = readFileSync(`${procRoot}/self/cgroup`, 'utf8').split('\n').find((l) => l.startsWith('0::'));
    return line?.slice(3);
  } catch {
    return undefined;
  }
}

/** Whether a cgroup v2 hierarchy is mounted (on a hybrid host, /sys/fs/cgroup/unified). */
export function unifiedMounted(procRoot = '/proc'): boolean {
  try {
    return unifiedMount(procRoot) !== undefined;
  } catch {
    return false;
  }
}

/** Where cgroup2 is mounted (/sys/fs/cgroup, or /sys/fs/cgroup/unified on a hybrid host), and which part of it. */
function unifiedMount(procRoot: string): { at: string; root: string } | undefined {
  let found: { at: string; root: string } | undefined;
  for (const line of readFileSync(`${procRoot}/self/mountinfo`, 'utf8').split('\n')) {
    // id parent major:minor root mountpoint options [optional...] - fstype source superoptions
    const [pre, post] = line.split(' - ');
    if (!post?.startsWith('cgroup2 ')) continue;
    const f = pre!.split(' ');
    const mount = { at: unescapeMount(f[4]!), root: unescapeMount(f[3]!) };
    if (!found || mount.at === '/sys/fs/cgroup') found = mount;
  }
  return found;
}

export const unescapeMount = (s: string): string => s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));

/** Why a cgroup holding `procs` is not svcd's own (it holds others than svcd and its ancestors); undefined if it is. */
export function sharedWith(procs: readonly number[], procRoot: string, name: string): string | undefined {
  const mine = ancestry(procRoot);
  const others = procs.filter((p) => !mine.has(p));
  return others.length > 0 ? `svcd's cgroup ${name} is shared with ${others.length} other process${others.length === 1 ? '' : 'es'}` : undefined;
}

/** svcd and every process above it, as far as its PID namespace shows them. */
export function ancestry(procRoot: string): Set<number> {
  const out = new Set<number>([process.pid]);
  let pid = process.pid;
  for (let depth = 0; depth < 64 && pid > 1; depth++) {
    let st: ProcStat | undefined;
    try {
      st = readProcStat(pid, procRoot);
    } catch {
      break; // out of descriptors: what was seen so far
    }
    if (!st) break;
    pid = st.ppid;
    if (pid > 0) out.add(pid);
  }
  return out;
}
