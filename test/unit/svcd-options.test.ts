import { describe, expect, it } from 'vitest';
import { parseDaemonOptions } from '../../src/cli/svcd/options.js';

describe('svcd options (CONTRACT.md)', () => {
  it('uses the documented defaults', () => {
    const r = parseDaemonOptions([], {});
    expect(r).toEqual({
      ok: true,
      value: { unitPath: undefined, runtimeDir: '/run/svcd', stateDir: '/var/lib/svcd', journalDir: undefined, defaultUnit: 'default.target', configPath: '/etc/svcd/system.conf', plan: false, journalSockets: false },
    });
  });
  it('prefers flags over the environment, and the environment over defaults', () => {
    const r = parseDaemonOptions(['--runtime-dir', '/tmp/a', '--unit=multi-user.target'], { SVCD_RUNTIME_DIR: '/tmp/b', SVCD_STATE_DIR: '/tmp/s' });
    expect(r.ok && r.value !== 'help' && [r.value.runtimeDir, r.value.stateDir, r.value.defaultUnit]).toEqual(['/tmp/a', '/tmp/s', 'multi-user.target']);
  });
  it('keeps an empty --unit-path component, which stands for the default path', () => {
    const r = parseDaemonOptions(['--unit-path', 'units/demo:'], {});
    expect(r.ok && r.value !== 'help' && r.value.unitPath).toEqual(['units/demo', '']);
  });
  it('refuses unknown flags with a message', () => {
    const r = parseDaemonOptions(['--bogus'], {});
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error).toMatch(/--bogus/);
  });
});
