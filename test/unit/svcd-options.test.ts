import { describe, expect, it } from 'vitest';
import { parseDaemonOptions } from '../../src/cli/svcd/options.js';
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../../src/shared/package-root.js';

describe('svcd options (docs/cli.md)', () => {
  it('uses the documented defaults', () => {
    const r = parseDaemonOptions([], {});
    expect(r).toEqual({
      ok: true,
      value: { unitPath: undefined, runtimeDir: '/run/svcd', stateDir: '/var/lib/svcd', journalDir: undefined, defaultUnit: 'default.target', configPath: '/etc/svcd/system.conf', plan: false, journalSockets: false, managerBus: false },
    });
  });
  it('prefers flags over the environment, and the environment over defaults', () => {
    const r = parseDaemonOptions(['--runtime-dir', '/tmp/a', '--unit=multi-user.target'], { SVCD_RUNTIME_DIR: '/tmp/b', SVCD_STATE_DIR: '/tmp/s' });
    expect(r.ok && typeof r.value === 'object' && [r.value.runtimeDir, r.value.stateDir, r.value.defaultUnit]).toEqual(['/tmp/a', '/tmp/s', 'multi-user.target']);
  });
  it('keeps an empty --unit-path component, which stands for the default path', () => {
    const r = parseDaemonOptions(['--unit-path', 'units/demo:'], {});
    expect(r.ok && typeof r.value === 'object' && r.value.unitPath).toEqual(['units/demo', '']);
  });
  it('--tmpfiles=yes|no turns tmpfiles.d at boot on or off; absent, undefined (off); a non-boolean is refused', () => {
    const tmpfiles = (argv: string[]) => {
      const r = parseDaemonOptions(argv, {});
      return r.ok && typeof r.value === 'object' ? r.value.tmpfiles : r.ok ? r.value : `error: ${r.error}`;
    };
    expect([tmpfiles(['--tmpfiles=yes']), tmpfiles(['--tmpfiles', 'no']), tmpfiles([])]).toEqual([true, false, undefined]);
    expect(tmpfiles(['--tmpfiles=sometimes'])).toMatch(/^error: --tmpfiles: .*sometimes/);
  });
  it('as /sbin/init, takes the words a runtime or the kernel passes as systemd does: runlevels and their names, systemd.unit=, the rest ignored', () => {
    const unit = (argv: string[]) => {
      const r = parseDaemonOptions(argv, {});
      return r.ok && typeof r.value === 'object' ? r.value.defaultUnit : `error: ${!r.ok && r.error}`;
    };
    expect(['3', '5', 'S', 'single', '1', 'emergency', '-b', '-s'].map((w) => unit([w]))).toEqual([
      'multi-user.target', 'graphical.target', 'rescue.target', 'rescue.target', 'rescue.target', 'emergency.target', 'emergency.target', 'rescue.target']);
    expect(unit(['quiet', 'systemd.unit=nova.target', 'splash'])).toBe('nova.target');
    expect(unit(['quiet', 'splash', '6'])).toBe('default.target');
    expect(unit(['--tmpfiles=yes', '--unit', 'x.target', '3'])).toBe('x.target');
  });
  it('refuses unknown flags with a message', () => {
    const r = parseDaemonOptions(['--bogus'], {});
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error).toMatch(/--bogus/);
  });
});

describe('the version', () => {
  // One source: package.json's "version", whatever program prints it.
  const pkg = (JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
  const expected = `svcd ${pkg} (systemd 252 compatible)\n`;

  it('svcd --version prints package.json\'s', () => {
    expect(parseDaemonOptions(['--version'], {})).toEqual({ ok: true, value: 'version' });
    const r = spawnSync(process.execPath, [join(PACKAGE_ROOT, 'dist/cli/svcd.js'), '--version'], { encoding: 'utf8' });
    expect([r.status, r.stdout]).toEqual([0, expected]);
  });

  it('svcctl --version prints the same', () => {
    const r = spawnSync(process.execPath, [join(PACKAGE_ROOT, 'dist/cli/svcctl.js'), '--version'], { encoding: 'utf8' });
    expect([r.status, r.stdout]).toEqual([0, expected]);
  });
});
