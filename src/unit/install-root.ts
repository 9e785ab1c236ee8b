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
