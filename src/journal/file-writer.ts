// Appends entries to one journal file in systemd's format: by default the compact layout
// (HEADER_INCOMPATIBLE_COMPACT, journald 252's default: 32-bit offsets in entry items and entry
// arrays, about half the bytes of the regular layout), no compression, no keyed hash; the regular
// layout on request (SYSTEMD_JOURNAL_COMPACT=0, as for journald, for readers older than 252).
// Either way a file stays below 4 GiB.
//
// The file is mapped shared (native mmap, the way journald writes): objects are assembled in place
// and every link — hash chains, field chains, entry arrays, data objects' counters, the header — is
// a store into the page cache, visible to readers at once. The file grows in 8 MiB steps through
// posix_fallocate before any byte of a step is touched, so a full disk is an error from append(),
// never a SIGBUS (which the addon absorbs anyway if the file is cut under us: `broken`).
// Captured lines of compact files take a native path (native/journal.c) that does the same work on
// this writer's own state: its scalars live in `st`, indexed by S, which the C code shares.
//
// Invariants (what a reader running at the same time, or a file left by a crash, relies on):
// - An object is complete before anything links to it, and the header's arena_size, n_objects and
//   tail_object_offset cover it before the first link to it is stored, so no reader ever follows a
//   link past the arena.
// - Entry-array items are written before the counters that make them count (a data object's
//   n_entries, the header's n_entries); the header's entry fields move last in an append.
// - Data objects are mirrored in typed arrays indexed by an ordinal (creation order): offset, hash
//   and the state of the entry-array chain hanging off them. Hash-table walks read the mapped file.
import { close, closeSync, fdatasync, fdatasyncSync, ftruncateSync, openSync, writeSync } from 'node:fs';

import {
  type NativeJournalHandle, allocate, journalAppendLine, journalAppendLines, journalBind, mapShared, populate, sigbusCount, unmap,
} from '../exec/native.js';
import {
  D, DATA_PAYLOAD_OFFSET, DATA_PAYLOAD_OFFSET_COMPACT, E, ENTRY_ARRAY_ITEMS_OFFSET, ENTRY_ITEMS_OFFSET, F,
  FIELD_PAYLOAD_OFFSET, FileState, H, HASH_ITEM_SIZE, INCOMPAT_COMPACT, type Id128, ObjectType,
  OBJECT_HEADER_SIZE, SIGNATURE, WRITE_HEADER_SIZE, align8, id128ToBuffer, monotonicUsec, randomId128, realtimeUsec,
} from './format.js';
import { type Hash64, jenkinsHash64 } from './hash.js';

const FIELD_NAME_RE = /^[A-Z_][A-Z0-9_]*$/;

/** A field name prepared once: its "NAME=" prefix bytes, used to build data payloads in place. */
export class JournalField {
  readonly name: string;
  readonly prefix: Buffer;
  constructor(name: string) {
    // journald's rule (journal_field_valid): upper-case letters, digits, underscore, not starting
    // with a digit, at most 64 characters.
    if (name.length === 0 || name.length > 64 || !FIELD_NAME_RE.test(name)) {
      throw new Error(`invalid journal field name: ${JSON.stringify(name)}`);
    }
    this.name = name;
    this.prefix = Buffer.from(`${name}=`, 'latin1');
  }
}

/**
 * One complete "NAME=value" payload prepared ahead (per-unit fields such as _SYSTEMD_UNIT=, _PID=):
 * hashed once, and remembering which data object it became in the writer that last used it, so
 * a repeat costs neither hashing nor a hash-table walk.
 */
export class JournalData {
  readonly field: JournalField;
  readonly payload: Buffer;
  readonly hash: Hash64;
  /** @internal cache: the writer this was last resolved in and the data ordinal there. */
  owner: object | null = null;
  /** @internal */
  ordinal = -1;
  constructor(field: JournalField | string, value: Buffer | string) {
    this.field = typeof field === 'string' ? internField(field) : field;
    const v = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
    this.payload = Buffer.concat([this.field.prefix, v]);
    this.hash = jenkinsHash64(this.payload);
  }
}

/**
 * A fixed set of prepared items that many entries share (a stream's fields for one priority):
 * resolved to data objects and sorted once per file, so an entry made of the set plus one fresh
 * field (appendWith) costs one data lookup, not one per item.
 */
export class JournalItemSet {
  readonly items: readonly JournalData[];
  /** @internal the writer `ords` belong to. */
  owner: object | null = null;
  /** @internal data ordinals of `items` in that writer, ascending, without repeats. */
  ords: Int32Array = new Int32Array(0);
  constructor(items: readonly JournalData[]) {
    this.items = items;
  }
}

/**
 * The writer's scalar state, in a Float64Array that the native hot path (native/journal.c, same
 * numbering) reads and updates in place: one state, two writers of it, never at the same time.
 */
const S = {
  END: 0,
  ALLOCATED: 1,
  DIRTY_END: 2,
  N_OBJECTS: 3,
  N_ENTRIES: 4,
  N_DATA: 5,
  N_ENTRY_ARRAYS: 6,
  NEXT_SEQNUM: 7,
  HEAD_SEQNUM: 8,
  HEAD_REALTIME: 9,
  TAIL_SEQNUM: 10,
  TAIL_REALTIME: 11,
  TAIL_MONOTONIC: 12,
  DATA_DEPTH: 13,
  MAIN_TAIL: 14,
  MAIN_TAIL_CAP: 15,
  MAIN_TAIL_USED: 16,
  TAIL_DATA_OFF: 17,
  CHANGED: 18,
  DATA_TABLE: 19,
  DATA_BUCKETS: 20,
  D_CAPACITY: 21,
  TAIL_BOOT_OWN: 22,
  NEED: 23,
  MAX_ARRAY_ITEMS: 24,
  REASON: 25,
  COUNT: 26,
} as const;

const TWO32 = 0x1_0000_0000;

const fieldCache = new Map<string, JournalField>();
/** Interned JournalField for a name (bounded: field names are a small, static set in practice). */
export function internField(name: string): JournalField {
  let f = fieldCache.get(name);
  if (!f) {
    f = new JournalField(name);
    if (fieldCache.size < 4096) fieldCache.set(name, f);
  }
  return f;
}

