/**
 * --clean: the Age field, as systemd-tmpfiles 252 ages things out (clean_item_instance() and
 * dir_cleanup()). A `d D v q Q C` line's directory (every match of an `e X` line's pattern) is
 * walked: what is older than the age by every timestamp the line's age-by letters name (files by
 * default atime, btime, ctime and mtime; directories atime, btime and mtime) goes — directories
 * once emptied, below them first. Kept: paths other lines name (they have ages of their own),
 * other file systems, files with the sticky bit, device nodes, live sockets, the first level under
 * `~`, and at a mount point root's lost+found, .journal and quota files. A directory whose entries
 * were removed gets its own atime and mtime back.
 */
import { lstatSync, readdirSync, readFileSync, rmdirSync, unlinkSync, utimesSync, type BigIntStats } from 'node:fs';
import { join } from 'node:path';
import type { Item, Report } from './parse.js';
import { expandGlob } from '../../shared/glob.js';
import { strerror } from '../../shared/strerror.js';

/** systemd's MAX_DEPTH for the walk. */
const MAX_DEPTH = 256;
const DEFAULT_FILE = 'abcm';
const DEFAULT_DIR = 'ABM';

export interface CleanContext {
  readonly report: Report;
  /** A line of its own names this path (or a pattern of one matches it): not this line's to clean. */
  readonly configured: (path: string) => boolean;
  /** CLOCK_REALTIME in ns. */
  readonly now: () => bigint;
}

/** The timestamps that decide, for files and for directories (parse_age_by_from_arg()). */
function ageBy(by: string): { readonly file: string; readonly dir: string } {
  const file = [...by].filter((c) => c >= 'a').join('');
  const dir = [...by].filter((c) => c < 'a').join('').toLowerCase();
  return { file: file || DEFAULT_FILE, dir: (dir || DEFAULT_DIR).toLowerCase() };
}

/** needs_cleanup(): old by every timestamp asked about (one the kernel does not keep is 0, old). */
function old(st: BigIntStats, by: string, cutoff: bigint): boolean {
  const times: Readonly<Record<string, bigint>> = { a: st.atimeNs, b: st.birthtimeNs, c: st.ctimeNs, m: st.mtimeNs };
  return [...by].every((c) => !(times[c]! >= cutoff));
}

let liveSockets: Set<string> | undefined;
/** The socket paths /proc/net/unix lists (unix_socket_alive()). */
function socketAlive(path: string): boolean {
  if (!liveSockets) {
    liveSockets = new Set();
    try {
      for (const line of readFileSync('/proc/net/unix', 'utf8').split('\n').slice(1)) {
        const p = line.trim().split(/\s+/)[7];
        if (p?.startsWith('/')) liveSockets.add(p);
      }
    } catch {
      // no /proc: nothing counts as alive
    }
  }
  return liveSockets.has(path);
}

interface Walk {
  readonly cutoff: bigint;
  readonly dev: bigint;
  readonly file: string;
  readonly dir: string;
  readonly ctx: CleanContext;
}

function lstat(path: string): BigIntStats | undefined {
  try {
    return lstatSync(path, { bigint: true });
  } catch {
    return undefined;
  }
}

/** dir_cleanup() of one directory; `self`: its timestamps before the walk read it. */
function dirCleanup(p: string, self: BigIntStats, w: Walk, mountpoint: boolean, depth: number, keepThisLevel: boolean): void {
  let names: string[];
  try {
    names = readdirSync(p);
  } catch (e) {
    w.ctx.report('warning', `Opening directory "${p}" failed, ignoring: ${strerror(e)}`);
    return;
  }
  let deleted = false;
  for (const name of names) {
    const sub = join(p, name);
    const st = lstat(sub);
    if (!st) continue;
    if (st.dev !== w.dev) continue;
    if (w.ctx.configured(sub)) continue;
    if (st.isDirectory()) {
      if (mountpoint && name === 'lost+found' && st.uid === 0n) continue;
      if (depth <= 0) w.ctx.report('warning', `Reached max depth on "${sub}".`);
      else dirCleanup(sub, st, w, false, depth - 1, false);
      if (keepThisLevel || !old(st, w.dir, w.cutoff)) continue;
      try {
        rmdirSync(sub);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code !== 'ENOENT' && code !== 'ENOTEMPTY') w.ctx.report('warning', `Failed to remove directory "${sub}", ignoring: ${strerror(e)}`);
      }
      continue;
    }
    // The sticky bit keeps a file (systemd's own meaning, from the XDG runtime directory rules).
    if (st.mode & 0o1000n) continue;
    if (mountpoint && st.isFile() && st.uid === 0n && ['.journal', 'aquota.user', 'aquota.group'].includes(name)) continue;
    if (st.isSocket() && socketAlive(sub)) continue;
    if (st.isCharacterDevice() || st.isBlockDevice()) continue;
    if (keepThisLevel || !old(st, w.file, w.cutoff)) continue;
    try {
      unlinkSync(sub);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') w.ctx.report('warning', `Failed to remove "${sub}", ignoring: ${strerror(e)}`);
    }
    deleted = true;
  }
  if (deleted) {
    const sec = (ns: bigint): number => Number(ns) / 1e9;
    try {
      utimesSync(p, sec(self.atimeNs), sec(self.mtimeNs));
    } catch (e) {
      w.ctx.report('warning', `Failed to revert timestamps of '${p}', ignoring: ${strerror(e)}`);
    }
  }
}

/** clean_item_instance(): one directory, by the line's age. */
function cleanInstance(item: Item, path: string, ctx: CleanContext): void {
  const age = item.age;
  if (!age) return;
  const now = ctx.now();
  const ageNs = BigInt(age.usec) * 1000n;
  if (now < ageNs) return;
  const self = lstat(path);
  if (!self?.isDirectory()) return;
  const parent = lstat(join(path, '..'));
  const mountpoint = parent !== undefined && parent.dev !== self.dev;
  const by = ageBy(age.by);
  dirCleanup(path, self, { cutoff: now - ageNs, dev: self.dev, file: by.file, dir: by.dir, ctx }, mountpoint, MAX_DEPTH, age.keepFirstLevel);
}

/** clean_item(): which lines clean, and where. */
export function cleanItem(item: Item, path: string, ctx: CleanContext): void {
  switch (item.type) {
    case 'd':
    case 'D':
    case 'v':
    case 'q':
    case 'Q':
    case 'C':
      cleanInstance(item, path, ctx);
      return;
    case 'e':
    case 'X':
      for (const p of expandGlob(item.path)) cleanInstance(item, p, ctx);
      return;
    default:
      return;
  }
}
