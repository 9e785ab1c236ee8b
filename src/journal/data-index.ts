// The file's data and field objects and their hash tables: a payload becomes a data object once
// (same payload → same object, found through the data hash table), a field name a field object
// once. Data objects are mirrored in typed arrays indexed by an ordinal (creation order, hence
// offset order): offset, hash, and the state of the entry-array chain hanging off them
// (entry-chains.ts), so linking never reads the file back. Hash-table walks read the mapping.
// native/journal.c reads and extends the same mirror and tables (layout.ts: S.N_DATA, S.DATA_TABLE…).
import {
  D, DATA_PAYLOAD_OFFSET, DATA_PAYLOAD_OFFSET_COMPACT, F, FIELD_PAYLOAD_OFFSET, H, HASH_ITEM_SIZE, OBJECT_HEADER_SIZE, ObjectType,
} from './format.js';
import { type Hash64, jenkinsHash64 } from './hash.js';
import { type JournalArena } from './arena.js';
import { type JournalData, type JournalField, type JournalItemSet, internField } from './items.js';
import { HI, O, S, WRITER } from './layout.js';

/** Payloads this short are deduplicated through a string-keyed cache before the hash table. */
const SHORT_PAYLOAD = 96;
const SHORT_CACHE_MAX = 8192;

interface FieldState {
  off: number;
  hash: Hash64;
  next: FieldState | null;
}

export class DataIndex {
  private readonly a: JournalArena;
  private readonly payloadOffset: number;
  /** Offsets of the tables' first buckets, and their bucket counts. */
  private readonly dataTable: number;
  private readonly fieldTable: number;
  readonly dataBuckets: number;
  private readonly fieldBuckets: number;

  // The data object mirror, by ordinal: offset, hash, entry count and the open tail array of its
  // entry-array chain (offset, capacity, items used). Replaced when full: see onGrow.
  dOff = new Float64Array(1024);
  dHashHi = new Uint32Array(1024);
  dHashLo = new Uint32Array(1024);
  dN = new Uint32Array(1024);
  dTail = new Float64Array(1024);
  dTailCap = new Uint32Array(1024);
  dTailUsed = new Uint32Array(1024);
  /** Called once the mirror's arrays are replaced (the native handle points into the old ones). */
  onGrow: () => void = () => undefined;

  nFields = 0;
  fieldHashChainDepth = 0;
  private readonly shortCache = new Map<string, number>();
  private readonly fields = new Map<string, FieldState>();
  private readonly fieldTails: (FieldState | null)[];
  private readonly scratchHash: Hash64 = { hi: 0, lo: 0 };

  /**
   * Makes the two hash tables, which must be the file's first objects (field table, then data
   * table, as journald lays them out), and records them in the header.
   */
  constructor(a: JournalArena, compact: boolean, fieldBuckets: number, dataBuckets: number) {
    this.a = a;
    this.payloadOffset = compact ? DATA_PAYLOAD_OFFSET_COMPACT : DATA_PAYLOAD_OFFSET;
    this.fieldBuckets = fieldBuckets;
    this.dataBuckets = dataBuckets;
    this.fieldTails = new Array<FieldState | null>(fieldBuckets).fill(null);
    this.fieldTable = a.allocTable(ObjectType.FieldHashTable, fieldBuckets, HASH_ITEM_SIZE) + OBJECT_HEADER_SIZE;
    this.dataTable = a.allocTable(ObjectType.DataHashTable, dataBuckets, HASH_ITEM_SIZE) + OBJECT_HEADER_SIZE;
    a.w64(H.dataHashTableOffset, this.dataTable);
    a.w64(H.dataHashTableSize, dataBuckets * HASH_ITEM_SIZE);
    a.w64(H.fieldHashTableOffset, this.fieldTable);
    a.w64(H.fieldHashTableSize, fieldBuckets * HASH_ITEM_SIZE);
    a.st[S.DATA_TABLE] = this.dataTable;
    a.st[S.DATA_BUCKETS] = dataBuckets;
    a.st[S.DATA_LIMIT] = Math.floor((dataBuckets * 3) / 4);
    a.st[S.D_CAPACITY] = this.dOff.length;
  }

  /**
   * journald's own rotation triggers besides size: a data or field hash table more than 3/4
   * full, or a hash chain deeper than WRITER.maxHashChainDepth (collisions made lookups slow).
   * The native path stops on the same limits (S.DATA_LIMIT; it adds no fields).
   */
  tablesFull(): boolean {
    const st = this.a.st;
    return st[S.N_DATA] > st[S.DATA_LIMIT] || this.nFields * 4 > this.fieldBuckets * 3 ||
      st[S.DATA_DEPTH] > WRITER.maxHashChainDepth || this.fieldHashChainDepth > WRITER.maxHashChainDepth;
  }

