// The journal directory as journald lays it out, so plain `journalctl` (and `journalctl -D DIR`)
// finds svcd's logs: DIR/system.journal is the file being written; rotated files are renamed
// system@SEQNUM_ID-HEAD_SEQNUM-HEAD_REALTIME.journal (32 + 16 + 16 hex digits) and files found
// dirty at start-up system@REALTIME-RANDOM.journal~. Rotation by size and by hash-table fill;
// the oldest rotated files are deleted while the directory holds more than its cap.
// Reading merges every file of the directory in journalctl's order.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, renameSync, statSync, statfsSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';

import type { JournalSettings, Storage } from '../config/system-conf.js';
import { FileState, realtimeUsec, type Id128 } from './format.js';
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

export interface JournalLimits {
  /** SystemMaxFileSize=: rotate the active file past this size. */
  maxFileSize: number;
  /** SystemMaxUse=: delete the oldest rotated files while the directory holds more. */
  maxUse: number;
  /** SystemMaxFiles=: at most this many rotated files are kept. */
  maxFiles: number;
  /** MaxFileSec= (µs): rotate the active file once its first entry is this old; 0 = never. */
  maxFileUsec: number;
  /** MaxRetentionSec= (µs): delete rotated files whose first entry is older; 0 = never. */
  maxRetentionUsec: number;
}

/**
 * journald.conf's size settings with journald's defaults for unset ones: MaxUse 10% of the file
 * system (capped at 4 GiB), MaxFileSize 1/8 of MaxUse (capped at 128 MiB).
 */
export function journalLimits(settings: JournalSettings, dir: string, persistent: boolean): JournalLimits {
  const use = persistent ? settings.systemMaxUse : settings.runtimeMaxUse;
  const file = persistent ? settings.systemMaxFileSize : settings.runtimeMaxFileSize;
  const files = persistent ? settings.systemMaxFiles : settings.runtimeMaxFiles;
  let maxUse: number;
  if (use !== null) {
    maxUse = Number(use);
  } else {
    let fsBytes = 40 * 1024 * MIB;
    try {
      const s = statfsSync(existsSync(dir) ? dir : '/');
      fsBytes = s.blocks * s.bsize;
    } catch {
      // keep the guess
    }
    maxUse = Math.min(fsBytes / 10, 4096 * MIB);
  }
  const maxFileSize = file !== null ? Number(file) : Math.min(maxUse / 8, 128 * MIB);
  return {
    maxUse,
    maxFileSize: Math.max(maxFileSize, 64 * 1024),
    maxFiles: files,
    maxFileUsec: Number(settings.maxFileUSec >= 2n ** 63n ? 0n : settings.maxFileUSec),
    maxRetentionUsec: Number(settings.maxRetentionUSec >= 2n ** 63n ? 0n : settings.maxRetentionUSec),
  };
}

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
}

/**
 * Writes a journal directory: one active file, rotated by size / hash-table fill, old files
 * vacuumed to stay under the caps. Sequence numbers continue across rotations and restarts
 * (same seqnum_id), as journald's do.
 */
export class JournalDirectory {
  readonly dir: string;
  readonly limits: JournalLimits;
  private writer: JournalFileWriter;
  private readonly opts: JournalDirectoryOptions;
  private seqnumId: Id128 | undefined;
  /** The active file's first entry's realtime (0: none yet), for MaxFileSec=. */
  private headRealtime = 0;
  rotations = 0;
  /** Rotated files still being closed in the background. */
  private readonly closing = new Set<{ finish(): void }>();

  private constructor(opts: JournalDirectoryOptions) {
    this.opts = opts;
    this.dir = opts.dir;
    this.limits = {
      // A file cannot pass 4 GiB (file-writer.ts): a larger SystemMaxFileSize= is capped, as journald caps compact files.
      maxFileSize: Math.min(opts.limits?.maxFileSize ?? 128 * MIB, FILE_SIZE_MAX),
      maxUse: opts.limits?.maxUse ?? 4096 * MIB,
      maxFiles: opts.limits?.maxFiles ?? 100,
      maxFileUsec: opts.limits?.maxFileUsec ?? 0,
      maxRetentionUsec: opts.limits?.maxRetentionUsec ?? 0,
    };
    mkdirSync(this.dir, { recursive: true, mode: 0o2755 });
    const next = this.setAsideExisting();
    this.writer = this.newWriter(next);
    this.vacuum();
  }

  static open(opts: JournalDirectoryOptions): JournalDirectory {
    return new JournalDirectory(opts);
  }

