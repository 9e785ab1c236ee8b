// A minimal client of a peer-to-peer D-Bus socket (/run/systemd/private), built on svcd's own wire
// code (dist/dbus/wire.js; `npm run build` first). It names no destination, as systemctl does:
// systemd's private socket refuses calls that name one (busctl and dbus-next always do).
// Used by scripts/record-dbus-signatures.mjs, scripts/record-dbus-signals.mjs (onSignal: every
// signal the manager sends) and bench/dbus.mjs.
import { Buffer } from 'node:buffer';
import { createConnection } from 'node:net';
import process from 'node:process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Connects and authenticates; call() sends a method call and resolves with the answer (return or error). */
export async function connectPeer(socketPath) {
  const { encode, MessageReader, MessageType } = await import(join(repo, 'dist/dbus/wire.js'));
  const sock = createConnection(socketPath);
  await new Promise((r, j) => { sock.once('connect', r); sock.once('error', j); });
  sock.write(`\0AUTH EXTERNAL ${Buffer.from(String(process.getuid())).toString('hex')}\r\nBEGIN\r\n`);
  const reader = new MessageReader();
  const waiting = new Map();
  const signalListeners = new Set();
  let auth = Buffer.alloc(0);
  let authed = false;
  sock.on('data', (d) => {
    if (!authed) {
      auth = Buffer.concat([auth, d]);
      const eol = auth.indexOf('\r\n');
      if (eol < 0) return;
      if (!auth.subarray(0, eol).toString().startsWith('OK ')) throw new Error(`authentication refused: ${auth}`);
      authed = true;
      d = auth.subarray(eol + 2);
      if (d.length === 0) return;
    }
    for (const m of reader.push(d)) {
      if (m.type === MessageType.signal) {
        for (const f of signalListeners) f(m);
        continue;
      }
      const w = waiting.get(m.replySerial);
      waiting.delete(m.replySerial);
      w?.(m);
    }
  });
  // A connection that ends fails what still waits, rather than leaving it waiting for ever.
  sock.on('close', () => {
    for (const w of waiting.values()) w(undefined);
    waiting.clear();
  });
  let serial = 0;
  return {
    MessageType,
    call(path, iface, member, signature = '', body = []) {
      const n = ++serial;
      const reply = new Promise((resolve, reject) => waiting.set(n, (m) => (m === undefined ? reject(new Error(`${member}: the connection closed`)) : resolve(m))));
      sock.write(encode({ type: MessageType.methodCall, path, interface: iface, member, ...(signature ? { signature, body } : {}) }, n));
      return reply;
    },
    /** Calls fn(message) for every signal received; returns the function that stops it. */
    onSignal(fn) {
      signalListeners.add(fn);
      return () => signalListeners.delete(fn);
    },
    close: () => sock.destroy(),
  };
}
