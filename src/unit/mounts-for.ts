/**
 * The paths a unit needs mounted (RequiresMountsFor=, as `show` and `analyze dump` list them), as
 * systemd 252 collects them at load: the unit file's own, then what the unit's type adds — a
 * socket's file-system addresses, a path unit's watched paths, a persistent timer's stamp
 * directory — and, for a unit that runs commands, its exec context's (unit_add_exec_dependencies):
 * WorkingDirectory= (not a "-" one, nor ~), RootDirectory=, RootImage=, each Runtime/State/Cache/
 * Logs/ConfigurationDirectory= below its root, and /var/tmp for PrivateTmp=. Each path is simplified
 * and kept once, with the origin of its first mention; the graph orders the unit after the mount
 * units of every prefix (src/graph/graph.ts).
 */
import type { ExecContext, Unit } from './model.js';
import { ignoredScalar } from './ignored.js';
import { SYSTEM_DIRS } from './specifiers.js';
import { pathSimplify } from './values/path.js';

/** A path and why the unit has it: its file and what systemd adds for it count as 'file' (systemd's UNIT_DEPENDENCY_FILE). */
export interface MountsFor {
  readonly path: string;
  readonly origin: 'file' | 'implicit';
}

/** The exec directory settings below the system manager's roots, in systemd's ExecDirectoryType order. */
const DIRECTORY_ROOTS = [
  ['runtimeDirectory', SYSTEM_DIRS.runtime], ['stateDirectory', SYSTEM_DIRS.state], ['cacheDirectory', SYSTEM_DIRS.cache],
  ['logsDirectory', SYSTEM_DIRS.logs], ['configurationDirectory', SYSTEM_DIRS.config],
] as const satisfies readonly (readonly [keyof ExecContext, string])[];

/** Whether a socket runs commands of its own: only then does its exec context add dependencies (socket_has_exec). */
export function socketRunsCommands(u: Unit): boolean {
  return u.type === 'socket' && [u.socket.execStartPre, u.socket.execStartPost, u.socket.execStopPre, u.socket.execStopPost].some((l) => l.length > 0);
}

/** Whether the unit's exec context adds its implicit dependencies: units that run commands. */
export function execDependenciesApply(u: Unit): boolean {
  return u.exec !== undefined && (u.type !== 'socket' || socketRunsCommands(u));
}

/** Paths of the exec context (unit_add_exec_dependencies), before simplification. */
function execPaths(u: Unit): string[] {
  const exec = u.exec;
  if (!exec || !execDependenciesApply(u)) return [];
  const out: string[] = [];
  const wd = exec.workingDirectory;
  if (wd !== undefined && !wd.startsWith('-') && wd !== '~') out.push(wd);
  if (exec.rootDirectory !== undefined) out.push(exec.rootDirectory);
  const image = ignoredScalar(u, 'RootImage');
  if (image !== undefined) out.push(image);
  for (const [list, root] of DIRECTORY_ROOTS) for (const d of exec[list] as readonly string[]) out.push(`${root}/${d}`);
  if (exec.privateTmp) out.push('/var/tmp');
  return out;
}

/** Paths the unit's type adds: a socket's file-system sockets, FIFOs and special files; a path unit's paths; a persistent timer's stamps. */
function typePaths(u: Unit): string[] {
  switch (u.type) {
    case 'socket':
      return u.socket.listen.flatMap(({ value: l }) => {
        if (l.socket) return l.socket.family === 'unix' && l.socket.path.startsWith('/') ? [l.socket.path] : [];
        return l.kind === 'ListenFIFO' || l.kind === 'ListenSpecial' || l.kind === 'ListenUSBFunction' ? [l.address] : [];
      });
    case 'path':
      return u.path.watches.map((w) => w.value.path);
    case 'timer':
      return u.timer.persistent ? [`${SYSTEM_DIRS.state}/systemd/timers`] : [];
    default:
      return [];
  }
}

/** RequiresMountsFor= as systemd holds it for the unit (empty for a unit that did not load). */
export function requiresMountsFor(u: Unit): MountsFor[] {
  if (u.loadState !== 'loaded') return [];
  const out = new Map<string, MountsFor['origin']>();
  for (const p of [...u.unit.requiresMountsFor, ...typePaths(u), ...execPaths(u)]) {
    if (!p.startsWith('/')) continue;
    const path = pathSimplify(p);
    if (!out.has(path)) out.set(path, 'file');
  }
  return [...out].map(([path, origin]) => ({ path, origin }));
}
