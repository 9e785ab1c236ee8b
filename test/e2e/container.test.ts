// The image's behaviour, checked without a Docker engine: the layout docker/Dockerfile and the
// openstack-seed example build, assembled in a mount + PID namespace (test/fixtures/container), with
// svcd started as the ENTRYPOINT starts it. What a container user and the programs inside see:
// the boot, systemctl/journalctl/service(8) reaching svcd, the health check, docker stop. The image's
// root is an overlay with its own /tmp (image-layout.sh): the ENTRYPOINT's tmpfiles.d --remove never
// reaches the host's.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signalPid } from '../support/proc.js';

const repo = join(__dirname, '../..');
const work = mkdtempSync(join(tmpdir(), 'svcd-image-'));
let proc: ChildProcess;
let out = '';
let exitCode: number | null = null;
const until = async (pred: () => boolean, ms = 30000) => {
  for (let t = 0; t < ms && !pred(); t += 50) await new Promise((r) => setTimeout(r, 50));
  return pred();
};
/** Runs a command inside the container's namespaces, as `docker exec` would. */
const exec = (...cmd: string[]) => {
  const target = Number(spawnSync('pgrep', ['-P', String(proc.pid)], { encoding: 'utf8' }).stdout.trim());
  return spawnSync('nsenter', ['-t', String(target), '-m', '-p', '-r', '--', 'env', 'PATH=/usr/sbin:/usr/bin:/sbin:/bin', ...cmd], { encoding: 'utf8' });
};

beforeAll(async () => {
  proc = spawn('unshare', ['--mount', '--pid', '--fork', '--mount-proc', '--kill-child', 'sh', join(repo, 'test/fixtures/container/image-layout.sh'), work, repo], { stdio: ['ignore', 'pipe', 'pipe'] });
  proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  proc.on('exit', (c) => (exitCode = c));
  await until(() => /Reached target graphical\.target/.test(out));
}, 60000);
afterAll(() => {
  if (exitCode === null) proc.kill('SIGKILL');
  rmSync(work, { recursive: true, force: true });
});

describe('the svcd image (layout checked in namespaces)', () => {
  it('boots default.target as PID 1 with the image config and starts the enabled seed service', () => {
    expect(out).toMatch(/svcd \S+ \(pid 1\): starting default\.target/);
    expect(out).toMatch(/\[ {2}OK {2}\] Started nova-compute\.service/);
    expect(exec('test', '-d', '/run/systemd/system').status).toBe(0);
  });

  it('runs svcd with the ENTRYPOINT\'s arguments, so the packages\' tmpfiles.d lines are applied at boot', () => {
    const entrypoint = JSON.parse(/^ENTRYPOINT (.*)$/m.exec(readFileSync(join(repo, 'docker/Dockerfile'), 'utf8'))![1]!) as string[];
    // (svcd renames its process: the layout script's exec line is what says how it was started.)
    expect(readFileSync(join(repo, 'test/fixtures/container/image-layout.sh'), 'utf8')).toContain(`\nexec ${entrypoint.join(' ')}\n`);
    expect(exec('test', '-d', '/tmp/.X11-unix').status).toBe(existsSync('/usr/lib/tmpfiles.d/x11.conf') ? 0 : 1);
    if (existsSync('/usr/lib/tmpfiles.d/memcached.conf')) expect(exec('stat', '-c', '%U %a', '/run/memcached').stdout).toBe('memcache 755\n');
  });

  it('answers systemctl, service(8) and journalctl from inside, and the health check', async () => {
    expect(exec('systemctl', 'is-active', 'nova-compute').stdout).toBe('active\n');
    expect(exec('service', 'nova-compute', 'status').stdout).toMatch(/Active: active \(running\)/);
    // An init script run by hand goes through Debian's lsb init-functions, which see
    // /run/systemd/system and redirect to systemctl, that is svcctl.
    expect(exec('/etc/init.d/nova-compute', 'status').stdout).toMatch(/nova-compute\.service.*\n.*Loaded: loaded/);
    expect(exec('/etc/init.d/nova-compute', 'restart')).toMatchObject({ status: 0 });
    expect(exec('systemctl', '--system', '--no-ask-password', 'daemon-reload').status).toBe(0);
    expect(exec('svcctl', 'is-system-running', '--wait')).toMatchObject({ stdout: 'running\n', status: 0 });
    expect(exec('systemctl', 'restart', 'nova-compute').status).toBe(0);
    expect(exec('journalctl', '-u', 'nova-compute', '--no-pager').stdout).toMatch(/ svcd\[1\]: Started nova-compute\.service/);
  });

  it('enable --now / disable --now from inside tell the running svcd, as systemctl does', () => {
    const unit = '[Unit]\nDescription=Hello\n[Service]\nExecStart=/bin/sleep 600\n[Install]\nWantedBy=multi-user.target\n';
    expect(exec('sh', '-c', `printf '${unit}' > /etc/systemd/system/hello.service`).status).toBe(0);
    const enable = exec('systemctl', 'enable', '--now', 'hello');
    expect(enable).toMatchObject({ status: 0, stderr: 'Created symlink /etc/systemd/system/multi-user.target.wants/hello.service → /etc/systemd/system/hello.service.\n' });
    expect(exec('systemctl', 'is-active', 'hello').stdout).toBe('active\n');
    expect(exec('systemctl', 'show', '-p', 'WantedBy', 'hello').stdout).toBe('WantedBy=multi-user.target\n');
    const disable = exec('systemctl', 'disable', '--now', 'hello');
    expect(disable).toMatchObject({ status: 0, stderr: 'Removed "/etc/systemd/system/multi-user.target.wants/hello.service".\n' });
    expect(exec('systemctl', 'is-active', 'hello')).toMatchObject({ stdout: 'inactive\n', status: 3 });
    expect(exec('systemctl', 'is-enabled', 'hello')).toMatchObject({ stdout: 'disabled\n', status: 1 });
  });

  it('re-executes in place (after an upgrade) with systemctl daemon-reexec: same PID 1, the service untouched', async () => {
    const main = exec('systemctl', 'show', '-p', 'MainPID', '--value', 'nova-compute').stdout;
    expect(exec('systemctl', 'daemon-reexec')).toMatchObject({ status: 0, stderr: '' });
    expect(await until(() => /svcd \S+ \(pid 1\): re-executed, took over \d+ units/.test(out), 5000)).toBe(true);
    expect(exec('systemctl', 'show', '-p', 'MainPID', '--value', 'nova-compute').stdout).toBe(main);
    expect(exec('systemctl', 'is-active', 'nova-compute').stdout).toBe('active\n');
  });

  it('stops in order on docker stop (SIGTERM to PID 1) and exits 0', async () => {
    const target = Number(spawnSync('pgrep', ['-P', String(proc.pid)], { encoding: 'utf8' }).stdout.trim());
    signalPid(target, 'SIGTERM');
    expect(await until(() => exitCode !== null, 30000)).toBe(true);
    expect(exitCode).toBe(0);
    expect(out).toMatch(/Stopped nova-compute\.service/);
  });
});