/** An item of an entry: a prepared payload, or a field and a value copied straight into the file. */
export type JournalItem = JournalData | readonly [JournalField | string, Buffer | string];

export interface EntryTimestamps {
  /** CLOCK_REALTIME in microseconds since the epoch. */
  realtime: number;
  /** CLOCK_MONOTONIC in microseconds, of the boot `bootId` names. */
  monotonic: number;
  /** Defaults to the writer's boot id. */
  bootId?: Id128;
}

export interface JournalWriterOptions {
  machineId: Id128;
  bootId: Id128;
  /** Shared by all files of one writer lineage so seqnums interleave across rotations. */
  seqnumId?: Id128;
  fileId?: Id128;
  /** Sequence number of this file's first entry (continues the previous file after rotation). */
  firstSeqnum?: number;
  /**
   * The size this file is expected to reach; sizes the data hash table as journald does (about
   * one bucket per 576 bytes, so the table stays under 3/4 full in a file of real entries).
   */
  maxFileSize?: number;
  dataHashBuckets?: number;
  fieldHashBuckets?: number;
  /**
   * The compact layout (default: yes, unless $SYSTEMD_JOURNAL_COMPACT says no, as journald reads
   * it). Files of either layout stop below 4 GiB (FILE_SIZE_MAX), so every offset fits 32 bits.
   */
  compact?: boolean;
}

const DEFAULT_MAX_FILE_SIZE = 128 * 1024 * 1024;
const DEFAULT_FIELD_BUCKETS = 333;
const MIN_DATA_BUCKETS = 2047;
/** The file grows by this much at a time (journald's FILE_SIZE_INCREASE); less for small files. */
const GROW_STEP = 8 * 1024 * 1024;
const MIN_GROW_STEP = 64 * 1024;
/**
 * Files stop short of 4 GiB: a compact file's offsets must fit in 32 bits (journald 252 caps
 * compact files there too), and the mapping is addressed in 32-bit words. Some room is left for
 * the entry that crosses the rotation size.
 */
export const FILE_SIZE_MAX = 0xffff_ffff - 8 * GROW_STEP;
/** Entry arrays grow no larger (64 KiB compact): see arrayCapacity. */
const MAX_ARRAY_ITEMS = 16384;
/** Payloads this short are deduplicated through a string-keyed cache before the hash table. */
const SHORT_PAYLOAD = 96;
const SHORT_CACHE_MAX = 8192;

/** journald's reading of $SYSTEMD_JOURNAL_COMPACT (unset or unparsable: compact). */
function compactRequested(): boolean {
  const v = process.env.SYSTEMD_JOURNAL_COMPACT?.trim().toLowerCase();
  return !(v === '0' || v === 'no' || v === 'n' || v === 'false' || v === 'f' || v === 'off');
}

interface FieldState {
  off: number;
  hash: Hash64;
  next: FieldState | null;
}

export interface WriterStats {
  entries: number;
  dataObjects: number;
  fields: number;
  entryArrays: number;
  objects: number;
  /** Bytes the file occupies (header + arena). */
  size: number;
  dataHashBuckets: number;
  /** Deepest data hash chain seen, minus one (the header's data_hash_chain_depth). */
  dataHashChainDepth: number;
  headSeqnum: number;
  tailSeqnum: number;
  headRealtime: number;
  tailRealtime: number;
  compact: boolean;
}

export class JournalFileWriter {
  readonly path: string;
  readonly machineId: Id128;
  readonly seqnumId: Id128;
  readonly fileId: Id128;
  readonly bootId: Id128;
  readonly compact: boolean;
  private fd: number;
  private closed = false;

  private readonly bootIdBuf: Buffer;
  private readonly bootIdCache = new Map<string, Buffer>();
  private tailBootIdBuf: Buffer;

  // The mapping: `map` is the ArrayBuffer, `b` and `u32` views over it. Replaced when the file
  // outgrows it, so never keep them in a local across a call that may allocate.
  private map: ArrayBuffer;
  private b: Buffer;
  private u32: Uint32Array;
  private readonly st = new Float64Array(S.COUNT);
  /** Bytes the file has (fallocated); nothing at or past it may be touched. */
  private get allocated(): number {
    return this.st[S.ALLOCATED];
  }
  private set allocated(v: number) {
    this.st[S.ALLOCATED] = v;
  }
  /** Offset just past the last object: the next object's offset. */
  private get end(): number {
    return this.st[S.END];
  }
  private set end(v: number) {
    this.st[S.END] = v;
  }
  /** High-water mark of bytes written past `end` (rejected payloads), to clear before reuse. */
  private get dirtyEnd(): number {
    return this.st[S.DIRTY_END];
  }
  private set dirtyEnd(v: number) {
    this.st[S.DIRTY_END] = v;
  }
  private get nObjects(): number {
    return this.st[S.N_OBJECTS];
  }
  private set nObjects(v: number) {
    this.st[S.N_OBJECTS] = v;
  }
  private get nEntries(): number {
    return this.st[S.N_ENTRIES];
  }
  private set nEntries(v: number) {
    this.st[S.N_ENTRIES] = v;
  }
  private get nData(): number {
    return this.st[S.N_DATA];
  }
  private set nData(v: number) {
    this.st[S.N_DATA] = v;
  }
  private get nEntryArrays(): number {
    return this.st[S.N_ENTRY_ARRAYS];
  }
  private set nEntryArrays(v: number) {
    this.st[S.N_ENTRY_ARRAYS] = v;
  }
  private get nextSeqnum(): number {
    return this.st[S.NEXT_SEQNUM];
  }
  private set nextSeqnum(v: number) {
    this.st[S.NEXT_SEQNUM] = v;
  }
  private get headSeqnum(): number {
    return this.st[S.HEAD_SEQNUM];
  }
  private set headSeqnum(v: number) {
    this.st[S.HEAD_SEQNUM] = v;
  }
  private get tailSeqnum(): number {
    return this.st[S.TAIL_SEQNUM];
  }
  private set tailSeqnum(v: number) {
    this.st[S.TAIL_SEQNUM] = v;
  }
  private get headRealtime(): number {
    return this.st[S.HEAD_REALTIME];
  }
  private set headRealtime(v: number) {
    this.st[S.HEAD_REALTIME] = v;
  }
  private get tailRealtime(): number {
    return this.st[S.TAIL_REALTIME];
  }
  private set tailRealtime(v: number) {
    this.st[S.TAIL_REALTIME] = v;
  }
  private get tailMonotonic(): number {
    return this.st[S.TAIL_MONOTONIC];
  }
  private set tailMonotonic(v: number) {
    this.st[S.TAIL_MONOTONIC] = v;
  }
  private get dataHashChainDepth(): number {
    return this.st[S.DATA_DEPTH];
  }
  private set dataHashChainDepth(v: number) {
    this.st[S.DATA_DEPTH] = v;
  }
  /** The file's main entry-array chain: its tail array, capacity and items used. */
  private get mainTail(): number {
    return this.st[S.MAIN_TAIL];
  }
  private set mainTail(v: number) {
    this.st[S.MAIN_TAIL] = v;
  }
  private get mainTailCap(): number {
    return this.st[S.MAIN_TAIL_CAP];
  }
  private set mainTailCap(v: number) {
    this.st[S.MAIN_TAIL_CAP] = v;
  }
  private get mainTailUsed(): number {
    return this.st[S.MAIN_TAIL_USED];
  }
  private set mainTailUsed(v: number) {
    this.st[S.MAIN_TAIL_USED] = v;
  }
  /** Offset of the data object committed last (what a brand-new field object points at). */
  private get tailDataOff(): number {
    return this.st[S.TAIL_DATA_OFF];
  }
  private set tailDataOff(v: number) {
    this.st[S.TAIL_DATA_OFF] = v;
  }
  private get changed(): boolean {
    return this.st[S.CHANGED] !== 0;
  }
  private set changed(v: boolean) {
    this.st[S.CHANGED] = v ? 1 : 0;
  }
  private readonly sigbusAtOpen: number;
  /** An eighth of the expected size, within [64 KiB, 8 MiB]: a small file does not reserve 8 MiB. */
  private readonly growStep: number;

