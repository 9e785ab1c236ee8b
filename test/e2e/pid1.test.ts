// svcd's duties as a container's PID 1, each seen from outside as a container engine sees them:
//   - a service double-forking 1000 short-lived orphans leaves no zombie after a second;
//   - SIGTERM (docker stop) with 100 services: each gets SIGTERM in reverse dependency order (the
//     services write down when), one that ignores SIGTERM is SIGKILLed after its TimeoutStopSec=,
//     and PID 1 exits 0 within a bound;
//   - FailureAction=exit / SuccessAction=exit with their exit statuses become svcd's exit status;
//   - a unit in a restart loop makes is-system-running say degraded;
//   - garbage on the notify socket and the control socket does not bring PID 1 down.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildTree } from '../support/tree.mjs';
import { bootInNamespace, sleep } from '../support/svcd-ns.js';
import { signalPid } from '../support/proc.js';

const repo = join(__dirname, '../..');
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const workdir = () => {
  const d = mkdtempSync(join(tmpdir(), 'svcd-pid1-'));
  dirs.push(d);
  chmodSync(d, 0o755);
  return d;
};

/** Zombies whose parent is `pid` (host pids). */
function zombiesOf(pid: number): number {
  let n = 0;
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const st = readFileSync(`/proc/${name}/stat`, 'latin1');
      const f = st.slice(st.lastIndexOf(')') + 2).split(' ');
      if (f[0] === 'Z' && Number(f[1]) === pid) n++;
    } catch {
      // gone
    }
  }
  return n;
}

