// The journal directory as journald lays it out, so plain `journalctl` (and `journalctl -D DIR`)
// finds svcd's logs: DIR/system.journal is the file being written; rotated files are renamed
// system@SEQNUM_ID-HEAD_SEQNUM-HEAD_REALTIME.journal (32 + 16 + 16 hex digits) and files found
// dirty at start-up system@REALTIME-RANDOM.journal~. Rotation by size and by hash-table fill;
// the oldest rotated files are deleted while the directory holds more than its cap.
// Reading merges every file of the directory in journalctl's order.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, renameSync, statSync, statfsSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';

import type { Storage } from '../config/system-conf.js';
import { FileState, MESSAGE_JOURNAL_DROPPED, monotonicUsec, realtimeUsec, WRITE_HEADER_SIZE, type Id128 } from './format.js';
import { JournalFileReader } from './file-reader.js';
import {
  type EntryTimestamps, FILE_SIZE_MAX, type JournalField, type JournalItem, type JournalItemSet, JournalFileWriter, type JournalWriterOptions,
} from './file-writer.js';

export const ACTIVE_FILE = 'system.journal';

const MIB = 1024 * 1024;

/**
 * Where the journal lives (docs/journal.md): `--journal-dir` as given; else by Storage= —
 * persistent: /var/log/journal/MACHINE_ID, volatile: /run/log/journal/MACHINE_ID, auto:
 * persistent if /var/log/journal exists, none: nowhere (undefined).
 */
export function journalDirectory(opts: {
  storage: Storage;
  machineId: Id128;
  override?: string;
  persistentRoot?: string;
  volatileRoot?: string;
}): { dir: string; persistent: boolean } | undefined {
  if (opts.override !== undefined) return { dir: opts.override, persistent: true };
  const persistentRoot = opts.persistentRoot ?? '/var/log/journal';
  const volatileRoot = opts.volatileRoot ?? '/run/log/journal';
  switch (opts.storage) {
    case 'none':
      return undefined;
    case 'persistent':
      return { dir: join(persistentRoot, opts.machineId), persistent: true };
    case 'volatile':
      return { dir: join(volatileRoot, opts.machineId), persistent: false };
    case 'auto':
      return existsSync(persistentRoot)
        ? { dir: join(persistentRoot, opts.machineId), persistent: true }
        : { dir: join(volatileRoot, opts.machineId), persistent: false };
  }
}

import type { JournalLimits } from './limits.js';

export { computeLimits, fileSystemSize, journalLimits, type JournalLimits } from './limits.js';

/** The name journald gives a file it rotated away. */
export function archivedName(base: string, seqnumId: Id128, headSeqnum: number, headRealtime: number): string {
  const hex16 = (n: number): string => n.toString(16).padStart(16, '0');
  return `${base}@${seqnumId}-${hex16(headSeqnum)}-${hex16(headRealtime)}.journal`;
}

/** The name journald gives a file it found dirty (not closed) and set aside. */
export function dirtyName(base: string, realtime: number): string {
  return `${base}@${realtime.toString(16).padStart(16, '0')}-${randomBytes(8).toString('hex')}.journal~`;
}