  // Layout constants of the chosen layout.
  private readonly payloadOffset: number;
  private readonly entryItemSize: number;
  private readonly arrayItemSize: number;

  private nFields = 0;
  private fieldHashChainDepth = 0;

  private readonly dataHashTableOffset: number;
  private readonly fieldHashTableOffset: number;
  private readonly dataBuckets: number;
  private readonly fieldBuckets: number;

  // Data object mirror, indexed by ordinal: offset, hash, entry count and the open tail array of
  // its entry-array chain (offset, capacity, items used).
  private dOff = new Float64Array(1024);
  private dHashHi = new Uint32Array(1024);
  private dHashLo = new Uint32Array(1024);
  private dN = new Uint32Array(1024);
  private dTail = new Float64Array(1024);
  private dTailCap = new Uint32Array(1024);
  private dTailUsed = new Uint32Array(1024);
  private readonly shortCache = new Map<string, number>();

  private readonly fields = new Map<string, FieldState>();
  private readonly fieldTails: (FieldState | null)[];

  private readonly scratchHash: Hash64 = { hi: 0, lo: 0 };
  private ordinals: number[] = [];

  private constructor(path: string, fd: number, o: JournalWriterOptions) {
    this.path = path;
    this.fd = fd;
    this.machineId = o.machineId;
    this.bootId = o.bootId;
    this.seqnumId = o.seqnumId ?? randomId128();
    this.fileId = o.fileId ?? randomId128();
    this.bootIdBuf = id128ToBuffer(this.bootId);
    this.tailBootIdBuf = this.bootIdBuf;
    this.nextSeqnum = Math.max(1, o.firstSeqnum ?? 1);
    const maxSize = Math.min(o.maxFileSize ?? DEFAULT_MAX_FILE_SIZE, FILE_SIZE_MAX);
    this.compact = o.compact ?? compactRequested();
    this.payloadOffset = this.compact ? DATA_PAYLOAD_OFFSET_COMPACT : DATA_PAYLOAD_OFFSET;
    this.entryItemSize = this.compact ? 4 : 16;
    this.arrayItemSize = this.compact ? 4 : 8;
    this.dataBuckets = Math.max(MIN_DATA_BUCKETS, o.dataHashBuckets ?? Math.floor(maxSize / 576));
    this.fieldBuckets = Math.max(1, o.fieldHashBuckets ?? DEFAULT_FIELD_BUCKETS);
    this.fieldTails = new Array<FieldState | null>(this.fieldBuckets).fill(null);
    this.growStep = Math.min(GROW_STEP, Math.max(MIN_GROW_STEP, roundUp(maxSize / 8, MIN_GROW_STEP)));

    // Layout of a new file: header, field hash table, data hash table (both must be the first
    // objects), then entries as they come. All of it starts as zeros from fallocate.
    const tables = align8(OBJECT_HEADER_SIZE + this.fieldBuckets * HASH_ITEM_SIZE) + align8(OBJECT_HEADER_SIZE + this.dataBuckets * HASH_ITEM_SIZE);
    this.allocated = 0;
    this.grow(WRITE_HEADER_SIZE + tables + 64 * 1024);
    // Mapped once for the size the file should reach (address space only); a file that goes
    // past it (one huge last entry) is mapped again, larger.
    this.map = mapShared(fd, Math.max(this.allocated, roundUp(maxSize + 2 * this.growStep, this.growStep)));
    this.b = Buffer.from(this.map);
    this.u32 = new Uint32Array(this.map);
    this.sigbusAtOpen = sigbusCount();
    populate(this.map, 0, this.allocated);

    this.writeHeaderConstants();
    this.end = WRITE_HEADER_SIZE;
    const fieldTable = this.allocTable(ObjectType.FieldHashTable, OBJECT_HEADER_SIZE + this.fieldBuckets * HASH_ITEM_SIZE);
    this.fieldHashTableOffset = fieldTable + OBJECT_HEADER_SIZE;
    const dataTable = this.allocTable(ObjectType.DataHashTable, OBJECT_HEADER_SIZE + this.dataBuckets * HASH_ITEM_SIZE);
    this.dataHashTableOffset = dataTable + OBJECT_HEADER_SIZE;
    this.w64(H.dataHashTableOffset, this.dataHashTableOffset);
    this.w64(H.dataHashTableSize, this.dataBuckets * HASH_ITEM_SIZE);
    this.w64(H.fieldHashTableOffset, this.fieldHashTableOffset);
    this.w64(H.fieldHashTableSize, this.fieldBuckets * HASH_ITEM_SIZE);
    this.st[S.DATA_TABLE] = this.dataHashTableOffset;
    this.st[S.DATA_BUCKETS] = this.dataBuckets;
    this.st[S.MAX_ARRAY_ITEMS] = MAX_ARRAY_ITEMS;
    this.st[S.TAIL_BOOT_OWN] = 1;
    this.st[S.D_CAPACITY] = this.dOff.length;
    this.bindNative();
  }

