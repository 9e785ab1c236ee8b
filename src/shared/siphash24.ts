/**
 * SipHash-2-4 (Aumasson and Bernstein's keyed hash, 64-bit output), which systemd uses to derive
 * names and ids from strings with fixed keys: a dynamic user's name when the unit's is not a valid
 * user name, and the first uid it tries for it. Written from the published algorithm.
 */
const MASK = (1n << 64n) - 1n;
const rotl = (x: bigint, b: bigint) => ((x << b) | (x >> (64n - b))) & MASK;

/** The little-endian 64-bit word at `at` of `bytes`, zero past its end. */
function word(bytes: Uint8Array, at: number, n = 8): bigint {
  let w = 0n;
  for (let i = n - 1; i >= 0; i--) w = (w << 8n) | BigInt(bytes[at + i] ?? 0);
  return w;
}

export function siphash24(data: Uint8Array, key: Uint8Array): bigint {
  const k0 = word(key, 0);
  const k1 = word(key, 8);
  let v0 = k0 ^ 0x736f6d6570736575n;
  let v1 = k1 ^ 0x646f72616e646f6dn;
  let v2 = k0 ^ 0x6c7967656e657261n;
  let v3 = k1 ^ 0x7465646279746573n;
  const round = () => {
    v0 = (v0 + v1) & MASK; v1 = rotl(v1, 13n); v1 ^= v0; v0 = rotl(v0, 32n);
    v2 = (v2 + v3) & MASK; v3 = rotl(v3, 16n); v3 ^= v2;
    v0 = (v0 + v3) & MASK; v3 = rotl(v3, 21n); v3 ^= v0;
    v2 = (v2 + v1) & MASK; v1 = rotl(v1, 17n); v1 ^= v2; v2 = rotl(v2, 32n);
  };
  const compress = (m: bigint) => {
    v3 ^= m;
    round(); round();
    v0 ^= m;
  };
  const whole = data.length - (data.length % 8);
  for (let i = 0; i < whole; i += 8) compress(word(data, i));
  // The last block: the remaining bytes, and the length's low byte on top.
  compress((BigInt(data.length & 0xff) << 56n) | word(data, whole, data.length - whole));
  v2 ^= 0xffn;
  round(); round(); round(); round();
  return v0 ^ v1 ^ v2 ^ v3;
}
