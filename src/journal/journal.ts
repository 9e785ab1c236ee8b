/**
 * The journal as svcd runs it: every line services print (through a pipe per process, read by
 * libuv, never by blocking reads), svcd's own messages, stored in journal files (directory.ts)
 * and forwarded to svcd's stdout for `docker logs` (ConsoleOutput= prefixed | raw | off).
 *
 * A stream splits its bytes into lines as journald's stdout transport does: at "\n", and at
 * LineMax= (48 KiB) for a line that never ends; bytes are kept as they are (no UTF-8 repair).
 * Back-pressure: lines are written to the file synchronously inside the read callback, so a
 * service that writes faster than the disk fills its pipe and waits; when the console falls
 * behind, the streams pause until it drains, so svcd's memory stays bounded either way.
 */
import { closeSync, readFileSync, readlinkSync } from 'node:fs';
import { hostname } from 'node:os';
import { Socket } from 'node:net';
import { pipe } from '../exec/native.js';
import { JournalDirectory, type JournalLimits } from './directory.js';
import { monotonicUsec, realtimeUsec, type Id128 } from './format.js';
import type { JournalItem } from './file-writer.js';

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
}

/** Who writes into a stream: the fields journald takes from the peer and the unit. */
export interface StreamMeta {
  readonly unit: string;
  readonly invocationId: string;
  readonly identifier: string;
  /** SyslogLevelPrefix=: a leading "<N>" sets the line's priority. */
  readonly levelPrefix: boolean;
}

const LINE_MAX = 48 * 1024;

function procField(pid: number, what: 'comm' | 'cmdline' | 'exe'): string | undefined {
  try {
    if (what === 'exe') return readlinkSync(`/proc/${pid}/exe`);
    const raw = readFileSync(`/proc/${pid}/${what}`, 'latin1');
    return what === 'comm' ? raw.trim() : raw.split('\0').filter(Boolean).join(' ');
  } catch {
    return undefined;
  }
}

function procIds(pid: number): { uid: string; gid: string } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'latin1');
    const uid = /^Uid:\s+(\d+)/m.exec(status)?.[1];
    const gid = /^Gid:\s+(\d+)/m.exec(status)?.[1];
    return uid && gid ? { uid, gid } : undefined;
  } catch {
    return undefined;
  }
}

class Stream {
  private pending: Buffer[] = [];
  private pendingLength = 0;
  private pid = 0;
  private fixed: JournalItem[] = [];
  private stale = false;
  readonly socket: Socket;

  constructor(
    private readonly journal: Journal,
    readonly meta: StreamMeta,
    fd: number,
    private readonly lineMax: number,
  ) {
    this.socket = new Socket({ fd, readable: true, writable: false });
    this.socket.on('data', (chunk: Buffer) => this.push(chunk));
    this.socket.on('end', () => this.flush(true));
    this.socket.on('close', () => journal.forget(this));
    this.socket.on('error', () => this.socket.destroy());
    this.setFixed();
  }

  /** The child is running; its /proc fields are read when it first writes (most never do at boot). */
  started(pid: number): void {
    this.pid = pid;
    this.stale = true;
  }

  private setFixed(): void {
    const m = this.meta;
    const items: [string, string][] = [
      ['_TRANSPORT', 'stdout'],
      ['SYSLOG_FACILITY', '3'],
      ['SYSLOG_IDENTIFIER', m.identifier],
      ['_SYSTEMD_UNIT', m.unit],
      ['_SYSTEMD_SLICE', 'system.slice'],
      ['_SYSTEMD_CGROUP', `/system.slice/${m.unit}`],
    ];
    if (m.invocationId) items.push(['_SYSTEMD_INVOCATION_ID', m.invocationId]);
    if (this.pid > 0) {
      items.push(['_PID', String(this.pid)]);
      const ids = procIds(this.pid);
      if (ids) items.push(['_UID', ids.uid], ['_GID', ids.gid]);
      for (const [k, w] of [['_COMM', 'comm'], ['_EXE', 'exe'], ['_CMDLINE', 'cmdline']] as const) {
        const v = procField(this.pid, w);
        if (v) items.push([k, v]);
      }
    }
    this.fixed = items;
  }

