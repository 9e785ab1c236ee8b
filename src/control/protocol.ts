/**
 * The control protocol between svcctl and svcd, version 1 (docs/control.md): one request per line
 * of JSON on the stream socket RUNTIME_DIR/control.sock, one response line per request, in order.
 *
 *   → {"v":1,"id":7,"method":"enqueue","params":{"unit":"nginx.service","type":"start","mode":"replace","wait":true}}
 *   ← {"v":1,"id":7,"ok":true,"result":{…}}   |   {"v":1,"id":7,"ok":false,"error":{"code":"no-such-unit","message":"Unit x.service not found."}}
 *
 * Only root (and svcd's own uid) may talk to it: the server checks the peer's SO_PEERCRED and the
 * socket is mode 0600. Everything that crosses is plain JSON (bigints travel as decimal strings).
 * This module is the only place both sides share: methods, parameters and results are typed here.
 */
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import type { SecurityInfo } from '../unit/security-info.js';

export const PROTOCOL_VERSION = 1;
export const CONTROL_SOCKET = 'control.sock';
/** svcd's runtime directory unless --runtime-dir (or $SVCD_RUNTIME_DIR for a client) says otherwise. */
export const DEFAULT_RUNTIME_DIR = '/run/svcd';

/** Where a client finds the control socket: --runtime-dir, else $SVCD_RUNTIME_DIR, else the default. */
export function controlSocketPath(runtimeDir: string | undefined, env: Readonly<Record<string, string | undefined>>): string {
  return join(runtimeDir ?? (env.SVCD_RUNTIME_DIR || DEFAULT_RUNTIME_DIR), CONTROL_SOCKET);
}

export interface UnitRow {
  readonly id: string;
  readonly load: string;
  readonly active: string;
  readonly sub: string;
  readonly description: string;
  readonly job?: { readonly id: number; readonly type: string; readonly state: string };
}

/** One Listen…= line of a socket unit, as list-sockets prints it. */
export interface SocketRow {
  readonly listen: string;
  readonly type: string;
  readonly unit: string;
  readonly activates: readonly string[];
}

/** One PathXxx= line of a path unit, as list-paths prints it. */
export interface PathRow {
  readonly path: string;
  /** The line's type: PathExists, PathChanged, … */
  readonly condition: string;
  readonly unit: string;
  readonly activates: readonly string[];
}

export interface EnqueueResult {
  readonly jobId: number;
  /** Set when the request waited: done, failed, canceled, dependency, timeout, … */
  readonly result?: string;
  /** The unit's Result= after the job (for systemctl's "because the control process exited…" texts). */
  readonly unitResult?: string;
  readonly unitType?: string;
}

export interface Methods {
  /** ManagerStatus, flattened (timestamps as µs strings). */
  'manager-status': { params: Record<string, never>; result: { version: string; systemState: string; bootUnit: string; journalDir?: string; runtimeDir: string; nJobs: number; nFailedUnits: number; exitCode?: number } };
  /** `show`: [name, value] in systemd's order and format; `unit` absent: the manager's properties. */
  show: { params: { unit?: string; properties?: string[]; all?: boolean }; result: { properties: [string, string][] } };
  /** One line of state per name, for is-active/is-failed. */
  'unit-states': { params: { units: string[] }; result: { id: string; load: string; active: string; sub: string }[] };
  'list-units': { params: { all?: boolean; types?: string[]; states?: string[]; patterns?: string[] }; result: UnitRow[] };
  /** `status UNIT`: the rendered page (systemctl's layout) and its exit code. */
  'status-page': { params: { unit: string; color: boolean; now?: string; /** Journal lines to show (-n); default 10. */ lines?: number }; result: { text: string; found: boolean; active: string; needDaemonReload?: boolean } };
  /** `list-dependencies`: which edges the tree follows (systemctl's --reverse/--after/--before; the last one given wins). */
  'list-dependencies': { params: { unit: string; dependency?: ListDependencyType; all?: boolean; color?: boolean; plain?: boolean }; result: { text: string } };
  /** `status` without a unit: the manager's overview page (systemctl's layout). */
  'status-overview': { params: { color: boolean }; result: { text: string } };
  'list-sockets': { params: { all?: boolean; states?: string[]; patterns?: string[] }; result: SocketRow[] };
  'list-jobs': { params: Record<string, never>; result: { id: number; unit: string; type: string; state: string }[] };
  enqueue: { params: { unit: string; type: string; mode: string; wait: boolean }; result: EnqueueResult };
  'cancel-job': { params: { id: number }; result: Record<string, never> };
  kill: { params: { unit: string; whom: string; signal: number }; result: Record<string, never> };
  'reset-failed': { params: { unit?: string }; result: Record<string, never> };
  'daemon-reload': { params: Record<string, never>; result: Record<string, never> };
  /** Answered before svcd re-executes; the connection then ends. */
  'daemon-reexec': { params: Record<string, never>; result: Record<string, never> };
  shutdown: { params: { how: 'exit' | 'poweroff' | 'halt' | 'reboot'; code?: number }; result: Record<string, never> };
  /** list-timers: soonest first; `next`/`last` realtime µs as decimal strings ("0" or 2^64-1: none). */
  'list-timers': { params: { all?: boolean; patterns?: string[] }; result: { id: string; next: string; last: string; activates: string[] }[] };
  /** Every unit in memory with what systemd-analyze's time verbs read of it (ListUnits + properties). */
  'unit-times': { params: Record<string, never>; result: UnitTimesRow[] };
  /** show-environment: the manager's environment block, NAME=value in its order. */
  environment: { params: Record<string, never>; result: { environment: string[] } };
  /** unset-environment then set-environment, all or nothing; refused with code `invalid`. */
  'set-environment': { params: { set: string[]; unset: string[] }; result: Record<string, never> };
  /** The loaded unit's sandboxing settings as `analyze security` judges them. */
  'security-info': { params: { unit: string }; result: SecurityInfo };
  /** list-paths: every PathXxx= line of the path units list-units would show, sorted as systemctl sorts them. */
  'list-paths': { params: { all?: boolean; states?: string[]; patterns?: string[] }; result: PathRow[] };
  /** `analyze dump`: the unit's dependency lines with their origins, its RequiresMountsFor= paths, and its type's own lines (a service's). */
  'dump-dependencies': { params: { unit: string }; result: { lines: { line: string; unit: string; origins: string }[]; requiresMountsFor: { path: string; origin: string }[]; typeSection: string[]; conditions: string[]; cgroupMasks: string[] } };
}

