// The native addon with real processes: exec context, setup failures, reaping orphans as PID 1 of a
// PID namespace, and a real-time signal reaching JS.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const repo = join(__dirname, '../..');
const fixtures = join(repo, 'test/fixtures/native');

describe('native spawn', () => {
  const r = spawnSync(process.execPath, [join(fixtures, 'spawn-cases.mjs')], { encoding: 'utf8' });
  const out = JSON.parse(r.stdout || '{}');
  it('runs the script', () => expect(r.stderr).toBe(''));
  it('passes argv, environment, working directory and output fds; reports the exit code', () => {
    expect(out.output).toBe('bar baz|/tmp|sh\nerr\n');
    expect(out.exit).toMatchObject({ code: 7, signal: 0 });
  });
  it('drops to the requested uid/gid and applies umask, nice, oom_score_adj and a new session', () => {
    expect([out.uid, out.gid, out.umask, out.oom, out.sessionLeader, out.niceValue]).toEqual(['65534', '65534', '0027', '100', true, 5]);
  });
  it('sets LimitNOFILE to the closest value the machine allows', () => {
    const expected = String(Math.min(65535, out.hardNofile));
    expect(out.nofile).toEqual([expected, expected]);
  });
  it('reports a kill by signal', () => expect(out.killed).toMatchObject({ code: -1, signal: 9 }));
  it('fails a missing binary with 203/EXEC, a bad directory with 200/CHDIR', () => {
    expect(out.missing).toMatchObject({ status: '203/EXEC', errnoName: 'ENOENT', message: 'Failed at step EXEC spawning: ENOENT' });
    expect(out.badcwd).toMatchObject({ status: '200/CHDIR', errnoName: 'ENOENT' });
    expect(out.baduser).toMatchObject({ status: '200/CHDIR', errnoName: 'EACCES' });
  });
});

describe('native reaper and signals as PID 1 of a PID namespace', () => {
  it('leaves no zombie of 1000 orphans after 1 s, and hears SIGRTMIN+3', async () => {
    const ns = spawn('unshare', ['--pid', '--fork', '--mount-proc', process.execPath, join(fixtures, 'pid1.mjs')], { stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<number | null>((r) => ns.on('exit', r));
    let stdout = '';
    ns.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    const until = async (re: RegExp) => {
      for (let i = 0; i < 400 && !re.test(stdout); i++) await new Promise((r) => setTimeout(r, 25));
      return re.exec(stdout);
    };
    const m = await until(/pid (\d+) zombies (\d+) reaped (\d+)/);
    expect(m, stdout).not.toBeNull();
    expect(m![1]).toBe('1');
    expect(Number(m![2])).toBe(0);
    expect(Number(m![3])).toBeGreaterThanOrEqual(1000);
    // The namespace's PID 1 is unshare's child on the host.
    const child = spawnSync('pgrep', ['-P', String(ns.pid)], { encoding: 'utf8' }).stdout.trim();
    // Node knows no real-time signal names: send SIGRTMIN+3 by number.
    process.kill(Number(child), 34 + 3);
    expect(await until(/signal SIGRTMIN\+3/)).not.toBeNull();
    expect(await exited).toBe(0);
  });
});

describe('native unix datagram sockets', () => {
  it('deliver each datagram whole, a 200 KB one included, with the sender\'s pid and uid', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'svcd-dgram-'));
    const sock = join(dir, 'notify');
    const rx = spawn(process.execPath, [join(fixtures, 'dgram.mjs'), sock, '2'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    rx.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise((r) => rx.on('exit', r));
    for (let i = 0; i < 200 && !out.includes('ready'); i++) await new Promise((r) => setTimeout(r, 10));
    const tx = spawnSync(process.execPath, [join(fixtures, 'dgram-send.mjs'), sock], { encoding: 'utf8' });
    const sent = JSON.parse(tx.stdout) as { pid: number; uid: number; r1: number; r2: number };
    expect([sent.r1, sent.r2]).toEqual([0, 0]);
    await exited;
    rmSync(dir, { recursive: true, force: true });
    const got = JSON.parse(out.split('\n')[1]!) as { length: number; head: string; sha: string; sender: { pid: number; uid: number } }[];
    expect(got.map((g) => [g.length, g.head])).toEqual([[17, 'READY=1\nSTATUS=u'], [200 * 1024, 'X_BIG_DATAGRAM=1']]);
    expect(got[1]!.sha).toBe('61616161deadbeef');
    for (const g of got) expect(g.sender).toMatchObject({ pid: sent.pid, uid: sent.uid });
  });
});
