// Bob Jenkins' lookup3 "hashlittle2" (public domain algorithm), as the journal file format uses
// it for files without HEADER_INCOMPATIBLE_KEYED_HASH: the 64-bit value is (primary << 32) |
// secondary, both seeds starting at 0. Written over a Buffer range so the writer can hash a
// payload in place inside its output buffer without copying it first.
//
// Byte-wise reads only: the aligned word reads of the C original give the same result on
// little-endian machines, which is what the on-disk value is defined by.

/** A 64-bit hash kept as two unsigned 32-bit halves: cheap to compare, store and xor in JS. */
export interface Hash64 {
  hi: number;
  lo: number;
}

const rot = (x: number, k: number): number => (x << k) | (x >>> (32 - k));

/**
 * Hashes buf[start, end) and writes the result into `out` (returned), avoiding an allocation per
 * call on the write path.
 */
export function jenkinsHash64(buf: Uint8Array, start = 0, end = buf.length, out: Hash64 = { hi: 0, lo: 0 }): Hash64 {
  let length = end - start;
  let a = (0xdeadbeef + length) | 0;
  let b = a;
  let c = a;
  let k = start;
  while (length > 12) {
    a = (a + (buf[k] | (buf[k + 1] << 8) | (buf[k + 2] << 16) | (buf[k + 3] << 24))) | 0;
    b = (b + (buf[k + 4] | (buf[k + 5] << 8) | (buf[k + 6] << 16) | (buf[k + 7] << 24))) | 0;
    c = (c + (buf[k + 8] | (buf[k + 9] << 8) | (buf[k + 10] << 16) | (buf[k + 11] << 24))) | 0;
    // mix(a, b, c)
    a = (a - c) | 0; a ^= rot(c, 4); c = (c + b) | 0;
    b = (b - a) | 0; b ^= rot(a, 6); a = (a + c) | 0;
    c = (c - b) | 0; c ^= rot(b, 8); b = (b + a) | 0;
    a = (a - c) | 0; a ^= rot(c, 16); c = (c + b) | 0;
    b = (b - a) | 0; b ^= rot(a, 19); a = (a + c) | 0;
    c = (c - b) | 0; c ^= rot(b, 4); b = (b + a) | 0;
    length -= 12;
    k += 12;
  }
  if (length === 0) {
    // Only for empty input (the loop above always leaves 1..12 bytes otherwise): lookup3 returns
    // the seeded state without the final mix.
    out.hi = c >>> 0;
    out.lo = b >>> 0;
    return out;
  }
  // The last 1..12 bytes, zero-padded, added to a/b/c.
  let ta = 0, tb = 0, tc = 0;
  for (let i = 0; i < length; i++) {
    const v = buf[k + i];
    if (i < 4) ta |= v << (8 * i);
    else if (i < 8) tb |= v << (8 * (i - 4));
    else tc |= v << (8 * (i - 8));
  }
  a = (a + ta) | 0;
  b = (b + tb) | 0;
  c = (c + tc) | 0;
  // final(a, b, c)
  c ^= b; c = (c - rot(b, 14)) | 0;
  a ^= c; a = (a - rot(c, 11)) | 0;
  b ^= a; b = (b - rot(a, 25)) | 0;
  c ^= b; c = (c - rot(b, 16)) | 0;
  a ^= c; a = (a - rot(c, 4)) | 0;
  b ^= a; b = (b - rot(a, 14)) | 0;
  c ^= b; c = (c - rot(b, 24)) | 0;
  out.hi = c >>> 0;
  out.lo = b >>> 0;
  return out;
}

/** The hash as one bigint, for readers and tests (not used on the write path). */
export function jenkinsHash64Big(buf: Uint8Array): bigint {
  const h = jenkinsHash64(buf);
  return (BigInt(h.hi) << 32n) | BigInt(h.lo);
}

const MASK64 = (1n << 64n) - 1n;
const rotl64 = (x: bigint, b: bigint): bigint => ((x << b) | (x >> (64n - b))) & MASK64;

/**
 * SipHash-2-4 keyed by a 16-byte key: journald's default for new files (HEADER_INCOMPATIBLE_KEYED_HASH,
 * keyed by file_id). Only the reader needs it, to find data objects in such files by hash; BigInt
 * speed is fine for a handful of lookups per query.
 */
export function siphash24(data: Uint8Array, key: Uint8Array): bigint {
  const kb = Buffer.from(key.buffer, key.byteOffset, 16);
  const k0 = kb.readBigUInt64LE(0);
  const k1 = kb.readBigUInt64LE(8);
  let v0 = k0 ^ 0x736f6d6570736575n;
  let v1 = k1 ^ 0x646f72616e646f6dn;
  let v2 = k0 ^ 0x6c7967656e657261n;
  let v3 = k1 ^ 0x7465646279746573n;
  const round = (): void => {
    v0 = (v0 + v1) & MASK64; v1 = rotl64(v1, 13n); v1 ^= v0; v0 = rotl64(v0, 32n);
    v2 = (v2 + v3) & MASK64; v3 = rotl64(v3, 16n); v3 ^= v2;
    v0 = (v0 + v3) & MASK64; v3 = rotl64(v3, 21n); v3 ^= v0;
    v2 = (v2 + v1) & MASK64; v1 = rotl64(v1, 17n); v1 ^= v2; v2 = rotl64(v2, 32n);
  };
  const n = data.length;
  const full = n - (n % 8);
  const db = Buffer.from(data.buffer, data.byteOffset, n);
  for (let i = 0; i < full; i += 8) {
    const m = db.readBigUInt64LE(i);
    v3 ^= m; round(); round(); v0 ^= m;
  }
  let last = BigInt(n & 0xff) << 56n;
  for (let i = 0; i < n % 8; i++) last |= BigInt(data[full + i]) << BigInt(8 * i);
  v3 ^= last; round(); round(); v0 ^= last;
  v2 ^= 0xffn;
  round(); round(); round(); round();
  return (v0 ^ v1 ^ v2 ^ v3) & MASK64;
}
