/**
 * RemoveIPC= (implied by DynamicUser=): when the unit's run ends, the SysV shared memory segments,
 * semaphore sets and message queues (as /proc/sysvipc lists them), and the POSIX shared memory
 * (/dev/shm) and message queues (/dev/mqueue) its user or group owns are removed, as systemd 252's
 * clean_ipc() removes them, so that a uid handed to another unit later finds nothing of this one.
 */
import { lstatSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { removeSysvIpc, SYSV_IPC_KINDS } from './native.js';

/**
 * Removes what uid (if given) or gid (if given) owns: SysV objects, and below /dev/shm and
 * /dev/mqueue. Never root's: systemd skips uid 0 and gid 0 (each on its own).
 */
export function removeIpcObjects(uid: number | undefined, gid: number | undefined): void {
  // -1 matches no owner: an id not to clean, or root's.
  const u = uid === undefined || uid === 0 ? -1 : uid;
  const g = gid === undefined || gid === 0 ? -1 : gid;
  if (u === -1 && g === -1) return;
  for (const kind of Object.keys(SYSV_IPC_KINDS) as (keyof typeof SYSV_IPC_KINDS)[]) removeSysv(kind, u, g);
  for (const root of ['/dev/shm', '/dev/mqueue']) removeOwned(root, u, g);
}

const ID_COLUMN = { shm: 'shmid', sem: 'semid', msg: 'msqid' } as const;

/** The objects of one kind whose owner is uid or gid, by the columns /proc/sysvipc/KIND names. */
function removeSysv(kind: keyof typeof SYSV_IPC_KINDS, uid: number, gid: number): void {
  let lines: string[];
  try {
    lines = readFileSync(`/proc/sysvipc/${kind}`, 'utf8').trim().split('\n');
  } catch {
    return;
  }
  const header = lines[0]?.trim().split(/\s+/) ?? [];
  const [idAt, uidAt, gidAt] = [header.indexOf(ID_COLUMN[kind]), header.indexOf('uid'), header.indexOf('gid')];
  if (idAt < 0 || uidAt < 0 || gidAt < 0) return;
  for (const line of lines.slice(1)) {
    const f = line.trim().split(/\s+/);
    if (Number(f[uidAt]) !== uid && Number(f[gidAt]) !== gid) continue;
    try {
      removeSysvIpc(kind, Number(f[idAt]));
    } catch {
      // removed meanwhile: as systemd, go on with the rest
    }
  }
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