  private push(chunk: Buffer): void {
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(10, start);
      if (nl < 0) break;
      const part = chunk.subarray(start, nl);
      if (this.pendingLength > 0) {
        this.pending.push(part);
        this.emit(Buffer.concat(this.pending));
        this.pending = [];
        this.pendingLength = 0;
      } else {
        this.emit(part);
      }
      start = nl + 1;
    }
    if (start < chunk.length) {
      const rest = chunk.subarray(start);
      this.pending.push(Buffer.from(rest));
      this.pendingLength += rest.length;
      // A line that never ends is cut at LineMax=, as journald does.
      while (this.pendingLength >= this.lineMax) {
        const all = Buffer.concat(this.pending);
        this.emit(all.subarray(0, this.lineMax));
        const left = all.subarray(this.lineMax);
        this.pending = left.length > 0 ? [left] : [];
        this.pendingLength = left.length;
      }
    }
  }

  private flush(end: boolean): void {
    if (end && this.pendingLength > 0) this.emit(Buffer.concat(this.pending));
    this.pending = [];
    this.pendingLength = 0;
  }

  private emit(line: Buffer): void {
    if (this.stale) {
      this.stale = false;
      this.setFixed();
    }
    let priority = 6;
    let message = line;
    if (this.meta.levelPrefix && line.length >= 3 && line[0] === 0x3c && line[2] === 0x3e && line[1]! >= 0x30 && line[1]! <= 0x37) {
      priority = line[1]! - 0x30;
      message = line.subarray(3);
    }
    this.journal.writeLine(this, message, priority, this.fixed, this.pid);
  }
}

export class Journal {
  private readonly store?: JournalDirectory;
  private readonly streams = new Set<Stream>();
  private syncScheduled = false;
  private paused = false;
  private readonly host = hostname();
  readonly dir?: string;

  constructor(private readonly opts: JournalOptions) {
    if (opts.dir) {
      this.store = JournalDirectory.open({ dir: opts.dir, machineId: opts.machineId, bootId: opts.bootId, limits: opts.limits });
      this.dir = opts.dir;
    }
    opts.console.on('drain', () => this.resume());
  }

  /**
   * A stream for one process's stdout/stderr: returns the write end for the child; call
   * started(pid) once it runs, and close the write end in svcd (the child holds its own copy).
   */
  openStream(meta: StreamMeta): { fd: number; started(pid: number): void } {
    const [r, w] = pipe({ nonBlockingRead: true });
    const s = new Stream(this, meta, r, this.opts.lineMax ?? LINE_MAX);
    this.streams.add(s);
    if (this.paused) s.socket.pause();
    return { fd: w, started: (pid) => s.started(pid) };
  }

  forget(s: Stream): void {
    this.streams.delete(s);
  }

  writeLine(s: Stream, message: Buffer, priority: number, fixed: readonly JournalItem[], pid: number): void {
    this.append([['MESSAGE', message], ['PRIORITY', String(priority)], ...fixed]);
    this.forward(s.meta.identifier, pid, message);
  }

  /** svcd's own message (status lines, unit events): SYSLOG_IDENTIFIER=svcd, UNIT= when about a unit. */
  log(text: string, unit?: string, priority = 6): void {
    const items: JournalItem[] = [
      ['MESSAGE', text], ['PRIORITY', String(priority)], ['SYSLOG_FACILITY', '3'], ['SYSLOG_IDENTIFIER', 'svcd'],
      ['_TRANSPORT', 'journal'], ['_PID', String(process.pid)], ['_UID', String(process.getuid?.() ?? 0)],
      ['_GID', String(process.getgid?.() ?? 0)], ['_COMM', 'svcd'],
    ];
    if (unit) items.push(['UNIT', unit]);
    this.append(items);
  }

  private append(items: JournalItem[]): void {
    if (!this.store) return;
    items.push(['_BOOT_ID', this.opts.bootId], ['_MACHINE_ID', this.opts.machineId], ['_HOSTNAME', this.host]);
    try {
      this.store.append(items, { realtime: realtimeUsec(), monotonic: monotonicUsec() });
    } catch (e) {
      this.opts.level?.(`journal: write failed: ${(e as Error).message}`);
      return;
    }
    if (!this.syncScheduled) {
      this.syncScheduled = true;
      // One sync per turn of the loop makes lines visible to readers (svcctl logs -f) within ms.
      setImmediate(() => {
        this.syncScheduled = false;
        try {
          this.store?.sync();
        } catch (e) {
          this.opts.level?.(`journal: sync failed: ${(e as Error).message}`);
        }
      });
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
