/**
 * The system call groups (syscall-groups.ts, generated from systemd 252's own listing) as every
 * layer asks about them: finding one by name as syscall_filter_set_find() does (exact, with the
 * "@"), and expanding one to its system call names through nested groups, for SystemCallFilter=
 * and `svcctl analyze syscall-filter`.
 */
import { SYSCALL_GROUPS, type SyscallGroup } from './syscall-groups.js';

export type { SyscallGroup } from './syscall-groups.js';
export { SYSCALL_GROUPS } from './syscall-groups.js';

const BY_NAME: ReadonlyMap<string, SyscallGroup> = new Map(SYSCALL_GROUPS.map((g) => [g.name, g]));

/** The group of that exact name ("@clock"); a bare system call name is no group. */
export function syscallGroupFind(name: string): SyscallGroup | undefined {
  return BY_NAME.get(name);
}

/** Every system call a group holds, nested groups expanded, in listing order without repeats. */
export function syscallGroupExpand(group: SyscallGroup, into: Set<string> = new Set()): Set<string> {
  for (const entry of group.entries) {
    if (!entry.startsWith('@')) {
      into.add(entry);
      continue;
    }
    const nested = BY_NAME.get(entry);
    // The generator only writes groups systemd lists, so a nested name always resolves.
    if (nested) syscallGroupExpand(nested, into);
  }
  return into;
}