  /** The native hot path (compact files only) works on this writer's arrays: bound again whenever one is replaced. */
  private native: NativeJournalHandle | undefined;
  private bindNative(): void {
    if (!this.compact || this.map === undefined) return;
    this.native = journalBind(this.st, this.map, this.dOff, this.dHashHi, this.dHashLo, this.dN, this.dTail, this.dTailCap, this.dTailUsed, this.bootIdBuf);
  }

  /** Creates (or truncates) `path` as a new, empty journal file in state ONLINE. */
  static create(path: string, options: JournalWriterOptions): JournalFileWriter {
    const fd = openSync(path, 'w+', 0o640);
    try {
      return new JournalFileWriter(path, fd, options);
    } catch (e) {
      closeSync(fd);
      throw e;
    }
  }

  private writeHeaderConstants(): void {
    const b = this.b;
    SIGNATURE.copy(b, H.signature);
    this.u32[H.compatibleFlags >>> 2] = 0;
    this.u32[H.incompatibleFlags >>> 2] = this.compact ? INCOMPAT_COMPACT : 0;
    b[H.state] = FileState.Online;
    id128ToBuffer(this.fileId).copy(b, H.fileId);
    id128ToBuffer(this.machineId).copy(b, H.machineId);
    this.tailBootIdBuf.copy(b, H.tailEntryBootId);
    id128ToBuffer(this.seqnumId).copy(b, H.seqnumId);
    this.w64(H.headerSize, WRITE_HEADER_SIZE);
  }

  // ---- appending -------------------------------------------------------------------------

  /**
   * Appends one entry. Items with the same payload appear once (as in journald); the entry's
   * items are stored sorted by data object offset.
   */
  append(items: readonly JournalItem[], ts: EntryTimestamps): number {
    this.checkOpen();
    if (items.length === 0) throw new Error('a journal entry needs at least one field');
    const ords = this.ordinals;
    ords.length = 0;
    for (const item of items) {
      ords.push(item instanceof JournalData ? this.resolvePrepared(item) : this.resolveFresh(item[0], item[1]));
    }
    // Insertion sort: entries have a handful to a few dozen items, mostly in order already.
    let w = 1;
    for (let r = 1; r < ords.length; r++) {
      const v = ords[r];
      let i = w;
      while (i > 0 && ords[i - 1] > v) i--;
      if (i > 0 && ords[i - 1] === v) continue;
      for (let k = w; k > i; k--) ords[k] = ords[k - 1];
      ords[i] = v;
      w++;
    }
    ords.length = w;
    return this.writeEntry(ords, w, ts);
  }

  /**
   * Appends the entry `set` + `field=value`: the fast path of captured lines (the set is a
   * stream's fixed fields, the value a line). Same result as append([...set.items, [field, value]]).
   */
  appendWith(set: JournalItemSet, field: JournalField, value: Buffer, ts: EntryTimestamps): number {
    this.checkOpen();
    if (set.owner !== this) this.resolveSet(set);
    const fs = this.native !== undefined && ts.bootId === undefined ? this.fields.get(field.name) : undefined;
    if (fs !== undefined) {
      for (;;) {
        const r = journalAppendLine(this.native!, set.ords, field.prefix, fs.off, value, ts.realtime, ts.monotonic);
        if (r > 0) return r;
        if (r === -2) this.grow(this.end + this.st[S.NEED]);
        else if (r === -3) this.growData();
        else break;
      }
    }
    const o = this.resolveFresh(field, value);
    const fixed = set.ords;
    const ords = this.ordinals;
    const n = fixed.length;
    ords.length = n + 1;
    // The fresh item's data object is usually the newest, hence last in offset order.
    let i = n;
    while (i > 0 && fixed[i - 1] > o) i--;
    for (let k = 0; k < i; k++) ords[k] = fixed[k];
    let len = i;
    if (i === 0 || fixed[i - 1] !== o) ords[len++] = o;
    for (let k = i; k < n; k++) ords[len++] = fixed[k];
    ords.length = len;
    return this.writeEntry(ords, len, ts);
  }

  /**
   * Many captured lines at once: chunk[bounds[2i], bounds[2i+1]) for i in [from, to), each the
   * entry `set` + `field=line`, stamped as it is appended. Stops early once the file is due for
   * rotation (its size reached `maxSize`, or hashTablesFull()); returns how many were appended,
   * at least one.
   */
  appendLines(set: JournalItemSet, field: JournalField, chunk: Buffer, bounds: Int32Array, from: number, to: number, maxSize: number): number {
    this.checkOpen();
    if (set.owner !== this) this.resolveSet(set);
    let i = from;
    while (i < to) {
      const fs = this.native !== undefined ? this.fields.get(field.name) : undefined;
      if (fs !== undefined) {
        i += journalAppendLines(this.native!, set.ords, field.prefix, fs.off, chunk, bounds, i, to - i, maxSize);
        const reason = this.st[S.REASON];
        if (reason === 1 || i >= to) break;
        if (reason === -2) {
          this.grow(this.end + this.st[S.NEED]);
          continue;
        }
        if (reason === -3) {
          this.growData();
          continue;
        }
      }
      // The JS writer takes this line (the native path cannot, or is not there).
      this.appendWith(set, field, chunk.subarray(bounds[2 * i], bounds[2 * i + 1]), { realtime: realtimeUsec(), monotonic: monotonicUsec() });
      i++;
      if (this.end >= maxSize || this.hashTablesFull()) break;
    }
    return i - from;
  }

