// The one system call group table (src/shared/syscall-groups.ts) against systemd 252's: the listing
// `systemd-analyze syscall-filter` prints and its answers for named, repeated and unknown groups
// (recorded by scripts/record-syscall-filter-fixtures.sh; re-checked live where it is installed),
// and `svcctl analyze syscall-filter` byte for byte against them. Needs the build (bin/svcctl runs dist/).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SYSCALL_GROUPS, syscallGroupExpand, syscallGroupFind } from '../../src/shared/syscall-filter.js';

const root = join(import.meta.dirname, '..', '..');
const fixtures = join(root, 'test', 'fixtures', 'syscall-filter');
const listing = readFileSync(join(fixtures, 'listing.txt'), 'utf8');
interface Case { args: string[]; stdout: string; stderr: string; status: number }
const cases = JSON.parse(readFileSync(join(fixtures, 'cases.json'), 'utf8')) as Case[];
const live = spawnSync('systemd-analyze', ['--version']).status === 0;
const env = { ...process.env, SYSTEMD_COLORS: '0', SYSTEMD_PAGER: '', PAGER: 'cat' };

describe('the group table: systemd 252\'s groups', () => {
  it('has every group systemd lists, in its order, with its help line', () => {
    const names = [...listing.matchAll(/^(@\S+)\n {4}# (.*)$/gm)].map((m) => [m[1], m[2]]);
    expect(names.length).toBe(29);
    expect(SYSCALL_GROUPS.map((g) => [g.name, g.help])).toEqual(names);
  });
  it('expands nested groups: @system-service holds @basic-io\'s calls and @signal\'s, not @clock\'s', () => {
    const service = syscallGroupExpand(syscallGroupFind('@system-service')!);
    expect(['read', 'rt_sigaction', 'kill', 'io_setup', 'fork'].every((s) => service.has(s))).toBe(true);
    expect(service.has('clock_settime')).toBe(false);
    expect(syscallGroupFind('read')).toBeUndefined();
  });
});

describe('svcctl analyze syscall-filter: byte for byte as systemd-analyze', () => {
  const svcctl = (args: string[]) => {
    const r = spawnSync(join(root, 'bin', 'svcctl'), ['analyze', 'syscall-filter', ...args], { encoding: 'utf8', env });
    return { stdout: r.stdout, stderr: r.stderr, status: r.status };
  };
  it.each(cases.map((c) => [c.args.join(' ') || '(no arguments)', c] as const))('%s', (_, { args, stdout, stderr, status }) => {
    expect(svcctl(args)).toEqual({ stdout, stderr, status });
  });
  it.runIf(live)('the recordings still match the installed systemd-analyze', () => {
    for (const { args, stdout, stderr, status } of cases) {
      const r = spawnSync('systemd-analyze', ['syscall-filter', ...args], { encoding: 'utf8', env });
      expect({ stdout: r.stdout, stderr: r.stderr, status: r.status }, args.join(' ')).toEqual({ stdout, stderr, status });
    }
  });
});
