// Reads one journal file: ours, or journald's (compact layout and keyed hashes included). Entries
// are walked through the entry-array chains, never by scanning objects: the file's main chain for
// plain listing, the chains hanging off data objects for field matches (found through the data
// hash table), so `-u UNIT` costs what the unit logged, not what the file holds.
//
// Every offset read from the file is checked against the arena before use: a file being written,
// or left behind by a crashed writer, may hold links that are not backed by objects yet.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

import {
  D, DATA_PAYLOAD_OFFSET, DATA_PAYLOAD_OFFSET_COMPACT, E, ENTRY_ARRAY_ITEMS_OFFSET, ENTRY_ITEMS_OFFSET,
  F, FIELD_PAYLOAD_OFFSET, FileState, H, HASH_ITEM_SIZE, INCOMPAT_COMPACT, INCOMPAT_KEYED_HASH,
  MIN_HEADER_SIZE, OBJECT_COMPRESSED_LZ4, OBJECT_COMPRESSED_XZ, OBJECT_COMPRESSED_ZSTD, OBJECT_HEADER_SIZE,
  ObjectType, SIGNATURE, readU64,
} from './format.js';
import { jenkinsHash64, siphash24 } from './hash.js';
import { intersectionOf, unionOf } from './offset-streams.js';
import { FileBytes, JournalFormatError } from './file-bytes.js';

export { JournalFormatError };

export interface JournalHeaderInfo {
  compatibleFlags: number;
  incompatibleFlags: number;
  state: FileState;
  fileId: string;
  machineId: string;
  tailEntryBootId: string;
  seqnumId: string;
  headerSize: number;
  arenaSize: number;
  nObjects: number;
  nEntries: number;
  headEntrySeqnum: number;
  tailEntrySeqnum: number;
  headEntryRealtime: number;
  tailEntryRealtime: number;
  tailEntryMonotonic: number;
  entryArrayOffset: number;
  dataHashTableOffset: number;
  dataHashTableSize: number;
  fieldHashTableOffset: number;
  fieldHashTableSize: number;
  nData: number;
  nFields: number;
}

export interface JournalEntryField {
  name: string;
  /** Raw bytes (not necessarily UTF-8); undefined when stored compressed with an algorithm Node lacks. */
  value: Buffer | undefined;
}

export interface JournalEntry {
  /** Offset of the entry object in its file. */
  offset: number;
  seqnum: number;
  seqnumId: string;
  realtime: number;
  monotonic: number;
  bootId: string;
  /** xor_hash as 16 hex digits. */
  xorHash: string;
  fields: JournalEntryField[];
}

/** An entry as read from a file: its xor_hash is made text only when asked for (a tie in the merge order, a cursor). */
class FileEntry implements JournalEntry {
  constructor(
    readonly offset: number,
    readonly seqnum: number,
    readonly seqnumId: string,
    readonly realtime: number,
    readonly monotonic: number,
    readonly bootId: string,
    private readonly xorHi: number,
    private readonly xorLo: number,
    readonly fields: JournalEntryField[],
  ) {}

  get xorHash(): string {
    return hex8(this.xorHi) + hex8(this.xorLo);
  }
}

/** A field match as journalctl takes it: `NAME=value`. Same name: OR; different names: AND. */
export interface FieldMatch {
  name: string;
  value: Buffer | string;
}

export interface ReadOptions {
  matches?: readonly FieldMatch[];
  reverse?: boolean;
  /** Forward walks start past this entry (of this file's seqnum lineage; `-f` resuming). */
  after?: { seqnumId: string; seqnum: number };
}

// Decoded data objects shared by several entries (_PID=, _SYSTEMD_UNIT=, …) are kept, so a long
// listing decodes each once; one-entry objects (most MESSAGE=s) are not, so memory stays flat.
const MAX_SHARED_FIELDS = 4096;
// The field that is mostly not shared: its name is not made anew for each entry.
const MESSAGE = Buffer.from('MESSAGE');
const isMessage = (o: Buffer, at: number): boolean => {
  for (let i = 0; i < 7; i++) if (o[at + i] !== MESSAGE[i]) return false;
  return true;
};

/** Formats journalctl's cursor for an entry (`__CURSOR`). */
export function formatCursor(e: JournalEntry): string {
  const hex = (n: number): string => n.toString(16);
  return `s=${e.seqnumId};i=${hex(e.seqnum)};b=${e.bootId};m=${hex(e.monotonic)};t=${hex(e.realtime)};x=${e.xorHash.replace(/^0+(?=.)/, "")}`;
}

