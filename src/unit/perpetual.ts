/**
 * The units systemd 252 has whether a file for them exists or not: its perpetual units, which the
 * manager makes at start-up (the root slice, the system slice, the manager's own scope, the root
 * mount), and the slices in general, which load without a file. Every layer asks this table —
 * the loader for what such a unit is made of, the engine for the state it is born in, `show` for
 * Perpetual= — so a unit tree without slice files (systemd's own targets and one package's unit)
 * still has the system.slice its services require.
 *
 * What each one is, as `systemctl show` prints it on systemd 252 without any file for it: loaded,
 * active in `subState`, DefaultDependencies=no, IgnoreOnIsolate=yes, `description`, `documentation`,
 * in the root slice (systemd keeps these "extrinsic" units out of system.slice). A file of the
 * same name (Debian ships -.slice and system.slice) is read on top of these, as systemd reads a
 * fragment after setting the defaults; stopping a perpetual unit is never applicable.
 */
import { unitNameToPath } from './escape.js';

export interface PerpetualUnit {
  readonly description: string;
  /** The sub-state it is in from the start, and stays in. */
  readonly subState: string;
  /** Documentation= systemd gives it when no file does. */
  readonly documentation: readonly string[];
  /** Transient=: made at run time, never from a file (the manager's own scope). */
  readonly transient?: boolean;
}

export const PERPETUAL_UNITS: Readonly<Record<string, PerpetualUnit>> = {
  '-.slice': { description: 'Root Slice', subState: 'active', documentation: ['man:systemd.special(7)'] },
  'system.slice': { description: 'System Slice', subState: 'active', documentation: ['man:systemd.special(7)'] },
  'init.scope': { description: 'System and Service Manager', subState: 'running', documentation: ['man:systemd(1)'], transient: true },
  '-.mount': { description: 'Root Mount', subState: 'mounted', documentation: [] },
};

export function perpetualUnit(id: string): PerpetualUnit | undefined {
  return Object.hasOwn(PERPETUAL_UNITS, id) ? PERPETUAL_UNITS[id] : undefined;
}

/** Whether a unit of this name loads without a file: the perpetual units and every slice. */
export function loadsWithoutFragment(id: string, type: string): boolean {
  return type === 'slice' || perpetualUnit(id) !== undefined;
}

/**
 * The description a unit has when its file gives none: a perpetual unit's own, a slice's "Slice"
 * and the path its name stands for ("foo-bar.slice" is "Slice /foo/bar").
 */
export function builtinDescription(id: string, type: string): string | undefined {
  const p = perpetualUnit(id);
  if (p) return p.description;
  if (type !== 'slice') return undefined;
  const path = unitNameToPath(id);
  return path.ok ? `Slice ${path.value}` : undefined;
}
