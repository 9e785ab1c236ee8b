/**
 * systemctl's human-readable pages, made on the daemon's side where the data is: `status UNIT`
 * and `list-dependencies`. The layout follows systemctl 252; colours only when the client is on
 * a terminal.
 */
import { processLabels } from './process-lines.js';
import { sliceTreeLines } from './render-slice-tree.js';
import type { ManagerApi, UnitStatus } from '../engine/api.js';
import type { Kind } from '../graph/atoms.js';
import type { ListDependencyType } from './protocol.js';
import { formatTimestamp } from './properties.js';
import { accountingLines } from './render-accounting.js';
import { monotonicNowUs, nextElapseRealtime } from './timers.js';
import { formatTimestampRelative } from '../shared/timestamp.js';
import { sigchldCodeToString, statusExitText } from '../shared/exit-status.js';
import { listenText, SOCKET_LISTEN_TYPE } from '../unit/model.js';
import { kernelHasIPv6 } from '../unit/values/socket-address.js';
import { loadProblem } from '../unit/load-problem.js';

export function relative(us: bigint, nowUs: bigint): string {
  let d = nowUs > us ? (nowUs - us) / 1000n : 0n;
  const parts: string[] = [];
  const units: [string, bigint][] = [['y', 31557600000n], ['month', 2629800000n], ['w', 604800000n], ['d', 86400000n], ['h', 3600000n], ['min', 60000n], ['s', 1000n], ['ms', 1n]];
  for (const [name, size] of units) {
    if (d >= size && parts.length < 2) {
      parts.push(`${d / size}${name}`);
      d %= size;
      // systemd stops at seconds once there are minutes, and shows ms only under a second.
      if (name === 's') break;
    }
  }
  return parts.length === 0 ? 'now' : `${parts.join(' ')} ago`;
}

/** systemd's FORMAT_TIMESPAN(d, USEC_PER_MSEC): "18ms", "1.504s", "2min 3.5s". */
export function duration(us: bigint): string {
  const ms = us / 1000n;
  if (ms < 1000n) return `${ms}ms`;
  const parts: string[] = [];
  let rest = ms;
  for (const [name, size] of [['d', 86400000n], ['h', 3600000n], ['min', 60000n]] as const) {
    if (rest >= size) {
      parts.push(`${rest / size}${name}`);
      rest %= size;
    }
  }
  if (rest > 0n) {
    const frac = String(rest % 1000n).padStart(3, '0').replace(/0+$/, '');
    parts.push(`${rest / 1000n}${frac ? `.${frac}` : ''}s`);
  }
  return parts.join(' ');
}

function glyph(active: string, paint: (c: string, s: string) => string): string {
  switch (active) {
    case 'active':
    case 'reloading':
      return paint('0;1;32', '●');
    case 'failed':
      return paint('0;1;31', '×');
    case 'activating':
    case 'deactivating':
      return paint('0;1;39', '●');
    default:
      return '○';
  }
}

/** What the Loaded: line says in parentheses: systemctl prints SourcePath= over FragmentPath= (an init script a generator wrapped), UnitFileState=, and a preset where one could apply. */
function loadedDetail(st: UnitStatus): string {
  const m = st.model;
  if (!m.fragmentPath) return '';
  const path = m.unit.sourcePath ?? m.fragmentPath;
  const state = st.unitFileState;
  return state === 'static' || state === 'generated' ? `${path}; ${state}` : `${path}; ${state}; preset: enabled`;
}

