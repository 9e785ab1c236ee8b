// One file's bytes for the journal reader, read with pread(2) into small caches sized to the
// access: a walk through the file reads whole blocks, scattered reads single pages, and the few
// bytes of a chain's array headers are read alone.
import { readSync } from 'node:fs';

export class JournalFormatError extends Error {
  constructor(readonly path: string, message: string) {
    super(`${path}: ${message}`);
    this.name = 'JournalFormatError';
  }
}

// The read units: 64 KiB blocks, 32 of them kept (2 MiB a file), for walks through the file, each
// block read once; 4 KiB pages, 256 kept (1 MiB), for scattered reads (a rare unit's entries spread
// over a large file, `-n 50` from the tail), which pay a page a miss, not a block.
const BLOCK = 1 << 16;
const MAX_BLOCKS = 32;
const PAGE = 1 << 12;
const MAX_PAGES = 256;

export class FileBytes {
  private readonly blocks = new Map<number, Buffer>();
  private readonly pages = new Map<number, Buffer>();
  /** The block of the last read from the file, to tell a walk from scattered reads. */
  private lastMiss = -2;
  /** The buffer the last locate() found its bytes in. */
  located: Buffer = Buffer.alloc(0);

  constructor(
    private readonly path: string,
    private readonly fd: number,
    private readonly fileSize: number,
  ) {}

  clear(): void {
    this.blocks.clear();
    this.pages.clear();
  }

  /** `len` bytes at `off`, from a small cache of blocks (objects straddling two: one read). */
  bytes(off: number, len: number): Buffer {
    const at = this.locate(off, len);
    return this.located.subarray(at, at + len);
  }

  /**
   * A few bytes read once (the headers of an entry-array chain, walked to find its arrays): from
   * a cached block if there is one, else read alone, so a walk along a long chain reads a few
   * bytes per array, not a block.
   */
  peek(off: number, len: number): Buffer {
    if (off < 0 || off + len > this.fileSize) throw new JournalFormatError(this.path, `read past end at ${off}`);
    const c = Math.floor(off / BLOCK);
    const block = this.blocks.get(c);
    if (block && off + len <= c * BLOCK + block.length) return block.subarray(off - c * BLOCK, off - c * BLOCK + len);
    const b = Buffer.allocUnsafe(len);
    readSync(this.fd, b, 0, len, off);
    return b;
  }

  /**
   * Makes `located` hold [off, off + len) and returns where in it they start. A miss next to the
   * previous one (a walk through the file) reads the whole 64 KiB block; a miss elsewhere (an
   * entry of a rare unit, a data object far away) reads only the 4 KiB page, kept apart.
   */
  locate(off: number, len: number): number {
    if (off < 0 || off + len > this.fileSize) throw new JournalFormatError(this.path, `read past end at ${off}`);
    const c = Math.floor(off / BLOCK);
    const block = this.blocks.get(c);
    if (block && off + len <= c * BLOCK + block.length) {
      this.located = block;
      return off - c * BLOCK;
    }
    const p = Math.floor(off / PAGE);
    const page = this.pages.get(p);
    if (page && off + len <= p * PAGE + page.length) {
      this.located = page;
      return off - p * PAGE;
    }
    const near = Math.abs(c - this.lastMiss) <= 1;
    this.lastMiss = c;
    if (near && Math.floor((off + len - 1) / BLOCK) === c) return off - this.load(this.blocks, MAX_BLOCKS, c, BLOCK);
    if (Math.floor((off + len - 1) / PAGE) === p) return off - this.load(this.pages, MAX_PAGES, p, PAGE);
    // Straddling pages or blocks: read alone.
    const b = Buffer.allocUnsafe(len);
    readSync(this.fd, b, 0, len, off);
    this.located = b;
    return 0;
  }

  /** Reads unit number `n` of `size` bytes into `cache` (the oldest dropped past `max`); its start. */
  private load(cache: Map<number, Buffer>, max: number, n: number, size: number): number {
    const start = n * size;
    const b = Buffer.allocUnsafeSlow(Math.min(size, this.fileSize - start));
    readSync(this.fd, b, 0, b.length, start);
    if (cache.size >= max) cache.delete(cache.keys().next().value as number);
    cache.set(n, b);
    this.located = b;
    return start;
  }
}
