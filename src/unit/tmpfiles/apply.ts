/**
 * What one tmpfiles.d item does to the file system, as systemd-tmpfiles 252 does it: at --create
 * (files, directories, FIFOs, links, device nodes, copies, writes, and mode/owner/attribute
 * adjustments of what exists) and at --remove (r, R, D's contents). Each returns whether it
 * failed; a conflict systemd only warns about (a file where a directory should be) is a warning.
 * Device nodes, FIFOs, file attributes and xattrs (ACLs) need system calls Node lacks: the caller
 * provides them.
 */
import {
  chmodSync, copyFileSync, lchownSync, lstatSync, mkdirSync, readdirSync, readlinkSync, rmSync, rmdirSync,
  symlinkSync, unlinkSync, writeFileSync, type Stats,
} from 'node:fs';
import { dirname, join } from 'node:path';
import type { Result } from '../../shared/result.js';
import type { Item, Report } from './parse.js';
import { expandGlob } from '../../shared/glob.js';
import { strerror } from '../../shared/strerror.js';
import { errnoCode, lstatOrUndefined } from './paths.js';
import { setAcls, setXattrs, type XattrCalls } from './apply-attributes.js';
import { setInodeFlags, type InodeFlagCalls } from './inode-flags.js';

/** The system calls the applier cannot make from Node. */
export interface SpecialFiles extends XattrCalls, InodeFlagCalls {
  mkfifo(path: string, mode: number): Result<void, string>;
  mknod(path: string, kind: 'c' | 'b', major: number, minor: number, mode: number): Result<void, string>;
}

export interface ApplyContext {
  readonly report: Report;
  readonly special: SpecialFiles;
}

/** false: the line failed (exit status 73 unless it allows failure). */
type Done = boolean;

const FAILED: Done = false;
const OK: Done = true;

/** fd_set_perms(): the line's mode (masked by the existing bits under "~") and owner, where they differ. */
function setPerms(item: Item, path: string, created: boolean, ctx: ApplyContext): Done {
  let st: Stats;
  try {
    st = lstatSync(path);
  } catch (e) {
    ctx.report('err', `Failed to stat ${path}: ${strerror(e)}`);
    return FAILED;
  }
  try {
    const uid = item.uid && (created || !item.uid.onlyCreate) ? item.uid.value : st.uid;
    const gid = item.gid && (created || !item.gid.onlyCreate) ? item.gid.value : st.gid;
    if (uid !== st.uid || gid !== st.gid) lchownSync(path, uid, gid);
    if (st.isSymbolicLink()) return OK;
    let m = item.mode && (created || !item.mode.onlyCreate) ? item.mode.value : created ? item.defaultMode : undefined;
    if (m === undefined) {
      // chown(2) clears set-id bits of a file: put back what was there.
      if (uid !== st.uid || gid !== st.gid) chmodSync(path, st.mode & 0o7777);
      return OK;
    }
    if (item.mode?.mask) {
      if (!(st.mode & 0o111)) m &= ~0o111;
      if (!(st.mode & 0o222)) m &= ~0o222;
      if (!(st.mode & 0o444)) m &= ~0o444;
      if (!st.isDirectory()) m &= ~0o7000;
    }
    chmodSync(path, m);
    return OK;
  } catch (e) {
    ctx.report('err', `Failed to set permissions of ${path}: ${strerror(e)}`);
    return FAILED;
  }
}

function makeParents(path: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o755 });
}

/** "=": what is there is of another type, so it goes (systemd logs it at notice level). */
function replaceWrongType(item: Item, path: string, isRight: (st: Stats) => boolean, ctx: ApplyContext): void {
  const st = lstatOrUndefined(path);
  if (!st || isRight(st) || !(item.tryReplace || item.force)) return;
  ctx.report('notice', `Wrong file type 0o${(st.mode & 0o170000).toString(8)}; rm -rf "${path}"`);
  rmSync(path, { recursive: true, force: true });
}

