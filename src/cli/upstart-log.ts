/**
 * svcd-upstart-log: the follower behind upstart's `console log` files (src/unit/upstart-log.ts says
 * why it follows the journal rather than wrapping the jobs' commands). Every few hundred ms it
 * reads what the followed jobs wrote to their stdout/stderr since the last entry it copied, and
 * appends each line to the job's file as upstart's log.c opens it: created on the first output,
 * mode 0640 (upstart's mode 0740 under its umask 0117), owned by root, O_APPEND and O_NOFOLLOW, and
 * opened again once unlinked (logrotate's way with these files). Where it stopped is kept in a
 * state file, so a restart of svcd or of this service neither repeats nor loses a line.
 *
 * Usage: svcd-upstart-log --log-dir DIR --state FILE JOB... (a template job as `JOB@`).
 */
import { closeSync, constants, fstatSync, mkdirSync, openSync, readFileSync, renameSync, writeFileSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { call, controlSocketPath } from '../control/protocol.js';
import { journalFiles } from '../journal/directory-reader.js';
import { fieldText, JournalFileReader, type JournalEntry } from '../journal/file-reader.js';
import { FileState } from '../journal/format.js';
import { upstartLogName } from '../unit/upstart-log.js';

/** Upstart's LOG_DEFAULT_MODE and LOG_DEFAULT_UMASK (init/log.h): files come out 0640. */
const LOG_MODE = 0o740;
const LOG_UMASK = 0o117;
/** Upstart's flags but O_NONBLOCK (a regular file); libuv adds O_CLOEXEC to every open. */
const OPEN_FLAGS = constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW;
const POLL_MS = 250;

/** The last entry copied: later ones of its seqnum lineage are new, of another lineage those written after it. */
interface Cursor {
  readonly seqnumId: string;
  readonly seqnum: number;
  readonly realtime: number;
}

function readCursor(path: string): Cursor | undefined {
  try {
    const c = JSON.parse(readFileSync(path, 'utf8')) as Partial<Cursor>;
    return typeof c.seqnumId === 'string' && typeof c.seqnum === 'number' && typeof c.realtime === 'number' ? (c as Cursor) : undefined;
  } catch {
    return undefined;
  }
}

function writeCursor(path: string, c: Cursor): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o755 });
  writeFileSync(`${path}.new`, JSON.stringify(c));
  renameSync(`${path}.new`, path);
}

const isNew = (e: JournalEntry, c: Cursor | undefined): boolean =>
  !c || (e.seqnumId === c.seqnumId ? e.seqnum > c.seqnum : e.realtime > c.realtime);

/** The log files, open while they stay linked. */
class LogFiles {
  private readonly open = new Map<string, number>();
  constructor(private readonly dir: string) {}

  append(name: string, data: Buffer): void {
    const path = join(this.dir, name);
    let fd = this.open.get(path);
    // Unlinked (rotated away): upstart closes it and creates the file again.
    if (fd !== undefined && fstatSync(fd).nlink === 0) {
      closeSync(fd);
      fd = undefined;
    }
    if (fd === undefined) {
      mkdirSync(this.dir, { recursive: true, mode: 0o755 });
      fd = openSync(path, OPEN_FLAGS, LOG_MODE);
      this.open.set(path, fd);
    }
    writeSync(fd, data);
  }
}

async function journalDir(env: Readonly<Record<string, string | undefined>>): Promise<string | undefined> {
  try {
    const r = await call(controlSocketPath(undefined, env), 'manager-status', {});
    return r.ok ? r.result.journalDir : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The jobs' output entries after the cursor, file by file in the order they were written. A closed
 * file of another seqnum lineage whose last entry is not newer than the cursor is not read at all:
 * a persistent journal's old files would otherwise be walked again every turn.
 */
function* outputAfter(dir: string, cursor: Cursor | undefined): Generator<JournalEntry> {
  const readers: JournalFileReader[] = [];
  try {
    for (const f of journalFiles(dir)) {
      try {
        readers.push(JournalFileReader.open(f));
      } catch {
        // being rotated or not a journal file: the next turn sees what it became
      }
    }
    const wanted = readers
      .filter((r) => !cursor || r.header.seqnumId === cursor.seqnumId || r.header.state === FileState.Online || r.header.tailEntryRealtime > cursor.realtime)
      .sort((a, b) => a.header.headEntryRealtime - b.header.headEntryRealtime);
    const after = cursor && { seqnumId: cursor.seqnumId, seqnum: cursor.seqnum };
    for (const r of wanted) yield* r.entries({ matches: [{ name: '_TRANSPORT', value: 'stdout' }], after });
  } finally {
    for (const r of readers) r.close();
  }
}

/** Copies what is new; returns the cursor after it. */
function copyNew(dir: string, jobs: ReadonlySet<string>, files: LogFiles, cursor: Cursor | undefined, log: (s: string) => void): Cursor | undefined {
  const batches = new Map<string, Buffer[]>();
  let last = cursor;
  for (const e of outputAfter(dir, cursor)) {
    if (!isNew(e, cursor)) continue;
    last = { seqnumId: e.seqnumId, seqnum: e.seqnum, realtime: e.realtime };
    const unit = e.fields.find((f) => f.name === '_SYSTEMD_UNIT');
    const name = unit && upstartLogName(fieldText(unit) ?? '', jobs);
    const message = e.fields.find((f) => f.name === 'MESSAGE')?.value;
    if (name === undefined || message === undefined) continue;
    let batch = batches.get(name);
    if (!batch) batches.set(name, (batch = []));
    batch.push(message, Buffer.from('\n'));
  }
  for (const [name, parts] of batches) {
    try {
      files.append(name, Buffer.concat(parts));
    } catch (err) {
      log(`cannot write ${name}: ${(err as Error).message}`);
    }
  }
  return last;
}

export async function upstartLogMain(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: { 'log-dir': { type: 'string' }, state: { type: 'string' } }, allowPositionals: true, strict: true });
  } catch (e) {
    process.stderr.write(`svcd-upstart-log: ${(e as Error).message}\n`);
    return 2;
  }
  const { 'log-dir': logDir, state } = parsed.values;
  if (!logDir || !state || parsed.positionals.length === 0) {
    process.stderr.write('usage: svcd-upstart-log --log-dir DIR --state FILE JOB...\n');
    return 2;
  }
  process.umask(LOG_UMASK);
  const jobs = new Set(parsed.positionals);
  const files = new LogFiles(logDir);
  const log = (s: string) => process.stderr.write(`svcd-upstart-log: ${s}\n`);
  let cursor = readCursor(state);
  let dir: string | undefined;
  const tick = async (): Promise<void> => {
    dir ??= await journalDir(env);
    if (!dir) return;
    try {
      const next = copyNew(dir, jobs, files, cursor, log);
      if (next && next !== cursor) writeCursor(state, (cursor = next));
    } catch (err) {
      // A file rotated under the walk: the next turn reads the new one.
      log(`reading the journal: ${(err as Error).message}`);
    }
  };
  return new Promise<number>((resolve) => {
    let timer: NodeJS.Timeout | undefined;
    let stopping = false;
    const loop = async () => {
      await tick();
      if (!stopping) timer = setTimeout(() => void loop(), POLL_MS);
    };
    // Stopped after the jobs (they are ordered after this service): one last turn copies their last lines.
    const stop = () => {
      stopping = true;
      clearTimeout(timer);
      void tick().then(() => resolve(0));
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
    void loop();
  });
}
