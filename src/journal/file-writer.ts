// Appends entries to one journal file in systemd's format (regular layout: no compression, no
// keyed hash, no compact offsets — every incompatible flag off, so any journalctl since 2012 and
// 252's --verify accept it).
//
// Invariants:
// - The file is append-only except for link fields of objects already written (hash chain and
//   field chain heads, data objects' entry links and counters, entry-array items and chain
//   pointers) and the header. New objects are assembled in `buf`, which mirrors file bytes
//   [bufBase, bufBase + bufLen); a link into that range is written straight into the buffer, a
//   link into the flushed part is queued (patches, pending item runs, dirty hash-table pages)
//   and written by sync().
// - Between two sync() calls the on-disk header still describes the previous sync: everything
//   appended since is unreferenced, so a reader of a file whose writer died sees the last synced
//   state plus garbage past arena_size, never a dangling reference — except for the few links
//   sync() writes before it writes the header.
// - Data objects are also mirrored in small typed arrays indexed by an ordinal (creation order,
//   hence offset order): hash, hash-chain successor, entry count. That is all the dedup lookup
//   needs, so it never reads the file back except to compare payloads whose 64-bit hashes match.
import { closeSync, fdatasyncSync, ftruncateSync, openSync, readSync, writeSync } from 'node:fs';

import {
  D, DATA_PAYLOAD_OFFSET, E, ENTRY_ARRAY_ITEMS_OFFSET, ENTRY_ITEM_SIZE, ENTRY_ITEMS_OFFSET, F,
  FIELD_PAYLOAD_OFFSET, FileState, H, HASH_ITEM_SIZE, type Id128, ObjectType, OBJECT_HEADER_SIZE,
  SIGNATURE, WRITE_HEADER_SIZE, align8, id128ToBuffer, randomId128, writeU64,
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

const numeric = (a: number, b: number): number => a - b;
const TWO32 = 0x1_0000_0000;
/** A buffer on its own ArrayBuffer, so typed-array views over it start 8-byte aligned. */
const alignedBuffer = (n: number): Buffer => Buffer.from(new ArrayBuffer(n));

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
  /** Bytes of new objects assembled in memory before one write(2). */
  bufferSize?: number;
  /** sync() by itself once this many bytes were appended since the last one. */
  autoSyncBytes?: number;
}

const DEFAULT_MAX_FILE_SIZE = 128 * 1024 * 1024;
const DEFAULT_FIELD_BUCKETS = 333;
const MIN_DATA_BUCKETS = 2047;
/** Arrays at least this large are left as a hole in the file instead of written zeros. */
const SPARSE_ARRAY_BYTES = 64 * 1024;
/** Payloads this short are deduplicated through a string-keyed cache before the hash table. */
const SHORT_PAYLOAD = 96;
const SHORT_CACHE_MAX = 8192;
const PAGE = 4096;
const BUCKETS_PER_PAGE = PAGE / HASH_ITEM_SIZE;

/** An entry-array chain (the file's main one, or one data object's) and its open tail array. */
interface Chain {
  /** Data ordinal owning the chain, -1 for the main entry array. */
  owner: number;
  tailOff: number;
  tailCap: number;
  tailUsed: number;
  /** Items held in arrays (for a data object: all its entries but the inline first one). */
  total: number;
  run: PendingRun | null;
}

/** Items of an already flushed entry array, filled since the last sync: written as one range. */
interface PendingRun {
  fileOff: number;
  values: number[];
}

interface FieldState {
  off: number;
  hash: Hash64;
  headData: number;
  next: FieldState | null;
  dirty: boolean;
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
}

export class JournalFileWriter {
  readonly path: string;
  readonly machineId: Id128;
  readonly seqnumId: Id128;
  readonly fileId: Id128;
  readonly bootId: Id128;
  private fd: number;
  private closed = false;

  private readonly machineIdBuf: Buffer;
  private readonly seqnumIdBuf: Buffer;
  private readonly fileIdBuf: Buffer;
  private bootIdBuf: Buffer;
  private readonly bootIdCache = new Map<string, Buffer>();
  private tailBootIdBuf: Buffer;

