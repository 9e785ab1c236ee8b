/**
 * Reading a PIDFile= as systemd's service_load_pid_file does: the pid, who owns the file, and
 * whether the path reached it through a symlink in a directory a user other than root owns. Such
 * a user could point the link at any file root owns (another service's PID file), so a pid outside
 * the unit read that way is not believed, root-owned file or not.
 */
import { closeSync, fstatSync, lstatSync, openSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { PidFileContent } from '../engine/system.js';

/** As many symlinks as the kernel follows (ELOOP past it). */
const MAX_SYMLINKS = 40;

/** The file's pid and owner; undefined when it is absent, unreadable or holds no pid above 1. */
export function readPidFile(path: string): PidFileContent | undefined {
  let fd: number | undefined;
  try {
    const unsafeSymlinkChain = crossesUnsafeSymlink(path);
    // One open file for both answers: the owner is that of the file whose pid was read, not of
    // whatever a swapped symlink names a moment later.
    fd = openSync(path, 'r');
    const ownerUid = fstatSync(fd).uid;
    const pid = Number(readFileSync(fd, 'utf8').trim());
    return Number.isInteger(pid) && pid > 1 ? { pid, ownerUid, unsafeSymlinkChain } : undefined;
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * Follows `path` one component at a time: true when a symlink lies in a directory neither root
 * nor the owner of what it leads to owns (systemd's "unsafe transition").
 */
function crossesUnsafeSymlink(path: string): boolean {
  let rest = path.split('/');
  let dir = '/';
  for (let hops = 0; rest.length > 0;) {
    const name = rest.shift()!;
    if (name === '' || name === '.') continue;
    if (name === '..') {
      dir = dirname(dir);
      continue;
    }
    const next = join(dir, name);
    if (!lstatSync(next).isSymbolicLink()) {
      dir = next;
      continue;
    }
    if (++hops > MAX_SYMLINKS) throw new Error(`${path}: too many levels of symbolic links`);
    const dirOwner = statSync(dir).uid;
    if (dirOwner !== 0 && dirOwner !== statSync(next).uid) return true;
    const target = readlinkSync(next);
    if (target.startsWith('/')) dir = '/';
    rest = [...target.split('/'), ...rest];
  }
  return false;
}