  private resolveSet(set: JournalItemSet): void {
    const ords: number[] = [];
    for (const d of set.items) ords.push(this.resolvePrepared(d));
    ords.sort((a, b) => a - b);
    set.ords = Int32Array.from(ords.filter((v, i) => i === 0 || v !== ords[i - 1]));
    set.owner = this;
  }

  private checkOpen(): void {
    if (this.closed) throw new Error(`journal file ${this.path} is closed`);
  }

  private writeEntry(ords: number[], n: number, ts: EntryTimestamps): number {
    let bootBuf = this.bootIdBuf;
    if (ts.bootId !== undefined && ts.bootId !== this.bootId) bootBuf = this.bootIdBuffer(ts.bootId);
    // --verify insists that monotonic time never goes back within one boot.
    let monotonic = Math.max(0, Math.floor(ts.monotonic));
    if (this.nEntries > 0 && monotonic < this.tailMonotonic && (bootBuf === this.tailBootIdBuf || bootBuf.equals(this.tailBootIdBuf))) {
      monotonic = this.tailMonotonic;
    }
    const realtime = Math.max(1, Math.floor(ts.realtime));

    const size = ENTRY_ITEMS_OFFSET + n * this.entryItemSize;
    const off = this.reserve(size);
    const u32 = this.u32;
    const seqnum = this.nextSeqnum++;
    // Every byte of the entry's header is written below: no clearing needed.
    this.objectHeader(off, ObjectType.Entry, size);
    this.w64(off + E.seqnum, seqnum);
    this.w64(off + E.realtime, realtime);
    this.w64(off + E.monotonic, monotonic);
    const bw = (off + E.bootId) >>> 2;
    u32[bw] = bootBuf.readUInt32LE(0);
    u32[bw + 1] = bootBuf.readUInt32LE(4);
    u32[bw + 2] = bootBuf.readUInt32LE(8);
    u32[bw + 3] = bootBuf.readUInt32LE(12);
    let xhi = 0;
    let xlo = 0;
    let q = (off + ENTRY_ITEMS_OFFSET) >>> 2;
    const dOff = this.dOff;
    const dHashHi = this.dHashHi;
    const dHashLo = this.dHashLo;
    if (this.compact) {
      for (let i = 0; i < n; i++) {
        const o = ords[i];
        xhi ^= dHashHi[o];
        xlo ^= dHashLo[o];
        u32[q++] = dOff[o];
      }
    } else {
      for (let i = 0; i < n; i++) {
        const o = ords[i];
        const hi = dHashHi[o];
        const lo = dHashLo[o];
        xhi ^= hi;
        xlo ^= lo;
        this.w64(q * 4, dOff[o]);
        u32[q + 2] = lo;
        u32[q + 3] = hi;
        q += 4;
      }
    }
    u32[(off + E.xorHash) >>> 2] = xlo >>> 0;
    u32[(off + E.xorHash + 4) >>> 2] = xhi >>> 0;
    this.commitObject(off, size);

    // Linked into each data object's chain, then the file's; the header's counters move last.
    for (let i = 0; i < n; i++) this.linkData(ords[i], off);
    this.linkMain(off);

    if (this.headSeqnum === 0) {
      this.headSeqnum = seqnum;
      this.headRealtime = realtime;
      this.w64(H.headEntrySeqnum, seqnum);
      this.w64(H.headEntryRealtime, realtime);
    }
    this.tailSeqnum = seqnum;
    this.tailRealtime = realtime;
    this.tailMonotonic = monotonic;
    if (bootBuf !== this.tailBootIdBuf) {
      this.tailBootIdBuf = bootBuf;
      bootBuf.copy(this.b, H.tailEntryBootId);
      this.st[S.TAIL_BOOT_OWN] = bootBuf.equals(this.bootIdBuf) ? 1 : 0;
    }
    this.nEntries++;
    this.w64(H.tailEntrySeqnum, seqnum);
    this.w64(H.tailEntryRealtime, realtime);
    this.w64(H.tailEntryMonotonic, monotonic);
    this.w64(H.nEntries, this.nEntries);
    this.changed = true;
    return seqnum;
  }

  private bootIdBuffer(id: Id128): Buffer {
    let b = this.bootIdCache.get(id);
    if (!b) {
      b = id128ToBuffer(id);
      if (this.bootIdCache.size > 64) this.bootIdCache.clear();
      this.bootIdCache.set(id, b);
    }
    return b;
  }

  private resolvePrepared(d: JournalData): number {
    if (d.owner === this) return d.ordinal;
    const p = this.reserveUncommitted(this.payloadOffset + d.payload.length);
    this.b.set(d.payload, p + this.payloadOffset);
    this.dirtied(p + this.payloadOffset + d.payload.length);
    const o = this.findOrCommitData(d.field, p, d.payload.length, d.hash);
    d.owner = this;
    d.ordinal = o;
    return o;
  }

  private resolveFresh(f: JournalField | string, value: Buffer | string): number {
    const field = typeof f === 'string' ? internField(f) : f;
    const vlen = typeof value === 'string' ? Buffer.byteLength(value, 'utf8') : value.length;
    const len = field.prefix.length + vlen;
    const p = this.reserveUncommitted(this.payloadOffset + len);
    const b = this.b;
    const s = p + this.payloadOffset;
    // Byte stores and TypedArray#set: Buffer#copy's argument checks cost more than the copy of a line.
    const prefix = field.prefix;
    const pl = prefix.length;
    for (let i = 0; i < pl; i++) b[s + i] = prefix[i];
    if (typeof value === 'string') b.write(value, s + pl, 'utf8');
    else b.set(value, s + pl);
    this.dirtied(s + len);
    const h = jenkinsHash64(b, s, s + len, this.scratchHash);
    return this.findOrCommitData(field, p, len, h);
  }

