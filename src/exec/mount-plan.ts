/**
 * The file-system view of ProtectSystem=, ProtectHome=, ReadWritePaths=, ReadOnlyPaths= and
 * InaccessiblePaths= (systemd.exec(5)), as the list of mount entries systemd 252's namespace setup
 * makes of them: sorted parents first, one entry per path (the stronger mode wins: inaccessible,
 * then a private /tmp, read-only, read-write, tmpfs, then the implicit read-write ones), nothing
 * kept below an inaccessible path. The native spawner (native/spawn.c) applies it in the
 * process's own mount namespace; read-write entries keep the mounts they had before any of it.
 */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ExecContext } from '../unit/model.js';
import { pathStartsWith } from '../unit/escape.js';

/** In the order of priority for one path; the numbers are native/spawn.c's. */
export const MOUNT_MODES = { inaccessible: 0, 'private-tmp': 2, 'read-only': 1, 'read-write': 2, tmpfs: 3, 'read-write-implicit': 2 } as const;
export type MountMode = keyof typeof MOUNT_MODES;
const PRIORITY: readonly MountMode[] = Object.keys(MOUNT_MODES) as MountMode[];
/** Added to a mode's number: the path may be missing. */
export const MOUNT_IGNORE_MISSING = 8;

export interface MountEntry {
  readonly path: string;
  readonly mode: MountMode;
  readonly ignoreMissing: boolean;
}

/** Component by component, as systemd's path_compare(): a parent sorts right before its children. */
function comparePaths(a: string, b: string): number {
  const x = a.split('/').filter(Boolean), y = b.split('/').filter(Boolean);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! < y[i]! ? -1 : 1;
  return x.length - y.length;
}

/** The entries for a unit's exec context; `privateTmp`: /tmp and /var/tmp are the run's own. Empty: no mount namespace needed for these. */
export function mountPlan(ctx: ExecContext, privateTmp: boolean): MountEntry[] {
  const m = ctx.mounts;
  const root = ctx.rootDirectory ?? '';
  const inRoot = (p: string) => (root === '' ? p : join(root, p));
  const entries: MountEntry[] = [];
  const add = (path: string, mode: MountMode, ignoreMissing: boolean) => entries.push({ path, mode, ignoreMissing });
  /** A listed path: "-" may be missing, "+" is inside RootDirectory=. */
  const listed = (text: string, mode: MountMode) => {
    const dash = text.startsWith('-');
    const rest = dash ? text.slice(1) : text;
    add(rest.startsWith('+') ? inRoot(rest.slice(1)) : rest, mode, dash);
  };
  for (const p of m.readWritePaths) listed(p, 'read-write');
  for (const p of m.readOnlyPaths) listed(p, 'read-only');
  for (const p of m.inaccessiblePaths) listed(p, 'inaccessible');
  if (m.protectSystem === 'strict') {
    add(inRoot('/'), 'read-only', false);
    // The API file systems stay writable; so do the unit's own directories (not its configuration).
    for (const p of ['/proc', '/sys', '/dev']) add(inRoot(p), 'read-write-implicit', true);
    for (const [list, base] of [['runtimeDirectory', '/run'], ['stateDirectory', '/var/lib'], ['cacheDirectory', '/var/cache'], ['logsDirectory', '/var/log']] as const) {
      for (const rel of ctx[list]) add(inRoot(join(base, rel)), 'read-write-implicit', true);
    }
  } else if (m.protectSystem !== 'no') {
    add(inRoot('/usr'), 'read-only', false);
    add(inRoot('/boot'), 'read-only', true);
    add(inRoot('/efi'), 'read-only', true);
    if (m.protectSystem === 'full') add(inRoot('/etc'), 'read-only', false);
  }
  if (m.protectHome !== 'no') {
    const mode: MountMode = m.protectHome === 'yes' ? 'inaccessible' : m.protectHome === 'tmpfs' ? 'tmpfs' : 'read-only';
    for (const p of ['/home', '/run/user', '/root']) add(inRoot(p), mode, true);
  }
  if (entries.length === 0) return [];
  // Already bound by the spawner before the plan: kept as they are.
  if (privateTmp) for (const p of ['/tmp', '/var/tmp']) add(p, 'private-tmp', false);

  entries.sort((a, b) => comparePaths(a.path, b.path) || PRIORITY.indexOf(a.mode) - PRIORITY.indexOf(b.mode));
  const out: MountEntry[] = [];
  let hidden: string | undefined;
  for (const e of entries) {
    const last = out[out.length - 1];
    if (last && comparePaths(last.path, e.path) === 0) continue;
    if (hidden !== undefined && pathStartsWith(e.path, hidden)) continue;
    hidden = e.mode === 'inaccessible' ? e.path : undefined;
    out.push(e);
  }
  return out;
}

/** The directives of these the unit sets (for saying which were not applied). */
export function mountDirectives(ctx: ExecContext): string[] {
  const m = ctx.mounts;
  return [
    ...(m.protectSystem !== 'no' ? ['ProtectSystem'] : []), ...(m.protectHome !== 'no' ? ['ProtectHome'] : []),
    ...(m.readWritePaths.length > 0 ? ['ReadWritePaths'] : []), ...(m.readOnlyPaths.length > 0 ? ['ReadOnlyPaths'] : []),
    ...(m.inaccessiblePaths.length > 0 ? ['InaccessiblePaths'] : []),
  ];
}

/** The plan as the spawner takes it: paths, and mode numbers (plus MOUNT_IGNORE_MISSING). */
export function mountSpec(plan: readonly MountEntry[]): { mountPaths: string[]; mountModes: number[] } {
  return {
    mountPaths: plan.map((e) => e.path),
    mountModes: plan.map((e) => MOUNT_MODES[e.mode] + (e.ignoreMissing ? MOUNT_IGNORE_MISSING : 0)),
  };
}

let nodes: string | undefined;
/**
 * What an inaccessible path is covered with (a directory and a regular file, both mode 0000, as
 * systemd's /run/systemd/inaccessible/), made once: outside /tmp, which PrivateTmp= replaces.
 */
export function inaccessibleNodes(base = '/run/svcd'): string {
  if (nodes) return nodes;
  const dir = join(base, 'inaccessible');
  mkdirSync(join(dir, 'dir'), { recursive: true });
  writeFileSync(join(dir, 'reg'), '');
  chmodSync(join(dir, 'dir'), 0);
  chmodSync(join(dir, 'reg'), 0);
  nodes = dir;
  return dir;
}