/** A unit's state-change times (CLOCK_MONOTONIC µs as decimal strings, '0': never) and its After= list. */
export interface UnitTimesRow {
  readonly id: string;
  readonly inactiveExit: string;
  readonly activeEnter: string;
  readonly activeExit: string;
  readonly inactiveEnter: string;
  readonly after: readonly string[];
}

export type Method = keyof Methods;

export interface Request<M extends Method = Method> {
  readonly v: number;
  readonly id: number;
  readonly method: M;
  readonly params: Methods[M]['params'];
}

export interface ControlError {
  readonly code: string;
  readonly message: string;
}

export type Response<M extends Method = Method> =
  | { readonly v: number; readonly id: number; readonly ok: true; readonly result: Methods[M]['result'] }
  | { readonly v: number; readonly id: number; readonly ok: false; readonly error: ControlError };

export function encode(msg: unknown): string {
  return `${JSON.stringify(msg, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))}\n`;
}

/** A line longer than its reader's limit: the peer is not speaking the protocol (or means harm). */
export class LineTooLongError extends Error {
  constructor(readonly limit: number) {
    super(`Request line longer than ${limit} characters.`);
  }
}

/**
 * Splits a byte stream into lines of JSON, in time linear in the bytes. What it holds is at most
 * one unfinished line, which may not grow past `maxLine` characters (16 Mi by default, for the
 * client reading answers; the server passes its own, smaller request limit).
 */
export class LineReader {
  private readonly decoder = new StringDecoder('utf8');
  private partial: string[] = [];
  private partialLength = 0;
  constructor(
    private readonly onLine: (line: string) => void,
    private readonly maxLine = 16 * 1024 * 1024,
  ) {}
  push(chunk: Buffer | string): void {
    const s = typeof chunk === 'string' ? chunk : this.decoder.write(chunk);
    let start = 0;
    let nl: number;
    while ((nl = s.indexOf('\n', start)) >= 0) {
      const line = this.take(s.slice(start, nl));
      start = nl + 1;
      if (line.trim() !== '') this.onLine(line);
    }
    this.hold(s.slice(start));
  }
  private hold(piece: string): void {
    if (this.partialLength + piece.length > this.maxLine) throw new LineTooLongError(this.maxLine);
    if (piece === '') return;
    this.partial.push(piece);
    this.partialLength += piece.length;
  }
  private take(last: string): string {
    this.hold(last);
    const line = this.partial.join('');
    this.partial = [];
    this.partialLength = 0;
    return line;
  }
}

/** A refused or failed connection, in the words systemctl uses. */
export class ConnectionError extends Error {
  constructor(
    message: string,
    readonly code: 'no-daemon' | 'access-denied' | 'protocol',
  ) {
    super(message);
  }
}

/** One call to the daemon: connects, sends, waits for the answer, disconnects. */
export function call<M extends Method>(socketPath: string, method: M, params: Methods[M]['params']): Promise<Response<M>> {
  return new Promise((resolve, reject) => {
    const sock = createConnection(socketPath);
    let settled = false;
    const reader = new LineReader((line) => {
      settled = true;
      sock.end();
      try {
        resolve(JSON.parse(line) as Response<M>);
      } catch {
        reject(new ConnectionError('Invalid answer from svcd.', 'protocol'));
      }
    });
    sock.on('connect', () => sock.write(encode({ v: PROTOCOL_VERSION, id: 1, method, params } satisfies Request<M>)));
    sock.on('data', (d) => reader.push(d));
    sock.on('error', (e: NodeJS.ErrnoException) => {
      if (settled) return;
      settled = true;
      if (e.code === 'EACCES' || e.code === 'EPERM') reject(new ConnectionError('Failed to connect to bus: Permission denied', 'access-denied'));
      else reject(new ConnectionError(`System has not been booted with svcd as init system (PID 1). Can't operate.\nFailed to connect to bus: ${e.code === 'ENOENT' || e.code === 'ECONNREFUSED' ? 'No such file or directory' : e.message} (${socketPath})`, 'no-daemon'));
    });
    sock.on('close', () => {
      if (!settled) reject(new ConnectionError('Connection closed by svcd.', 'protocol'));
    });
  });
}

/** The edges `list-dependencies` follows: requirements (forward), who requires the unit (reverse), or ordering. */
export const LIST_DEPENDENCY_TYPES = ['forward', 'reverse', 'after', 'before'] as const;
export type ListDependencyType = (typeof LIST_DEPENDENCY_TYPES)[number];