describe('svcd as a container\'s PID 1', () => {
  it('reaps 1000 double-forked orphans of a service: no zombie left after 1 s', async () => {
    const dir = workdir();
    const burst = "for i in $(seq 1000); do (sleep 0.01 &) ; done; touch " + join(dir, 'burst-done') + '; exec sleep 600';
    buildTree(join(dir, 'units'), { files: {
      'burst.service': `[Service]\nExecStart=/bin/sh -c '${burst.replaceAll('$', '$$')}'\n`,
      'x.target': '[Unit]\nWants=burst.service\n',
    } });
    const svcd = await bootInNamespace(dir, join(dir, 'units'), 'x.target');
    try {
      for (let t = 0; t < 30000 && spawnSync('test', ['-e', join(dir, 'burst-done')]).status !== 0; t += 50) await sleep(50);
      await sleep(1000);
      expect(zombiesOf(svcd.hostPid)).toBe(0);
      expect((await svcd.svcctl('is-active', 'burst.service')).stdout).toBe('active\n');
    } finally {
      await svcd.stop();
    }
  }, 60000);

  it('on SIGTERM stops 100 services in reverse dependency order, SIGKILLs one that ignores SIGTERM after TimeoutStopSec=, and exits 0', async () => {
    const dir = workdir();
    const marks = join(dir, 'term');
    mkdirSync(marks, { mode: 0o777 });
    const files: Record<string, string> = {};
    // A chain with branches: s<i> is ordered after s<floor(i/2)>, so stopping runs leaves first.
    for (let i = 0; i < 100; i++) {
      const after = i === 0 ? '' : `After=s${Math.floor(i / 2)}.service\n`;
      const trap = `trap 'date +%s%N > ${marks}/s${i}; exit 0' TERM; sleep 600 & wait`;
      files[`s${i}.service`] = `[Unit]\n${after}[Service]\nExecStart=/bin/sh -c "${trap.replaceAll('%', '%%')}"\n`;
    }
    files['stubborn.service'] = "[Service]\nExecStart=/bin/sh -c 'trap \"\" TERM; while :; do sleep 0.1; done'\nTimeoutStopSec=1\n";
    files['x.target'] = `[Unit]\nWants=${Object.keys(files).join(' ')}\n`;
    buildTree(join(dir, 'units'), { files });
    const svcd = await bootInNamespace(dir, join(dir, 'units'), 'x.target');
    const t0 = Date.now();
    signalPid(svcd.hostPid, 'SIGTERM');
    const code = await Promise.race([svcd.exited, sleep(20000).then(() => 'timeout' as const)]);
    const took = Date.now() - t0;
    try {
      expect(code).toBe(0);
      // Every service's stop waits for those ordered after it; the stubborn one costs its 1 s.
      expect(took).toBeLessThan(8000);
      const at = new Map(readdirSync(marks).map((n) => [n, BigInt(readFileSync(join(marks, n), 'utf8').trim())]));
      expect(at.size).toBe(100);
      const early: string[] = [];
      for (let i = 1; i < 100; i++) {
        const parent = `s${Math.floor(i / 2)}`;
        if (at.get(parent)! < at.get(`s${i}`)!) early.push(`${parent} got SIGTERM before s${i}, which is ordered after it`);
      }
      expect(early).toEqual([]);
      expect(svcd.console()).toMatch(/stubborn\.service: State 'stop-sigterm' timed out\. Killing\./);
      expect(svcd.console()).toMatch(/stubborn\.service: Main process exited, code=killed, status=9\/KILL\n/);
      expect(svcd.console()).toMatch(/svcd: exiting with status 0\.\n/);
    } finally {
      await svcd.stop();
    }
  }, 60000);

  it('exits with FailureActionExitStatus= when a FailureAction=exit unit fails, the others still stopped first', async () => {
    const dir = workdir();
    buildTree(join(dir, 'units'), { files: {
      'main.service': "[Unit]\nFailureAction=exit\nFailureActionExitStatus=42\n[Service]\nExecStart=/bin/sh -c 'sleep 0.5; exit 3'\n",
      'side.service': '[Service]\nExecStart=/bin/sleep 600\n',
      'x.target': '[Unit]\nWants=main.service side.service\n',
    } });
    const svcd = await bootInNamespace(dir, join(dir, 'units'), 'x.target');
    const code = await Promise.race([svcd.exited, sleep(15000).then(() => 'timeout' as const)]);
    expect(code).toBe(42);
    expect(svcd.console()).toMatch(/Stopped side\.service/);
  }, 30000);

  it('exits with SuccessActionExitStatus= when a SuccessAction=exit unit finishes', async () => {
    const dir = workdir();
    buildTree(join(dir, 'units'), { files: {
      'job.service': '[Unit]\nSuccessAction=exit\nSuccessActionExitStatus=5\n[Service]\nType=oneshot\nExecStart=/bin/sleep 0.3\n',
      'x.target': '[Unit]\nWants=job.service\n',
    } });
    const svcd = await bootInNamespace(dir, join(dir, 'units'), 'x.target');
    const code = await Promise.race([svcd.exited, sleep(15000).then(() => 'timeout' as const)]);
    expect(code).toBe(5);
  }, 30000);

  it('reports degraded to a health check while a unit is caught in a restart loop its start limit never stops', async () => {
    const dir = workdir();
    buildTree(join(dir, 'units'), { files: {
      // No start limit (StartLimitIntervalSec=0): the loop never ends by itself, however slowly the
      // machine answers the checks below (with the default 5 starts in 10 s, a loaded machine saw the
      // unit fail before the last check).
      'crashy.service': "[Unit]\nStartLimitIntervalSec=0\n[Service]\nExecStart=/bin/sh -c 'sleep 0.3; exit 1'\nRestart=always\nRestartSec=1\n",
      'fine.service': '[Service]\nExecStart=/bin/sleep 600\n',
      'x.target': '[Unit]\nWants=crashy.service fine.service\n',
    } });
    const svcd = await bootInNamespace(dir, join(dir, 'units'), 'x.target');
    try {
      await sleep(800);
      // Whatever phase of the loop it is caught in (running, auto-restart, restarting): degraded.
      for (let i = 0; i < 5; i++) {
        expect(await svcd.svcctl('is-system-running')).toMatchObject({ stdout: 'degraded\n', rc: 1 });
        await sleep(330);
      }
      expect((await svcd.svcctl('show', '-p', 'NFailedUnits')).stdout).toBe('NFailedUnits=0\n');
      // Stopped by hand, the loop is over.
      await svcd.svcctl('stop', 'crashy.service');
      expect((await svcd.svcctl('is-system-running')).stdout).toBe('running\n');
    } finally {
      await svcd.stop();
    }
  }, 30000);

  it('goes on, quietly, when its console goes away (the log pipe closed)', async () => {
    const dir = workdir();
    buildTree(join(dir, 'units'), { files: {
      'chatty.service': "[Service]\nExecStart=/bin/sh -c 'while :; do echo chat; sleep 0.05; done'\n",
      'x.target': '[Unit]\nWants=chatty.service\n',
    } });
    const run = join(dir, 'run');
    const p = spawn('unshare', ['--pid', '--fork', '--mount-proc', '--kill-child', process.execPath, join(repo, 'dist/cli/svcd.js'),
      '--unit-path', `${join(dir, 'units')}:${join(repo, 'units')}`, '--unit', 'x.target', '--config', '/nonexistent',
      '--runtime-dir', run, '--journal-dir', join(dir, 'journal')], { stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<number | null>((r) => p.on('exit', (c) => r(c)));
    try {
      for (let t = 0; t < 20000 && !existsSync(join(run, 'control.sock')); t += 50) await sleep(50);
      const svcd = Number(spawnSync('pgrep', ['-P', String(p.pid)], { encoding: 'utf8' }).stdout.trim());
      // The reader of svcd's stdout and stderr goes away; the service keeps printing.
      p.stdout!.destroy();
      p.stderr!.destroy();
      await sleep(500);
      const cpu = () => { const f = readFileSync(`/proc/${svcd}/stat`, 'latin1').split(') ')[1]!.split(' '); return Number(f[11]) + Number(f[12]); };
      const before = cpu();
      await sleep(2000);
      // A spinning svcd burns a core (~200 ticks in 2 s); one that carries on uses a few.
      expect(cpu() - before).toBeLessThan(40);
      const ctl = spawnSync(process.execPath, [join(repo, 'dist/cli/svcctl.js'), '--runtime-dir', run, 'is-active', 'chatty.service'], { encoding: 'utf8' });
      expect(ctl.stdout).toBe('active\n');
      const logs = spawnSync(process.execPath, [join(repo, 'dist/cli/svcctl.js'), 'logs', '-D', join(dir, 'journal'), '-o', 'cat', '--no-pager'], { encoding: 'utf8' }).stdout;
      expect(logs).toMatch(/Console output failed \(EPIPE\)/);
      expect(logs.split('\n').filter((l) => l === 'chat').length).toBeGreaterThan(20);
      spawnSync(process.execPath, [join(repo, 'dist/cli/svcctl.js'), '--runtime-dir', run, 'exit']);
      expect(await Promise.race([exited, sleep(15000).then(() => 'timeout')])).toBe(0);
    } finally {
      p.kill('SIGKILL');
    }
  }, 40000);

  it('survives garbage on its notify and control sockets', async () => {
    const dir = workdir();
    buildTree(join(dir, 'units'), { files: {
      'n.service': `[Service]\nType=notify\nNotifyAccess=all\nExecStart=/bin/sh -c 'systemd-notify --ready; exec sleep 600'\n`,
      'x.target': '[Unit]\nWants=n.service\n',
    } });
    const svcd = await bootInNamespace(dir, join(dir, 'units'), 'x.target');
    try {
      const notify = join(svcd.run, 'notify');
      for (const junk of ['MAINPID=abc', 'MAINPID=1', 'MAINPID=-5', 'READY=1\nSTATUS=\u0000\u00ff', 'WATCHDOG_USEC=x', 'EXTEND_TIMEOUT_USEC=-1', 'ERRNO=zz', '='.repeat(70000), '\u0000\u0001\u0002']) {
        spawnSync('python3', ['-c', 'import socket,sys; s=socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); s.sendto(bytes.fromhex(sys.argv[2]), sys.argv[1])', notify, Buffer.from(junk, 'latin1').toString('hex')]);
      }
      for (const junk of ['{not json}\n', '{"v":1,"id":1,"method":"show","params":{"unit":{"x":1}}}\n', '{"v":1,"id":2,"method":"kill","params":{"unit":"n.service","whom":"all","signal":"KILL"}}\n', `${'x'.repeat(200000)}\n`, '{"v":99}\n', '\n\n']) {
        await new Promise<void>((resolve) => {
          const c = createConnection(join(svcd.run, 'control.sock'), () => c.end(junk));
          c.on('error', () => resolve());
          c.on('close', () => resolve());
          c.resume();
        });
      }
      await sleep(300);
      expect((await svcd.svcctl('is-system-running')).stdout).toMatch(/^(running|degraded)\n$/);
      expect((await svcd.svcctl('is-active', 'n.service')).stdout).toBe('active\n');
    } finally {
      await svcd.stop();
    }
    expect(await svcd.exited).toBe(0);
  }, 30000);
});
