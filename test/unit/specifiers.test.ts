// Specifiers as systemd 252 resolves them: unit_full_printf() for unit files, unit_name_printf() for
// name-like settings, install_name_printf() for [Install]. Most cases use a fixed machine; the last
// block compares the real machine context with what this machine (and, where installed,
// `systemd-analyze condition`, which expands with systemd's own code) says.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  architectureFromMachine, expandSpecifiers, machineContext, parseEnvFile, resolveSpecifiers, systemContext, type Flavour,
  type SystemContext,
} from '../../src/unit/specifiers.js';

const sys: SystemContext = {
  architecture: 'x86-64', bootId: 'b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0', machineId: 'a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1',
  hostname: 'node1.example.org', prettyHostname: 'Node One', kernelRelease: '6.1.0',
  osRelease: { ID: 'debian', VERSION_ID: '12', VARIANT_ID: 'server', BUILD_ID: 'b7', IMAGE_ID: 'img', IMAGE_VERSION: '3.1' },
  user: { name: 'root', uid: 0, group: 'root', gid: 0, home: '/root', shell: '/bin/sh' }, tmpDir: '/tmp', varTmpDir: '/var/tmp',
};

interface Opts { flavour?: Flavour; fragmentPath?: string; defaultInstance?: string; slice?: string; ctx?: SystemContext }
const x = (text: string, name: string, o: Opts = {}) =>
  expandSpecifiers(text, { name, fragmentPath: o.fragmentPath, defaultInstance: o.defaultInstance, slice: o.slice }, o.ctx ?? sys, o.flavour ?? 'unit');
const val = (text: string, name: string, o: Opts = {}): string => {
  const r = x(text, name, o);
  if (!r.ok) throw new Error(r.error);
  return r.value;
};
const errno = (text: string, name: string, o: Opts = {}) => {
  const r = resolveSpecifiers(text, { name, defaultInstance: o.defaultInstance }, o.ctx ?? sys, o.flavour ?? 'unit');
  return r.ok ? 'ok' : `${r.error.errno} %${r.error.specifier}`;
};

