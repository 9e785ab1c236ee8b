// Debian's own ssh.socket and ssh.service, unmodified, under svcd as PID 1 of PID, mount and network
// namespaces: nothing runs sshd at boot; the first connection of a real ssh client starts ssh.service
// with the socket's fd (sd_listen_fds), and the client gets sshd's banner through it. Beside them, an
// Accept=yes socket runs one `sshd -i` per connection (ssh@.service as Debian shipped it before 12).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { signalPid } from '../support/proc.js';

const repo = join(__dirname, '../..');
const installed = spawnSync('dpkg-query', ['-W', '-f=${Status}', 'openssh-server'], { encoding: 'utf8' }).stdout.includes('install ok installed');
const work = mkdtempSync(join(tmpdir(), 'svcd-ssh-socket-'));
let proc: ChildProcess | undefined;
afterAll(() => {
  if (proc && proc.exitCode === null) proc.kill('SIGKILL');
  rmSync(work, { recursive: true, force: true });
});

const until = async (pred: () => boolean, ms = 20000) => {
  for (let t = 0; t < ms; t += 100) {
    if (pred()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
};

describe.skipIf(!installed)('ssh.socket activating ssh.service (skipped unless openssh-server is installed)', () => {
  let out = '';
  let pid1 = 0;
  const inside = (...args: string[]) => spawnSync('nsenter', ['-t', String(pid1), '-m', '-p', '-n', '--', ...args], { encoding: 'utf8', timeout: 20000 });
  const svcctl = (...args: string[]) => inside(process.execPath, join(repo, 'dist/cli/svcctl.js'), '--runtime-dir', '/run/svcd', ...args);
  /** A real ssh client's handshake up to authentication: its debug log names the server's version. */
  const sshBanner = (port: number) => {
    const r = inside('ssh', '-v', '-p', String(port), '-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'ConnectTimeout=10', '127.0.0.1', 'true');
    return /remote software version (OpenSSH\S*)/.exec(r.stderr)?.[1] ?? r.stderr;
  };

  it('boots with ssh.socket listening and sshd not running', async () => {
    // The Accept=yes pair: sshd in inetd mode on the connection (stdin/stdout), one per client.
    writeFileSync(join(work, 'inetd.sh'), [
      `mkdir -p ${work}/units`,
      `printf '[Socket]\\nListenStream=2222\\nAccept=yes\\n' > ${work}/units/sshi.socket`,
      `printf '[Service]\\nExecStart=-/usr/sbin/sshd -i\\nStandardInput=socket\\nRuntimeDirectory=sshd\\n' > ${work}/units/sshi@.service`,
      `mkdir -p ${work}/units/x.target.wants && ln -sf ../sshi.socket ${work}/units/x.target.wants/sshi.socket`,
    ].join('\n'));
    proc = spawn('unshare', ['--mount', '--pid', '--net', '--fork', '--mount-proc', '--kill-child', 'sh', '-c',
      `ip link set lo up && sh ${join(work, 'inetd.sh')} && exec sh ${join(repo, 'test/fixtures/debian/boot-in-namespace.sh')} ${work} ${repo} ssh.socket +ssh.service`,
    ], { stdio: ['ignore', 'pipe', 'pipe'] });
    proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    proc.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    expect(await until(() => /Reached target x\.target/.test(out)), out).toBe(true);
    pid1 = Number(spawnSync('pgrep', ['-P', String(proc.pid)], { encoding: 'utf8' }).stdout.trim());
    expect(out).toMatch(/\[ {2}OK {2}\] Listening on ssh\.socket - OpenBSD Secure Shell server socket\./);
    expect(svcctl('show', '-p', 'ActiveState', '-p', 'SubState', 'ssh.socket', 'ssh.service').stdout).toBe('ActiveState=active\nSubState=listening\n\nActiveState=inactive\nSubState=dead\n');
  });

  // spawnSync holds the event loop: svcd's console is read only once the client is done, so awaited.
  it('starts ssh.service on the first connection; the ssh client gets the banner through the socket', async () => {
    expect(sshBanner(22)).toMatch(/^OpenSSH_/);
    expect(await until(() => /\[ {2}OK {2}\] Started ssh\.service - OpenBSD Secure Shell server\./.test(out)), out).toBe(true);
    expect(svcctl('show', '-p', 'SubState', 'ssh.socket', 'ssh.service').stdout).toBe('SubState=running\n\nSubState=running\n');
    // sshd took the socket's fd rather than binding port 22 itself (the socket holds it).
    expect(sshBanner(22)).toMatch(/^OpenSSH_/);
  });

  it('runs one sshd -i per connection through an Accept=yes socket', async () => {
    expect(sshBanner(2222)).toMatch(/^OpenSSH_/);
    expect(sshBanner(2222)).toMatch(/^OpenSSH_/);
    expect(await until(() => /Started sshi@1-127\.0\.0\.1:2222-127\.0\.0\.1:\d+\.service/.test(out)), out).toBe(true);
    expect(out).toMatch(/Started sshi@0-127\.0\.0\.1:2222-127\.0\.0\.1:\d+\.service/);
  });

  it('stops on SIGTERM and exits 0', async () => {
    const exit = new Promise((r) => proc!.on('exit', r));
    signalPid(pid1, 'SIGTERM');
    expect(await exit).toBe(0);
    expect(out).toMatch(/\[ {2}OK {2}\] Stopped ssh\.service/);
    expect(out).toMatch(/\[ {2}OK {2}\] Closed ssh\.socket/);
  });
});
