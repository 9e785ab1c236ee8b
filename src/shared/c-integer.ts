/**
 * Integers as systemd's safe_ato*() read them. Those wrap C's strtol() with base 0, so "0x1F" is hex
 * and a leading "0" means octal ("010" is 8); they also accept "0b"/"0o" prefixes and leading
 * whitespace, but never trailing garbage. Every layer that reads a number the way systemd does (unit
 * files, signal and exit-status names, svcctl's arguments) uses this one scanner.
 */
import { type Result, ok, err } from './result.js';
import { strerrorOf } from './strerror.js';

/** systemd's WHITESPACE: what safe_ato*() and extract_first_word() skip. */
export const WHITESPACE = ' \t\n\r';

/** C's isspace(): what strtol() itself skips after the prefix. */
export const C_SPACE = ' \t\n\v\f\r';

export const EINVAL = strerrorOf('EINVAL');
export const ERANGE = strerrorOf('ERANGE');

export interface IntOptions {
  /** 0 = C's auto-detection (0x hex, leading-0 octal), as safe_atou()/safe_atoi() use. */
  base?: 0 | 8 | 10 | 16;
  signed: boolean;
  bits: 8 | 16 | 32 | 64;
  /** SAFE_ATO_REFUSE_PLUS_MINUS: used by parse_mode(). */
  refusePlusMinus?: boolean;
}

function digitValue(c: string): number {
  const code = c.toLowerCase().charCodeAt(0);
  if (code >= 48 && code <= 57) return code - 48;
  if (code >= 97 && code <= 122) return code - 87;
  return 99;
}

/** C strtol/strtoul-like scan of the whole string; returns the magnitude-signed bigint or an error. */
export function parseCInteger(text: string, opts: IntOptions): Result<bigint, string> {
  let i = 0;
  while (i < text.length && WHITESPACE.includes(text[i]!)) i++;
  if (opts.refusePlusMinus && (text[i] === '+' || text[i] === '-')) return err(EINVAL);
  let base: number = opts.base ?? 0;
  if (base === 0) {
    const two = text.slice(i, i + 2);
    if (two === '0b' || two === '0B') {
      base = 2;
      i += 2;
    } else if (two === '0o' || two === '0O') {
      base = 8;
      i += 2;
    }
  }
  // strtol itself: whitespace, sign, then prefix detection for base 0/16.
  const numStart = i;
  while (i < text.length && C_SPACE.includes(text[i]!)) i++;
  let negative = false;
  if (text[i] === '+' || text[i] === '-') {
    negative = text[i] === '-';
    i++;
  }
  if ((base === 0 || base === 16) && (text[i] === '0') && (text[i + 1] === 'x' || text[i + 1] === 'X') && digitValue(text[i + 2] ?? '') < 16) {
    base = 16;
    i += 2;
  } else if (base === 0) {
    base = text[i] === '0' ? 8 : 10;
  }
  const digitsStart = i;
  let value = 0n;
  while (i < text.length && digitValue(text[i]!) < base) {
    value = value * BigInt(base) + BigInt(digitValue(text[i]!));
    i++;
  }
  if (i === digitsStart || i !== text.length || numStart === text.length) return err(EINVAL);
  const max = opts.signed ? (1n << BigInt(opts.bits - 1)) - 1n : (1n << BigInt(opts.bits)) - 1n;
  if (opts.signed) {
    const v = negative ? -value : value;
    if (v > max || v < -max - 1n) return err(ERANGE);
    return ok(v);
  }
  // strtoul wraps negative input silently; systemd refuses it explicitly (but "-0" is 0).
  if (negative && value !== 0n) return err(ERANGE);
  if (value > max) return err(ERANGE);
  return ok(value);
}
