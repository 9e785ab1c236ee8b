// Where a unit's cgroup is, as systemd 252 names it (its cg_slice_to_path and cg_escape): a slice's
// dashes nest it in its parents, names that would clash with the kernel's own files get a "_".
// The expectations with "_" are what systemd in systemd-ns answered for Slice=cpu.slice on
// cpu.service (ControlGroup=/_cpu.slice/_cpu.service).
import { describe, expect, it } from 'vitest';
import { cgroupEscape, sliceChain, sliceOfCgroupPath, sliceRelativePath, unitCgroupPath } from '../../src/shared/slice.js';
import { unitSliceOf } from '../../src/unit/slice-of.js';

describe('slice paths', () => {
  it('nests a slice in its parents by its dashes; the root slice is the manager\'s own cgroup', () => {
    expect(sliceChain('a-b-c.slice')).toEqual(['a.slice', 'a-b.slice', 'a-b-c.slice']);
    expect(sliceRelativePath('a-b.slice')).toBe('a.slice/a-b.slice');
    expect(sliceRelativePath('system.slice')).toBe('system.slice');
    expect(sliceRelativePath('-.slice')).toBe('');
  });

  it('places a unit below its slice, and under the manager\'s cgroup', () => {
    expect(unitCgroupPath('x.service', '/', 'a-b.slice')).toBe('/a.slice/a-b.slice/x.service');
    expect(unitCgroupPath('x.service')).toBe('/system.slice/x.service');
    expect(unitCgroupPath('x.service', '/ctr', 'system-getty.slice')).toBe('/ctr/system.slice/system-getty.slice/x.service');
    expect(unitCgroupPath('init.scope', '/', '-.slice')).toBe('/init.scope');
    // A slice is its own directory, whatever slice is passed.
    expect(unitCgroupPath('a-b.slice', '/ctr')).toBe('/ctr/a.slice/a-b.slice');
    expect(unitCgroupPath('-.slice', '/ctr')).toBe('/ctr');
    expect(unitCgroupPath('-.slice')).toBe('/');
  });

  it('escapes names that clash with the kernel\'s files', () => {
    expect(unitCgroupPath('cpu.service', '/', 'cpu.slice')).toBe('/_cpu.slice/_cpu.service');
    expect(['tasks', 'cgroup.procs', '_x.service', '.hidden.service', 'pids.service', 'memory-x.slice', 'cpux.service'].map(cgroupEscape))
      .toEqual(['_tasks', '_cgroup.procs', '__x.service', '_.hidden.service', '_pids.service', 'memory-x.slice', 'cpux.service']);
  });

  it('reads a unit\'s slice back from its cgroup path (journald\'s _SYSTEMD_SLICE=)', () => {
    expect(sliceOfCgroupPath('/a.slice/a-b.slice/x.service')).toBe('a-b.slice');
    expect(sliceOfCgroupPath('/ctr/system.slice/x.service')).toBe('system.slice');
    expect(sliceOfCgroupPath('/_cpu.slice/_cpu.service')).toBe('cpu.slice');
    expect(sliceOfCgroupPath('/init.scope')).toBe('-.slice');
  });

  it('a unit\'s slice: its Slice=, else system.slice, its template\'s for an instance, the root for the perpetual units', () => {
    expect(unitSliceOf('x.service', 'a-b.slice')).toBe('a-b.slice');
    expect(unitSliceOf('x.service', undefined)).toBe('system.slice');
    expect(unitSliceOf('getty@tty1.service', undefined)).toBe('system-getty.slice');
    expect(unitSliceOf('init.scope', undefined)).toBe('-.slice');
    expect(unitSliceOf('a-b.slice', undefined)).toBe('a.slice');
    expect(unitSliceOf('-.slice', undefined)).toBeUndefined();
  });
});
