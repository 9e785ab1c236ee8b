// Sandboxing with real processes under svcd as PID 1: CapabilityBoundingSet=/AmbientCapabilities=
// reach a service run as another user (its /proc/self/status shows them), "+" commands keep full
// privileges, WorkingDirectory=-~ is the user's home (or / when it is missing), PrivateTmp= gives a
// run its own /tmp and /var/tmp, and the directives svcd cannot enforce (SmackProcessLabel=,
// IPAddressDeny= …; the seccomp and mount ones it enforces: test/e2e/seccomp.test.ts) are named in one console line at a unit's first start after it is loaded —
// not once per directive, start or process — with the why of each in the journal, and never fail
// the unit.
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { buildTree } from '../support/tree.mjs';
import { bootInNamespace } from '../support/svcd-ns.js';

// Outside /tmp and /var/tmp: PrivateTmp= services must see it.
const dir = mkdtempSync('/dev/shm/svcd-sandbox-');
chmodSync(dir, 0o777);
afterAll(() => rmSync(dir, { recursive: true, force: true }));
// A run killed half-way may have left the shared-/tmp test's markers behind.
for (const m of ['/tmp/svcd-ptmp-marker', '/var/tmp/svcd-ptmp-marker']) rmSync(m, { force: true });

/** The Cap* lines of a /proc/PID/status copy, as numbers. */
function caps(file: string): Record<string, bigint> {
  const out: Record<string, bigint> = {};
  for (const m of readFileSync(file, 'utf8').matchAll(/^(Cap\w+):\s+([0-9a-f]+)$/gm)) out[m[1]!] = BigInt(`0x${m[2]}`);
  return out;
}

it('enforces capability sets, notices the rest in one line, and starts the unit', async () => {
  const status = (name: string) => `/bin/sh -c 'cp /proc/self/status ${join(dir, name)}; pwd > ${join(dir, name)}.cwd'`;
  buildTree(join(dir, 'units'), { files: {
    'caps.service': [
      '[Service]', 'Type=oneshot', 'RemainAfterExit=yes', 'User=nobody', 'WorkingDirectory=-~',
      'CapabilityBoundingSet=CAP_NET_BIND_SERVICE CAP_KILL', 'AmbientCapabilities=CAP_NET_BIND_SERVICE',
      `ExecStartPre=+${status('pre')}`, `ExecStartPre=${status('pre2')}`, `ExecStart=${status('main')}`,
      'ProtectSystem=full', 'ProtectHome=yes', 'PrivateTmp=yes', 'SystemCallFilter=@system-service', 'PrivateDevices=no',
      'Personality=x86-64', '',
    ].join('\n'),
    'ptmp.service': [
      '[Service]', 'Type=oneshot', 'RemainAfterExit=yes', 'PrivateTmp=yes',
      "ExecStartPre=/bin/sh -c 'echo pre > /tmp/svcd-ptmp-marker; echo var > /var/tmp/svcd-ptmp-marker'",
      `ExecStartPre=+/bin/sh -c 'test -e /tmp/svcd-ptmp-marker || echo host > ${join(dir, 'ptmp.plus')}'`,
      `ExecStart=/bin/sh -c 'cat /tmp/svcd-ptmp-marker /var/tmp/svcd-ptmp-marker > ${join(dir, 'ptmp.out')}'`, '',
    ].join('\n'),
    'ns.service': '[Service]\nType=oneshot\nRemainAfterExit=yes\nPrivateDevices=yes\nPrivateNetwork=yes\nPrivateIPC=yes\nPrivateMounts=yes\nExecStart=/bin/true\n',
    'tfs.service': '[Service]\nType=oneshot\nRemainAfterExit=yes\nTemporaryFileSystem=/var/tmp\nBindReadOnlyPaths=/etc:/srv\nExecStart=/bin/true\n',
    'x.target': '[Unit]\nWants=caps.service ptmp.service ns.service tfs.service\n',
  } });
  const svcd = await bootInNamespace(dir, join(dir, 'units'), 'x.target');
  try {
    expect((await svcd.svcctl('is-active', 'caps.service')).stdout, (await svcd.svcctl('status', '-n', '20', 'caps.service', 'ptmp.service')).stdout).toBe('active\n');
    const main = caps(join(dir, 'main'));
    expect(main.CapBnd).toBe((1n << 10n) | (1n << 5n));
    expect(main.CapAmb).toBe(1n << 10n);
    expect(main.CapEff).toBe(1n << 10n); // nobody, yet allowed to bind low ports
    expect(caps(join(dir, 'pre2')).CapBnd).toBe((1n << 10n) | (1n << 5n));
    expect(caps(join(dir, 'pre')).CapBnd).toBeGreaterThan((1n << 21n)); // "+": CAP_SYS_ADMIN kept
    expect(caps(join(dir, 'pre')).CapEff).toBeGreaterThan(1n << 21n);
    const home = readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith('nobody:'))!.split(':')[5]!;
    // "-": a home that does not exist (nobody's /nonexistent) is not an error; the service runs in /.
    expect(readFileSync(join(dir, 'main.cwd'), 'utf8').trim()).toBe(existsSync(home) ? home : '/');
    const notices = svcd.console().split('\n').filter((l) => l.startsWith('svcd: caps.service:') && l.includes('not enforced'));
    // SystemCallFilter= (a seccomp filter), ProtectSystem= and ProtectHome= (a mount namespace) are enforced, so not named.
    expect(notices).toEqual(['svcd: caps.service: 1 sandboxing setting not enforced: Personality= (see the journal for why).']);
  } finally {
    await svcd.stop();
  }
}, 60000);

