/**
 * Capture of one process's stdout/stderr, as journald's stdout transport does it: svcd makes a
 * pipe, the child gets the write end, svcd reads the other through libuv (a net.Socket over the
 * fd: never a blocking read on the threadpool) and cuts the bytes into lines.
 *
 * States of a stream: open (reading) → paused (the sink or console asked for it; the pipe fills
 * and the writer blocks in write(2)) → open … → ended (EOF: the last unterminated line is kept).
 * Invariants: lines leave in the order their bytes arrived; a line is cut at "\n" or after
 * LineMax= bytes (journald's 48 KiB default), bytes are kept as they are (no UTF-8 repair); with
 * SyslogLevelPrefix=yes a leading "<N>" (0..7) is the PRIORITY= and is removed. NUL also ends a
 * line; a line not ended by "\n" carries _LINE_BREAK=nul|line-max|eof, as in journald 252.
 *
 * The fields every entry of the stream carries are fixed per stream and prepared once
 * (JournalData: hashed once, resolved to their data object once per file), as journald 252
 * writes them for a service's stdout (checked with `journalctl -o verbose` on a journald running
 * under systemd 252): SYSLOG_FACILITY=3, SYSLOG_IDENTIFIER, _TRANSPORT=stdout, _STREAM_ID,
 * _PID, _UID, _GID, _COMM, _EXE, _CMDLINE (shell-quoted), _CAP_EFFECTIVE, _SYSTEMD_CGROUP,
 * _SYSTEMD_UNIT, _SYSTEMD_SLICE, _SYSTEMD_INVOCATION_ID, _RUNTIME_SCOPE=system. The /proc ones are
 * read at the first line (a process that exited before writing anything has none; journald alike).
 */
import { readFileSync, readlinkSync } from 'node:fs';
import { Socket } from 'node:net';
import { JournalData, type JournalItemSet } from './file-writer.js';
import { randomId128 } from './format.js';
import type { UnitRateLimit } from './rate-limit.js';
import { quoteCommandLine, shellMaybeQuote } from '../shared/shell-quote.js';
import { sliceOfCgroupPath, unitCgroupPath } from '../shared/slice.js';

/** Who writes into a stream: the fields journald takes from the peer and the unit. */
export interface StreamMeta {
  /** '' when the writer belongs to no unit svcd knows (a client of the stdout socket). */
  readonly unit: string;
  readonly invocationId: string;
  /** The unit's cgroup where units have cgroups of their own; else /system.slice/UNIT is written. */
  readonly cgroup?: string;
  /** '' for none (no SYSLOG_IDENTIFIER=). */
  readonly identifier: string;
  /** SyslogLevelPrefix=: a leading "<N>" sets the line's priority. */
  readonly levelPrefix: boolean;
  /** The stdout socket's header asked for its lines to reach syslog too (journald's forward_to_syslog). */
  readonly forwardToSyslog?: boolean;
  /** Facility and level of lines without a prefix; default daemon.info (systemd's SyslogFacility=/SyslogLevel=). */
  readonly priority?: number;
  /** The writer's uid/gid from the kernel (SO_PEERCRED): kept even when /proc no longer has it. */
  readonly cred?: { readonly uid: number; readonly gid: number };
  /** Per-unit LogRateLimitIntervalSec=/LogRateLimitBurst=; undefined: the journal's. */
  readonly rateLimit?: UnitRateLimit;
}

/** LOG_DAEMON|LOG_INFO: what systemd hands journald for a service's stdout unless SyslogFacility=/SyslogLevel= say otherwise. */
export const DEFAULT_STREAM_PRIORITY = (3 << 3) | 6;

/** Where a stream's lines go. */
export interface LineSink {
  /** lineBreak: journald's _LINE_BREAK= item when the line did not end with "\n". */
  line(stream: CaptureStream, message: Buffer, priority: number, lineBreak?: JournalData): void;
  /**
   * Plain lines (newline-ended, no NUL, shorter than LineMax=, any "<N>" prefix already taken off)
   * of one chunk, all at `priority`: the messages are chunk[bounds[2i], bounds[2i+1]), i < count.
   * Same as line() for each; a sink without it gets line() calls.
   */
  lines?(stream: CaptureStream, chunk: Buffer, bounds: Int32Array, count: number, priority: number): void;
  closed(stream: CaptureStream): void;
}