  private buf: Buffer;
  /** 32-bit view of `buf`: every u64 field sits 8-byte aligned, so two stores write one. */
  private u32: Uint32Array;
  private readonly bufferSize: number;
  private bufBase: number;
  private bufLen = 0;
  /** Offset just past the last object: the next object's offset. */
  private end: number;
  /** How far the file really extends (holes of sparse arrays may reach past the written bytes). */
  private fileSize: number;
  private readonly autoSyncBytes: number;
  private syncedEnd: number;

  private nObjects = 0;
  private nEntries = 0;
  private nData = 0;
  private nFields = 0;
  private nEntryArrays = 0;
  private tailObjectOffset = 0;
  private nextSeqnum: number;
  private headSeqnum = 0;
  private tailSeqnum = 0;
  private headRealtime = 0;
  private tailRealtime = 0;
  private tailMonotonic = 0;
  private tailEntryOffset = 0;
  private dataHashChainDepth = 0;
  private fieldHashChainDepth = 0;

  private readonly dataHashTableOffset: number;
  private readonly fieldHashTableOffset: number;
  private readonly dataBuckets: number;
  private readonly fieldBuckets: number;

  // Data object mirror, indexed by ordinal.
  private dOff = new Float64Array(1024);
  private dHashHi = new Uint32Array(1024);
  private dHashLo = new Uint32Array(1024);
  private dNext = new Int32Array(1024);
  private dN = new Uint32Array(1024);
  private readonly bHead: Int32Array;
  private readonly bTail: Int32Array;
  private readonly dirtyPages: Uint8Array;
  private anyDirtyPage = false;
  private readonly chains = new Map<number, Chain>();
  private readonly mainChain: Chain = { owner: -1, tailOff: 0, tailCap: 0, tailUsed: 0, total: 0, run: null };
  private readonly dirtyData = new Set<number>();
  private readonly shortCache = new Map<string, number>();

  private readonly fields = new Map<string, FieldState>();
  private readonly fieldHeads: (FieldState | null)[];
  private readonly fieldTails: (FieldState | null)[];
  private fieldTableDirty = false;

  private readonly patches = new Map<number, number>();
  private runs: PendingRun[] = [];
  private pendingValues = 0;

  private readonly scratchHash: Hash64 = { hi: 0, lo: 0 };
  private ordinals: number[] = [];
  private compareBuf = Buffer.alloc(256);

