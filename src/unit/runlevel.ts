/**
 * SysV runlevels and the targets systemd maps them to (runlevel(8)'s table): one table for the
 * upstart generator's `runlevel` events, `runlevel`, `telinit` and the RUNLEVEL= a job is given.
 */

export type Runlevel = '0' | '1' | '2' | '3' | '4' | '5' | '6';

/** runlevelN.target's real name: what it is an alias of in systemd's (and svcd's) units. */
export const RUNLEVEL_TARGETS: Readonly<Record<Runlevel, string>> = {
  '0': 'poweroff.target',
  '1': 'rescue.target',
  '2': 'multi-user.target',
  '3': 'multi-user.target',
  '4': 'multi-user.target',
  '5': 'graphical.target',
  '6': 'reboot.target',
};

export const RUNLEVELS = Object.keys(RUNLEVEL_TARGETS) as Runlevel[];

/**
 * The runlevel a running system is at, by which target is active, as systemd-update-utmp
 * decides it: graphical 5, else multi-user 3, else rescue 1 (the highest first).
 */
export const RUNLEVEL_BY_ACTIVE_TARGET: readonly (readonly [target: string, level: Runlevel])[] = [
  ['graphical.target', '5'],
  ['multi-user.target', '3'],
  ['rescue.target', '1'],
];

/** A runlevel as telinit(8) and upstart's events write it: 0-6, S or s (single user, runlevel 1). */
export function parseRunlevel(word: string): Runlevel | undefined {
  if (word === 'S' || word === 's') return '1';
  return (RUNLEVELS as string[]).includes(word) ? (word as Runlevel) : undefined;
}

/** The single-character requests telinit takes besides the runlevels: reload (q) and re-execute (u). */
const TELINIT_LETTERS = new Set(['q', 'Q', 'u', 'U']);

/** Whether `args` is one telinit request (`init 3`, `init q`): what svcd, called as `init`, hands to telinit. */
export function isTelinitRequest(args: readonly string[]): boolean {
  const rest = args.filter((a) => a !== '--no-wall');
  return rest.length === 1 && (TELINIT_LETTERS.has(rest[0]!) || parseRunlevel(rest[0]!) !== undefined);
}
