// Real Debian packages' unit files, unmodified, under svcd as PID 1 of a PID + mount namespace:
// nginx (Type=forking, PIDFile=, ExecStartPre= config test, ExecStop=), redis-server (Type=notify
// with sd_notify READY=1, User=, RuntimeDirectory=, LimitNOFILE=, confined by the seccomp and mount
// sandboxing svcd enforces),
// memcached; ssh (notify, two ExecReload= lines) and cron where installed. Each must answer on
// loopback, and SIGTERM must leave nothing of them behind.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { signalPid } from '../support/proc.js';

const repo = join(__dirname, '../..');
const installed = (pkg: string) => spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' }).stdout.includes('install ok installed');
const UNITS: Record<string, string> = { nginx: 'nginx.service', 'redis-server': 'redis-server.service', memcached: 'memcached.service' };
const present = Object.keys(UNITS).filter(installed);
// Booted with the others where installed: ssh (Type=notify, ExecStartPre= config test, two ExecReload=
// lines, KillMode=process, RuntimeDirectory=) and cron.
const EXTRA: Record<string, string> = { 'openssh-server': 'ssh.service', cron: 'cron.service' };
const extras = Object.keys(EXTRA).filter(installed);
const work = mkdtempSync(join(tmpdir(), 'svcd-debian-'));
let proc: ChildProcess | undefined;
afterAll(() => {
  if (proc && proc.exitCode === null) proc.kill('SIGKILL');
  rmSync(work, { recursive: true, force: true });
});

