// The one description of the journal file's binary layout (systemd's journal file format,
// https://systemd.io/JOURNAL_FILE_FORMAT/) and of the writer state the native hot path shares.
// Everything that knows a byte position reads it from here: the TS writer and reader (through
// format.ts) and native/journal.c, whose native/journal-layout.h is generated from this file by
// scripts/gen-journal-layout.mjs at every native build (an action in binding.gyp). The generated header
// carries LAYOUT_ID, a fingerprint of these tables, and the writer hands its own to journalBind(),
// which refuses an addon built from other tables: the two sides cannot drift apart.
//
// This module imports nothing, so the generator can load it without a compiled build.
// Offsets are byte positions in the header or an object; integers are little-endian.

/** struct Header (systemd 252), byte offsets. */
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

/** Sizes of the fixed parts. */
export const SIZE = {
  /**
   * The header we write: systemd 252's struct Header (it ends with the two 32-bit tail entry
   * array fields). 254 added tail_entry_offset (272 bytes); a 252 journald appending to a
   * 272-byte file would leave that field stale for newer readers, so we stay at 252's layout.
   */
  writeHeader: 264,
  /** Smallest header any reader must accept: every field up to n_data exists unconditionally. */
  minHeader: 208,
  objectHeader: 16,
  hashItem: 16,
  /** An entry's item: le64 object offset + le64 hash (regular), le32 offset (compact). */
  entryItem: 16,
  entryItemCompact: 4,
  /** An entry array's item: le64 (regular), le32 (compact). */
  arrayItem: 8,
  arrayItemCompact: 4,
} as const;

/** A hash table's item (HashItem): the bucket's chain, first and last object. */
export const HI = { headHashOffset: 0, tailHashOffset: 8 } as const;

/** ObjectHeader: type, flags, then le64 size. */
export const O = { type: 0, flags: 1, size: 8 } as const;

export const ObjectTypeCode = {
  unused: 0,
  data: 1,
  field: 2,
  entry: 3,
  dataHashTable: 4,
  fieldHashTable: 5,
  entryArray: 6,
  tag: 7,
} as const;

/**
 * DataObject. The compact layout adds tail_entry_array_offset/n_entries (le32 each) before the
 * payload, so the payload starts 8 bytes later.
 */
export const D = {
  hash: 16,
  nextHash: 24,
  nextField: 32,
  entryOffset: 40,
  entryArrayOffset: 48,
  nEntries: 56,
  tailEntryArrayOffset: 64,
  tailEntryArrayNEntries: 68,
  payload: 64,
  payloadCompact: 72,
} as const;

/** FieldObject. */
export const F = { hash: 16, nextHash: 24, headData: 32, payload: 40 } as const;

/** EntryObject (items from `items`, SIZE.entryItem or SIZE.entryItemCompact each). */
export const E = { seqnum: 16, realtime: 24, monotonic: 32, bootId: 40, xorHash: 56, items: 64 } as const;

/** EntryArrayObject (items from `items`, SIZE.arrayItem or SIZE.arrayItemCompact each). */
export const A = { nextEntryArrayOffset: 16, items: 24 } as const;

export const FLAG = {
  incompatCompressedXz: 1 << 0,
  incompatCompressedLz4: 1 << 1,
  incompatKeyedHash: 1 << 2,
  incompatCompressedZstd: 1 << 3,
  incompatCompact: 1 << 4,
  compatSealed: 1 << 0,
  compatTailEntryBootId: 1 << 1,
  objectCompressedXz: 1 << 0,
  objectCompressedLz4: 1 << 1,
  objectCompressedZstd: 1 << 2,
} as const;

/** The writer's choices that both of its paths must make the same way. */
export const WRITER = {
  /** Entry arrays grow no larger (64 KiB compact): see arrayCapacity in entry-chains.ts. */
  maxArrayItems: 16384,
  /** journald rotates a file whose hash chain got deeper than this (collisions made lookups slow). */
  maxHashChainDepth: 100,
} as const;

/**
 * The slots of the writer's scalar state, a Float64Array that the TS writer and native/journal.c
 * both read and update in place (one state, two writers of it, never at the same time).
 */
const SLOTS = [
  /** Offset just past the last object: the next object's offset. */
  'END',
  /** Bytes the file has (fallocated); nothing at or past it may be touched. */
  'ALLOCATED',
  /** High-water mark of bytes written past END (rejected payloads), to clear before reuse. */
  'DIRTY_END',
  'N_OBJECTS',
  'N_ENTRIES',
  'N_DATA',
  'N_ENTRY_ARRAYS',
  'NEXT_SEQNUM',
  'HEAD_SEQNUM',
  'HEAD_REALTIME',
  'TAIL_SEQNUM',
  'TAIL_REALTIME',
  'TAIL_MONOTONIC',
  /** Deepest data hash chain seen, minus one (the header's data_hash_chain_depth). */
  'DATA_DEPTH',
  /** The file's main entry-array chain: its tail array, capacity and items used. */
  'MAIN_TAIL',
  'MAIN_TAIL_CAP',
  'MAIN_TAIL_USED',
  /** Appended since the last sync (inotify watchers not told yet). */
  'CHANGED',
  /** Offset of the data hash table's first bucket, and its bucket count. */
  'DATA_TABLE',
  'DATA_BUCKETS',
  /** Data objects past this many make the table 3/4 full: the file is due for rotation. */
  'DATA_LIMIT',
  /** Length of the data mirror's typed arrays. */
  'D_CAPACITY',
  /** 1 while the tail entry is of this writer's own boot (the native path writes only those). */
  'TAIL_BOOT_OWN',
  /** Out: bytes the native path needs at the file's end before it can go on. */
  'NEED',
  /** Out: why the native path stopped (NativeStop). */
  'REASON',
] as const;

export type StateSlot = (typeof SLOTS)[number];

/** Slot name → index into the state array. */
export const S = Object.freeze(Object.fromEntries(SLOTS.map((name, i) => [name, i]))) as { readonly [K in StateSlot]: number };
export const STATE_SLOTS = SLOTS.length;

/** Why journalAppendLines() returned before the last line (the REASON slot). */
export const NativeStop = {
  /** Every line was appended. */
  done: 0,
  /** The file is due for rotation (its end past maxEnd, its data hash table 3/4 full or a chain too deep). */
  rotate: 1,
  /** Not handled natively (a new field, another boot's tail, a damaged chain): the TS writer takes the line. */
  declined: -1,
  /** The file needs state[NEED] more bytes at its end. */
  needSpace: -2,
  /** The data mirror's arrays are full. */
  needMirror: -3,
} as const;

/**
 * The tables native/journal-layout.h is generated from, by C name prefix; a table's keys become
 * UPPER_SNAKE names (H.arenaSize → H_ARENA_SIZE, S.END → S_END).
 */
export const C_TABLES = {
  H,
  SIZE,
  HI,
  O,
  T: ObjectTypeCode,
  D,
  F,
  E,
  A,
  FLAG,
  WRITER,
  S,
  STOP: NativeStop,
} as const;

/**
 * A fingerprint of C_TABLES (32-bit FNV-1a of their JSON): compiled into the addon as LAYOUT_ID
 * and checked by journalBind(), so an addon built from other tables is refused.
 */
export const LAYOUT_ID = fnv1a(JSON.stringify(C_TABLES));

function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}
