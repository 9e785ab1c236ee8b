/**
 * Numbers as systemd's safe_ato*() and parse_size() read them. Those wrap C's strtol() with base 0,
 * so "0x1F" is hex and a leading "0" means octal ("010" is 8); they also accept "0b"/"0o" prefixes
 * and leading whitespace, but never trailing garbage. Matching that keeps odd-but-valid unit files
 * loading the same way as under systemd.
 */
import { type Result, ok, err } from '../../shared/result.js';
import { C_SPACE, EINVAL, ERANGE, WHITESPACE, parseCInteger } from '../../shared/c-integer.js';

export { EINVAL, ERANGE, parseCInteger, type IntOptions } from '../../shared/c-integer.js';

export const parseUnsigned = (text: string, bits: 8 | 16 | 32 | 64 = 32): Result<bigint, string> =>
  parseCInteger(text, { signed: false, bits });

/** Convenience for small unsigned values (counters, bursts) that fit a JS number. */
export function parseUnsignedNumber(text: string): Result<number, string> {
  const r = parseCInteger(text, { signed: false, bits: 32 });
  return r.ok ? ok(Number(r.value)) : r;
}

export function parseSignedNumber(text: string): Result<number, string> {
  const r = parseCInteger(text, { signed: true, bits: 32 });
  return r.ok ? ok(Number(r.value)) : r;
}

/** parse_mode(): octal only, no sign, at most 07777 (UMask=, RuntimeDirectoryMode=, …). */
export function parseMode(text: string): Result<number, string> {
  const r = parseCInteger(text, { base: 8, signed: false, bits: 32, refusePlusMinus: true });
  if (!r.ok) return r;
  if (r.value > 0o7777n) return err(ERANGE);
  return ok(Number(r.value));
}

/** Nice=: -20..19 (systemd.exec(5), "Nice="). */
export function parseNice(text: string): Result<number, string> {
  const r = parseSignedNumber(text);
  if (!r.ok) return r;
  if (r.value < -20 || r.value > 19) return err(ERANGE);
  return r;
}

/** OOMScoreAdjust=: -1000..1000 (systemd.exec(5), "OOMScoreAdjust="). */
export function parseOomScoreAdjust(text: string): Result<number, string> {
  const r = parseSignedNumber(text);
  if (!r.ok) return r;
  if (r.value < -1000 || r.value > 1000) return err(ERANGE);
  return r;
}

const ULLONG_MAX = (1n << 64n) - 1n;
const IEC: ReadonlyArray<readonly [string, bigint]> = [
  ['E', 1n << 60n],
  ['P', 1n << 50n],
  ['T', 1n << 40n],
  ['G', 1n << 30n],
  ['M', 1n << 20n],
  ['K', 1n << 10n],
  ['B', 1n],
  ['', 1n],
];
const SI: ReadonlyArray<readonly [string, bigint]> = [
  ['E', 10n ** 18n],
  ['P', 10n ** 15n],
  ['T', 10n ** 12n],
  ['G', 10n ** 9n],
  ['M', 10n ** 6n],
  ['K', 10n ** 3n],
  ['B', 1n],
  ['', 1n],
];

/**
 * parse_size(): "1G", "1.5K", "1G 512M" (each suffix at most once, largest first), base 1024 or
 * 1000. The fraction is computed in double precision, as systemd does, so "0.1K" is 102.
 */
export function parseSize(text: string, base: 1024 | 1000 = 1024): Result<bigint, string> {
  const table = base === 1024 ? IEC : SI;
  let p = 0;
  let total = 0n;
  let startPos = 0;
  do {
    while (p < text.length && WHITESPACE.includes(text[p]!)) p++;
    // strtoull: isspace, sign, decimal digits.
    let e = p;
    while (e < text.length && C_SPACE.includes(text[e]!)) e++;
    let negative = false;
    if (text[e] === '+' || text[e] === '-') {
      negative = text[e] === '-';
      e++;
    }
    const ds = e;
    while (e < text.length && text[e]! >= '0' && text[e]! <= '9') e++;
    if (e === ds) return err(EINVAL);
    let l = BigInt(text.slice(ds, e));
    if (l > ULLONG_MAX) return err(ERANGE);
    if (negative) l = (ULLONG_MAX + 1n - l) % (ULLONG_MAX + 1n);
    if (text[p] === '-') return err(ERANGE);
    let frac = 0;
    if (text[e] === '.') {
      e++;
      if (text[e] !== undefined && text[e]! >= '0' && text[e]! <= '9') {
        const fs = e;
        while (e < text.length && text[e]! >= '0' && text[e]! <= '9') e++;
        const l2 = BigInt(text.slice(fs, e));
        if (l2 > ULLONG_MAX) return err(ERANGE);
        frac = Number(l2);
        for (let k = fs; k < e; k++) frac /= 10;
      }
    }
    while (e < text.length && WHITESPACE.includes(text[e]!)) e++;
    let i = startPos;
    for (; i < table.length; i++) if (text.startsWith(table[i]![0], e)) break;
    if (i >= table.length) return err(EINVAL);
    const [suffix, factor] = table[i]!;
    if (l + (frac > 0 ? 1n : 0n) > ULLONG_MAX / factor) return err(ERANGE);
    const tmp = l * factor + BigInt(Math.trunc(frac * Number(factor)));
    if (tmp > ULLONG_MAX - total) return err(ERANGE);
    total += tmp;
    p = e + suffix.length;
    startPos = i + 1;
  } while (p < text.length);
  return ok(total);
}
