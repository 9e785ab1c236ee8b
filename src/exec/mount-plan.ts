/**
 * The file-system view of ProtectSystem=, ProtectHome=, ReadWritePaths=, ReadOnlyPaths=,
 * InaccessiblePaths=, PrivateDevices= … (systemd.exec(5)), as the list of mount entries systemd 252's namespace setup
 * makes of them: sorted parents first, one entry per path (the stronger mode wins: inaccessible,
 * then a private /tmp, read-only, read-write, tmpfs, then the implicit read-write ones) and one for
 * its exec flag (NoExecPaths= before ExecPaths=), nothing
 * kept below an inaccessible path. The native spawner (native/spawn.c) applies it in the
 * process's own mount namespace; read-write entries keep the mounts they had before any of it.
 */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ExecContext } from '../unit/model.js';
import { pathCompare as comparePaths, pathStartsWith } from '../unit/escape.js';
import { privateDirectories } from './directories.js';

/**
 * In the order of priority for one path (systemd 252's MountMode order: the first wins); the
 * numbers are native/spawn.c's. "private-tmp" entries were bound before the plan and are kept.
 */
export const MOUNT_MODES = {
  inaccessible: 0, bind: 6, 'private-tmp': 2, 'private-dev': 7, procfs: 8, 'read-only': 1, 'read-write': 2, 'no-exec': 4, exec: 5,
  tmpfs: 3, mqueue: 9, 'read-write-implicit': 2,
} as const;
export type MountMode = keyof typeof MOUNT_MODES;
const PRIORITY: readonly MountMode[] = Object.keys(MOUNT_MODES) as MountMode[];
/** Added to a mode's number: the path (a bind mount's source) may be missing. */
export const MOUNT_IGNORE_MISSING = 16;
/** Added: a bind mount or tmpfs is read-only. */
const MOUNT_READ_ONLY = 32;
/** Added: a bind mount takes the mounts below its source along (rbind). */
const MOUNT_RECURSIVE = 64;
/** Added: a TemporaryFileSystem='s flags among its options (nodev is its default; "dev" lifts it). */
const TMPFS_FLAGS: Readonly<Record<string, number>> = { nosuid: 128, noexec: 256, dev: 512, suid: 0, exec: 0, nodev: 0, rw: 0 };

export interface MountEntry {
  readonly path: string;
  readonly mode: MountMode;
  readonly ignoreMissing: boolean;
  /** A bind mount's source; a tmpfs's or procfs's mount options. */
  readonly arg?: string;
  readonly readOnly?: boolean;
  readonly recursive?: boolean;
  /** TMPFS_FLAGS of a TemporaryFileSystem=. */
  readonly flags?: number;
}

/** ProtectKernelTunables=: what systemd 252 makes read-only (or hides) of /proc and /sys; each may be missing but /sys. */
const KERNEL_TUNABLES: readonly (readonly [string, MountMode, boolean])[] = [
  ...['/proc/acpi', '/proc/apm', '/proc/asound', '/proc/bus', '/proc/fs', '/proc/irq', '/proc/latency_stats', '/proc/mtrr', '/proc/scsi',
    '/proc/sys', '/proc/sysrq-trigger', '/proc/timer_stats', '/sys/kernel/debug', '/sys/kernel/tracing'].map((p) => [p, 'read-only', true] as const),
  ...['/proc/kallsyms', '/proc/kcore', '/sys/fs/bpf'].map((p) => [p, 'inaccessible', true] as const),
  ['/sys', 'read-only', false],
  // Left as they are: ProtectControlGroups= decides the cgroup tree.
  ['/sys/fs/cgroup', 'read-write-implicit', false], ['/sys/fs/selinux', 'read-write-implicit', true],
];

