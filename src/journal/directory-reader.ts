// Reading a journal directory as journalctl -D reads it: every file of the directory (and of its
// machine-id subdirectories), merged in sd-journal's order. Kept apart from directory.ts (which
// writes, rotates and vacuums) so a reader loads none of the writer's modules.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

import { FileState, type Id128 } from './format.js';
import { type FieldMatch, type JournalEntry, JournalFileReader } from './file-reader.js';

export interface DirectoryReadOptions {
  matches?: readonly FieldMatch[];
  reverse?: boolean;
  /** Realtime bounds in microseconds (inclusive). */
  since?: number;
  until?: number;
  /** Only entries of this boot (journalctl -b). */
  bootId?: Id128;
  /** Forward walks start past this entry in the files of its seqnum lineage (-f resuming). */
  after?: { seqnumId: string; seqnum: number };
}

/** journalctl's order between entries of different files (sd-journal's compare_entries). */
export function compareEntries(a: JournalEntry, b: JournalEntry): number {
  if (a.seqnumId === b.seqnumId && a.seqnum !== b.seqnum) return a.seqnum - b.seqnum;
  if (a.bootId === b.bootId && a.monotonic !== b.monotonic) return a.monotonic - b.monotonic;
  if (a.realtime !== b.realtime) return a.realtime - b.realtime;
  return a.xorHash < b.xorHash ? -1 : a.xorHash > b.xorHash ? 1 : 0;
}

/** Journal files of a directory (and of its machine-id subdirectories, as journalctl -D reads). */
export function journalFiles(dir: string): string[] {
  const out: string[] = [];
  // journalctl --file FILE: a file stands for itself.
  if ((dir.endsWith('.journal') || dir.endsWith('.journal~')) && existsSync(dir) && statSync(dir).isFile()) return [dir];
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of names.sort()) {
    const p = join(dir, name);
    if (name.endsWith('.journal') || name.endsWith('.journal~')) out.push(p);
    else if (/^[0-9a-f]{32}$/.test(name)) {
      try {
        if (statSync(p).isDirectory()) out.push(...journalFiles(p));
      } catch {
        // vanished meanwhile
      }
    }
  }
  return out;
}

/**
 * Entries of every file in `dir`, merged in journalctl's order. Unreadable files are skipped
 * (journalctl warns and goes on too); their paths land in `skipped`.
 */
export function* readDirectory(dir: string, opts: DirectoryReadOptions = {}, skipped: string[] = []): Generator<JournalEntry> {
  const readers: JournalFileReader[] = [];
  for (const f of journalFiles(dir)) {
    try {
      readers.push(JournalFileReader.open(f));
    } catch {
      skipped.push(f);
    }
  }
  const sign = opts.reverse ? -1 : 1;
  const keep = (e: JournalEntry): boolean =>
    (opts.since === undefined || e.realtime >= opts.since) &&
    (opts.until === undefined || e.realtime <= opts.until) &&
    (opts.bootId === undefined || e.bootId === opts.bootId);
  try {
    const heads: { it: Generator<JournalEntry>; cur: JournalEntry }[] = [];
    const start = (r: JournalFileReader): void => {
      try {
        const it = r.entries({ matches: opts.matches, reverse: opts.reverse, after: opts.after });
        const first = it.next();
        if (!first.done) heads.push({ it, cur: first.value });
      } catch {
        skipped.push(r.path);
      }
    };
    // A closed file is read only once the merge reaches the first entry its header promises
    // (its head, or its tail walking backwards): `-n 50` reads the newest files, not all of
    // them. The promise is exact by sequence number, so only within one seqnum lineage (svcd
    // continues one across its files); a file being written is read at once, its header's tail
    // may lag its entries.
    const oneLineage = readers.every((r) => r.header.seqnumId === readers[0]!.header.seqnumId);
    const waiting: { r: JournalFileReader; bound: JournalEntry }[] = [];
    for (const r of readers) {
      if (r.header.nEntries === 0 && r.header.state !== FileState.Online) continue;
      if (r.header.state === FileState.Online || !oneLineage) start(r);
      else waiting.push({ r, bound: headerBound(r, opts.reverse ?? false) });
    }
    waiting.sort((a, b) => sign * compareEntries(a.bound, b.bound));
    for (;;) {
      let best = 0;
      for (let i = 1; i < heads.length; i++) {
        if (sign * compareEntries(heads[i].cur, heads[best].cur) < 0) best = i;
      }
      if (waiting.length > 0 && (heads.length === 0 || sign * compareEntries(waiting[0]!.bound, heads[best]!.cur) <= 0)) {
        start(waiting.shift()!.r);
        continue;
      }
      if (heads.length === 0) break;
      const h = heads[best];
      const e = h.cur;
      let next: IteratorResult<JournalEntry>;
      try {
        next = h.it.next();
      } catch {
        next = { done: true, value: undefined };
      }
      if (next.done) heads.splice(best, 1);
      else h.cur = next.value;
      if (keep(e)) yield e;
    }
  } finally {
    for (const r of readers) r.close();
  }
}

/** The first entry a closed file can give in the walk's direction, as its header tells it. */
function headerBound(r: JournalFileReader, reverse: boolean): JournalEntry {
  const h = r.header;
  return {
    offset: 0, seqnumId: h.seqnumId, seqnum: reverse ? h.tailEntrySeqnum : h.headEntrySeqnum,
    realtime: reverse ? h.tailEntryRealtime : h.headEntryRealtime, monotonic: 0, bootId: '', xorHash: '', fields: [],
  };
}

/** The last `n` entries of a directory (journalctl -D DIR -n N), oldest first unless reverse. */
export function tailDirectory(dir: string, n: number, opts: DirectoryReadOptions = {}): JournalEntry[] {
  const out: JournalEntry[] = [];
  if (n <= 0) return out;
  for (const e of readDirectory(dir, { ...opts, reverse: true })) {
    out.push(e);
    if (out.length >= n) break;
  }
  return opts.reverse ? out : out.reverse();
}
