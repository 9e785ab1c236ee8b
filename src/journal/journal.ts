/**
 * The journal as svcd runs it: every line services print (capture.ts: a pipe per process, read
 * by libuv), svcd's own messages, stored in journal files (directory.ts) and forwarded to svcd's
 * stdout for `docker logs` (ConsoleOutput= prefixed | raw | off).
 *
 * Back-pressure: lines are written to the file synchronously inside the read callback, so a
 * service that writes faster than the disk fills its pipe and waits; when the console falls
 * behind, the streams pause until it drains, so svcd's memory stays bounded either way.
 */
import { closeSync, statfsSync } from 'node:fs';
import type { Socket } from 'node:net';
import { hostname } from 'node:os';
import { keepAcrossExec, pipe } from '../exec/native.js';
import { CaptureStream, DEFAULT_STREAM_PRIORITY, LINE_MAX, processFields, type LineSink, type StreamMeta } from './capture.js';
import { JournalDirectory, type JournalLimits } from './directory.js';
import { MESSAGE_JOURNAL_DROPPED, monotonicUsec, realtimeUsec, type Id128 } from './format.js';
import { JournalData, JournalItemSet, internField, type JournalItem } from './file-writer.js';
import { JournalSockets, type ConsoleCopy, type IngestSink, type JournalSocketPaths, type MessageSource, type UnitOf } from './sockets.js';
import { SyslogForwarder, type Origin } from './syslog-forward.js';
import { effectiveLimit, RateLimiter, type RateLimit, type UnitRateLimit } from './rate-limit.js';

export type { StreamMeta } from './capture.js';
export type ConsoleOutput = 'prefixed' | 'raw' | 'off';

export interface JournalOptions {
  /** Where the files go; undefined: Storage=none (nothing stored, forwarding still works). */
  readonly dir?: string;
  readonly machineId: Id128;
  readonly bootId: Id128;
  readonly limits?: Partial<JournalLimits>;
  readonly consoleOutput: ConsoleOutput;
  /** Where forwarded lines go (svcd's stdout). */
  readonly console: NodeJS.WritableStream & { writableLength?: number; writableHighWaterMark?: number };
  readonly lineMax?: number;
  readonly level?: (text: string) => void;
  /** RateLimitIntervalSec=/RateLimitBurst= ([Journal]); svcd's default is off (0). */
  readonly rateLimit?: RateLimit;
  /**
   * ForwardToSyslog= and MaxLevelSyslog= ([Journal]): every message also to the syslog socket —
   * only while the journal serves journald's sockets (listen()), where that socket is journald's.
   */
  readonly forwardToSyslog?: boolean;
  readonly maxLevelSyslog?: number;
}

/** Minimum time between two syncs of the journal file during a burst (ms). */
const SYNC_MS = 10;


const PRIORITIES = Array.from({ length: 8 }, (_, i) => new JournalData('PRIORITY', String(i)));
const MESSAGE = internField('MESSAGE');

/** The fields of svcd's own entries that never change: who svcd is, as journald would see PID 1. */
function managerFields(): JournalData[] {
  const items: [string, string][] = [['SYSLOG_FACILITY', '3'], ['SYSLOG_IDENTIFIER', 'svcd'], ['_TRANSPORT', 'journal'], ['_RUNTIME_SCOPE', 'system']];
  // process.title rewrote /proc/self/cmdline: the command line is taken from Node's own argv.
  items.push(...processFields(process.pid, [process.execPath, ...process.execArgv, ...process.argv.slice(1)]).filter(([k]) => k !== '_COMM'), ['_COMM', 'svcd']);
  // systemd as PID 1 sits in init.scope; svcd in a container is in the same place.
  if (process.pid === 1) items.push(['_SYSTEMD_UNIT', 'init.scope'], ['_SYSTEMD_CGROUP', '/init.scope'], ['_SYSTEMD_SLICE', '-.slice']);
  return items.map(([k, v]) => new JournalData(k, v));
}
/** A capture stream passed from one svcd to the next across daemon-reexec. */
export interface StreamHandOver {
  readonly fd: number;
  readonly meta: StreamMeta;
  readonly pid: number;
}

