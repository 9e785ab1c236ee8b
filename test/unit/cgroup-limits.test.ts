// A unit file's resource control as the cgroup files it becomes: the v1 files systemd 252 writes on
// a hybrid host (memory.limit_in_bytes, cpu.shares, cpu.cfs_quota_us/period, pids.max) and the v2
// ones of a delegated unified tree (memory.max, cpu.max, cpu.weight, io.weight …). The v1 side is
// also checked on a live kernel (test/e2e/resource-control.test.ts); this host's unified tree has no
// controllers, so the v2 side is checked here only.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { v1Writes, v2Writes, type LimitContext } from '../../src/exec/cgroup-limits.js';
import { formatBytes } from '../../src/control/render-accounting.js';
import { loadUnit } from '../../src/unit/load.js';
import { buildUnitFileMap } from '../../src/unit/unit-file-map.js';

const dir = mkdtempSync(join(tmpdir(), 'svcd-cgl-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const env: LimitContext = { systemTasksMax: 32767n, defaultTasksMax: { value: 1500n, scale: 10000n }, startup: false };

function files(body: string, flavour: typeof v1Writes, e = env): Record<string, string> {
  writeFileSync(join(dir, 'u.service'), `[Service]\nExecStart=/bin/true\n${body}`);
  const u = loadUnit(buildUnitFileMap([dir]), 'u.service');
  return Object.fromEntries(flavour(u.resources, e).writes.map((w) => [w.file, w.value]));
}

describe('cgroup v1 (systemd 252 on a hybrid host)', () => {
  it('defaults: no memory limit, 1024 shares, no quota over 100 ms, DefaultTasksMax=15%', () => {
    expect(files('', v1Writes)).toEqual({ 'memory.limit_in_bytes': '-1', 'cpu.shares': '1024', 'cpu.cfs_period_us': '100000', 'cpu.cfs_quota_us': '-1', 'pids.max': '4915' });
  });
  it('MemoryMax=, CPUQuota= over several CPUs, CPUWeight= as shares, TasksMax= as a share', () => {
    expect(files('MemoryMax=1G\nCPUQuota=150%\nCPUWeight=200\nTasksMax=10%\n', v1Writes)).toMatchObject({
      'memory.limit_in_bytes': '1073741824', 'cpu.cfs_quota_us': '150000', 'cpu.shares': '2048', 'pids.max': '3276',
    });
  });
  it('StartupCPUWeight= while the manager starts, CPUWeight= after', () => {
    const body = 'CPUWeight=100\nStartupCPUWeight=10\n';
    expect(files(body, v1Writes, { ...env, startup: true })['cpu.shares']).toBe('102');
    expect(files(body, v1Writes)['cpu.shares']).toBe('1024');
  });
  it('MemoryHigh=/MemoryLow=/MemorySwapMax= have no v1 file: said, not written', () => {
    writeFileSync(join(dir, 'u.service'), '[Service]\nExecStart=/bin/true\nMemoryHigh=1G\nMemorySwapMax=0\n');
    const r = v1Writes(loadUnit(buildUnitFileMap([dir]), 'u.service').resources, env);
    expect(r.notApplied.map((n) => n.directive)).toEqual(['MemoryHigh', 'MemorySwapMax']);
  });
});

describe('cgroup v2 (a delegated unified tree)', () => {
  it('every limit in its file', () => {
    expect(files('MemoryMax=64M\nMemoryHigh=48M\nMemoryLow=1M\nMemorySwapMax=0\nCPUQuota=20%\nCPUWeight=50\nTasksMax=infinity\nAllowedCPUs=0-1 3\nIOWeight=300\n', v2Writes)).toEqual({
      'memory.min': '0', 'memory.low': '1048576', 'memory.high': '50331648', 'memory.max': '67108864', 'memory.swap.max': '0',
      'cpu.weight': '50', 'cpu.max': '20000 100000', 'pids.max': 'max', 'cpuset.cpus': '0-1,3', 'io.weight': 'default 300',
    });
  });
  it('CPUWeight=idle is cpu.idle; CPUShares= converted to a weight', () => {
    expect(files('CPUWeight=idle\n', v2Writes)['cpu.idle']).toBe('1');
    expect(files('CPUShares=2048\n', v2Writes)['cpu.weight']).toBe('200');
  });
});

describe('status byte sizes (systemd\'s format_bytes)', () => {
  it('the largest 1024-based unit with one decimal, truncated; bytes below 1K', () => {
    expect([512n, 1024n, 1535n, 1258291n, 64n * 1024n * 1024n, 3n * 1024n ** 3n - 1n].map(formatBytes)).toEqual(['512B', '1.0K', '1.4K', '1.1M', '64.0M', '2.9G']);
  });
});
