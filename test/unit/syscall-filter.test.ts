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
// Both tools append the kernel's unlisted system calls when tracefs is mounted, which depends on the
// host, not on the table: the recorded comparisons run with tracefs hidden by an empty tmpfs in a
// private mount namespace (as on the recording host), and a live comparison covers that section.
const hideTracefs = 'for d in /sys/kernel/tracing /sys/kernel/debug/tracing; do [ -d "$d" ] && mount -t tmpfs none "$d"; done; exec "$@"';
const canHide = spawnSync('unshare', ['-m', 'true']).status === 0;
const run = (cmd: string, args: string[], hide: boolean) => {
  const r = hide && canHide
    ? spawnSync('unshare', ['-m', 'sh', '-c', hideTracefs, 'sh', cmd, ...args], { encoding: 'utf8', env })
    : spawnSync(cmd, args, { encoding: 'utf8', env });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
};
const tracefsMounted = ['/sys/kernel/tracing/available_events', '/sys/kernel/debug/tracing/available_events'].some((p) => {
  try { readFileSync(p); return true; } catch { return false; }
});

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
  const svcctl = (args: string[], hide = true) => run(join(root, 'bin', 'svcctl'), ['analyze', 'syscall-filter', ...args], hide);
  it.each(cases.map((c) => [c.args.join(' ') || '(no arguments)', c] as const))('%s', (_, { args, stdout, stderr, status }) => {
    expect(svcctl(args)).toEqual({ stdout, stderr, status });
  });
  it.runIf(live)('the recordings still match the installed systemd-analyze', () => {
    for (const { args, stdout, stderr, status } of cases) {
      expect(run('systemd-analyze', ['syscall-filter', ...args], true), args.join(' ')).toEqual({ stdout, stderr, status });
    }
  });
  it.runIf(live && tracefsMounted)('with tracefs mounted, the unlisted system calls as the installed systemd-analyze lists them', () => {
    expect(svcctl([], false)).toEqual(run('systemd-analyze', ['syscall-filter'], false));
  });
});
