/** Byte sizes with IEC suffixes (K=1024, M, G, T, P, E), as LimitFSIZE= or SystemMaxUse= take them. */
import { type Result, ok } from '../../shared/result.js';
import { parseSize } from './numbers.js';

export function parseBytes(text: string): Result<bigint, string> {
  return parseSize(text, 1024);
}

/** Like parseBytes, but "infinity" is accepted and returned as null (no limit). */
export function parseBytesOrInfinity(text: string): Result<bigint | null, string> {
  if (text === 'infinity') return ok(null);
  return parseSize(text, 1024);
}