function createFile(item: Item, path: string, ctx: ApplyContext): Done {
  const truncate = item.type === 'F' || item.force;
  replaceWrongType(item, path, (st) => st.isFile(), ctx);
  const st = lstatOrUndefined(path);
  if (st && !st.isFile()) {
    ctx.report('err', `"${path}" already exists and is not a regular file.`);
    return FAILED;
  }
  try {
    if (!st) makeParents(path);
    if (!st || truncate) writeFileSync(path, item.argument ?? '', { flag: st ? 'w' : 'wx', mode: item.mode?.value ?? item.defaultMode });
  } catch (e) {
    ctx.report('err', `Failed to create file ${path}: ${strerror(e)}`);
    return FAILED;
  }
  return setPerms(item, path, !st, ctx);
}

function writeFiles(item: Item, ctx: ApplyContext): Done {
  let done = OK;
  for (const path of expandGlob(item.path)) {
    try {
      writeFileSync(path, item.argument ?? '', { flag: item.force ? 'a' : 'w' });
    } catch (e) {
      ctx.report('err', `Failed to write file ${path}: ${strerror(e)}`);
      done = FAILED;
    }
  }
  return done;
}

/** d D v q Q (no btrfs subvolumes here: plain directories, as systemd makes them elsewhere). */
function createDirectory(item: Item, path: string, ctx: ApplyContext): Done {
  replaceWrongType(item, path, (st) => st.isDirectory(), ctx);
  let created = false;
  try {
    makeParents(path);
    mkdirSync(path, { mode: item.mode?.value ?? item.defaultMode });
    created = true;
  } catch (e) {
    const code = errnoCode(e);
    if (code !== 'EEXIST' && code !== 'ENOTDIR') {
      ctx.report('err', `Failed to create directory or subvolume "${path}": ${strerror(e)}`);
      return FAILED;
    }
    if (!lstatOrUndefined(path)?.isDirectory()) {
      ctx.report('warning', `"${path}" already exists and is not a directory.`);
      return OK;
    }
  }
  return setPerms(item, path, created, ctx);
}

/** p c b: a node made by the caller's system call, kept when one of the right type is there. */
function createNode(item: Item, path: string, what: string, isRight: (st: Stats) => boolean, make: () => Result<void, string>, ctx: ApplyContext): Done {
  replaceWrongType(item, path, isRight, ctx);
  const st = lstatOrUndefined(path);
  if (st) {
    if (isRight(st)) return setPerms(item, path, false, ctx);
    ctx.report('warning', `"${path}" already exists and is not ${what}.`);
    return OK;
  }
  try {
    makeParents(path);
  } catch (e) {
    ctx.report('err', `Failed to create ${path}: ${strerror(e)}`);
    return FAILED;
  }
  const r = make();
  if (!r.ok) {
    ctx.report('err', `Failed to create ${path}: ${r.error}`);
    return FAILED;
  }
  return setPerms(item, path, true, ctx);
}

function createSymlink(item: Item, path: string, ctx: ApplyContext): Done {
  const target = item.argument!;
  const st = lstatOrUndefined(path);
  if (st) {
    if (st.isSymbolicLink() && readlinkSync(path) === target) return OK;
    if (!item.force && !item.tryReplace) {
      ctx.report('debug', `"${path}" is not a symlink or does not point to the correct path.`);
      return OK;
    }
    rmSync(path, { recursive: true, force: true });
  }
  try {
    makeParents(path);
    symlinkSync(target, path);
  } catch (e) {
    ctx.report('err', `Failed to create symlink "${path}": ${strerror(e)}`);
    return FAILED;
  }
  return OK;
}

/** A tree copied with its modes, owners and links. */
function copyTree(from: string, to: string): void {
  const st = lstatSync(from);
  if (st.isSymbolicLink()) symlinkSync(readlinkSync(from), to);
  else if (st.isDirectory()) {
    mkdirSync(to, { mode: 0o700 });
    for (const n of readdirSync(from)) copyTree(join(from, n), join(to, n));
  } else copyFileSync(from, to);
  lchownSync(to, st.uid, st.gid);
  if (!st.isSymbolicLink()) chmodSync(to, st.mode & 0o7777);
}

