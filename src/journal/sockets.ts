/**
 * journald's three sockets, served by svcd when it is the system manager (PID 1 of a container,
 * or asked to with --journal-sockets), so programs that log the systemd way find a journal:
 *
 *   /dev/log                       syslog(3) datagrams (syslog.ts)          _TRANSPORT=syslog
 *   /run/systemd/journal/socket    the native protocol (native-protocol.ts) _TRANSPORT=journal
 *   /run/systemd/journal/stdout    stream connections (systemd-cat, services whose stdout systemd
 *                                  connects there): a 7-line header, then lines _TRANSPORT=stdout
 *
 * journald 252 makes /dev/log a symlink to /run/systemd/journal/dev-log; svcd does the same. The
 * sockets are world-writable (0666) as journald's are: who sent what is taken from the kernel.
 *
 * Trusted fields come from the sender's credentials (SCM_CREDENTIALS on the datagrams, SO_PEERCRED
 * on the stream): _PID, _UID, _GID, then _COMM, _EXE, _CMDLINE, _CAP_EFFECTIVE read from /proc
 * (absent when the sender has already exited, as in journald), and the unit svcd started the
 * process for (_SYSTEMD_UNIT, _SYSTEMD_INVOCATION_ID, ...) when svcd can tell (unitOf). They are
 * cached per pid for a second: a flood of messages reads /proc once a second, not once a message.
 */
