/**
 * The file-system helpers tmpfiles' lines share: a path resolved below --root (an absolute link
 * inside the image points into the image, not the host), and a failed call's errno name. Patterns
 * are expanded by the shared expandGlob and errors worded by the shared strerror.
 */
import { lstatSync, readlinkSync, type Stats } from 'node:fs';
import { join } from 'node:path';

export const errnoCode = (e: unknown): string => (e as NodeJS.ErrnoException).code ?? 'EIO';

export function lstatOrUndefined(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch {
    return undefined;
  }
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
