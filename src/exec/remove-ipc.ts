/**
 * RemoveIPC= (implied by DynamicUser=): when the unit's run ends, the POSIX shared memory
 * (/dev/shm) and message queues (/dev/mqueue) its user or group owns are removed, as systemd 252's
 * clean_ipc() removes them, so that a uid handed to another unit later finds nothing of this one.
 * SysV objects (shmget(), semget(), msgget()) are not: removing them needs their *ctl(IPC_RMID)
 * calls, which svcd's native addon does not make yet (docs/sandboxing.md).
 */
import { lstatSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/** Removes what uid or gid owns below /dev/shm and /dev/mqueue (never root's: systemd skips it). */
export function removeIpcObjects(uid: number, gid: number): void {
  if (uid === 0 || gid === 0) return;
  for (const root of ['/dev/shm', '/dev/mqueue']) removeOwned(root, uid, gid);
}

function removeOwned(dir: string, uid: number, gid: number): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    const path = join(dir, name);
    try {
      const st = lstatSync(path);
      if (st.uid === uid || st.gid === gid) rmSync(path, { recursive: true, force: true });
      else if (st.isDirectory()) removeOwned(path, uid, gid);
    } catch {
      // gone meanwhile, or not ours to remove: as systemd, go on with the rest
    }
  }
}