describe('unit-file specifiers (unit_full_printf)', () => {
  it('name parts of an instance: %n %N %p %i %j, and their unescaped forms', () => {
    expect(val('%n|%N|%p|%i|%j', 'getty-tty@ttyS0.service')).toBe('getty-tty@ttyS0.service|getty-tty@ttyS0|getty-tty|ttyS0|tty');
    expect(val('%I|%P|%J', 'my\\x2dapp@dev-disk\\x20a.service')).toBe('dev/disk a|my-app|my-app');
  });
  it('a plain name has an empty instance; a template keeps its "@" in %N', () => {
    expect(val('[%i][%I]', 'sshd.service')).toBe('[][]');
    expect(val('%N|%p|[%i]', 'foo@.service')).toBe('foo@|foo|[]');
    expect(val('%j', 'plain.service')).toBe('plain');
  });
  it('unescaping that fails is an error, not the raw text', () => {
    expect(errno('%I', 'a@b\\zz.service')).toBe('EINVAL %I');
    expect(errno('%P', 'a\\q.service')).toBe('EINVAL %P');
    expect(x('%i', 'a@b\\zz.service')).toEqual({ ok: true, value: 'b\\zz' });
  });
  it('%f is the unescaped instance (or prefix) as a path', () => {
    expect(val('%f', 'fsck@dev-sda1.service')).toBe('/dev/sda1');
    expect(val('%f', 'var-lib.mount')).toBe('/var/lib');
    expect(val('%f', '-.mount')).toBe('/');
    expect(errno('%f', 'a@x-.service')).toBe('EINVAL %f');
  });
  it('machine, host and os-release facts', () => {
    expect(val('%m %b %H %l %q %a %v', 'a.service')).toBe('a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1 b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0 node1.example.org node1 Node One x86-64 6.1.0');
    expect(val('%o %w %W %B %M %A', 'a.service')).toBe('debian 12 server b7 img 3.1');
    // Without PRETTY_HOSTNAME= %q is the short host name.
    expect(val('%q', 'a.service', { ctx: { ...sys, prettyHostname: undefined } })).toBe('node1');
  });
  it('directories and the manager user of the system manager', () => {
    expect(val('%t %S %C %L %E %T %V', 'a.service')).toBe('/run /var/lib /var/cache /var/log /etc /tmp /var/tmp');
    expect(val('%u %U %g %G %h %s', 'a.service')).toBe('root 0 root 0 /root /bin/sh');
    expect(val('%d', 'web@1.service')).toBe('/run/credentials/web@1.service');
  });
  it('%y/%Y: the fragment, with symlinks resolved; an error without one', () => {
    const frag = { fragmentPath: '/etc/systemd/system/a.service' };
    expect(val('%y %Y', 'a.service', frag)).toBe('/etc/systemd/system/a.service /etc/systemd/system');
    const linked = { ...frag, ctx: { ...sys, realPath: () => '/usr/lib/systemd/system/a.service' } };
    expect(val('%y %Y', 'a.service', linked)).toBe('/usr/lib/systemd/system/a.service /usr/lib/systemd/system');
    expect(errno('%y', 'a.service')).toBe('ENOENT %y');
  });
  it('the deprecated %c %r %R still resolve, with systemd\'s warning', () => {
    const r = resolveSpecifiers('%c', { name: 'a.service', slice: 'system-web.slice' }, sys);
    expect(r.ok && r.value.value).toBe('/system.slice/system-web.slice/a.service');
    expect(r.ok && r.value.warnings).toEqual([
      "a.service: Specifier '%c' used in unit configuration, which is deprecated. Please update your unit file, as it does not work as intended.",
    ]);
  });
  it('"%%" is "%"; a stray "%" before a non-alphanumeric or at the end stays; an unknown letter is EBADSLT', () => {
    expect(val('100%%', 'a.service')).toBe('100%');
    expect(val('50%', 'a.service')).toBe('50%');
    expect(val('%!x%-', 'a.service')).toBe('%!x%-');
    expect(errno('%Z', 'a.service')).toBe('EBADSLT %Z');
    expect(errno('ok %9', 'a.service')).toBe('EBADSLT %9');
    expect(x('/x%Z', 'a.service')).toEqual({ ok: false, error: 'Failed to resolve unit specifiers in /x%Z: Invalid slot (%Z)' });
  });
  it('missing machine facts fail the way systemd fails', () => {
    expect(errno('%m', 'a.service', { ctx: { ...sys, machineId: undefined } })).toBe('ENOENT %m');
    expect(errno('%m', 'a.service', { ctx: { ...sys, machineId: '' } })).toBe('ENOMEDIUM %m');
    expect(errno('%o', 'a.service', { ctx: { ...sys, osRelease: undefined } })).toBe('ENOENT %o');
    // A field missing from an existing os-release is just empty.
    expect(val('[%A]', 'a.service', { ctx: { ...sys, osRelease: { ID: 'x' } } })).toBe('[]');
  });
});

describe('name specifiers (unit_name_printf)', () => {
  it('know the name and system subsets only, and stop at a unit name\'s length', () => {
    expect(val('%p-%i.%j', 'a-b@c.service', { flavour: 'name' })).toBe('a-b-c.b');
    expect(errno('%t', 'a.service', { flavour: 'name' })).toBe('EBADSLT %t');
    expect(errno('%f', 'a.service', { flavour: 'name' })).toBe('EBADSLT %f');
    expect(errno('x'.repeat(256), 'a.service', { flavour: 'name' })).toBe('ok');
    expect(errno('x'.repeat(257), 'a.service', { flavour: 'name' })).toBe('ENAMETOOLONG %');
  });
});

describe('[Install] specifiers (install_name_printf), as systemctl --root enable resolves them', () => {
  it('allows the install set: %q yes, %T %V %t %f no', () => {
    expect(val('%p-%i.%n', 't@one.service', { flavour: 'install' })).toBe('t-one.t@one.service');
    expect(val('w-%q', 'tq@x.service', { flavour: 'install' })).toBe('w-Node One');
    for (const c of ['T', 'V', 't', 'f', 'I', 'y']) expect(errno(`%${c}`, 't@one.service', { flavour: 'install' })).toBe(`EBADSLT %${c}`);
  });
  it('a template\'s DefaultInstance= stands in for %i %n %N', () => {
    expect(val('a-%i-%n-%N', 'd@.service', { flavour: 'install', defaultInstance: 'def' })).toBe('a-def-d@def.service-d@def');
    expect(val('a-%i-%n-%N', 'd@x.service', { flavour: 'install', defaultInstance: 'def' })).toBe('a-x-d@x.service-d@x');
    expect(val('[%i]%N', 'd@.service', { flavour: 'install' })).toBe('[]d@');
  });
  it('the unit flavour ignores DefaultInstance=', () => {
    expect(val('[%i]', 'd@.service', { defaultInstance: 'def' })).toBe('[]');
  });
});