function copyFiles(item: Item, path: string, ctx: ApplyContext): Done {
  const source = item.argument!;
  if (!lstatOrUndefined(source)) {
    ctx.report('debug', `Copy source ${source} does not exist, skipping.`);
    return OK;
  }
  if (lstatOrUndefined(path)) return item.mode ? setPerms(item, path, false, ctx) : OK;
  try {
    makeParents(path);
    copyTree(source, path);
  } catch (e) {
    ctx.report('err', `Failed to copy files to ${path}: ${strerror(e)}`);
    return FAILED;
  }
  return item.mode || item.uid || item.gid ? setPerms(item, path, true, ctx) : OK;
}

/** Every path below `path` (not following links), deepest last. */
export function descendants(path: string): string[] {
  const out: string[] = [];
  const walk = (p: string): void => {
    let names: string[];
    try {
      names = readdirSync(p);
    } catch {
      return;
    }
    for (const n of names) {
      const c = join(p, n);
      out.push(c);
      if (lstatOrUndefined(c)?.isDirectory()) walk(c);
    }
  };
  walk(path);
  return out;
}

/** e z Z m: existing paths (matches of the pattern) get the line's mode and owner. */
function adjust(item: Item, ctx: ApplyContext): Done {
  let done = OK;
  for (const path of expandGlob(item.path)) {
    const st = lstatOrUndefined(path);
    if (item.type === 'e' && !st?.isDirectory()) continue;
    const all = item.type === 'Z' ? [path, ...descendants(path)] : [path];
    for (const p of all) if (!setPerms(item, p, false, ctx)) done = FAILED;
  }
  return done;
}

/** --create's part of a line (create_item()). */
export function createItem(item: Item, path: string, ctx: ApplyContext): Done {
  switch (item.type) {
    case 'f':
    case 'F':
      return createFile(item, path, ctx);
    case 'w':
      return writeFiles(item, ctx);
    case 'd':
    case 'D':
    case 'v':
    case 'q':
    case 'Q':
      return createDirectory(item, path, ctx);
    case 'p':
      return createNode(item, path, 'a FIFO', (st) => st.isFIFO(), () => ctx.special.mkfifo(path, item.mode?.value ?? item.defaultMode), ctx);
    case 'c':
    case 'b': {
      const kind = item.type;
      const isRight = (st: Stats): boolean => (kind === 'c' ? st.isCharacterDevice() : st.isBlockDevice());
      return createNode(item, path, 'a device node', isRight, () => ctx.special.mknod(path, kind, item.device!.major, item.device!.minor, item.mode?.value ?? item.defaultMode), ctx);
    }
    case 'L':
      return createSymlink(item, path, ctx);
    case 'C':
      return copyFiles(item, path, ctx);
    case 'e':
    case 'z':
    case 'Z':
    case 'm':
      return adjust(item, ctx);
    case 'h':
    case 'H':
      return setInodeFlags(item, ctx.special, ctx.report, descendants);
    case 't':
    case 'T':
      return setXattrs(item, ctx.special, ctx.report, descendants);
    case 'a':
    case 'A':
      return setAcls(item, ctx.special, ctx.report, descendants);
    case 'x':
    case 'X':
    case 'r':
    case 'R':
      return OK;
  }
}

/** --remove's part of a line (remove_item()): r R, and D's contents. */
export function removeItem(item: Item, path: string, ctx: ApplyContext): Done {
  const gone = (p: string, e: unknown): Done => {
    if (errnoCode(e) === 'ENOENT') return OK;
    ctx.report('err', `rm(${p}): ${strerror(e)}`);
    return FAILED;
  };
  switch (item.type) {
    case 'r': {
      let done = OK;
      for (const p of expandGlob(item.path)) {
        try {
          if (lstatSync(p).isDirectory()) rmdirSync(p);
          else unlinkSync(p);
        } catch (e) {
          if (!gone(p, e)) done = FAILED;
        }
      }
      return done;
    }
    case 'R': {
      for (const p of expandGlob(item.path)) rmSync(p, { recursive: true, force: true });
      return OK;
    }
    case 'D': {
      if (!lstatOrUndefined(path)?.isDirectory()) return OK;
      for (const n of readdirSync(path)) rmSync(join(path, n), { recursive: true, force: true });
      return OK;
    }
    default:
      return OK;
  }
}
