/**
 * A socket unit's fds on the real machine (systemd's socket_open_fds/socket_close_fds): each
 * Listen…= line bound through the addon with the unit's options, unix socket files and FIFOs made
 * in their parent directories (DirectoryMode=), given SocketMode= and SocketUser=/SocketGroup=,
 * Symlinks= pointing at the one node; on the first failure, what was opened is closed again and
 * the unit logs systemd's words for it ("Failed to create listening socket (ADDRESS): ERROR").
 */
import { chmodSync, chownSync, closeSync, constants, existsSync, mkdirSync, openSync, rmSync, symlinkSync, unlinkSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Connection, ListenFailure, ListenRequest, SocketOptions } from '../engine/system.js';
import { resolveCredentials } from '../exec/exec-context.js';
import * as native from '../exec/native.js';
import { listenText } from '../unit/model.js';
import { kernelHasIPv6, type SocketAddress } from '../unit/values/socket-address.js';

const SOCKET_TYPES = { ListenStream: 'stream', ListenDatagram: 'dgram', ListenSequentialPacket: 'seqpacket' } as const;

/** The strerror() part of an addon or fs error ("bind: Address already in use" → "Address already in use"). */
function reason(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  if (typeof err.errno === 'number' && err.syscall && err.message.startsWith(`${err.syscall}: `)) return err.message.slice(err.syscall.length + 2);
  // Node's fs words are strerror()'s in lower case ("ENOENT: no such file or directory, mkdir '…'").
  const text = err.message.replace(/^[A-Z]+: /, '').replace(/, \w+ '.*'$/, '');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function target(a: SocketAddress): Omit<native.ListenSpec, 'type'> {
  switch (a.family) {
    case 'any':
      return kernelHasIPv6() ? { family: 'inet6', host: '::', port: a.port } : { family: 'inet', host: '0.0.0.0', port: a.port };
    case 'inet':
    case 'inet6':
      return { family: a.family, host: a.host, port: a.port };
    case 'unix':
      return { family: 'unix', path: a.path };
    case 'vsock':
      return { family: 'vsock', cid: a.cid, port: a.port };
  }
}

/** The file system node a line makes (a unix socket file, a FIFO), if any. */
function nodeOf(l: ListenRequest): string | undefined {
  if (l.socket) return l.socket.family === 'unix' && l.socket.path.startsWith('/') ? l.socket.path : undefined;
  return l.kind === 'ListenFIFO' ? l.address : undefined;
}

/**
 * mkdir -p of `dir`, each missing component made with `mode` (systemd's mkdir_parents). Not
 * mkdirSync's recursive option: Node loops forever on a parent that cannot hold directories
 * (/proc/nonexistent), where the unit must fail with ENOENT instead.
 */
function mkdirParents(dir: string, mode: number): void {
  const missing: string[] = [];
  for (let d = dir; !existsSync(d); d = dirname(d)) missing.unshift(d);
  for (const d of missing) {
    try {
      mkdirSync(d, { mode });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
}

function ownNode(path: string, o: SocketOptions): void {
  chmodSync(path, o.socketMode);
  if (o.socketUser === undefined && o.socketGroup === undefined) return;
  const c = resolveCredentials(o.socketUser ?? '0', o.socketGroup, []);
  if (typeof c === 'string') throw new Error(c);
  chownSync(path, o.socketUser === undefined ? -1 : c.uid, c.gid);
}

function openOne(l: ListenRequest, o: SocketOptions, warn?: (text: string) => void): number {
  const node = nodeOf(l);
  if (node) mkdirParents(dirname(node), o.directoryMode);
  if (l.kind === 'ListenFIFO') {
    const fd = native.makeFifo(l.address, o.socketMode);
    ownNode(l.address, o);
    return fd;
  }
  if (l.kind === 'ListenSpecial') return openSync(l.address, constants.O_RDONLY | constants.O_NOCTTY | constants.O_NONBLOCK | constants.O_NOFOLLOW);
  if (l.netlink) return native.listenNetlink(l.netlink.protocol, l.netlink.group, o.passCredentials);
  if (l.kind === 'ListenMessageQueue') return native.openMessageQueue(l.address, o.socketMode);
  const type = SOCKET_TYPES[l.kind as keyof typeof SOCKET_TYPES];
  if (!type || !l.socket) throw Object.assign(new Error('Address family not supported by protocol'), { errno: 97 });
  const fd = native.listenSocket({ type, ...target(l.socket), ...o, warn });
  if (node) {
    try {
      ownNode(node, o);
    } catch (e) {
      closeSync(fd);
      throw e;
    }
  }
  return fd;
}

/** `warn`: told of each socket option the kernel refused (the socket is opened without it, as systemd's). */
export function openListeners(listen: readonly ListenRequest[], o: SocketOptions, warn?: (text: string) => void): readonly number[] | ListenFailure {
  const fds: number[] = [];
  for (const l of listen) {
    try {
      fds.push(openOne(l, o, warn));
    } catch (e) {
      closeListeners(fds, [], o);
      const why = reason(e);
      return { error: `Failed to create listening socket (${listenText(l, kernelHasIPv6())}): ${why}`, reason: why };
    }
  }
  // Kept across daemon-reexec's exec (the next svcd takes them over); services never inherit them,
  // as spawn marks every fd past the ones it hands over close-on-exec in the child.
  for (const fd of fds) native.keepAcrossExec(fd);
  const nodes = listen.map(nodeOf).filter((n): n is string => n !== undefined);
  for (const link of o.symlinks) {
    if (nodes.length !== 1) break;
    try {
      rmSync(link, { force: true });
      mkdirParents(dirname(link), 0o755);
      symlinkSync(nodes[0]!, link);
    } catch {
      // systemd ignores a symlink it cannot make (socket_symlink logs and goes on).
    }
  }
  return fds;
}

export function closeListeners(fds: readonly number[], listen: readonly ListenRequest[], o: SocketOptions): void {
  for (const fd of fds) {
    try {
      closeSync(fd);
    } catch {
      // already closed
    }
  }
  if (!o.removeOnStop) return;
  for (const l of listen) if (l.kind === 'ListenMessageQueue') native.unlinkMessageQueue(l.address);
  for (const path of [...listen.map(nodeOf), ...o.symlinks]) {
    if (path === undefined) continue;
    try {
      unlinkSync(path);
    } catch {
      // gone already
    }
  }
}

/** accept4() on a listening fd; the endpoints as systemd's instance_from_socket() writes them. */
export function acceptConnection(fd: number): Connection | undefined {
  const c = native.acceptConnection(fd);
  if (!c) return undefined;
  if (c.family === 'unix') return { fd: c.fd, endpoints: `${c.pid ?? 0}-${c.uid ?? 0}`, peer: `PID ${c.pid ?? 0}/UID ${c.uid ?? 0}` };
  const source = c.remote.slice(0, c.remote.lastIndexOf(':'));
  // An IPv6 peer in brackets, a vsock one after its family (getpeername_pretty()).
  const port = c.remote.slice(source.length + 1);
  const peer = c.family === 'vsock' ? `vsock:${c.remote}` : source.includes(':') ? `[${source}]:${port}` : c.remote;
  return { fd: c.fd, endpoints: `${c.local}-${c.remote}`, source, peer };
}
