// Appends entries to one journal file in systemd's format: by default the compact layout
// (HEADER_INCOMPATIBLE_COMPACT, journald 252's default: 32-bit offsets in entry items and entry
// arrays, about half the bytes of the regular layout), no compression, no keyed hash; the regular
// layout on request (SYSTEMD_JOURNAL_COMPACT=0, as for journald, for readers older than 252).
// Either way a file stays below 4 GiB.
//
// The writer is the file's parts put together, each in its own module:
// - arena.ts: the file, its shared mapping and growth, objects committed at the end, closing;
// - data-index.ts: data and field objects, deduplicated through their hash tables;
// - entry-chains.ts: entry objects and the entry-array chains that link them;
// - this module: the header, the three ways to append, and the native hot path.
// Captured lines of compact files take that native path (native/journal.c), which does the same
// work on this writer's own state: the scalars in the arena's `st` (layout.ts: S), the data
// index's mirror and the mapping, bound by pointer (journalBind, again whenever one is replaced).
import { randomBytes } from 'node:crypto';
import { closeSync, openSync, renameSync, unlinkSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

import { type NativeJournalHandle, journalAppendLines, journalBind } from '../exec/native.js';
import { JournalArena, roundUp } from './arena.js';
import { DataIndex } from './data-index.js';
import { EntryChains } from './entry-chains.js';
import {
  FileState, H, HASH_ITEM_SIZE, INCOMPAT_COMPACT, type Id128, OBJECT_HEADER_SIZE, SIGNATURE, WRITE_HEADER_SIZE, align8,
  id128ToBuffer, monotonicUsec, randomId128, realtimeUsec,
} from './format.js';
import { type EntryTimestamps, JournalData, type JournalField, type JournalItem, type JournalItemSet } from './items.js';
import { LAYOUT_ID, NativeStop, S } from './layout.js';

export { type EntryTimestamps, JournalData, JournalField, type JournalItem, JournalItemSet, internField } from './items.js';

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

/** journald's reading of $SYSTEMD_JOURNAL_COMPACT (unset or unparsable: compact). */
function compactRequested(): boolean {
  const v = process.env.SYSTEMD_JOURNAL_COMPACT?.trim().toLowerCase();
  return !(v === '0' || v === 'no' || v === 'n' || v === 'false' || v === 'f' || v === 'off');
}

export class JournalFileWriter {
  readonly path: string;
  readonly machineId: Id128;
  readonly seqnumId: Id128;
  readonly fileId: Id128;
  readonly bootId: Id128;
  readonly compact: boolean;
  private readonly arena: JournalArena;
  private readonly st: Float64Array;
  private readonly index: DataIndex;
  private readonly chains: EntryChains;
  private readonly bootIdBuf: Buffer;
  private ordinals: number[] = [];
  /** One line's bounds, for appendWith through the native batch call. */
  private readonly oneLine = new Int32Array(2);
  /** The native hot path (compact files only), bound to this writer's arrays; undefined once closed. */
  private native: NativeJournalHandle | undefined;

  private constructor(path: string, fd: number, o: JournalWriterOptions) {
    this.path = path;
    this.machineId = o.machineId;
    this.bootId = o.bootId;
    this.seqnumId = o.seqnumId ?? randomId128();
    this.fileId = o.fileId ?? randomId128();
    this.bootIdBuf = id128ToBuffer(this.bootId);
    this.compact = o.compact ?? compactRequested();
    const maxSize = Math.min(o.maxFileSize ?? DEFAULT_MAX_FILE_SIZE, FILE_SIZE_MAX);
    const dataBuckets = Math.max(MIN_DATA_BUCKETS, o.dataHashBuckets ?? Math.floor(maxSize / 576));
    const fieldBuckets = Math.max(1, o.fieldHashBuckets ?? DEFAULT_FIELD_BUCKETS);
    // An eighth of the expected size, within [64 KiB, 8 MiB]: a small file does not reserve 8 MiB.
    const growStep = Math.min(GROW_STEP, Math.max(MIN_GROW_STEP, roundUp(maxSize / 8, MIN_GROW_STEP)));

    // Layout of a new file: header, field hash table, data hash table (both must be the first
    // objects), then entries as they come. All of it starts as zeros from fallocate. Mapped once
    // for the size the file should reach (address space only).
    const tables = align8(OBJECT_HEADER_SIZE + fieldBuckets * HASH_ITEM_SIZE) + align8(OBJECT_HEADER_SIZE + dataBuckets * HASH_ITEM_SIZE);
    this.arena = new JournalArena(path, fd, WRITE_HEADER_SIZE + tables + 64 * 1024, roundUp(maxSize + 2 * growStep, growStep), growStep);
    this.st = this.arena.st;
    this.st[S.NEXT_SEQNUM] = Math.max(1, o.firstSeqnum ?? 1);
    this.writeHeaderConstants();
    this.index = new DataIndex(this.arena, this.compact, fieldBuckets, dataBuckets);
    this.chains = new EntryChains(this.arena, this.index, this.compact, this.bootIdBuf);
    this.arena.onRemap = this.index.onGrow = () => this.bindNative();
    this.bindNative();
  }

  /**
   * Creates `path` (replacing any file there) as a new, empty journal file in state ONLINE. The
   * file is made under a name journalctl skips (`.#NAME…`) and renamed into place once its header
   * and tables are written, so no reader ever finds a truncated file at `path`, not even when its
   * first allocation fails on a full disk (it is removed then).
   */
  static create(path: string, options: JournalWriterOptions): JournalFileWriter {
    const tmp = join(dirname(path), `.#${basename(path)}${randomBytes(8).toString('hex')}`);
    const fd = openSync(tmp, 'wx+', 0o640);
    try {
      const w = new JournalFileWriter(path, fd, options);
      renameSync(tmp, path);
      return w;
    } catch (e) {
      try {
        unlinkSync(tmp);
      } finally {
        closeSync(fd);
      }
      throw e;
    }
  }

  private writeHeaderConstants(): void {
    const a = this.arena;
    SIGNATURE.copy(a.b, H.signature);
    a.u32[H.compatibleFlags >>> 2] = 0;
    a.u32[H.incompatibleFlags >>> 2] = this.compact ? INCOMPAT_COMPACT : 0;
    a.b[H.state] = FileState.Online;
    id128ToBuffer(this.fileId).copy(a.b, H.fileId);
    id128ToBuffer(this.machineId).copy(a.b, H.machineId);
    id128ToBuffer(this.seqnumId).copy(a.b, H.seqnumId);
    a.w64(H.headerSize, WRITE_HEADER_SIZE);
  }

  /**
   * Binds the native path to this writer's arrays, with the fingerprint of the layout it reads:
   * an addon built from another layout.ts throws here rather than store at the wrong offsets.
   */
  private bindNative(): void {
    if (!this.compact || this.arena.isClosed) return;
    const x = this.index;
    this.native = journalBind(LAYOUT_ID, this.st, this.arena.map, x.dOff, x.dHashHi, x.dHashLo, x.dN, x.dTail, x.dTailCap, x.dTailUsed, this.bootIdBuf);
  }

  // ---- appending -------------------------------------------------------------------------

  /**
   * Appends one entry. Items with the same payload appear once (as in journald); the entry's
   * items are stored sorted by data object offset.
   */
  append(items: readonly JournalItem[], ts: EntryTimestamps): number {
    this.arena.checkOpen();
    if (items.length === 0) throw new Error('a journal entry needs at least one field');
    const ords = this.ordinals;
    ords.length = 0;
    for (const item of items) {
      ords.push(item instanceof JournalData ? this.index.resolvePrepared(item) : this.index.resolveFresh(item[0], item[1]));
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
    return this.chains.write(ords, w, ts);
  }

  /**
   * Appends the entry `set` + `field=value`: the fast path of captured lines (the set is a
   * stream's fixed fields, the value a line). Same result as append([...set.items, [field, value]]).
   */
  appendWith(set: JournalItemSet, field: JournalField, value: Buffer, ts: EntryTimestamps): number {
    this.arena.checkOpen();
    this.index.resolveSet(set);
    if (ts.bootId === undefined) {
      this.oneLine[1] = value.length;
      if (this.appendNative(set, field, value, this.oneLine, 0, 1, Infinity, ts) === 1) return this.st[S.TAIL_SEQNUM];
    }
    return this.appendWithHere(set, field, value, ts);
  }

  /**
   * Many captured lines at once: chunk[bounds[2i], bounds[2i+1]) for i in [from, to), each the
   * entry `set` + `field=line`, stamped as it is appended. Stops early once the file is due for
   * rotation (dueForRotation(maxSize)); returns how many were appended, at least one.
   */
  appendLines(set: JournalItemSet, field: JournalField, chunk: Buffer, bounds: Int32Array, from: number, to: number, maxSize: number): number {
    this.arena.checkOpen();
    this.index.resolveSet(set);
    let i = from;
    while (i < to) {
      i += this.appendNative(set, field, chunk, bounds, i, to, maxSize);
      if (i >= to || this.st[S.REASON] === NativeStop.rotate) break;
      // The JS writer takes this line (the native path declined it, or is not there).
      this.appendWithHere(set, field, chunk.subarray(bounds[2 * i], bounds[2 * i + 1]), { realtime: realtimeUsec(), monotonic: monotonicUsec() });
      i++;
      if (this.dueForRotation(maxSize)) break;
    }
    return i - from;
  }

  /**
   * Lines [from, to) through the native path, growing the file or the data mirror when it asks;
   * returns how many it appended, S.REASON saying why it stopped (NativeStop.declined when it
   * could not start: no native path, or a field the file does not have yet).
   */
  private appendNative(
    set: JournalItemSet, field: JournalField, chunk: Buffer, bounds: Int32Array, from: number, to: number, maxEnd: number, ts?: EntryTimestamps,
  ): number {
    let i = from;
    for (;;) {
      const native = this.native;
      const fieldOff = native === undefined ? 0 : this.index.fieldOffset(field);
      if (native === undefined || fieldOff === 0) {
        this.st[S.REASON] = NativeStop.declined;
        break;
      }
      i += journalAppendLines(native, set.ords, field.prefix, fieldOff, chunk, bounds, i, to - i, maxEnd, ts?.realtime, ts?.monotonic);
      const reason = this.st[S.REASON];
      if (reason === NativeStop.needSpace) this.arena.grow(this.arena.end + this.st[S.NEED]);
      else if (reason === NativeStop.needMirror) this.index.growMirror();
      else break;
    }
    return i - from;
  }

  /** appendWith in JS: the fresh item resolved here, merged into the set's sorted ordinals. */
  private appendWithHere(set: JournalItemSet, field: JournalField, value: Buffer, ts: EntryTimestamps): number {
    const o = this.index.resolveFresh(field, value);
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
    return this.chains.write(ords, len, ts);
  }

  /**
   * journald's rotation rule: the file reached `maxSize`, or a hash table is 3/4 full or has a
   * chain too deep (DataIndex.tablesFull). appendLines stops on it; the directory rotates on it.
   */
  dueForRotation(maxSize: number): boolean {
    return this.arena.end >= maxSize || this.index.tablesFull();
  }

  // ---- making it visible, closing --------------------------------------------------------

  /** Tells inotify watchers (journalctl -f) about what was appended: see JournalArena.sync. */
  sync(): void {
    this.arena.sync();
  }

  /** The file could not take a store (truncated under us, I/O error): entries may be lost; rotate. */
  get broken(): boolean {
    return this.arena.broken;
  }

  /**
   * Marks the file cleanly closed: OFFLINE (journald may append to it later) or ARCHIVED (rotated
   * away, read-only from now on). The data reaches the disk before the state that vouches for it.
   */
  close(state: FileState.Offline | FileState.Archived = FileState.Offline): void {
    this.native = undefined;
    this.arena.close(state, false).finish();
  }

  /**
   * close(state) with the disk waits on libuv's threadpool, so a rotation during a burst does not
   * stall the loop; the returned finish() does what is left synchronously (at shutdown).
   */
  closeInBackground(state: FileState.Offline | FileState.Archived, done?: () => void): { finish(): void } {
    // The native handle points into the mapping, which goes now.
    this.native = undefined;
    return this.arena.close(state, true, done);
  }

  /** Drops the file without marking it closed (as a crash would leave it). */
  abandon(): void {
    this.native = undefined;
    this.arena.abandon();
  }

  get isClosed(): boolean {
    return this.arena.isClosed;
  }

  /**
   * Asks the disk for `bytes` past what the file already allocated (the file grows by them, in
   * whole steps): whether the disk has room now, which the allocated tail cannot tell. Throws as
   * a growing append would (ENOSPC on a full disk).
   */
  growBy(bytes: number): void {
    this.arena.checkOpen();
    this.arena.grow(this.arena.allocated + bytes);
  }

  /** Bytes the file's objects occupy. */
  get size(): number {
    return this.arena.end;
  }

  get nextSequenceNumber(): number {
    return this.st[S.NEXT_SEQNUM];
  }

  stats(): WriterStats {
    const st = this.st;
    return {
      entries: st[S.N_ENTRIES],
      dataObjects: st[S.N_DATA],
      fields: this.index.nFields,
      entryArrays: st[S.N_ENTRY_ARRAYS],
      objects: st[S.N_OBJECTS],
      size: this.arena.end,
      dataHashBuckets: this.index.dataBuckets,
      dataHashChainDepth: st[S.DATA_DEPTH],
      headSeqnum: st[S.HEAD_SEQNUM],
      tailSeqnum: st[S.TAIL_SEQNUM],
      headRealtime: st[S.HEAD_REALTIME],
      tailRealtime: st[S.TAIL_REALTIME],
      compact: this.compact,
    };
  }
}
