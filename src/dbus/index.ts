/**
 * org.freedesktop.systemd1 on the private bus and, where one runs, on the system bus: the socket,
 * the objects behind it and the signals they send, wired together for svcd.ts. docs/dbus.md says
 * what is served and how it differs.
 */
import { existsSync } from 'node:fs';
import type { ManagerApi } from '../engine/api.js';
import { objectDispatcher } from './objects.js';
import { startBusServer, type BusServer } from './server.js';
import { startSignals, type SignalSink } from './signals.js';
import { linkSystemBus, SYSTEM_BUS_SOCKET } from './system-bus.js';

export interface ManagerBus {
  /** daemon-reexec: the listening socket's fd for the next svcd (see BusServer.handOver). */
  handOver(): number | undefined;
  close(): void;
}

export interface ManagerBusOptions {
  /** The private socket's path (/run/systemd/private for the system manager). */
  readonly path: string;
  /** Take org.freedesktop.systemd1 on the system bus when there is one (the system manager only). */
  readonly systemBus: boolean;
  /** The socket the svcd before a daemon-reexec listened on. */
  readonly inheritedFd?: number;
}

/** The units whose changes may mean the system bus came or went. */
const BUS_UNITS = new Set(['dbus.service', 'dbus.socket']);

export function serveManagerBus(opts: ManagerBusOptions, api: ManagerApi, log: (text: string) => void): ManagerBus {
  // The signals are sent on a later turn of the event loop, by when `server` is set.
  const sink: SignalSink = {
    broadcast: (m) => {
      server.broadcast(m);
      link.broadcast(m);
    },
    connections: () => server.connections() + (link.connected() ? 1 : 0),
  };
  const signals = startSignals(api, () => sink, log);
  const dispatch = objectDispatcher(api, signals.emit);
  const server: BusServer = startBusServer(opts.path, dispatch, log, opts.inheritedFd);
  const link = linkSystemBus(dispatch, log);
  const unwatch = opts.systemBus ? api.subscribe({ unitChanged: (id) => { if (BUS_UNITS.has(id)) setImmediate(() => link.attach()); } }) : () => {};
  // At start only if the socket is there already: a bus started later comes with its unit's change.
  if (opts.systemBus && existsSync(SYSTEM_BUS_SOCKET)) link.attach();
  return {
    handOver: () => server.handOver(),
    close: () => {
      unwatch();
      signals.close();
      link.close();
      server.close();
    },
  };
}