  /**
   * The payload sits at `p + payloadOffset` (p = the end of the file's objects), not committed.
   * Returns the ordinal of an equal data object if one exists (the bytes there are then left for
   * the next object to overwrite), else commits a new one and links it into the hash table.
   */
  private findOrCommitData(field: JournalField, p: number, len: number, h: Hash64): number {
    const b = this.b;
    const s = p + this.payloadOffset;
    let key: string | undefined;
    if (len <= SHORT_PAYLOAD) {
      key = b.toString('latin1', s, s + len);
      const hit = this.shortCache.get(key);
      if (hit !== undefined) return hit;
    }
    const hi = h.hi;
    const lo = h.lo;
    const size = this.payloadOffset + len;
    const bucket = this.dataHashTableOffset + this.bucketOf(hi, lo, this.dataBuckets) * HASH_ITEM_SIZE;
    let depth = 0;
    for (let d = this.r64(bucket); d !== 0; d = this.r64(d + D.nextHash)) {
      const i = d >>> 2;
      if (this.u32[i + 4] === lo && this.u32[i + 5] === hi && this.u32[i + 2] === size && this.u32[i + 3] === 0 &&
        b.compare(b, s, s + len, d + this.payloadOffset, d + size) === 0) {
        const o = this.ordinalAt(d);
        if (key !== undefined) this.cacheShort(key, o);
        return o;
      }
      depth++;
    }
    if (depth > this.dataHashChainDepth) {
      this.dataHashChainDepth = depth;
      this.w64(H.dataHashChainDepth, depth);
    }

    let fs = this.fields.get(field.name);
    const newField = fs === undefined;
    if (fs === undefined) {
      const hash = jenkinsHash64(field.prefix, 0, field.prefix.length - 1);
      fs = { off: 0, hash: { hi: hash.hi, lo: hash.lo }, next: null };
    }
    const off = p;
    for (let i = (off + 16) >>> 2, e = (off + this.payloadOffset) >>> 2; i < e; i++) this.u32[i] = 0;
    this.objectHeader(off, ObjectType.Data, size);
    this.u32[(off + D.hash) >>> 2] = lo;
    this.u32[(off + D.hash + 4) >>> 2] = hi;
    // Field chains grow at the head (as journald does): the new object points at the older one.
    if (fs.off !== 0) this.w64(off + D.nextField, this.r64(fs.off + F.headData));
    this.commitObject(off, size);
    // journald appends a new field's object right after the data object that introduced it.
    if (newField) this.appendField(fs, field);

    const o = this.nData++;
    if (o >= this.dOff.length) this.growData();
    this.dOff[o] = off;
    this.dHashHi[o] = hi;
    this.dHashLo[o] = lo;
    this.dN[o] = 0;
    this.dTail[o] = 0;
    this.dTailCap[o] = 0;
    this.dTailUsed[o] = 0;
    const tail = this.r64(bucket + 8);
    if (tail !== 0) this.w64(tail + D.nextHash, off);
    else this.w64(bucket, off);
    this.w64(bucket + 8, off);
    this.w64(fs.off + F.headData, off);
    this.w64(H.nData, this.nData);
    if (key !== undefined) this.cacheShort(key, o);
    return o;
  }

