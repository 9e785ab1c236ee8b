// An image with Debian's whole systemd package plus nginx (test/fixtures/systemd-image/image-root.sh:
// an overlay of this machine's root with only those packages' units, private /tmp, /run, /dev, /var/log/journal
// — systemd's own tmpfiles, sysusers and the like run there and nothing of it reaches the host) booted by
// svcd as PID 1, with no flags, as an image's init. The units that end up active must be those real
// systemd 252 leaves active on the same tree (scripts/record-systemd-image-oracle.sh, re-run live where
// systemd is installed), with no second journald: /dev/log is svcd's and journalctl reads one journal.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_KINDS } from '../../src/engine/engine.js';
import { JOURNAL_UNITS } from '../../src/unit/journal-units.js';

const repo = join(__dirname, '../..');
const script = join(repo, 'test/fixtures/systemd-image/image-root.sh');
const installed = (pkg: string) => spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' }).stdout.includes('install ok installed');
const usable = installed('systemd') && installed('nginx') && spawnSync('unshare', ['--pid', '--fork', '--mount-proc', 'true']).status === 0;
const liveOracle = existsSync('/usr/lib/systemd/systemd') && existsSync('/work/shared/tools/systemd-ns/helpers/systemd-pid1.py');
const work = mkdtempSync(join(tmpdir(), 'svcd-systemd-image-boot-'));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
let proc: ChildProcess | undefined;
let out = '';
let pid1 = 0;

/** A command inside the image: its namespaces and its root. */
const inside = (...args: string[]) => spawnSync('nsenter', ['-t', String(pid1), '-m', '-p', '-n', '-r', '--', ...args], { encoding: 'utf8' });
const svcctl = (...args: string[]) => inside(process.execPath, join(repo, 'dist/cli/svcctl.js'), ...args);

/**
 * "UNIT SUB" lines of the active units svcd runs: those of a type it has a kind for, and journald's
 * units, which it is. (Sockets, timers, paths and mounts come with their kinds; until then real
 * systemd's are not compared.)
 */
function comparable(lines: string): string[] {
  const types = new Set<string>(DEFAULT_KINDS.map((k) => k.type));
  const runs = (unit: string) => Object.hasOwn(JOURNAL_UNITS, unit) || types.has(unit.slice(unit.lastIndexOf('.') + 1));
  return lines.split('\n').filter((l) => l !== '' && runs(l.split(' ')[0]!)).sort();
}

beforeAll(async () => {
  if (!usable) return;
  proc = spawn('unshare', ['--mount', '--pid', '--net', '--uts', '--ipc', '--fork', '--mount-proc', '--kill-child', 'sh', script, work, repo, 'svcd'], { stdio: ['ignore', 'pipe', 'pipe'] });
  proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  // The script execs chroot, which execs svcd: the child of unshare is svcd once it runs node.
  for (let t = 0; t < 30000; t += 100) {
    const p = Number(spawnSync('pgrep', ['-P', String(proc.pid)], { encoding: 'utf8' }).stdout.trim());
    if (p > 1 && readFileSync(`/proc/${p}/cmdline`, 'utf8').includes('svcd.js')) {
      pid1 = p;
      break;
    }
    await sleep(100);
  }
  if (!(pid1 > 1)) throw new Error(`svcd did not start in the image: ${out}`);
  for (let t = 0; t < 30000 && svcctl('is-system-running').status === null; t += 100) await sleep(100);
  svcctl('is-system-running', '--wait');
}, 90000);
afterAll(async () => {
  if (pid1 > 1) svcctl('exit');
  for (let t = 0; t < 10000 && proc && proc.exitCode === null; t += 100) await sleep(100);
  if (proc && proc.exitCode === null) proc.kill('SIGKILL');
  rmSync(work, { recursive: true, force: true });
});

describe.skipIf(!usable)('an image with Debian\'s systemd package and nginx, svcd as its init', () => {
  it('ends up with the units active that real systemd 252 leaves active on the same tree', () => {
    const recorded = readFileSync(join(repo, 'test/fixtures/systemd-image/systemd-active.txt'), 'utf8');
    const live = liveOracle ? spawnSync(join(repo, 'scripts/record-systemd-image-oracle.sh'), { encoding: 'utf8' }) : undefined;
    if (live) expect(live.status, live.stderr).toBe(0);
    const oracle = comparable(live?.stdout ?? recorded);
    // systemd-update-utmp.service among them: it asks the manager for the boot time over /run/systemd/private.
    const expected = oracle;
    const listed = svcctl('list-units', '--all', '--plain', '--no-legend', '--state=active');
    expect(listed.status, listed.stderr).toBe(0);
    const got = comparable(listed.stdout.split('\n').map((l) => l.trim().split(/\s+/)).filter((f) => f.length >= 4).map((f) => `${f[0]} ${f[3]}`).join('\n'));
    expect(got).toEqual(expected);
    expect(got).toContain('nginx.service running');
    expect(got).toContain('systemd-journald.service running');
  });
  it('runs no second journald: svcd is the journal, and /dev/log is its socket', () => {
    const ps = inside('ps', '-e', '-o', 'comm=');
    expect(ps.status).toBe(0);
    expect(ps.stdout).not.toMatch(/journald/);
    expect(inside('readlink', '/dev/log').stdout.trim()).toBe('/run/systemd/journal/dev-log');
    // The socket bound at that path (its inode in /proc/net/unix) is one of PID 1's descriptors.
    const unix = inside('cat', '/proc/net/unix').stdout.split('\n').find((l) => l.endsWith(' /run/systemd/journal/dev-log'));
    const inode = unix?.trim().split(/\s+/)[6];
    expect(inode).toMatch(/^\d+$/);
    const fds = inside('sh', '-c', 'ls -l /proc/1/fd').stdout;
    expect(fds).toContain(`socket:[${inode}]`);
  });
  it('journalctl reads one consistent journal: what svcd logged, what nginx and logger sent, one boot, verified', async () => {
    expect(inside('logger', '-t', 'image-check', 'sent to /dev/log').status).toBe(0);
    let lines = '';
    for (let t = 0; t < 50 && !lines.includes('sent to /dev/log'); t++) {
      await sleep(100);
      lines = inside('journalctl', '--no-pager', '-o', 'cat', '-t', 'image-check').stdout;
    }
    expect(lines).toContain('sent to /dev/log');
    expect(svcctl('logs', '--no-pager', '-o', 'cat').stdout).toContain('sent to /dev/log');
    expect(inside('journalctl', '--no-pager', '-o', 'cat', '-u', 'nginx.service').stdout).toMatch(/Started nginx\.service/);
    const boots = inside('journalctl', '--no-pager', '--list-boots').stdout.split('\n').filter((l) => /^\s*-?\d+ [0-9a-f]{32} /.test(l));
    expect(boots).toHaveLength(1);
    const verify = inside('journalctl', '--verify');
    expect(verify.status, verify.stderr).toBe(0);
  });
});
