/**
 * Where a unit lives in the cgroup tree systemd defines (systemd.slice(5), systemd.special(7)): a
 * unit in the slice its Slice= names (system.slice by default, system-PREFIX.slice for a template's
 * instances), each slice nested in its parent by its name's dashes — a-b.slice in a.slice in the
 * root slice, /a.slice/a-b.slice/NAME below the manager's cgroup. Every layer asks these functions:
 * the graph for the implicit Requires=/After= on the slice, the cgroup code for the directories it
 * makes, show and status for Slice= and ControlGroup=.
 */
export const ROOT_SLICE = '-.slice';
export const SERVICE_SLICE = 'system.slice';

/**
 * Whether a slice's name has a place in the hierarchy: the root slice, or a name whose dashes each
 * separate two non-empty parts (no leading, trailing or doubled dash). systemd 252 fails to load
 * any other slice (a--b.slice, -a.slice, a-.slice) with EINVAL, and so every unit in it.
 */
export function sliceNameIsValid(id: string): boolean {
  if (id === ROOT_SLICE) return true;
  const base = id.slice(0, -'.slice'.length);
  return base !== '' && !base.startsWith('-') && !base.endsWith('-') && !base.includes('--');
}

/** A slice's parent in the hierarchy: a-b.slice → a.slice → -.slice (none for the root). */
export function parentSliceOf(id: string): string | undefined {
  if (id === ROOT_SLICE) return undefined;
  const base = id.slice(0, -'.slice'.length);
  const i = base.lastIndexOf('-');
  return i <= 0 ? ROOT_SLICE : `${base.slice(0, i)}.slice`;
}

/** The slices from the root's child down to `slice` itself (none for the root slice). */
export function sliceChain(slice: string): string[] {
  const out: string[] = [];
  for (let s: string | undefined = slice; s !== undefined && s !== ROOT_SLICE; s = parentSliceOf(s)) out.unshift(s);
  return out;
}

/** The kernel's cgroup controller names (systemd's cgroup_controller table), which a cgroup may not start with. */
const CONTROLLERS = new Set(['cpu', 'cpuacct', 'cpuset', 'io', 'blkio', 'memory', 'devices', 'pids', 'bpf-firewall', 'bpf-devices', 'bpf-foreign', 'bpf-socket-bind', 'bpf-restrict-network-interfaces']);

/**
 * A unit name as a cgroup directory: prefixed with "_" where it would clash with the kernel's own
 * files (tasks, cgroup.*, CONTROLLER.*) or start with "_" or "." — as systemd names them, so
 * cpu.service lives in _cpu.service.
 */
export function cgroupEscape(name: string): string {
  const dot = name.lastIndexOf('.');
  const clash = name === '' || name.startsWith('_') || name.startsWith('.') || ['notify_on_release', 'release_agent', 'tasks'].includes(name) ||
    name.startsWith('cgroup.') || (dot > 0 && CONTROLLERS.has(name.slice(0, dot)));
  return clash ? `_${name}` : name;
}

/** A slice's directories below the manager's cgroup: "a.slice/a-b.slice" ("" for the root slice). */
export function sliceRelativePath(slice: string): string {
  return sliceChain(slice).map(cgroupEscape).join('/');
}

/** A unit's directories below the manager's cgroup: its slice's, then its own (a slice is its own). */
export function unitRelativePath(unit: string, slice: string): string {
  if (unit.endsWith('.slice')) return sliceRelativePath(unit);
  const s = sliceRelativePath(slice);
  return s === '' ? cgroupEscape(unit) : `${s}/${cgroupEscape(unit)}`;
}

/** A unit's cgroup path as ControlGroup= shows it, below `root`, the manager's own cgroup ("/" or "" for the root). */
export function unitCgroupPath(unit: string, root = '/', slice = SERVICE_SLICE): string {
  const rel = unitRelativePath(unit, slice);
  const base = root === '/' ? '' : root;
  return rel === '' ? base || '/' : `${base}/${rel}`;
}

/**
 * The slice a unit's cgroup path says it is in (journald's _SYSTEMD_SLICE=): the directory above the
 * unit's when it is a slice's, its "_" taken off again; else the root slice.
 */
export function sliceOfCgroupPath(path: string): string {
  const parts = path.split('/').filter(Boolean);
  const above = parts.length >= 2 ? parts[parts.length - 2]! : '';
  if (!above.endsWith('.slice')) return ROOT_SLICE;
  return above.startsWith('_') ? above.slice(1) : above;
}