  /** The field object of `field`, 0 while the file has none (the native path then declines). */
  fieldOffset(field: JournalField): number {
    return this.fields.get(field.name)?.off ?? 0;
  }

  /** The set's data ordinals in this file, sorted, without repeats (once per set and file). */
  resolveSet(set: JournalItemSet): void {
    if (set.owner === this) return;
    const ords: number[] = [];
    for (const d of set.items) ords.push(this.resolvePrepared(d));
    ords.sort((x, y) => x - y);
    set.ords = Int32Array.from(ords.filter((v, i) => i === 0 || v !== ords[i - 1]));
    set.owner = this;
  }

  resolvePrepared(d: JournalData): number {
    if (d.owner === this) return d.ordinal;
    const a = this.a;
    const p = a.reserve(this.payloadOffset + d.payload.length);
    a.b.set(d.payload, p + this.payloadOffset);
    a.dirtied(p + this.payloadOffset + d.payload.length);
    const o = this.findOrCommit(d.field, p, d.payload.length, d.hash);
    d.owner = this;
    d.ordinal = o;
    return o;
  }

  resolveFresh(f: JournalField | string, value: Buffer | string): number {
    const field = typeof f === 'string' ? internField(f) : f;
    const vlen = typeof value === 'string' ? Buffer.byteLength(value, 'utf8') : value.length;
    const len = field.prefix.length + vlen;
    const a = this.a;
    const p = a.reserve(this.payloadOffset + len);
    const b = a.b;
    const s = p + this.payloadOffset;
    // Byte stores and TypedArray#set: Buffer#copy's argument checks cost more than the copy of a line.
    const prefix = field.prefix;
    const pl = prefix.length;
    for (let i = 0; i < pl; i++) b[s + i] = prefix[i];
    if (typeof value === 'string') b.write(value, s + pl, 'utf8');
    else b.set(value, s + pl);
    a.dirtied(s + len);
    const h = jenkinsHash64(b, s, s + len, this.scratchHash);
    return this.findOrCommit(field, p, len, h);
  }

  /**
   * The payload sits at `p + payloadOffset` (p = the end of the file's objects), not committed.
   * Returns the ordinal of an equal data object if one exists (the bytes there are then left for
   * the next object to overwrite), else commits a new one and links it into the hash table.
   */
  private findOrCommit(field: JournalField, p: number, len: number, h: Hash64): number {
    const a = this.a;
    const st = a.st;
    const b = a.b;
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
    const bucket = this.dataTable + bucketOf(hi, lo, this.dataBuckets) * HASH_ITEM_SIZE;
    let depth = 0;
    for (let d = a.r64(bucket + HI.headHashOffset); d !== 0; d = a.r64(d + D.nextHash)) {
      const u32 = a.u32;
      if (u32[(d + D.hash) >>> 2] === lo && u32[((d + D.hash) >>> 2) + 1] === hi && u32[(d + O.size) >>> 2] === size &&
        u32[((d + O.size) >>> 2) + 1] === 0 &&
        b.compare(b, s, s + len, d + this.payloadOffset, d + size) === 0) {
        const o = this.ordinalAt(d);
        if (key !== undefined) this.cacheShort(key, o);
        return o;
      }
      depth++;
    }
    if (depth > st[S.DATA_DEPTH]) {
      st[S.DATA_DEPTH] = depth;
      a.w64(H.dataHashChainDepth, depth);
    }

    let fs = this.fields.get(field.name);
    const newField = fs === undefined;
    if (fs === undefined) {
      const hash = jenkinsHash64(field.prefix, 0, field.prefix.length - 1);
      fs = { off: 0, hash: { hi: hash.hi, lo: hash.lo }, next: null };
    }
    const off = p;
    const u32 = a.u32;
    for (let i = (off + OBJECT_HEADER_SIZE) >>> 2, e = (off + this.payloadOffset) >>> 2; i < e; i++) u32[i] = 0;
    a.objectHeader(off, ObjectType.Data, size);
    u32[(off + D.hash) >>> 2] = lo;
    u32[((off + D.hash) >>> 2) + 1] = hi;
    // Field chains grow at the head (as journald does): the new object points at the older one.
    if (fs.off !== 0) a.w64(off + D.nextField, a.r64(fs.off + F.headData));
    a.commitObject(off, size);
    // Counted in the header as soon as the arena holds it: what lies between (a new field's object,
    // which may grow the file, a bigger mirror) is long enough for a SIGKILL to land in, and the
    // file would then fail journalctl --verify ("Data number mismatch").
    const o = st[S.N_DATA]++;
    a.w64(H.nData, st[S.N_DATA]);
    // journald appends a new field's object right after the data object that introduced it.
    if (newField) this.appendField(fs, field, off);

    if (o >= this.dOff.length) this.growMirror();
    this.dOff[o] = off;
    this.dHashHi[o] = hi;
    this.dHashLo[o] = lo;
    this.dN[o] = 0;
    this.dTail[o] = 0;
    this.dTailCap[o] = 0;
    this.dTailUsed[o] = 0;
    const tail = a.r64(bucket + HI.tailHashOffset);
    if (tail !== 0) a.w64(tail + D.nextHash, off);
    else a.w64(bucket + HI.headHashOffset, off);
    a.w64(bucket + HI.tailHashOffset, off);
    a.w64(fs.off + F.headData, off);
    if (key !== undefined) this.cacheShort(key, o);
    return o;
  }