export class JournalFileReader {
  readonly path: string;
  readonly header: JournalHeaderInfo;
  private fd: number;
  private readonly fileSize: number;
  private readonly compact: boolean;
  private readonly keyed: boolean;
  private readonly fileIdBuf: Buffer;
  private readonly arenaEnd: number;
  private readonly io: FileBytes;
  private readonly sharedFields = new Map<number, JournalEntryField>();
  private lastBootId: { words: [number, number, number, number]; text: string } | undefined;

  private constructor(path: string, fd: number) {
    this.path = path;
    this.fd = fd;
    this.fileSize = fstatSync(fd).size;
    this.io = new FileBytes(path, fd, this.fileSize);
    const head = Buffer.alloc(272);
    const got = readSync(fd, head, 0, head.length, 0);
    if (got < MIN_HEADER_SIZE || !head.subarray(0, 8).equals(SIGNATURE)) {
      throw new JournalFormatError(path, 'not a journal file (bad signature or short header)');
    }
    const headerSize = readU64(head, H.headerSize);
    if (headerSize < MIN_HEADER_SIZE) throw new JournalFormatError(path, `header too small (${headerSize})`);
    const has = (field: number): boolean => field + 8 <= headerSize;
    const id = (at: number): string => head.toString('hex', at, at + 16);
    const incompat = head.readUInt32LE(H.incompatibleFlags);
    const known = INCOMPAT_COMPACT | INCOMPAT_KEYED_HASH | 0b1011;
    if (incompat & ~known) throw new JournalFormatError(path, `unknown incompatible flags 0x${incompat.toString(16)}`);
    this.compact = (incompat & INCOMPAT_COMPACT) !== 0;
    this.keyed = (incompat & INCOMPAT_KEYED_HASH) !== 0;
    this.fileIdBuf = Buffer.from(head.subarray(H.fileId, H.fileId + 16));
    this.header = {
      compatibleFlags: head.readUInt32LE(H.compatibleFlags),
      incompatibleFlags: incompat,
      state: head[H.state] as FileState,
      fileId: id(H.fileId),
      machineId: id(H.machineId),
      tailEntryBootId: id(H.tailEntryBootId),
      seqnumId: id(H.seqnumId),
      headerSize,
      arenaSize: readU64(head, H.arenaSize),
      nObjects: readU64(head, H.nObjects),
      nEntries: readU64(head, H.nEntries),
      headEntrySeqnum: readU64(head, H.headEntrySeqnum),
      tailEntrySeqnum: readU64(head, H.tailEntrySeqnum),
      headEntryRealtime: readU64(head, H.headEntryRealtime),
      tailEntryRealtime: readU64(head, H.tailEntryRealtime),
      tailEntryMonotonic: readU64(head, H.tailEntryMonotonic),
      entryArrayOffset: readU64(head, H.entryArrayOffset),
      dataHashTableOffset: readU64(head, H.dataHashTableOffset),
      dataHashTableSize: readU64(head, H.dataHashTableSize),
      fieldHashTableOffset: readU64(head, H.fieldHashTableOffset),
      fieldHashTableSize: readU64(head, H.fieldHashTableSize),
      nData: has(H.nData) ? readU64(head, H.nData) : 0,
      nFields: has(H.nFields) ? readU64(head, H.nFields) : 0,
    };
    // A writer that died may have grown the file past the header's idea of it, never the
    // reverse; trust the smaller of the two.
    this.arenaEnd = Math.min(this.fileSize, headerSize + this.header.arenaSize);
  }

