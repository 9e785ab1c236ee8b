// The control socket's server under abuse (issue 18, items 4, 5 and 7), against a real socket and a
// stand-in manager: malformed requests get typed refusals, a client that never reads stalls itself
// instead of growing the server, and connections are capped and timed out.
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { createConnection, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ManagerApi, ManagerStatus } from '../../src/engine/api.js';
import { defaultLimits, startControlServer, type ControlLimits, type ControlServer } from '../../src/control/server.js';
import { encode, LineReader } from '../../src/control/protocol.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Answer { id: number; ok: boolean; error?: { code: string; message: string } }

/** A manager that only counts status() calls and records shutdown requests. */
function standIn() {
  const calls = { status: 0, shutdown: [] as [string, number | undefined][] };
  const status = { version: 'test', systemState: 'running', bootUnit: 'x.target', runtimeDir: '/run', nJobs: 0, nFailedUnits: 0 } as unknown as ManagerStatus;
  const api = {
    status: () => {
      calls.status++;
      return status;
    },
    shutdown: (how: string, code?: number) => void calls.shutdown.push([how, code]),
  } as unknown as ManagerApi;
  return { api, calls };
}

/** A raw client: write lines, read answers as they come. */
function client(path: string) {
  const sock = createConnection(path);
  const answers: Answer[] = [];
  const waiters: (() => void)[] = [];
  const reader = new LineReader((line) => {
    answers.push(JSON.parse(line) as Answer);
    waiters.splice(0).forEach((w) => w());
  });
  sock.on('data', (d) => reader.push(d));
  sock.on('error', () => {});
  const closed = new Promise<void>((r) => sock.on('close', () => r()));
  const next = async (n: number): Promise<Answer[]> => {
    while (answers.length < n) await Promise.race([new Promise<void>((r) => waiters.push(r)), closed.then(() => { throw new Error(`closed after ${answers.length} answers`); })]);
    return answers.splice(0, n);
  };
  return { sock, answers, next, closed };
}

let dir: string;
let server: ControlServer | undefined;
const sockets: Socket[] = [];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'svcd-control-'));
});
afterEach(() => {
  sockets.splice(0).forEach((s) => s.destroy());
  server?.close();
  server = undefined;
  rmSync(dir, { recursive: true, force: true });
});

async function start(limits: Partial<ControlLimits> = {}) {
  const m = standIn();
  const path = join(dir, 'control.sock');
  server = startControlServer(path, m.api, () => {}, { ...defaultLimits(), ...limits });
  for (let t = 0; t < 100; t++) {
    const ok = await new Promise<boolean>((r) => {
      const s = createConnection(path);
      s.on('connect', () => (s.destroy(), r(true)));
      s.on('error', () => r(false));
    });
    if (ok) break;
    await sleep(20);
  }
  const open = () => {
    const c = client(path);
    sockets.push(c.sock);
    return c;
  };
  return { ...m, path, open };
}

const req = (id: number, method: unknown, params?: unknown) => encode({ v: 1, id, method, params });