it('SecureBits= and Personality= reach the process (what show prints is what runs), never a "+" command\'s secure bits, and are not named as unenforced', async () => {
  const own = join(dir, 'bits');
  const probe = (name: string) => `/bin/sh -c 'capsh --print > ${join(own, name)}.caps; uname -m > ${join(own, name)}.arch; cat /proc/self/personality > ${join(own, name)}.pers'`;
  buildTree(join(own, 'units'), { files: {
    'bits.service': ['[Service]', 'Type=oneshot', 'RemainAfterExit=yes', 'SecureBits=noroot noroot-locked', 'Personality=x86',
      `ExecStartPre=+${probe('plus')}`, `ExecStart=${probe('main')}`, ''].join('\n'),
    'x.target': '[Unit]\nWants=bits.service\n',
  } });
  const svcd = await bootInNamespace(own, join(own, 'units'), 'x.target');
  try {
    expect((await svcd.svcctl('is-active', 'bits.service')).stdout, svcd.console()).toBe('active\n');
    expect((await svcd.svcctl('show', '-p', 'SecureBits,Personality', 'bits.service')).stdout).toBe('SecureBits=3\nPersonality=x86\n');
    // SECBIT_NOROOT and its lock (bits 0 and 1) as the kernel reports them to the process.
    expect(readFileSync(join(own, 'main.caps'), 'utf8')).toMatch(/^Securebits: 03\/0x3\//m);
    expect(readFileSync(join(own, 'plus.caps'), 'utf8')).toMatch(/^Securebits: 00\/0x0\//m);
    // PER_LINUX32: what setarch i686 gives, for "+" too. Both as systemd 252 does in a namespace: the
    // personality for every command, the secure bits only inside the sandbox (not for "+").
    for (const run of ['main', 'plus']) {
      expect(readFileSync(join(own, `${run}.arch`), 'utf8')).toBe('i686\n');
      expect(readFileSync(join(own, `${run}.pers`), 'utf8')).toBe('00000008\n');
    }
    expect(svcd.console()).not.toMatch(/bits\.service: .*not enforced/);
  } finally {
    await svcd.stop();
  }
}, 60000);

it('CPUSchedulingPolicy=, CPUSchedulingResetOnFork=, CPUAffinity=, IOSchedulingClass= and TimerSlackNSec= reach the process, as show prints them', async () => {
  const own = join(dir, 'sched');
  const out = join(own, 'sched.out');
  // The shell's own ($$), as chrt, ionice and /proc report them.
  mkdirSync(own, { recursive: true });
  writeFileSync(join(own, 'probe.sh'), [
    `cut -d' ' -f41 /proc/$$/stat > ${out}`, `chrt -p $$ | head -1 >> ${out}`,
    `grep Cpus_allowed_list /proc/$$/status >> ${out}`, `ionice -p $$ >> ${out}`, `cat /proc/$$/timerslack_ns >> ${out}`, '',
  ].join('\n'));
  const probe = `/bin/sh ${join(own, 'probe.sh')}`;
  buildTree(join(own, 'units'), { files: {
    'sched.service': ['[Service]', 'Type=oneshot', 'RemainAfterExit=yes', 'CPUSchedulingPolicy=batch', 'CPUSchedulingResetOnFork=yes', 'CPUAffinity=0',
      'IOSchedulingClass=idle', 'TimerSlackNSec=1ms', `ExecStart=${probe}`, ''].join('\n'),
    'x.target': '[Unit]\nWants=sched.service\n',
  } });
  const svcd = await bootInNamespace(own, join(own, 'units'), 'x.target');
  try {
    expect((await svcd.svcctl('is-active', 'sched.service')).stdout, svcd.console()).toBe('active\n');
    expect((await svcd.svcctl('show', '-p', 'CPUSchedulingPolicy,CPUAffinity,IOSchedulingClass,TimerSlackNSec,CPUSchedulingResetOnFork', 'sched.service')).stdout)
      .toBe('IOSchedulingClass=3\nCPUSchedulingPolicy=3\nCPUAffinity=0\nTimerSlackNSec=1000000\nCPUSchedulingResetOnFork=yes\n');
    // SCHED_BATCH (3) with the reset-on-fork flag; CPU 0 only; the idle IO class; 1 ms of slack.
    expect(readFileSync(out, 'utf8')).toMatch(/^3\n.*: SCHED_BATCH\|SCHED_RESET_ON_FORK\nCpus_allowed_list:\t0\nidle\n1000000\n$/);
  } finally {
    await svcd.stop();
  }
}, 60000);

it('PrivateTmp=: one /tmp and /var/tmp for all of a run\'s commands, not the host\'s, not for "+", removed at stop', async () => {
  const svcd = await bootInNamespace(dir, join(dir, 'units'), 'x.target');
  try {
    expect((await svcd.svcctl('is-active', 'ptmp.service')).stdout, svcd.console()).toBe('active\n');
    expect(readFileSync(join(dir, 'ptmp.out'), 'utf8')).toBe('pre\nvar\n');
    expect(readFileSync(join(dir, 'ptmp.plus'), 'utf8')).toBe('host\n');
    expect(existsSync('/tmp/svcd-ptmp-marker') || existsSync('/var/tmp/svcd-ptmp-marker')).toBe(false);
    const mine = () => [...readdirSync('/tmp'), ...readdirSync('/var/tmp')].filter((n) => n.startsWith('svcd-private-ptmp.service-'));
    expect(mine()).toHaveLength(2);
    expect((await svcd.svcctl('stop', 'ptmp.service')).rc).toBe(0);
    expect(mine()).toEqual([]);
    expect(svcd.console()).not.toMatch(/ptmp.service: PrivateTmp= not enforced/);
  } finally {
    await svcd.stop();
  }
}, 60000);

it('PrivateTmp= with svcd\'s runtime directory under /tmp: a Type=notify service still reaches NOTIFY_SOCKET and is seen ready', async () => {
  // systemd's notify socket (/run/systemd/notify) is never under /tmp; svcd's follows --runtime-dir.
  const own = mkdtempSync(join(tmpdir(), 'svcd-notify-ptmp-'));
  buildTree(join(own, 'units'), { files: {
    'ready.service': "[Service]\nType=notify\nNotifyAccess=all\nPrivateTmp=yes\nTimeoutStartSec=10\nExecStart=/bin/sh -c 'systemd-notify --ready; exec sleep 600'\n",
    'x.target': '[Unit]\nWants=ready.service\n',
  } });
  const svcd = await bootInNamespace(own, join(own, 'units'), 'x.target');
  try {
    expect(svcd.run.startsWith('/tmp/')).toBe(true);
    expect((await svcd.svcctl('show', '-p', 'ActiveState,Result', 'ready.service')).stdout, svcd.console()).toBe('Result=success\nActiveState=active\n');
    expect(svcd.console()).not.toMatch(/PrivateTmp= hides/);
  } finally {
    await svcd.stop();
    rmSync(own, { recursive: true, force: true });
  }
}, 60000);

it('PrivateTmp= where the container refuses a mount namespace (no CAP_SYS_ADMIN): one notice, the unit runs with the shared /tmp', async () => {
  const svcd = await bootInNamespace(dir, join(dir, 'units'), 'x.target', '/nonexistent', ['setpriv', '--bounding-set', '-sys_admin']);
  try {
    expect((await svcd.svcctl('is-active', 'ptmp.service')).stdout, svcd.console()).toBe('active\n');
    expect(readFileSync(join(dir, 'ptmp.out'), 'utf8')).toBe('pre\nvar\n');
    const notices = svcd.console().split('\n').filter((l) => l.includes('PrivateTmp= not enforced'));
    expect(notices.sort()).toEqual([
      'svcd: caps.service: PrivateTmp= not enforced (this container refuses a mount namespace: EPERM); /tmp and /var/tmp are shared.',
      'svcd: ptmp.service: PrivateTmp= not enforced (this container refuses a mount namespace: EPERM); /tmp and /var/tmp are shared.',
    ]);
    // The other mount settings too: said once, and the unit runs without them, as under systemd 252 there.
    expect((await svcd.svcctl('is-active', 'caps.service')).stdout).toBe('active\n');
    expect(svcd.console().split('\n').filter((l) => l.includes('ProtectSystem=, ProtectHome= not enforced'))).toEqual([
      'svcd: caps.service: ProtectSystem=, ProtectHome= not enforced (this container refuses a mount namespace: EPERM).',
    ]);
    // PrivateDevices=, PrivateNetwork=, PrivateIPC=, PrivateMounts=: systemd 252 goes on without them there too.
    expect((await svcd.svcctl('is-active', 'ns.service')).stdout, svcd.console()).toBe('active\n');
    expect(svcd.console().split('\n').filter((l) => l.startsWith('svcd: ns.service:')).sort()).toEqual([
      'svcd: ns.service: PrivateDevices=, PrivateMounts=, PrivateIPC= not enforced (this container refuses a mount namespace: EPERM).',
      'svcd: ns.service: PrivateIPC= not enforced (this container refuses an IPC namespace: EPERM).',
      'svcd: ns.service: PrivateNetwork= not enforced (this container refuses a network namespace: EPERM).',
    ]);
    // What changes the file system beyond confining it is not dropped: the unit fails, as systemd
    // 252 refuses to go on without the namespace then (its insist_on_sandboxing()).
    expect((await svcd.svcctl('show', '-p', 'Result,ExecMainStatus', 'tfs.service')).stdout).toBe('Result=exit-code\nExecMainStatus=226\n');
  } finally {
    await svcd.stop();
    rmSync('/tmp/svcd-ptmp-marker', { force: true });
    rmSync('/var/tmp/svcd-ptmp-marker', { force: true });
  }
}, 60000);

it('OOMScoreAdjust= that the container does not allow (lowering without CAP_SYS_RESOURCE) is skipped, as systemd skips it; raising still applies', async () => {
  // Equal to systemd 252 in a namespace: OOMScoreAdjust=-900 (postgresql@.service's) leaves the
  // service active with Result=success; OOMScoreAdjust=500 shows in /proc/PID/oom_score_adj.
  const own = join(dir, 'oom');
  buildTree(join(own, 'units'), { files: {
    'oom-down.service': '[Service]\nOOMScoreAdjust=-900\nExecStart=/bin/sleep 300\n',
    'oom-up.service': '[Service]\nOOMScoreAdjust=500\nExecStart=/bin/sleep 300\n',
    'x.target': '[Unit]\nWants=oom-down.service oom-up.service\n',
  } });
  const svcd = await bootInNamespace(own, join(own, 'units'), 'x.target', '/nonexistent', ['setpriv', '--bounding-set', '-sys_resource']);
  try {
    expect((await svcd.svcctl('show', '-p', 'ActiveState,Result', 'oom-down.service')).stdout, svcd.console()).toBe('Result=success\nActiveState=active\n');
    const up = Number((await svcd.svcctl('show', '-p', 'MainPID', '--value', 'oom-up.service')).stdout);
    // The namespace's own /proc, where MainPID= is the pid.
    expect(readFileSync(`/proc/${svcd.hostPid}/root/proc/${up}/oom_score_adj`, 'utf8')).toBe('500\n');
  } finally {
    await svcd.stop();
  }
}, 60000);

it('a unit asking for many unenforced settings: one console line at its first start after each load, in status too, and the why of each in the journal', async () => {
  const own = join(dir, 'many');
  // As Debian's redis-server.service asks (with ReadWritePaths= given twice: still one directive).
  const asked = ['ProtectSystem=strict', 'ProtectHome=yes', 'PrivateDevices=yes', 'ProtectKernelTunables=yes', 'ProtectKernelModules=yes',
    'ProtectControlGroups=yes', 'RestrictRealtime=yes', 'RestrictNamespaces=yes', 'RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX',
    'MemoryDenyWriteExecute=yes', 'LockPersonality=yes', 'SystemCallArchitectures=native', 'ReadWritePaths=-/var/lib/redis', 'ReadWritePaths=-/var/log/redis',
    // Beyond redis's: still not enforced, so the line names more than one.
    'ProtectProc=invisible', 'ProcSubset=pid', 'IPAddressDeny=any', 'SmackProcessLabel=svcd'];
  // The seccomp and mount ones are enforced (and the service still runs under them): not named.
  const enforced = new Set(['ProtectKernelModules', 'RestrictRealtime', 'RestrictNamespaces', 'RestrictAddressFamilies', 'MemoryDenyWriteExecute',
    'LockPersonality', 'SystemCallArchitectures', 'ProtectSystem', 'ProtectHome', 'ReadWritePaths', 'ProtectKernelTunables', 'ProtectControlGroups',
    'PrivateDevices', 'ProtectProc', 'ProcSubset']);
  const directives = [...new Set(asked.map((a) => a.slice(0, a.indexOf('='))))].filter((d) => !enforced.has(d));
  buildTree(join(own, 'units'), { files: {
    'many.service': ['[Service]', 'ExecStart=/bin/sleep 300', ...asked, ''].join('\n'),
    'x.target': '[Unit]\nWants=many.service\n',
  } });
  const svcd = await bootInNamespace(own, join(own, 'units'), 'x.target');
  try {
    const lines = () => svcd.console().split('\n').filter((l) => l.startsWith('svcd: many.service:') && l.includes('not enforced'));
    const line = `svcd: many.service: ${directives.length} sandboxing settings not enforced: ${directives.map((d) => `${d}=`).join(', ')} (see the journal for why).`;
    expect((await svcd.svcctl('is-active', 'many.service')).stdout, svcd.console()).toBe('active\n');
    expect((await svcd.svcctl('restart', 'many.service')).rc).toBe(0);
    expect((await svcd.svcctl('stop', 'many.service')).rc).toBe(0);
    expect((await svcd.svcctl('start', 'many.service')).rc).toBe(0);
    expect(lines()).toEqual([line]);
    // The journal has one entry per directive, with why (and the line naming them all).
    const entries = (await svcd.svcctl('logs', '--no-pager', '-D', join(own, 'journal'), '-u', 'many.service', '-o', 'json')).stdout.trim().split('\n')
      .map((l) => JSON.parse(l) as Record<string, string>);
    const detail = entries.filter((e) => e.DIRECTIVE !== undefined);
    expect(detail.map((e) => e.DIRECTIVE)).toEqual(directives);
    expect(detail.find((e) => e.DIRECTIVE === 'Personality')?.MESSAGE)
      .toBe('many.service: Personality= not enforced (svcd does not set execution domains yet).');
    expect(entries.filter((e) => e.MESSAGE === line.slice('svcd: '.length))).toHaveLength(1);
    // status shows the unit's last journal lines: the line naming them is among them.
    expect((await svcd.svcctl('status', 'many.service')).stdout).toContain(line.slice('svcd: '.length));
    // A daemon-reload loads the unit anew: its next start says it once more.
    expect((await svcd.svcctl('daemon-reload')).rc).toBe(0);
    expect((await svcd.svcctl('restart', 'many.service')).rc).toBe(0);
    expect((await svcd.svcctl('restart', 'many.service')).rc).toBe(0);
    expect(lines()).toEqual([line, line]);
  } finally {
    await svcd.stop();
  }
}, 60000);