export const LINE_MAX = 48 * 1024;
/** What one read of a pipe may bring (a pipe holds 64 KiB by default). */
const READ_BUFFER = 64 * 1024;
let sharedReadBuffer: Buffer | undefined;
/** The one buffer every pipe is read into (see the constructor), made at the first pipe. */
function pipeReadBuffer(): Buffer {
  return (sharedReadBuffer ??= Buffer.allocUnsafe(READ_BUFFER));
}

/** Line bounds of one batch (start, end pairs), shared: a batch is handed on before the next one starts. */
const BOUNDS_LINES = 8192;
const BOUNDS = new Int32Array(2 * BOUNDS_LINES);

/** How a line ended; all but "newline" are recorded as journald 252 records them. */
type LineBreak = 'newline' | 'nul' | 'line-max' | 'eof';
const LINE_BREAK = {
  nul: new JournalData('_LINE_BREAK', 'nul'),
  'line-max': new JournalData('_LINE_BREAK', 'line-max'),
  eof: new JournalData('_LINE_BREAK', 'eof'),
} as const;

/** The peer's identity as journald reads it from /proc once the process runs (each part on its own: a zombie has no exe or cmdline). */
export function processFields(pid: number, argv?: readonly string[]): [string, string][] {
  const out: [string, string][] = [['_PID', String(pid)]];
  const read = (what: string, f: () => string | undefined) => {
    try {
      const v = f();
      if (v) out.push([what, v]);
    } catch {
      // gone already, or not ours to read
    }
  };
  let status = '';
  read('_UID', () => {
    status = readFileSync(`/proc/${pid}/status`, 'latin1');
    return /^Uid:\s+(\d+)/m.exec(status)?.[1];
  });
  read('_GID', () => /^Gid:\s+(\d+)/m.exec(status)?.[1]);
  read('_COMM', () => readFileSync(`/proc/${pid}/comm`, 'latin1').trim());
  read('_EXE', () => readlinkSync(`/proc/${pid}/exe`));
  read('_CMDLINE', () => {
    const line = argv ? argv.map(shellMaybeQuote).join(' ') : quoteCommandLine(readFileSync(`/proc/${pid}/cmdline`, 'utf8'));
    return line || undefined;
  });
  read('_CAP_EFFECTIVE', () => {
    const cap = /^CapEff:\s+([0-9a-f]+)/m.exec(status)?.[1];
    return cap ? BigInt(`0x${cap}`).toString(16) : undefined;
  });
  return out;
}

/**
 * The fields journald derives from a process's cgroup: the unit, the slice the path is in, the path.
 * The cgroup is the unit's own where it has one (under svcd's cgroup), else where systemd would put
 * it (the caller's, in the unit's slice; system.slice when it knows none).
 */
export function unitFields(unit: string, invocationId: string, cgroup?: string): [string, string][] {
  if (!unit) return [];
  const path = cgroup ?? unitCgroupPath(unit);
  const out: [string, string][] = [['_SYSTEMD_UNIT', unit], ['_SYSTEMD_SLICE', sliceOfCgroupPath(path)], ['_SYSTEMD_CGROUP', path]];
  if (invocationId) out.push(['_SYSTEMD_INVOCATION_ID', invocationId]);
  return out;
}

/** _UID=/_GID= as the kernel gave them (SCM_CREDENTIALS, SO_PEERCRED) over /proc's, in journald's order. */
export function withCredentials(fields: [string, string][], cred?: { uid: number; gid: number }): [string, string][] {
  if (!cred) return fields;
  const byName = new Map(fields);
  if (cred.uid >= 0) byName.set('_UID', String(cred.uid));
  if (cred.gid >= 0) byName.set('_GID', String(cred.gid));
  const order = ['_PID', '_UID', '_GID', '_COMM', '_EXE', '_CMDLINE', '_CAP_EFFECTIVE'];
  return order.filter((k) => byName.has(k)).map((k) => [k, byName.get(k)!]);
}