export class Journal implements LineSink, IngestSink {
  private readonly store?: JournalDirectory;
  private readonly streams = new Set<CaptureStream>();
  private syncScheduled = false;
  private lastSync = 0;
  private paused = false;
  private readonly host: JournalData[];
  private managerItems?: JournalData[];
  private sockets?: JournalSockets;
  /** Set while the journal is journald (listen()): where ForwardToSyslog= sends. */
  private syslog?: SyslogForwarder;
  private readonly limiter: RateLimiter;
  private readonly rateLimit: RateLimit;
  private available = { at: 0, bytes: 0 };
  readonly dir?: string;

  constructor(private readonly opts: JournalOptions) {
    if (opts.dir) {
      this.store = JournalDirectory.open({
        dir: opts.dir, machineId: opts.machineId, bootId: opts.bootId, limits: opts.limits,
        // A full disk is said on svcd's stderr at a bounded rate, not once per dropped line.
        notice: (text) => this.opts.level?.(text),
        noteFields: () => [...(this.managerItems ??= managerFields()), ...this.host],
      });
      this.dir = opts.dir;
    }
    this.host = [new JournalData('_BOOT_ID', opts.bootId), new JournalData('_MACHINE_ID', opts.machineId), new JournalData('_HOSTNAME', hostname())];
    opts.console.on('drain', () => this.resume());
    this.rateLimit = opts.rateLimit ?? { intervalUsec: 0, burst: 0 };
    this.limiter = new RateLimiter(() => this.availableBytes());
  }

  /** journald's "available" space, the rate limit's burst modulator: free disk (re-read every 30 s) within SystemMaxUse=. */
  private availableBytes(): number {
    const now = Date.now();
    if (now - this.available.at > 30_000) {
      let bytes = 0;
      try {
        if (this.store) {
          const s = statfsSync(this.store.dir);
          bytes = Math.min(s.bavail * s.bsize, this.store.limits.maxUse);
        }
      } catch {
        // unknown: the burst stays as configured
      }
      this.available = { at: now, bytes };
    }
    return this.available.bytes;
  }

  /**
   * The rate limit's word on a message from `unit`: false drops it; a window that ended with
   * messages dropped is reported first, as journald reports it.
   */
  private admit(unit: string, priority: number, own?: UnitRateLimit): boolean {
    const limit = effectiveLimit(this.rateLimit, own);
    if (limit.intervalUsec <= 0 || limit.burst <= 0) return true;
    const r = this.limiter.test(unit, priority, realtimeUsec(), limit);
    if (r > 0) this.suppressed(unit, r);
    return r >= 0;
  }

  private suppressed(unit: string, n: number): void {
    this.managerItems ??= managerFields();
    this.append([
      ['MESSAGE', `Suppressed ${n} messages from ${unit || 'an unknown sender'}`],
      ['MESSAGE_ID', MESSAGE_JOURNAL_DROPPED],
      ['N_DROPPED', String(n)],
      PRIORITIES[4]!,
      ...this.managerItems,
    ]);
  }

  /**
   * A stream for one process's stdout/stderr: returns the write end for the child; call
   * started(pid) once it runs, and close the write end in svcd (the child holds its own copy).
   */
  openStream(meta: StreamMeta): { fd: number; started(pid: number): void } {
    const [r, w] = pipe({ nonBlockingRead: true });
    const s = new CaptureStream(this, meta, r, this.opts.lineMax ?? LINE_MAX);
    this.streams.add(s);
    if (this.paused) s.socket.pause();
    return { fd: w, started: (pid) => s.started(pid) };
  }

  /**
   * daemon-reexec: the live streams' read ends stay open across the exec (FD_CLOEXEC cleared) for
   * the next svcd to adopt, so no service ever writes into a closed pipe; reading stops here.
   */
  handOver(): StreamHandOver[] {
    const out: StreamHandOver[] = [];
    for (const s of this.streams) {
      s.detach();
      if (keepAcrossExec(s.fd) === 0) out.push({ fd: s.fd, meta: s.meta, pid: s.pid });
    }
    return out;
  }

  /** The other half, in the new svcd: reading goes on where the old one stopped. */
  adopt(h: StreamHandOver): void {
    const s = new CaptureStream(this, h.meta, h.fd, this.opts.lineMax ?? LINE_MAX);
    if (h.pid > 0) s.started(h.pid);
    this.streams.add(s);
    if (this.paused) s.socket.pause();
  }

