/**
 * The fd store (FileDescriptorStoreMax=, sd_notify's FDSTORE=1/FDNAME=/FDSTOREREMOVE=1): fds a
 * service hands to the manager to keep while it restarts, handed back on its next start after its
 * sockets' fds, named in LISTEN_FDNAMES=. As systemd's, the newest fd comes first, an fd already
 * stored is not stored twice, and the store is emptied when the service is down with nothing to
 * bring it up again (dead or failed, not an automatic restart nor the stop half of a restart).
 */
import type { ActivationFd } from '../../system.js';
import type { KindContext } from '../../unit-kind.js';
import type { ServiceUnit } from './state.js';

export interface StoredFd {
  readonly fd: number;
  readonly name: string;
}

/** The name an fd without a valid FDNAME= is stored under. */
const DEFAULT_NAME = 'stored';

/** A name LISTEN_FDNAMES= can carry: printable ASCII without ':', at most 255 characters. */
export function fdNameIsValid(name: string): boolean {
  return name.length <= 255 && /^[\x20-\x39\x3b-\x7e]*$/.test(name);
}

/**
 * FDSTORE=1: keeps `fds` under `name` until `max` (FileDescriptorStoreMax=) are stored; the fds
 * kept are returned (the caller closes the others).
 */
export function storeFds(u: ServiceUnit, ctx: KindContext, max: number, fds: readonly number[], name: string | undefined): Set<number> {
  const kept = new Set<number>();
  for (const fd of fds) {
    // Already stored (the same open file): the new copy is closed, the store unchanged.
    if (u.state.fdStore.some((s) => ctx.sameFile(s.fd, fd))) continue;
    if (u.state.fdStore.length >= max) {
      ctx.log(u, `Cannot store more fds than FileDescriptorStoreMax=${max}, closing remaining.`);
      break;
    }
    u.state.fdStore.unshift({ fd, name: name ?? DEFAULT_NAME });
    kept.add(fd);
  }
  return kept;
}

/** FDSTOREREMOVE=1 with FDNAME=: closes every stored fd of that name. */
export function removeStoredFds(u: ServiceUnit, ctx: KindContext, name: string): void {
  for (const s of u.state.fdStore) if (s.name === name) ctx.closeFd(s.fd);
  u.state.fdStore = u.state.fdStore.filter((s) => s.name !== name);
}

export function releaseFdStore(u: ServiceUnit, ctx: KindContext): void {
  for (const s of u.state.fdStore) ctx.closeFd(s.fd);
  u.state.fdStore = [];
}

export function storedFds(u: ServiceUnit): readonly ActivationFd[] {
  return u.state.fdStore.map((s) => ({ fd: s.fd, name: s.name }));
}
