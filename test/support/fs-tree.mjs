// A directory tree as tmpfiles leaves it, for comparing two runs: every path under ROOT (relative,
// sorted) with its type, permission bits, owner, and a file's content, a link's target or a device's
// numbers; `h` attributes as lsattr shows them where it is installed; extended attributes (`t`,
// and `a` ACLs decoded from the kernel's binary form here, independently of svcd's encoder) read
// through svcd's native addon. Shared by the tmpfiles fixture recorder and its test, so both
// describe a tree the same way.
import { createRequire } from 'node:module';
import { lstatSync, readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { Buffer } from 'node:buffer';
import process from 'node:process';

const TYPES = [['isDirectory', 'd'], ['isFile', 'f'], ['isSymbolicLink', 'l'], ['isFIFO', 'p'], ['isCharacterDevice', 'c'], ['isBlockDevice', 'b'], ['isSocket', 's']];

function attrs(path) {
  const r = spawnSync('lsattr', ['-d', path], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.split(/\s/)[0].replace(/-/g, '') : undefined;
}

const addon = createRequire(import.meta.url)('../../build/Release/svcd_native.node');
const ACL_TAGS = { 1: 'u', 2: 'u', 4: 'g', 8: 'g', 16: 'm', 32: 'o' };

/** system.posix_acl_*: version 2, then (u16 tag, u16 perm, u32 id) entries. */
function aclText(buf) {
  const out = [];
  for (let at = 4; at + 8 <= buf.length; at += 8) {
    const tag = buf.readUInt16LE(at);
    const perm = buf.readUInt16LE(at + 2);
    const id = tag === 2 || tag === 8 ? String(buf.readUInt32LE(at + 4)) : '';
    out.push(`${ACL_TAGS[tag] ?? tag}:${id}:${perm & 4 ? 'r' : '-'}${perm & 2 ? 'w' : '-'}${perm & 1 ? 'x' : '-'}`);
  }
  return out.join(',');
}

function xattrs(path) {
  const out = {};
  for (const name of addon.llistxattr(path).sort()) {
    if (name.startsWith('security.')) continue;
    const value = addon.lgetxattr(path, name);
    if (value) out[name] = name.startsWith('system.posix_acl_') ? aclText(value) : value.toString('utf8');
  }
  return Object.keys(out).length ? out : undefined;
}

/** The tree under root; `skip(rel)` leaves a path (and what is below it) out. */
export function readFsTree(root, skip = () => false) {
  const out = {};
  const walk = (rel) => {
    const path = rel === '' ? root : join(root, rel);
    for (const name of readdirSync(path).sort()) {
      const r = rel === '' ? name : `${rel}/${name}`;
      if (skip(r)) continue;
      const st = lstatSync(join(root, r));
      const type = TYPES.find(([m]) => st[m]())[1];
      const e = { type, mode: (st.mode & 0o7777).toString(8).padStart(4, '0'), uid: st.uid, gid: st.gid };
      if (type === 'f') {
        const buf = readFileSync(join(root, r));
        const text = buf.toString('utf8');
        if (Buffer.from(text, 'utf8').equals(buf)) e.content = text;
        else e.base64 = buf.toString('base64');
      }
      if (type === 'l') {
        e.target = readlinkSync(join(root, r));
        delete e.mode;
      }
      if (type === 'c' || type === 'b') e.rdev = `${Math.floor(st.rdev / 256) & 0xfff}:${(st.rdev & 0xff) | ((st.rdev >> 12) & 0xfff00)}`;
      if ((type === 'f' || type === 'd') && process.env.SVCD_TREE_ATTRS !== '0') {
        const a = attrs(join(root, r));
        if (a) e.attrs = a;
      }
      if (type !== 'l') {
        const x = xattrs(join(root, r));
        if (x) e.xattrs = x;
      }
      out[r] = e;
      if (type === 'd') walk(r);
    }
  };
  walk('');
  return out;
}
