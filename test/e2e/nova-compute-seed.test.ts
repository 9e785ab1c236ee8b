// The seed: nova-compute.service from the project's origin article (section 3.3), with its
// /etc/init.d/nova-compute (whose systemd-start execs the daemon) and a stand-in daemon, run
// unmodified under svcd as PID 1 of a PID + mount namespace (test/fixtures/nova, extracted by
// scripts/extract-seed-fixtures.sh).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { signalPid } from '../support/proc.js';

const repo = join(__dirname, '../..');
const works: string[] = [];
const procs: ChildProcess[] = [];
afterAll(() => {
  // --kill-child: killing unshare takes the namespace (and everything in it) down, even after a failure.
  procs.forEach((p) => p.exitCode === null && p.kill('SIGKILL'));
  works.forEach((w) => rmSync(w, { recursive: true, force: true }));
});

interface Boot { work: string; proc: ChildProcess; console: () => string; exit: Promise<number | null> }
function boot(): Boot {
  const work = mkdtempSync(join(tmpdir(), 'svcd-nova-'));
  works.push(work);
  const proc = spawn('unshare', ['--mount', '--pid', '--fork', '--mount-proc', '--kill-child', 'sh', join(repo, 'test/fixtures/nova/boot-in-namespace.sh'), work, repo], { stdio: ['ignore', 'pipe', 'pipe'] });
  procs.push(proc);
  let out = '';
  proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  return { work, proc, console: () => out, exit: new Promise((r) => proc.on('exit', r)) };
}
const until = async (pred: () => boolean, ms = 20000) => {
  for (let t = 0; t < ms && !pred(); t += 50) await new Promise((r) => setTimeout(r, 50));
  return pred();
};
const log = (b: Boot) => { try { return readFileSync(join(b.work, 'var-upper/lib/nova/stand-in.log'), 'utf8'); } catch { return ''; } };
const svcdPid = (b: Boot) => Number(spawnSync('pgrep', ['-P', String(b.proc.pid)], { encoding: 'utf8' }).stdout.trim());
/** The PID namespace svcd is PID 1 of: the container test runs the same stand-in (sleep 100123) at the same time. */
const pidNs = (b: Boot) => readlinkSync(`/proc/${svcdPid(b)}/ns/pid`);
/** The stand-in daemons of one namespace, newest last. */
function standIns(ns: string): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (readFileSync(`/proc/${name}/cmdline`, 'utf8') === 'sleep\x00100123\x00' && readlinkSync(`/proc/${name}/ns/pid`) === ns) out.push(Number(name));
    } catch {
      // gone while we looked
    }
  }
  return out.sort((a, b) => a - b);
}
const mainPid = (ns: string) => standIns(ns).at(-1) ?? 0;
const idOf = (b: Boot, file: 'passwd' | 'group', name: string) =>
  Number(readFileSync(join(b.work, `etc-upper/${file}`), 'utf8').split('\n').find((l) => l.startsWith(`${name}:`))!.split(':')[2]);

describe('the nova-compute seed under svcd', () => {
  it('runs as written: pre-steps as root, the daemon as nova in /var/lib/nova with LimitNOFILE, restarted after kill -9, stopped within TimeoutStopSec', async () => {
    const b = boot();
    expect(await until(() => log(b).includes('started')), b.console()).toBe(true);
    // The daemon can log before svcd's console line reaches this process: wait for both.
    expect(await until(() => /\[ {2}OK {2}\] Started nova-compute\.service - OpenStack Compute\./.test(b.console())), b.console()).toBe(true);

    // ExecStartPre= ran as root (PermissionsStartOnly=true) and left the directories with the owners asked.
    const nova = idOf(b, 'passwd', 'nova');
    const novaGid = idOf(b, 'group', 'nova');
    const adm = Number(readFileSync('/etc/group', 'utf8').split('\n').find((l) => l.startsWith('adm:'))!.split(':')[2]);
    const own = (p: string) => { const s = statSync(join(b.work, 'var-upper', p)); return [s.uid, s.gid]; };
    expect(own('lib/nova')).toEqual([nova, novaGid]);
    expect(own('log/nova')).toEqual([nova, adm]);

    // The daemon: user nova, in WorkingDirectory=, with the init script's arguments.
    expect(log(b).trim()).toBe('started user=nova cwd=/var/lib/nova args=--config-file=/etc/nova/nova.conf --log-file=/var/log/nova/nova-compute.log');
    const ns = pidNs(b);
    const pid = mainPid(ns);
    const hard = Number(/^Max open files\s+\d+\s+(\d+)/m.exec(readFileSync('/proc/self/limits', 'utf8'))![1]);
    const limits = /^Max open files\s+(\d+)\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/limits`, 'utf8'))!;
    expect([Number(limits[1]), Number(limits[2])]).toEqual([Math.min(65535, hard), Math.min(65535, hard)]);

    // kill -9 of the main process: Restart=on-failure brings it back.
    signalPid(pid, 'SIGKILL');
    expect(await until(() => log(b).split('\n').filter(Boolean).length === 2)).toBe(true);
    expect(mainPid(ns)).not.toBe(pid);

    // Stop: the container's SIGTERM to PID 1 ends the service within TimeoutStopSec=15, then svcd exits 0.
    const t0 = Date.now();
    signalPid(svcdPid(b), 'SIGTERM');
    expect(await b.exit).toBe(0);
    expect(Date.now() - t0).toBeLessThan(15000);
    expect(b.console()).toMatch(/\[ {2}OK {2}\] Stopped nova-compute\.service - OpenStack Compute\./);
    expect(standIns(ns)).toEqual([]);
  });

  it('does not restart after a clean exit', async () => {
    const b = boot();
    expect(await until(() => log(b).includes('started'))).toBe(true);
    // The stand-in logs before it execs the daemon: wait for the daemon (kill(0) would hit us).
    const ns = pidNs(b);
    expect(await until(() => mainPid(ns) > 0)).toBe(true);
    // SIGTERM is a clean exit for a service (systemd.service(5), SuccessExitStatus=), so no restart.
    signalPid(mainPid(ns), 'SIGTERM');
    await new Promise((r) => setTimeout(r, 1500));
    expect(log(b).split('\n').filter(Boolean)).toHaveLength(1);
    expect(standIns(ns)).toEqual([]);
    signalPid(svcdPid(b), 'SIGTERM');
    expect(await b.exit).toBe(0);
  });
});
