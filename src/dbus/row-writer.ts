/**
 * The bodies of the long replies — ListUnits' a(ssssssouso), ListJobs' a(usssoo), ListUnitFiles'
 * a(ss): an array of structs of strings, object paths and uint32s — written in one pass into one
 * buffer. dbus-next's marshaller writes every value into a buffer of its own and took 40–170 ms for
 * list-units' 1,000 rows, most of systemctl's wait; the bytes here are the same (a test compares
 * them with dbus-next's for random rows), and every other message is still dbus-next's.
 */

/** Signatures this writer takes: an array of a struct of s, o and u fields only. */
const ROWS = /^a\(([sou]+)\)$/;

export function isRowArray(signature: string): boolean {
  return ROWS.test(signature);
}

const pad = (n: number, to: number): number => (n + to - 1) & ~(to - 1);

/**
 * The little-endian body (starting 8-aligned, as a body does) of `rows` under `signature`, which
 * isRowArray() accepted; a row whose shape or value does not fit throws, as the marshaller would.
 */
export function writeRowArray(signature: string, rows: readonly (readonly unknown[])[]): Buffer {
  const fields = ROWS.exec(signature)![1]!;
  // First pass: the total size. The strings are measured, not copied: a Buffer per string (9,000
  // for list-units' 1,000 rows) cost more than everything else here.
  const lengths: number[] = [];
  let size = 8; // the array's length, then its padding to the first struct
  for (const row of rows) {
    if (!Array.isArray(row) || row.length !== fields.length) throw new Error(`a row does not match ${signature}`);
    size = pad(size, 8);
    for (let i = 0; i < fields.length; i++) {
      const v: unknown = row[i];
      size = pad(size, 4);
      if (fields[i] === 'u') {
        if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 0xffff_ffff) throw new Error(`${String(v)} is not a uint32`);
        size += 4;
      } else {
        if (typeof v !== 'string') throw new Error(`${String(v)} is not a string`);
        if (v.includes('\0')) throw new Error('a string with a NUL byte');
        const n = Buffer.byteLength(v, 'utf8');
        lengths.push(n);
        size += 4 + n + 1;
      }
    }
  }
  // Second pass: the bytes, each string encoded straight into its place.
  const out = Buffer.alloc(size);
  let at = 8;
  let t = 0;
  for (const row of rows) {
    at = pad(at, 8);
    for (let i = 0; i < fields.length; i++) {
      at = pad(at, 4);
      if (fields[i] === 'u') {
        out.writeUInt32LE(row[i] as number, at);
        at += 4;
      } else {
        const n = lengths[t++]!;
        out.writeUInt32LE(n, at);
        out.write(row[i] as string, at + 4, n, 'utf8');
        at += 4 + n + 1;
      }
    }
  }
  out.writeUInt32LE(size - 8, 0);
  return out;
}
