// svcd as PID 1 (with the fd limit of a container, 1024) against hostile control clients (issue 18,
// items 4, 5, 7): one that pipelines requests and never reads the answers, a crowd of idle
// connections, malformed requests. Each time svcd must stay small, keep supervising, answer, and
// still stop on SIGTERM.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createConnection, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encode, LineReader } from '../../src/control/protocol.js';
import { buildTree } from '../support/tree.mjs';
import { bootInNamespace, sleep, type SvcdInNamespace } from '../support/svcd-ns.js';

const dir = mkdtempSync(join(tmpdir(), 'svcd-control-abuse-'));
const out = join(dir, 'out');
buildTree(dir, {
  files: {
    'units/crashy.service': `[Service]\nExecStart=/bin/sh -c 'echo $$$$ >> ${out}/crashy; exec sleep 600'\nRestart=always\nRestartSec=100ms\n`,
    'units/x.target': '[Unit]\nRequires=multi-user.target\nAfter=multi-user.target\nWants=crashy.service\n',
    'out/.keep': '',
  },
});

let svcd: SvcdInNamespace;
const until = async (pred: () => boolean, ms = 20000) => {
  for (let t = 0; t < ms && !pred(); t += 50) await sleep(50);
  return pred();
};
const lines = (f: string) => (existsSync(f) ? readFileSync(f, 'utf8').trim().split('\n') : []);
const rssKiB = () => Number(/^VmRSS:\s+(\d+)/m.exec(readFileSync(`/proc/${svcd.hostPid}/status`, 'utf8'))?.[1]);
const sockPath = () => join(svcd.run, 'control.sock');

function connect(): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = createConnection(sockPath());
    s.on('connect', () => resolve(s));
    s.on('error', reject);
  });
}

/** One request on a fresh connection, written raw; resolves with the first answer line. */
async function raw(line: string): Promise<{ ok: boolean; error?: { code: string; message: string } }> {
  const s = await connect();
  return new Promise((resolve, reject) => {
    const reader = new LineReader((l) => {
      s.destroy();
      resolve(JSON.parse(l) as { ok: boolean; error?: { code: string; message: string } });
    });
    s.on('data', (d) => reader.push(d));
    s.on('close', () => reject(new Error(`closed without an answer to ${line}`)));
    s.write(line);
  });
}

beforeAll(async () => {
  svcd = await bootInNamespace(dir, join(dir, 'units'), 'x.target', '/nonexistent', ['prlimit', '--nofile=1024:1024', '--']);
  await until(() => lines(join(out, 'crashy')).length === 1);
}, 30_000);
afterAll(async () => {
  await svcd?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('svcd under hostile control clients', () => {
  it('stays bounded in memory while a client pipelines requests and never reads', async () => {
    const before = rssKiB();
    const s = await connect();
    s.pause();
    s.on('error', () => {});
    const line = encode({ v: 1, id: 1, method: 'manager-status', params: {} });
    for (let i = 0; i < 300_000; i++) s.write(line);
    // Until svcd takes no more of it (no progress between two looks).
    let seen = -1;
    while (s.writableLength !== seen) {
      seen = s.writableLength;
      await sleep(500);
    }
    // And a while longer, in case svcd is still working through what it took.
    let peak = rssKiB();
    for (let i = 0; i < 6; i++, await sleep(500)) peak = Math.max(peak, rssKiB());
    const grown = peak - before;
    s.destroy();
    expect(grown, `svcd grew by ${grown} KiB`).toBeLessThan(64 * 1024);
    expect((await svcd.svcctl('is-system-running')).stdout).toBe('running\n');
  }, 120_000);

  it('answers each malformed request with an error and stays healthy', async () => {
    const req = (method: unknown, params?: unknown) => encode({ v: 1, id: 1, method, params });
    const cases: [string, string][] = [
      [req('shutdown', { how: 'sideways' }), 'invalid-argument'],
      [req('shutdown', { how: 'exit', code: 1.5 }), 'invalid-argument'],
      [req('shutdown', { how: 'exit', code: 256 }), 'invalid-argument'],
      [req('show', { unit: 5 }), 'invalid-argument'],
      [req('unit-states', { units: null }), 'invalid-argument'],
      [req('constructor'), 'unknown-method'],
      ['null\n', 'invalid'],
    ];
    for (const [line, code] of cases) expect(await raw(line), line).toMatchObject({ ok: false, error: { code } });
    expect((await svcd.svcctl('is-system-running')).stdout, svcd.console()).toBe('running\n');
    expect((await svcd.svcctl('is-active', 'crashy.service')).stdout).toBe('active\n');
  });

  it('keeps restarting a service while idle connections crowd the socket', async () => {
    const crowd: Socket[] = [];
    for (let i = 0; i < 1000; i++) {
      const s = createConnection(sockPath());
      s.on('error', () => {});
      crowd.push(s);
    }
    await Promise.all(crowd.map((s) => new Promise((r) => (s.once('connect', r), s.once('close', r)))));
    await sleep(200);
    const [pid] = lines(join(out, 'crashy'));
    spawnSync('nsenter', ['-t', String(svcd.hostPid), '-p', '-m', 'kill', '-9', pid!]);
    const restarted = await until(() => lines(join(out, 'crashy')).length === 2);
    crowd.forEach((s) => s.destroy());
    expect(restarted, svcd.console()).toBe(true);
    expect(svcd.console()).not.toMatch(/Too many open files/);
    await sleep(200);
    expect((await svcd.svcctl('is-active', 'crashy.service')).stdout).toBe('active\n');
  }, 60_000);

  it('still stops on SIGTERM', async () => {
    process.kill(svcd.hostPid, 'SIGTERM');
    const code = await Promise.race([svcd.exited, sleep(30_000).then(() => 'still running')]);
    expect(code).toBe(0);
  }, 40_000);
});
