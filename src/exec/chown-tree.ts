/**
 * The ownership of a unit's RuntimeDirectory=, StateDirectory=, CacheDirectory=, LogsDirectory=
 * as systemd 252 sets it (path_chown_recursive(), systemd.exec(5)): when the directory's owner, group
 * or mode bits outside `mask` differ from what the unit needs, everything below it is changed too
 * (a rerun under another uid, a dynamic uid that changed, files a previous User= left); when the
 * top is right, the tree is assumed right and not walked, which keeps a large state directory cheap.
 * Symbolic links are changed themselves and never followed, so a link in the tree cannot hand the
 * service a file elsewhere. `mask` 0o1777 (DynamicUser=) drops set-uid and set-gid bits: such a
 * file must not carry a uid that may later be someone else's. Every file walked loses its POSIX ACLs
 * (access and default), as systemd's chown_one() drops them: an entry naming a uid or gid would
 * still grant access the new owner does not know about (where the file system has no ACLs, nothing
 * is there to drop).
 */
import { chmodSync, lchownSync, lstatSync, readdirSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import { lremovexattr } from './native.js';
import { ACL_XATTR } from '../unit/tmpfiles/acl.js';

export function chownTree(path: string, uid: number, gid: number, mask: number): void {
  const st = lstatSync(path);
  if (st.uid === uid && st.gid === gid && (st.mode & ~mask & 0o7777) === 0) return;
  chownBelow(path, st, uid, gid, mask);
}

/** Children first, the directory last: as systemd, so a failure part way leaves the top wrong and the next start walks again. */
function chownBelow(path: string, st: Stats, uid: number, gid: number, mask: number): void {
  if (st.isDirectory()) {
    for (const name of readdirSync(path)) {
      const child = join(path, name);
      chownBelow(child, lstatSync(child), uid, gid, mask);
    }
  }
  const owned = st.uid === uid && st.gid === gid;
  // A symbolic link has no ACLs of its own (its xattrs in the system namespace are refused).
  if (!st.isSymbolicLink()) for (const name of Object.values(ACL_XATTR)) lremovexattr(path, name);
  if (!owned) lchownSync(path, uid, gid);
  if (st.isSymbolicLink()) return;
  // chown() clears a file's set-uid/set-gid bits: the mode is set again after it, less what `mask` drops.
  const mode = st.mode & 0o7777;
  if ((mode & mask) !== mode || (!owned && (mode & 0o6000) !== 0)) chmodSync(path, mode & mask);
}