  /**
   * A system.journal left by an earlier run: keep counting its seqnums in the same lineage, and
   * move it out of the way under the name journald would give it (archived if it was closed,
   * `.journal~` if its writer died). Appending to it instead would need its whole hash table
   * read back into memory.
   */
  private setAsideExisting(): number {
    const path = join(this.dir, ACTIVE_FILE);
    if (!existsSync(path)) return 1;
    let next = 1;
    try {
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

  private newWriter(firstSeqnum: number): JournalFileWriter {
    const w = JournalFileWriter.create(join(this.dir, ACTIVE_FILE), {
      machineId: this.opts.machineId,
      bootId: this.opts.bootId,
      seqnumId: this.seqnumId,
      firstSeqnum,
      maxFileSize: this.limits.maxFileSize,
      ...this.opts.writer,
    });
    this.seqnumId = w.seqnumId;
    return w;
  }

  append(items: readonly JournalItem[], ts: EntryTimestamps): number {
    this.rotateIfOld(ts.realtime);
    const seq = this.writer.append(items, ts);
    this.appended(ts.realtime);
    return seq;
  }

  /** append([...set.items, [field, value]], ts), the fast way (JournalFileWriter.appendWith). */
  appendWith(set: JournalItemSet, field: JournalField, value: Buffer, ts: EntryTimestamps): number {
    this.rotateIfOld(ts.realtime);
    const seq = this.writer.appendWith(set, field, value, ts);
    this.appended(ts.realtime);
    return seq;
  }

  /**
   * Lines of one pipe read, each the entry `set` + `field=line` (JournalFileWriter.appendLines),
   * rotating between them as append() would.
   */
  appendLines(set: JournalItemSet, field: JournalField, chunk: Buffer, bounds: Int32Array, count: number): void {
    let i = 0;
    while (i < count) {
      const now = realtimeUsec();
      this.rotateIfOld(now);
      i += this.writer.appendLines(set, field, chunk, bounds, i, count, this.limits.maxFileSize);
      this.appended(now);
    }
  }

  /** MaxFileSec=: journald rotates a file whose first entry is older than this before writing to it. */
  private rotateIfOld(realtime: number): void {
    if (this.limits.maxFileUsec > 0 && this.headRealtime > 0 && realtime - this.headRealtime >= this.limits.maxFileUsec) this.rotate();
  }

  private appended(realtime: number): void {
    if (this.headRealtime === 0) this.headRealtime = realtime;
    if (this.writer.dueForRotation(this.limits.maxFileSize)) this.rotate();
  }

  /** Archives the active file under journald's name and starts a new one; then vacuums. */
  rotate(): void {
    const w = this.writer;
    const st = w.stats();
    const next = w.nextSequenceNumber;
    const broken = w.broken;
    // The disk waits of closing happen on the threadpool; shutdown finishes what is left.
    const closing = { finish: (): void => undefined };
    this.closing.add(closing);
    closing.finish = w.closeInBackground(FileState.Archived, () => this.closing.delete(closing)).finish;
    if (st.entries === 0) unlinkSync(w.path);
    else if (broken) renameSync(w.path, join(this.dir, dirtyName('system', realtimeUsec())));
    else renameSync(w.path, join(this.dir, archivedName('system', w.seqnumId, st.headSeqnum, st.headRealtime)));
    this.rotations++;
    this.headRealtime = 0;
    this.writer = this.newWriter(next);
    this.vacuum();
  }

  /**
   * Deletes the oldest rotated files while over SystemMaxUse= or SystemMaxFiles=, and those whose
   * first entry is older than MaxRetentionSec= (journald's vacuum judges a file by the head time
   * in its name).
   */
  vacuum(now: number = realtimeUsec()): string[] {
    const removed: string[] = [];
    const files = rotatedFiles(this.dir);
    let total = files.reduce((s, f) => s + f.size, 0) + this.writer.size;
    let count = files.length;
    const retention = this.limits.maxRetentionUsec > 0 ? now - this.limits.maxRetentionUsec : -Infinity;
    for (const f of files) {
      if (total <= this.limits.maxUse && count <= this.limits.maxFiles && f.realtime >= retention) break;
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

  /**
   * Tells readers about everything appended so far. A file that could not take a store (cut under
   * us: the addon absorbed a SIGBUS) is given up for a new one.
   */
  sync(): void {
    if (this.writer.broken) {
      this.rotate();
      return;
    }
    this.writer.sync();
  }

  close(): void {
    for (const c of this.closing) c.finish();
    this.closing.clear();
    this.writer.close(FileState.Offline);
  }

  get activeWriter(): JournalFileWriter {
    return this.writer;
  }
}

export { compareEntries, journalFiles, readDirectory, tailDirectory, type DirectoryReadOptions } from './directory-reader.js';
