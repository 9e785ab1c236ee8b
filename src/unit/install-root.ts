/**
 * The installer's view of the files under a root (`systemctl --root=DIR`, or / on the running
 * system): where a unit name is found on the installer's search path, what the config directories'
 * symlinks point to, and directory entries in the order the filesystem gives them. Like systemd's
 * install.c this is its own lookup (not the manager's loader), because enable/disable act on
 * symlinks and must see them as links, masks and aliases rather than as the units they resolve to.
 * It only reads; install.ts makes and removes the links.
 */
import { lstatSync, opendirSync, readlinkSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { instantiate, isInstance, isTemplate, parseUnitName, templateOf } from './name.js';
import { SYSTEM_UNIT_PATH, UNIT_DIRS } from '../shared/lookup-paths.js';

/** The installer's search path (systemd-analyze unit-paths on Debian 12), relative to the root. */
export const INSTALL_SEARCH_PATH = SYSTEM_UNIT_PATH;
export const PERSISTENT = UNIT_DIRS.persistentConfig;
export const RUNTIME = UNIT_DIRS.runtimeConfig;
export const TRANSIENT = UNIT_DIRS.transient;

/** What a name is on the installer's search path. */
export type Found =
  | { kind: 'missing' }
  | { kind: 'masked'; linkPath: string; dir: string }
  | { kind: 'file'; unitName: string; path: string; dir: string; viaAlias: boolean; linked: boolean; linkDir?: string };

/**
 * Why a name's unit file cannot be looked up although an entry of that name is on the search path
 * (systemd's install_info_discover failing): list-unit-files shows such a file as `bad`, and
 * is-enabled and GetUnitFileState answer the errno instead of a state.
 */
export type LookupErrno = 'ENOENT' | 'EISDIR' | 'ELOOP' | 'ENOLINK';

/** How many alias links a lookup follows before it gives up, as systemd's UNIT_FILE_FOLLOW_SYMLINK_MAX. */
const FOLLOW_MAX = 64;
const CONFIG_DIRS: readonly string[] = [PERSISTENT, RUNTIME];

/** A symlink in a config directory, and where it points (root-relative). */
export interface ConfigLink {
  readonly path: string;
  readonly target: string;
}

export class InstallRoot {
  constructor(readonly root: string) {}

  /** The real path of a root-relative one. */
  abs(p: string): string {
    return this.root ? join(this.root, p) : p;
  }
  /** A root-relative path as the user sees it in messages (under --root when there is one). */
  show(p: string): string {
    return this.abs(p);
  }

  /** A link's target, resolved with absolute targets inside the root. Returns a root-relative path. */
  linkTarget(relPath: string): string | undefined {
    try {
      const t = readlinkSync(this.abs(relPath));
      return t.startsWith('/') ? t : resolve(dirname(relPath), t);
    } catch {
      return undefined;
    }
  }
  rawLinkTarget(relPath: string): string | undefined {
    try {
      return readlinkSync(this.abs(relPath));
    } catch {
      return undefined;
    }
  }
  lstat(relPath: string) {
    try {
      return lstatSync(this.abs(relPath));
    } catch {
      return undefined;
    }
  }

  /** Find `name` (following alias links by name, and instance → template). */
  find(name: string, depth = 0): Found {
    for (const dir of INSTALL_SEARCH_PATH) {
      const rel = join(dir, name);
      const st = this.lstat(rel);
      if (!st) continue;
      if (st.isSymbolicLink()) {
        const target = this.linkTarget(rel)!;
        if (target === '/dev/null') return { kind: 'masked', linkPath: rel, dir };
        const targetName = basename(target);
        if (targetName !== name && depth < 16) {
          const r = this.find(targetName, depth + 1);
          if (r.kind !== 'file') return r;
          // An instance reached through a template alias (u@x → u@ → t@) is the instance t@x.
          const p = parseUnitName(name);
          const q = parseUnitName(r.unitName);
          if (p && q && isInstance(p) && isTemplate(q)) return { ...r, unitName: instantiate(r.unitName, p.instance!), viaAlias: false };
          return { ...r, viaAlias: true };
        }
        const inSearchPath = INSTALL_SEARCH_PATH.includes(dirname(target));
        const tst = this.lstat(target);
        if (!tst) continue;
        if (tst.size === 0 && !tst.isSymbolicLink()) return { kind: 'masked', linkPath: target, dir };
        return { kind: 'file', unitName: name, path: target, dir, viaAlias: false, linked: !inSearchPath, linkDir: dir };
      }
      if (!st.isFile()) continue;
      if (st.size === 0) return { kind: 'masked', linkPath: rel, dir };
      return { kind: 'file', unitName: name, path: rel, dir, viaAlias: false, linked: false };
    }
    const t = templateOf(name);
    if (t) {
      const r = this.find(t, depth + 1);
      if (r.kind === 'file') {
        const q = parseUnitName(r.unitName);
        const inst = parseUnitName(name)!.instance!;
        return { ...r, unitName: q && isTemplate(q) ? instantiate(r.unitName, inst) : name, viaAlias: false };
      }
      return r;
    }
    return { kind: 'missing' };
  }

  /**
   * Why looking `name` up fails, or undefined when it does not (or when nothing has that name: then
   * it is missing, not bad). systemd 252 judges, at the first entry of that name on the search path:
   * a link to a name of its own in a config dir (/etc, /run) that points back into the search path
   * is a loop (ELOOP: the link is not a `linked` unit, systemd takes it for one to itself); a link
   * out of the search path whose file is gone is ENOENT, one to a directory EISDIR, whatever its
   * name; an alias within the search path is judged by the name it points to, ENOLINK when nothing
   * has that name, ELOOP when aliases go round.
   */
  lookupError(name: string, depth = 0): LookupErrno | undefined {
    for (const dir of INSTALL_SEARCH_PATH) {
      const rel = join(dir, name);
      const st = this.lstat(rel);
      if (!st?.isSymbolicLink()) {
        if (st) return undefined;
        continue;
      }
      const target = this.linkTarget(rel)!;
      if (target === '/dev/null') return undefined;
      const targetName = basename(target);
      const intoSearchPath = INSTALL_SEARCH_PATH.includes(dirname(target));
      if (targetName !== name && intoSearchPath) {
        if (depth >= FOLLOW_MAX) return 'ELOOP';
        if (this.find(targetName).kind === 'missing' && this.lookupError(targetName, depth + 1) === undefined) return 'ENOLINK';
        return this.lookupError(targetName, depth + 1);
      }
      if (targetName === name && intoSearchPath && CONFIG_DIRS.includes(dir)) return 'ELOOP';
      // The file the link leads to, its own links followed inside the root.
      let file = target;
      for (let hops = 0; this.lstat(file)?.isSymbolicLink(); hops++) {
        if (hops >= FOLLOW_MAX) return 'ELOOP';
        file = this.linkTarget(file)!;
      }
      const resolved = this.lstat(file);
      if (!resolved) return 'ENOENT';
      return resolved.isDirectory() ? 'EISDIR' : undefined;
    }
    return undefined;
  }

  /** Symlinks directly in a config dir and in its *.wants/, *.requires/, *.upholds/ subdirs, in readdir order. */
  configLinks(dir: string): ConfigLink[] {
    const out: ConfigLink[] = [];
    for (const e of this.readdirOrdered(dir)) {
      const rel = join(dir, e);
      const st = this.lstat(rel);
      if (!st) continue;
      if (st.isSymbolicLink()) {
        out.push({ path: rel, target: this.linkTarget(rel)! });
      } else if (st.isDirectory() && /\.(wants|requires|upholds)$/.test(e)) {
        for (const s of this.readdirOrdered(rel)) {
          const r = join(rel, s);
          if (this.lstat(r)?.isSymbolicLink()) out.push({ path: r, target: this.linkTarget(r)! });
        }
      }
    }
    return out;
  }

  /** Directory entries in the order the filesystem returns them (systemctl walks them so). */
  readdirOrdered(dir: string): string[] {
    const names: string[] = [];
    let d;
    try {
      d = opendirSync(this.abs(dir));
    } catch {
      return names;
    }
    try {
      for (let e = d.readSync(); e; e = d.readSync()) names.push(e.name);
    } finally {
      d.closeSync();
    }
    return names;
  }
}

/** Byte order of two names (strcmp), as systemctl sorts them: the shared strcmp, under the install modules' name for it. */
export { strcmp as cmp } from '../shared/strcmp.js';
