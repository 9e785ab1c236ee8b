/**
 * Where svcd files its services in the cgroup tree systemd defines (systemd.special(7)): every one in
 * system.slice (Slice= is not acted on), at /system.slice/NAME below the manager's cgroup.
 */
export const SERVICE_SLICE = 'system.slice';

/** A unit's cgroup path below `root`, the manager's own cgroup ("/" or "" for the root). */
export function unitCgroupPath(unit: string, root = '/'): string {
  return `${root === '/' ? '' : root}/${SERVICE_SLICE}/${unit}`;
}
