/**
 * One PathXxx= line's inotify watches and checks, as systemd 252's path_spec_watch() and
 * path_spec_check_good() set and ask them.
 *
 * Watches: the path itself with its type's events, and each existing parent from "/" down, so that
 * a missing directory appearing later (IN_CREATE/IN_MOVED_TO in the deepest existing parent) is
 * seen and the watches are set again one level deeper. A parent that has an existing child keeps
 * only IN_MOVE_SELF (re-adding a watch replaces its mask). A symlink is watched both as the link
 * and as what it points to.
 */
import { accessSync, readdirSync } from 'node:fs';
import { globExists } from '../../../shared/glob.js';
import type { InotifyWatcher } from '../../system.js';
import type { PathType, PathWatchSpec } from './spec.js';

// <sys/inotify.h>
export const IN_MODIFY = 0x2;
const IN_ATTRIB = 0x4;
const IN_CLOSE_WRITE = 0x8;
const IN_MOVED_FROM = 0x40;
const IN_MOVED_TO = 0x80;
const IN_CREATE = 0x100;
const IN_DELETE = 0x200;
const IN_DELETE_SELF = 0x400;
const IN_MOVE_SELF = 0x800;
const IN_DONT_FOLLOW = 0x0200_0000;
const ENOENT = 2;
const EACCES = 13;

/**
 * The events each type watches the path itself for. PathChanged= hears a file closed after
 * writing (IN_CLOSE_WRITE), PathModified= every write too (IN_MODIFY): what chokidar/fs.watch
 * cannot tell apart, hence inotify directly.
 */
const FLAGS: Readonly<Record<PathType, number>> = {
  PathExists: IN_DELETE_SELF | IN_MOVE_SELF | IN_ATTRIB,
  PathExistsGlob: IN_DELETE_SELF | IN_MOVE_SELF | IN_ATTRIB,
  PathChanged: IN_DELETE_SELF | IN_MOVE_SELF | IN_ATTRIB | IN_CLOSE_WRITE | IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO,
  PathModified: IN_DELETE_SELF | IN_MOVE_SELF | IN_ATTRIB | IN_CLOSE_WRITE | IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | IN_MODIFY,
  DirectoryNotEmpty: IN_DELETE_SELF | IN_MOVE_SELF | IN_ATTRIB | IN_CREATE | IN_MOVED_TO,
};
const PARENT = IN_MOVE_SELF | IN_DELETE_SELF | IN_CREATE | IN_MOVED_TO;

export class WatchError extends Error {}

/**
 * Sets the watches for `spec` on `w`; answers the watch descriptor of the path itself (undefined
 * while it does not exist). Components that are missing or not accessible end the walk quietly.
 */
export function watchSpec(w: InotifyWatcher, spec: PathWatchSpec): number | undefined {
  const components = ['/'];
  for (const part of spec.path.split('/').filter(Boolean)) components.push(`${components.length === 1 ? '' : components.at(-1)}/${part}`);
  let parent: string | undefined;
  let primary: number | undefined;
  for (const [i, c] of components.entries()) {
    const last = i === components.length - 1;
    const flags = last ? FLAGS[spec.type] : PARENT;
    let wd = -ENOENT;
    for (const follow of [false, true]) {
      wd = w.add(c, follow ? flags : flags | IN_DONT_FOLLOW);
      if (wd === -ENOENT || wd === -EACCES) break;
      if (wd < 0) throw new WatchError(`Failed to add watch on ${c}: errno ${-wd}`);
    }
    if (wd < 0) break;
    // The parent of an existing component only needs to say when it moves away.
    if (parent !== undefined) w.add(parent, IN_MOVE_SELF);
    parent = c;
    if (last) primary = wd;
  }
  return primary;
}

const exists = (p: string): boolean => {
  try {
    accessSync(p);
    return true;
  } catch {
    return false;
  }
};

// hidden_or_backup_file(): what DirectoryNotEmpty= does not count.
const BACKUP = ['~', '.rpmnew', '.rpmsave', '.rpmorig', '.dpkg-old', '.dpkg-new', '.dpkg-tmp', '.dpkg-dist', '.dpkg-bak', '.dpkg-backup', '.dpkg-remove',
  '.ucf-new', '.ucf-old', '.ucf-dist', '.swp', '.bak', '.old', '.new'];
const hiddenOrBackup = (name: string): boolean => name.startsWith('.') || BACKUP.some((s) => name.endsWith(s));

function directoryNotEmpty(p: string): boolean {
  try {
    return readdirSync(p).some((e) => !hiddenOrBackup(e));
  } catch (e) {
    // Missing or not a directory: not good. Unreadable: systemd counts it as not empty.
    const code = (e as NodeJS.ErrnoException).code;
    return code !== 'ENOENT' && code !== 'ENOTDIR';
  }
}

/**
 * path_spec_check_good(): whether the line's condition holds now. PathChanged=/PathModified= hold
 * only when the path came or went since the last look — never at the first look, nor when the
 * triggered unit just stopped. `previous`: whether the path existed at the last look (updated).
 */
export function checkGood(spec: PathWatchSpec, previous: { exists: boolean }, initial: boolean, fromTriggerNotify: boolean): boolean {
  switch (spec.type) {
    case 'PathExists': return exists(spec.path);
    case 'PathExistsGlob': return globExists(spec.path);
    case 'DirectoryNotEmpty': return directoryNotEmpty(spec.path);
    case 'PathChanged':
    case 'PathModified': {
      const now = exists(spec.path);
      const good = !initial && !fromTriggerNotify && now !== previous.exists;
      previous.exists = now;
      return good;
    }
  }
}
