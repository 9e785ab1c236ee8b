// journald's ForwardToSyslog= with Debian's real rsyslog (its rsyslog.service and systemd's
// syslog.socket, unmodified) under svcd as PID 1 of a PID + mount namespace (test/fixtures/syslog/
// namespace.sh: a private /run and /dev, overlays on /var and /etc, so nothing reaches the host's logs):
// a service prints a line, svcd's journal forwards it to /run/systemd/journal/syslog, the datagram
// activates syslog.socket's service, and rsyslog (imuxsock on the socket handed over) writes it to
// /var/log/syslog as "HOST chatty[PID]: line" — facility daemon, so not in user.log, where a
// logger(1) line sent to /dev/log (facility user, passed on as it came) goes too; svcd's own lines
// come as "svcd[1]: …". With [Journal] ForwardToSyslog=no nothing is forwarded: rsyslog, started by
// hand, writes a line sent straight to its socket but never the service's.
// Skipped where rsyslog is not installed (.ci/run installs it).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildTree } from '../support/tree.mjs';

const repo = join(__dirname, '../..');
const present = spawnSync('dpkg-query', ['-W', '-f=${Status}', 'rsyslog'], { encoding: 'utf8' }).stdout.includes('install ok installed')
  && existsSync('/lib/systemd/system/rsyslog.service') && existsSync('/lib/systemd/system/syslog.socket');

const until = async (pred: () => boolean, ms = 30000) => {
  for (let t = 0; t < ms && !pred(); t += 100) await new Promise((r) => setTimeout(r, 100));
  return pred();
};

interface Boot {
  readonly work: string;
  readonly out: () => string;
  /** A command inside the namespaces (their /run, /dev and overlays). */
  inside(cmd: string, ...args: string[]): ReturnType<typeof spawnSync>;
  svcctl(...args: string[]): ReturnType<typeof spawnSync>;
  /** /var/log/FILE as rsyslog wrote it ('' while it does not exist). */
  log(file: string): string;
  stop(): void;
}

function boot(marker: string, journalConf: string): Boot {
  const work = mkdtempSync(join(tmpdir(), 'svcd-syslog-'));
  buildTree(work, {
    files: {
      'units/x.target': '[Unit]\nDescription=Syslog test\nWants=syslog.socket chatty.service\n',
      'units/chatty.service': `[Service]\nType=oneshot\nRemainAfterExit=yes\nSyslogIdentifier=chatty\nExecStart=/bin/sh -c 'echo "${marker} plain"; echo "<4>${marker} warning"'\n`,
      'system.conf': journalConf,
    },
  });
  let out = '';
  const p: ChildProcess = spawn('unshare', ['--mount', '--pid', '--fork', '--mount-proc', '--kill-child', 'sh', join(repo, 'test/fixtures/syslog/namespace.sh'), work, repo, join(work, 'system.conf')], { stdio: ['ignore', 'pipe', 'pipe'] });
  p.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  p.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  // svcd: the child of unshare's forked child (sh exec'd node).
  const pid1 = () => Number(spawnSync('pgrep', ['-P', String(p.pid)], { encoding: 'utf8' }).stdout.trim());
  const inside = (cmd: string, ...args: string[]) => spawnSync('nsenter', ['-t', String(pid1()), '-m', '-p', '--', cmd, ...args], { encoding: 'utf8' });
  return {
    work,
    out: () => out,
    inside,
    svcctl: (...args) => inside(process.execPath, join(repo, 'dist/cli/svcctl.js'), '--runtime-dir', '/run/svcd', ...args),
    log: (file) => {
      const f = join(work, 'var-upper/log', file);
      return existsSync(f) ? readFileSync(f, 'utf8') : '';
    },
    stop: () => {
      if (p.exitCode === null) p.kill('SIGKILL');
      rmSync(work, { recursive: true, force: true });
    },
  };
}

const boots: Boot[] = [];
afterAll(() => boots.forEach((b) => b.stop()));

describe.skipIf(!present)('ForwardToSyslog= with Debian\'s rsyslog (skipped unless rsyslog is installed)', () => {
  it('forwards by default: the service\'s lines reach /var/log/syslog through syslog.socket and rsyslog', async () => {
    const marker = `svcd-fwd-${process.pid}`;
    const b = boot(marker, '');
    boots.push(b);
    expect(await until(() => b.log('syslog').includes(`${marker} warning`), 60_000), `${b.out()}\n${b.log('syslog')}`).toBe(true);
    const syslog = b.log('syslog');
    // rsyslog's file format: "TIME HOST TAG MSG" (Debian 12: RFC 3339 times), the tag journald's "IDENT[PID]:".
    expect(syslog).toMatch(new RegExp(`^\\S+ \\S+ chatty\\[\\d+\\]: ${marker} plain$`, 'm'));
    expect(syslog).toMatch(new RegExp(`^\\S+ \\S+ chatty\\[\\d+\\]: ${marker} warning$`, 'm'));
    // syslog.socket started rsyslog as systemd would: its socket handed over, READY=1 sent.
    const state = b.svcctl('show', '-p', 'ActiveState,SubState', 'syslog.socket', 'rsyslog.service').stdout;
    expect(state).toBe('ActiveState=active\nSubState=running\n\nActiveState=active\nSubState=running\n');
    // svcd's own messages, as systemd's "systemd[1]: …".
    expect(await until(() => /^.* svcd\[1\]: .*chatty\.service/m.test(b.log('syslog')))).toBe(true);
    // Facility daemon (SyslogFacility='s default): not in user.log. A logger(1) line is user's: both.
    expect(b.log('user.log')).not.toContain(marker);
    const r = b.inside('logger', '-t', 'probe', `${marker} via dev-log`);
    expect(r.status, String(r.stderr)).toBe(0);
    expect(await until(() => b.log('user.log').includes(`${marker} via dev-log`))).toBe(true);
    expect(b.log('syslog')).toMatch(new RegExp(` probe(\\[\\d+\\])?: ${marker} via dev-log$`, 'm'));
  }, 90_000);

  it('forwards nothing with [Journal] ForwardToSyslog=no', async () => {
    const marker = `svcd-nofwd-${process.pid}`;
    const b = boot(marker, '[Journal]\nForwardToSyslog=no\n');
    boots.push(b);
    expect(await until(() => /Reached target x\.target/.test(b.out()), 60_000), b.out()).toBe(true);
    // The service has printed its lines (in the journal), and the socket has started nothing.
    expect(b.svcctl('show', '-p', 'ActiveState', 'chatty.service', 'rsyslog.service').stdout).toBe('ActiveState=active\n\nActiveState=inactive\n');
    // rsyslog started by hand reads the socket: a line sent straight to it arrives; the service's never did.
    expect(b.svcctl('start', 'rsyslog.service').status).toBe(0);
    const r = b.inside('logger', '-u', '/run/systemd/journal/syslog', '-t', 'probe', `${marker} direct`);
    expect(r.status, String(r.stderr)).toBe(0);
    expect(await until(() => b.log('syslog').includes(`${marker} direct`)), `${b.out()}\n${b.log('syslog')}`).toBe(true);
    expect(b.log('syslog')).not.toContain(`${marker} plain`);
    expect(b.log('syslog')).not.toMatch(/svcd\[1\]:/);
  }, 90_000);
});
