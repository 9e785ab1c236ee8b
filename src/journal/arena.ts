// One journal file's bytes: the file descriptor, its shared mapping (native mmap, the way journald
// writes), growth, and the objects' place at the end of the arena. The file grows in steps through
// posix_fallocate before any byte of a step is touched, so a full disk is an error from the
// append, never a SIGBUS (which the addon absorbs anyway if the file is cut under us: `broken`).
// Also the file's end of life: the inotify nudge (sync), closing with the state byte between two
// fdatasyncs, on the threadpool for a rotation.
//
// Invariant: an object is complete before anything links to it, and the header's arena_size,
// n_objects and tail_object_offset cover it (commitObject) before the first link to it is stored,
// so no reader ever follows a link past the arena.
import { close, closeSync, fdatasync, fdatasyncSync, ftruncateSync, writeSync } from 'node:fs';

import { errnoName } from '../shared/strerror.js';
import { allocate, mapShared, populate, sigbusCount, unmap } from '../exec/native.js';
import { type FileState, H, ObjectType, OBJECT_HEADER_SIZE, WRITE_HEADER_SIZE, align8 } from './format.js';
import { O, S, STATE_SLOTS } from './layout.js';

const TWO32 = 0x1_0000_0000;

export class JournalArena {
  readonly path: string;
  private fd: number;
  private closed = false;
  /** The writer's scalar state, shared with native/journal.c (layout.ts: S). */
  readonly st = new Float64Array(STATE_SLOTS);
  // The mapping: `map` is the ArrayBuffer, `b` and `u32` views over it. Replaced when the file
  // outgrows it, so never keep them in a local across a call that may allocate.
  map: ArrayBuffer;
  b: Buffer;
  u32: Uint32Array;
  /** Called once the file is mapped anew (the native handle points into the old mapping). */
  onRemap: () => void = () => undefined;
  private readonly growStep: number;
  private readonly sigbusAtOpen: number;

  /**
   * Takes over `fd` (an empty file): fallocates its first `initial` bytes (whole growth steps) and
   * maps `mapLength` bytes of address space (the size the file should reach; a file that goes past
   * it is mapped again, larger). The first step is not faulted in: most files of an idle system
   * hold a few kilobytes for a long time, and a resident first step (8 MiB at the default size) was
   * an eighth of an idle svcd's RSS. Its pages fault in as they are first written; only the steps
   * a growing file adds (a burst is writing) are faulted in at once, in grow().
   */
  constructor(path: string, fd: number, initial: number, mapLength: number, growStep: number) {
    this.path = path;
    this.fd = fd;
    this.growStep = growStep;
    const to = this.allocateTo(initial);
    this.st[S.ALLOCATED] = to;
    this.map = mapShared(fd, Math.max(to, mapLength));
    this.b = Buffer.from(this.map);
    this.u32 = new Uint32Array(this.map);
    this.sigbusAtOpen = sigbusCount();
    this.st[S.END] = WRITE_HEADER_SIZE;
  }

  /** Offset just past the last object: the next object's offset. */
  get end(): number {
    return this.st[S.END];
  }

  /** Bytes of the file fallocated so far (objects end at `end`, the rest is the tail to grow into). */
  get allocated(): number {
    return this.st[S.ALLOCATED];
  }

  get isClosed(): boolean {
    return this.closed;
  }

  checkOpen(): void {
    if (this.closed) throw new Error(`journal file ${this.path} is closed`);
  }

  /**
   * Room for an object of `size` bytes at the end: returns its offset but does not commit it (a
   * data payload may turn out to be a duplicate). May map the file anew.
   */
  reserve(size: number): number {
    const need = this.st[S.END] + align8(size);
    if (need > this.st[S.ALLOCATED]) this.grow(need);
    return this.st[S.END];
  }

  /** Bytes up to `to` may be non-zero past the end (a payload that may be rejected as a duplicate). */
  dirtied(to: number): void {
    if (to > this.st[S.DIRTY_END]) this.st[S.DIRTY_END] = to;
  }

  /** Fallocated bytes from `from` up to `to` (whole steps); returns the new size. */
  private allocateTo(need: number, from = 0): number {
    const to = roundUp(need, this.growStep);
    if (to > 0xffff_ffff) throw new Error(`journal file ${this.path}: a journal file cannot grow past 4 GiB`);
    if (to <= from) return from;
    const err = allocate(this.fd, from, to - from);
    if (err !== 0) {
      // Named as Node names a failed system call's error, so callers tell a full disk (ENOSPC) from the rest by `code`.
      const code = errnoName(err);
      throw Object.assign(new Error(`journal file ${this.path}: cannot grow to ${to} bytes: ${code}`), { errno: err, code });
    }
    return to;
  }

