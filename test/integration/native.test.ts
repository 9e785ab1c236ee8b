// The native addon with real processes: exec context and setup failures, reaping orphans as PID 1
// of a PID namespace (with a control run that does not reap), signals Node cannot catch, and AF_UNIX
// datagrams with their sender's credentials. The addon runs in fixture processes of its own: its
// reaper inside the test runner would steal the runner's children. Needs `npm run build` first.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MANAGER_SIGNALS, SpawnError, errnoName } from '../../src/exec/native.js';
import { readableBuild, signalPid } from '../support/proc.js';

const repo = join(__dirname, '../..');
const fixtures = join(repo, 'test/fixtures/native');
const work = mkdtempSync(join(tmpdir(), 'svcd-native-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('native tables', () => {
  // The signal and exit-status names themselves: test/unit/signal.test.ts, exit-status.test.ts.
  it('listens for every signal a manager takes, SIGRTMIN+0…+24 included', () => {
    expect(MANAGER_SIGNALS).toHaveLength(32);
    expect(MANAGER_SIGNALS).toContain('SIGRTMIN+24');
  });
  it('turns errnos into their names and setup failures into systemd wording', () => {
    expect([2, 13, 11, 95].map(errnoName)).toEqual(['ENOENT', 'EACCES', 'EAGAIN', 'EOPNOTSUPP']);
    const e = new SpawnError('exec', 2, 203, 42, '/usr/bin/x', 'No such file or directory');
    expect([e.status, e.errnoName, e.message, e.inChild]).toEqual(['203/EXEC', 'ENOENT', 'Failed at step EXEC spawning /usr/bin/x: No such file or directory', true]);
  });
});

interface Failure { name: string; stage: string; status: string; exitName: string; errnoName: string; message: string; pid: number; inChild: boolean; reaped: boolean }
interface ChildExit { pid: number; code: number; signal: number; coreDumped: boolean }
interface Cases {
  output: string; exit: ChildExit; childFds: string; passedSame: boolean; ownFds: number;
  hardNofile: number; uid: string; gid: string; groups: string; umask: string; sigBlk: string; sigIgn: string; parentSigIgn: string;
  parentMaskKept: boolean; nofile: number[]; core: number[]; oom: string; sessionLeader: boolean; groupLeader: boolean; niceValue: number;
  alive: number[]; pidfdSignal: number; killAfterExit: string; killed: ChildExit; pidfdAfterExit: string; killpg: number; groupKilled: ChildExit; killpgOne: string;
  policy: number; cpus: string; timerslack: string; ionice: string; caps: string[]; badaffinity: Failure;
  chroot?: string; chrootExit?: ChildExit; failedReported: number[]; nul: string;
  missing: Failure; badcwd: Failure; forbiddencwd: Failure; badstdout: Failure; badroot: Failure; badlimit: Failure; notexecutable: Failure;
}

