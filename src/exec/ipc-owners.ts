/**
 * Whose SysV IPC and POSIX shared memory/message queues go, and when (RemoveIPC=, implied by
 * DynamicUser=). As systemd 252 counts them (manager_ref_uid/manager_unref_uid): every run of a
 * unit with a user holds a reference on its uid and gid, and a reference taken with RemoveIPC=
 * marks the id for cleaning; when the id's last reference goes, a marked id's objects are removed
 * (remove-ipc.ts). So two units of one user keep its objects until both stopped. systemd
 * serializes these references with each unit ("ref-uid"); svcd carries them across daemon-reexec
 * in its re-exec state, as it carries the dynamic users.
 */
import { removeIpcObjects } from './remove-ipc.js';

/** One unit's run as daemon-reexec carries it to the next svcd (plain JSON). */
export interface IpcOwner {
  readonly unit: string;
  readonly uid: number;
  readonly gid: number;
  readonly removeIPC: boolean;
}

/** unit → the ids its run holds. */
const held = new Map<string, IpcOwner>();
/** Ids whose objects are removed when their last holder lets go (systemd's DESTROY_IPC_FLAG, sticky until then). */
const marked = { uid: new Set<number>(), gid: new Set<number>() };

/** A run of `unit` as uid/gid starts (again): it holds them until releaseIpcOwner(). */
export function holdIpcOwner(unit: string, uid: number, gid: number, removeIPC: boolean): void {
  if (held.has(unit)) releaseIpcOwner(unit);
  held.set(unit, { unit, uid, gid, removeIPC });
  if (removeIPC) {
    marked.uid.add(uid);
    marked.gid.add(gid);
  }
}

/** The run of `unit` is over: the objects of each marked id no other run holds are removed. */
export function releaseIpcOwner(unit: string): void {
  const o = held.get(unit);
  if (!o) return;
  held.delete(unit);
  const others = [...held.values()];
  const uid = marked.uid.has(o.uid) && !others.some((h) => h.uid === o.uid) ? o.uid : undefined;
  const gid = marked.gid.has(o.gid) && !others.some((h) => h.gid === o.gid) ? o.gid : undefined;
  if (uid !== undefined) marked.uid.delete(uid);
  if (gid !== undefined) marked.gid.delete(gid);
  if (uid !== undefined || gid !== undefined) removeIpcObjects(uid, gid);
}

/** Every held run, for daemon-reexec. */
export function heldIpcOwners(): IpcOwner[] {
  return [...held.values()];
}

/** The other half, before any unit is restored: the runs hold their ids again, marked as they were. */
export function adoptIpcOwners(saved: readonly IpcOwner[]): void {
  for (const s of saved) holdIpcOwner(s.unit, s.uid, s.gid, s.removeIPC);
}