/** The entries for a unit's exec context; `privateTmp`: /tmp and /var/tmp are the run's own. Empty: no mount namespace needed for these. */
export function mountPlan(ctx: ExecContext, privateTmp: boolean): MountEntry[] {
  const m = ctx.mounts;
  const root = ctx.rootDirectory ?? '';
  const inRoot = (p: string) => (root === '' ? p : join(root, p));
  const entries: MountEntry[] = [];
  const add = (path: string, mode: MountMode, ignoreMissing: boolean, more: Partial<MountEntry> = {}) => entries.push({ path, mode, ignoreMissing, ...more });
  /** A listed path: "-" may be missing, "+" is inside RootDirectory=. */
  const listed = (text: string, mode: MountMode) => {
    const dash = text.startsWith('-');
    const rest = dash ? text.slice(1) : text;
    add(rest.startsWith('+') ? inRoot(rest.slice(1)) : rest, mode, dash);
  };
  for (const p of m.readWritePaths) listed(p, 'read-write');
  for (const p of m.readOnlyPaths) listed(p, 'read-only');
  for (const p of m.inaccessiblePaths) listed(p, 'inaccessible');
  for (const p of m.noExecPaths) listed(p, 'no-exec');
  for (const p of m.execPaths) listed(p, 'exec');
  if (m.protectSystem === 'strict') {
    add(inRoot('/'), 'read-only', false);
    // The API file systems stay writable; so do the unit's own directories (not its configuration).
    for (const p of ['/proc', '/sys', '/dev']) add(inRoot(p), 'read-write-implicit', true);
    for (const [list, base] of [['runtimeDirectory', '/run'], ['stateDirectory', '/var/lib'], ['cacheDirectory', '/var/cache'], ['logsDirectory', '/var/log']] as const) {
      for (const rel of ctx[list]) if (!privateDirectories(ctx).some((p) => p.root === base && p.rel === rel)) add(inRoot(join(base, rel)), 'read-write-implicit', true);
    }
  } else if (m.protectSystem !== 'no') {
    add(inRoot('/usr'), 'read-only', false);
    add(inRoot('/boot'), 'read-only', true);
    add(inRoot('/efi'), 'read-only', true);
    if (m.protectSystem === 'full') add(inRoot('/etc'), 'read-only', false);
  }
  if (m.protectHome !== 'no') {
    const mode: MountMode = m.protectHome === 'yes' ? 'inaccessible' : m.protectHome === 'tmpfs' ? 'tmpfs' : 'read-only';
    for (const p of ['/home', '/run/user', '/root']) add(inRoot(p), mode, true, mode === 'tmpfs' ? { arg: 'mode=0755' } : {});
  }
  // The file-system parts of the kernel protections (their system-call parts are seccomp.ts's).
  if (m.protectKernelTunables) for (const [p, mode, ignore] of KERNEL_TUNABLES) add(inRoot(p), mode, ignore);
  if (ctx.seccomp.protectKernelModules) for (const p of ['/lib/modules', '/usr/lib/modules']) add(inRoot(p), 'inaccessible', true);
  if (ctx.seccomp.protectKernelLogs) for (const p of ['/proc/kmsg', '/dev/kmsg']) add(inRoot(p), 'inaccessible', true);
  if (m.protectControlGroups) add(inRoot('/sys/fs/cgroup'), 'read-only', false);
  if (m.privateDevices) add(inRoot('/dev'), 'private-dev', false);
  // The IPC namespace's own message queues (the namespace itself is native-system.ts's).
  if (m.privateIPC) add(inRoot('/dev/mqueue'), 'mqueue', false);
  // The source is the host's; the destination inside RootDirectory=.
  for (const b of m.bindPaths) add(inRoot(b.destination), 'bind', b.ignoreMissing, { arg: b.source, readOnly: b.readOnly, recursive: b.recursive });
  for (const t of m.temporaryFileSystems) add(inRoot(t.path), 'tmpfs', false, tmpfsOptions(t.options));
  // DynamicUser=: ROOT/private is the host's root-only boundary; inside, a tmpfs anyone may cross,
  // holding only the unit's own directories (bound from the host's), as systemd 252 makes it.
  const privates = privateDirectories(ctx);
  for (const root of new Set(privates.map((p) => p.root))) add(inRoot(join(root, 'private')), 'tmpfs', false, { arg: 'mode=0755' });
  for (const p of privates) add(inRoot(join(p.root, 'private', p.rel)), 'bind', false, { arg: join(p.root, 'private', p.rel), readOnly: false, recursive: true });
  if (m.protectProc !== 'default' || m.procSubset !== 'all') {
    const options = [...(m.protectProc !== 'default' ? [`hidepid=${m.protectProc}`] : []), ...(m.procSubset === 'pid' ? ['subset=pid'] : [])];
    add(inRoot('/proc'), 'procfs', false, { arg: options.join(',') });
  }
  if (entries.length === 0) return [];
  // Already bound by the spawner before the plan: kept as they are.
  if (privateTmp) for (const p of ['/tmp', '/var/tmp']) add(p, 'private-tmp', false);

  entries.sort((a, b) => comparePaths(a.path, b.path) || PRIORITY.indexOf(a.mode) - PRIORITY.indexOf(b.mode));
  const out: MountEntry[] = [];
  let hidden: string | undefined;
  // The exec flag is its own dimension: NoExecPaths= of a read-only path keeps both.
  const execFlag = (e: MountEntry) => e.mode === 'exec' || e.mode === 'no-exec';
  for (const e of entries) {
    if (out.some((o) => comparePaths(o.path, e.path) === 0 && execFlag(o) === execFlag(e))) continue;
    if (hidden !== undefined && pathStartsWith(e.path, hidden)) continue;
    hidden = e.mode === 'inaccessible' ? e.path : undefined;
    out.push(e);
  }
  return out;
}

