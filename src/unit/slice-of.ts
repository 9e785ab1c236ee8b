/**
 * The slice a unit runs in (systemd.slice(5)): its Slice=, else its type's default — system.slice,
 * system-PREFIX.slice for a template's instances, the root slice for the manager's perpetual
 * units — and a slice's parent for a slice. Shared by the graph (the implicit dependency on it)
 * and the cgroup code (where the unit's directories go).
 */
import { parseUnitName } from './name.js';
import { perpetualUnit } from './perpetual.js';
import { parentSliceOf, ROOT_SLICE, SERVICE_SLICE } from '../shared/slice.js';

/** The slice a process-running unit lands in without Slice=: per-template slices for instances. */
export function defaultSliceOf(id: string): string {
  const p = parseUnitName(id);
  if (!p || !p.instance) return SERVICE_SLICE;
  // A slice name's dashes are hierarchy separators, so the template prefix is escaped (systemd-escape).
  const escaped = p.prefix.replace(/\\/g, '\\x5c').replace(/-/g, '\\x2d');
  return `system-${escaped}.slice`;
}

/** The slice of a unit with a cgroup (service, socket, mount, swap, scope) or a slice's parent. */
export function unitSliceOf(id: string, slice: string | undefined): string | undefined {
  if (id.endsWith('.slice')) return parentSliceOf(id);
  return slice ?? (perpetualUnit(id) !== undefined ? ROOT_SLICE : defaultSliceOf(id));
}
