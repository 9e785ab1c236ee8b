/**
 * PrivateTmp= (systemd.exec(5)): each run of a unit gets its own /tmp and /var/tmp, shared by all
 * its commands and gone when the run ends. As systemd does, svcd makes
 * /tmp/svcd-private-UNIT-XXXXXX/tmp and the same under /var/tmp (outer directory 0700, inner
 * 1777), which the spawner binds over /tmp and /var/tmp in the process's own mount namespace.
 *
 * systemd's sockets (NOTIFY_SOCKET is /run/systemd/notify) are never under /tmp; svcd's are where
 * its --runtime-dir is, which may be. A socket there would be hidden from the unit by its own
 * /tmp, and a Type=notify service would never be seen ready: each such socket is hard-linked at
 * the same path inside the private directory (a link to a socket's inode reaches that socket).
 */
import { chmodSync, linkSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { pathStartsWith } from '../unit/escape.js';

export interface PrivateTmp {
  /** The outer directories (removed at the end of the run). */
  readonly roots: readonly string[];
  /** What is bound over /tmp and /var/tmp. */
  readonly tmp: string;
  readonly varTmp: string;
}

function make(base: string, unit: string): { root: string; inner: string } {
  mkdirSync(base, { recursive: true });
  const root = mkdtempSync(join(base, `svcd-private-${unit.replace(/[^A-Za-z0-9_.@-]/g, '_')}-`));
  chmodSync(root, 0o700);
  const inner = join(root, 'tmp');
  mkdirSync(inner);
  chmodSync(inner, 0o1777);
  return { root, inner };
}

/** `path` relative to `base` when it lies beneath it (by components: "/tmp/..x" does), else undefined. */
function beneath(base: string, path: string): string | undefined {
  return path !== base && pathStartsWith(path, base) ? relative(base, path) : undefined;
}

/**
 * Makes each of `sockets` that lies under /tmp or /var/tmp reachable at its own path inside the
 * private directories; returns the ones that could not be (another file system: no hard link).
 */
function keepReachable(p: PrivateTmp, sockets: readonly string[]): string[] {
  const lost: string[] = [];
  for (const socket of sockets) {
    const [base, inner] = [['/tmp', p.tmp], ['/var/tmp', p.varTmp]].find(([b]) => beneath(b!, socket) !== undefined) ?? [];
    if (!base || !inner) continue;
    const at = join(inner, beneath(base, socket)!);
    try {
      mkdirSync(dirname(at), { recursive: true, mode: 0o755 });
      linkSync(socket, at);
    } catch {
      lost.push(socket);
    }
  }
  return lost;
}

/**
 * The run's directories; `sockets`: svcd's sockets the unit's processes talk to (NOTIFY_SOCKET),
 * kept reachable. `unreachable`: those that could not be, for the caller to say so.
 */
export function createPrivateTmp(unit: string, sockets: readonly string[] = []): PrivateTmp & { readonly unreachable: readonly string[] } {
  const tmp = make('/tmp', unit);
  try {
    const varTmp = make('/var/tmp', unit);
    const dirs = { roots: [tmp.root, varTmp.root], tmp: tmp.inner, varTmp: varTmp.inner };
    return { ...dirs, unreachable: keepReachable(dirs, sockets) };
  } catch (e) {
    rmSync(tmp.root, { recursive: true, force: true });
    throw e;
  }
}

export function removePrivateTmp(p: PrivateTmp): void {
  for (const root of p.roots) rmSync(root, { recursive: true, force: true });
}
