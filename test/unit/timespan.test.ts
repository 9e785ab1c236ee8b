// parseTimespan/formatTimespan against systemd.time(7) and systemd's documented edge cases.
import { describe, expect, it } from 'vitest';
import {
  formatTimespan,
  parseTimespan,
  usecToMs,
  USEC_INFINITY,
  USEC_PER_MINUTE,
  USEC_PER_SEC,
} from '../../src/shared/timespan.js';

const p = (s: string, unit?: bigint): bigint | string => {
  const r = parseTimespan(s, unit);
  return r.ok ? r.value : r.error;
};

describe('parseTimespan (systemd.time(7), "Parsing Time Spans")', () => {
  it('knows every documented unit spelling', () => {
    const units: Record<string, bigint> = {
      usec: 1n, us: 1n, 'μs': 1n, 'µs': 1n, msec: 1000n, ms: 1000n,
      seconds: USEC_PER_SEC, second: USEC_PER_SEC, sec: USEC_PER_SEC, s: USEC_PER_SEC,
      minutes: USEC_PER_MINUTE, minute: USEC_PER_MINUTE, min: USEC_PER_MINUTE, m: USEC_PER_MINUTE,
      hours: 3_600_000_000n, hour: 3_600_000_000n, hr: 3_600_000_000n, h: 3_600_000_000n,
      days: 86_400_000_000n, day: 86_400_000_000n, d: 86_400_000_000n,
      weeks: 604_800_000_000n, week: 604_800_000_000n, w: 604_800_000_000n,
      months: 2_629_800_000_000n, month: 2_629_800_000_000n, M: 2_629_800_000_000n,
      years: 31_557_600_000_000n, year: 31_557_600_000_000n, y: 31_557_600_000_000n,
    };
    for (const [u, v] of Object.entries(units)) expect(p(`2${u}`), u).toBe(2n * v);
  });
  it('combines components, with or without spaces, and fractions', () => {
    expect(p('5min 20s')).toBe(320_000_000n);
    expect(p('2h30m')).toBe(9_000_000_000n);
    expect(p('1.5h')).toBe(5_400_000_000n);
    expect(p('.5s')).toBe(500_000n);
    expect(p(' 5s 500ms  ')).toBe(5_500_000n);
    expect(p('3.1s.2')).toBe(3_300_000n);
    expect(p('1.999999999s')).toBe(1_999_999n);
  });
  it('uses the default unit for bare numbers', () => {
    expect(p('1.5')).toBe(1_500_000n);
    expect(p('1.5', 1n)).toBe(1n);
    expect(p('7', 1000n)).toBe(7000n);
  });
  it('accepts infinity only alone', () => {
    expect(p('infinity')).toBe(USEC_INFINITY);
    expect(p(' infinity ')).toBe(USEC_INFINITY);
    expect(p('infinity 5s')).toBe('Invalid argument');
    expect(p('INFINITY')).toBe('Invalid argument');
  });
  it('rejects malformed input with EINVAL and negatives/overflow with ERANGE', () => {
    for (const s of ['', ' ', 'abc', '1.', '.', 's', '1.5.5s', '5secs', '5ns', '1e3', '+.5s'])
      expect(p(s), JSON.stringify(s)).toBe('Invalid argument');
    for (const s of ['-1', '-0', '5s -1s', '584542y', '18446744073709551615us', '99999999999999999999'])
      expect(p(s), s).toBe('Numerical result out of range');
  });
});

describe('formatTimespan (format_timespan as systemctl show prints …USec=)', () => {
  it('prints largest units first, fractions below a minute', () => {
    expect(formatTimespan(0n)).toBe('0');
    expect(formatTimespan(USEC_INFINITY)).toBe('infinity');
    expect(formatTimespan(90_000_000n)).toBe('1min 30s');
    expect(formatTimespan(100_000n)).toBe('100ms');
    expect(formatTimespan(1_500_000n)).toBe('1.500000s');
    expect(formatTimespan(1_500n)).toBe('1.500ms');
    expect(formatTimespan(61_500_000n)).toBe('1min 1.500000s');
    expect(formatTimespan(36_817_200_000_000n)).toBe('1y 2month');
    expect(formatTimespan(1n)).toBe('1us');
  });
  it('drops components below the accuracy (systemctl status uses 1s)', () => {
    expect(formatTimespan(61_500_000n, USEC_PER_SEC)).toBe('1min 1s');
    expect(formatTimespan(1_500_000n, 1000n)).toBe('1.500s');
  });
  it('round-trips through the parser', () => {
    for (const v of [1n, 999n, 1_000_001n, 59_999_999n, 3_723_000_000n, 31_557_600_000_001n]) {
      const r = parseTimespan(formatTimespan(v));
      expect(r.ok && r.value).toBe(v);
    }
  });
  it('converts to milliseconds for the engine', () => {
    expect(usecToMs(1_500_000n)).toBe(1500);
    expect(usecToMs(USEC_INFINITY)).toBe(Infinity);
  });
});