describe('control requests are checked at the edge', () => {
  it('answers each malformed request with a typed error, in order, and keeps serving', async () => {
    const { open, calls } = await start();
    const c = open();
    const bad: [string, string, RegExp?][] = [
      ['null\n', 'invalid'],
      ['[1,2]\n', 'invalid'],
      ['{not json\n', 'invalid'],
      [req(1, 'constructor'), 'unknown-method'],
      [req(2, '__proto__'), 'unknown-method'],
      [req(3, 'toString'), 'unknown-method'],
      [req(4, 42), 'unknown-method'],
      [req(5, 'unit-states', { units: null }), 'invalid-argument', /"units"/],
      [req(6, 'show', { unit: 5 }), 'invalid-argument', /"unit"/],
      [req(7, 'status-page', { unit: 'a.service', color: 'yes' }), 'invalid-argument', /"color"/],
      [req(8, 'kill', { unit: 'a.service', whom: 'main', signal: 'TERM' }), 'invalid-argument', /"signal"/],
      [req(9, 'cancel-job', { id: -1 }), 'invalid-argument', /"id"/],
      [req(10, 'enqueue', { unit: 'a.service', type: 'start', mode: 'replace' }), 'invalid-argument', /"wait"/],
      [req(11, 'manager-status', 'x'), 'invalid-argument', /params/],
      [req(12, 'shutdown', { how: 'sideways' }), 'invalid-argument', /"how"/],
      [req(13, 'shutdown', { how: 'exit', code: 1.5 }), 'invalid-argument', /"code"/],
      [req(14, 'shutdown', { how: 'exit', code: 256 }), 'invalid-argument', /"code"/],
      [req(15, 'shutdown', { how: 'exit', code: -1 }), 'invalid-argument', /"code"/],
      [req(16, 'shutdown', { how: 'exit', code: '3' }), 'invalid-argument', /"code"/],
      [encode({ v: 2, id: 17, method: 'manager-status' }), 'version'],
    ];
    for (const [line] of bad) c.sock.write(line);
    c.sock.write(req(99, 'manager-status'));
    const answers = await c.next(bad.length + 1);
    bad.forEach(([line, code, message], i) => {
      expect(answers[i]?.ok, line).toBe(false);
      expect(answers[i]?.error?.code, line).toBe(code);
      if (message) expect(answers[i]?.error?.message, line).toMatch(message);
    });
    expect(answers[bad.length]).toMatchObject({ id: 99, ok: true });
    expect(calls.shutdown).toEqual([]);
  });

  it('passes a valid exit code on', async () => {
    const { open, calls } = await start();
    const c = open();
    c.sock.write(req(1, 'shutdown', { how: 'exit', code: 255 }));
    expect(await c.next(1)).toMatchObject([{ id: 1, ok: true }]);
    await sleep(10);
    expect(calls.shutdown).toEqual([['exit', 255]]);
  });

  it('refuses an over-long request line and closes the connection', async () => {
    const { open } = await start({ maxRequestLine: 1000 });
    const c = open();
    c.sock.write(req(1, 'manager-status'));
    c.sock.write(`{"v":1,"id":2,"method":"show","params":{"unit":"${'a'.repeat(5000)}`);
    await c.closed;
    expect(c.answers.map((a) => [a.id, a.ok, a.error?.code])).toEqual([[1, true, undefined], [0, false, 'invalid']]);
  });
});

describe('one connection cannot grow svcd', () => {
  it('stops reading a client that does not read its answers, and loses no answer', async () => {
    const { open, calls } = await start();
    const c = open();
    c.sock.pause();
    const total = 200_000;
    const line = req(1, 'manager-status');
    let sent = 0;
    // Queued in the client's own memory once the socket is full: the server must not take them.
    for (; sent < total; sent++) c.sock.write(line);
    // Wait until the server stops taking bytes (no progress between two looks), then look at
    // what it left with the client: nearly all of it, had it not stopped reading.
    let seen = -1;
    while (c.sock.writableLength !== seen) {
      seen = c.sock.writableLength;
      await sleep(300);
    }
    expect(c.sock.writableLength).toBeGreaterThan((total * line.length) / 2);
    expect(calls.status).toBeLessThan(total / 4);
    c.sock.resume();
    const answers = await c.next(total);
    expect(answers.every((a) => a.ok)).toBe(true);
    expect(calls.status).toBe(total);
  }, 120_000);
});

describe('connections are limited', () => {
  it('closes connections beyond the cap at once, and serves again once one has gone', async () => {
    const { open } = await start({ maxConnections: 3 });
    const held = [open(), open(), open()];
    for (const c of held) {
      c.sock.write(req(1, 'manager-status'));
      await c.next(1);
    }
    const extra = open();
    await extra.closed;
    expect(extra.answers).toMatchObject([{ ok: false, error: { code: 'busy' } }]);
    held[0]?.sock.destroy();
    await held[0]?.closed;
    await sleep(50);
    const again = open();
    again.sock.write(req(2, 'manager-status'));
    expect(await again.next(1)).toMatchObject([{ id: 2, ok: true }]);
  });

  it('closes an idle connection', async () => {
    const { open } = await start({ idleTimeoutMs: 200 });
    const c = open();
    c.sock.write(req(1, 'manager-status'));
    await c.next(1);
    await c.closed;
  });

  it('leaves supervision a reserve of file descriptors under a low fd limit', () => {
    expect(defaultLimits(1024).maxConnections).toBeLessThanOrEqual(1024 - 512);
    expect(defaultLimits(1024 * 1024).maxConnections).toBe(256);
    expect(defaultLimits(100).maxConnections).toBe(8);
  });
});

describe('the control socket', () => {
  it('is the owner\'s alone, and the manager\'s umask is its own again once the socket is bound', async () => {
    const before = process.umask(0o022);
    try {
      const m = standIn();
      const path = join(dir, 'control.sock');
      server = startControlServer(path, m.api, () => {});
      // Whatever the manager creates next (a MakeDirectory=, a journal file) gets its usual mode.
      expect(process.umask()).toBe(0o022);
      for (let t = 0; t < 100 && !existsSync(path); t++) await sleep(10);
      await sleep(50);
      expect(statSync(path).mode & 0o777).toBe(0o600);
    } finally {
      process.umask(before);
    }
  });
});
