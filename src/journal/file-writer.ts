// Appends entries to one journal file in systemd's format: by default the compact layout
// (HEADER_INCOMPATIBLE_COMPACT, journald 252's default: 32-bit offsets in entry items and entry
// arrays, about half the bytes of the regular layout), no compression, no keyed hash; the regular
// layout on request (SYSTEMD_JOURNAL_COMPACT=0, as for journald, for readers older than 252) or for
// files allowed past 4 GiB.
//
// The file is mapped shared (native mmap, the way journald writes): objects are assembled in place
// and every link — hash chains, field chains, entry arrays, data objects' counters, the header — is
// a store into the page cache, visible to readers at once. The file grows in 8 MiB steps through
// posix_fallocate before any byte of a step is touched, so a full disk is an error from append(),
// never a SIGBUS (which the addon absorbs anyway if the file is cut under us: `broken`).
//
// Invariants (what a reader running at the same time, or a file left by a crash, relies on):
// - An object is complete before anything links to it; the header's arena_size, n_objects and
//   tail_object_offset cover it from the moment it is reserved, so no reader ever follows a link
//   past the arena.
// - Entry-array items are written before the counters that make them count (a data object's
//   n_entries, the header's n_entries); the header's entry fields move last in append().
// - Data objects are mirrored in typed arrays indexed by an ordinal (creation order): offset, hash
//   and the state of the entry-array chain hanging off them. Hash-table walks read the mapped file.
import { closeSync, fdatasyncSync, ftruncateSync, openSync } from 'node:fs';

import { allocate, mapShared, sigbusCount, unmap } from '../exec/native.js';
import {
  D, DATA_PAYLOAD_OFFSET, DATA_PAYLOAD_OFFSET_COMPACT, E, ENTRY_ARRAY_ITEMS_OFFSET, ENTRY_ITEMS_OFFSET, F,
  FIELD_PAYLOAD_OFFSET, FileState, H, HASH_ITEM_SIZE, INCOMPAT_COMPACT, type Id128, ObjectType,
  OBJECT_HEADER_SIZE, SIGNATURE, WRITE_HEADER_SIZE, align8, id128ToBuffer, randomId128,
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
   * it; never for a file allowed past 4 GiB, whose offsets would not fit in 32 bits).
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
  /** Bytes the file has (fallocated); nothing at or past it may be touched. */
  private allocated: number;
  /** Offset just past the last object: the next object's offset. */
  private end: number;
  private changed = false;
  private readonly sigbusAtOpen: number;
  /** An eighth of the expected size, within [64 KiB, 8 MiB]: a small file does not reserve 8 MiB. */
  private readonly growStep: number;

  // Layout constants of the chosen layout.
  private readonly payloadOffset: number;
  private readonly entryItemSize: number;
  private readonly arrayItemSize: number;

  private nObjects = 0;
  private nEntries = 0;
  private nData = 0;
  private nFields = 0;
  private nEntryArrays = 0;
  private nextSeqnum: number;
  private headSeqnum = 0;
  private tailSeqnum = 0;
  private headRealtime = 0;
  private tailRealtime = 0;
  private tailMonotonic = 0;
  private dataHashChainDepth = 0;
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
  // The file's main entry-array chain.
  private mainTail = 0;
  private mainTailCap = 0;
  private mainTailUsed = 0;
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
    const b = this.b;
    const u32 = this.u32;
    const seqnum = this.nextSeqnum++;
    b.fill(0, off + 16, off + ENTRY_ITEMS_OFFSET);
    this.objectHeader(off, ObjectType.Entry, size);
    this.w64(off + E.seqnum, seqnum);
    this.w64(off + E.realtime, realtime);
    this.w64(off + E.monotonic, monotonic);
    bootBuf.copy(b, off + E.bootId);
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
    d.payload.copy(this.b, p + this.payloadOffset);
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
    field.prefix.copy(b, s);
    if (typeof value === 'string') b.write(value, s + field.prefix.length, 'utf8');
    else value.copy(b, s + field.prefix.length);
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
    b.fill(0, off + 16, off + this.payloadOffset);
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
        const cap = Math.max(4, used * 2);
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
      const cap = Math.max(4, this.mainTailCap * 2);
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

  /** Offset of the data object committed last (what a brand-new field object points at). */
  private tailDataOff = 0;
  /** High-water mark of bytes written past `end` (rejected payloads), to clear before reuse. */
  private dirtyEnd = 0;

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
    const err = allocate(this.fd, this.allocated, to - this.allocated);
    if (err !== 0) throw Object.assign(new Error(`journal file ${this.path}: cannot grow to ${to} bytes: errno ${err}`), { errno: err });
    this.allocated = to;
    if (this.map !== undefined && to > this.map.byteLength) {
      const old = this.map;
      this.map = mapShared(this.fd, roundUp(to * 2, this.growStep));
      this.b = Buffer.from(this.map);
      this.u32 = new Uint32Array(this.map);
      unmap(old);
    }
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
    if (aligned > size) this.b.fill(0, off + size, off + aligned);
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
    if (this.closed) return;
    const broken = this.broken;
    this.closed = true;
    try {
      fdatasyncSync(this.fd);
      if (!broken) this.b[H.state] = state;
      unmap(this.map);
      // The unused rest of the last growth step goes; readers go by the arena anyway.
      ftruncateSync(this.fd, this.end);
      fdatasyncSync(this.fd);
    } finally {
      closeSync(this.fd);
      this.fd = -1;
    }
  }

  /** Drops the file without marking it closed (as a crash would leave it). */
  abandon(): void {
    if (this.closed) return;
    this.closed = true;
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

function roundUp(n: number, step: number): number {
  return Math.ceil(n / step) * step;
}