describe('machine facts', () => {
  it('parses os-release quoting', () => {
    expect(parseEnvFile('ID=debian\nPRETTY_NAME="Debian \\"GNU\\"/Linux"\n# c\nVERSION_ID=\'12\'\n')).toEqual({ ID: 'debian', PRETTY_NAME: 'Debian "GNU"/Linux', VERSION_ID: '12' });
  });
  it('names architectures as systemd does', () => {
    expect(architectureFromMachine('x86_64')).toBe('x86-64');
    expect(architectureFromMachine('aarch64')).toBe('arm64');
    expect(architectureFromMachine('armv7l')).toBe('arm');
    expect(architectureFromMachine('i686')).toBe('x86');
  });
  it('reads each fact only when asked', () => {
    let asked = 0;
    const ctx = machineContext({ env: new Proxy({}, { get: () => { asked++; return undefined; } }) });
    expect(ctx.kernelRelease).not.toBe('');
    expect(asked).toBe(0);
    expect(ctx.tmpDir).toBe('/tmp');
    expect(asked).toBeGreaterThan(0);
  });
  it('honours $TMPDIR only when it is an existing absolute directory', () => {
    expect(machineContext({ env: { TMPDIR: '/' } }).tmpDir).toBe('/');
    expect(machineContext({ env: { TMPDIR: 'rel' } }).varTmpDir).toBe('/var/tmp');
    expect(machineContext({ env: { TMPDIR: '/no/such/dir' } }).tmpDir).toBe('/tmp');
  });
  it('a --root without machine-id or os-release: %m and %o fail', () => {
    const ctx = machineContext({ root: '/nonexistent-svcd-root' });
    expect(errno('%m', 'a.service', { ctx })).toBe('ENOENT %m');
    expect(errno('%o', 'a.service', { ctx })).toBe('ENOENT %o');
  });
});

describe('the real machine', () => {
  it('systemContext() matches what the machine reports', () => {
    const s = systemContext();
    expect(s.machineId).toBe(readFileSync('/etc/machine-id', 'utf8').trim());
    expect(s.bootId).toBe(readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim().replace(/-/g, ''));
    expect(s.kernelRelease).toBe(execFileSync('uname', ['-r'], { encoding: 'utf8' }).trim());
    expect(s.hostname).toBe(execFileSync('hostname', { encoding: 'utf8' }).trim());
    expect(s.architecture).toBe(architectureFromMachine(execFileSync('uname', ['-m'], { encoding: 'utf8' }).trim()));
  });

  // systemd-analyze condition expands its argument with unit_full_printf() for a unit named
  // test.service, in this process's environment: the same inputs machineContext() sees.
  const analyze = existsSync('/usr/bin/systemd-analyze') && process.env.SVCD_LIVE_ORACLE !== '0';
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: '/root', SHELL: '/bin/sh', LANG: 'C.UTF-8' };
  it.runIf(analyze).each('a A b B H l q m M o v w W n N p P i I j J f t S C L E T V u U g G h s d %'.split(' '))(
    'systemd-analyze agrees on %%%s', (c) => {
      const r = spawnSync('systemd-analyze', ['condition', `ConditionPathExists=/nonexistent-svcd/x%${c}`], { env, encoding: 'utf8' });
      const m = /ConditionPathExists=\/nonexistent-svcd\/x(.*) failed\./.exec(r.stderr + r.stdout);
      expect(m, r.stderr).not.toBeNull();
      expect(x(`%${c}`, 'test.service', { ctx: machineContext({ env }) })).toEqual({ ok: true, value: m![1] });
    });
  it.runIf(analyze)('systemd-analyze refuses an unknown specifier as we do', () => {
    const r = spawnSync('systemd-analyze', ['condition', 'ConditionPathExists=/x%Z'], { env, encoding: 'utf8' });
    expect(r.stderr).toContain('Failed to resolve unit specifiers in /x%Z, ignoring: Invalid slot');
    expect(x('/x%Z', 'test.service')).toEqual({ ok: false, error: 'Failed to resolve unit specifiers in /x%Z: Invalid slot (%Z)' });
  });
});
