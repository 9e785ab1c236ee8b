// Resource control on a hybrid host (cgroup v1 controllers beside a cgroup2 tree without any):
// svcd, PID 1 of a PID namespace and alone in cgroups the test makes in each v1 controller, gives
// every unit system.slice/NAME in each and writes its limits there as systemd 252 does on such a
// host — a service that allocates past MemoryMax= is killed by the kernel, one that forks past
// TasksMax= gets EAGAIN, CPUQuota= and CPUWeight= are in cpu.cfs_quota_us and cpu.shares. The same
// units under an svcd with no cgroup of its own (the host's, shared) all start, and each says on
// one line what was not applied.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTree } from '../support/tree.mjs';
import { bootInNamespace, sleep, type SvcdInNamespace } from '../support/svcd-ns.js';
import { FORK_UNTIL_REFUSED, makeTestCgroups } from '../support/v1-cgroups.js';

const dir = mkdtempSync(join(tmpdir(), 'svcd-rc-'));
const name = `svcd-rc-${process.pid}-${Date.now()}`;
// The test's own cgroups in each v1 controller (and the unified tree): see test/support/v1-cgroups.ts.
const cgroups = makeTestCgroups(name);
const usable = cgroups.usable;
const cg = cgroups.path;
const cpus = usable ? readFileSync(join(cgroups.mount('cpuset')!, 'cpuset.effective_cpus'), 'utf8').trim() : '';
const twoCpus = /^0-\d+$/.test(cpus);

/** The kernel's task limit as systemd computes it in svcd's namespace (the smaller of pid_max − 1 and threads-max; pid_max is the namespace's own). */
const kernelTasks = (s: SvcdInNamespace) => {
  const read = (f: string) => Number(execFileSync('nsenter', ['-t', String(s.hostPid), '-p', '-m', 'cat', f], { encoding: 'utf8' }));
  return Math.min(read('/proc/sys/kernel/pid_max') - 1, read('/proc/sys/kernel/threads-max'));
};

const forker = FORK_UNTIL_REFUSED;
const go = join(dir, 'go');
const go2 = join(dir, 'go2');
const hog = (flag: string) => `/bin/sh -c 'while [ ! -e ${flag} ]; do sleep 0.1; done; exec ${process.execPath} -e "const a = []; for (;;) a.push(Buffer.alloc(1 << 20, 1))"'`;
const units: Record<string, string> = {
  // Allocates (and touches) a MiB at a time, for ever, once the test has looked at its limit.
  'hog.service': `[Service]\nMemoryMax=64M\nExecStart=${hog(go)}\n`,
  'hog2.service': `[Service]\nMemoryMax=64M\nOOMPolicy=continue\nExecStart=${hog(go2)}\n`,
  'forker.service': `[Service]\nTasksMax=4\nExecStart=/usr/bin/python3 ${join(dir, 'fork.py')}\n`,
  'quota.service': `[Service]\nCPUQuota=20%\nCPUWeight=50\nMemoryHigh=1G\nMemoryLow=1M\n${twoCpus ? 'AllowedCPUs=1\n' : ''}ExecStart=/bin/sleep 600\n`,
  'period.service': '[Service]\nCPUQuota=5%\nCPUQuotaPeriodSec=10ms\nTasksMax=infinity\nExecStart=/bin/sleep 600\n',
  'plain.service': '[Service]\nExecStart=/bin/sleep 600\n',
  // The slice's own limits: on system.slice's directory, which holds every service's (a file of
  // its own, as Debian ships one).
  'system.slice': '[Unit]\nDescription=System Slice\n[Slice]\nMemoryMax=2G\nTasksMax=500\nCPUQuota=150%\n',
  'x.target': '[Unit]\nWants=hog.service hog2.service forker.service quota.service period.service plain.service\n',
};

let svcd: SvcdInNamespace;
let shared: SvcdInNamespace;

const show = async (s: SvcdInNamespace, unit: string, props: string) => (await s.svcctl('show', '-p', props, unit)).stdout;
async function until(what: () => Promise<boolean> | boolean, ms = 15000): Promise<void> {
  for (let t = 0; t < ms && !(await what()); t += 100) await sleep(100);
}

