// Cgroups of a test's own in each cgroup v1 controller of a hybrid host (and in the unified tree,
// the witness svcd needs that no process outside its namespace shares them), so an svcd booted in
// them has resource control without touching another process's cgroup. `usable` is false where
// the controllers are absent or the cgroup fs is read-only: the tests that need them skip.
import { existsSync, mkdirSync, readFileSync, readdirSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const V1_CONTROLLERS = ['memory', 'pids', 'cpu', 'cpuacct', 'cpuset'] as const;
export type V1Controller = (typeof V1_CONTROLLERS)[number];

/** The mount point of each controller's hierarchy (and the cgroup2 one) at its root. */
function mounts(): { v1: Map<string, string>; unified?: string } {
  const v1 = new Map<string, string>();
  let unified: string | undefined;
  for (const line of readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) {
    const [pre, post] = line.split(' - ');
    if (!post || pre!.split(' ')[3] !== '/') continue;
    if (post.startsWith('cgroup2 ')) unified = pre!.split(' ')[4];
    else if (post.startsWith('cgroup ')) for (const o of post.split(' ')[2]!.split(',')) if ((V1_CONTROLLERS as readonly string[]).includes(o)) v1.set(o, pre!.split(' ')[4]!);
  }
  return { v1, unified };
}

function removeTree(d: string): void {
  if (!existsSync(d)) return;
  for (const e of readdirSync(d, { withFileTypes: true })) if (e.isDirectory()) removeTree(join(d, e.name));
  rmdirSync(d);
}

export interface TestCgroups {
  readonly usable: boolean;
  /** A file or directory of the test's cgroup in a controller. */
  path(c: V1Controller, ...rest: string[]): string;
  /** Where a controller's hierarchy is mounted (its root), if it is. */
  mount(c: string): string | undefined;
  /** A file or directory of the test's cgroup in the unified tree. */
  unified(...rest: string[]): string;
  /** A wrapper that moves the namespace's PID 1 into every one of them before it becomes svcd. */
  readonly wrapper: readonly string[];
  remove(): void;
}

/** Makes `name` (unique per test file: tests run in parallel) in every controller. */
export function makeTestCgroups(name: string): TestCgroups {
  const m = mounts();
  const made: string[] = [];
  let usable = V1_CONTROLLERS.every((c) => m.v1.has(c));
  try {
    if (usable) {
      if (m.unified) {
        mkdirSync(join(m.unified, name));
        made.push(join(m.unified, name));
      }
      for (const c of V1_CONTROLLERS) {
        const d = join(m.v1.get(c)!, name);
        if (made.includes(d)) continue;
        mkdirSync(d);
        made.push(d);
        // A v1 cpuset cgroup takes no process before it has CPUs and memory nodes.
        if (c === 'cpuset') for (const f of ['cpuset.cpus', 'cpuset.mems']) writeFileSync(join(d, f), readFileSync(join(m.v1.get(c)!, f), 'utf8'));
      }
    }
  } catch {
    usable = false; // a read-only cgroup fs (an unprivileged container)
  }
  return {
    usable,
    path: (c, ...rest) => join(m.v1.get(c)!, name, ...rest),
    mount: (c) => ((V1_CONTROLLERS as readonly string[]).includes(c) ? m.v1.get(c) : undefined),
    unified: (...rest) => join(m.unified ?? '/nonexistent', name, ...rest),
    wrapper: ['sh', '-c', `${made.map((d) => `echo $$ > ${d}/cgroup.procs`).join(' && ')} && exec "$@"`, 'sh'],
    remove: () => {
      for (const d of made) removeTree(d);
    },
  };
}

/** A python program that forks until refused, then says how (python's OSError names the errno): the probe of a tasks limit. */
export const FORK_UNTIL_REFUSED = `import os, time, errno
n = 0
try:
    while n < 50:
        if os.fork() == 0:
            time.sleep(600)
            os._exit(0)
        n += 1
    print('forked', n, flush=True)
except OSError as e:
    print('fork', n + 1, 'failed:', errno.errorcode[e.errno], flush=True)
time.sleep(600)
`;