  /**
   * Serves journald's sockets (/dev/log, the native socket, the stdout socket); `unitOf` tells
   * which unit a sender's pid belongs to.
   */
  listen(unitOf: UnitOf, paths?: JournalSocketPaths): void {
    this.sockets = new JournalSockets(this, unitOf, paths);
    this.sockets.open((text) => this.opts.level?.(text));
    const target = this.sockets.paths.forwardSyslog;
    if (target) this.syslog = new SyslogForwarder(this.opts.maxLevelSyslog ?? 7, (text) => this.log(text, undefined, 4), target);
  }

  ingest(items: JournalItem[], source: MessageSource, forward: ConsoleCopy): void {
    if (!this.admit(source.unit, source.priority, source.rateLimit)) return;
    this.append(items);
    this.forward(forward.identifier, forward.pid, forward.message);
    const s = forward.syslog;
    if (s && this.syslog && this.opts.forwardToSyslog) {
      if (s.raw) this.syslog.forwardRaw(s.priority, s.raw, s.origin);
      else this.syslog.forward(s.priority, s.identifier, s.origin, forward.message);
    }
  }

  /** Whether a stream's lines go to syslog too: ForwardToSyslog=, or its own header asked for it. */
  private forwardsStream(s: CaptureStream): boolean {
    return this.syslog !== undefined && (this.opts.forwardToSyslog === true || s.meta.forwardToSyslog === true);
  }

  /** A stream's line to syslog: its facility (daemon for a service's pipe, the header's for a stdout-socket stream) with the line's level, from its writer. */
  private forwardLine(s: CaptureStream, message: Buffer, priority: number): void {
    const origin: Origin = { pid: s.pid, uid: s.meta.cred?.uid ?? process.getuid?.() ?? 0, gid: s.meta.cred?.gid ?? process.getgid?.() ?? 0 };
    this.syslog!.forward(((s.meta.priority ?? DEFAULT_STREAM_PRIORITY) & ~7) | priority, s.meta.identifier, origin, message);
  }

  adoptStream(meta: StreamMeta, socket: Socket, pid: number, rest: Buffer): void {
    const s = new CaptureStream(this, meta, socket, this.opts.lineMax ?? LINE_MAX);
    this.streams.add(s);
    if (this.paused) socket.pause();
    if (pid > 0) s.started(pid);
    s.feed(rest);
  }

  closed(s: CaptureStream): void {
    this.streams.delete(s);
  }

  line(s: CaptureStream, message: Buffer, priority: number, lineBreak?: JournalData): void {
    if (!this.admit(s.meta.unit, priority, s.meta.rateLimit)) return;
    // The hot path: everything but MESSAGE= is the same for every line of the stream at one
    // priority, so it is one prepared set, resolved once per file (JournalFileWriter.appendWith).
    let set = s.itemSets[priority];
    if (set === undefined) set = s.itemSets[priority] = new JournalItemSet([PRIORITIES[priority]!, ...s.fixed, ...this.host]);
    if (lineBreak) set = new JournalItemSet([...set.items, lineBreak]);
    if (this.store) {
      try {
        this.store.appendWith(set, MESSAGE, message, { realtime: realtimeUsec(), monotonic: monotonicUsec() });
      } catch (e) {
        this.opts.level?.(`journal: write failed: ${(e as Error).message}`);
      }
      this.scheduleSync();
    }
    this.forward(s.meta.identifier, s.pid, message);
    if (this.forwardsStream(s)) this.forwardLine(s, message, priority);
  }

