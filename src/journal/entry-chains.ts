// Entries and the entry-array chains that find them: an entry object (items sorted by data
// offset, xor_hash of their hashes), linked into each of its data objects' chains and into the
// file's main chain, then the header's entry fields. native/journal.c does the same for the
// compact lines it takes (link_data, link_main).
//
// Invariant: entry-array items are written before the counters that make them count (a data
// object's n_entries, the header's n_entries); the header's entry fields move last.
import { type JournalArena } from './arena.js';
import { type DataIndex } from './data-index.js';
import { type Id128, ObjectType, id128ToBuffer } from './format.js';
import { type EntryTimestamps } from './items.js';
import { A, D, E, H, S, SIZE, WRITER } from './layout.js';

const TWO32 = 0x1_0000_0000;

/**
 * The size of the next entry array of a chain whose tail array held `previous` items: doubling
 * from 4, as journald grows them, but no larger than WRITER.maxArrayItems, so the unused part of
 * the tail arrays (one per data object that recurs, e.g. each of a stream's 20 fixed fields) stays
 * small: uncapped, half-empty tail arrays were ~15% of a file of captured lines.
 */
export function arrayCapacity(previous: number): number {
  return Math.min(WRITER.maxArrayItems, Math.max(4, previous * 2));
}

export class EntryChains {
  private readonly a: JournalArena;
  private readonly index: DataIndex;
  private readonly compact: boolean;
  private readonly entryItemSize: number;
  private readonly arrayItemSize: number;
  private readonly bootIdBuf: Buffer;
  private readonly bootIdCache = new Map<string, Buffer>();
  private tailBootIdBuf: Buffer;

  constructor(a: JournalArena, index: DataIndex, compact: boolean, bootIdBuf: Buffer) {
    this.a = a;
    this.index = index;
    this.compact = compact;
    this.entryItemSize = compact ? SIZE.entryItemCompact : SIZE.entryItem;
    this.arrayItemSize = compact ? SIZE.arrayItemCompact : SIZE.arrayItem;
    this.bootIdBuf = bootIdBuf;
    this.tailBootIdBuf = bootIdBuf;
    bootIdBuf.copy(a.b, H.tailEntryBootId);
    a.st[S.TAIL_BOOT_OWN] = 1;
  }

  /** Writes the entry of data ordinals `ords[0..n)` (ascending, no repeats) and links it: its seqnum. */
  write(ords: readonly number[], n: number, ts: EntryTimestamps): number {
    const a = this.a;
    const st = a.st;
    let bootBuf = this.bootIdBuf;
    if (ts.bootId !== undefined) bootBuf = this.bootIdBuffer(ts.bootId);
    // --verify insists that monotonic time never goes back within one boot.
    let monotonic = Math.max(0, Math.floor(ts.monotonic));
    if (st[S.N_ENTRIES] > 0 && monotonic < st[S.TAIL_MONOTONIC] && (bootBuf === this.tailBootIdBuf || bootBuf.equals(this.tailBootIdBuf))) {
      monotonic = st[S.TAIL_MONOTONIC];
    }
    const realtime = Math.max(1, Math.floor(ts.realtime));

    const size = E.items + n * this.entryItemSize;
    const off = a.reserve(size);
    const u32 = a.u32;
    const seqnum = st[S.NEXT_SEQNUM]++;
    // Every byte of the entry's header is written below: no clearing needed.
    a.objectHeader(off, ObjectType.Entry, size);
    a.w64(off + E.seqnum, seqnum);
    a.w64(off + E.realtime, realtime);
    a.w64(off + E.monotonic, monotonic);
    const bw = (off + E.bootId) >>> 2;
    u32[bw] = bootBuf.readUInt32LE(0);
    u32[bw + 1] = bootBuf.readUInt32LE(4);
    u32[bw + 2] = bootBuf.readUInt32LE(8);
    u32[bw + 3] = bootBuf.readUInt32LE(12);
    let xhi = 0;
    let xlo = 0;
    let q = (off + E.items) >>> 2;
    const { dOff, dHashHi, dHashLo } = this.index;
    if (this.compact) {
      for (let i = 0; i < n; i++) {
        const o = ords[i];
        xhi ^= dHashHi[o];
        xlo ^= dHashLo[o];
        u32[q++] = dOff[o];
      }
    } else {
      // A regular item: the data object's le64 offset, then its le64 hash.
      for (let i = 0; i < n; i++) {
        const o = ords[i];
        const hi = dHashHi[o];
        const lo = dHashLo[o];
        xhi ^= hi;
        xlo ^= lo;
        a.w64(q * 4, dOff[o]);
        u32[q + 2] = lo;
        u32[q + 3] = hi;
        q += 4;
      }
    }
    u32[(off + E.xorHash) >>> 2] = xlo >>> 0;
    u32[((off + E.xorHash) >>> 2) + 1] = xhi >>> 0;
    a.commitObject(off, size);

    // Linked into each data object's chain, then the file's; the header's counters move last.
    for (let i = 0; i < n; i++) this.linkData(ords[i], off);
    this.linkMain(off);

    if (st[S.HEAD_SEQNUM] === 0) {
      st[S.HEAD_SEQNUM] = seqnum;
      st[S.HEAD_REALTIME] = realtime;
      a.w64(H.headEntrySeqnum, seqnum);
      a.w64(H.headEntryRealtime, realtime);
    }
    st[S.TAIL_SEQNUM] = seqnum;
    st[S.TAIL_REALTIME] = realtime;
    st[S.TAIL_MONOTONIC] = monotonic;
    if (bootBuf !== this.tailBootIdBuf) {
      this.tailBootIdBuf = bootBuf;
      bootBuf.copy(a.b, H.tailEntryBootId);
      st[S.TAIL_BOOT_OWN] = bootBuf.equals(this.bootIdBuf) ? 1 : 0;
    }
    st[S.N_ENTRIES]++;
    a.w64(H.tailEntrySeqnum, seqnum);
    a.w64(H.tailEntryRealtime, realtime);
    a.w64(H.tailEntryMonotonic, monotonic);
    a.w64(H.nEntries, st[S.N_ENTRIES]);
    st[S.CHANGED] = 1;
    return seqnum;
  }

