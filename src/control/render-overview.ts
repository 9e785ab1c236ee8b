/**
 * `status` without a unit: the manager's overview as systemctl 252 prints it — the host, the
 * system state, the counts, since when userspace runs, the version, and the control-group tree
 * of every unit that has processes, each process under its unit's group.
 */
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import type { ManagerApi, ProcessInfo } from '../engine/api.js';
import { formatTimestamp } from './properties.js';
import { relative } from './render.js';
import { strcmp } from '../shared/strcmp.js';
import { processLabels } from './process-lines.js';

/** One control group of the tree: its processes and its child groups by name. */
interface Group {
  readonly processes: ProcessInfo[];
  readonly children: Map<string, Group>;
}

const newGroup = (): Group => ({ processes: [], children: new Map() });

/** The group at `path` ("/system.slice/x.service"), made on the way down. */
function groupAt(root: Group, path: string): Group {
  let g = root;
  for (const name of path.split('/').filter(Boolean)) {
    let child = g.children.get(name);
    if (!child) g.children.set(name, (child = newGroup()));
    g = child;
  }
  return g;
}

/** The manager's own process, as init.scope's, when svcd is PID 1 (a container's init). */
function ownProcess(): ProcessInfo | undefined {
  if (process.pid !== 1) return undefined;
  let cmdline: string;
  try {
    cmdline = readFileSync('/proc/self/cmdline', 'latin1').split('\0').filter(Boolean).join(' ');
  } catch {
    cmdline = process.argv.join(' ');
  }
  return { pid: 1, comm: 'svcd', cmdline };
}

/** The tree below `g`: its processes first (by pid), then its groups (by name), as systemctl draws it. */
function drawGroup(g: Group, prefix: string, lines: string[]): void {
  const procs = [...g.processes].sort((a, b) => a.pid - b.pid);
  const groups = [...g.children.entries()].sort(([a], [b]) => strcmp(a, b));
  const total = procs.length + groups.length;
  processLabels(procs).forEach((l, i) => lines.push(`${prefix}${i === total - 1 ? '└─' : '├─'}${l}`));
  groups.forEach(([name, child], i) => {
    const last = procs.length + i === total - 1;
    lines.push(`${prefix}${last ? '└─' : '├─'}${name}`);
    drawGroup(child, `${prefix}${last ? '  ' : '│ '}`, lines);
  });
}

/** The overview page; `nowUs` (realtime) for "Since: …; N ago". */
export function statusOverview(api: ManagerApi, color: boolean, nowUs: bigint): string {
  const paint = (c: string, s: string) => (color ? `\x1b[${c}m${s}\x1b[0m` : s);
  const s = api.status();
  // Green when all is well, red when a unit failed or the manager is not up or going down.
  const tint = s.systemState === 'running' ? '0;1;32' : s.systemState === 'degraded' || s.systemState === 'maintenance' || s.systemState === 'stopping' ? '0;1;31' : '';
  const state = tint ? paint(tint, s.systemState) : s.systemState;
  const root = newGroup();
  const own = ownProcess();
  if (own) groupAt(root, '/init.scope').processes.push(own);
  for (const st of api.units()) {
    if (st.processes.length === 0 || st.id === 'init.scope') continue;
    groupAt(root, st.controlGroup).processes.push(...st.processes);
  }
  const since = s.userspaceTimestamp.realtimeUs;
  const lines = [
    `${tint ? paint(tint, '●') : '●'} ${hostname()}`,
    `    State: ${state}`,
    `    Units: ${s.nNames} loaded (incl. loaded aliases)`,
    `     Jobs: ${s.nJobs} queued`,
    `   Failed: ${s.nFailedUnits} units`,
    `    Since: ${formatTimestamp(since)}; ${relative(since, nowUs)}`,
    `  systemd: ${s.version}`,
    '   CGroup: /',
  ];
  drawGroup(root, '           ', lines);
  return `${lines.join('\n')}\n`;
}