/** The page of `systemctl status UNIT`. */
export function statusPage(st: UnitStatus, color: boolean, nowUs: bigint, units: () => readonly UnitStatus[] = () => []): string {
  const paint = (c: string, s: string) => (color ? `\x1b[${c}m${s}\x1b[0m` : s);
  const m = st.model;
  const lines: string[] = [];
  const desc = m.unit.description ? ` - ${m.unit.description}` : '';
  lines.push(`${glyph(st.activeState, paint)} ${st.id}${desc}`);
  if (m.loadState === 'not-found') lines.push(`     Loaded: ${paint('0;1;31', 'not-found')} (Reason: Unit ${st.id} not found.)`);
  else if (m.loadState === 'masked') lines.push(`     Loaded: ${paint('0;1;31', 'masked')} (Reason: Unit ${st.id} is masked.)`);
  else if (m.loadState !== 'loaded') lines.push(`     Loaded: ${paint('0;1;31', m.loadState)} (Reason: ${loadProblem(m, st.id)})`);
  else {
    // A unit systemd builds in (system.slice without a file) has nothing to say in parentheses.
    const detail = loadedDetail(st);
    lines.push(`     Loaded: loaded${detail ? ` (${detail})` : ''}`);
  }
  if (m.dropinPaths.length > 0) {
    const dirs = new Map<string, string[]>();
    for (const p of m.dropinPaths) {
      const dir = p.slice(0, p.lastIndexOf('/'));
      dirs.set(dir, [...(dirs.get(dir) ?? []), p.slice(p.lastIndexOf('/') + 1)]);
    }
    let first = true;
    for (const [dir, files] of dirs) {
      lines.push(`${first ? '    Drop-In: ' : '             '}${dir}`);
      lines.push(`             └─${files.join(', ')}`);
      first = false;
    }
  }
  const since = (ts: bigint) => (ts === 0n ? '' : ` since ${formatTimestamp(ts)}; ${relative(ts, nowUs)}`);
  const t = st.timestamps;
  const ts = st.activeState === 'active' || st.activeState === 'reloading' ? t.activeEnter.realtimeUs
    : st.activeState === 'activating' ? t.inactiveExit.realtimeUs
    : st.activeState === 'deactivating' ? t.activeExit.realtimeUs
    : t.inactiveEnter.realtimeUs;
  const stateWord = st.activeState === 'active' || st.activeState === 'reloading' ? paint('0;1;32', st.activeState)
    : st.activeState === 'failed' ? paint('0;1;31', st.activeState) : st.activeState;
  // The sub-state only where it says more than the active state ("active (running)", but a target's "active").
  const result = st.activeState === 'failed' ? ` (Result: ${st.result})` : st.subState === st.activeState ? '' : ` (${st.subState})`;
  lines.push(`     Active: ${stateWord}${result}${since(ts)}`);
  if ((st.activeState === 'inactive' || st.activeState === 'failed') && t.activeEnter.monotonicUs > 0n && t.activeExit.monotonicUs >= t.activeEnter.monotonicUs) {
    lines.push(`   Duration: ${duration(t.activeExit.monotonicUs - t.activeEnter.monotonicUs)}`);
  }
  const triggeredBy = st.dependencies.TriggeredBy ?? [];
  triggeredBy.forEach((u, i) => lines.push(`${i === 0 ? 'TriggeredBy:' : ' '.repeat(12)} ● ${u}`));
  if (m.type === 'timer') {
    const next = nextElapseRealtime(st, nowUs, monotonicNowUs());
    const at = formatTimestamp(next);
    lines.push(`    Trigger: ${at ? `${at}; ${formatTimestampRelative(next, nowUs)}` : 'n/a'}`);
  }
  (st.dependencies.Triggers ?? []).forEach((u, i) => lines.push(`${i === 0 ? '   Triggers:' : ' '.repeat(12)} ● ${u}`));
  // A result counts once checked: an unchecked condition or assertion is "no" too, and says nothing here.
  if (t.condition.monotonicUs !== 0n && !st.conditionResult && st.failedCondition) {
    lines.push(`  Condition: start ${paint('0;1;39', 'condition failed')} at ${formatTimestamp(t.condition.realtimeUs)}; ${relative(t.condition.realtimeUs, nowUs)}`);
    const c = st.failedCondition;
    lines.push(`             └─ ${c.kind}=${c.trigger ? '|' : ''}${c.negate ? '!' : ''}${c.parameter} was not met`);
  }
  if (t.assert.monotonicUs !== 0n && !st.assertResult && st.failedCondition) {
    lines.push(`     Assert: start ${paint('0;1;31', 'assertion failed')} at ${formatTimestamp(t.assert.realtimeUs)}; ${relative(t.assert.realtimeUs, nowUs)}`);
    const c = st.failedCondition;
    lines.push(`             └─ ${c.kind}=${c.trigger ? '|' : ''}${c.negate ? '!' : ''}${c.parameter} was not met`);
  }
  if (m.unit.documentation.length > 0) {
    m.unit.documentation.forEach((d, i) => lines.push(`${i === 0 ? '       Docs: ' : '             '}${d}`));
  }
  // A socket's Listen…= lines: "ADDRESS (Type)", as systemctl prints them.
  if (m.type === 'socket') {
    const ipv6 = kernelHasIPv6();
    m.socket.listen.forEach((l, i) => lines.push(`${i === 0 ? '     Listen: ' : ' '.repeat(13)}${listenText(l.value, ipv6)} (${SOCKET_LISTEN_TYPE[l.value.kind]})`));
    // Accept=yes: the counters, and the refused ones only once there are any (systemctl's spacing).
    const c = st.socket;
    if (m.socket.accept && c) lines.push(`   Accepted: ${c.nAccepted}; Connected: ${c.nConnections};${c.nRefused > 0 ? `   Refused: ${c.nRefused}` : ''}`);
  }
  // Every command that ran and ended, in systemd's order: "Process: PID ExecStartPre=… (code=…, status=…)".
  for (const key of ['ExecCondition', 'ExecStartPre', 'ExecStart', 'ExecStartPost', 'ExecReload', 'ExecStop', 'ExecStopPost']) {
    for (const c of st.commands[key] ?? []) {
      const r = c.run;
      if (!r || r.code === 0 || r.pid === 0) continue;
      const ok = r.code === 1 && r.status === 0;
      const text = `(code=${sigchldCodeToString(r.code)}, ${statusExitText(r.code, r.status)})`;
      lines.push(`    Process: ${r.pid} ${`${key}=${c.path} ${c.argv.slice(1).join(' ')}`.trimEnd()} ${ok ? text : paint('0;1;31', text)}`);
    }
  }
  // Main PID: the running main process, or how the last one ended (systemctl reads ExecMainPID=).
  if (st.mainPid > 0) lines.push(`   Main PID: ${st.mainPid} (${st.processes.find((p) => p.pid === st.mainPid)?.comm ?? ''})`);
  else if (st.execMain.pid > 0 && st.execMain.code !== 0) {
    const ok = st.execMain.code === 1 && st.execMain.status === 0;
    const text = `(code=${sigchldCodeToString(st.execMain.code)}, ${statusExitText(st.execMain.code, st.execMain.status)})`;
    lines.push(`   Main PID: ${st.execMain.pid} ${ok ? text : paint('0;1;31', text)}`);
  }
  if (st.statusText) lines.push(`     Status: "${st.statusText}"`);
  // An active slice: what its cgroup counts (its units' and sub-slices' together), then the cgroup
  // — shown empty too, as systemctl shows any cgroup the slice has — with the tree of the units in it.
  if (m.type === 'slice' && st.activeState === 'active') {
    lines.push(...accountingLines(st));
    if (st.controlGroup !== '') lines.push(`     CGroup: ${st.controlGroup}`, ...sliceTreeLines(st.id, units()));
  }
  if (st.processes.length > 0 && st.activeState !== 'inactive' && st.activeState !== 'failed') {
    const accounting = accountingLines(st);
    // Without accounting, the processes svcd tracks stand for the tasks.
    if (st.usage?.tasksCurrent === undefined) lines.push(`      Tasks: ${st.processes.length}`);
    lines.push(...accounting);
    lines.push(`     CGroup: ${st.controlGroup}`);
    const labels = processLabels(st.processes);
    labels.forEach((l, i) => lines.push(`             ${i === labels.length - 1 ? '└─' : '├─'}${l}`));
  }
  // A listening socket keeps its cgroup with no process in it, and systemctl shows it (ControlGroup=).
  else if (m.type === 'socket' && st.activeState !== 'inactive' && st.activeState !== 'failed' && st.controlGroup !== '') {
    lines.push(...accountingLines(st), `     CGroup: ${st.controlGroup}`);
  }
  return `${lines.join('\n')}\n`;
}

