/**
 * The private bus: a listening socket speaking peer-to-peer D-Bus (no bus daemon, no Hello needed),
 * as systemd's /run/systemd/private, which systemctl tries first when run as root. Connections are
 * capped; each one's peer is read with SO_PEERCRED when accepted, and the dispatcher decides per
 * call what that peer may do.
 */
import { chmodSync, mkdirSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { randomBytes } from 'node:crypto';
import { dirname } from 'node:path';
import { keepAcrossExec, peerCredentials } from '../exec/native.js';
import { BusConnection, type Caller, type Dispatch } from './connection.js';
import type { OutgoingMessage } from './wire.js';

/** Connections served at once; one more is closed at once (systemd's limit is alike in size). */
export const MAX_BUS_CONNECTIONS = 256;

export interface BusServer {
  /** Sends a signal to every authenticated peer (systemd sends to all direct peers unconditionally). */
  broadcast(m: OutgoingMessage): void;
  /** How many peers are connected now. */
  connections(): number;
  /**
   * daemon-reexec: the listening socket's fd, kept open across the exec for the next svcd to
   * listen on, so a client connecting meanwhile waits in the backlog instead of finding no socket.
   */
  handOver(): number | undefined;
  close(): void;
}

/** `inheritedFd`: the socket a previous svcd handed over (daemon-reexec), listened on as it is. */
export function startBusServer(path: string, dispatch: Dispatch, log: (text: string) => void, inheritedFd?: number, maxConnections = MAX_BUS_CONNECTIONS): BusServer {
  // One GUID per server, as the spec asks: clients compare it to know they reached the same one.
  const guid = randomBytes(16).toString('hex');
  const peers = new Set<BusConnection>();
  if (inheritedFd === undefined) {
    mkdirSync(dirname(path), { recursive: true });
    // Whatever the umask was (the control socket narrows it while it binds): others must reach the socket.
    chmodSync(dirname(path), 0o755);
    rmSync(path, { force: true });
  }
  const server: Server = createServer((sock: Socket) => {
    sock.on('error', () => {});
    if (peers.size >= maxConnections) {
      sock.destroy();
      return;
    }
    const fd = (sock as unknown as { _handle?: { fd?: number } })._handle?.fd;
    let caller: Caller;
    try {
      const c = peerCredentials(fd ?? -1);
      caller = { uid: c.uid, pid: c.pid };
    } catch (e) {
      log(`D-Bus: cannot read peer credentials: ${(e as Error).message}`);
      sock.destroy();
      return;
    }
    const conn = new BusConnection(sock, caller, guid, dispatch, log);
    peers.add(conn);
    sock.once('close', () => peers.delete(conn));
  });
  server.on('error', (e) => log(`D-Bus socket ${path}: ${e.message}`));
  if (inheritedFd !== undefined) server.listen({ fd: inheritedFd });
  else server.listen(path, () => {
    // Anyone may connect and read; what changes the system asks for uid 0 call by call.
    try {
      chmodSync(path, 0o666);
    } catch (e) {
      log(`D-Bus socket ${path}: ${(e as Error).message}`);
    }
  });
  return {
    broadcast: (m) => {
      for (const p of peers) if (p.authenticated && !p.closed) p.send(m);
    },
    connections: () => peers.size,
    handOver: () => {
      const fd = (server as unknown as { _handle?: { fd?: number } })._handle?.fd;
      if (fd === undefined || fd < 0 || keepAcrossExec(fd) !== 0) return undefined;
      return fd;
    },
    close: () => {
      server.close();
    },
  };
}
