/**
 * tmpfiles' `t T a A` at --create, as systemd-tmpfiles 252 applies them: extended attributes set on
 * each match of the path (T: and on everything below it, links included, as systemd opens them
 * O_PATH); ACLs — the access ACL, then the default ACL on directories only — replacing the file's
 * (a) or merged into it (a+), with base entries from the file's mode where the line has none; links
 * are skipped. The xattr system calls are the caller's (Node has none).
 */
import { Buffer } from 'node:buffer';
import type { Result } from '../../shared/result.js';
import { aclFromMode, aclFromXattr, aclToText, aclToXattr, ACL_XATTR, mergeAcl, withBaseEntries, withMaskIfNeeded, type Acl } from './acl.js';
import type { Item, Report } from './parse.js';
import { expandGlob } from '../../shared/glob.js';
import { lstatOrUndefined } from './paths.js';

/** lgetxattr/lsetxattr: an error is C's strerror() text. */
export interface XattrCalls {
  getxattr(path: string, name: string): Result<Buffer | undefined, string>;
  setxattr(path: string, name: string, value: Buffer): Result<void, string>;
}

/** The path and, for the recursive types, everything below it. */
function targets(item: Item, recursive: boolean, below: (path: string) => string[]): string[] {
  return expandGlob(item.path).flatMap((p) => (recursive ? [p, ...below(p)] : [p]));
}

/** t T. false: one failed. */
export function setXattrs(item: Item, calls: XattrCalls, report: Report, below: (path: string) => string[]): boolean {
  let done = true;
  for (const path of targets(item, item.type === 'T', below)) {
    for (const [name, value] of item.xattrs ?? []) {
      report('debug', `Setting extended attribute '${name}=${value}' on ${path}.`);
      const r = calls.setxattr(path, name, Buffer.from(value));
      if (!r.ok) {
        report('err', `Setting extended attribute ${name}=${value} on ${path} failed: ${r.error}`);
        done = false;
      }
    }
  }
  return done;
}

/** The ACL the file has of one kind: the access ACL its mode stands for when it has none. */
function currentAcl(path: string, kind: keyof typeof ACL_XATTR, mode: number, calls: XattrCalls): Result<Acl, string> {
  const r = calls.getxattr(path, ACL_XATTR[kind]);
  if (!r.ok) return r;
  const acl = r.value && aclFromXattr(r.value);
  return { ok: true, value: acl ?? (kind === 'access' ? aclFromMode(mode) : []) };
}

/** path_set_acl(): one kind of ACL onto one file. */
function setAcl(path: string, kind: keyof typeof ACL_XATTR, line: Acl, merge: boolean, calls: XattrCalls, report: Report): boolean {
  const st = lstatOrUndefined(path);
  if (!st) return true;
  let acl = line;
  if (merge) {
    const old = currentAcl(path, kind, st.mode, calls);
    if (!old.ok) {
      report('err', `ACL operation on "${path}" failed: ${old.error}`);
      return false;
    }
    acl = withMaskIfNeeded(mergeAcl(old.value, line));
  }
  acl = withBaseEntries(acl, st.mode);
  const text = aclToText(acl);
  report('debug', `Setting ${kind} ACL ${text} on ${path}.`);
  const r = calls.setxattr(path, ACL_XATTR[kind], aclToXattr(acl));
  if (!r.ok) {
    report('err', `Setting ${kind} ACL "${text}" on ${path} failed: ${r.error}`);
    return false;
  }
  return true;
}

/** a A. false: one failed. */
export function setAcls(item: Item, calls: XattrCalls, report: Report, below: (path: string) => string[]): boolean {
  const acls = item.acls;
  if (!acls) return true;
  let done = true;
  for (const path of targets(item, item.type === 'A', below)) {
    const st = lstatOrUndefined(path);
    if (!st) continue;
    if (st.isSymbolicLink()) {
      report('debug', `Skipping ACL fix for symlink ${path}.`);
      continue;
    }
    let ok = acls.access ? setAcl(path, 'access', acls.access, item.force, calls, report) : true;
    if (ok && acls.default && st.isDirectory()) ok = setAcl(path, 'default', acls.default, item.force, calls, report);
    if (!ok) done = false;
  }
  return done;
}