/** The properties each kind of `list-dependencies` tree follows from a unit to its children. */
const LIST_DEPENDENCY_PROPERTIES: Readonly<Record<ListDependencyType, readonly Kind[]>> = {
  forward: ['Requires', 'Requisite', 'Wants', 'BindsTo', 'ConsistsOf', 'Upholds'],
  reverse: ['RequiredBy', 'RequisiteOf', 'WantedBy', 'BoundBy', 'PartOf', 'UpheldBy'],
  after: ['After'],
  before: ['Before'],
};

/** A child's mark in the tree: its state's glyph, green while it is up, red when it is neither up nor down. */
function dependencyGlyph(active: string, paint: (c: string, s: string) => string): string {
  switch (active) {
    case 'active':
    case 'reloading':
    case 'activating':
      return paint('0;1;32', active === 'reloading' ? '↻' : '●');
    case 'inactive':
      return '○';
    case 'deactivating':
      return '●';
    case 'failed':
      return paint('0;1;31', '×');
    default:
      return paint('0;1;31', '○');
  }
}

/** Targets after other units, then by name ignoring case (systemctl's order of a unit's children). */
function compareDependencies(a: string, b: string): number {
  const ta = a.endsWith('.target') ? 1 : 0;
  const tb = b.endsWith('.target') ? 1 : 0;
  if (ta !== tb) return ta - tb;
  const la = a.toLowerCase();
  const lb = b.toLowerCase();
  return la < lb ? -1 : la > lb ? 1 : 0;
}