beforeAll(async () => {
  if (!usable) return;
  writeFileSync(join(dir, 'fork.py'), forker);
  buildTree(join(dir, 'a/units'), { files: units });
  buildTree(join(dir, 'b/units'), { files: units });
  // PID 1 of the namespace moves itself into the test's cgroup in each controller, then becomes svcd.
  svcd = await bootInNamespace(join(dir, 'a'), join(dir, 'a/units'), 'x.target', '/nonexistent', cgroups.wrapper);
  shared = await bootInNamespace(join(dir, 'b'), join(dir, 'b/units'), 'x.target');
}, 60000);
afterAll(async () => {
  await svcd?.stop();
  await shared?.stop();
  await sleep(200);
  cgroups.remove();
  rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!usable)('resource control in the cgroup v1 controllers (svcd alone in its cgroups)', () => {
  it('a unit gets system.slice/NAME in each controller, its processes in it', async () => {
    const main = Number((await show(svcd, 'plain.service', 'MainPID')).trim().split('=')[1]);
    expect(main).toBeGreaterThan(0);
    for (const c of ['memory', 'pids', 'cpu', 'cpuacct'] as const) expect(readFileSync(cg(c, 'system.slice/plain.service/cgroup.procs'), 'utf8')).toMatch(/^\d+\n$/);
  });

  it('an allocation past MemoryMax= is killed by the kernel, and the unit fails', async () => {
    expect(readFileSync(cg('memory', 'system.slice/hog.service/memory.limit_in_bytes'), 'utf8').trim()).toBe(String(64 * 1024 * 1024));
    writeFileSync(go, '');
    await until(async () => (await show(svcd, 'hog.service', 'ActiveState')).includes('=failed'));
    expect(await show(svcd, 'hog.service', 'Result,ActiveState,ExecMainStatus')).toBe('Result=oom-kill\nExecMainStatus=9\nActiveState=failed\n');
    // systemd's words, in its order (on the console, where svcd says the result).
    await until(() => svcd.console().includes("hog.service: Failed with result 'oom-kill'."));
    expect(svcd.console()).toContain("svcd: hog.service: A process of this unit has been killed by the OOM killer.\nsvcd: hog.service: Main process exited, code=killed, status=9/KILL\nsvcd: hog.service: Failed with result 'oom-kill'.\n");
  });

  it('OOMPolicy=continue: the OOM kill is said, and the result is the signal\'s', async () => {
    expect(readFileSync(cg('memory', 'system.slice/hog2.service/memory.limit_in_bytes'), 'utf8').trim()).toBe(String(64 * 1024 * 1024));
    writeFileSync(go2, '');
    await until(async () => (await show(svcd, 'hog2.service', 'ActiveState')).includes('=failed'));
    expect(await show(svcd, 'hog2.service', 'Result')).toBe('Result=signal\n');
    const logs = (await svcd.svcctl('logs', '--no-pager', '-D', join(dir, 'a/journal'), '-u', 'hog2.service', '-o', 'cat')).stdout;
    expect(logs).toContain('hog2.service: A process of this unit has been killed by the OOM killer.\n');
  });

  it('a fork past TasksMax= gets EAGAIN', async () => {
    expect(readFileSync(cg('pids', 'system.slice/forker.service/pids.max'), 'utf8').trim()).toBe('4');
    let logs = '';
    await until(async () => (logs = (await svcd.svcctl('logs', '--no-pager', '-D', join(dir, 'a/journal'), '-u', 'forker.service', '-o', 'cat')).stdout).includes('fork '));
    // python, sh… the main process is one task; three children fit, the fourth fork is refused.
    expect(logs).toContain('fork 4 failed: EAGAIN');
    expect((await show(svcd, 'forker.service', 'ActiveState'))).toBe('ActiveState=active\n');
  });

  it('CPUQuota= and CPUWeight= are in cpu.cfs_quota_us/cfs_period_us and cpu.shares; AllowedCPUs= in cpuset.cpus', async () => {
    const f = (c: 'cpu' | 'cpuset', file: string) => readFileSync(cg(c, 'system.slice/quota.service', file), 'utf8').trim();
    expect([f('cpu', 'cpu.cfs_quota_us'), f('cpu', 'cpu.cfs_period_us'), f('cpu', 'cpu.shares')]).toEqual(['20000', '100000', '512']);
    if (twoCpus) {
      expect(f('cpuset', 'cpuset.cpus')).toBe('1');
      const main = (await show(svcd, 'quota.service', 'MainPID')).trim().split('=')[1];
      expect(readFileSync(`/proc/${svcd.hostPid}/root/proc/${main}/status`, 'utf8')).toMatch(/Cpus_allowed_list:\s+1\n/);
    }
  });

  it('system.slice\'s own limits are on its directory, above every service\'s', async () => {
    expect(readFileSync(cg('memory', 'system.slice/memory.limit_in_bytes'), 'utf8').trim()).toBe(String(2 * 1024 ** 3));
    expect(readFileSync(cg('pids', 'system.slice/pids.max'), 'utf8').trim()).toBe('500');
    expect(readFileSync(cg('cpu', 'system.slice/cpu.cfs_quota_us'), 'utf8').trim()).toBe('150000');
    // What the slice does not set keeps the kernel's default.
    expect(readFileSync(cg('cpu', 'system.slice/cpu.shares'), 'utf8').trim()).toBe('1024');
  });

  it('a short CPUQuotaPeriodSec= is widened so the quota is at least 1 ms a period, as systemd clamps it', () => {
    const f = (file: string) => readFileSync(cg('cpu', 'system.slice/period.service', file), 'utf8').trim();
    expect([f('cpu.cfs_quota_us'), f('cpu.cfs_period_us')]).toEqual(['1000', '20000']);
    expect(readFileSync(cg('pids', 'system.slice/period.service/pids.max'), 'utf8').trim()).toBe('max');
  });

  it('a unit without TasksMax= gets DefaultTasksMax=, 15% of the kernel\'s task limit', () => {
    expect(readFileSync(cg('pids', 'system.slice/plain.service/pids.max'), 'utf8').trim()).toBe(String(Math.floor((kernelTasks(svcd) * 1500) / 10000)));
    expect(readFileSync(cg('cpu', 'system.slice/plain.service/cpu.cfs_quota_us'), 'utf8').trim()).toBe('-1');
  });

  it('says on one line what cgroup v1 cannot hold (MemoryHigh=, MemoryLow=)', async () => {
    const logs = (await svcd.svcctl('logs', '--no-pager', '-D', join(dir, 'a/journal'), '-u', 'quota.service', '-o', 'cat')).stdout;
    expect(logs).toContain('MemoryLow=, MemoryHigh= not applied (no cgroup v1 equivalent (systemd 252 applies it on cgroup v2 only)).');
  });

  it('show: the cgroups\' figures (MemoryCurrent=, TasksCurrent=, CPUUsageNSec=) and the limits in systemd\'s words', async () => {
    const out = await show(svcd, 'forker.service', 'TasksCurrent,TasksMax,MemoryCurrent,MemoryMax,CPUUsageNSec,CPUWeight');
    const v = Object.fromEntries(out.trim().split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
    expect(v).toMatchObject({ TasksCurrent: '4', TasksMax: '4', MemoryMax: 'infinity', CPUWeight: '[not set]' });
    // The kernel's own counters, read back.
    expect(Number(v.MemoryCurrent)).toBeGreaterThan(0);
    const cpu = BigInt(v.CPUUsageNSec!);
    expect(cpu > 0n && cpu <= BigInt(readFileSync(cg('cpuacct', 'system.slice/forker.service/cpuacct.usage'), 'utf8').trim())).toBe(true);
    expect(await show(svcd, 'quota.service', 'CPUQuotaPerSecUSec,CPUWeight,MemoryLow,MemoryHigh')).toBe('CPUWeight=50\nCPUQuotaPerSecUSec=200ms\nMemoryLow=1048576\nMemoryHigh=1073741824\n');
    expect(await show(svcd, 'period.service', 'TasksMax,CPUQuotaPeriodUSec')).toBe('CPUQuotaPeriodUSec=10ms\nTasksMax=infinity\n');
  });

  it('status: Tasks: N (limit: M), Memory: with the limits set, CPU:', async () => {
    const forker = (await svcd.svcctl('status', '--no-pager', '-n0', 'forker.service')).stdout;
    expect(forker).toMatch(/\n {6}Tasks: 4 \(limit: 4\)\n {5}Memory: \d+\.\d[KMG]\n {8}CPU: \d+ms\n {5}CGroup: /);
    const quota = (await svcd.svcctl('status', '--no-pager', '-n0', 'quota.service')).stdout;
    expect(quota).toMatch(/\n {5}Memory: \d+(\.\d[KMG]|B) \(low: 1\.0M high: 1\.0G\)\n/);
  });

  it('stop removes the unit\'s cgroups in every controller', async () => {
    expect((await svcd.svcctl('stop', 'quota.service', 'plain.service')).rc).toBe(0);
    for (const c of ['memory', 'pids', 'cpu', 'cpuacct', 'cpuset'] as const) {
      expect(existsSync(cg(c, 'system.slice/quota.service'))).toBe(false);
      expect(existsSync(cg(c, 'system.slice/plain.service'))).toBe(false);
    }
  });
});

describe.skipIf(!usable)('the same units where svcd has no cgroup of its own (the host\'s, shared)', () => {
  it('every unit starts', async () => {
    await until(async () => /=active\n/.test(await show(shared, 'forker.service', 'ActiveState')));
    for (const u of ['forker.service', 'quota.service', 'period.service', 'plain.service']) expect(await show(shared, u, 'ActiveState')).toBe('ActiveState=active\n');
  });

  it('makes nothing in the cgroups it shares (the test runner\'s, the host\'s roots)', () => {
    for (const line of readFileSync(`/proc/${shared.hostPid}/cgroup`, 'utf8').trim().split('\n')) {
      const [, controllers, path] = line.split(':');
      const at = cgroups.mount(controllers!);
      if (at) expect(existsSync(join(at, path!, 'system.slice')), `${controllers}:${path}`).toBe(false);
    }
  });

  it('says on one line per unit what was not applied, and why', async () => {
    const logs = (await shared.svcctl('logs', '--no-pager', '-D', join(dir, 'b/journal'), '-u', 'quota.service', '-o', 'cat')).stdout;
    expect(logs).toMatch(/CPUWeight=, CPUQuota=, AllowedCPUs=, MemoryLow=, MemoryHigh= not applied \(no writable cgroup controller: [^\n]+\)\.\n|CPUWeight=, CPUQuota=, MemoryLow=, MemoryHigh= not applied \(no writable cgroup controller: [^\n]+\)\.\n/);
    const plain = (await shared.svcctl('logs', '--no-pager', '-D', join(dir, 'b/journal'), '-u', 'plain.service', '-o', 'cat')).stdout;
    expect(plain).not.toContain('not applied');
  });
});
