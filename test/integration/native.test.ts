// The native addon with real processes: exec context, setup failures, reaping orphans as PID 1 of a
// PID namespace, and a real-time signal reaching JS.
import { spawn, spawnSync } from 'node:child_process';
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
