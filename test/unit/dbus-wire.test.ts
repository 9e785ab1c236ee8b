// The private bus's hand-written parts: the server side of the authentication conversation (as
// systemctl and dbus-next speak it) and the framing of messages with their limits.
import { describe, expect, it } from 'vitest';
import { MAX_AUTH_BYTES, SaslServer } from '../../src/dbus/sasl.js';
import { encode, MAX_MESSAGE_BYTES, MessageReader, MessageType, WireError } from '../../src/dbus/wire.js';
import { busLabelEscape, busLabelUnescape, parseObjectPath, unitPath } from '../../src/dbus/paths.js';
import { writeRowArray } from '../../src/dbus/row-writer.js';
import messageCodec from 'dbus-next/lib/message.js';

const hexUid = (uid: number) => Buffer.from(String(uid)).toString('hex');

describe('SASL EXTERNAL, the server side', () => {
  it('systemctl\'s handshake in one write: DATA, OK, ERROR for fd passing, then BEGIN with its first call after it', () => {
    const s = new SaslServer(0, 'a'.repeat(32));
    const call = encode({ type: MessageType.methodCall, path: '/org/freedesktop/systemd1', member: 'GetUnit', signature: 's', body: ['x.service'] }, 1);
    const step = s.push(Buffer.concat([Buffer.from('\0AUTH EXTERNAL\r\nDATA\r\nNEGOTIATE_UNIX_FD\r\nBEGIN\r\n'), call]));
    expect(step).toEqual({ kind: 'begin', reply: `DATA\r\nOK ${'a'.repeat(32)}\r\nERROR "Unix fd passing not supported"\r\n`, rest: call });
  });

  it('dbus-next\'s: the uid in the AUTH line, in pieces', () => {
    const s = new SaslServer(1000, 'g');
    expect(s.push(Buffer.from('\0AUTH EXTERNAL ' + hexUid(1000).slice(0, 2)))).toEqual({ kind: 'more', reply: '' });
    expect(s.push(Buffer.from(hexUid(1000).slice(2) + '\r\n'))).toEqual({ kind: 'more', reply: 'OK g\r\n' });
    expect(s.push(Buffer.from('BEGIN\r\n')).kind).toBe('begin');
  });

  it('refuses another uid than the kernel\'s, other mechanisms, BEGIN before OK, a missing NUL and endless chatter', () => {
    expect(new SaslServer(1000, 'g').push(Buffer.from(`\0AUTH EXTERNAL ${hexUid(0)}\r\n`)).reply).toBe('REJECTED EXTERNAL\r\n');
    expect(new SaslServer(0, 'g').push(Buffer.from('\0AUTH DBUS_COOKIE_SHA1 30\r\n')).reply).toBe('REJECTED EXTERNAL\r\n');
    expect(new SaslServer(0, 'g').push(Buffer.from('\0BEGIN\r\n')).kind).toBe('fail');
    expect(new SaslServer(0, 'g').push(Buffer.from('AUTH EXTERNAL\r\n')).kind).toBe('fail');
    const s = new SaslServer(0, 'g');
    let last = s.push(Buffer.from('\0'));
    for (let i = 0; i < MAX_AUTH_BYTES / 8 + 1 && last.kind === 'more'; i++) last = s.push(Buffer.from('AUTH X\r\n'));
    expect(last.kind).toBe('fail');
  });
});