  /** Makes the file at least `need` bytes long (whole growth steps), mapping it anew if needed. */
  grow(need: number): void {
    const from = this.st[S.ALLOCATED];
    const to = this.allocateTo(need, from);
    if (to === from) return;
    if (to > this.map.byteLength) {
      // Mapped first: if that fails, ALLOCATED must still say what the mapping covers.
      const map = mapShared(this.fd, Math.min(TWO32, roundUp(to * 2, this.growStep)));
      const old = this.map;
      this.map = map;
      this.b = Buffer.from(map);
      this.u32 = new Uint32Array(map);
      this.onRemap();
      unmap(old);
    }
    this.st[S.ALLOCATED] = to;
    // The step will be written through soon: fault it in at once, not page by page.
    populate(this.map, from, to - from);
  }

  objectHeader(off: number, type: ObjectType, size: number): void {
    const i = off >>> 2;
    this.u32[i] = type; // type, then flags and reserved bytes: 0
    this.u32[i + 1] = 0;
    this.u32[(off + O.size) >>> 2] = size;
    this.u32[((off + O.size) >>> 2) + 1] = 0;
  }

  /** The object at `off` is complete: it becomes part of the arena (header fields first). */
  commitObject(off: number, size: number): void {
    const aligned = align8(size);
    for (let i = off + size; i < off + aligned; i++) this.b[i] = 0;
    const st = this.st;
    st[S.END] = off + aligned;
    st[S.N_OBJECTS]++;
    this.w64(H.arenaSize, off + aligned - WRITE_HEADER_SIZE);
    this.w64(H.nObjects, st[S.N_OBJECTS]);
    this.w64(H.tailObjectOffset, off);
  }

  /** A hash table of `buckets` items: header only, the items are the zeros fallocate gave. */
  allocTable(type: ObjectType, buckets: number, itemSize: number): number {
    const size = OBJECT_HEADER_SIZE + buckets * itemSize;
    const off = this.reserve(size);
    this.objectHeader(off, type, size);
    this.commitObject(off, size);
    return off;
  }

  /** Stores a u64 (< 2^53) at file offset `at` (8-byte aligned). */
  w64(at: number, value: number): void {
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

  r64(at: number): number {
    const i = at >>> 2;
    return this.u32[i] + this.u32[i + 1] * TWO32;
  }

  // ---- making it visible, closing ------------------------------------------------------------

  /**
   * Everything appended is in the page cache already, linked and counted; this only tells
   * inotify watchers (journalctl -f): stores into a mapping raise no event, so, like journald,
   * the file's size is set to what it is, which does.
   */
  sync(): void {
    if (this.closed || this.st[S.CHANGED] === 0) return;
    this.st[S.CHANGED] = 0;
    ftruncateSync(this.fd, this.st[S.ALLOCATED]);
  }

  /** The file could not take a store (truncated under us, I/O error): entries may be lost; rotate. */
  get broken(): boolean {
    return !this.closed && sigbusCount() !== this.sigbusAtOpen;
  }

  /**
   * Marks the file cleanly closed with `state`, the data reaching the disk before the state that
   * vouches for it; a broken file keeps its state (ONLINE). The mapping goes and the file is cut
   * to its objects at once; fdatasync, the state byte, fdatasync and close follow, on libuv's
   * threadpool when `background` (journald offlines a rotated file in a thread too), so a
   * rotation during a burst does not stall the loop. The returned finish() does what is left
   * synchronously (at shutdown).
   */
  close(state: FileState, background: boolean, done?: () => void): { finish(): void } {
    if (this.closed) return { finish: () => undefined };
    const stateByte = this.broken ? undefined : Buffer.from([state]);
    this.closed = true;
    const fd = this.fd;
    this.fd = -1;
    unmap(this.map);
    const end = this.st[S.END];
    // step: how many of `steps` are done; -1 once the descriptor is closed.
    let step = 0;
    const steps: (() => void)[] = [
      // The unused rest of the last growth step goes; readers go by the arena anyway.
      () => ftruncateSync(fd, end),
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
    unmap(this.map);
    closeSync(this.fd);
    this.fd = -1;
  }
}

export function roundUp(n: number, step: number): number {
  return Math.ceil(n / step) * step;
}