import { chmodSync, mkdirSync, symlinkSync, unlinkSync, lstatSync, readlinkSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { dirname } from 'node:path';
import { bindDatagram, closeDatagram, peerCredentials, type DatagramHandle, type Sender } from '../exec/native.js';
import { processFields, unitFields, withCredentials, type StreamMeta } from './capture.js';
import { JournalData, type JournalItem } from './file-writer.js';
import { parseNative } from './native-protocol.js';
import type { UnitRateLimit } from './rate-limit.js';
import { parseSyslog } from './syslog.js';
import { SYSLOG_FORWARD_SOCKET, type Origin } from './syslog-forward.js';

/** The unit a process belongs to, as the manager knows it, with its LogRateLimit*= if set. */
export type UnitOf = (pid: number) => { unit: string; invocationId: string; cgroup?: string; rateLimit?: UnitRateLimit } | undefined;

/** Where a message came from: what the rate limit counts it against. */
export interface MessageSource {
  /** '' for a sender svcd cannot place. */
  readonly unit: string;
  readonly priority: number;
  readonly rateLimit?: UnitRateLimit;
}

/**
 * The copies of a message besides the journal's: what the console shows, and what ForwardToSyslog=
 * sends (`priority` with its facility; `raw`: a syslog datagram passed on as it came).
 */
export interface ConsoleCopy {
  readonly identifier: string;
  readonly pid: number;
  readonly message: Buffer;
  readonly syslog?: { readonly priority: number; readonly identifier?: string; readonly raw?: Buffer; readonly origin: Origin };
}

/** What the sockets hand to the journal. */
export interface IngestSink {
  /** One entry, and its copies. */
  ingest(items: JournalItem[], source: MessageSource, forward: ConsoleCopy): void;
  /** A stdout-socket connection whose header was read: the journal reads its lines from here on. */
  adoptStream(meta: StreamMeta, socket: Socket, pid: number, rest: Buffer): void;
}

export interface JournalSocketPaths {
  /** journald's: /run/systemd/journal/dev-log, linked from /dev/log. */
  readonly syslog: string;
  readonly devLog?: string;
  readonly native: string;
  readonly stdout: string;
  /** Where ForwardToSyslog= sends (journald's RUNTIME_DIRECTORY/syslog); undefined: nowhere. */
  readonly forwardSyslog?: string;
}

export const DEFAULT_SOCKET_PATHS: JournalSocketPaths = {
  syslog: '/run/systemd/journal/dev-log',
  devLog: '/dev/log',
  native: '/run/systemd/journal/socket',
  stdout: '/run/systemd/journal/stdout',
  forwardSyslog: SYSLOG_FORWARD_SOCKET,
};

const CONTEXT_TTL_MS = 1000;
/** journald refuses a stream header longer than LINE_MAX; so does svcd. */
const HEADER_MAX = 48 * 1024;

interface ClientContext {
  readonly at: number;
  readonly items: JournalData[];
  /** The process's name (_COMM), journald's identifier for a message that names none. */
  readonly comm?: string;
  readonly unit: string;
  readonly rateLimit?: UnitRateLimit;
}

export class JournalSockets {
  private readonly handles: DatagramHandle[] = [];
  private server?: Server;
  private readonly contexts = new Map<number, ClientContext>();
  private readonly transport = {
    syslog: new JournalData('_TRANSPORT', 'syslog'),
    journal: new JournalData('_TRANSPORT', 'journal'),
  };
  private readonly scope = new JournalData('_RUNTIME_SCOPE', 'system');

  constructor(
    private readonly sink: IngestSink,
    private readonly unitOf: UnitOf = () => undefined,
    readonly paths: JournalSocketPaths = DEFAULT_SOCKET_PATHS,
  ) {}

  /** Binds the three sockets; a failure on one is reported and the others still serve. */
  open(report: (text: string) => void): void {
    const datagram = (path: string, fn: (data: Buffer, sender: Sender) => void) => {
      try {
        mkdirSync(dirname(path), { recursive: true, mode: 0o755 });
        this.handles.push(bindDatagram(path, (data, sender) => {
          try {
            fn(data, sender);
          } catch (e) {
            report(`journal: ${path}: ${(e as Error).message}`);
          }
        }));
        chmodSync(path, 0o666);
      } catch (e) {
        report(`journal: cannot listen on ${path}: ${(e as Error).message}`);
      }
    };
    datagram(this.paths.syslog, (d, s) => this.syslog(d, s));
    if (this.paths.devLog) linkDevLog(this.paths.devLog, this.paths.syslog, report);
    datagram(this.paths.native, (d, s) => this.native(d, s));
    try {
      mkdirSync(dirname(this.paths.stdout), { recursive: true, mode: 0o755 });
      try {
        if (lstatSync(this.paths.stdout).isSocket()) unlinkSync(this.paths.stdout);
      } catch {
        // not there
      }
      this.server = createServer({ pauseOnConnect: false }, (sock) => this.stream(sock));
      this.server.on('error', (e) => report(`journal: ${this.paths.stdout}: ${e.message}`));
      this.server.listen(this.paths.stdout, () => {
        try {
          chmodSync(this.paths.stdout, 0o666);
        } catch {
          // removed under us
        }
      });
    } catch (e) {
      report(`journal: cannot listen on ${this.paths.stdout}: ${(e as Error).message}`);
    }
  }

  close(): void {
    for (const h of this.handles.splice(0)) closeDatagram(h);
    this.server?.close();
  }

  /** The trusted fields of a sender, from its credentials and /proc (cached a second per pid). */
  private context(sender: { pid: number; uid: number; gid: number }): ClientContext {
    const now = Date.now();
    const hit = this.contexts.get(sender.pid);
    if (hit && now - hit.at < CONTEXT_TTL_MS) return hit;
    if (this.contexts.size > 1024) this.contexts.clear();
    // The kernel's word for uid/gid beats /proc's (the process may be gone).
    const items = withCredentials(sender.pid > 0 ? processFields(sender.pid) : [], sender);
    const owner = sender.pid > 0 ? this.unitOf(sender.pid) : undefined;
    if (owner) items.push(...unitFields(owner.unit, owner.invocationId, owner.cgroup));
    const comm = items.find(([k]) => k === '_COMM')?.[1];
    const ctx = { at: now, items: items.map(([k, v]) => new JournalData(k, v)), comm: typeof comm === 'string' ? comm : undefined, unit: owner?.unit ?? '', rateLimit: owner?.rateLimit };
    this.contexts.set(sender.pid, ctx);
    return ctx;
  }

  private syslog(data: Buffer, sender: Sender): void {
    const m = parseSyslog(data);
    const ctx = this.context(sender);
    const items: JournalItem[] = [['MESSAGE', m.message], ['PRIORITY', String(m.priority)], ['SYSLOG_FACILITY', String(m.facility)]];
    if (m.identifier !== undefined) items.push(['SYSLOG_IDENTIFIER', m.identifier]);
    if (m.pid !== undefined) items.push(['SYSLOG_PID', m.pid]);
    if (m.timestamp !== undefined) items.push(['SYSLOG_TIMESTAMP', m.timestamp]);
    if (m.raw) items.push(['SYSLOG_RAW', m.raw]);
    items.push(this.transport.syslog, ['_SOURCE_REALTIME_TIMESTAMP', String(sender.realtimeUsec)], ...ctx.items, this.scope);
    this.sink.ingest(items, { unit: ctx.unit, priority: m.priority, rateLimit: ctx.rateLimit }, {
      identifier: m.identifier ?? 'syslog', pid: Number(m.pid ?? sender.pid), message: m.message,
      syslog: { priority: (m.facility << 3) | m.priority, raw: data, origin: sender },
    });
  }

  private native(data: Buffer, sender: Sender): void {
    const m = parseNative(data);
    if (m.fields.length === 0) return;
    const ctx = this.context(sender);
    const items: JournalItem[] = [...m.fields];
    items.push(this.transport.journal, ['_SOURCE_REALTIME_TIMESTAMP', String(sender.realtimeUsec)], ...ctx.items, this.scope);
    // journald counts a message without PRIORITY= as info.
    // To syslog only with a MESSAGE=, at user's facility whatever SYSLOG_FACILITY= says, as journald forwards it.
    const syslog = m.message ? { priority: m.priority ?? 6, identifier: m.identifier ?? ctx.comm, origin: sender } : undefined;
    this.sink.ingest(items, { unit: ctx.unit, priority: m.priority ?? 6, rateLimit: ctx.rateLimit }, { identifier: m.identifier ?? 'journal', pid: sender.pid, message: m.message ?? Buffer.alloc(0), syslog });
  }

  /**
   * A stdout-socket client: journald's header (identifier, unit, priority, level_prefix,
   * forward_to_syslog, forward_to_kmsg, forward_to_console — one per line), then the lines.
   */
  private stream(sock: Socket): void {
    const fd = (sock as unknown as { _handle?: { fd?: number } })._handle?.fd;
    let cred = { pid: 0, uid: -1, gid: -1 };
    try {
      if (fd !== undefined && fd >= 0) cred = { ...peerCredentials(fd) };
    } catch {
      // no credentials: the entries carry no trusted process fields
    }
    // Asked at once: a short-lived writer (`echo … | systemd-cat`) may be gone by the time its header is read.
    const owner = cred.pid > 0 ? this.unitOf(cred.pid) : undefined;
    let head: Buffer = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      head = head.length === 0 ? chunk : Buffer.concat([head, chunk]);
      const lines: string[] = [];
      let at = 0;
      while (lines.length < 7) {
        const nl = head.indexOf(10, at);
        if (nl < 0) break;
        lines.push(head.toString('utf8', at, nl));
        at = nl + 1;
      }
      if (lines.length < 7) {
        if (head.length > HEADER_MAX) sock.destroy();
        return;
      }
      sock.off('data', onData);
      const priority = Number(lines[2]);
      if (!/^\d{1,3}$/.test(lines[2]!) || priority > 191) {
        sock.destroy();
        return;
      }
      const meta: StreamMeta = {
        identifier: lines[0]!,
        unit: owner?.unit ?? '',
        invocationId: owner?.invocationId ?? '',
        cgroup: owner?.cgroup,
        priority,
        levelPrefix: lines[3] !== '0',
        forwardToSyslog: lines[4] === '1',
        cred,
        rateLimit: owner?.rateLimit,
      };
      this.sink.adoptStream(meta, sock, cred.pid, head.subarray(at));
    };
    sock.on('data', onData);
    sock.on('error', () => sock.destroy());
  }
}

/** /dev/log → journald's socket, replacing a stale link or socket (never a regular file). */
function linkDevLog(devLog: string, target: string, report: (text: string) => void): void {
  try {
    let st;
    try {
      st = lstatSync(devLog);
    } catch {
      st = undefined;
    }
    if (st?.isSymbolicLink() && readlinkSync(devLog) === target) return;
    if (st && (st.isSymbolicLink() || st.isSocket())) unlinkSync(devLog);
    else if (st) throw new Error('exists and is not a socket or link');
    symlinkSync(target, devLog);
  } catch (e) {
    report(`journal: cannot link ${devLog} to ${target}: ${(e as Error).message}`);
  }
}