describe('native spawn', () => {
  let out: Cases;
  let hasProbe = false;
  beforeAll(() => {
    // A static probe alone in a directory tree: a RootDirectory= with nothing else in it.
    const root = join(work, 'chroot');
    mkdirSync(root, { recursive: true });
    const cc = spawnSync('cc', ['-static', '-O1', '-o', join(root, 'chroot-probe'), join(fixtures, 'chroot-probe.c')], { encoding: 'utf8' });
    hasProbe = cc.status === 0;
    // stdio[3]: an fd the fixture inherits without close-on-exec, which its children must not get.
    const r = spawnSync(process.execPath, [join(fixtures, 'spawn-cases.mjs'), work], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe', 'pipe'] });
    expect(r.stderr).toBe('');
    out = JSON.parse(r.stdout) as Cases;
  });

  it('passes argv, environment and working directory; output arrives through a pipe; the exit code comes back', () => {
    expect(out.output).toBe('bar baz|/tmp|zero|one two\nerr\n');
    expect(out.exit).toMatchObject({ code: 7, signal: 0, coreDumped: false });
  });
  it('gives the child only stdio and the passed fds, the passed one at 3', () => {
    expect(out.childFds).toBe('0 1 2 3');
    expect(out.passedSame).toBe(true);
    expect(out.ownFds).toBeGreaterThan(8);
  });
  it('drops to nobody with no supplementary groups left from root, and applies umask, nice, oom_score_adj and a session', () => {
    expect([out.uid, out.gid]).toEqual(['65534\t65534\t65534\t65534', '65534\t65534\t65534\t65534']);
    expect(out.groups).toBe('');
    expect([out.umask, out.oom, out.niceValue, out.sessionLeader, out.groupLeader]).toEqual(['0027', '100', 5, true, true]);
  });
  it('resets the signal mask and every ignored signal (Node ignores SIGPIPE) without touching its own mask', () => {
    expect(out.parentSigIgn).not.toBe('0000000000000000');
    expect([out.sigBlk, out.sigIgn, out.parentMaskKept]).toEqual(['0000000000000000', '0000000000000000', true]);
  });
  it('sets LimitNOFILE=65535 to the closest value the hard limit allows, and lower limits exactly', () => {
    const expected = Math.min(65535, out.hardNofile);
    expect(out.nofile).toEqual([expected, expected]);
    expect(out.core).toEqual([1000, 1500]);
  });
  it('applies CPU scheduling policy, affinity, IO priority and timer slack', () => {
    expect([out.policy, out.cpus, out.timerslack, out.ionice]).toEqual([3, '0', '123456', 'idle']);
    expect(out.badaffinity).toMatchObject({ stage: 'cpuaffinity', status: '215/CPUAFFINITY', errnoName: 'EINVAL' });
  });
  it('keeps AmbientCapabilities= across the drop to nobody and shrinks the bounding set', () => {
    // CapInh, CapPrm, CapEff, CapBnd, CapAmb: NET_BIND_SERVICE (bit 10) everywhere, CHOWN (bit 0) only bounding.
    expect(out.caps).toEqual(['0000000000000400', '0000000000000400', '0000000000000400', '0000000000000401', '0000000000000400']);
  });
  it('signals through a pidfd, which reports ESRCH once the child is gone; killpg reaches a new process group', () => {
    expect([out.alive, out.pidfdSignal, out.pidfdAfterExit, out.killAfterExit]).toEqual([[0, 0], 0, 'ESRCH', 'ESRCH']);
    expect(out.killed).toMatchObject({ code: -1, signal: 15 });
    expect([out.killpg, out.groupKilled.signal, out.killpgOne]).toEqual([0, 9, 'EINVAL']);
  });
  it('runs a service inside RootDirectory=, starting at its /', () => {
    if (!hasProbe) return expect.fail('no C compiler with static libc to build the chroot probe');
    expect(out.chroot).toBe('cwd=/ self=visible');
    expect(out.chrootExit).toMatchObject({ code: 0 });
  });
  it('fails a missing binary with 203/EXEC and ENOENT, in systemd words', () => {
    expect(out.missing).toMatchObject({ name: 'SpawnError', stage: 'exec', status: '203/EXEC', errnoName: 'ENOENT', inChild: true, reaped: true });
    expect(out.missing.message).toBe('Failed at step EXEC spawning /nonexistent/prog: No such file or directory');
    expect(out.notexecutable).toMatchObject({ status: '203/EXEC', errnoName: 'EACCES' });
  });
  it('fails a missing or forbidden working directory with 200/CHDIR (checked as the service user)', () => {
    expect(out.badcwd).toMatchObject({ stage: 'chdir', status: '200/CHDIR', errnoName: 'ENOENT' });
    expect(out.forbiddencwd).toMatchObject({ stage: 'chdir', status: '200/CHDIR', errnoName: 'EACCES' });
  });
  it('names the other failed steps: stdout, chroot, limits', () => {
    expect(out.badstdout).toMatchObject({ stage: 'stdout', status: '209/STDOUT', errnoName: 'EBADF' });
    expect(out.badroot).toMatchObject({ stage: 'chroot', status: '210/CHROOT', errnoName: 'ENOENT' });
    expect(out.badlimit).toMatchObject({ stage: 'rlimit', status: '205/LIMITS', errnoName: 'EINVAL' });
  });
  it('collects a failed child itself, so the reaper never reports it, and refuses NUL bytes', () => {
    expect(out.failedReported).toEqual([]);
    expect(out.nul).toBe('TypeError');
  });
});

/** Runs pid1.mjs as PID 1 of a new PID namespace; returns its output so far and its host pid. */
function startPid1(mode: string[]) {
  const ns = spawn('unshare', ['--pid', '--fork', '--mount-proc', process.execPath, join(fixtures, 'pid1.mjs'), ...mode], { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<number | null>((r) => ns.on('exit', r));
  const state = { stdout: '', stderr: '' };
  ns.stdout.on('data', (d: Buffer) => (state.stdout += d.toString()));
  ns.stderr.on('data', (d: Buffer) => (state.stderr += d.toString()));
  const until = async (re: RegExp) => {
    for (let i = 0; i < 600 && !re.test(state.stdout); i++) await sleep(25);
    return re.exec(state.stdout);
  };
  // The namespace's PID 1 is unshare's child on the host.
  const hostPid = () => Number(spawnSync('pgrep', ['-P', String(ns.pid)], { encoding: 'utf8' }).stdout.trim());
  return { ns, exited, state, until, hostPid };
}

describe('native reaper and signals as PID 1 of a PID namespace', () => {
  it('leaves no zombie of 1000 double-forked orphans after 1 s, and hands SIGUSR1 from inside, SIGRTMIN+3, SIGHUP and SIGTERM from the host to JS', async () => {
    const p = startPid1([]);
    const m = await p.until(/pid (\d+) zombies (\d+) reaped (\d+)/);
    expect(m, p.state.stdout + p.state.stderr).not.toBeNull();
    expect(Number(m![1])).toBe(1);
    expect(Number(m![2])).toBe(0);
    expect(Number(m![3])).toBeGreaterThanOrEqual(1001);
    expect(await p.until(/signal 10 SIGUSR1/)).not.toBeNull();
    const pid1 = p.hostPid();
    // Node knows no real-time signal names: send SIGRTMIN+3 by number. Unhandled, it would be dropped.
    signalPid(pid1, 34 + 3);
    expect(await p.until(/signal 37 SIGRTMIN\+3/)).not.toBeNull();
    signalPid(pid1, 'SIGHUP');
    expect(await p.until(/signal 1 SIGHUP/)).not.toBeNull();
    signalPid(pid1, 'SIGTERM');
    expect(await p.exited).toBe(0);
    expect(p.state.stdout).toContain('signal 15 SIGTERM');
  });

  it('control: the same PID 1 without the reaper leaves the orphans as zombies', async () => {
    const p = startPid1(['noreap']);
    const m = await p.until(/pid (\d+) zombies (\d+)/);
    expect(m, p.state.stdout + p.state.stderr).not.toBeNull();
    expect(Number(m![2])).toBeGreaterThan(900);
    signalPid(p.hostPid(), 'SIGTERM');
    expect(await p.exited).toBe(0);
  });
});

describe('native unix datagram sockets', () => {
  it('deliver each datagram whole, a 200 KB one included, with the sender\'s pid, uid and gid, and lose none of a burst', async () => {
    const sock = join(work, 'notify');
    const rx = spawn(process.execPath, [join(fixtures, 'dgram.mjs'), sock, '4'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    rx.stdout.on('data', (d: Buffer) => (out += d.toString()));
    rx.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise((r) => rx.on('exit', r));
    for (let i = 0; i < 400 && !out.includes('ready'); i++) await sleep(10);
    // Anyone may send; the receiver learns who from the kernel, not from the message.
    chmodSync(sock, 0o777);
    chmodSync(work, 0o755);
    // The sender from a copy user 65534 can read: the checkout may be under a private directory.
    const build = readableBuild(repo, ['test/fixtures/native/dgram-send.mjs']);
    const send = (uid?: number, burst = 0) => {
      const tx = spawnSync(process.execPath, [join(build, 'test/fixtures/native/dgram-send.mjs'), sock, String(burst)], { encoding: 'utf8', ...(uid === undefined ? {} : { uid, gid: uid }) });
      expect(tx.stderr).toBe('');
      return JSON.parse(tx.stdout) as { pid: number; uid: number; gid: number; r1: number; r2: number; sha256: string[]; burstErrors: number };
    };
    const senders = [send(undefined, 5000), send(65534)];
    rmSync(build, { recursive: true, force: true });
    await exited;
    expect(err).toBe('');
    for (const s of senders) expect([s.r1, s.r2]).toEqual([0, 0]);
    const got = JSON.parse(out.split('\n')[1]!) as { length: number; head: string; sha256: string; sender: { pid: number; uid: number; gid: number } }[];
    expect(got.map((g) => [g.length, g.head])).toEqual([[17, 'READY=1\nSTATUS=u'], [200 * 1024, 'X_BIG_DATAGRAM=1'], [17, 'READY=1\nSTATUS=u'], [200 * 1024, 'X_BIG_DATAGRAM=1']]);
    expect(got.map((g) => g.sha256)).toEqual([...senders[0]!.sha256, ...senders[1]!.sha256]);
    expect(got.map((g) => g.sender)).toEqual([0, 0, 1, 1].map((i) => ({ pid: senders[i]!.pid, uid: senders[i]!.uid, gid: senders[i]!.gid, realtimeUsec: expect.any(Number), fds: [] })));
    // The kernel's receive time (SO_TIMESTAMP), in µs since the epoch: within a minute of now.
    for (const g of got as unknown as { sender: { realtimeUsec: number } }[]) expect(Math.abs(g.sender.realtimeUsec - Date.now() * 1000)).toBeLessThan(60e6);
    expect(senders[1]!.uid).toBe(65534);
    // 5000 small datagrams in a burst: none lost, none reordered.
    expect(senders[0]!.burstErrors).toBe(0);
    expect(JSON.parse(out.split('\n')[2]!)).toEqual({ burst: 5000, burstInOrder: true });
  });
});