  static open(path: string): JournalFileReader {
    const fd = openSync(path, 'r');
    try {
      return new JournalFileReader(path, fd);
    } catch (e) {
      closeSync(fd);
      throw e;
    }
  }

  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
    this.io.clear();
    this.sharedFields.clear();
  }

  // ---- raw access ------------------------------------------------------------------------

  /** The object at `off` (whole), checked to be of `type` and inside the arena. */
  private object(off: number, type: ObjectType): Buffer {
    if (off % 8 !== 0 || off < this.header.headerSize || off + OBJECT_HEADER_SIZE > this.arenaEnd) {
      throw new JournalFormatError(this.path, `bad object offset ${off}`);
    }
    let at = this.io.locate(off, OBJECT_HEADER_SIZE);
    let h = this.io.located;
    const size = readU64(h, at + 8);
    if (h[at] !== type) throw new JournalFormatError(this.path, `object at ${off} has type ${h[at]}, expected ${type}`);
    if (size < OBJECT_HEADER_SIZE || off + size > this.arenaEnd) {
      throw new JournalFormatError(this.path, `object at ${off} has bad size ${size}`);
    }
    if (at + size > h.length) {
      at = this.io.locate(off, size);
      h = this.io.located;
    }
    return h.subarray(at, at + size);
  }

  private get dataPayloadOffset(): number {
    return this.compact ? DATA_PAYLOAD_OFFSET_COMPACT : DATA_PAYLOAD_OFFSET;
  }

  private dataField(off: number): JournalEntryField {
    const known = this.sharedFields.get(off);
    if (known) return known;
    const o = this.object(off, ObjectType.Data);
    const field = this.decodeData(o);
    if (readU64(o, D.nEntries) > 1) {
      if (this.sharedFields.size >= MAX_SHARED_FIELDS) this.sharedFields.clear();
      this.sharedFields.set(off, field);
    }
    return field;
  }

  private decodeData(o: Buffer): JournalEntryField {
    const flags = o[1]!;
    if (flags & (OBJECT_COMPRESSED_XZ | OBJECT_COMPRESSED_LZ4 | OBJECT_COMPRESSED_ZSTD)) {
      // Node 20's zlib has none of journald's codecs; the name is still readable only if the
      // payload happened to be stored plain, so report the object as unreadable.
      return { name: '', value: undefined };
    }
    const start = this.dataPayloadOffset;
    const eq = o.indexOf(0x3d, start);
    if (eq <= start) return { name: o.toString('latin1', start), value: Buffer.alloc(0) };
    const value = Buffer.allocUnsafe(o.length - eq - 1);
    o.copy(value, 0, eq + 1);
    return { name: eq - start === 7 && isMessage(o, start) ? 'MESSAGE' : o.toString('latin1', start, eq), value };
  }

  /** The entry object at `offset`, with its fields in stored order. */
  entryAt(offset: number): JournalEntry {
    const o = this.object(offset, ObjectType.Entry);
    const compact = this.compact;
    const n = Math.floor((o.length - ENTRY_ITEMS_OFFSET) / (compact ? 4 : 16));
    const fields = new Array<JournalEntryField>(n);
    for (let i = 0, at = ENTRY_ITEMS_OFFSET; i < n; i++, at += compact ? 4 : 16) {
      fields[i] = this.dataField(compact ? o.readUInt32LE(at) : readU64(o, at));
    }
    return new FileEntry(offset, readU64(o, E.seqnum), this.header.seqnumId, readU64(o, E.realtime), readU64(o, E.monotonic), this.bootIdAt(o),
      o.readUInt32LE(E.xorHash + 4), o.readUInt32LE(E.xorHash), fields);
  }

  /** The entry's boot id as text; a file's entries mostly share one, so its text is made once. */
  private bootIdAt(o: Buffer): string {
    const a = o.readInt32LE(E.bootId);
    const b = o.readInt32LE(E.bootId + 4);
    const c = o.readInt32LE(E.bootId + 8);
    const d = o.readInt32LE(E.bootId + 12);
    const last = this.lastBootId;
    if (last && last.words[0] === a && last.words[1] === b && last.words[2] === c && last.words[3] === d) return last.text;
    this.lastBootId = { words: [a, b, c, d], text: o.toString('hex', E.bootId, E.bootId + 16) };
    return this.lastBootId.text;
  }

  // ---- entry-array chains ----------------------------------------------------------------

  /** The arrays of a chain with how many of their items are in use, given the chain's item count. */
  private chainArrays(first: number, count: number): { off: number; used: number }[] {
    const itemSize = this.compact ? 4 : 8;
    const arrays: { off: number; used: number }[] = [];
    let left = count;
    const seen = new Set<number>();
    for (let a = first; a !== 0 && left > 0;) {
      if (seen.has(a)) throw new JournalFormatError(this.path, `entry array chain loops at ${a}`);
      seen.add(a);
      const h = this.io.peek(a, ENTRY_ARRAY_ITEMS_OFFSET);
      if (h[0] !== ObjectType.EntryArray) throw new JournalFormatError(this.path, `no entry array at ${a}`);
      const cap = Math.floor((readU64(h, 8) - ENTRY_ARRAY_ITEMS_OFFSET) / itemSize);
      const used = Math.min(cap, left);
      arrays.push({ off: a, used });
      left -= used;
      a = readU64(h, OBJECT_HEADER_SIZE);
    }
    return arrays;
  }

  private arrayItem(a: number, i: number): number {
    if (this.compact) {
      const at = this.io.locate(a + ENTRY_ARRAY_ITEMS_OFFSET + 4 * i, 4);
      return this.io.located.readUInt32LE(at);
    }
    const at = this.io.locate(a + ENTRY_ARRAY_ITEMS_OFFSET + 8 * i, 8);
    return readU64(this.io.located, at);
  }

  /**
   * Entry offsets of a chain in order (or reverse). Stops at a zero item: a writer that died
   * may have counted an entry it never linked. Walking forward with `afterSeqnum`, the walk starts
   * at the first entry past it, found by bisection (`-f` resumes there without reading the rest).
   */
  private *chainOffsets(inline: number, first: number, count: number, reverse: boolean, afterSeqnum?: number): Generator<number> {
    const arrays = this.chainArrays(first, inline ? count - 1 : count);
    if (!reverse) {
      let [k0, i0] = [0, 0];
      if (afterSeqnum === undefined || (inline && this.seqnumAt(inline) > afterSeqnum)) {
        if (inline) yield inline;
      } else {
        [k0, i0] = this.seek(arrays, afterSeqnum);
      }
      for (let k = k0; k < arrays.length; k++) {
        const { off, used } = arrays[k]!;
        for (let i = k === k0 ? i0 : 0; i < used; i++) {
          const e = this.arrayItem(off, i);
          if (e === 0) return;
          yield e;
        }
      }
      return;
    }
    for (let k = arrays.length - 1; k >= 0; k--) {
      const { off, used } = arrays[k]!;
      for (let i = used - 1; i >= 0; i--) {
        const e = this.arrayItem(off, i);
        if (e !== 0) yield e;
      }
    }
    if (inline) yield inline;
  }

  private seqnumAt(entry: number): number {
    const at = this.io.locate(entry + E.seqnum, 8);
    return readU64(this.io.located, at);
  }

  /** Where in a chain's arrays the first entry with a seqnum above `seqnum` is (array, item). */
  private seek(arrays: readonly { off: number; used: number }[], seqnum: number): [number, number] {
    // An unlinked (zero) item counts as past everything: the walk ends there anyway.
    const past = (a: { off: number }, i: number): boolean => {
      const e = this.arrayItem(a.off, i);
      return e === 0 || this.seqnumAt(e) > seqnum;
    };
    let lo = 0;
    let hi = arrays.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (past(arrays[mid]!, 0)) hi = mid;
      else lo = mid + 1;
    }
    // Arrays before `lo` start at or before `seqnum`; the answer is inside the last of them.
    if (lo === 0) return [0, 0];
    const a = arrays[lo - 1]!;
    let l = 0;
    let h = a.used;
    while (l < h) {
      const mid = (l + h) >> 1;
      if (past(a, mid)) h = mid;
      else l = mid + 1;
    }
    return l < a.used ? [lo - 1, l] : [lo, 0];
  }

  /** Offsets of all entries, in file order (or reverse), from the main entry array. */
  entryOffsets(reverse = false, afterSeqnum?: number): Generator<number> {
    return this.chainOffsets(0, this.header.entryArrayOffset, this.header.nEntries, reverse, afterSeqnum);
  }

  // ---- lookups -----------------------------------------------------------------------------

  private hashPayload(payload: Buffer): bigint {
    if (this.keyed) return siphash24(payload, this.fileIdBuf);
    const h = jenkinsHash64(payload);
    return (BigInt(h.hi) << 32n) | BigInt(h.lo);
  }

  /** Offset of the data object holding exactly `NAME=value`, via the data hash table. */
  findData(name: string, value: Buffer | string): number | undefined {
    const payload = Buffer.concat([Buffer.from(`${name}=`, 'latin1'), typeof value === 'string' ? Buffer.from(value, 'utf8') : value]);
    const buckets = Math.floor(this.header.dataHashTableSize / HASH_ITEM_SIZE);
    if (buckets === 0) return undefined;
    const hash = this.hashPayload(payload);
    const bucket = Number(hash % BigInt(buckets));
    const item = this.io.peek(this.header.dataHashTableOffset + bucket * HASH_ITEM_SIZE, HASH_ITEM_SIZE);
    const lo = Number(hash & 0xffffffffn);
    const hi = Number(hash >> 32n);
    const seen = new Set<number>();
    for (let d = readU64(item, 0); d !== 0 && !seen.has(d) && d < this.arenaEnd;) {
      seen.add(d);
      const o = this.object(d, ObjectType.Data);
      if (o.readUInt32LE(D.hash) === lo && o.readUInt32LE(D.hash + 4) === hi && o[1] === 0 &&
        o.subarray(this.dataPayloadOffset).equals(payload)) {
        return d;
      }
      d = readU64(o, D.nextHash);
    }
    return undefined;
  }

  /** Entry offsets referencing the data object at `dataOffset`, in order. */
  dataEntryOffsets(dataOffset: number, reverse = false, afterSeqnum?: number): Generator<number> {
    const o = this.object(dataOffset, ObjectType.Data);
    return this.chainOffsets(readU64(o, D.entryOffset), readU64(o, D.entryArrayOffset), readU64(o, D.nEntries), reverse, afterSeqnum);
  }

  /** All values a field takes in this file (journalctl -F), through the field's data chain. */
  fieldValues(name: string): Buffer[] {
    const buckets = Math.floor(this.header.fieldHashTableSize / HASH_ITEM_SIZE);
    if (buckets === 0) return [];
    const nameBuf = Buffer.from(name, 'latin1');
    const hash = this.hashPayload(nameBuf);
    const item = this.io.bytes(this.header.fieldHashTableOffset + Number(hash % BigInt(buckets)) * HASH_ITEM_SIZE, HASH_ITEM_SIZE);
    const out: Buffer[] = [];
    for (let f = readU64(item, 0); f !== 0 && f < this.arenaEnd;) {
      const o = this.object(f, ObjectType.Field);
      if (o.subarray(FIELD_PAYLOAD_OFFSET).equals(nameBuf)) {
        const seen = new Set<number>();
        for (let d = readU64(o, F.headData); d !== 0 && !seen.has(d) && d < this.arenaEnd;) {
          seen.add(d);
          const field = this.dataField(d);
          if (field.value !== undefined && field.name === name) out.push(field.value);
          d = readU64(this.object(d, ObjectType.Data), D.nextField);
        }
        return out;
      }
      f = readU64(o, F.nextHash);
    }
    return out;
  }

  /**
   * Entry offsets selected by `matches` (journalctl's rules: values of one field are ORed,
   * different fields ANDed), ascending (descending with `reverse`), walked lazily along the data
   * objects' entry arrays: memory does not grow with the number of entries matched. Undefined
   * when there are no matches.
   */
  matchedOffsets(matches: readonly FieldMatch[], reverse = false, afterSeqnum?: number): Generator<number> | undefined {
    if (matches.length === 0) return undefined;
    const groups = new Map<string, FieldMatch[]>();
    for (const m of matches) {
      const g = groups.get(m.name);
      if (g) g.push(m);
      else groups.set(m.name, [m]);
    }
    const ors: Generator<number>[] = [];
    for (const group of groups.values()) {
      const chains: Generator<number>[] = [];
      for (const m of group) {
        const d = this.findData(m.name, m.value);
        if (d !== undefined) chains.push(this.dataEntryOffsets(d, reverse, afterSeqnum));
      }
      if (chains.length === 0) return (function* () {})();
      ors.push(chains.length === 1 ? chains[0]! : unionOf(chains, reverse));
    }
    return ors.length === 1 ? ors[0] : intersectionOf(ors, reverse);
  }

  /** matchedOffsets() as an array, ascending. */
  matchOffsets(matches: readonly FieldMatch[]): number[] | undefined {
    const it = this.matchedOffsets(matches);
    return it && [...it];
  }

  /** Entries in order (or reverse), optionally filtered by field matches, read one at a time. */
  *entries(opts: ReadOptions = {}): Generator<JournalEntry> {
    const reverse = opts.reverse ?? false;
    // Sequence numbers order entries only within their lineage: another file's cursor says nothing here.
    const after = !reverse && opts.after?.seqnumId === this.header.seqnumId ? opts.after.seqnum : undefined;
    const offsets = this.matchedOffsets(opts.matches ?? [], reverse, after) ?? this.entryOffsets(reverse, after);
    for (const off of offsets) yield this.entryAt(off);
  }

  /** The last `n` entries (journalctl -n), oldest first unless `reverse`. */
  tail(n: number, opts: ReadOptions = {}): JournalEntry[] {
    const out: JournalEntry[] = [];
    if (n <= 0) return out;
    for (const e of this.entries({ ...opts, reverse: true })) {
      out.push(e);
      if (out.length >= n) break;
    }
    return opts.reverse ? out : out.reverse();
  }
}

/** A field's value as text: UTF-8 when it is valid UTF-8, else undefined (journalctl prints bytes). */
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
export function fieldText(f: JournalEntryField): string | undefined {
  if (f.value === undefined) return undefined;
  try {
    return strictUtf8.decode(f.value);
  } catch {
    return undefined;
  }
}

const hex8 = (n: number): string => (n >= 0x10000000 ? n.toString(16) : n.toString(16).padStart(8, '0'));