  /** The ordinal of the data object at `off`: a binary search (ordinals are in offset order). */
  private ordinalAt(off: number): number {
    let lo = 0;
    let hi = this.nData - 1;
    const a = this.dOff;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (a[mid] < off) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private cacheShort(key: string, o: number): void {
    if (this.shortCache.size >= SHORT_CACHE_MAX) this.shortCache.clear();
    this.shortCache.set(key, o);
  }

  /** 64-bit hash modulo n without BigInt: fold the high half in 16-bit steps (n < 2^37). */
  private bucketOf(hi: number, lo: number, n: number): number {
    let r = hi % n;
    r = (r * 65536) % n;
    r = (r * 65536) % n;
    return (r + lo) % n;
  }

  private growData(): void {
    const n = this.dOff.length * 2;
    const grow = <T extends Float64Array | Uint32Array>(a: T, make: (n: number) => T): T => {
      const r = make(n);
      r.set(a);
      return r;
    };
    this.dOff = grow(this.dOff, (k) => new Float64Array(k));
    this.dHashHi = grow(this.dHashHi, (k) => new Uint32Array(k));
    this.dHashLo = grow(this.dHashLo, (k) => new Uint32Array(k));
    this.dN = grow(this.dN, (k) => new Uint32Array(k));
    this.dTail = grow(this.dTail, (k) => new Float64Array(k));
    this.dTailCap = grow(this.dTailCap, (k) => new Uint32Array(k));
    this.dTailUsed = grow(this.dTailUsed, (k) => new Uint32Array(k));
    this.st[S.D_CAPACITY] = n;
    this.bindNative();
  }

  /**
   * Adds the entry at `entryOff` to data object `o`: the first entry inline, later ones into its
   * entry-array chain (journald's link_entry_into_array_plus_one), the counter last.
   */
  private linkData(o: number, entryOff: number): void {
    const n = this.dN[o];
    const dataOff = this.dOff[o];
    if (n > 0) {
      let used = this.dTailUsed[o];
      let tail = this.dTail[o];
      if (used === this.dTailCap[o]) {
        const cap = arrayCapacity(used);
        const arr = this.allocEntryArray(cap);
        this.writeArrayItem(arr, 0, entryOff);
        if (tail === 0) this.w64(dataOff + D.entryArrayOffset, arr);
        else this.w64(tail + OBJECT_HEADER_SIZE, arr);
        this.dTail[o] = tail = arr;
        this.dTailCap[o] = cap;
        used = 0;
      } else {
        this.writeArrayItem(tail, used, entryOff);
      }
      this.dTailUsed[o] = ++used;
      if (this.compact) {
        const i = (dataOff + D.nEntries + 8) >>> 2;
        this.u32[i] = tail;
        this.u32[i + 1] = used;
      }
    } else {
      this.w64(dataOff + D.entryOffset, entryOff);
    }
    this.dN[o] = n + 1;
    this.w64(dataOff + D.nEntries, n + 1);
  }

  /** Adds the entry to the file's main entry-array chain (the header's fields point at its tail). */
  private linkMain(entryOff: number): void {
    if (this.mainTailUsed === this.mainTailCap) {
      const cap = arrayCapacity(this.mainTailCap);
      const arr = this.allocEntryArray(cap);
      this.writeArrayItem(arr, 0, entryOff);
      if (this.mainTail === 0) {
        this.w64(H.entryArrayOffset, arr);
      } else {
        this.w64(this.mainTail + OBJECT_HEADER_SIZE, arr);
      }
      this.mainTail = arr;
      this.mainTailCap = cap;
      this.mainTailUsed = 1;
    } else {
      this.writeArrayItem(this.mainTail, this.mainTailUsed, entryOff);
      this.mainTailUsed++;
    }
    // 252 keeps the main chain's tail array here (32-bit: only when it fits) so an appending
    // journald need not walk the chain; 0 makes it walk from the head.
    if (this.mainTail < TWO32) {
      this.u32[H.tailEntryArrayOffset >>> 2] = this.mainTail;
      this.u32[H.tailEntryArrayNEntries >>> 2] = this.mainTailUsed;
    }
  }

  private writeArrayItem(arr: number, i: number, entryOff: number): void {
    if (this.compact) this.u32[(arr + ENTRY_ARRAY_ITEMS_OFFSET + 4 * i) >>> 2] = entryOff;
    else this.w64(arr + ENTRY_ARRAY_ITEMS_OFFSET + 8 * i, entryOff);
  }

  private allocEntryArray(cap: number): number {
    const size = ENTRY_ARRAY_ITEMS_OFFSET + this.arrayItemSize * cap;
    const off = this.reserve(size);
    // The space is fallocate's zeros, except where a rejected duplicate payload was assembled.
    if (this.dirtyEnd > off + 16) this.b.fill(0, off + 16, Math.min(off + size, this.dirtyEnd));
    this.objectHeader(off, ObjectType.EntryArray, size);
    this.commitObject(off, size);
    this.nEntryArrays++;
    this.w64(H.nEntryArrays, this.nEntryArrays);
    return off;
  }

  private appendField(fs: FieldState, field: JournalField): void {
    const size = FIELD_PAYLOAD_OFFSET + field.prefix.length - 1;
    const off = this.reserve(size);
    const b = this.b;
    b.fill(0, off + 16, off + FIELD_PAYLOAD_OFFSET);
    this.objectHeader(off, ObjectType.Field, size);
    this.u32[(off + F.hash) >>> 2] = fs.hash.lo;
    this.u32[(off + F.hash + 4) >>> 2] = fs.hash.hi;
    // Its one data object so far: the one just committed before it.
    this.w64(off + F.headData, this.tailDataOff);
    field.prefix.copy(b, off + FIELD_PAYLOAD_OFFSET, 0, field.prefix.length - 1);
    this.commitObject(off, size);
    fs.off = off;
    this.nFields++;
    this.w64(H.nFields, this.nFields);
    this.fields.set(field.name, fs);
    const bucketNo = this.bucketOf(fs.hash.hi, fs.hash.lo, this.fieldBuckets);
    const bucket = this.fieldHashTableOffset + bucketNo * HASH_ITEM_SIZE;
    let depth = 0;
    for (let x = this.fieldTails[bucketNo]; x; x = x.next) depth++;
    if (depth > this.fieldHashChainDepth) {
      this.fieldHashChainDepth = depth;
      this.w64(H.fieldHashChainDepth, depth);
    }
    const tail = this.fieldTails[bucketNo];
    if (tail) {
      fs.next = tail;
      this.w64(tail.off + F.nextHash, off);
    } else {
      this.w64(bucket, off);
    }
    this.w64(bucket + 8, off);
    this.fieldTails[bucketNo] = fs;
  }

  // ---- space -------------------------------------------------------------------------------


  /**
   * Room for an object of `size` bytes at the end: returns its offset but does not commit it (a
   * data payload may turn out to be a duplicate). May map the file anew.
   */
  private reserveUncommitted(size: number): number {
    const need = this.end + align8(size);
    if (need > this.allocated) this.grow(need);
    return this.end;
  }

  /** Bytes up to `to` may be non-zero past the end (a payload that may be rejected as a duplicate). */
  private dirtied(to: number): void {
    if (to > this.dirtyEnd) this.dirtyEnd = to;
  }

  private reserve(size: number): number {
    return this.reserveUncommitted(size);
  }

  /** Makes the file at least `need` bytes long (whole GROW_STEPs), mapping it anew if needed. */
  private grow(need: number): void {
    const to = roundUp(need, this.growStep);
    if (to > 0xffff_ffff) throw new Error(`journal file ${this.path}: a journal file cannot grow past 4 GiB`);
    if (to <= this.allocated) return;
    const from = this.allocated;
    const err = allocate(this.fd, from, to - from);
    if (err !== 0) throw Object.assign(new Error(`journal file ${this.path}: cannot grow to ${to} bytes: errno ${err}`), { errno: err });
    if (this.map !== undefined && to > this.map.byteLength) {
      // Mapped first: if that fails, `allocated` must still say what the mapping covers.
      const map = mapShared(this.fd, Math.min(0x1_0000_0000, roundUp(to * 2, this.growStep)));
      const old = this.map;
      this.map = map;
      this.b = Buffer.from(this.map);
      this.u32 = new Uint32Array(this.map);
      this.bindNative();
      unmap(old);
    }
    this.allocated = to;
    // The step will be written through soon: fault it in at once, not page by page.
    if (this.map !== undefined) populate(this.map, from, to - from);
  }

  private objectHeader(off: number, type: ObjectType, size: number): void {
    const i = off >>> 2;
    this.u32[i] = type;
    this.u32[i + 1] = 0;
    this.u32[i + 2] = size;
    this.u32[i + 3] = 0;
  }

  /** The object at `off` is complete: it becomes part of the arena (header fields first). */
  private commitObject(off: number, size: number): void {
    const aligned = align8(size);
    for (let i = off + size; i < off + aligned; i++) this.b[i] = 0;
    this.end = off + aligned;
    this.nObjects++;
    if (this.b[off] === ObjectType.Data) this.tailDataOff = off;
    this.w64(H.arenaSize, this.end - WRITE_HEADER_SIZE);
    this.w64(H.nObjects, this.nObjects);
    this.w64(H.tailObjectOffset, off);
  }

  /** A hash table: header only, the items are the zeros fallocate gave. */
  private allocTable(type: ObjectType, size: number): number {
    const off = this.reserve(size);
    this.objectHeader(off, type, size);
    this.commitObject(off, size);
    return off;
  }

  /** Stores a u64 (< 2^53) at file offset `at` (8-byte aligned). */
  private w64(at: number, value: number): void {
    const i = at >>> 2;
    if (value < TWO32) {
      this.u32[i] = value;
      this.u32[i + 1] = 0;
    } else {
      const hi = Math.floor(value / TWO32);
      this.u32[i] = value - hi * TWO32;
      this.u32[i + 1] = hi;
    }
  }

  private r64(at: number): number {
    const i = at >>> 2;
    return this.u32[i] + this.u32[i + 1] * TWO32;
  }

  // ---- making it visible ---------------------------------------------------------------------

  /**
   * Everything appended is in the page cache already, linked and counted; this only tells
   * inotify watchers (journalctl -f): stores into a mapping raise no event, so, like journald,
   * the file's size is set to what it is, which does.
   */
  sync(): void {
    if (this.closed || !this.changed) return;
    this.changed = false;
    ftruncateSync(this.fd, this.allocated);
  }

  /** The file could not take a store (truncated under us, I/O error): entries may be lost; rotate. */
  get broken(): boolean {
    return !this.closed && sigbusCount() !== this.sigbusAtOpen;
  }

  /**
   * Marks the file cleanly closed: OFFLINE (journald may append to it later) or ARCHIVED (rotated
   * away, read-only from now on). The data reaches the disk before the state that vouches for it.
   */
  close(state: FileState.Offline | FileState.Archived = FileState.Offline): void {
    this.closeWith(state, false).finish();
  }

  /**
   * close(state) with the disk waits on libuv's threadpool (journald offlines a rotated file in a
   * thread too), so a rotation during a burst does not stall the loop: the mapping goes and the
   * file is cut to its objects now; fdatasync, the state byte, fdatasync and close follow. The
   * returned finish() does what is left synchronously (at shutdown).
   */
  closeInBackground(state: FileState.Offline | FileState.Archived, done?: () => void): { finish(): void } {
    return this.closeWith(state, true, done);
  }

  private closeWith(state: FileState, background: boolean, done?: () => void): { finish(): void } {
    if (this.closed) return { finish: () => undefined };
    const stateByte = this.broken ? undefined : Buffer.from([state]);
    this.closed = true;
    const fd = this.fd;
    this.fd = -1;
    // The native handle points into the mapping: no way back to it once it is gone.
    this.native = undefined;
    unmap(this.map);
    // step: how many of `steps` are done; -1 once the descriptor is closed.
    let step = 0;
    const steps: (() => void)[] = [
      // The unused rest of the last growth step goes; readers go by the arena anyway.
      () => ftruncateSync(fd, this.end),
      () => fdatasyncSync(fd),
      () => stateByte && writeSync(fd, stateByte, 0, 1, H.state),
      () => fdatasyncSync(fd),
    ];
    const finish = (): void => {
      if (step < 0) return;
      try {
        while (step < steps.length) steps[step++]!();
      } finally {
        step = -1;
        closeSync(fd);
        done?.();
      }
    };
    if (!background) return { finish };
    try {
      steps[step++]!();
    } catch (e) {
      finish();
      throw e;
    }
    // Nothing may throw out of these callbacks: a failure ends in finish(), whose errors (the
    // disk failing) have no one left to tell but the file's state, which then stays ONLINE.
    const settle = (): void => {
      try {
        finish();
      } catch {
        // see above
      }
    };
    fdatasync(fd, (err) => {
      if (step !== 1) return; // finished synchronously meanwhile
      if (err) return settle();
      step = 2;
      try {
        steps[step++]!();
      } catch {
        return settle();
      }
      fdatasync(fd, (err2) => {
        if (step !== 3) return;
        if (err2) return settle();
        step = -1;
        close(fd, () => done?.());
      });
    });
    return { finish };
  }

  /** Drops the file without marking it closed (as a crash would leave it). */
  abandon(): void {
    if (this.closed) return;
    this.closed = true;
    this.native = undefined;
    unmap(this.map);
    closeSync(this.fd);
    this.fd = -1;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Bytes the file's objects occupy. */
  get size(): number {
    return this.end;
  }

  get nextSequenceNumber(): number {
    return this.nextSeqnum;
  }

  /**
   * journald's own rotation triggers besides size: a data or field hash table more than 3/4
   * full, or a hash chain deeper than 100 (collisions made lookups slow).
   */
  hashTablesFull(): boolean {
    return this.nData * 4 > this.dataBuckets * 3 || this.nFields * 4 > this.fieldBuckets * 3 ||
      this.dataHashChainDepth > 100 || this.fieldHashChainDepth > 100;
  }

  stats(): WriterStats {
    return {
      entries: this.nEntries,
      dataObjects: this.nData,
      fields: this.nFields,
      entryArrays: this.nEntryArrays,
      objects: this.nObjects,
      size: this.end,
      dataHashBuckets: this.dataBuckets,
      dataHashChainDepth: this.dataHashChainDepth,
      headSeqnum: this.headSeqnum,
      tailSeqnum: this.tailSeqnum,
      headRealtime: this.headRealtime,
      tailRealtime: this.tailRealtime,
      compact: this.compact,
    };
  }
}

/**
 * The size of the next entry array of a chain whose tail array held `previous` items: doubling
 * from 4, as journald grows them, but no larger than MAX_ARRAY_ITEMS, so the unused part of the
 * tail arrays (one per data object that recurs, e.g. each of a stream's 20 fixed fields) stays
 * small: uncapped, half-empty tail arrays were ~15% of a file of captured lines.
 */
function arrayCapacity(previous: number): number {
  return Math.min(MAX_ARRAY_ITEMS, Math.max(4, previous * 2));
}

function roundUp(n: number, step: number): number {
  return Math.ceil(n / step) * step;
}
