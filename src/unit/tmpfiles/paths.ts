/**
 * The file-system helpers tmpfiles' lines share: a path's patterns matched against what exists
 * (glob(3) rules: "*" does not match a leading dot), a path resolved below --root (an absolute
 * link inside the image points into the image, not the host), and C's strerror() words for Node's
 * error codes so messages read as systemd-tmpfiles' do.
 */
import { lstatSync, readdirSync, readlinkSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import { fnmatch, stringIsGlob } from '../../shared/glob.js';

const STRERROR: Readonly<Record<string, string>> = {
  ENOENT: 'No such file or directory', ENOTDIR: 'Not a directory', EEXIST: 'File exists', EISDIR: 'Is a directory',
  ENOTEMPTY: 'Directory not empty', EACCES: 'Permission denied', EPERM: 'Operation not permitted', ELOOP: 'Too many levels of symbolic links',
  EROFS: 'Read-only file system', ENOSPC: 'No space left on device', EINVAL: 'Invalid argument', EBUSY: 'Device or resource busy',
};

export const errnoCode = (e: unknown): string => (e as NodeJS.ErrnoException).code ?? 'EIO';
export const strerror = (e: unknown): string => STRERROR[errnoCode(e)] ?? (e as Error).message;

export function lstatOrUndefined(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch {
    return undefined;
  }
}

/** Every existing path the pattern matches, sorted per directory as glob(3) sorts. */
export function expandGlob(pattern: string): string[] {
  if (!stringIsGlob(pattern)) return lstatOrUndefined(pattern) ? [pattern] : [];
  const parts = pattern.split('/').filter((p) => p !== '');
  let found = ['/'];
  for (const part of parts) {
    const next: string[] = [];
    for (const dir of found) {
      if (!stringIsGlob(part)) {
        const p = join(dir, part);
        if (lstatOrUndefined(p)) next.push(p);
        continue;
      }
      let names: string[];
      try {
        names = readdirSync(dir).sort();
      } catch {
        continue;
      }
      for (const n of names) if (fnmatch(part, n, { period: true })) next.push(join(dir, n));
    }
    found = next;
  }
  return found;
}

/**
 * `path` (which starts with `root`) with its symlinks resolved inside the root, as far as it
 * exists; the part that does not exist yet is appended as written.
 */
export function chaseBelowRoot(root: string, path: string): string {
  const rel = path.slice(root.length).split('/').filter((p) => p !== '');
  let done = root;
  for (let i = 0, hops = 0; i < rel.length; i++) {
    const next = join(done, rel[i]!);
    const st = lstatOrUndefined(next);
    if (!st) return join(next, ...rel.slice(i + 1));
    // The path's own last component is the line's object (L, r on a link): not followed.
    if (!st.isSymbolicLink() || i === rel.length - 1 || ++hops > 32) {
      done = next;
      continue;
    }
    const target = readlinkSync(next);
    const rest = rel.slice(i + 1);
    const base = target.startsWith('/') ? root : done;
    const joined = join(base, target);
    // ".." past the root stays at the root, as chroot(2) would have it.
    const inside = joined.startsWith(`${root}/`) ? joined.slice(root.length) : '';
    rel.splice(0, rel.length, ...inside.split('/').filter((p) => p !== ''), ...rest);
    done = root;
    i = -1;
  }
  return done;
}
