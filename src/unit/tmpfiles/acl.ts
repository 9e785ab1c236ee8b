/**
 * POSIX ACLs for tmpfiles' `a a+ A A+`, as systemd-tmpfiles 252 sets them through libacl, without
 * libacl: the text of the line (acl_from_text(3)'s `[d[efault]:]tag:qualifier:perms`, entries split
 * at ","), the mask computed when named entries need one, the entries a+ merges into what the file
 * has, the base entries taken from the file's mode when the line names none — and the kernel's
 * binary form of system.posix_acl_access / system.posix_acl_default, which is what setfacl writes.
 * The kernel itself brings the mode's group bits in line with the mask when an access ACL is set.
 */
import { Buffer } from 'node:buffer';

/** The tags of <linux/posix_acl.h>, in the order the kernel wants entries sorted. */
export const ACL_TAG = { userObj: 0x01, user: 0x02, groupObj: 0x04, group: 0x08, mask: 0x10, other: 0x20 } as const;
export type AclTag = (typeof ACL_TAG)[keyof typeof ACL_TAG];

export interface AclEntry {
  readonly tag: AclTag;
  /** rwx as 4|2|1. */
  readonly perm: number;
  /** The uid or gid of a named entry; undefined for the others. */
  readonly id?: number;
}
export type Acl = readonly AclEntry[];

/** The xattr each kind of ACL lives in. */
export const ACL_XATTR = { access: 'system.posix_acl_access', default: 'system.posix_acl_default' } as const;

const XATTR_VERSION = 2;
const UNDEFINED_ID = 0xffffffff;

const TAG_NAMES: ReadonlyMap<string, 'user' | 'group' | 'mask' | 'other'> = new Map([
  ['u', 'user'], ['user', 'user'], ['g', 'group'], ['group', 'group'], ['m', 'mask'], ['mask', 'mask'], ['o', 'other'], ['other', 'other'],
]);
const PERM_BITS: Readonly<Record<string, number>> = { r: 4, w: 2, x: 1 };

export interface AclLookup {
  readonly user: (name: string) => number | undefined;
  readonly group: (name: string) => number | undefined;
}

/** A qualifier: a number, else a name (libacl tries the number first). */
function qualifier(text: string, lookup: (name: string) => number | undefined): number | undefined {
  if (/^\d+$/.test(text)) {
    const n = Number(text);
    return n < UNDEFINED_ID ? n : undefined;
  }
  return lookup(text);
}

/** One entry of acl_from_text(3)'s long or short form; undefined when it is not one. */
function parseEntry(text: string, lookup: AclLookup): AclEntry | undefined {
  // libacl skips blanks before each word of an entry (and after the permissions), not inside one:
  // "u: 1:r" names uid 1, "u: 1 :r" nobody.
  const parts = text.split(':').map((p, i, all) => (i === all.length - 1 ? p.trim() : p.trimStart()));
  const tag = TAG_NAMES.get(parts[0] ?? '');
  if (!tag) return undefined;
  let qual: string;
  let perms: string;
  if (tag === 'user' || tag === 'group') {
    if (parts.length !== 3) return undefined;
    [, qual, perms] = parts as [string, string, string];
  } else {
    // mask and other take no qualifier: "m::rwx" or "m:rwx".
    if (parts.length === 3 && parts[1] === '') perms = parts[2]!;
    else if (parts.length === 2) perms = parts[1]!;
    else return undefined;
    qual = '';
  }
  // At least one of r w x - ("o::" is refused, "g::-" is no permission).
  if (perms === '') return undefined;
  let perm = 0;
  for (const c of perms) {
    if (c === '-') continue;
    const bit = PERM_BITS[c];
    if (bit === undefined || perm & bit) return undefined;
    perm |= bit;
  }
  if (tag === 'mask') return { tag: ACL_TAG.mask, perm };
  if (tag === 'other') return { tag: ACL_TAG.other, perm };
  if (qual === '') return { tag: tag === 'user' ? ACL_TAG.userObj : ACL_TAG.groupObj, perm };
  const id = qualifier(qual, tag === 'user' ? lookup.user : lookup.group);
  if (id === undefined) return undefined;
  return { tag: tag === 'user' ? ACL_TAG.user : ACL_TAG.group, perm, id };
}

/**
 * calc_acl_mask_if_needed(): named entries and no mask get the mask acl_calc_mask() computes, the
 * union of the group class (named users, the owning group, named groups).
 */
export function withMaskIfNeeded(acl: Acl): Acl {
  if (acl.some((e) => e.tag === ACL_TAG.mask)) return acl;
  if (!acl.some((e) => e.tag === ACL_TAG.user || e.tag === ACL_TAG.group)) return acl;
  const perm = acl.filter((e) => e.tag === ACL_TAG.user || e.tag === ACL_TAG.groupObj || e.tag === ACL_TAG.group).reduce((p, e) => p | e.perm, 0);
  return [...acl, { tag: ACL_TAG.mask, perm }];
}

