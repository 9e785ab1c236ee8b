/**
 * org.freedesktop.systemd1 on the private bus: the socket, the objects behind it and the signals
 * they send, wired together for svcd.ts. docs/dbus.md says what is served and how it differs.
 */
import type { ManagerApi } from '../engine/api.js';
import { objectDispatcher } from './objects.js';
import { startBusServer, type BusServer } from './server.js';
import { startSignals } from './signals.js';

export interface ManagerBus {
  /** daemon-reexec: the listening socket's fd for the next svcd (see BusServer.handOver). */
  handOver(): number | undefined;
  close(): void;
}

/** `inheritedFd`: the socket the svcd before a daemon-reexec listened on. */
export function serveManagerBus(path: string, api: ManagerApi, log: (text: string) => void, inheritedFd?: number): ManagerBus {
  // The signals are sent on a later turn of the event loop, by when `server` is set.
  const signals = startSignals(api, () => server, log);
  const server: BusServer = startBusServer(path, objectDispatcher(api, signals.emit), log, inheritedFd);
  return {
    handOver: () => server.handOver(),
    close: () => {
      signals.close();
      server.close();
    },
  };
}
