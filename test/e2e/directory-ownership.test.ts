// StateDirectory= and its kind owned as systemd.exec(5) says: when the directory's owner is not the
// unit's user, everything below it changes owner too (files a previous user left), symbolic links
// themselves and never what they point to; when the top is already the user's, the tree is left as
// it is. Under DynamicUser= the set-uid and set-gid bits go as well. Every file whose owner
// changes loses its POSIX ACLs (access and default), as systemd's chown_one() drops them — checked
// where /var/lib keeps ACLs; they are written as setfacl writes them (the kernel's xattr form).
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, lstatSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { bootInNamespace, type SvcdInNamespace } from '../support/svcd-ns.js';
import { lgetxattr, lsetxattr } from '../../src/exec/native.js';
import { ACL_TAG, ACL_XATTR, aclToXattr } from '../../src/unit/tmpfiles/acl.js';
import { buildTree } from '../support/tree.mjs';

const dir = mkdtempSync(join(tmpdir(), 'svcd-dir-owner-'));
const STATIC = '/var/lib/svcd-own-static';
const DYN = '/var/lib/private/svcd-own-dyn';
const ACLS = '/var/lib/private/svcd-own-acl';
const TARGET = join(dir, 'outside');
const clean = () => spawnSync('rm', ['-rf', STATIC, DYN, '/var/lib/svcd-own-dyn', ACLS, '/var/lib/svcd-own-acl']);
let svcd: SvcdInNamespace;
let aclsKept = false;

/** A tree as a previous user left it, root's throughout: a subdirectory, a set-uid file, a link out of it. */
function leaveTree(top: string): void {
  mkdirSync(join(top, 'sub'), { recursive: true });
  writeFileSync(join(top, 'sub/tool'), '');
  chmodSync(join(top, 'sub/tool'), 0o4755);
  symlinkSync(TARGET, join(top, 'link'));
}
const owners = (top: string) => Object.fromEntries(['.', 'sub', 'sub/tool', 'link'].map((p) => [p, lstatSync(join(top, p)).uid]));
const unit = (more: string) => `[Service]\nType=oneshot\nRemainAfterExit=yes\nExecStart=/bin/true\n${more}`;

beforeAll(async () => {
  clean();
  writeFileSync(TARGET, '');
  leaveTree(STATIC);
  mkdirSync('/var/lib/private', { recursive: true, mode: 0o700 });
  leaveTree(DYN);
  leaveTree(ACLS);
  // As `setfacl -m u:nobody:rwx` and `setfacl -d -m g:nogroup:rx` leave them: a named entry and a mask.
  const acl = aclToXattr([
    { tag: ACL_TAG.userObj, perm: 7 }, { tag: ACL_TAG.user, perm: 7, id: 65534 }, { tag: ACL_TAG.groupObj, perm: 5 },
    { tag: ACL_TAG.mask, perm: 7 }, { tag: ACL_TAG.other, perm: 5 },
  ]);
  const dflt = aclToXattr([
    { tag: ACL_TAG.userObj, perm: 7 }, { tag: ACL_TAG.groupObj, perm: 5 }, { tag: ACL_TAG.group, perm: 5, id: 65534 },
    { tag: ACL_TAG.mask, perm: 5 }, { tag: ACL_TAG.other, perm: 5 },
  ]);
  try {
    for (const p of ['.', 'sub', 'sub/tool']) lsetxattr(join(ACLS, p), ACL_XATTR.access, acl);
    lsetxattr(join(ACLS, 'sub'), ACL_XATTR.default, dflt);
    aclsKept = true;
  } catch {
    aclsKept = false; // a file system without ACLs: nothing to drop
  }
  buildTree(join(dir, 'units'), { files: {
    'svcd-own-static.service': unit('User=daemon\nStateDirectory=svcd-own-static\n'),
    'svcd-own-dyn.service': unit('DynamicUser=yes\nStateDirectory=svcd-own-dyn\n'),
    'svcd-own-acl.service': unit('DynamicUser=yes\nStateDirectory=svcd-own-acl\n'),
  } });
  svcd = await bootInNamespace(dir, join(dir, 'units'), 'basic.target');
}, 60000);
afterAll(async () => {
  await svcd?.stop();
  clean();
  rmSync(dir, { recursive: true, force: true });
});

it('User=: the whole tree becomes the user\'s, links themselves, not what they point to; modes stay; not walked again once the top is right', async () => {
  expect((await svcd.svcctl('start', 'svcd-own-static.service')).rc, svcd.console()).toBe(0);
  expect(owners(STATIC)).toEqual({ '.': 1, sub: 1, 'sub/tool': 1, link: 1 });
  expect(statSync(TARGET).uid).toBe(0);
  expect(statSync(join(STATIC, 'sub/tool')).mode & 0o7777).toBe(0o4755);
  // A top already the user's is taken as the whole tree being so: a root file below it stays root's.
  writeFileSync(join(STATIC, 'sub/later'), '');
  chownSync(join(STATIC, 'sub/later'), 0, 0);
  expect((await svcd.svcctl('restart', 'svcd-own-static.service')).rc).toBe(0);
  expect(statSync(join(STATIC, 'sub/later')).uid).toBe(0);
});

it('DynamicUser=: the private tree becomes the dynamic uid\'s, without set-uid bits', async () => {
  expect((await svcd.svcctl('start', 'svcd-own-dyn.service')).rc, svcd.console()).toBe(0);
  const uid = Number((await svcd.svcctl('show', '-p', 'UID', '--value', 'svcd-own-dyn.service')).stdout);
  expect(uid).toBeGreaterThanOrEqual(61184);
  expect(owners(DYN)).toEqual({ '.': uid, sub: uid, 'sub/tool': uid, link: uid });
  expect(statSync(join(DYN, 'sub/tool')).mode & 0o7777).toBe(0o755);
  expect(statSync(TARGET).uid).toBe(0);
});

it('DynamicUser=: every file given to the dynamic uid loses its ACLs, access and default, as systemd drops them', async (t) => {
  if (!aclsKept) t.skip();
  expect(lgetxattr(join(ACLS, 'sub'), ACL_XATTR.default)).not.toBeNull();
  expect((await svcd.svcctl('start', 'svcd-own-acl.service')).rc, svcd.console()).toBe(0);
  const uid = Number((await svcd.svcctl('show', '-p', 'UID', '--value', 'svcd-own-acl.service')).stdout);
  expect(owners(ACLS)).toEqual({ '.': uid, sub: uid, 'sub/tool': uid, link: uid });
  const left = ['.', 'sub', 'sub/tool'].flatMap((p) => Object.values(ACL_XATTR).filter((n) => lgetxattr(join(ACLS, p), n) !== null).map((n) => `${p} ${n}`));
  expect(left).toEqual([]);
  // The mode is what it showed with the ACL (its group bits the mask's), less set-uid.
  expect(statSync(join(ACLS, 'sub/tool')).mode & 0o7777).toBe(0o775);
});