/** Sends `request` to a loopback port and returns what comes back first. */
function ask(port: number, request: string): Promise<string> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1', () => s.write(request));
    s.on('data', (d) => {
      resolve(d.toString());
      s.destroy();
    });
    s.on('error', (e) => resolve(`error: ${e.message}`));
  });
}
const until = async (pred: () => boolean | Promise<boolean>, ms = 20000) => {
  for (let t = 0; t < ms; t += 100) {
    if (await pred()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
};

describe.skipIf(present.length < 3)(`Debian units under svcd (${present.join(', ')}; skipped unless nginx, redis-server and memcached are installed)`, () => {
  let out = '';
  let exit: Promise<number | null>;
  it('starts all three from their own unit files', async () => {
    proc = spawn('unshare', ['--mount', '--pid', '--fork', '--mount-proc', '--kill-child', 'sh', join(repo, 'test/fixtures/debian/boot-in-namespace.sh'), work, repo, ...Object.values(UNITS), ...extras.map((p) => EXTRA[p]!)], { stdio: ['ignore', 'pipe', 'pipe'] });
    proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    proc.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    exit = new Promise((r) => proc!.on('exit', r));
    expect(await until(() => /Reached target x\.target/.test(out)), out).toBe(true);
    expect(out).toMatch(/\[ {2}OK {2}\] Started nginx\.service - A high performance web server and a reverse proxy server\./);
    expect(out).toMatch(/\[ {2}OK {2}\] Started redis-server\.service - Advanced key-value store\./);
    expect(out).toMatch(/\[ {2}OK {2}\] Started memcached\.service - memcached daemon\./);
    expect(out).not.toMatch(/FAILED|DEPEND/);
  });
  it('nginx (forking) serves on port 80', async () => {
    expect(await until(async () => (await ask(80, 'GET / HTTP/1.0\r\n\r\n')).startsWith('HTTP/1.1 200'))).toBe(true);
  });
  it('redis (notify, as user redis, in its RuntimeDirectory=) answers PING', async () => {
    expect(await ask(6379, 'PING\r\n')).toBe('+PONG\r\n');
    const pid = Number(spawnSync('pgrep', ['-n', '-x', 'redis-server'], { encoding: 'utf8' }).stdout.trim());
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const redisUid = Number(readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith('redis:'))!.split(':')[2]);
    expect(Number(/^Uid:\s+(\d+)/m.exec(status)![1])).toBe(redisUid);
    // Confined as its unit asks (docs/sandboxing.md) and still answering: seccomp filters, no new
    // privileges, /usr read-only (ProtectSystem=strict), /root hidden (ProtectHome=).
    expect([/^NoNewPrivs:\s+(\d)/m.exec(status)![1], /^Seccomp:\s+(\d)/m.exec(status)![1]]).toEqual(['1', '2']);
    const mounts = readFileSync(`/proc/${pid}/mountinfo`, 'utf8').split('\n').map((l) => l.split(' '));
    expect(mounts.filter((f) => f[4] === '/usr' || f[4] === '/').every((f) => f[5]!.split(',').includes('ro'))).toBe(true);
    expect(mounts.some((f) => f[4] === '/root')).toBe(true);
  });
  it.skipIf(!extras.includes('openssh-server'))('ssh (notify) answers with its banner on port 22 and reloads through both ExecReload= lines', async () => {
    expect(await until(() => /Started ssh\.service - OpenBSD Secure Shell server\./.test(out))).toBe(true);
    expect(await ask(22, '')).toMatch(/^SSH-2\.0-OpenSSH/);
    const pid1 = Number(spawnSync('pgrep', ['-P', String(proc!.pid)], { encoding: 'utf8' }).stdout.trim());
    const inside = (...args: string[]) => spawnSync('nsenter', ['-t', String(pid1), '-m', '-p', '--', process.execPath, join(repo, 'dist/cli/svcctl.js'), '--runtime-dir', '/run/svcd', ...args], { encoding: 'utf8' });
    const main = inside('show', '-p', 'MainPID', '--value', 'ssh.service').stdout;
    expect(inside('reload', 'ssh.service')).toMatchObject({ status: 0, stderr: '' });
    expect(inside('status', '--no-pager', 'ssh.service').stdout).toMatch(/ExecReload=\/bin\/kill -HUP \$MAINPID \(code=exited, status=0\/SUCCESS\)/);
    expect(inside('show', '-p', 'MainPID', '--value', 'ssh.service').stdout).toBe(main);
    expect(await ask(22, '')).toMatch(/^SSH-2\.0-OpenSSH/);
  });
  it.skipIf(!extras.includes('cron'))('cron runs', () => {
    expect(out).toMatch(/\[ {2}OK {2}\] Started cron\.service - Regular background program processing daemon\./);
  });
  it('memcached answers a stats request', async () => {
    expect(await ask(11211, 'version\r\n')).toMatch(/^VERSION /);
  });
  it('reloads nginx through its ExecReload= (same master, new workers, still serving), as systemctl reload does', async () => {
    const pid1 = Number(spawnSync('pgrep', ['-P', String(proc!.pid)], { encoding: 'utf8' }).stdout.trim());
    // svcctl runs inside the namespaces: /run (the control socket) is private to them.
    const inside = (...args: string[]) => spawnSync('nsenter', ['-t', String(pid1), '-m', '-p', '--', process.execPath, join(repo, 'dist/cli/svcctl.js'), '--runtime-dir', '/run/svcd', ...args], { encoding: 'utf8' });
    const before = inside('show', '-p', 'MainPID', '--value', 'nginx.service').stdout;
    const workers = () => spawnSync('pgrep', ['-f', '^nginx: worker'], { encoding: 'utf8' }).stdout.trim().split('\n').sort().join(' ');
    const oldWorkers = workers();
    expect(inside('reload', 'nginx.service')).toMatchObject({ status: 0, stderr: '' });
    expect(await until(() => workers() !== oldWorkers && workers() !== '')).toBe(true);
    expect(inside('show', '-p', 'MainPID', '--value', 'nginx.service').stdout).toBe(before);
    expect(inside('is-active', 'nginx.service').stdout).toBe('active\n');
    // As under systemd, a reload's end is journalled ("Reloaded …") but not printed on the console.
    const journalled = () => /Reloaded nginx\.service/.test(inside('logs', '-u', 'nginx.service', '-o', 'cat', '--no-pager').stdout);
    expect(await until(journalled), inside('logs', '-u', 'nginx.service', '--no-pager').stdout).toBe(true);
    expect(out).not.toMatch(/Reloaded nginx\.service/);
    expect(await ask(80, 'GET / HTTP/1.0\r\n\r\n')).toMatch(/^HTTP\/1\.1 200/);
    // redis-server.service has no ExecReload=: refused in systemctl's words.
    expect(inside('reload', 'redis-server.service')).toMatchObject({ status: 3, stderr: 'Failed to reload redis-server.service: Job type reload is not applicable for unit redis-server.service.\n' });
  });
  it('stops them all on SIGTERM, leaving no process behind, and exits 0', async () => {
    const pid1 = Number(spawnSync('pgrep', ['-P', String(proc!.pid)], { encoding: 'utf8' }).stdout.trim());
    signalPid(pid1, 'SIGTERM');
    expect(await exit).toBe(0);
    for (const name of ['nginx', 'redis-server', 'memcached']) {
      expect(spawnSync('pgrep', ['-x', name]).status, name).toBe(1);
    }
    expect(out).toMatch(/Stopped nginx\.service/);
    expect(out).toMatch(/Stopped redis-server\.service/);
    // A host may run its own sshd and cron: these are checked by svcd's word, not by process name.
    for (const unit of extras.map((p) => EXTRA[p]!)) expect(out).toMatch(new RegExp(`\\[ {2}OK {2}\\] Stopped ${unit.replace('.', '\\.')}`));
  });
});
