/**
 * The control socket: svcd's side of the protocol (protocol.ts). A stream socket in the runtime
 * directory, mode 0600; every connection's peer is checked with SO_PEERCRED and only root (or
 * svcd's own uid) is served. Each request line is answered in order; a bad line gets an error
 * answer, never an exception in the daemon.
 */
import { requiresMountsFor } from '../unit/mounts-for.js';
import { chmodSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { isJobMode } from '../shared/job-mode.js';
import { isRequestedJobType, type ManagerApi } from '../engine/api.js';
import { peerCredentials } from '../exec/native.js';
import { encode, LineReader, LineTooLongError, PROTOCOL_VERSION, type Method, type Methods, type PathRow, type Response, type SocketRow } from './protocol.js';
import { parseRequest } from './request.js';
import { showManager, showUnit } from './properties.js';
import { dependencyTree, statusPage } from './render.js';
import { statusOverview } from './render-overview.js';
import { monotonicNowUs, timerRows } from './timers.js';
import { formatEntry, query } from './journal-query.js';
import { listedUnits, listOrder } from './list-units.js';
import { strcasecmp, strcmp } from '../shared/strcmp.js';
import { requestUnitNamesRefusal, unitLoadRefusal } from '../unit/name.js';
import { pathCompare } from '../unit/escape.js';
import { cgroupMaskDumpLines, conditionDumpLines, ownDumpLines } from './render-dump.js';
import { securityInfo } from '../unit/security-info.js';
import { listenText, SOCKET_LISTEN_TYPE } from '../unit/model.js';
import { kernelHasIPv6 } from '../unit/values/socket-address.js';

class CallError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

type Handlers = { [M in Method]: (p: Methods[M]['params']) => Methods[M]['result'] | Promise<Methods[M]['result']> };

function handlers(api: ManagerApi): Handlers {
  return {
    'manager-status': () => {
      const s = api.status();
      return { version: s.version, systemState: s.systemState, bootUnit: s.bootUnit, journalDir: s.journalDir, runtimeDir: s.runtimeDir, nJobs: s.nJobs, nFailedUnits: s.nFailedUnits, exitCode: s.exitCode };
    },
    show: (p) => {
      const all = p.all ?? false;
      return { properties: p.unit === undefined ? showManager(api.status(), p.properties, all) : showUnit(api.unit(p.unit), p.properties, all) };
    },
    'unit-states': (p) =>
      p.units.map((name) => {
        const st = api.unit(name);
        return { id: st.id, load: st.model.loadState, active: st.activeState, sub: st.subState };
      }),
    'list-units': (p) => {
      return listedUnits(api, p)
        .map((st) => ({ id: st.id, load: st.model.loadState, active: st.activeState, sub: st.subState, description: st.model.unit.description ?? st.id, job: st.job ? { id: st.job.id, type: st.job.type, state: st.job.state } : undefined }))
        .sort((a, b) => listOrder(a.id, b.id));
    },
    'status-page': (p) => {
      const st = api.unit(p.unit);
      const now = BigInt(Date.now()) * 1000n;
      const found = st.model.loadState !== 'not-found' || st.activeState !== 'inactive';
      let text = statusPage(st, p.color, now, () => api.units());
      // The unit's last lines from the journal, as systemctl status shows them.
      const dir = api.status().journalDir;
      const n = p.lines ?? 10;
      if (dir && found && n > 0) {
        try {
          const lines = query({ dirs: [dir], units: [st.id], reverse: false, lines: n }).map((e) => formatEntry(e, 'short', p.color));
          if (lines.length > 0) text += `\n${lines.join('\n')}\n`;
        } catch {
          // an unreadable journal leaves the page without its log lines
        }
      }
      return { text, found, active: st.activeState, needDaemonReload: st.needDaemonReload };
    },
    'list-dependencies': (p) => ({ text: dependencyTree(api, p.unit, { type: p.dependency ?? 'forward', all: p.all ?? false, color: p.color ?? false, plain: p.plain ?? false }) }),
    'status-overview': (p) => ({ text: statusOverview(api, p.color, BigInt(Date.now()) * 1000n) }),
    // systemctl list-sockets: every Listen…= line of the units list-units would show.
    'list-sockets': (p) => {
      const ipv6 = kernelHasIPv6();
      return listedUnits(api, { ...p, types: ['socket'] })
        .flatMap((st) => (st.model.type === 'socket' ? st.model.socket.listen : []).map((l): SocketRow => ({
          listen: listenText(l.value, ipv6), type: SOCKET_LISTEN_TYPE[l.value.kind], unit: st.id, activates: st.dependencies.Triggers ?? [],
        })))
        // systemctl's socket_info_compare: address, then type, bytewise (its ties keep no order; ours are by unit).
        .sort((a, b) => strcmp(a.listen, b.listen) || strcmp(a.type, b.type) || strcmp(a.unit, b.unit));
    },
    'list-jobs': () => api.jobs().map((j) => ({ id: j.id, unit: j.unit, type: j.type, state: j.state })),
    enqueue: async (p) => {
      if (!isRequestedJobType(p.type)) throw new CallError('invalid', `Unknown job type ${p.type}.`);
      if (!isJobMode(p.mode)) throw new CallError('invalid', `Unknown job mode ${p.mode}.`);
      const refusal = unitLoadRefusal(p.unit);
      if (refusal !== undefined) throw new CallError('invalid', refusal);
      const r = api.enqueue(p.unit, p.type, p.mode, true);
      if (!r.ok) throw new CallError(r.error.code, r.error.message);
      if (!p.wait) return { jobId: r.job.id };
      const result = await r.done;
      const st = api.unit(p.unit);
      return { jobId: r.job.id, result, unitResult: st.result, unitType: st.model.type };
    },
    'cancel-job': (p) => {
      const e = api.cancelJob(p.id);
      if (e) throw new CallError(e.code, e.message);
      return {};
    },
    kill: (p) => {
      const e = api.kill(p.unit, p.whom === 'main' || p.whom === 'control' ? p.whom : 'all', p.signal);
      if (e) throw new CallError(e.code, e.message);
      return {};
    },
    'reset-failed': (p) => {
      const e = api.resetFailed(p.unit);
      if (e) throw new CallError(e.code, e.message);
      return {};
    },
    'daemon-reload': async () => {
      await api.reload();
      return {};
    },
    'daemon-reexec': () => {
      const e = api.reexec();
      if (e) throw new CallError(e.code, e.message);
      return {};
    },
    'list-timers': (p) => {
      const units = listedUnits(api, { all: p.all, patterns: p.patterns });
      return timerRows(units, BigInt(Date.now()) * 1000n, monotonicNowUs()).map((r) => ({ id: r.id, next: String(r.next), last: String(r.last), activates: [...r.activates] }));
    },
    shutdown: (p) => {
      // Answer first: the shutdown ends the daemon, and with it this connection.
      setImmediate(() => api.shutdown(p.how, p.code));
      return {};
    },
    'unit-times': () =>
      api.units().map((st) => {
        const t = st.timestamps;
        return {
          id: st.id,
          inactiveExit: String(t.inactiveExit.monotonicUs),
          activeEnter: String(t.activeEnter.monotonicUs),
          activeExit: String(t.activeExit.monotonicUs),
          inactiveEnter: String(t.inactiveEnter.monotonicUs),
          after: [...(st.dependencies.After ?? [])].sort(),
        };
      }),
    environment: () => ({ environment: [...api.environment()] }),
    'set-environment': (p) => {
      const e = api.setEnvironment(p.set, p.unset);
      if (e) throw new CallError(e.code, e.message);
      return {};
    },
    'security-info': (p) => securityInfo(api.unit(p.unit).model, true),
    // systemctl list-paths (systemd 254's verb; 252's systemctl has none): every PathXxx= line of
    // the path units list-units would show, by path (component-wise), condition, then unit.
    'list-paths': (p) =>
      listedUnits(api, { ...p, types: ['path'] })
        .flatMap((st) => (st.model.type === 'path' ? st.model.path.watches : []).map(({ value }): PathRow => ({
          path: value.path, condition: value.kind, unit: st.id, activates: st.dependencies.Triggers ?? [],
        })))
        .sort((a, b) => pathCompare(a.path, b.path) || strcmp(a.condition, b.condition) || strcasecmp(a.unit, b.unit)),
    'dump-dependencies': (p) => {
      const st = api.unit(p.unit);
      return {
        lines: st.dependencyLines.map((l) => ({ ...l })), requiresMountsFor: requiresMountsFor(st.model).map((m) => ({ ...m })),
        typeSection: ownDumpLines(st), conditions: conditionDumpLines(st), cgroupMasks: cgroupMaskDumpLines(st, (id) => api.unit(id)),
      };
    },
  };
}

export interface ControlServer {
  close(): void;
}

/** What one client may hold of svcd, and how many may (docs/control.md, "Limits"). */
export interface ControlLimits {
  /** Connections served at once; one more is answered `busy` and closed at once. */
  readonly maxConnections: number;
  /** A connection with no request in progress for this long is closed. */
  readonly idleTimeoutMs: number;
  /** The longest request line; a longer one is answered `invalid` and the connection closed. */
  readonly maxRequestLine: number;
}

/** Never more connections than this, however high the fd limit. */
export const MAX_CONNECTIONS = 256;
/** File descriptors kept for supervision (pipes, sockets and PID fds of the units' processes). */
export const FD_RESERVE = 512;
/** The smallest connection cap, so that a low fd limit still leaves svcctl a way in. */
const MIN_CONNECTIONS = 8;
export const IDLE_TIMEOUT_MS = 60_000;
export const MAX_REQUEST_LINE = 1024 * 1024;

/** The soft RLIMIT_NOFILE of svcd (Node has no getrlimit; the kernel shows it in /proc). */
function openFileLimit(): number | undefined {
  try {
    const m = /^Max open files\s+(\d+|unlimited)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
    return m && m[1] !== 'unlimited' ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** The limits for svcd's fd limit: clients may take what is left after the supervision reserve. */
export function defaultLimits(nofile = openFileLimit()): ControlLimits {
  const room = nofile === undefined ? MAX_CONNECTIONS : nofile - FD_RESERVE;
  return { maxConnections: Math.max(MIN_CONNECTIONS, Math.min(MAX_CONNECTIONS, room)), idleTimeoutMs: IDLE_TIMEOUT_MS, maxRequestLine: MAX_REQUEST_LINE };
}

const refusal = (id: number, code: string, message: string): string => encode({ v: PROTOCOL_VERSION, id, ok: false, error: { code, message } } satisfies Response);

export function startControlServer(path: string, api: ManagerApi, log: (text: string) => void, limits: ControlLimits = defaultLimits()): ControlServer {
  const table = handlers(api);
  rmSync(path, { force: true });
  let connections = 0;
  const server: Server = createServer((sock: Socket) => {
    if (connections >= limits.maxConnections) {
      // Closed before anything is read: an idle crowd may not take the fds supervision needs.
      sock.on('error', () => {});
      sock.end(refusal(0, 'busy', `Too many connections (${limits.maxConnections}), try again later.`));
      sock.destroySoon();
      return;
    }
    connections++;
    sock.once('close', () => connections--);
    serve(sock, table, log, limits);
  });
  server.on('error', (e) => log(`control socket: ${e.message}`));
  // Only the owner may connect; the peer check below is what actually decides. Node binds a unix
  // socket inside listen() itself, so the umask is put back as soon as it returns: left until the
  // 'listening' callback, it also applied to whatever the boot created in between (a path unit's
  // MakeDirectory= came out 0600).
  const oldUmask = process.umask(0o177);
  try {
    server.listen(path);
  } finally {
    process.umask(oldUmask);
  }
  server.once('listening', () => {
    try {
      chmodSync(path, 0o600);
    } catch (e) {
      log(`control socket: ${(e as Error).message}`);
    }
  });
  return { close: () => server.close() };
}

/**
 * One connection. Requests are answered one at a time, and the socket is not read while a request
 * is being answered or while an answer is still unread by the client (write() returned false until
 * 'drain'): a client that pipelines without reading stalls itself, in the kernel's socket buffers,
 * instead of growing svcd. What the connection holds is one read chunk of lines, one unfinished
 * line of at most maxRequestLine, and one answer.
 */
function serve(sock: Socket, table: Handlers, log: (text: string) => void, limits: ControlLimits): void {
  sock.on('error', () => {});
  const fd = (sock as unknown as { _handle?: { fd?: number } })._handle?.fd;
  let uid = -1;
  try {
    if (fd !== undefined && fd >= 0) uid = peerCredentials(fd).uid;
  } catch (e) {
    log(`control socket: cannot read peer credentials: ${(e as Error).message}`);
  }
  const myUid = process.getuid?.() ?? 0;
  if (uid !== 0 && uid !== myUid) {
    sock.end(refusal(0, 'access-denied', 'Access denied'));
    return;
  }
  const lines: string[] = [];
  let answering = false;
  let draining = false;
  /** Set once a line was too long: the stream cannot be framed any more, so it ends. */
  let overLong: string | undefined;
  const pump = (): void => {
    if (answering || draining || sock.destroyed) return;
    const line = lines.shift();
    if (line === undefined) {
      if (overLong === undefined) sock.resume();
      else sock.end(refusal(0, 'invalid', overLong));
      return;
    }
    sock.pause();
    answering = true;
    void answer(line, table).then((resp) => {
      answering = false;
      if (sock.destroyed || !sock.writable) return;
      if (!sock.write(encode(resp))) {
        draining = true;
        sock.once('drain', () => {
          draining = false;
          pump();
        });
      }
      pump();
    });
  };
  const reader = new LineReader((line) => lines.push(line), limits.maxRequestLine);
  sock.on('data', (d) => {
    try {
      reader.push(d);
    } catch (e) {
      if (!(e instanceof LineTooLongError)) throw e;
      // The lines before it are answered, then the refusal, then the connection ends: the rest
      // of the stream cannot be framed any more.
      overLong = e.message;
      sock.pause();
      sock.removeAllListeners('data');
    }
    pump();
  });
  sock.setTimeout(limits.idleTimeoutMs, () => {
    // A long job waited for (enqueue with wait) is not idleness.
    if (!answering) sock.destroy();
  });
}

async function answer(line: string, table: Handlers): Promise<Response> {
  const parsed = parseRequest(line);
  if (!parsed.ok) return { v: PROTOCOL_VERSION, id: parsed.refusal.id, ok: false, error: parsed.refusal.error };
  const req = parsed.request;
  const h = table[req.method] as (p: Methods[Method]['params']) => unknown;
  // Shape is checked by parseRequest; whether a unit name is valid is the unit layer's one rule.
  const refused = requestUnitNamesRefusal(req.params as Parameters<typeof requestUnitNamesRefusal>[0]);
  if (refused !== undefined) return { v: PROTOCOL_VERSION, id: req.id, ok: false, error: { code: 'invalid', message: refused } };
  try {
    const result = await h(req.params);
    return { v: PROTOCOL_VERSION, id: req.id, ok: true, result } as Response;
  } catch (e) {
    const code = e instanceof CallError ? e.code : 'internal';
    return { v: PROTOCOL_VERSION, id: req.id, ok: false, error: { code, message: (e as Error).message } };
  }
}