  /** The ordinal of the data object at `off`: a binary search (ordinals are in offset order). */
  private ordinalAt(off: number): number {
    let lo = 0;
    let hi = this.a.st[S.N_DATA] - 1;
    const d = this.dOff;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (d[mid] < off) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private cacheShort(key: string, o: number): void {
    if (this.shortCache.size >= SHORT_CACHE_MAX) this.shortCache.clear();
    this.shortCache.set(key, o);
  }

  /** Doubles the mirror's arrays. */
  growMirror(): void {
    const n = this.dOff.length * 2;
    const grow = <T extends Float64Array | Uint32Array>(x: T, make: (k: number) => T): T => {
      const r = make(n);
      r.set(x);
      return r;
    };
    this.dOff = grow(this.dOff, (k) => new Float64Array(k));
    this.dHashHi = grow(this.dHashHi, (k) => new Uint32Array(k));
    this.dHashLo = grow(this.dHashLo, (k) => new Uint32Array(k));
    this.dN = grow(this.dN, (k) => new Uint32Array(k));
    this.dTail = grow(this.dTail, (k) => new Float64Array(k));
    this.dTailCap = grow(this.dTailCap, (k) => new Uint32Array(k));
    this.dTailUsed = grow(this.dTailUsed, (k) => new Uint32Array(k));
    this.a.st[S.D_CAPACITY] = n;
    this.onGrow();
  }

  /** A new field's object, its one data object so far the one at `dataOff`, linked into the field table. */
  private appendField(fs: FieldState, field: JournalField, dataOff: number): void {
    const a = this.a;
    const size = FIELD_PAYLOAD_OFFSET + field.prefix.length - 1;
    const off = a.reserve(size);
    a.b.fill(0, off + OBJECT_HEADER_SIZE, off + FIELD_PAYLOAD_OFFSET);
    a.objectHeader(off, ObjectType.Field, size);
    a.u32[(off + F.hash) >>> 2] = fs.hash.lo;
    a.u32[((off + F.hash) >>> 2) + 1] = fs.hash.hi;
    a.w64(off + F.headData, dataOff);
    field.prefix.copy(a.b, off + FIELD_PAYLOAD_OFFSET, 0, field.prefix.length - 1);
    a.commitObject(off, size);
    fs.off = off;
    this.nFields++;
    a.w64(H.nFields, this.nFields);
    this.fields.set(field.name, fs);
    const bucketNo = bucketOf(fs.hash.hi, fs.hash.lo, this.fieldBuckets);
    const bucket = this.fieldTable + bucketNo * HASH_ITEM_SIZE;
    let depth = 0;
    for (let x = this.fieldTails[bucketNo]; x; x = x.next) depth++;
    if (depth > this.fieldHashChainDepth) {
      this.fieldHashChainDepth = depth;
      a.w64(H.fieldHashChainDepth, depth);
    }
    const tail = this.fieldTails[bucketNo];
    if (tail) {
      fs.next = tail;
      a.w64(tail.off + F.nextHash, off);
    } else {
      a.w64(bucket + HI.headHashOffset, off);
    }
    a.w64(bucket + HI.tailHashOffset, off);
    this.fieldTails[bucketNo] = fs;
  }
}

/** 64-bit hash modulo n without BigInt: fold the high half in 16-bit steps (n < 2^37). */
function bucketOf(hi: number, lo: number, n: number): number {
  let r = hi % n;
  r = (r * 65536) % n;
  r = (r * 65536) % n;
  return (r + lo) % n;
}
