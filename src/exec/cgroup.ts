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
 * accounting who belongs where, which works with processes in svcd's own cgroup.
 */
import { mkdirSync, readFileSync, readdirSync, rmdirSync } from 'node:fs';
import { join } from 'node:path';
import { readProcStat, type ProcStat } from './proc-stat.js';
import { SERVICE_SLICE as SLICE, unitCgroupPath } from '../shared/slice.js';


export type CgroupSetup =
  | { readonly ok: true; readonly tree: CgroupTree }
  | { readonly ok: false; readonly reason: string };

export class CgroupTree {
  /** The units whose cgroup exists (made by ensure(), gone after remove()). */
  private readonly made = new Set<string>();

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
    return unitCgroupPath(unit, this.root);
  }

  /** Makes the unit's cgroup if needed; the cgroup.procs file its processes move themselves into. */
  ensure(unit: string): string {
    const dir = this.dirOf(unit);
    if (!this.made.has(unit)) {
      mkdirSync(dir, { recursive: true });
      this.made.add(unit);
    }
    return join(dir, 'cgroup.procs');
  }

  has(unit: string): boolean {
    return this.made.has(unit);
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
    const prefix = unitCgroupPath('', this.root);
    if (!line?.slice(3).startsWith(prefix)) return undefined;
    const unit = line.slice(3 + prefix.length).split('/')[0];
    return unit && this.made.has(unit) ? unit : undefined;
  }

  /**
   * The run is over: the cgroup goes if it is empty (a KillMode=process/none leftover keeps it, and
   * the next run finds its processes there, as under systemd).
   */
  remove(unit: string): void {
    if (!this.made.has(unit)) return;
    const rm = (dir: string): boolean => {
      try {
        for (const e of readdirSync(dir, { withFileTypes: true })) if (e.isDirectory() && !rm(join(dir, e.name))) return false;
        rmdirSync(dir);
        return true;
      } catch {
        return false;
      }
    };
    if (rm(this.dirOf(unit))) this.made.delete(unit);
  }

  /** After daemon-reexec: cgroups the previous svcd made are the units' still. */
  adopt(unit: string): void {
    try {
      readdirSync(this.dirOf(unit));
      this.made.add(unit);
    } catch {
      // never made, or removed
    }
  }

  private dirOf(unit: string): string {
    return join(this.fsRoot, SLICE, unit);
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