export interface ParsedAcls {
  readonly access?: Acl;
  readonly default?: Acl;
}

/**
 * parse_acl(): entries split at ",", those prefixed `default:` or `d:` for the default ACL; the
 * mask added at once unless the line merges (a+), whose mask is computed after the merge.
 */
export function parseAcls(text: string, lookup: AclLookup, wantMask: boolean): ParsedAcls | undefined {
  const access: AclEntry[] = [];
  const dflt: AclEntry[] = [];
  // strv_split(): empty entries (",," or a trailing ",") are no entries.
  for (const raw of text.split(',').filter((r) => r !== '')) {
    const m = /^(?:default:|d:)/.exec(raw);
    const e = parseEntry(m ? raw.slice(m[0].length) : raw, lookup);
    if (!e) return undefined;
    (m ? dflt : access).push(e);
  }
  const finish = (acl: AclEntry[]): Acl | undefined => (acl.length === 0 ? undefined : wantMask ? withMaskIfNeeded(acl) : acl);
  return { access: finish(access), default: finish(dflt) };
}

/** acls_for_file()'s merge (a+): each entry of the line replaces the file's of the same tag (and id), or is added. */
export function mergeAcl(existing: Acl, line: Acl): Acl {
  const out = [...existing];
  for (const e of line) {
    const at = out.findIndex((o) => o.tag === e.tag && o.id === e.id);
    if (at >= 0) out[at] = e;
    else out.push(e);
  }
  return out;
}

/** The ACL a mode stands for (acl_from_mode()): owner, group and others. */
export function aclFromMode(mode: number): Acl {
  return [
    { tag: ACL_TAG.userObj, perm: (mode >> 6) & 7 },
    { tag: ACL_TAG.groupObj, perm: (mode >> 3) & 7 },
    { tag: ACL_TAG.other, perm: mode & 7 },
  ];
}

/** add_base_acls_if_needed(): the owner, group and other entries the ACL lacks, from the file's mode. */
export function withBaseEntries(acl: Acl, mode: number): Acl {
  const missing = aclFromMode(mode).filter((b) => !acl.some((e) => e.tag === b.tag));
  return missing.length ? [...acl, ...missing] : acl;
}

/** The kernel's xattr form: a version, then (tag, perm, id) entries sorted by tag and id. */
export function aclToXattr(acl: Acl): Buffer {
  const sorted = [...acl].sort((a, b) => a.tag - b.tag || (a.id ?? 0) - (b.id ?? 0));
  const buf = Buffer.alloc(4 + 8 * sorted.length);
  buf.writeUInt32LE(XATTR_VERSION, 0);
  sorted.forEach((e, i) => {
    buf.writeUInt16LE(e.tag, 4 + 8 * i);
    buf.writeUInt16LE(e.perm, 6 + 8 * i);
    buf.writeUInt32LE(e.id ?? UNDEFINED_ID, 8 + 8 * i);
  });
  return buf;
}

/** An xattr's ACL; undefined when it is not one of the kernel's form. */
export function aclFromXattr(buf: Buffer): Acl | undefined {
  if (buf.length < 4 || (buf.length - 4) % 8 !== 0 || buf.readUInt32LE(0) !== XATTR_VERSION) return undefined;
  const out: AclEntry[] = [];
  for (let at = 4; at < buf.length; at += 8) {
    const tag = buf.readUInt16LE(at) as AclTag;
    const perm = buf.readUInt16LE(at + 2);
    const named = tag === ACL_TAG.user || tag === ACL_TAG.group;
    out.push(named ? { tag, perm, id: buf.readUInt32LE(at + 4) } : { tag, perm });
  }
  return out;
}

/** getfacl's short text of an ACL (`u::rwx,u:1:rwx,g::r-x,m::rwx,o::r-x`), for messages and trees. */
export function aclToText(acl: Acl): string {
  const perm = (p: number) => `${p & 4 ? 'r' : '-'}${p & 2 ? 'w' : '-'}${p & 1 ? 'x' : '-'}`;
  const name: Readonly<Record<number, string>> = { [ACL_TAG.userObj]: 'u:', [ACL_TAG.user]: 'u:', [ACL_TAG.groupObj]: 'g:', [ACL_TAG.group]: 'g:', [ACL_TAG.mask]: 'm:', [ACL_TAG.other]: 'o:' };
  return [...acl].sort((a, b) => a.tag - b.tag || (a.id ?? 0) - (b.id ?? 0)).map((e) => `${name[e.tag]}${e.id ?? ''}:${perm(e.perm)}`).join(',');
}
