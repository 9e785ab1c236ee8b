// Specifiers as systemd.unit(5) "SPECIFIERS" describes them, with a fixed machine context, plus a
// check of the real context against what this machine says about itself.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { expandSpecifiers, systemContext, type SystemContext } from '../../src/unit/specifiers.js';

const sys: SystemContext = {
  architecture: 'x86-64', bootId: 'b0b0', machineId: 'm1m1', hostname: 'node1.example.org', prettyHostname: 'Node One',
  kernelRelease: '6.1.0', osRelease: { ID: 'debian', VERSION_ID: '12' },
  user: { name: 'root', uid: 0, group: 'root', gid: 0, home: '/root', shell: '/bin/sh' }, tmpDir: '/tmp', varTmpDir: '/var/tmp',
};
const x = (text: string, name: string, flavour: 'unit' | 'install' = 'unit', fragmentPath?: string) => expandSpecifiers(text, { name, fragmentPath }, sys, flavour);

describe('unit-file specifiers', () => {
  it('name parts of an instance: %n %N %p %i %j, and their unescaped forms', () => {
    expect(x('%n|%N|%p|%i|%j', 'getty-tty@ttyS0.service')).toEqual({ ok: true, value: 'getty-tty@ttyS0.service|getty-tty@ttyS0|getty-tty|ttyS0|tty' });
    expect(x('%I|%P|%J', 'my\\x2dapp@dev-disk\\x20a.service')).toEqual({ ok: true, value: 'dev/disk a|my-app|my-app' });
  });
  it('%f is the unescaped instance (or prefix) as a path', () => {
    expect(x('%f', 'fsck@dev-sda1.service')).toEqual({ ok: true, value: '/dev/sda1' });
    expect(x('%f', 'var-lib.mount')).toEqual({ ok: true, value: '/var/lib' });
  });
  it('machine, host and directory roots for the system manager', () => {
    expect(x('%m %b %H %l %q %a %v %o %w', 'a.service')).toEqual({ ok: true, value: 'm1m1 b0b0 node1.example.org node1 Node One x86-64 6.1.0 debian 12' });
    expect(x('%t %S %C %L %E %T %V', 'a.service')).toEqual({ ok: true, value: '/run /var/lib /var/cache /var/log /etc /tmp /var/tmp' });
    expect(x('%y %Y', 'a.service', 'unit', '/etc/systemd/system/a.service')).toEqual({ ok: true, value: '/etc/systemd/system/a.service /etc/systemd/system' });
  });
  it('%% is a percent sign; unknown and trailing % are errors naming the problem', () => {
    expect(x('100%%', 'a.service')).toEqual({ ok: true, value: '100%' });
    expect(x('%Z', 'a.service')).toEqual({ ok: false, error: "Failed to resolve specifiers: unknown specifier '%Z'" });
    expect(x('50%', 'a.service').ok).toBe(false);
  });
});

describe('[Install] specifiers', () => {
  it('allows the documented subset only', () => {
    expect(x('%p-%i.%n', 't@one.service', 'install')).toEqual({ ok: true, value: 't-one.t@one.service' });
    expect(x('%t', 't@one.service', 'install').ok).toBe(false);
    expect(x('%f', 't@one.service', 'install').ok).toBe(false);
  });
});

describe('the real machine context', () => {
  it('matches what the machine reports', () => {
    const s = systemContext();
    expect(s.machineId).toBe(readFileSync('/etc/machine-id', 'utf8').trim());
    expect(s.kernelRelease).toBe(execFileSync('uname', ['-r'], { encoding: 'utf8' }).trim());
    expect(s.hostname).toBe(execFileSync('hostname', { encoding: 'utf8' }).trim());
    expect(s.bootId).toMatch(/^[0-9a-f]{32}$/);
  });
});
