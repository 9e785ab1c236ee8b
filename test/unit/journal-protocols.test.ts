// The syslog datagram and native-protocol parsers, on the cases journald 252's own rules decide
// (the oracle's answers for the same datagrams are in test/fixtures/journal-sockets/oracle.json).
import { describe, expect, it } from 'vitest';
import { parseSyslog } from '../../src/journal/syslog.js';
import { parseNative } from '../../src/journal/native-protocol.js';

const b = (s: string) => Buffer.from(s, 'latin1');

describe('parseSyslog', () => {
  it('splits priority, facility, RFC 3164 timestamp, identifier and pid', () => {
    const m = parseSyslog(b('<13>Nov 22 18:50:01 rawid[4242]: raw syslog line'));
    expect(m).toMatchObject({ priority: 5, facility: 1, timestamp: 'Nov 22 18:50:01 ', identifier: 'rawid', pid: '4242', raw: undefined });
    expect(m.message.toString()).toBe('raw syslog line');
  });
  it('keeps the datagram as SYSLOG_RAW when there is no timestamp, and defaults to user.info', () => {
    expect(parseSyslog(b('<165>no header at all'))).toMatchObject({ priority: 5, facility: 20, identifier: undefined });
    const m = parseSyslog(b('just text'));
    expect(m).toMatchObject({ priority: 6, facility: 1 });
    expect(m.raw?.toString()).toBe('just text');
  });
  it('gives a bare level the user facility, strips whitespace, and cuts at NUL', () => {
    const m = parseSyslog(b('<3>Jan  5 01:02:03 tag: hello  \n'));
    expect(m).toMatchObject({ priority: 3, facility: 1, timestamp: 'Jan  5 01:02:03 ', identifier: 'tag' });
    expect(m.message.toString()).toBe('hello');
    expect(m.raw).toBeDefined();
    expect(parseSyslog(b('<14>Jan  5 01:02:03 tag: a\0b')).message.toString()).toBe('a');
  });
  it('takes no identifier from a first word without a colon', () => {
    const m = parseSyslog(b('<14>Jan  5 01:02:03 hello world'));
    expect(m.identifier).toBeUndefined();
    expect(m.message.toString()).toBe('hello world');
  });
});

describe('parseNative', () => {
  it('reads KEY=VALUE and binary fields, dropping trusted and invalid names', () => {
    const v = b('two\nlines');
    const len = Buffer.alloc(8);
    len.writeBigUInt64LE(BigInt(v.length));
    const m = parseNative(Buffer.concat([b('PRIORITY=4\nSYSLOG_IDENTIFIER=id\n_PID=9\nlower=x\nMESSAGE\n'), len, v, b('\nFOO=bar\n')]));
    expect(m.fields.map(([k, x]) => [k, x.toString()])).toEqual([['PRIORITY', '4'], ['SYSLOG_IDENTIFIER', 'id'], ['MESSAGE', 'two\nlines'], ['FOO', 'bar']]);
    expect(m).toMatchObject({ priority: 4, identifier: 'id' });
  });
  it('stops at a binary field whose length runs past the datagram', () => {
    const len = Buffer.alloc(8);
    len.writeBigUInt64LE(1000n);
    expect(parseNative(Buffer.concat([b('A=1\nMESSAGE\n'), len, b('short\n')])).fields.map(([k]) => k)).toEqual(['A']);
  });
});
