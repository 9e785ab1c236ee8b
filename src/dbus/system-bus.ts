/**
 * org.freedesktop.systemd1 on the system bus, where one runs (/run/dbus/system_bus_socket, e.g.
 * dbus-daemon started by svcd as dbus.service): svcd connects as a client, takes the name and
 * answers the calls the bus routes to it with the same objects as on the private socket. Unlike a
 * direct peer, a bus caller is known by its unique name: its uid and pid are asked of the bus
 * driver before the call is dispatched, so what it may change is decided as on the private socket.
 *
 * The client's authentication is dbus-next's (lib/handshake.js); framing and encoding are wire.ts's.
 * The link comes and goes with the bus: attach() is called at start and whenever dbus.service or
 * dbus.socket changes state, and does nothing while connected or while there is no socket.
 */
import { existsSync } from 'node:fs';
import { createConnection, type Socket } from 'node:net';
import clientHandshake from 'dbus-next/lib/handshake.js';
import { BUS_NAME } from './paths.js';
import type { Caller, Dispatch } from './connection.js';
import { answerTo, encodeAnswer } from './answer.js';
import { encode, MessageReader, MessageType, NO_REPLY_EXPECTED, WireError, type BusMessage, type OutgoingMessage } from './wire.js';

export const SYSTEM_BUS_SOCKET = '/run/dbus/system_bus_socket';

const DRIVER = { destination: 'org.freedesktop.DBus', path: '/org/freedesktop/DBus', interface: 'org.freedesktop.DBus' } as const;
/** Callers' identities kept at once; unique names are never reused, so a cached one stays right. */
const MAX_CACHED_CALLERS = 1024;
/** How long attach() waits for a bus socket to appear: 50 × 100 ms. */
const SOCKET_WAIT_TRIES = 50;
const SOCKET_WAIT_MS = 100;

export interface SystemBusLink {
  /** Connects if a bus socket exists and svcd is not connected yet. */
  attach(): void;
  /** Whether svcd is on the bus with its name. */
  connected(): boolean;
  /** Sends a signal to the bus (which delivers it to whoever matches it). */
  broadcast(m: OutgoingMessage): void;
  close(): void;
}

type Pending = (m: BusMessage) => void;

export function linkSystemBus(dispatch: Dispatch, log: (text: string) => void, socketPath = SYSTEM_BUS_SOCKET): SystemBusLink {
  let sock: Socket | undefined;
  let ready = false;
  let closed = false;
  let serial = 0;
  const pending = new Map<number, Pending>();
  const callers = new Map<string, Promise<Caller>>();

  const send = (m: OutgoingMessage): number => {
    const n = ++serial;
    sock?.write(m.type === MessageType.methodReturn || m.type === MessageType.error ? encodeAnswer(m, n, log) : encode(m, n));
    return n;
  };
  /** A call to the bus driver; its answer (a return or an error) comes to `then`. */
  const driverCall = (member: string, signature: string, body: readonly unknown[], then: Pending): void => {
    pending.set(send({ type: MessageType.methodCall, ...DRIVER, member, signature, body }), then);
  };
  const driverValue = (member: string, sender: string): Promise<number> =>
    new Promise((resolve, reject) => driverCall(member, 's', [sender], (r) => (r.type === MessageType.methodReturn ? resolve(r.body[0] as number) : reject(new Error(String(r.body[0]))))));

  function callerOf(sender: string): Promise<Caller> {
    let c = callers.get(sender);
    if (c === undefined) {
      if (callers.size >= MAX_CACHED_CALLERS) callers.clear();
      c = Promise.all([driverValue('GetConnectionUnixUser', sender), driverValue('GetConnectionUnixProcessID', sender)]).then(([uid, pid]) => ({ uid, pid }));
      callers.set(sender, c);
      c.catch(() => callers.delete(sender));
    }
    return c;
  }

  function answer(call: BusMessage, a: unknown): void {
    if (call.flags & NO_REPLY_EXPECTED) return;
    send(answerTo(call, a, log));
  }

  function onCall(m: BusMessage): void {
    if (m.sender === undefined) return answer(m, new Error('a call without a sender'));
    callerOf(m.sender).then(
      (caller) => {
        let r;
        try {
          r = dispatch(m, caller);
        } catch (e) {
          return answer(m, e);
        }
        // Answered synchronously when it can be: the signals the call queued go out after its reply.
        if (r instanceof Promise) r.then((x) => answer(m, x), (e: unknown) => answer(m, e));
        else answer(m, r);
      },
      (e: unknown) => answer(m, new Error(`cannot identify the caller: ${(e as Error).message}`)),
    );
  }

  function onMessage(m: BusMessage): void {
    if (m.type === MessageType.methodCall) return onCall(m);
    if ((m.type === MessageType.methodReturn || m.type === MessageType.error) && m.replySerial !== undefined) {
      const then = pending.get(m.replySerial);
      pending.delete(m.replySerial);
      then?.(m);
    }
    // Signals (NameAcquired and kin): nothing awaits them.
  }

  function drop(why: string): void {
    if (sock === undefined) return;
    if (!closed) log(`D-Bus: ${ready ? 'left the system bus' : 'could not join the system bus'}: ${why}`);
    sock.destroy();
    sock = undefined;
    ready = false;
    pending.clear();
    callers.clear();
  }

  /**
   * A bus daemon started as a simple service is active before its socket exists: its appearance is
   * waited for a while (a timer at a time), as systemd waits for the bus after dbus.service starts.
   */
  let waiting: NodeJS.Timeout | undefined;
  function attach(tries = SOCKET_WAIT_TRIES): void {
    if (closed || sock !== undefined) return;
    if (!existsSync(socketPath)) {
      if (tries > 0 && waiting === undefined) waiting = setTimeout(() => { waiting = undefined; attach(tries - 1); }, SOCKET_WAIT_MS).unref();
      return;
    }
    const s = createConnection(socketPath);
    sock = s;
    s.on('error', (e) => drop(e.message));
    s.on('close', () => { if (sock === s) drop('the bus closed the connection'); });
    s.once('connect', () => {
      clientHandshake(s, { authMethods: ['EXTERNAL'] }, (err) => {
        if (err || sock !== s) return drop(`authentication: ${String(err)}`);
        const reader = new MessageReader();
        s.on('data', (d: Buffer) => {
          let ms: BusMessage[];
          try {
            ms = reader.push(d);
          } catch (e) {
            if (!(e instanceof WireError)) throw e;
            return drop(e.message);
          }
          for (const m of ms) onMessage(m);
        });
        driverCall('Hello', '', [], () => {
          // 0x4: DO_NOT_QUEUE — another owner means another manager; svcd then stays off the bus.
          driverCall('RequestName', 'su', [BUS_NAME, 4], (r) => {
            if (r.type === MessageType.methodReturn && r.body[0] === 1) {
              ready = true;
              log(`D-Bus: serving ${BUS_NAME} on the system bus`);
            } else drop(`the name ${BUS_NAME} is not ours (${String(r.body[0])})`);
          });
        });
      });
    });
  }

  return {
    attach: () => attach(),
    connected: () => ready,
    broadcast: (m) => {
      if (ready) send(m);
    },
    close: () => {
      closed = true;
      clearTimeout(waiting);
      drop('svcd is closing');
    },
  };
}