const ARCHIVED_RE = /^(.+)@([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{16})\.journal$/;
const DIRTY_RE = /^(.+)@([0-9a-f]{16})-([0-9a-f]{16})\.journal~$/;

/** Rotated files of a directory, oldest first (by the head realtime in the name). */
function rotatedFiles(dir: string): { name: string; realtime: number; size: number }[] {
  const out: { name: string; realtime: number; size: number }[] = [];
  for (const name of readdirSync(dir)) {
    const m = ARCHIVED_RE.exec(name) ?? DIRTY_RE.exec(name);
    if (!m) continue;
    const realtime = parseInt(m.length === 5 ? m[4] : m[2], 16);
    let size: number;
    try {
      size = statSync(join(dir, name)).blocks * 512;
    } catch {
      continue;
    }
    out.push({ name, realtime, size });
  }
  return out.sort((a, b) => a.realtime - b.realtime || (a.name < b.name ? -1 : 1));
}

export interface JournalDirectoryOptions {
  dir: string;
  machineId: Id128;
  bootId: Id128;
  limits?: Partial<JournalLimits>;
  /** Passed to each file's writer (buffer sizes, hash table sizing override...). */
  writer?: Partial<Pick<JournalWriterOptions, 'compact' | 'dataHashBuckets' | 'fieldHashBuckets'>>;
  /** Where the directory says that it drops entries and that it writes again (svcd's stderr), at a bounded rate. */
  notice?: (text: string) => void;
  /** Fields added to the entry that opens the journal again after an outage (who writes it: svcd). */
  noteFields?: () => readonly JournalItem[];
}

/** How often the directory tries again to write while it cannot (ms). */
export const RETRY_MS = 1000;
/**
 * Room a retry asks of the disk, past what the file already allocated, before the journal counts
 * as writable again (bytes). The note fitting in the file's allocated tail says nothing about the
 * disk: a "back" declared there ends at the next batch of lines that needs the file to grow, a new
 * outage whose drops are reported only if some later entry comes to retry.
 */
export const RETRY_ROOM = 64 * 1024;
/** At most one "still dropping" notice this often (ms); the first and the last are always said. */
export const NOTICE_MS = 10_000;

/** Errors that say the disk has no room (for now): the file is intact, space may come back. */
const SPACE_ERRORS = new Set(['ENOSPC', 'EDQUOT', 'EFBIG']);

/**
 * While the directory cannot write (a full disk, an I/O error, a file it could not create), entries
 * are dropped and counted, as journald drops them; a retry at most every RETRY_MS.
 */
interface Outage {
  reason: string;
  sinceUsec: number;
  dropped: number;
  retryAt: number;
  /** Whether svcd said it drops entries (then it says when it writes again). */
  said: boolean;
}

/** The error's errno name if it is one the file system gave (a failure to write, not a bug). */
function ioErrorCode(e: unknown): string | undefined {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^E[A-Z0-9]+$/.test(code) ? code : undefined;
}

/**
 * Writes a journal directory: one active file, rotated by size / hash-table fill, old files
 * vacuumed to stay under the caps. Sequence numbers continue across rotations and restarts
 * (same seqnum_id), as journald's do.
 *
 * A failed write never stops the journal for good: on a full disk the active file (intact: an
 * append that cannot grow the file has linked nothing yet) is kept, rotated files are vacuumed
 * down to what MaxUse=/KeepFree= allow, and entries are dropped and counted until a retry
 * succeeds; any other I/O error sets the file aside and a new one is started. The first entry
 * written again says how many were dropped.
 */
export class JournalDirectory {
  readonly dir: string;
  readonly limits: JournalLimits;
  private writer: JournalFileWriter | undefined;
  private readonly opts: JournalDirectoryOptions;
  private seqnumId: Id128 | undefined;
  /** The next entry's seqnum when there is no writer to ask. */
  private nextSeqnum: number;
  /** The active file's first entry's realtime (0: none yet), for MaxFileSec=. */
  private headRealtime = 0;
  rotations = 0;
  /** Entries dropped since the directory was opened (the journal could not take them). */
  dropped = 0;
  private outage: Outage | undefined;
  /** When the last notice was given (ms): a disk that fills again and again is not said each time. */
  private noticeAt = -Infinity;
  /** Rotated files still being closed in the background. */
  private readonly closing = new Set<{ finish(): void }>();

  private constructor(opts: JournalDirectoryOptions) {
    this.opts = opts;
    this.dir = opts.dir;
    this.limits = {
      // A file cannot pass 4 GiB (file-writer.ts): a larger SystemMaxFileSize= is capped, as journald caps compact files.
      maxFileSize: Math.min(opts.limits?.maxFileSize ?? 128 * MIB, FILE_SIZE_MAX),
      maxUse: opts.limits?.maxUse ?? 4096 * MIB,
      keepFree: opts.limits?.keepFree ?? 0,
      minUse: opts.limits?.minUse ?? 0,
      maxFiles: opts.limits?.maxFiles ?? 100,
      maxFileUsec: opts.limits?.maxFileUsec ?? 0,
      maxRetentionUsec: opts.limits?.maxRetentionUsec ?? 0,
    };
    mkdirSync(this.dir, { recursive: true, mode: 0o2755 });
    this.nextSeqnum = this.setAsideExisting();
    this.vacuum();
    this.startWriter();
  }

  static open(opts: JournalDirectoryOptions): JournalDirectory {
    return new JournalDirectory(opts);
  }

  /**
   * A system.journal left by an earlier run: keep counting its seqnums in the same lineage, and
   * move it out of the way under the name journald would give it (archived if it was closed,
   * `.journal~` if its writer died). Appending to it instead would need its whole hash table
   * read back into memory. A file too short to hold a header has nothing to keep: it goes.
   */
  private setAsideExisting(): number {
    const path = join(this.dir, ACTIVE_FILE);
    if (!existsSync(path)) return 1;
    let next = 1;
    try {
      if (statSync(path).size < WRITE_HEADER_SIZE) {
        unlinkSync(path);
        return next;
      }
      const r = JournalFileReader.open(path);
      const h = r.header;
      r.close();
      this.seqnumId = h.seqnumId;
      next = h.tailEntrySeqnum + 1;
      if (h.nEntries === 0) {
        unlinkSync(path);
      } else if (h.state === FileState.Online) {
        renameSync(path, join(this.dir, dirtyName('system', realtimeUsec())));
      } else {
        renameSync(path, join(this.dir, archivedName('system', h.seqnumId, h.headEntrySeqnum, h.headEntryRealtime)));
      }
    } catch {
      renameSync(path, join(this.dir, dirtyName('system', realtimeUsec())));
    }
    return next;
  }

  /** A new active file; if it cannot be created (a full disk) the directory drops entries until it can. */
  private startWriter(): void {
    try {
      const w = JournalFileWriter.create(join(this.dir, ACTIVE_FILE), {
        machineId: this.opts.machineId,
        bootId: this.opts.bootId,
        seqnumId: this.seqnumId,
        firstSeqnum: this.nextSeqnum,
        maxFileSize: this.limits.maxFileSize,
        ...this.opts.writer,
      });
      this.seqnumId = w.seqnumId;
      this.writer = w;
    } catch (e) {
      this.failed(e);
    }
  }

  append(items: readonly JournalItem[], ts: EntryTimestamps): number {
    for (;;) {
      const w = this.writable(ts.realtime);
      if (w === undefined) return this.drop(1);
      try {
        const seq = w.append(items, ts);
        this.appended(ts.realtime);
        return seq;
      } catch (e) {
        this.failed(e);
      }
    }
  }

  /** append([...set.items, [field, value]], ts), the fast way (JournalFileWriter.appendWith). */
  appendWith(set: JournalItemSet, field: JournalField, value: Buffer, ts: EntryTimestamps): number {
    for (;;) {
      const w = this.writable(ts.realtime);
      if (w === undefined) return this.drop(1);
      try {
        const seq = w.appendWith(set, field, value, ts);
        this.appended(ts.realtime);
        return seq;
      } catch (e) {
        this.failed(e);
      }
    }
  }

  /**
   * Lines of one pipe read, each the entry `set` + `field=line` (JournalFileWriter.appendLines),
   * rotating between them as append() would; lines the journal cannot take are dropped.
   */
  appendLines(set: JournalItemSet, field: JournalField, chunk: Buffer, bounds: Int32Array, count: number): void {
    let i = 0;
    while (i < count) {
      const now = realtimeUsec();
      const w = this.writable(now);
      if (w === undefined) {
        this.drop(count - i);
        return;
      }
      const before = w.nextSequenceNumber;
      try {
        i += w.appendLines(set, field, chunk, bounds, i, count, this.limits.maxFileSize);
        this.appended(now);
      } catch (e) {
        // Lines before the failing one are in the file.
        i += w.nextSequenceNumber - before;
        this.failed(e);
      }
    }
  }

  /**
   * The file to append to now, or undefined while entries are being dropped. After an outage the
   * retry asks the disk for RETRY_ROOM more, then writes the note saying what was lost: if both
   * succeed, the journal is back.
   */
  private writable(realtime: number): JournalFileWriter | undefined {
    const o = this.outage;
    if (o === undefined) {
      this.rotateIfOld(realtime);
      return this.outage === undefined ? this.writer : undefined;
    }
    const now = Date.now();
    if (now < o.retryAt) return undefined;
    o.retryAt = now + RETRY_MS;
    // A failure below updates `o` (failed() sees it still open) and says nothing new.
    if (this.writer === undefined) this.startWriter();
    const w = this.writer;
    if (w === undefined) return undefined;
    try {
      w.growBy(RETRY_ROOM);
      if (o.dropped > 0) w.append(this.droppedNote(o), { realtime: realtimeUsec(), monotonic: monotonicUsec() });
    } catch (e) {
      this.failed(e);
      return undefined;
    }
    this.outage = undefined;
    const secs = ((realtimeUsec() - o.sinceUsec) / 1e6).toFixed(1);
    if (o.said) this.notice(`journal: writing to ${this.dir} again; ${o.dropped} entries dropped in ${secs}s (${o.reason})`);
    this.appended(realtimeUsec());
    return this.outage === undefined ? this.writer : undefined;
  }

  /** The first entry after an outage: journald's "dropped" message id, N_DROPPED=, and the caller's fields (who wrote it). */
  private droppedNote(o: Outage): JournalItem[] {
    const secs = Math.round((realtimeUsec() - o.sinceUsec) / 1e6);
    return [
      ['MESSAGE', `Journal could not be written for ${secs}s (${o.reason}): ${o.dropped} entries dropped.`],
      ['MESSAGE_ID', MESSAGE_JOURNAL_DROPPED],
      ['N_DROPPED', String(o.dropped)],
      ['PRIORITY', '4'],
      ...(this.opts.noteFields?.() ?? []),
    ];
  }

  /**
   * A write failed. Not an error of the file system (a bug): thrown on. A full disk: the file is
   * intact and kept. Anything else (EIO, a file cut under us): the file is set aside. Then rotated
   * files are vacuumed; if that freed something the next write tries again at once, else entries
   * are dropped until the next retry.
   */
  private failed(e: unknown): void {
    const code = ioErrorCode(e);
    if (code === undefined) throw e;
    if (!SPACE_ERRORS.has(code) && this.writer !== undefined) this.setAside();
    const freed = this.vacuum().length > 0;
    const now = Date.now();
    const reason = (e as Error).message;
    if (this.outage === undefined) {
      // Said at the first entry dropped: a retry that succeeds at once (vacuuming made room) lost nothing to tell.
      this.outage = { reason, sinceUsec: realtimeUsec(), dropped: 0, retryAt: 0, said: false };
    }
    this.outage.reason = reason;
    this.outage.retryAt = freed ? now : now + RETRY_MS;
  }

  /** Counts `n` dropped entries; says so at most every NOTICE_MS. Returns 0 (no seqnum). */
  private drop(n: number): number {
    this.dropped += n;
    const o = this.outage;
    if (o === undefined) return 0;
    o.dropped += n;
    if (Date.now() - this.noticeAt >= NOTICE_MS) {
      this.notice(o.said
        ? `journal: ${o.dropped} entries dropped so far, ${this.dir} still cannot be written: ${o.reason}`
        : `journal: cannot write to ${this.dir}: ${o.reason}; dropping entries until it can`);
      o.said = true;
    }
    return 0;
  }

  private notice(text: string): void {
    this.noticeAt = Date.now();
    this.opts.notice?.(text);
  }

  /** MaxFileSec=: journald rotates a file whose first entry is older than this before writing to it. */
  private rotateIfOld(realtime: number): void {
    if (this.limits.maxFileUsec > 0 && this.headRealtime > 0 && realtime - this.headRealtime >= this.limits.maxFileUsec) this.rotate();
  }

  private appended(realtime: number): void {
    if (this.headRealtime === 0) this.headRealtime = realtime;
    if (this.writer?.dueForRotation(this.limits.maxFileSize)) this.rotate();
  }

  /**
   * The active file leaves: an empty one is deleted, a broken one renamed `.journal~`, else it is
   * archived under journald's name. Its disk waits happen on the threadpool; shutdown finishes what is left.
   */
  private setAside(): void {
    const w = this.writer;
    if (w === undefined) return;
    this.writer = undefined;
    this.nextSeqnum = w.nextSequenceNumber;
    this.headRealtime = 0;
    const st = w.stats();
    const broken = w.broken;
    const closing = { finish: (): void => undefined };
    this.closing.add(closing);
    try {
      closing.finish = w.closeInBackground(FileState.Archived, () => this.closing.delete(closing)).finish;
    } catch {
      // The disk failed while closing: the file keeps state ONLINE, readers take it as a dirty file.
      this.closing.delete(closing);
    }
    try {
      if (st.entries === 0) unlinkSync(w.path);
      else if (broken) renameSync(w.path, join(this.dir, dirtyName('system', realtimeUsec())));
      else renameSync(w.path, join(this.dir, archivedName('system', w.seqnumId, st.headSeqnum, st.headRealtime)));
    } catch {
      // Left as system.journal: the next start-up sets it aside.
    }
  }

  /** Archives the active file under journald's name and starts a new one; then vacuums. */
  rotate(): void {
    this.setAside();
    this.rotations++;
    this.vacuum();
    this.startWriter();
  }

  /**
   * Deletes the oldest rotated files while over SystemMaxUse= (lowered so that SystemKeepFree= is
   * left free, but not below journald's minimum use) or SystemMaxFiles=, and those whose first
   * entry is older than MaxRetentionSec= (journald's vacuum judges a file by the head time in its
   * name). The active file is never deleted.
   */
  vacuum(now: number = realtimeUsec()): string[] {
    const removed: string[] = [];
    const files = rotatedFiles(this.dir);
    let total = files.reduce((s, f) => s + f.size, 0) + (this.writer?.size ?? 0);
    let count = files.length;
    const limit = this.useLimit(total);
    const retention = this.limits.maxRetentionUsec > 0 ? now - this.limits.maxRetentionUsec : -Infinity;
    for (const f of files) {
      if (total <= limit && count <= this.limits.maxFiles && f.realtime >= retention) break;
      try {
        unlinkSync(join(this.dir, f.name));
        removed.push(f.name);
      } catch {
        continue;
      }
      total -= f.size;
      count--;
    }
    return removed;
  }

  /** MaxUse=, or less when the file system's free space is below KeepFree= (never below the minimum use). */
  private useLimit(used: number): number {
    if (this.limits.keepFree <= 0) return this.limits.maxUse;
    let free: number;
    try {
      const s = statfsSync(this.dir);
      free = s.bavail * s.bsize;
    } catch {
      return this.limits.maxUse;
    }
    return Math.min(this.limits.maxUse, Math.max(this.limits.minUse, used + free - this.limits.keepFree));
  }

  /**
   * Tells readers about everything appended so far. A file that could not take a store (cut under
   * us: the addon absorbed a SIGBUS) is given up for a new one.
   */
  sync(): void {
    const w = this.writer;
    if (w === undefined) return;
    if (w.broken) {
      this.rotate();
      return;
    }
    try {
      w.sync();
    } catch (e) {
      this.failed(e);
    }
  }

  close(): void {
    for (const c of this.closing) c.finish();
    this.closing.clear();
    this.writer?.close(FileState.Offline);
    this.writer = undefined;
  }

  /** Whether entries are being dropped now (the disk is full, or the journal cannot be written). */
  get dropping(): boolean {
    return this.outage !== undefined;
  }

  /** The file being written; undefined while none can be created. */
  get activeWriter(): JournalFileWriter | undefined {
    return this.writer;
  }
}

export { compareEntries, journalFiles, readDirectory, tailDirectory, type DirectoryReadOptions } from './directory-reader.js';
