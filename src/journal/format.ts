// Layout facts of systemd's journal file format (https://systemd.io/JOURNAL_FILE_FORMAT/), shared
// by the writer and the reader. Offsets are byte positions inside the header or inside an object;
// all multi-byte integers are little-endian, all objects start 8-byte aligned.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';

export const SIGNATURE = Buffer.from('LPKSHHRH', 'latin1');

export enum ObjectType {
  Unused = 0,
  Data = 1,
  Field = 2,
  Entry = 3,
  DataHashTable = 4,
  FieldHashTable = 5,
  EntryArray = 6,
  Tag = 7,
}

export enum FileState {
  Offline = 0,
  Online = 1,
  Archived = 2,
}

export const INCOMPAT_COMPRESSED_XZ = 1 << 0;
export const INCOMPAT_COMPRESSED_LZ4 = 1 << 1;
export const INCOMPAT_KEYED_HASH = 1 << 2;
export const INCOMPAT_COMPRESSED_ZSTD = 1 << 3;
export const INCOMPAT_COMPACT = 1 << 4;
export const COMPAT_SEALED = 1 << 0;
export const COMPAT_TAIL_ENTRY_BOOT_ID = 1 << 1;

export const OBJECT_COMPRESSED_XZ = 1 << 0;
export const OBJECT_COMPRESSED_LZ4 = 1 << 1;
export const OBJECT_COMPRESSED_ZSTD = 1 << 2;

/** Header offsets (struct Header). */
export const H = {
  signature: 0,
  compatibleFlags: 8,
  incompatibleFlags: 12,
  state: 16,
  fileId: 24,
  machineId: 40,
  tailEntryBootId: 56,
  seqnumId: 72,
  headerSize: 88,
  arenaSize: 96,
  dataHashTableOffset: 104,
  dataHashTableSize: 112,
  fieldHashTableOffset: 120,
  fieldHashTableSize: 128,
  tailObjectOffset: 136,
  nObjects: 144,
  nEntries: 152,
  tailEntrySeqnum: 160,
  headEntrySeqnum: 168,
  entryArrayOffset: 176,
  headEntryRealtime: 184,
  tailEntryRealtime: 192,
  tailEntryMonotonic: 200,
  nData: 208,
  nFields: 216,
  nTags: 224,
  nEntryArrays: 232,
  dataHashChainDepth: 240,
  fieldHashChainDepth: 248,
  tailEntryArrayOffset: 256,
  tailEntryArrayNEntries: 260,
  tailEntryOffset: 264,
} as const;

/**
 * The header size we write: systemd 252's struct Header (it ends with the two 32-bit tail entry
 * array fields). 254 added tail_entry_offset (272 bytes); a 252 journald appending to a 272-byte
 * file would leave that field stale for newer readers, so we stay at 252's layout.
 */
export const WRITE_HEADER_SIZE = 264;
/** Smallest header any reader must accept: every field up to n_data exists unconditionally. */
export const MIN_HEADER_SIZE = 208;

export const OBJECT_HEADER_SIZE = 16;
/** Regular (non-compact) object layouts. */
export const DATA_PAYLOAD_OFFSET = 64;
export const DATA_PAYLOAD_OFFSET_COMPACT = 72;
export const D = { hash: 16, nextHash: 24, nextField: 32, entryOffset: 40, entryArrayOffset: 48, nEntries: 56 } as const;
export const FIELD_PAYLOAD_OFFSET = 40;
export const F = { hash: 16, nextHash: 24, headData: 32 } as const;
export const ENTRY_ITEMS_OFFSET = 64;
export const E = { seqnum: 16, realtime: 24, monotonic: 32, bootId: 40, xorHash: 56 } as const;
export const ENTRY_ITEM_SIZE = 16;
export const ENTRY_ARRAY_ITEMS_OFFSET = 24;
export const HASH_ITEM_SIZE = 16;

export const align8 = (n: number): number => (n + 7) & ~7;

const TWO32 = 0x1_0000_0000;

/** Offsets and timestamps fit in a double (< 2^53); writing them as two halves avoids BigInt. */
export function writeU64(buf: Buffer, value: number, at: number): void {
  const hi = Math.floor(value / TWO32);
  buf.writeUInt32LE(value - hi * TWO32, at);
  buf.writeUInt32LE(hi, at + 4);
}

export function readU64(buf: Buffer, at: number): number {
  return buf.readUInt32LE(at) + buf.readUInt32LE(at + 4) * TWO32;
}

/** A 128-bit id (machine, boot, file, seqnum ids) in journald's textual form: 32 lowercase hex digits. */
export type Id128 = string;

export const ID128_RE = /^[0-9a-f]{32}$/;

export function id128ToBuffer(id: Id128): Buffer {
  const clean = id.replace(/-/g, '').toLowerCase();
  if (!ID128_RE.test(clean)) throw new Error(`not a 128-bit id: ${id}`);
  return Buffer.from(clean, 'hex');
}

/** A random v4 id, as systemd's sd_id128_randomize() shapes it. */
export function randomId128(): Id128 {
  const b = randomBytes(16);
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  return b.toString('hex');
}

function readIdFile(path: string): Id128 | undefined {
  try {
    const s = readFileSync(path, 'utf8').trim().replace(/-/g, '').toLowerCase();
    return ID128_RE.test(s) ? s : undefined;
  } catch {
    return undefined;
  }
}

/** /etc/machine-id, the directory name journald files live under. */
export function readMachineId(path = '/etc/machine-id'): Id128 | undefined {
  return readIdFile(path);
}

/** The kernel's boot id (same value journald stamps into _BOOT_ID and entry headers). */
export function readBootId(path = '/proc/sys/kernel/random/boot_id'): Id128 | undefined {
  return readIdFile(path);
}

/**
 * CLOCK_MONOTONIC in microseconds. performance.now() reads the same clock (libuv's hrtime) as a
 * double without a BigInt per call, which matters once per journal entry; the offset between the
 * two is taken once from process.hrtime.
 */
const MONOTONIC_BASE_USEC = Number(process.hrtime.bigint() / 1000n) - performance.now() * 1000;
export function monotonicUsec(): number {
  return Math.floor(MONOTONIC_BASE_USEC + performance.now() * 1000);
}

export function realtimeUsec(): number {
  return Date.now() * 1000;
}
