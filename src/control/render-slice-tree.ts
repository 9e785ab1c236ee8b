/**
 * The CGroup: tree of `status SLICE`, as systemctl draws a slice's cgroup: each unit with
 * processes under it (and each sub-slice holding some) in name order, its processes beneath; units
 * and slices with no process are left out, as systemd leaves empty cgroups out of the tree.
 */
import type { UnitStatus } from '../engine/api.js';
import { parentSliceOf } from '../shared/slice.js';
import { processLabels } from './process-lines.js';
import { strcmp } from '../shared/strcmp.js';
import { unitSliceOf } from '../unit/slice-of.js';

interface Node {
  readonly name: string;
  readonly lines: readonly string[];
  readonly children: readonly Node[];
}

const running = (st: UnitStatus) => st.processes.length > 0 && st.activeState !== 'inactive' && st.activeState !== 'failed';
/** The cgroup's directory name (cpu.service lives in _cpu.service). */
const dirName = (st: UnitStatus) => st.controlGroup.slice(st.controlGroup.lastIndexOf('/') + 1) || st.id;

function node(slice: string, units: readonly UnitStatus[]): Node[] {
  const children: Node[] = [];
  for (const st of units) {
    if (st.model.type === 'slice') {
      if (parentSliceOf(st.id) !== slice) continue;
      const sub = node(st.id, units);
      if (sub.length > 0) children.push({ name: dirName(st), lines: [], children: sub });
    } else if (running(st) && st.model.loadState === 'loaded' && unitSliceOf(st.id, st.model.resources.slice) === slice) {
      children.push({ name: dirName(st), lines: processLabels(st.processes), children: [] });
    }
  }
  return children.sort((a, b) => strcmp(a.name, b.name));
}

function draw(n: Node, prefix: string, last: boolean, out: string[]): void {
  out.push(`${prefix}${last ? '└─' : '├─'}${n.name}`);
  const inner = `${prefix}${last ? '  ' : '│ '}`;
  const items = [...n.lines.map((l) => ({ line: l })), ...n.children.map((c) => ({ child: c }))];
  items.forEach((it, i) => {
    const end = i === items.length - 1;
    if ('line' in it) out.push(`${inner}${end ? '└─' : '├─'}${it.line}`);
    else draw(it.child, inner, end, out);
  });
}

/** The lines under a slice's "CGroup: PATH" line (none when no unit in it has a process). */
export function sliceTreeLines(slice: string, units: readonly UnitStatus[]): string[] {
  const out: string[] = [];
  const top = node(slice, units);
  top.forEach((n, i) => draw(n, ' '.repeat(13), i === top.length - 1, out));
  return out;
}
