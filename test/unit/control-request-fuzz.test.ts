// Property-based fuzzing of the control protocol's edge (issue 18): request parsing never throws,
// every accepted request carries only parameters of the types its method takes, every refusal has a
// code a client knows, and line framing gives back the lines sent however the bytes are chunked.
// The seed is fixed so that a failure replays; FUZZ_RUNS raises the budget for a longer run.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LineReader, LineTooLongError, type Method } from '../../src/control/protocol.js';
import { parseRequest, REQUEST_SCHEMA } from '../../src/control/request.js';

const SEED = 18;
const RUNS = Number(process.env.FUZZ_RUNS ?? 300);
const settings = { seed: SEED, numRuns: RUNS };

const METHODS = Object.keys(REQUEST_SCHEMA) as Method[];
const PARAM_NAMES = [...new Set(METHODS.flatMap((m) => Object.keys(REQUEST_SCHEMA[m])))];
const REFUSAL_CODES = new Set(['invalid', 'version', 'unknown-method', 'invalid-argument']);

/** Values of every JSON shape, with the edge cases of the integer parameters near at hand. */
const anyValue = fc.oneof(
  fc.jsonValue(),
  fc.constantFrom(0, 1, 255, 256, -1, 1.5, 64, 65, 2 ** 32, Number.MAX_SAFE_INTEGER + 2, '3', 'exit', 'sideways', true, null, [], ['a'], [1], {}),
);
const requestLike = fc.record(
  {
    v: fc.oneof(fc.constant(1), anyValue),
    id: fc.oneof(fc.integer(), anyValue),
    method: fc.oneof(fc.constantFrom(...METHODS), fc.constantFrom('constructor', '__proto__', 'toString', 'hasOwnProperty'), fc.string()),
    params: fc.oneof(fc.dictionary(fc.constantFrom(...PARAM_NAMES, 'extra', '__proto__'), anyValue), anyValue),
  },
  { requiredKeys: [] },
);

/** The check, written again independently of request.ts: what an accepted value may be. */
function acceptable(method: Method, name: string, v: unknown): boolean {
  if (method === 'shutdown' && name === 'code') return Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 255;
  if (method === 'shutdown' && name === 'how') return ['exit', 'poweroff', 'halt', 'reboot'].includes(v as string);
  if (method === 'kill' && name === 'signal') return Number.isInteger(v) && (v as number) >= 1 && (v as number) <= 64;
  if (['color', 'wait', 'all', 'reverse'].includes(name)) return typeof v === 'boolean';
  if (['units', 'properties', 'types', 'states', 'patterns'].includes(name)) return Array.isArray(v) && v.every((x) => typeof x === 'string');
  if (['id', 'lines'].includes(name)) return Number.isInteger(v) && (v as number) >= 0;
  return typeof v === 'string';
}

let accepted = 0;
function checkParsed(line: string): void {
  const r = parseRequest(line);
  if (!r.ok) {
    expect(REFUSAL_CODES.has(r.refusal.error.code), r.refusal.error.code).toBe(true);
    expect(Number.isSafeInteger(r.refusal.id)).toBe(true);
    return;
  }
  accepted++;
  const { method, params } = r.request;
  expect(Object.hasOwn(REQUEST_SCHEMA, method)).toBe(true);
  for (const [name, v] of Object.entries(params)) {
    expect(Object.hasOwn(REQUEST_SCHEMA[method], name), `${method} ${name}`).toBe(true);
    expect(acceptable(method, name, v), `${method} ${name}=${JSON.stringify(v)}`).toBe(true);
  }
}

describe('control request parsing (fuzzed)', () => {
  it('never throws on any text, and refuses with a known code', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary' }), (s) => checkParsed(s)), settings);
  });

  it('accepts only parameters of the types the method takes', () => {
    accepted = 0;
    fc.assert(fc.property(requestLike, (req) => checkParsed(JSON.stringify(req))), { ...settings, numRuns: RUNS * 10 });
    // The generator must reach the handlers' side too, not only the refusals.
    expect(accepted).toBeGreaterThan(0);
  });
});

describe('line framing (fuzzed)', () => {
  const line = fc.string({ unit: 'grapheme', maxLength: 40 }).map((s) => s.replace(/\n/g, ''));

  it('gives back every non-blank line, however the bytes are cut', () => {
    fc.assert(
      fc.property(fc.array(line, { maxLength: 20 }), fc.array(fc.integer({ min: 1, max: 17 }), { minLength: 1 }), (lines, cuts) => {
        const bytes = Buffer.from(lines.map((l) => `${l}\n`).join(''));
        const got: string[] = [];
        const reader = new LineReader((l) => got.push(l));
        for (let at = 0, i = 0; at < bytes.length; i++) {
          const n = cuts[i % cuts.length]!;
          reader.push(bytes.subarray(at, at + n));
          at += n;
        }
        expect(got).toEqual(lines.filter((l) => l.trim() !== ''));
      }),
      settings,
    );
  });

  it('refuses a line past its limit, and only such a line', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 60 }), { minLength: 1, maxLength: 10 }), (lengths) => {
        const limit = 40;
        const reader = new LineReader(() => {}, limit);
        const push = () => reader.push(lengths.map((n) => `${'x'.repeat(n)}\n`).join(''));
        if (lengths.some((n) => n > limit)) expect(push).toThrow(LineTooLongError);
        else expect(push).not.toThrow();
      }),
      settings,
    );
  });
});
