// Property-based fuzzing of what svcd reads from journald's sockets (issue 18): the native protocol
// (sd_journal_send) and syslog datagrams (/dev/log). Any datagram a local process sends is parsed
// without an exception; the fields a client sends come back as sent, binary values too; a cut
// datagram keeps the fields before the cut; no trusted ("_") or invalid field name gets through.
// The seed is fixed so that a failure replays; FUZZ_RUNS raises the budget (scripts/fuzz.sh).
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { parseNative } from '../../src/journal/native-protocol.js';
import { parseSyslog } from '../../src/journal/syslog.js';

const SEED = 18;
const RUNS = Number(process.env.FUZZ_RUNS ?? 300);
vi.setConfig({ testTimeout: Math.max(60_000, RUNS * 60) });
const settings = { seed: SEED, numRuns: RUNS };

const fieldName = fc.stringMatching(/^[A-Z][A-Z0-9_]{0,20}$/);
const value = fc.oneof(fc.uint8Array({ maxLength: 40 }).map((a) => Buffer.from(a)), fc.string({ maxLength: 20 }).map((s) => Buffer.from(s)));

/** As sd_journal_send() writes a field: NAME=VALUE, or the binary form when the value has a newline. */
function encodeField([name, v]: [string, Buffer], forceBinary: boolean): Buffer {
  if (!forceBinary && !v.includes(10)) return Buffer.concat([Buffer.from(`${name}=`), v, Buffer.from('\n')]);
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(v.length));
  return Buffer.concat([Buffer.from(`${name}\n`), len, v, Buffer.from('\n')]);
}

describe('the native protocol (fuzzed)', () => {
  it('never throws, and lets through only client field names', () => {
    const near = fc.array(fc.oneof(fc.constantFrom('MESSAGE=', '_PID=1', 'PRIORITY=3', '=', '\n', 'X\n', '\0', 'a=b'), fc.uint8Array({ maxLength: 12 }).map((a) => Buffer.from(a).toString('latin1'))), { maxLength: 20 })
      .map((a) => Buffer.from(a.join(''), 'latin1'));
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a)), near), (b) => {
        const m = parseNative(b);
        for (const [name] of m.fields) expect(name).toMatch(/^[A-Z][A-Z0-9_]{0,63}$/);
        if (m.priority !== undefined) expect(m.priority).toBeGreaterThanOrEqual(0);
        if (m.priority !== undefined) expect(m.priority).toBeLessThanOrEqual(7);
      }),
      settings,
    );
  });

  it('gives back the fields sent, in order, binary values too; trusted fields are dropped', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fieldName, value, fc.boolean(), fc.boolean()), { maxLength: 8 }), (fields) => {
        const datagram = Buffer.concat(fields.map(([n, v, binary, trusted]) => encodeField([trusted ? `_${n}` : n, v], binary)));
        const m = parseNative(datagram);
        expect(m.fields).toEqual(fields.filter(([, , , trusted]) => !trusted).map(([n, v]) => [n, v]));
      }),
      settings,
    );
  });

  it('keeps the fields before the point where a datagram is cut', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fieldName, value, fc.boolean()), { minLength: 1, maxLength: 6 }), fc.nat(), (fields, cutAt) => {
        const parts = fields.map(([n, v, binary]) => encodeField([n, v], binary));
        const whole = Buffer.concat(parts);
        const cut = cutAt % (whole.length + 1);
        const got = parseNative(whole.subarray(0, cut)).fields;
        // The fields wholly before the cut, then at most one more (a text field cut in its value).
        let complete = 0;
        for (let end = 0, i = 0; i < parts.length; i++) if ((end += parts[i]!.length) <= cut) complete++;
        expect(got.slice(0, complete)).toEqual(fields.slice(0, complete).map(([n, v]) => [n, v]));
        expect(got.length).toBeLessThanOrEqual(complete + 1);
      }),
      settings,
    );
  });
});

describe('syslog datagrams (fuzzed)', () => {
  it('never throw; the level is 0-7, the facility 1-127, the message has no NUL', () => {
    const near = fc.array(fc.constantFrom('<', '>', '<13>', '<191>', '<999>', 'Dec  7 12:00:00 ', 'Jan 31 23:59:59 ', 'ident', '[42]', ':', ' ', '\t', '\n', '\0', 'é', 'msg'), { maxLength: 12 })
      .map((a) => Buffer.from(a.join('')));
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 200 }).map((a) => Buffer.from(a)), near), (b) => {
        const m = parseSyslog(b);
        expect(m.priority).toBeGreaterThanOrEqual(0);
        expect(m.priority).toBeLessThanOrEqual(7);
        expect(m.facility).toBeGreaterThanOrEqual(1);
        expect(m.facility).toBeLessThanOrEqual(127);
        expect(m.message.includes(0)).toBe(false);
      }),
      settings,
    );
  });

  it('reads back what syslog(3) writes: priority, timestamp, identifier, pid, message', () => {
    const word = fc.stringMatching(/^[a-zA-Z0-9_.-]{1,12}$/);
    const text = fc.string({ minLength: 1, maxLength: 30 }).filter((s) => !/[\0\s]/.test(s[0]!) && !/[\0]/.test(s) && !/\s$/.test(s));
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 7 }), word, fc.option(fc.integer({ min: 1, max: 4194304 }), { nil: undefined }), text,
        (facility, level, ident, pid, msg) => {
          const m = parseSyslog(Buffer.from(`<${facility * 8 + level}>Dec  7 12:34:56 ${ident}${pid === undefined ? '' : `[${pid}]`}: ${msg}`));
          expect({ ...m, message: m.message.toString(), raw: undefined }).toEqual({
            priority: level, facility: facility === 0 ? 1 : facility, identifier: ident, pid: pid === undefined ? undefined : String(pid),
            timestamp: 'Dec  7 12:34:56 ', message: msg, raw: undefined,
          });
        }),
      settings,
    );
  });
});