/** TemporaryFileSystem='s options: the mount flags among them apart, the rest for tmpfs itself. */
function tmpfsOptions(options: string): Partial<MountEntry> {
  const words = options.split(',').filter(Boolean);
  const data = words.filter((w) => w !== 'ro' && TMPFS_FLAGS[w] === undefined);
  return { arg: data.join(','), readOnly: words.includes('ro'), flags: words.reduce((f, w) => f | (TMPFS_FLAGS[w] ?? 0), 0) };
}

/**
 * Settings that change what the service sees beyond confining it (systemd's insist_on_sandboxing):
 * where the container refuses a mount namespace, a unit with these fails (226/NAMESPACE) rather
 * than running without them.
 */
export function mountPlanInsists(ctx: ExecContext): string[] {
  const m = ctx.mounts;
  return [...(m.temporaryFileSystems.length > 0 ? ['TemporaryFileSystem'] : []),
    ...(m.bindPaths.some((b) => !b.readOnly) ? ['BindPaths'] : []), ...(m.bindPaths.some((b) => b.readOnly) ? ['BindReadOnlyPaths'] : [])];
}

/** The directives of these the unit sets (for saying which were not applied). */
export function mountDirectives(ctx: ExecContext): string[] {
  const m = ctx.mounts;
  return [
    ...(m.protectKernelTunables ? ['ProtectKernelTunables'] : []), ...(m.protectControlGroups ? ['ProtectControlGroups'] : []),
    ...(m.protectSystem !== 'no' ? ['ProtectSystem'] : []), ...(m.protectHome !== 'no' ? ['ProtectHome'] : []),
    ...(m.readWritePaths.length > 0 ? ['ReadWritePaths'] : []), ...(m.readOnlyPaths.length > 0 ? ['ReadOnlyPaths'] : []),
    ...(m.inaccessiblePaths.length > 0 ? ['InaccessiblePaths'] : []), ...(m.execPaths.length > 0 ? ['ExecPaths'] : []),
    ...(m.noExecPaths.length > 0 ? ['NoExecPaths'] : []), ...(m.privateDevices ? ['PrivateDevices'] : []),
    ...(m.privateMounts ? ['PrivateMounts'] : []), ...(m.privateIPC ? ['PrivateIPC'] : []),
    ...(m.protectProc !== 'default' ? ['ProtectProc'] : []), ...(m.procSubset !== 'all' ? ['ProcSubset'] : []),
  ];
}

/** The plan as the spawner takes it: paths, mode numbers (plus the flags) and each one's argument. */
export function mountSpec(plan: readonly MountEntry[]): { mountPaths: string[]; mountModes: number[]; mountArgs: string[] } {
  return {
    mountPaths: plan.map((e) => e.path),
    mountModes: plan.map((e) => MOUNT_MODES[e.mode] + (e.ignoreMissing ? MOUNT_IGNORE_MISSING : 0) + (e.readOnly ? MOUNT_READ_ONLY : 0) + (e.recursive ? MOUNT_RECURSIVE : 0) + (e.flags ?? 0)),
    mountArgs: plan.map((e) => e.arg ?? ''),
  };
}

let stage: string | undefined;
/**
 * The empty directory PrivateDevices= builds a unit's /dev in (each process mounts its tmpfs there
 * in its own mount namespace, then moves it over /dev, so one directory serves every unit).
 */
export function devStage(base = '/run/svcd'): string {
  if (stage) return stage;
  const dir = join(base, 'dev-stage');
  mkdirSync(dir, { recursive: true, mode: 0o755 });
  stage = dir;
  return dir;
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