export class CaptureStream {
  private pending: Buffer[] = [];
  private pendingLength = 0;
  pid = 0;
  /**
   * The per-stream fields, prepared at the first line (most services at boot never write: nine
   * prepared fields each, a couple of KiB, for nothing) and again when the pid is known.
   */
  fixed: JournalData[] = [];
  /** The sink's prepared sets built on `fixed`, by priority (emptied when `fixed` changes). */
  itemSets: (JournalItemSet | undefined)[] = [];
  readonly socket: Socket;
  /** The read end's descriptor (-1 if unknown): what daemon-reexec keeps open for the next svcd. */
  readonly fd: number;
  private readonly streamId = randomId128();
  /** `fixed` is to be prepared (again) before the next line. */
  private stale = true;

  constructor(
    private readonly sink: LineSink,
    readonly meta: StreamMeta,
    /** The read end: a pipe's fd (kept across daemon-reexec by its number), or a stdout-socket connection. */
    source: number | Socket,
    private readonly lineMax = LINE_MAX,
  ) {
    if (typeof source === 'number') {
      // A pipe is read into one buffer, reused for every read (Node's `onread`): lines are written
      // out before the callback returns, and only an unfinished last line is copied out of it; a
      // fresh 64 KiB buffer per read made the garbage collector a fifth of a burst's cost. The
      // buffer is every pipe's: reads run one at a time on this thread and each is done with it
      // when its callback returns, so a buffer per pipe only cost memory (a resident page or two
      // of each, some 5 MiB with 1,000 services).
      this.socket = new Socket({
        fd: source, readable: true, writable: false,
        onread: { buffer: pipeReadBuffer(), callback: (n: number, buf: Buffer) => this.push(buf.subarray(0, n), true) },
      } as ConstructorParameters<typeof Socket>[0]);
    } else {
      this.socket = source;
      this.socket.on('data', (chunk: Buffer) => this.push(chunk));
    }
    this.fd = typeof source === 'number' ? source : ((source as unknown as { _handle?: { fd?: number } })._handle?.fd ?? -1);
    this.socket.on('end', () => this.flush());
    this.socket.on('close', () => sink.closed(this));
    this.socket.on('error', () => this.socket.destroy());
  }

  /**
   * The child is running. Its /proc fields are read when it first writes, as journald reads them
   * when a line arrives (most processes at boot never write: their spawn stays cheap).
   */
  started(pid: number): void {
    this.pid = pid;
    this.stale = true;
  }

  private prepare(): JournalData[] {
    const m = this.meta;
    const items: [string, string][] = [];
    const facility = (m.priority ?? DEFAULT_STREAM_PRIORITY) >> 3;
    if (facility !== 0) items.push(['SYSLOG_FACILITY', String(facility)]);
    if (m.identifier) items.push(['SYSLOG_IDENTIFIER', m.identifier]);
    items.push(['_TRANSPORT', 'stdout'], ['_STREAM_ID', this.streamId]);
    items.push(...unitFields(m.unit, m.invocationId, m.cgroup), ['_RUNTIME_SCOPE', 'system']);
    if (this.pid > 0) items.push(...withCredentials(processFields(this.pid), m.cred));
    return items.map(([k, v]) => new JournalData(k, v));
  }

  /** Bytes that arrived before the stream was set up (after the stdout socket's header). */
  feed(chunk: Buffer): void {
    if (chunk.length > 0) this.push(chunk);
  }

  /** `reused`: the chunk's memory is read into again after this call: keep nothing of it. */
  private push(chunk: Buffer, reused = false): void {
    let start = 0;
    // journald ends a line at "\n" and at NUL (the latter noted as _LINE_BREAK=nul).
    let nul = chunk.indexOf(0);
    const batches = this.sink.lines !== undefined;
    for (;;) {
      if (nul >= 0 && nul < start) nul = chunk.indexOf(0, start);
      // Runs of plain lines go in batches; the loop below takes one line that is not plain (it
      // completes a partial line, holds a NUL, or is too long) and comes back here.
      if (batches && this.pendingLength === 0) {
        start = this.pushPlain(chunk, start, nul < 0 ? chunk.length : nul);
        if (start === chunk.length) return;
      }
      let end = chunk.indexOf(10, start);
      let kind: LineBreak = 'newline';
      if (nul >= 0 && (end < 0 || nul < end)) {
        end = nul;
        kind = 'nul';
      }
      if (end < 0) break;
      if (this.pendingLength > 0) {
        this.pending.push(chunk.subarray(start, end));
        this.cut(Buffer.concat(this.pending), kind);
        this.pending = [];
        this.pendingLength = 0;
      } else {
        this.cut(chunk.subarray(start, end), kind);
      }
      start = end + 1;
    }
    if (start < chunk.length) {
      const rest = reused ? Buffer.from(chunk.subarray(start)) : chunk.subarray(start);
      this.pending.push(rest);
      this.pendingLength += rest.length;
      // A line that never ends is cut at LineMax=, as journald does.
      if (this.pendingLength >= this.lineMax) {
        const all = Buffer.concat(this.pending);
        let at = 0;
        for (; all.length - at >= this.lineMax; at += this.lineMax) this.emit(all.subarray(at, at + this.lineMax), 'line-max');
        const left = all.subarray(at);
        this.pending = left.length > 0 ? [left] : [];
        this.pendingLength = left.length;
      }
    }
  }