  private constructor(path: string, fd: number, o: JournalWriterOptions) {
    this.path = path;
    this.fd = fd;
    this.machineId = o.machineId;
    this.bootId = o.bootId;
    this.seqnumId = o.seqnumId ?? randomId128();
    this.fileId = o.fileId ?? randomId128();
    this.machineIdBuf = id128ToBuffer(this.machineId);
    this.seqnumIdBuf = id128ToBuffer(this.seqnumId);
    this.fileIdBuf = id128ToBuffer(this.fileId);
    this.bootIdBuf = id128ToBuffer(this.bootId);
    this.tailBootIdBuf = this.bootIdBuf;
    this.nextSeqnum = Math.max(1, o.firstSeqnum ?? 1);
    const maxSize = o.maxFileSize ?? DEFAULT_MAX_FILE_SIZE;
    this.dataBuckets = Math.max(MIN_DATA_BUCKETS, o.dataHashBuckets ?? Math.floor(maxSize / 576));
    this.fieldBuckets = Math.max(1, o.fieldHashBuckets ?? DEFAULT_FIELD_BUCKETS);
    this.bufferSize = Math.max(64 * 1024, o.bufferSize ?? 4 * 1024 * 1024);
    this.autoSyncBytes = o.autoSyncBytes ?? 64 * 1024 * 1024;
    this.buf = alignedBuffer(this.bufferSize);
    this.u32 = new Uint32Array(this.buf.buffer, 0, this.buf.length >>> 2);

    this.bHead = new Int32Array(this.dataBuckets).fill(-1);
    this.bTail = new Int32Array(this.dataBuckets).fill(-1);
    this.dirtyPages = new Uint8Array(Math.ceil((this.dataBuckets * HASH_ITEM_SIZE) / PAGE));
    this.fieldHeads = new Array<FieldState | null>(this.fieldBuckets).fill(null);
    this.fieldTails = new Array<FieldState | null>(this.fieldBuckets).fill(null);

    // Layout of a new file: header, field hash table, data hash table (both must be the first
    // objects), then entries as they come. The tables are written as holes + header only: their
    // content is all zeros until something is linked in.
    this.bufBase = WRITE_HEADER_SIZE;
    this.end = WRITE_HEADER_SIZE;
    const fieldTable = this.allocSparse(ObjectType.FieldHashTable, OBJECT_HEADER_SIZE + this.fieldBuckets * HASH_ITEM_SIZE);
    this.fieldHashTableOffset = fieldTable + OBJECT_HEADER_SIZE;
    const dataTable = this.allocSparse(ObjectType.DataHashTable, OBJECT_HEADER_SIZE + this.dataBuckets * HASH_ITEM_SIZE);
    this.dataHashTableOffset = dataTable + OBJECT_HEADER_SIZE;
    this.fileSize = this.end;
    ftruncateSync(this.fd, this.end);
    this.syncedEnd = this.end;
    this.writeHeader(FileState.Online);
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

  // ---- appending -------------------------------------------------------------------------

  /**
   * Appends one entry. Items with the same payload appear once (as in journald); the entry's
   * items are stored sorted by data object offset.
   */
  append(items: readonly JournalItem[], ts: EntryTimestamps): number {
    if (this.closed) throw new Error(`journal file ${this.path} is closed`);
    if (items.length === 0) throw new Error('a journal entry needs at least one field');
    const ords = this.ordinals;
    ords.length = 0;
    for (const item of items) {
      ords.push(item instanceof JournalData ? this.resolvePrepared(item) : this.resolveFresh(item[0], item[1]));
    }
    let sorted = true;
    for (let i = 1; i < ords.length && sorted; i++) sorted = ords[i] > ords[i - 1];
    if (!sorted) {
      ords.sort(numeric);
      let w = 1;
      for (let r = 1; r < ords.length; r++) if (ords[r] !== ords[w - 1]) ords[w++] = ords[r];
      ords.length = w;
    }

    let bootBuf = this.bootIdBuf;
    if (ts.bootId !== undefined && ts.bootId !== this.bootId) bootBuf = this.bootIdBuffer(ts.bootId);
    // --verify insists that monotonic time never goes back within one boot.
    let monotonic = Math.max(0, Math.floor(ts.monotonic));
    if (this.nEntries > 0 && bootBuf.equals(this.tailBootIdBuf) && monotonic < this.tailMonotonic) {
      monotonic = this.tailMonotonic;
    }
    const realtime = Math.max(1, Math.floor(ts.realtime));

    const n = ords.length;
    const size = ENTRY_ITEMS_OFFSET + n * ENTRY_ITEM_SIZE;
    const off = this.reserve(size);
    const b = this.buf;
    const p = off - this.bufBase;
    const seqnum = this.nextSeqnum++;
    b.fill(0, p, p + ENTRY_ITEMS_OFFSET);
    b[p] = ObjectType.Entry;
    this.w64(p + 8, size);
    this.w64(p + E.seqnum, seqnum);
    this.w64(p + E.realtime, realtime);
    this.w64(p + E.monotonic, monotonic);
    bootBuf.copy(b, p + E.bootId);
    let xhi = 0;
    let xlo = 0;
    let q = p + ENTRY_ITEMS_OFFSET;
    for (let i = 0; i < n; i++) {
      const o = ords[i];
      const hi = this.dHashHi[o];
      const lo = this.dHashLo[o];
      xhi ^= hi;
      xlo ^= lo;
      this.w64(q, this.dOff[o]);
      this.u32[(q + 8) >>> 2] = lo;
      this.u32[(q + 12) >>> 2] = hi;
      q += ENTRY_ITEM_SIZE;
    }
    this.u32[(p + E.xorHash) >>> 2] = xlo >>> 0;
    this.u32[(p + E.xorHash + 4) >>> 2] = xhi >>> 0;
    this.commitObject(off, size);
    this.nEntries++;

    this.linkIntoChain(this.mainChain, off);
    for (let i = 0; i < n; i++) this.linkDataToEntry(ords[i], off);

    if (this.headSeqnum === 0) {
      this.headSeqnum = seqnum;
      this.headRealtime = realtime;
    }
    this.tailSeqnum = seqnum;
    this.tailRealtime = realtime;
    this.tailMonotonic = monotonic;
    this.tailBootIdBuf = bootBuf;
    this.tailEntryOffset = off;

    if (this.end - this.syncedEnd >= this.autoSyncBytes || this.pendingValues >= 1 << 20) this.sync();
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
    const p = this.reserveUncommitted(DATA_PAYLOAD_OFFSET + d.payload.length);
    d.payload.copy(this.buf, p + DATA_PAYLOAD_OFFSET);
    const o = this.findOrCommitData(d.field, p, d.payload.length, d.hash);
    d.owner = this;
    d.ordinal = o;
    return o;
  }

  private resolveFresh(f: JournalField | string, value: Buffer | string): number {
    const field = typeof f === 'string' ? internField(f) : f;
    const vlen = typeof value === 'string' ? Buffer.byteLength(value, 'utf8') : value.length;
    const len = field.prefix.length + vlen;
    const p = this.reserveUncommitted(DATA_PAYLOAD_OFFSET + len);
    const b = this.buf;
    const s = p + DATA_PAYLOAD_OFFSET;
    field.prefix.copy(b, s);
    if (typeof value === 'string') b.write(value, s + field.prefix.length, 'utf8');
    else value.copy(b, s + field.prefix.length);
    const h = jenkinsHash64(b, s, s + len, this.scratchHash);
    return this.findOrCommitData(field, p, len, h);
  }

  /**
   * The payload sits at buf[p + 64, +len) past the committed end. Returns the ordinal of an equal
   * data object if one exists (the bytes are then simply not committed), else commits a new one.
   */
  private findOrCommitData(field: JournalField, p: number, len: number, h: Hash64): number {
    const b = this.buf;
    const s = p + DATA_PAYLOAD_OFFSET;
    let key: string | undefined;
    if (len <= SHORT_PAYLOAD) {
      key = b.toString('latin1', s, s + len);
      const hit = this.shortCache.get(key);
      if (hit !== undefined) return hit;
    }
    const hi = h.hi;
    const lo = h.lo;
    const bucket = this.bucketOf(hi, lo, this.dataBuckets);
    let depth = 0;
    for (let o = this.bHead[bucket]; o >= 0; o = this.dNext[o]) {
      if (this.dHashHi[o] === hi && this.dHashLo[o] === lo && this.samePayload(o, b, s, len)) {
        if (key !== undefined) this.cacheShort(key, o);
        return o;
      }
      depth++;
    }
    if (depth > this.dataHashChainDepth) this.dataHashChainDepth = depth;

    const off = this.bufBase + p;
    const size = DATA_PAYLOAD_OFFSET + len;
    let fs = this.fields.get(field.name);
    const newField = fs === undefined;
    if (fs === undefined) {
      const hash = jenkinsHash64(field.prefix, 0, field.prefix.length - 1);
      fs = { off: 0, hash: { hi: hash.hi, lo: hash.lo }, headData: 0, next: null, dirty: false };
    }
    b.fill(0, p, s);
    b[p] = ObjectType.Data;
    this.w64(p + 8, size);
    this.u32[(p + D.hash) >>> 2] = lo;
    this.u32[(p + D.hash + 4) >>> 2] = hi;
    // Field chains grow at the head (as journald does): the new object points at the older one.
    this.w64(p + D.nextField, fs.headData);
    this.commitObject(off, size);
    // journald appends a new field's object right after the data object that introduced it.
    if (newField) this.appendField(fs, field, field.prefix.length - 1 + FIELD_PAYLOAD_OFFSET);

    const o = this.nData++;
    if (o >= this.dOff.length) this.growData();
    this.dOff[o] = off;
    this.dHashHi[o] = hi;
    this.dHashLo[o] = lo;
    this.dNext[o] = -1;
    this.dN[o] = 0;
    const tail = this.bTail[bucket];
    if (tail >= 0) {
      this.dNext[tail] = o;
      this.setU64(this.dOff[tail] + D.nextHash, off);
    } else {
      this.bHead[bucket] = o;
    }
    this.bTail[bucket] = o;
    this.dirtyPages[(bucket / BUCKETS_PER_PAGE) | 0] = 1;
    this.anyDirtyPage = true;

    fs.headData = off;
    if (fs.off < this.bufBase) fs.dirty = true;
    else this.w64(fs.off - this.bufBase + F.headData, off);
    if (key !== undefined) this.cacheShort(key, o);
    return o;
  }

  private cacheShort(key: string, o: number): void {
    if (this.shortCache.size >= SHORT_CACHE_MAX) this.shortCache.clear();
    this.shortCache.set(key, o);
  }

  private samePayload(o: number, b: Buffer, s: number, len: number): boolean {
    const off = this.dOff[o];
    const size = DATA_PAYLOAD_OFFSET + len;
    if (off >= this.bufBase) {
      const q = off - this.bufBase;
      return b.readUInt32LE(q + 8) === size && b.readUInt32LE(q + 12) === 0 &&
        b.compare(b, s, s + len, q + DATA_PAYLOAD_OFFSET, q + size) === 0;
    }
    if (this.compareBuf.length < size) this.compareBuf = Buffer.allocUnsafe(align8(size) * 2);
    const c = this.compareBuf;
    if (readSync(this.fd, c, 0, size, off) !== size) return false;
    return c.readUInt32LE(8) === size && c.readUInt32LE(12) === 0 &&
      c.compare(b, s, s + len, DATA_PAYLOAD_OFFSET, size) === 0;
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
    const grow = <T extends Float64Array | Uint32Array | Int32Array>(a: T, make: (n: number) => T): T => {
      const r = make(n);
      r.set(a);
      return r;
    };
    this.dOff = grow(this.dOff, (k) => new Float64Array(k));
    this.dHashHi = grow(this.dHashHi, (k) => new Uint32Array(k));
    this.dHashLo = grow(this.dHashLo, (k) => new Uint32Array(k));
    this.dNext = grow(this.dNext, (k) => new Int32Array(k));
    this.dN = grow(this.dN, (k) => new Uint32Array(k));
  }

  private linkDataToEntry(o: number, entryOff: number): void {
    const n = this.dN[o]++;
    const dataOff = this.dOff[o];
    if (dataOff >= this.bufBase) {
      const q = dataOff - this.bufBase;
      if (n === 0) this.w64(q + D.entryOffset, entryOff);
      this.w64(q + D.nEntries, n + 1);
    } else {
      if (n === 0) this.patches.set(dataOff + D.entryOffset, entryOff);
      this.dirtyData.add(o);
    }
    if (n === 0) return;
    let chain = this.chains.get(o);
    if (!chain) {
      chain = { owner: o, tailOff: 0, tailCap: 0, tailUsed: 0, total: 0, run: null };
      this.chains.set(o, chain);
    }
    this.linkIntoChain(chain, entryOff);
  }

  private linkIntoChain(c: Chain, entryOff: number): void {
    if (c.tailUsed === c.tailCap) {
      const cap = Math.max(4, c.tailCap * 2);
      const arr = this.allocEntryArray(cap);
      if (c.tailOff === 0) {
        if (c.owner < 0) {
          this.mainEntryArrayOffset = arr;
        } else {
          this.setU64(this.dOff[c.owner] + D.entryArrayOffset, arr);
        }
      } else {
        this.setU64(c.tailOff + OBJECT_HEADER_SIZE, arr);
      }
      c.tailOff = arr;
      c.tailCap = cap;
      c.tailUsed = 0;
      c.run = null;
    }
    const at = c.tailOff + ENTRY_ARRAY_ITEMS_OFFSET + 8 * c.tailUsed;
    if (c.tailOff >= this.bufBase) {
      this.w64(at - this.bufBase, entryOff);
    } else {
      if (c.run === null) {
        c.run = { fileOff: at, values: [] };
        this.runs.push(c.run);
      }
      c.run.values.push(entryOff);
      this.pendingValues++;
    }
    c.tailUsed++;
    c.total++;
  }
  private mainEntryArrayOffset = 0;

  private allocEntryArray(cap: number): number {
    const size = ENTRY_ARRAY_ITEMS_OFFSET + 8 * cap;
    this.nEntryArrays++;
    if (size >= SPARSE_ARRAY_BYTES) return this.allocSparse(ObjectType.EntryArray, size);
    const off = this.reserve(size);
    const p = off - this.bufBase;
    this.buf.fill(0, p, p + size);
    this.buf[p] = ObjectType.EntryArray;
    this.w64(p + 8, size);
    this.commitObject(off, size);
    return off;
  }

  /**
   * An object whose body starts out all zeros: only its 16-byte header is written; the rest is a
   * hole the file system reads back as zeros, so a half-empty 8 MiB array costs neither the
   * write nor the disk blocks. Later items arrive as pending runs.
   */
  private allocSparse(type: ObjectType, size: number): number {
    this.flushBuffer();
    const off = this.end;
    const hdr = Buffer.alloc(OBJECT_HEADER_SIZE);
    hdr[0] = type;
    writeU64(hdr, size, 8);
    this.pwrite(hdr, 0, OBJECT_HEADER_SIZE, off);
    this.nObjects++;
    this.tailObjectOffset = off;
    this.end = off + align8(size);
    this.bufBase = this.end;
    this.bufLen = 0;
    return off;
  }

  // ---- buffer management -------------------------------------------------------------------

  /**
   * Room for an object of `size` bytes at the end; returns its buffer position but does not
   * commit it (a data payload may turn out to be a duplicate).
   */
  private reserveUncommitted(size: number): number {
    const need = align8(size);
    if (this.bufLen + need > this.buf.length) {
      this.flushBuffer();
      if (need > this.buf.length) {
        this.buf = alignedBuffer(align8(Math.max(need, this.bufferSize)));
        this.u32 = new Uint32Array(this.buf.buffer, 0, this.buf.length >>> 2);
      }
    }
    return this.bufLen;
  }

  private reserve(size: number): number {
    const p = this.reserveUncommitted(size); // may flush, which moves bufBase
    return this.bufBase + p;
  }

  private commitObject(off: number, size: number): void {
    const aligned = align8(size);
    const p = off - this.bufBase;
    if (aligned > size) this.buf.fill(0, p + size, p + aligned);
    this.bufLen = p + aligned;
    this.end = off + aligned;
    this.nObjects++;
    this.tailObjectOffset = off;
  }

  private appendField(fs: FieldState, field: JournalField, size: number): void {
    const off = this.reserve(size);
    const p = off - this.bufBase;
    const b = this.buf;
    b.fill(0, p, p + FIELD_PAYLOAD_OFFSET);
    b[p] = ObjectType.Field;
    this.w64(p + 8, size);
    this.u32[(p + F.hash) >>> 2] = fs.hash.lo;
    this.u32[(p + F.hash + 4) >>> 2] = fs.hash.hi;
    this.w64(p + F.headData, fs.headData);
    field.prefix.copy(b, p + FIELD_PAYLOAD_OFFSET, 0, field.prefix.length - 1);
    this.commitObject(off, size);
    fs.off = off;
    this.nFields++;
    this.fields.set(field.name, fs);
    const bucket = this.bucketOf(fs.hash.hi, fs.hash.lo, this.fieldBuckets);
    const tail = this.fieldTails[bucket];
    let depth = 0;
    for (let x = this.fieldHeads[bucket]; x; x = x.next) depth++;
    if (depth > this.fieldHashChainDepth) this.fieldHashChainDepth = depth;
    if (tail) {
      tail.next = fs;
      this.setU64(tail.off + F.nextHash, off);
    } else {
      this.fieldHeads[bucket] = fs;
    }
    this.fieldTails[bucket] = fs;
    this.fieldTableDirty = true;
  }

  /** Writes a u64 (< 2^53) at buffer position `pos` (8-byte aligned). */
  private w64(pos: number, value: number): void {
    const i = pos >>> 2;
    if (value < TWO32) {
      this.u32[i] = value;
      this.u32[i + 1] = 0;
    } else {
      const hi = Math.floor(value / TWO32);
      this.u32[i] = value - hi * TWO32;
      this.u32[i + 1] = hi;
    }
  }

  /** A link field of an object at `at`: in the buffer if still there, else queued for sync(). */
  private setU64(at: number, value: number): void {
    if (at >= this.bufBase) this.w64(at - this.bufBase, value);
    else this.patches.set(at, value);
  }

  private flushBuffer(): void {
    if (this.bufLen === 0) return;
    this.pwrite(this.buf, 0, this.bufLen, this.bufBase);
    this.bufBase += this.bufLen;
    this.bufLen = 0;
    if (this.bufBase > this.fileSize) this.fileSize = this.bufBase;
  }

  private pwrite(b: Buffer, from: number, len: number, pos: number): void {
    let done = 0;
    while (done < len) done += writeSync(this.fd, b, from + done, len - done, pos + done);
    if (pos + len > this.fileSize) this.fileSize = pos + len;
  }

  // ---- making it visible ---------------------------------------------------------------------

  /**
   * Writes everything appended so far and links it in: new objects first, then the in-place
   * links, then the header. After this, journalctl sees every entry appended before the call.
   */
  sync(): void {
    if (this.closed) return;
    this.flushBuffer();
    if (this.fileSize < this.end) {
      // The last object is a sparse array: the file must reach its end for readers.
      ftruncateSync(this.fd, this.end);
      this.fileSize = this.end;
    }
    for (const run of this.runs) {
      const n = run.values.length;
      const b = Buffer.allocUnsafe(8 * n);
      for (let i = 0; i < n; i++) writeU64(b, run.values[i], 8 * i);
      this.pwrite(b, 0, b.length, run.fileOff);
    }
    for (const c of this.chains.values()) c.run = null;
    this.mainChain.run = null;
    this.runs = [];
    this.pendingValues = 0;

    for (const o of this.dirtyData) this.patches.set(this.dOff[o] + D.nEntries, this.dN[o]);
    this.dirtyData.clear();
    for (const fs of this.fields.values()) {
      if (fs.dirty) {
        this.patches.set(fs.off + F.headData, fs.headData);
        fs.dirty = false;
      }
    }
    this.writePatches();
    this.writeDirtyHashPages();
    if (this.fieldTableDirty) {
      const t = Buffer.alloc(this.fieldBuckets * HASH_ITEM_SIZE);
      for (let i = 0; i < this.fieldBuckets; i++) {
        const h = this.fieldHeads[i];
        const tl = this.fieldTails[i];
        if (h && tl) {
          writeU64(t, h.off, i * HASH_ITEM_SIZE);
          writeU64(t, tl.off, i * HASH_ITEM_SIZE + 8);
        }
      }
      this.pwrite(t, 0, t.length, this.fieldHashTableOffset);
      this.fieldTableDirty = false;
    }
    this.writeHeader(FileState.Online);
    this.syncedEnd = this.end;
  }

  private writePatches(): void {
    if (this.patches.size === 0) return;
    const offs = Float64Array.from(this.patches.keys()).sort();
    // Coalesce neighbouring 8-byte fields (a data object's entry_offset/array/n_entries).
    let i = 0;
    const tmp = Buffer.allocUnsafe(8 * 16);
    while (i < offs.length) {
      let j = i + 1;
      while (j < offs.length && j - i < 16 && offs[j] === offs[j - 1] + 8) j++;
      for (let k = i; k < j; k++) writeU64(tmp, this.patches.get(offs[k]) as number, 8 * (k - i));
      this.pwrite(tmp, 0, 8 * (j - i), offs[i]);
      i = j;
    }
    this.patches.clear();
  }

  private writeDirtyHashPages(): void {
    if (!this.anyDirtyPage) return;
    const pages = this.dirtyPages;
    const total = this.dataBuckets;
    let i = 0;
    while (i < pages.length) {
      if (!pages[i]) {
        i++;
        continue;
      }
      let j = i;
      while (j < pages.length && pages[j]) j++;
      const first = i * BUCKETS_PER_PAGE;
      const last = Math.min(total, j * BUCKETS_PER_PAGE);
      const b = Buffer.alloc((last - first) * HASH_ITEM_SIZE);
      for (let k = first; k < last; k++) {
        const h = this.bHead[k];
        if (h < 0) continue;
        writeU64(b, this.dOff[h], (k - first) * HASH_ITEM_SIZE);
        writeU64(b, this.dOff[this.bTail[k]], (k - first) * HASH_ITEM_SIZE + 8);
      }
      this.pwrite(b, 0, b.length, this.dataHashTableOffset + first * HASH_ITEM_SIZE);
      pages.fill(0, i, j);
      i = j;
    }
    this.anyDirtyPage = false;
  }

  private writeHeader(state: FileState): void {
    const h = Buffer.alloc(WRITE_HEADER_SIZE);
    SIGNATURE.copy(h, H.signature);
    h.writeUInt32LE(0, H.compatibleFlags);
    h.writeUInt32LE(0, H.incompatibleFlags);
    h[H.state] = state;
    this.fileIdBuf.copy(h, H.fileId);
    this.machineIdBuf.copy(h, H.machineId);
    this.tailBootIdBuf.copy(h, H.tailEntryBootId);
    this.seqnumIdBuf.copy(h, H.seqnumId);
    writeU64(h, WRITE_HEADER_SIZE, H.headerSize);
    writeU64(h, this.end - WRITE_HEADER_SIZE, H.arenaSize);
    writeU64(h, this.dataHashTableOffset, H.dataHashTableOffset);
    writeU64(h, this.dataBuckets * HASH_ITEM_SIZE, H.dataHashTableSize);
    writeU64(h, this.fieldHashTableOffset, H.fieldHashTableOffset);
    writeU64(h, this.fieldBuckets * HASH_ITEM_SIZE, H.fieldHashTableSize);
    writeU64(h, this.tailObjectOffset, H.tailObjectOffset);
    writeU64(h, this.nObjects, H.nObjects);
    writeU64(h, this.nEntries, H.nEntries);
    writeU64(h, this.tailSeqnum, H.tailEntrySeqnum);
    writeU64(h, this.headSeqnum, H.headEntrySeqnum);
    writeU64(h, this.mainEntryArrayOffset, H.entryArrayOffset);
    writeU64(h, this.headRealtime, H.headEntryRealtime);
    writeU64(h, this.tailRealtime, H.tailEntryRealtime);
    writeU64(h, this.tailMonotonic, H.tailEntryMonotonic);
    writeU64(h, this.nData, H.nData);
    writeU64(h, this.nFields, H.nFields);
    writeU64(h, 0, H.nTags);
    writeU64(h, this.nEntryArrays, H.nEntryArrays);
    writeU64(h, this.dataHashChainDepth, H.dataHashChainDepth);
    writeU64(h, this.fieldHashChainDepth, H.fieldHashChainDepth);
    // 252 keeps the main chain's tail array here (32-bit: only when it fits) so an appending
    // journald need not walk the chain; 0 makes it walk from the head.
    const tailArr = this.mainChain.tailOff;
    if (tailArr > 0 && tailArr < 0x1_0000_0000) {
      h.writeUInt32LE(tailArr, H.tailEntryArrayOffset);
      h.writeUInt32LE(this.mainChain.tailUsed, H.tailEntryArrayNEntries);
    }
    this.pwrite(h, 0, WRITE_HEADER_SIZE, 0);
  }

  /**
   * Makes everything visible and marks the file cleanly closed: OFFLINE (journald may append to
   * it later) or ARCHIVED (rotated away, read-only from now on).
   */
  close(state: FileState.Offline | FileState.Archived = FileState.Offline): void {
    if (this.closed) return;
    this.sync();
    fdatasyncSync(this.fd);
    this.writeHeader(state);
    fdatasyncSync(this.fd);
    closeSync(this.fd);
    this.fd = -1;
    this.closed = true;
  }

  /** Drops the file descriptor without marking the file closed (as a crash would leave it). */
  abandon(): void {
    if (this.closed) return;
    closeSync(this.fd);
    this.fd = -1;
    this.closed = true;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Bytes the file occupies once synced. */
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
    };
  }
}
