/**
 * D-Bus messages on a byte stream: cutting the stream into whole messages (bounded, checked
 * before a byte of the body is read) and turning them into typed values and back. The encoding
 * itself is dbus-next's (its internal message module: the package is pinned exactly for that);
 * what it lacks for a server is the framing with limits, which is here.
 */
import messageCodec from 'dbus-next/lib/message.js';
import type { RawMessage } from 'dbus-next/lib/message.js';
import DBusBuffer from 'dbus-next/lib/dbus-buffer.js';
import constants from 'dbus-next/lib/constants.js';
import { isRowArray, writeRowArray } from './row-writer.js';

export const MessageType = { methodCall: 1, methodReturn: 2, error: 3, signal: 4 } as const;
export type MessageTypeNumber = (typeof MessageType)[keyof typeof MessageType];
/** The header flag that says the caller wants no reply. */
export const NO_REPLY_EXPECTED = 0x1;

/** A message read from a peer, its header checked. */
export interface BusMessage {
  readonly type: MessageTypeNumber;
  readonly flags: number;
  readonly serial: number;
  readonly path?: string;
  readonly interface?: string;
  readonly member?: string;
  readonly errorName?: string;
  readonly replySerial?: number;
  readonly destination?: string;
  /** Who sent it, as a bus daemon stamps it (absent on the peer-to-peer socket). */
  readonly sender?: string;
  readonly signature: string;
  readonly body: readonly unknown[];
}

/** A message svcd sends; the serial is the connection's. */
export type OutgoingMessage = Omit<BusMessage, 'serial' | 'flags' | 'body' | 'signature'> & { readonly signature?: string; readonly body?: readonly unknown[] };

/** The largest message svcd reads (systemctl's largest call is a list of unit names). */
export const MAX_MESSAGE_BYTES = 1024 * 1024;
const FIXED_HEADER = 16;

export class WireError extends Error {}

/** The whole length of the message starting `buf`, or undefined while its fixed header is incomplete. */
function messageLength(buf: Buffer): number | undefined {
  if (buf.length < FIXED_HEADER) return undefined;
  const endian = buf[0];
  if (endian !== 0x6c && endian !== 0x42) throw new WireError(`bad endianness byte 0x${endian!.toString(16)}`);
  if (buf[3] !== 1) throw new WireError(`protocol version ${buf[3]} not supported`);
  if (buf[1]! < 1 || buf[1]! > 4) throw new WireError(`bad message type ${buf[1]}`);
  const le = endian === 0x6c;
  const body = le ? buf.readUInt32LE(4) : buf.readUInt32BE(4);
  const fields = le ? buf.readUInt32LE(12) : buf.readUInt32BE(12);
  // Each checked alone first, so the sum below cannot be fooled by overflow.
  if (body > MAX_MESSAGE_BYTES || fields > MAX_MESSAGE_BYTES) throw new WireError('message too large');
  const total = FIXED_HEADER + ((fields + 7) & ~7) + body;
  if (total > MAX_MESSAGE_BYTES) throw new WireError('message too large');
  return total;
}

/** Cuts a byte stream into whole messages; what it holds is at most one unfinished message. */
export class MessageReader {
  private buf: Buffer = Buffer.alloc(0);

  /** The messages the chunk completes; throws WireError when the stream cannot be a D-Bus stream. */
  push(chunk: Buffer): BusMessage[] {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    const out: BusMessage[] = [];
    for (;;) {
      const n = messageLength(this.buf);
      if (n === undefined || this.buf.length < n) break;
      const one = this.buf.subarray(0, n);
      this.buf = this.buf.subarray(n);
      out.push(decode(Buffer.from(one)));
    }
    return out;
  }
}

/**
 * A reader that refuses to read past the message: dbus-next's own reads bytes past the end as
 * undefined and would walk a forged 4 GiB array length element by element.
 */
function boundedReader(b: Buffer): DBusBuffer {
  const r = new DBusBuffer(b, 0, b[0]!, null, { ayBuffer: true });
  const readInt8 = r.readInt8.bind(r);
  const readArray = r.readArray.bind(r);
  r.readInt8 = () => {
    if (r.pos >= b.length) throw new WireError('read past the end of the message');
    return readInt8();
  };
  r.readArray = (element, size) => {
    if (size > b.length - r.pos) throw new WireError('array longer than the message');
    return readArray(element, size);
  };
  return r;
}

/** dbus-next's unmarshall(), which also reads a body that has no signature (and fails). */
function unmarshall(b: Buffer): RawMessage {
  const r = boundedReader(b);
  const [, type, flags, , bodyLength, serial, fields] = r.read('yyyyuua(yv)') as [number, number, number, number, number, number, [number, [unknown, unknown[]]][]];
  const m: Record<string, unknown> = { type, flags, serial };
  for (const [code, [, [value]]] of fields) {
    const name = constants.headerTypeName[code];
    if (name) m[name] = value;
  }
  r.align(3);
  if (bodyLength > 0) {
    if (typeof m.signature !== 'string' || m.signature === '') throw new WireError('a body without a signature');
    m.body = r.read(m.signature);
    if (r.pos !== b.length) throw new WireError('body does not match its signature');
  } else if (typeof m.signature === 'string' && m.signature !== '') throw new WireError('a signature without a body');
  return m as RawMessage;
}

function decode(b: Buffer): BusMessage {
  let m: RawMessage;
  try {
    m = unmarshall(b);
  } catch (e) {
    throw new WireError(`undecodable message: ${(e as Error).message}`);
  }
  const type = m.type as MessageTypeNumber;
  if ((m.unixFd ?? 0) > 0) throw new WireError('file descriptors were not negotiated');
  if (type === MessageType.methodCall && (!m.path || !m.member)) throw new WireError('method call without path or member');
  return {
    type,
    flags: m.flags ?? 0,
    serial: m.serial ?? 0,
    path: m.path,
    interface: m.interface,
    member: m.member,
    errorName: m.errorName,
    replySerial: m.replySerial,
    destination: m.destination,
    sender: m.sender,
    signature: m.signature ?? '',
    body: m.body ?? [],
  };
}

export function encode(m: OutgoingMessage, serial: number): Buffer {
  const raw: RawMessage = { ...m, serial, body: m.body ? [...m.body] : undefined };
  if (!m.signature) delete raw.body;
  const rows = m.signature && isRowArray(m.signature) && m.body?.length === 1 && Array.isArray(m.body[0]) ? (m.body[0] as unknown[][]) : undefined;
  if (rows === undefined || rows.length === 0) return messageCodec.marshall(raw)[0];
  // A long list: the header is dbus-next's (written with an empty array, whose body is its length
  // and padding, 8 bytes), the body row-writer.ts's.
  const head = messageCodec.marshall({ ...raw, body: [[]] })[0];
  if (head[0] !== 0x6c) return messageCodec.marshall(raw)[0];
  const body = writeRowArray(m.signature!, rows);
  const out = Buffer.concat([head.subarray(0, head.length - 8), body]);
  out.writeUInt32LE(body.length, 4);
  return out;
}