  private bootIdBuffer(id: Id128): Buffer {
    let b = this.bootIdCache.get(id);
    if (!b) {
      b = id128ToBuffer(id);
      if (b.equals(this.bootIdBuf)) b = this.bootIdBuf;
      if (this.bootIdCache.size > 64) this.bootIdCache.clear();
      this.bootIdCache.set(id, b);
    }
    return b;
  }

  /**
   * Adds the entry at `entryOff` to data object `o`: the first entry inline, later ones into its
   * entry-array chain (journald's link_entry_into_array_plus_one), the counter last.
   */
  private linkData(o: number, entryOff: number): void {
    const a = this.a;
    const x = this.index;
    const n = x.dN[o];
    const dataOff = x.dOff[o];
    if (n > 0) {
      let used = x.dTailUsed[o];
      let tail = x.dTail[o];
      if (used === x.dTailCap[o]) {
        const cap = arrayCapacity(used);
        const arr = this.allocEntryArray(cap);
        this.writeArrayItem(arr, 0, entryOff);
        if (tail === 0) a.w64(dataOff + D.entryArrayOffset, arr);
        else a.w64(tail + A.nextEntryArrayOffset, arr);
        x.dTail[o] = tail = arr;
        x.dTailCap[o] = cap;
        used = 0;
      } else {
        this.writeArrayItem(tail, used, entryOff);
      }
      x.dTailUsed[o] = ++used;
      if (this.compact) {
        // 252 keeps the chain's tail array in compact data objects, so an appender need not walk it.
        a.u32[(dataOff + D.tailEntryArrayOffset) >>> 2] = tail;
        a.u32[(dataOff + D.tailEntryArrayNEntries) >>> 2] = used;
      }
    } else {
      a.w64(dataOff + D.entryOffset, entryOff);
    }
    x.dN[o] = n + 1;
    a.w64(dataOff + D.nEntries, n + 1);
  }

  /** Adds the entry to the file's main entry-array chain (the header's fields point at its tail). */
  private linkMain(entryOff: number): void {
    const a = this.a;
    const st = a.st;
    if (st[S.MAIN_TAIL_USED] === st[S.MAIN_TAIL_CAP]) {
      const cap = arrayCapacity(st[S.MAIN_TAIL_CAP]);
      const arr = this.allocEntryArray(cap);
      this.writeArrayItem(arr, 0, entryOff);
      if (st[S.MAIN_TAIL] === 0) a.w64(H.entryArrayOffset, arr);
      else a.w64(st[S.MAIN_TAIL] + A.nextEntryArrayOffset, arr);
      st[S.MAIN_TAIL] = arr;
      st[S.MAIN_TAIL_CAP] = cap;
      st[S.MAIN_TAIL_USED] = 1;
    } else {
      this.writeArrayItem(st[S.MAIN_TAIL], st[S.MAIN_TAIL_USED], entryOff);
      st[S.MAIN_TAIL_USED]++;
    }
    // 252 keeps the main chain's tail array here (32-bit: only when it fits) so an appending
    // journald need not walk the chain; 0 makes it walk from the head.
    if (st[S.MAIN_TAIL] < TWO32) {
      a.u32[H.tailEntryArrayOffset >>> 2] = st[S.MAIN_TAIL];
      a.u32[H.tailEntryArrayNEntries >>> 2] = st[S.MAIN_TAIL_USED];
    }
  }

  private writeArrayItem(arr: number, i: number, entryOff: number): void {
    if (this.compact) this.a.u32[(arr + A.items + SIZE.arrayItemCompact * i) >>> 2] = entryOff;
    else this.a.w64(arr + A.items + SIZE.arrayItem * i, entryOff);
  }

  private allocEntryArray(cap: number): number {
    const a = this.a;
    const size = A.items + this.arrayItemSize * cap;
    const off = a.reserve(size);
    // The space is fallocate's zeros, except where a rejected duplicate payload was assembled.
    const dirty = a.st[S.DIRTY_END];
    if (dirty > off + SIZE.objectHeader) a.b.fill(0, off + SIZE.objectHeader, Math.min(off + size, dirty));
    a.objectHeader(off, ObjectType.EntryArray, size);
    a.commitObject(off, size);
    a.st[S.N_ENTRY_ARRAYS]++;
    a.w64(H.nEntryArrays, a.st[S.N_ENTRY_ARRAYS]);
    return off;
  }
}
