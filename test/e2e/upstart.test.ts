// Upstart jobs under svcd as PID 1 of a PID + mount namespace: the seed's /etc/init/nova-compute.conf
// as the article prints it (a stand-in nova-compute, as the seed's other test uses), run through svcd's
// upstart generator; upstart's commands (start, stop, status, initctl, runlevel, telinit) installed
// as links to svcctl, called from outside and from the job's own pre-start; a set of jobs that
// exercise the stanzas; and the way down on the container's SIGTERM.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootScript, until, type ScriptBoot } from '../support/ns-boot.js';
import { signalPid } from '../support/proc.js';

const repo = join(__dirname, '../..');
const jobs = join(repo, 'test/fixtures/upstart/jobs');
const work = mkdtempSync(join(tmpdir(), 'svcd-upstart-'));
const usable = spawnSync('unshare', ['--mount', '--pid', '--fork', '--mount-proc', 'true']).status === 0;
let ns: ScriptBoot | undefined;
/** A command run inside with the image's PATH (upstart's commands are links in /usr/sbin). */
const inside = (...args: string[]) => ns!.inside('env', 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', ...args);
const out = (r: { status: number | null; stdout: string; stderr: string }) => ({ status: r.status, stdout: r.stdout, stderr: r.stderr });
/** A file of the namespace's overlays, from the host. */
const upper = (dir: 'var' | 'etc', p: string) => join(work, `${dir}-upper`, p);
const read = (p: string) => (existsSync(p) ? readFileSync(p, 'utf8') : '');
const standIn = () => read(upper('var', 'lib/nova/stand-in.log'));
const marks = () => read(join(work, 'marks'));
/** The pid `status` names. */
const pidOf = (line: string) => Number(/process (\d+)/.exec(line)?.[1] ?? 0);

beforeAll(async () => {
  if (!usable) return;
  // The jobs exercising the stanzas (test/fixtures/upstart/jobs), each writing what it saw into $WORK/marks.
  mkdirSync(join(work, 'jobs'));
  for (const f of readdirSync(jobs)) writeFileSync(join(work, 'jobs', f), readFileSync(join(jobs, f), 'utf8').replaceAll('@WORK@', work));
  writeFileSync(join(work, 'marks'), '');
  chmodSync(work, 0o777);
  chmodSync(join(work, 'marks'), 0o666);
  ns = bootScript(join(repo, 'test/fixtures/upstart/boot-in-namespace.sh'), [work, repo]);
  await until(() => /Reached target multi-user\.target/.test(ns!.output()), 60000);
}, 90000);
afterAll(() => {
  ns?.kill();
  rmSync(work, { recursive: true, force: true });
  // Where the chroot job would have written had it not been chrooted.
  rmSync('/svcd-up-chroot-proof', { force: true });
});

describe.skipIf(!usable)('upstart jobs under svcd as PID 1', () => {
  it('runs the seed job as written: pre-start as root, status libvirt-bin "unknown job", the daemon as nova (start-stop-daemon\'s own chdir to / after the job\'s chdir /var/run)', async () => {
    expect(await until(() => standIn().includes('started')), ns!.output()).toBe(true);
    expect(standIn().trim()).toBe('started user=nova cwd=/ args=--config-file=/etc/nova/nova.conf --config-file=/etc/nova/nova-compute.conf');
    const novaUid = Number(inside('id', '-u', 'nova').stdout);
    for (const d of ['run/nova', 'run/lock/nova']) expect(statSync(join(`/proc/${ns!.pid1()}/root`, d)).uid, d).toBe(novaUid);
    // The pre-start's `status libvirt-bin` went to the journal as upstart's tool says it.
    const logs = ns!.svcctl('logs', '-u', 'nova-compute', '--no-pager', '-o', 'cat').stdout;
    expect(logs).toMatch(/^status: Unknown job: libvirt-bin$/m);
    expect(logs).toMatch(/^status: Unknown job: neutron-ovs-cleanup$/m);
    expect(ns!.output()).toMatch(/\[ {2}OK {2}\] Started nova-compute\.service - Nova compute worker\./);
    expect(ns!.output()).toMatch(/svcd-up-manual\.conf:3: unknown stanza "frobnicate", ignored/);
    expect(ns!.output()).toMatch(/svcd-up-unterminated\.conf:4: post-stop script has no "end script": the rest of the file is the script's, and the script is ignored/);
    expect(inside('status', 'svcd-up-unterminated').stdout).toMatch(/^svcd-up-unterminated start\/running, process \d+\n$/);
  });

  it('answers status, start, initctl and runlevel in upstart\'s words and exit codes', async () => {
    const s = out(inside('status', 'nova-compute'));
    expect(s).toMatchObject({ status: 0, stderr: '' });
    expect(s.stdout).toMatch(/^nova-compute start\/running, process \d+\n$/);
    // The pid upstart names is the daemon's (start-stop-daemon exec'd it).
    expect(read(join(`/proc/${ns!.pid1()}/root/proc`, String(pidOf(s.stdout)), 'cmdline'))).toBe('sleep\x00100123\x00');
    expect(out(inside('status', 'libvirt-bin'))).toEqual({ status: 1, stdout: '', stderr: 'status: Unknown job: libvirt-bin\n' });
    expect(out(inside('start', 'nova-compute'))).toEqual({ status: 1, stdout: '', stderr: 'start: Job is already running: nova-compute\n' });
    expect(out(inside('initctl', 'status', 'svcd-up-manual'))).toEqual({ status: 0, stdout: 'svcd-up-manual stop/waiting\n', stderr: '' });
    expect(out(inside('stop', 'svcd-up-manual'))).toEqual({ status: 1, stdout: '', stderr: 'stop: Unknown instance: \n' });
    expect(out(inside('status'))).toEqual({ status: 1, stdout: '', stderr: "status: missing job name\nTry `status --help' for more information.\n" });
    // (the flaky job's respawns are over once it is stop/waiting)
    expect(await until(() => inside('status', 'svcd-up-flaky').stdout === 'svcd-up-flaky stop/waiting\n')).toBe(true);
    const list = inside('initctl', 'list').stdout.split('\n').filter(Boolean);
    expect(list.map((l) => l.replace(/process \d+/, 'process N'))).toEqual([
      'nova-api start/running, process N',
      'nova-compute start/running, process N',
      'svcd-up-cancel stop/waiting',
      'svcd-up-chroot stop/waiting',
      'svcd-up-daemon start/running, process N',
      'svcd-up-daemonize stop/waiting',
      'svcd-up-event stop/waiting',
      'svcd-up-flaky stop/waiting',
      'svcd-up-fork start/running, process N',
      'svcd-up-instance stop/waiting',
      'svcd-up-manual stop/waiting',
      'svcd-up-net start/running, process N',
      'svcd-up-partof start/running, process N',
      'svcd-up-reload start/running, process N',
      'svcd-up-stop start/running, process N',
      'svcd-up-task stop/waiting',
      'svcd-up-unterminated start/running, process N',
    ]);
    // restart: a new main process; a task's start returns when it has run, stop/waiting.
    const fork = pidOf(inside('status', 'svcd-up-fork').stdout);
    const restarted = out(inside('restart', 'svcd-up-fork'));
    expect(restarted.stdout).toMatch(/^svcd-up-fork start\/running, process \d+\n$/);
    expect(pidOf(restarted.stdout)).not.toBe(fork);
    const tasks = () => marks().split('\n').filter((l) => l.startsWith('task ')).length;
    const before = tasks();
    const started = out(inside('start', 'svcd-up-task'));
    // Should it fail, what the task and svcd said (a CI run once saw "Job failed to start" here).
    const why = () => `${ns!.svcctl('status', 'svcd-up-task', '--no-pager', '-n', '20').stdout}\n${ns!.output().slice(-3000)}`;
    expect(started, started.status === 0 ? '' : why()).toEqual({ status: 0, stdout: 'svcd-up-task stop/waiting\n', stderr: '' });
    expect(tasks()).toBe(before + 1);
    expect(out(inside('restart', 'svcd-up-task'))).toEqual({ status: 1, stdout: '', stderr: 'restart: Unknown instance: \n' });
    expect(out(inside('initctl', 'version')).stdout).toMatch(/^init \(svcd \d+\.\d+\.\d+\)\n$/);
    expect(out(inside('runlevel'))).toEqual({ status: 0, stdout: 'N 3\n', stderr: '' });
  });

  it('task, env, chdir, chroot (started on stopped TASK), umask, nice, limit, setuid; expect fork follows the child; a pre-start that calls stop cancels the start', () => {
    expect(marks()).toMatch(/^task hello {2}there user=nova cwd=\/var\/lib\/nova nice=7 nofile=1234 job=svcd-up-task core=unlimited from-init=from-the-manager$/m);
    // chroot: the task wrote its / , the chroot directory.
    expect(read(join(work, 'chroot/svcd-up-chroot-proof'))).toBe('chrooted cwd=/\n');
    expect(existsSync('/svcd-up-chroot-proof')).toBe(false);
    expect(statSync(upper('var', 'lib/nova/umask-probe')).mode & 0o777).toBe(0o600);
    const fork = inside('status', 'svcd-up-fork').stdout;
    expect(read(join(`/proc/${ns!.pid1()}/root/proc`, String(pidOf(fork)), 'cmdline'))).toBe('sleep\x00100124\x00');
    // From its own pre-start, status named that script's shell as upstart does: no main process yet.
    const preStart = /^cancel pre-start (\d+)$/m.exec(marks())?.[1];
    expect(preStart).toBeDefined();
    expect(marks()).toContain(`\nsvcd-up-cancel start/pre-start\n\tpre-start process ${preStart}\n`);
    expect(inside('status', 'svcd-up-cancel').stdout).toBe('svcd-up-cancel stop/waiting\n');
    // Cancelled, not failed (the health check's is-system-running stays running).
    expect(ns!.svcctl('is-failed', 'svcd-up-cancel').stdout).toBe('inactive\n');
    // The override's manual: not started at boot, but by hand.
    expect(out(inside('start', 'svcd-up-manual')).stdout).toMatch(/^svcd-up-manual start\/running, process \d+\n$/);
    expect(out(inside('stop', 'svcd-up-manual'))).toEqual({ status: 0, stdout: 'svcd-up-manual stop/waiting\n', stderr: '' });
  });

  it('startup, post-start, setgid, oom score, console none; reload signal; kill timeout; stop on stopping; net-device-up; expect daemon, expect stop', async () => {
    expect(marks()).toMatch(/^reload up gid=nova oom=300$/m);
    expect(marks()).toMatch(/^post-start svcd-up-reload$/m);
    // console none: what the job printed went nowhere.
    expect(ns!.svcctl('logs', '-u', 'svcd-up-reload', '--no-pager', '-o', 'cat').stdout).not.toMatch(/reload up/);
    expect(out(inside('reload', 'svcd-up-reload'))).toEqual({ status: 0, stdout: '', stderr: '' });
    expect(await until(() => marks().includes('reload got USR1\n'))).toBe(true);
    expect(inside('status', 'svcd-up-net').stdout).toMatch(/^svcd-up-net start\/running, process \d+\n$/);
    expect(inside('status', 'svcd-up-partof').stdout).toMatch(/^svcd-up-partof start\/running, process \d+\n$/);
    // The job ignores SIGTERM: the kill timeout's SIGKILL ends it, and the job stopping with it goes too.
    expect(out(inside('stop', 'svcd-up-reload'))).toEqual({ status: 0, stdout: 'svcd-up-reload stop/waiting\n', stderr: '' });
    expect(marks()).toMatch(/^reload ignores TERM$/m);
    expect(await until(() => inside('status', 'svcd-up-partof').stdout === 'svcd-up-partof stop/waiting\n')).toBe(true);

    // expect stop: the job stopped itself when ready, and was continued.
    expect(marks()).toMatch(/^continued after SIGSTOP$/m);
    const stopped = inside('status', 'svcd-up-stop').stdout;
    expect(read(join(`/proc/${ns!.pid1()}/root/proc`, String(pidOf(stopped)), 'cmdline'))).toBe('/usr/bin/sleep\x00100136\x00');

    // expect daemon: the job follows the daemon that forked twice away from the started process.
    const daemonized = out(inside('start', 'svcd-up-daemonize'));
    expect(daemonized.stdout).toMatch(/^svcd-up-daemonize start\/running, process \d+\n$/);
    expect(read(join(`/proc/${ns!.pid1()}/root/proc`, String(pidOf(daemonized.stdout)), 'cmdline'))).toBe('sleep\x00100133\x00');
  });

  it('initctl emit: an event a program emits starts the jobs that start on it and stops those that stop on it, each time', () => {
    const state = () => inside('status', 'svcd-up-event').stdout;
    expect(state()).toBe('svcd-up-event stop/waiting\n');
    expect(out(inside('initctl', 'emit', 'svcd-go'))).toEqual({ status: 0, stdout: '', stderr: '' });
    // emit returned once the job had started.
    expect(state()).toMatch(/^svcd-up-event start\/running, process \d+\n$/);
    expect(out(inside('initctl', 'emit', 'svcd-halt'))).toEqual({ status: 0, stdout: '', stderr: '' });
    expect(state()).toBe('svcd-up-event stop/waiting\n');
    expect(out(inside('initctl', 'emit', 'svcd-go')).status).toBe(0);
    expect(state()).toMatch(/^svcd-up-event start\/running, process \d+\n$/);
    // An event no job waits for is accepted.
    expect(out(inside('initctl', 'emit', 'nobody-waits', 'KEY=value'))).toEqual({ status: 0, stdout: '', stderr: '' });
    expect(out(inside('initctl', 'emit'))).toEqual({ status: 1, stdout: '', stderr: "initctl: missing event name\nTry `initctl --help' for more information.\n" });
    expect(out(inside('initctl', 'frobnicate'))).toEqual({ status: 1, stdout: '', stderr: "initctl: invalid command: frobnicate\nTry `initctl --help' for more information.\n" });
  });

  it('respawn limit: three runs (two respawns) and upstart gives up; an instance job is started, listed and stopped by its variable', async () => {
    expect(await until(() => inside('status', 'svcd-up-flaky').stdout === 'svcd-up-flaky stop/waiting\n')).toBe(true);
    expect(marks().split('\n').filter((l) => l === 'flaky run')).toHaveLength(3);

    const started = out(inside('start', 'svcd-up-instance', 'PORT=7'));
    expect(started).toMatchObject({ status: 0, stderr: '' });
    expect(started.stdout).toMatch(/^svcd-up-instance \(7\) start\/running, process \d+\n$/);
    expect(await until(() => marks().includes('instance 7 7\n'))).toBe(true);
    expect(inside('status', 'svcd-up-instance', 'PORT=7').stdout).toBe(started.stdout);
    expect(inside('initctl', 'list').stdout).toContain(`\n${started.stdout}`);
    expect(out(inside('stop', 'svcd-up-instance', 'PORT=7'))).toEqual({ status: 0, stdout: 'svcd-up-instance (7) stop/waiting\n', stderr: '' });
  });

  it('console log: the output of every run is appended to /var/log/upstart/JOB.log (JOB-INSTANCE.log), 0640 root:root, created again once rotated away; the journal has it too', async () => {
    const upstartLog = (name: string) => upper('var', `log/upstart/${name}`);
    const runs = () => read(upstartLog('svcd-up-flaky.log'));
    expect(await until(() => runs() === 'flaky says run\n'.repeat(3)), runs()).toBe(true);
    const st = statSync(upstartLog('svcd-up-flaky.log'));
    expect({ mode: st.mode & 0o7777, uid: st.uid, gid: st.gid }).toEqual({ mode: 0o640, uid: 0, gid: 0 });
    expect(ns!.svcctl('logs', '-u', 'svcd-up-flaky', '--no-pager', '-o', 'cat').stdout.split('\n').filter((l) => l === 'flaky says run')).toHaveLength(3);
    // The seed job's pre-start output, and nothing of a job with console none.
    expect(await until(() => read(upstartLog('nova-compute.log')).includes('status: Unknown job: libvirt-bin\n'))).toBe(true);
    expect(existsSync(upstartLog('svcd-up-reload.log'))).toBe(false);
    // An instance's file is named by its variable's value; logrotate's unlink: the next line makes a new file.
    const instance = () => read(upstartLog('svcd-up-instance-7.log'));
    expect(await until(() => instance() === 'instance 7 says hi\n'), instance()).toBe(true);
    expect(inside('rm', '/var/log/upstart/svcd-up-instance-7.log').status).toBe(0);
    expect(out(inside('start', 'svcd-up-instance', 'PORT=7')).status).toBe(0);
    expect(await until(() => instance() === 'instance 7 says hi\n'), instance()).toBe(true);
    expect(out(inside('stop', 'svcd-up-instance', 'PORT=7')).status).toBe(0);
    // The follower restarted goes on from where it stopped: nothing copied twice, the new line copied.
    expect(ns!.svcctl('restart', 'svcd-upstart-log.service').status).toBe(0);
    expect(out(inside('start', 'svcd-up-instance', 'PORT=8')).status).toBe(0);
    expect(await until(() => read(upstartLog('svcd-up-instance-8.log')) === 'instance 8 says hi\n')).toBe(true);
    expect(out(inside('stop', 'svcd-up-instance', 'PORT=8')).status).toBe(0);
    expect(runs()).toBe('flaky says run\n'.repeat(3));
    expect(instance()).toBe('instance 7 says hi\n');
  });

  it('respawns seed 003\'s nova-api after kill -9 (respawn); the seed\'s nova-compute, which has no respawn, stays down until started', async () => {
    const apiLog = () => read(upper('var', 'lib/nova/nova-api.log'));
    expect(apiLog().trim()).toBe('started user=nova cwd=/var/lib/nova args=--config-file=/etc/nova/nova.conf --log-file=/var/log/nova/nova-api.log');
    const api = pidOf(inside('status', 'nova-api').stdout);
    // start-stop-daemon --make-pidfile wrote the pid upstart names.
    expect(read(join(`/proc/${ns!.pid1()}/root/run/nova/nova-api.pid`)).trim()).toBe(String(api));
    inside('kill', '-9', String(api));
    expect(await until(() => apiLog().split('\n').filter(Boolean).length === 2)).toBe(true);
    expect(await until(() => { const p = pidOf(inside('status', 'nova-api').stdout); return p > 0 && p !== api; })).toBe(true);

    const before = pidOf(inside('status', 'nova-compute').stdout);
    inside('kill', '-9', String(before));
    expect(await until(() => inside('status', 'nova-compute').stdout === 'nova-compute stop/waiting\n')).toBe(true);
    expect(standIn().split('\n').filter(Boolean)).toHaveLength(1);
    expect(out(inside('start', 'nova-compute')).stdout).toMatch(/^nova-compute start\/running, process \d+\n$/);
    expect(await until(() => standIn().split('\n').filter(Boolean).length === 2)).toBe(true);

    // kill signal INT: the job's trap sees it on stop; pre-stop runs before, post-stop after.
    expect(out(inside('stop', 'svcd-up-daemon'))).toEqual({ status: 0, stdout: 'svcd-up-daemon stop/waiting\n', stderr: '' });
    expect(marks()).toMatch(/^pre-stop\ngot INT\npost-stop$/m);
    // `normal exit 3`: exiting 3 is not respawned, and the job is not failed.
    writeFileSync(join(work, 'exit3'), '');
    expect(out(inside('start', 'svcd-up-daemon')).status).toBe(0);
    expect(await until(() => inside('status', 'svcd-up-daemon').stdout === 'svcd-up-daemon stop/waiting\n')).toBe(true);
    expect(ns!.svcctl('is-failed', 'svcd-up-daemon').stdout).toBe('inactive\n');
    // Any other end (a kill) is respawned.
    const started = out(inside('start', 'svcd-up-daemon')).stdout;
    const pid = pidOf(started);
    expect(pid).toBeGreaterThan(0);
    inside('kill', '-9', String(pid));
    expect(await until(() => { const p = pidOf(inside('status', 'svcd-up-daemon').stdout); return p > 0 && p !== pid; })).toBe(true);
  });

  it('telinit 5 isolates runlevel5.target: runlevel says "3 5", the jobs of runlevel 5 keep running; init 3 goes back', async () => {
    expect(out(inside('telinit', '5')).status).toBe(0);
    expect(await until(() => inside('runlevel').stdout === '3 5\n')).toBe(true);
    expect(ns!.svcctl('is-active', 'graphical.target').stdout).toBe('active\n');
    expect(inside('status', 'nova-compute').stdout).toMatch(/^nova-compute start\/running, process \d+\n$/);
    // `init 3`, with svcd as the image's init, is telinit 3.
    expect(out(inside('init', '3'))).toEqual({ status: 0, stdout: '', stderr: '' });
    expect(await until(() => inside('runlevel').stdout === '5 3\n')).toBe(true);
    expect(ns!.svcctl('is-active', 'graphical.target').stdout).toBe('inactive\n');
  });

  it('stops the jobs on the container\'s SIGTERM: the daemon goes, post-stop runs, svcd exits 0', async () => {
    const p = pidOf(inside('status', 'nova-compute').stdout);
    expect(p).toBeGreaterThan(0);
    const postStops = () => marks().split('\n').filter((l) => l === 'post-stop').length;
    const before = postStops();
    signalPid(ns!.pid1(), 'SIGTERM');
    expect(await ns!.exit).toBe(0);
    expect(ns!.output()).toMatch(/\[ {2}OK {2}\] Stopped nova-compute\.service - Nova compute worker\./);
    expect(postStops()).toBe(before + 1);
  });
});