  /**
   * Plain lines of one pipe read, all at `priority` (capture.ts found them: newline-ended, no NUL,
   * shorter than LineMax=): one call into the writer for all of them when nothing needs a look at
   * each line first (the rate limit); the console still gets each line.
   */
  lines(s: CaptureStream, chunk: Buffer, bounds: Int32Array, count: number, priority: number): void {
    const limit = effectiveLimit(this.rateLimit, s.meta.rateLimit);
    if (!this.store || (limit.intervalUsec > 0 && limit.burst > 0)) {
      for (let i = 0; i < count; i++) this.line(s, chunk.subarray(bounds[2 * i], bounds[2 * i + 1]), priority);
      return;
    }
    let set = s.itemSets[priority];
    if (set === undefined) set = s.itemSets[priority] = new JournalItemSet([PRIORITIES[priority]!, ...s.fixed, ...this.host]);
    try {
      this.store.appendLines(set, MESSAGE, chunk, bounds, count);
    } catch (e) {
      this.opts.level?.(`journal: write failed: ${(e as Error).message}`);
    }
    this.scheduleSync();
    if (this.opts.consoleOutput !== 'off') {
      for (let i = 0; i < count; i++) this.forward(s.meta.identifier, s.pid, chunk.subarray(bounds[2 * i], bounds[2 * i + 1]));
    }
    if (this.forwardsStream(s)) for (let i = 0; i < count; i++) this.forwardLine(s, chunk.subarray(bounds[2 * i], bounds[2 * i + 1]), priority);
  }

  /**
   * svcd's own message (status lines, unit events): SYSLOG_IDENTIFIER=svcd, _TRANSPORT=journal,
   * svcd's _PID/_EXE/_CMDLINE, UNIT= when about a unit, and the fields the caller gives (a job
   * message's MESSAGE_ID=/JOB_TYPE=/JOB_RESULT=, from engine/job-status.ts).
   */
  log(text: string, unit?: string, priority?: number, fields: readonly JournalItem[] = []): void {
    this.managerItems ??= managerFields();
    const items: JournalItem[] = [['MESSAGE', text], ...fields, ...this.managerItems, ['_SOURCE_REALTIME_TIMESTAMP', String(realtimeUsec())]];
    const prio = priority ?? 6;
    if (unit) items.push(['UNIT', unit]);
    items.push(PRIORITIES[prio] ?? ['PRIORITY', String(prio)]);
    this.append(items);
    // As systemd's own lines reach syslog ("systemd[1]: Started …"): facility daemon.
    if (this.syslog && this.opts.forwardToSyslog) {
      this.syslog.forward((3 << 3) | prio, 'svcd', { pid: process.pid, uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0 }, Buffer.from(text));
    }
  }

  private append(items: JournalItem[]): void {
    if (!this.store) return;
    items.push(...this.host);
    try {
      this.store.append(items, { realtime: realtimeUsec(), monotonic: monotonicUsec() });
    } catch (e) {
      this.opts.level?.(`journal: write failed: ${(e as Error).message}`);
      return;
    }
    this.scheduleSync();
  }

  private scheduleSync(): void {
    if (!this.syncScheduled) {
      this.syncScheduled = true;
      // Entries are visible to readers as soon as they are appended (the file is mapped shared);
      // a sync tells inotify watchers (journalctl -f) and gives up a file that broke. At the next
      // turn of the loop, at most every SYNC_MS while a burst goes on.
      const wait = SYNC_MS - (performance.now() - this.lastSync);
      const run = () => {
        this.syncScheduled = false;
        this.lastSync = performance.now();
        try {
          this.store?.sync();
        } catch (e) {
          this.opts.level?.(`journal: sync failed: ${(e as Error).message}`);
        }
      };
      if (wait <= 0) setImmediate(run);
      else setTimeout(run, wait);
    }
  }

  private forward(identifier: string, pid: number, message: Buffer): void {
    const mode = this.opts.consoleOutput;
    if (mode === 'off') return;
    const c = this.opts.console;
    if (mode === 'raw') c.write(Buffer.concat([message, Buffer.from('\n')]));
    else c.write(Buffer.concat([Buffer.from(pid > 0 ? `${identifier}[${pid}]: ` : `${identifier}: `), message, Buffer.from('\n')]));
    if ((c.writableLength ?? 0) > (c.writableHighWaterMark ?? 16384) * 64) this.pause();
  }

  private pause(): void {
    if (this.paused) return;
    this.paused = true;
    for (const s of this.streams) s.socket.pause();
  }

  private resume(): void {
    if (!this.paused) return;
    this.paused = false;
    for (const s of this.streams) s.socket.resume();
  }

  close(): void {
    this.sockets?.close();
    this.syslog?.close();
    try {
      this.store?.close();
    } catch {
      // the process is ending
    }
  }
}

/** Closes the write end svcd kept of a stream, once the child has its copy. */
export function closeFd(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // already closed
  }
}