  /**
   * The run of plain lines from `start` (the common case: newline-ended, no NUL before
   * `plainEnd`, shorter than LineMax=) goes to the sink in batches of one priority; returns where
   * that run ends, for the line-by-line path to take what follows (a NUL, a long line, the
   * unfinished last line).
   */
  private pushPlain(chunk: Buffer, start: number, plainEnd: number): number {
    const fallback = (this.meta.priority ?? DEFAULT_STREAM_PRIORITY) & 7;
    const bounds = BOUNDS;
    let n = 0;
    let batchPriority = fallback;
    for (;;) {
      const end = chunk.indexOf(10, start);
      if (end < 0 || end > plainEnd || end - start >= this.lineMax) break;
      let priority = fallback;
      let from = start;
      if (this.meta.levelPrefix && end - start >= 3 && chunk[start] === 0x3c && chunk[start + 2] === 0x3e && chunk[start + 1]! >= 0x30 && chunk[start + 1]! <= 0x37) {
        priority = chunk[start + 1]! - 0x30;
        from = start + 3;
      }
      if (n > 0 && (priority !== batchPriority || n === BOUNDS_LINES)) {
        this.emitLines(chunk, n, batchPriority);
        n = 0;
      }
      batchPriority = priority;
      bounds[2 * n] = from;
      bounds[2 * n + 1] = end;
      n++;
      start = end + 1;
    }
    if (n > 0) this.emitLines(chunk, n, batchPriority);
    return start;
  }

  private emitLines(chunk: Buffer, n: number, priority: number): void {
    if (this.stale) {
      this.stale = false;
      this.fixed = this.prepare();
      this.itemSets = [];
    }
    this.sink.lines!(this, chunk, BOUNDS, n, priority);
  }

  /**
   * A line of LineMax= bytes or more is cut every LineMax= bytes: journald never holds more than
   * LineMax= bytes, so even a line of exactly LineMax= bytes is cut, and its newline ends an empty one.
   */
  private cut(line: Buffer, kind: LineBreak): void {
    if (line.length <= this.lineMax) return this.emit(line, kind);
    let at = 0;
    for (; line.length - at >= this.lineMax; at += this.lineMax) this.emit(line.subarray(at, at + this.lineMax), 'line-max');
    this.emit(line.subarray(at), kind);
  }

  /** daemon-reexec: stop reading here and write out a partial line as it stands. */
  detach(): void {
    this.socket.pause();
    this.flush();
  }

  private flush(): void {
    if (this.pendingLength > 0) this.cut(Buffer.concat(this.pending), 'eof');
    this.pending = [];
    this.pendingLength = 0;
  }

  private emit(line: Buffer, kind: LineBreak): void {
    if (this.stale) {
      this.stale = false;
      this.fixed = this.prepare();
      this.itemSets = [];
    }
    let priority = (this.meta.priority ?? DEFAULT_STREAM_PRIORITY) & 7;
    let message = line;
    if (this.meta.levelPrefix && line.length >= 3 && line[0] === 0x3c && line[2] === 0x3e && line[1]! >= 0x30 && line[1]! <= 0x37) {
      priority = line[1]! - 0x30;
      message = line.subarray(3);
    }
    this.sink.line(this, message, priority, kind === 'newline' ? undefined : LINE_BREAK[kind]);
  }
}
