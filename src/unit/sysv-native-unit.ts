/**
 * Whether a name has a unit file of its own (systemd's unit_file_exists), the question that decides
 * whether the SysV generator wraps a script and whether systemctl redirects enable/disable to
 * update-rc.d. Both ask it, so it is one function apart from either; it reads the unit search
 * path (without the generators' directories) and never writes.
 */
import { lstatSync, readlinkSync, statSync, type Stats } from 'node:fs';
import { basename, dirname, isAbsolute, join } from 'node:path';
import { parseUnitName, templateOf, unitNameReplaceInstance } from './name.js';
import { chase, isValidAlias } from './unit-file-map.js';
import { GENERATOR_UNIT_DIRS, SYSTEM_UNIT_PATH, UNIT_DIRS } from '../shared/lookup-paths.js';

/**
 * The unit search path of the native-unit check: systemd 252's system path without the generator
 * directories (a generated unit must not hide a script), the control, transient and attached
 * directories included.
 */
export const SYSV_LOOKUP_PATH: readonly string[] = SYSTEM_UNIT_PATH.filter((d) => !GENERATOR_UNIT_DIRS.includes(d));
/** Symlinks here are configuration, never followed when asking whether a unit exists. */
const CONFIG_DIRS = [UNIT_DIRS.persistentConfig, UNIT_DIRS.runtimeConfig];

/** A path's entry, or the errno that lstat() gave. */
export function lstatOrErrno(path: string): Stats | string {
  try {
    return lstatSync(path);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code ?? 'EIO';
  }
}

/**
 * Whether `name` has a unit file that is not generated, as unit_file_exists() decides: true also
 * when that cannot be told (a masked name, a symlink in /etc/systemd/system, an alias to nothing),
 * because only a plain "not found" lets systemd wrap the script.
 */
export function nativeUnitExists(name: string, searchPath: readonly string[], root = ''): boolean {
  const configDirs = CONFIG_DIRS.map((d) => join(root || '/', d));
  const prefixes = searchPath.map((d) => d.replace(/\/*$/, '/'));
  const inSearchPath = (p: string) => prefixes.some((d) => p.startsWith(d));
  const parts = parseUnitName(name);
  if (!parts) return true;
  if (parts.instance !== null && !['service', 'socket', 'target', 'timer', 'path'].includes(parts.type)) return true;

  /** unit_file_search(): the first directory with an entry for the name, then for its template. */
  const search = (n: string): string | undefined => {
    const candidates = [n];
    const t = templateOf(n);
    if (t && t !== n) candidates.push(t);
    for (const c of candidates) {
      for (const dir of searchPath) {
        const st = lstatOrErrno(join(dir, c));
        if (typeof st !== 'string') return join(dir, c);
        if (!['ENOENT', 'ENOTDIR', 'EACCES'].includes(st)) return join(dir, c);
      }
    }
    return undefined;
  };

  /** The entry at `path`, reached for `n`; false only where systemd's traversal ends in ENOENT. */
  const follow = (path: string, n: string, hops: number): boolean => {
    const st = lstatOrErrno(path);
    if (typeof st === 'string') return st !== 'ENOENT';
    if (!st.isSymbolicLink()) return true;
    if (hops > 64) return true;
    let link: string;
    try {
      link = readlinkSync(path);
    } catch {
      return true;
    }
    const target = chase(isAbsolute(link) ? join(root || '/', link) : join(dirname(path), link), root, false);
    if (target === undefined) return true;
    const alias = inSearchPath(target);
    if (alias && !isValidAlias(basename(path), basename(target))) return true;
    try {
      const t = statSync(target);
      if ((t.isFile() && t.size === 0) || t.isCharacterDevice() || t.isBlockDevice()) return true; // masked
    } catch {
      // a missing target is looked at below
    }
    if (configDirs.includes(dirname(path))) return true;
    let bn = basename(target);
    if (!alias || bn === n) return follow(target, n, hops + 1);
    const src = parseUnitName(n);
    const dst = parseUnitName(bn);
    if (src && dst && src.instance && dst.instance === '') {
      const filled = unitNameReplaceInstance(bn, src.instance);
      if (filled === n) return follow(target, n, hops + 1);
      if (filled) bn = filled;
    }
    const next = search(bn);
    return next === undefined ? true : follow(next, bn, hops + 1);
  };

  const found = search(name);
  return found !== undefined && follow(found, name, 0);
}