describe('message framing', () => {
  const msg = (serial: number) => encode({ type: MessageType.methodCall, path: '/a', member: 'M', signature: 'su', body: ['x', serial] }, serial);

  it('cuts a stream into messages whatever the chunking', () => {
    const stream = Buffer.concat([msg(1), msg(2), msg(3)]);
    const r = new MessageReader();
    const got = [];
    for (let i = 0; i < stream.length; i += 7) got.push(...r.push(stream.subarray(i, i + 7)));
    expect(got.map((m) => [m.serial, m.body])).toEqual([[1, ['x', 1]], [2, ['x', 2]], [3, ['x', 3]]]);
  });

  it('refuses, before reading it, a message longer than the limit; refuses bad endianness and bodies that lie', () => {
    const huge = Buffer.from([0x6c, 1, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0]);
    huge.writeUInt32LE(MAX_MESSAGE_BYTES, 4);
    expect(() => new MessageReader().push(huge)).toThrow(WireError);
    expect(() => new MessageReader().push(Buffer.alloc(16, 0x41))).toThrow(/endianness/);
    // An array claiming 4 GiB inside a small message.
    const m = encode({ type: MessageType.methodCall, path: '/a', member: 'M', signature: 'ay', body: [Buffer.from('abc')] }, 1);
    const at = m.length - 3 - 4;
    m.writeUInt32LE(0xffff_fff0, at);
    expect(() => new MessageReader().push(m)).toThrow(WireError);
  });

  it('a call without body or signature (Ping) decodes with an empty body', () => {
    const [m] = new MessageReader().push(encode({ type: MessageType.methodCall, path: '/a', interface: 'org.freedesktop.DBus.Peer', member: 'Ping' }, 9));
    expect(m).toMatchObject({ serial: 9, member: 'Ping', signature: '', body: [] });
  });
});

describe('object paths', () => {
  it('escape unit names as systemd does, and back', () => {
    expect(unitPath('dbus.service')).toBe('/org/freedesktop/systemd1/unit/dbus_2eservice');
    expect(busLabelEscape('-.mount')).toBe('_2d_2emount');
    expect(busLabelEscape('getty@tty1.service')).toBe('getty_40tty1_2eservice');
    expect(busLabelUnescape('getty_40tty1_2eservice')).toBe('getty@tty1.service');
    expect(parseObjectPath('/org/freedesktop/systemd1/unit/x_2')).toBeUndefined();
    expect(parseObjectPath('/org/freedesktop/systemd1/job/12')).toEqual({ kind: 'job', id: 12 });
  });
});

describe('the row writer for long lists', () => {
  // The reference is dbus-next's marshaller (the same message with the writer out of the way).
  const reference = (signature: string, rows: unknown[][], serial: number) =>
    messageCodec.marshall({ type: MessageType.methodReturn, replySerial: 7, serial, signature, body: [rows] })[0];
  const text = (seed: number) => ['', 'a', 'web.service', 'Ünïcode – ✓', '/org/freedesktop/systemd1/unit/x_2eservice', 'x'.repeat(seed % 300)][seed % 6]!;

  it('writes the bytes dbus-next writes, for ListUnits\', ListJobs\' and ListUnitFiles\' rows of every length', () => {
    for (const signature of ['a(ssssssouso)', 'a(usssoo)', 'a(ss)', 'a(sus)']) {
      for (const n of [0, 1, 2, 3, 17, 200]) {
        const rows = Array.from({ length: n }, (_, i) => [...signature.slice(2, -1)].map((f, j) => (f === 'u' ? (i * 7919 + j) % 0xffff_ffff : text(i * 31 + j))));
        expect(encode({ type: MessageType.methodReturn, replySerial: 7, signature, body: [rows] }, 5)).toEqual(reference(signature, rows, 5));
      }
    }
  });

  it('reads back through the reader, and refuses rows that do not fit', () => {
    const rows = [['a.service', 'A', 'loaded', 'active', 'running', '', '/o/a', 3, 'start', '/o/j/3']];
    const [m] = new MessageReader().push(encode({ type: MessageType.methodCall, path: '/a', member: 'M', signature: 'a(ssssssouso)', body: [rows] }, 1));
    expect(m!.body).toEqual([rows]);
    expect(() => writeRowArray('a(su)', [['x', -1]])).toThrow();
    expect(() => writeRowArray('a(su)', [['x']])).toThrow();
    expect(() => writeRowArray('a(ss)', [['x', 'nul\0']])).toThrow();
  });
});
