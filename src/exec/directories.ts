/**
 * RuntimeDirectory=, StateDirectory=, CacheDirectory=, LogsDirectory=, ConfigurationDirectory=
 * (systemd.exec(5)): created below /run, /var/lib, /var/cache, /var/log and /etc before the first
 * command runs, with their *Mode= (default 0755), owned by User=/Group= (ConfigurationDirectory=
 * stays root's). RuntimeDirectory= is removed again when the unit stops, unless
 * RuntimeDirectoryPreserve=yes.
 *
 * DynamicUser=: the state, cache and logs directories live below a root-only "private" directory
 * (/var/lib/private/NAME, mode 0700 above it), with /var/lib/NAME a symlink to private/NAME, as
 * systemd 252 arranges them, so that no other user of the host reaches files of a uid that may
 * later be someone else's; the service itself reaches them through its mount namespace
 * (mount-plan.ts).
 */
import { chmodSync, existsSync, lstatSync, mkdirSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { ExecContext } from '../unit/model.js';
import { chownTree } from './chown-tree.js';
import { resolveCredentials } from './exec-context.js';

const ROOTS = [
  ['runtimeDirectory', 'runtimeDirectoryMode', '/run'],
  ['stateDirectory', 'stateDirectoryMode', '/var/lib'],
  ['cacheDirectory', 'cacheDirectoryMode', '/var/cache'],
  ['logsDirectory', 'logsDirectoryMode', '/var/log'],
  ['configurationDirectory', 'configurationDirectoryMode', '/etc'],
] as const;

/** The kinds systemd puts below "private" for a dynamic user (not runtime ones, shared with others; not configuration, not the service's own). */
const PRIVATE_KINDS: ReadonlySet<string> = new Set(['stateDirectory', 'cacheDirectory', 'logsDirectory']);

/** The unit's directories that live below "private" (the places its dynamic uid may already own). */
export function privateDirectories(ctx: ExecContext): { readonly root: string; readonly rel: string }[] {
  if (!ctx.dynamicUser) return [];
  return ROOTS.filter(([list]) => PRIVATE_KINDS.has(list)).flatMap(([list, , root]) => ctx[list].map((rel) => ({ root, rel })));
}

/** Creates the directories; returns an error text (systemd's step 233–241 failures) or undefined. */
export function prepareDirectories(ctx: ExecContext): string | undefined {
  const cred = ctx.user !== undefined || ctx.group !== undefined ? resolveCredentials(ctx.user, ctx.group, []) : undefined;
  if (typeof cred === 'string') return cred;
  for (const [list, modeKey, root] of ROOTS) {
    const isPrivate = ctx.dynamicUser && PRIVATE_KINDS.has(list);
    for (const rel of ctx[list]) {
      const path = join(root, rel);
      try {
        const dir = isPrivate ? privatePath(root, rel) : path;
        mkdirSync(dir, { recursive: true });
        chmodSync(dir, ctx[modeKey] ?? 0o755);
        // The whole tree when its top is not the unit's (systemd's path_chown_recursive); DynamicUser= drops set-uid/set-gid bits.
        if (cred && list !== 'configurationDirectory') chownTree(dir, cred.uid, cred.gid, ctx.dynamicUser ? 0o1777 : 0o7777);
      } catch (e) {
        return `Failed to set up ${list.replace('Directory', '')} directory ${path}: ${(e as Error).message}`;
      }
    }
  }
  return undefined;
}

/**
 * ROOT/private (0700, root's, made once) and ROOT/REL → private/REL; a directory left at ROOT/REL
 * by the unit before it had DynamicUser= is moved there, as systemd migrates it.
 */
function privatePath(root: string, rel: string): string {
  const top = join(root, 'private');
  if (!existsSync(top)) mkdirSync(top, { mode: 0o700 });
  const inside = join(top, rel);
  const path = join(root, rel);
  const old = lstatOrUndefined(path);
  mkdirSync(join(inside, '..'), { recursive: true, mode: 0o755 });
  if (old?.isDirectory() && !existsSync(inside)) renameSync(path, inside);
  else mkdirSync(inside, { recursive: true });
  if (!lstatOrUndefined(path)?.isSymbolicLink()) {
    mkdirSync(join(path, '..'), { recursive: true });
    symlinkSync(relativeLink(rel), path);
  }
  return inside;
}

/** private/REL as seen from ROOT/REL's directory: "private/foo", or "../private/foo/bar" one level down. */
function relativeLink(rel: string): string {
  const depth = rel.split('/').length - 1;
  return `${'../'.repeat(depth)}private/${rel}`;
}

function lstatOrUndefined(path: string) {
  try {
    return lstatSync(path);
  } catch {
    return undefined;
  }
}

export function removeRuntimeDirectories(ctx: ExecContext): void {
  if (ctx.runtimeDirectoryPreserve === 'yes') return;
  for (const rel of ctx.runtimeDirectory) rmSync(join('/run', rel), { recursive: true, force: true });
}