/** How `list-dependencies` draws: which edges, into which units, and how. */
export interface DependencyTreeOptions {
  readonly type: ListDependencyType;
  /** Expand every unit, not only targets (--all). */
  readonly all: boolean;
  readonly color: boolean;
  /** A flat list, two spaces before each unit, each unit once (--plain). */
  readonly plain: boolean;
}

/**
 * `list-dependencies UNIT`: the tree of the type's edges, recursing into targets (into every unit
 * with `all`). A unit is expanded again wherever it reappears; only a unit already on the path from
 * the root (a cycle) is not. With `plain`, a unit once listed stays "on the path", so each shows once.
 */
export function dependencyTree(api: ManagerApi, root: string, o: DependencyTreeOptions): string {
  const paint = (c: string, s: string) => (o.color ? `\x1b[${c}m${s}\x1b[0m` : s);
  // One snapshot per unit however often the tree shows it (a unit is expanded wherever it reappears).
  const snaps = new Map<string, UnitStatus>();
  const unitOf = (id: string): UnitStatus => snaps.get(id) ?? snaps.set(id, api.unit(id)).get(id)!;
  const rootId = unitOf(root).id;
  const lines: string[] = [rootId];
  const path = new Set<string>();
  const walk = (id: string, prefix: string) => {
    path.add(id);
    const deps = new Set<string>();
    for (const k of LIST_DEPENDENCY_PROPERTIES[o.type]) for (const d of unitOf(id).dependencies[k] ?? []) deps.add(d);
    // A child already on the path closes a cycle: it is left out, and one "..." (without a glyph)
    // ends the list instead. Once one is seen no later child is drawn as the last, though the
    // indentation below a child still follows its place in the list, as systemctl 252 draws it.
    const sorted = [...deps].sort(compareDependencies);
    let circular = false;
    sorted.forEach((d, idx) => {
      const last = idx === sorted.length - 1;
      if (path.has(d)) {
        circular = true;
        return;
      }
      if (o.plain) lines.push(`  ${d}`);
      else lines.push(`${dependencyGlyph(unitOf(d).activeState, paint)} ${prefix}${last && !circular ? '└─' : '├─'}${d}`);
      if (o.all || d.endsWith('.target')) walk(d, `${prefix}${last ? '  ' : '│ '}`);
    });
    if (circular && !o.plain) lines.push(`  ${prefix}└─...`);
    if (!o.plain) path.delete(id);
  };
  walk(rootId, '');
  return `${lines.join('\n')}\n`;
}
