// Specifiers as systemd.unit(5) "SPECIFIERS" describes them: first with a fixed machine context and
// values worked out from the man page, then against systemd 252 itself where it is installed —
// `systemd-analyze condition --unit=` resolves unit-file specifiers in ConditionPathExists= and
// prints the result, and `systemctl --root=DIR enable` names its symlinks after [Install]'s.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  architectureFromMachine, expandSpecifiers, machineContext, parseEnvFile, resolveSpecifiers, systemContext, type Flavour, type SystemContext, type UnitContext,
} from '../../src/unit/specifiers.js';
import { pathSimplify } from '../../src/unit/escape.js';

const sys: SystemContext = {
  architecture: 'x86-64', bootId: 'b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0', machineId: '0123456789abcdef0123456789abcdef', hostname: 'node1.example.org',
  kernelRelease: '6.1.0', osRelease: { ID: 'debian', VERSION_ID: '12', BUILD_ID: '2024', VARIANT_ID: 'server', IMAGE_ID: 'img', IMAGE_VERSION: '1.2' },
  user: { name: 'root', uid: 0, group: 'root', gid: 0, home: '/root', shell: '/bin/sh' }, tmpDir: '/tmp', varTmpDir: '/var/tmp',
  realPath: (p) => (p === '/etc/systemd/system/alias.service' ? '/usr/lib/systemd/system/real.service' : p),
};
const x = (text: string, unit: UnitContext | string, flavour: Flavour = 'unit', ctx: SystemContext = sys) =>
  expandSpecifiers(text, typeof unit === 'string' ? { name: unit } : unit, ctx, flavour);

describe('unit-file specifiers, fixed context', () => {
  it('name parts of an instance: %n %N %p %i %j', () => {
    expect(x('%n|%N|%p|%i|%j', 'getty-tty@ttyS0.service')).toEqual({ ok: true, value: 'getty-tty@ttyS0.service|getty-tty@ttyS0|getty-tty|ttyS0|tty' });
  });
  it('unescaped forms turn "-" into "/" and undo \\x escapes', () => {
    expect(x('%I|%P|%J', 'my\\x2dapp-web@dev-disk\\x20a.service')).toEqual({ ok: true, value: 'dev/disk a|my-app/web|web' });
    expect(x('%j|%J', 'a\\x2db.service')).toEqual({ ok: true, value: 'a\\x2db|a-b' });
  });
  it('a plain unit has an empty instance; %p is then %N', () => {
    expect(x('[%i][%I][%p][%N]', 'sshd.service')).toEqual({ ok: true, value: '[][][sshd][sshd]' });
  });
  it('%f is the instance, or else the prefix, unescaped as a path', () => {
    expect(x('%f', 'fsck@dev-sda1.service')).toEqual({ ok: true, value: '/dev/sda1' });
    expect(x('%f', 'var-lib.mount')).toEqual({ ok: true, value: '/var/lib' });
    expect(x('%f', '-.mount')).toEqual({ ok: true, value: '/' });
  });
  it('escaping errors fail the whole string', () => {
    expect(resolveSpecifiers('%f', { name: '-foo.service' }, sys)).toMatchObject({ ok: false, error: { specifier: 'f', errno: 'EINVAL' } });
    expect(resolveSpecifiers('%I', { name: 't@a\\q.service' }, sys)).toMatchObject({ ok: false, error: { specifier: 'I', errno: 'EINVAL' } });
    expect(x('%i', 't@a\\q.service')).toEqual({ ok: true, value: 'a\\q' });
  });
  it('an unescaped NUL ends the value, as in C', () => {
    expect(x('<%I>', 't@a\\x00b.service')).toEqual({ ok: true, value: '<a>' });
  });
  it('machine and os-release facts', () => {
    expect(x('%m %b %H %l %q %a %v', 'a.service')).toEqual({ ok: true, value: '0123456789abcdef0123456789abcdef b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0 node1.example.org node1 node1 x86-64 6.1.0' });
    expect(x('%o %w %W %B %M %A', 'a.service')).toEqual({ ok: true, value: 'debian 12 server 2024 img 1.2' });
    expect(x('%q', 'a.service', 'unit', { ...sys, prettyHostname: 'Node One' })).toEqual({ ok: true, value: 'Node One' });
    expect(x('[%w][%A]', 'a.service', 'unit', { ...sys, osRelease: { ID: 'x' } })).toEqual({ ok: true, value: '[][]' });
  });
  it('missing machine facts are errors, not empty strings', () => {
    expect(resolveSpecifiers('%m', { name: 'a.service' }, { ...sys, machineId: undefined })).toMatchObject({ ok: false, error: { errno: 'ENOENT' } });
    expect(resolveSpecifiers('%m', { name: 'a.service' }, { ...sys, machineId: '' })).toMatchObject({ ok: false, error: { errno: 'ENOMEDIUM' } });
    expect(resolveSpecifiers('%o', { name: 'a.service' }, { ...sys, osRelease: undefined })).toMatchObject({ ok: false, error: { specifier: 'o', errno: 'ENOENT' } });
  });
  it('the system manager: root, /root, /bin/sh, and its directories', () => {
    expect(x('%u %U %g %G %h %s', 'a.service')).toEqual({ ok: true, value: 'root 0 root 0 /root /bin/sh' });
    expect(x('%t %S %C %L %E %T %V', 'a.service')).toEqual({ ok: true, value: '/run /var/lib /var/cache /var/log /etc /tmp /var/tmp' });
    expect(x('%d', 'a@b.service')).toEqual({ ok: true, value: '/run/credentials/a@b.service' });
  });
  it('%y is the real path of the fragment, %Y its directory; no fragment is an error', () => {
    expect(x('%y %Y', { name: 'a.service', fragmentPath: '/etc/systemd/system/a.service' })).toEqual({ ok: true, value: '/etc/systemd/system/a.service /etc/systemd/system' });
    expect(x('%y', { name: 'alias.service', fragmentPath: '/etc/systemd/system/alias.service' })).toEqual({ ok: true, value: '/usr/lib/systemd/system/real.service' });
    expect(resolveSpecifiers('%y', { name: 'a.service' }, sys)).toMatchObject({ ok: false, error: { specifier: 'y', errno: 'ENOENT' } });
  });
  it('%c %r %R still resolve, with the deprecation warning', () => {
    const r = resolveSpecifiers('%c|%r|%R', { name: 'a.service', slice: 'system-getty.slice' }, sys);
    expect(r).toEqual({
      ok: true,
      value: {
        value: '/system.slice/system-getty.slice/a.service|/system.slice/system-getty.slice|',
        warnings: ['c', 'r', 'R'].map((c) => `a.service: Specifier '%${c}' used in unit configuration, which is deprecated. Please update your unit file, as it does not work as intended.`),
      },
    });
  });
  it('%% is a percent sign; "%" before a non-alphanumeric or at the end stays', () => {
    expect(x('100%%', 'a.service')).toEqual({ ok: true, value: '100%' });
    expect(x('50%', 'a.service')).toEqual({ ok: true, value: '50%' });
    expect(x('a%-b%/c%%%', 'a.service')).toEqual({ ok: true, value: 'a%-b%/c%%' });
    expect(x('%é', 'a.service')).toEqual({ ok: true, value: '%é' });
  });
  it('an unknown letter or digit is an error naming it', () => {
    expect(x('/bin/%Z', 'a.service')).toEqual({ ok: false, error: 'Failed to resolve unit specifiers in /bin/%Z: Invalid slot (%Z)' });
    expect(resolveSpecifiers('%0', { name: 'a.service' }, sys)).toMatchObject({ ok: false, error: { specifier: '0', errno: 'EBADSLT', reason: 'Invalid slot' } });
  });
});

const ALNUM = [...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'];
const known = (flavour: Flavour, name = 'a-b@c.service') =>
  ALNUM.filter((c) => {
    const r = resolveSpecifiers(`%${c}`, { name, fragmentPath: '/f' }, sys, flavour);
    return r.ok || r.error.errno !== 'EBADSLT';
  }).sort().join('');

describe('which specifiers each flavour knows', () => {
  it('unit files: the whole table of systemd.unit(5), plus the deprecated %c %r %R', () => {
    expect(known('unit')).toBe([...'aAbBcCdEfgGhHiIjJlLmMnNopPqrRsStTuUvVwWyY'].sort().join(''));
  });
  it('[Install] and unit-name settings: the documented subset, plus %A %M %q which systemd 252 also takes', () => {
    const subset = [...'abBgGHijlmnNopuUvwW', ...'AMq'].sort().join('');
    expect(known('install')).toBe(subset);
    expect(known('name')).toBe(subset);
  });
  it('[Install] fills a template\'s missing instance with DefaultInstance=', () => {
    const u = { name: 'tp@.service', defaultInstance: 'def' };
    expect(x('%i|%n|%N|%p|%j', u, 'install')).toEqual({ ok: true, value: 'def|tp@def.service|tp@def|tp|tp' });
    expect(x('%i|%n|%N', 'tp@.service', 'install')).toEqual({ ok: true, value: '|tp@.service|tp@' });
    expect(x('%i|%n', { name: 'tp@inst.service', defaultInstance: 'def' }, 'install')).toEqual({ ok: true, value: 'inst|tp@inst.service' });
  });
  it('name-like results may not grow past a unit name\'s length', () => {
    expect(resolveSpecifiers(`${'a'.repeat(250)}%n`, { name: 'abcdefgh.service' }, sys, 'install')).toMatchObject({ ok: false, error: { errno: 'ENAMETOOLONG' } });
    expect(x(`${'a'.repeat(250)}%n`, 'abcdefgh.service', 'unit').ok).toBe(true);
  });
});

describe('machine context', () => {
  it('reads what the machine reports', () => {
    const s = systemContext();
    if (existsSync('/etc/machine-id')) expect(s.machineId).toBe(readFileSync('/etc/machine-id', 'utf8').trim());
    expect(s.bootId).toBe(readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim().replace(/-/g, ''));
    expect(s.kernelRelease).toBe(spawnSync('uname', ['-r'], { encoding: 'utf8' }).stdout.trim());
    expect(s.hostname).toBe(hostname());
    expect(s.architecture).toBe(architectureFromMachine(spawnSync('uname', ['-m'], { encoding: 'utf8' }).stdout.trim()));
  });
  it('reads machine-id and os-release below --root, and the environment it is given', () => {
    const root = mkdtempSync(join(tmpdir(), 'svcd-spec-root-'));
    try {
      mkdirSync(join(root, 'usr/lib'), { recursive: true });
      mkdirSync(join(root, 'etc'));
      writeFileSync(join(root, 'usr/lib/os-release'), 'ID="tiny"\nVERSION_ID=3\n# comment\n');
      const c = machineContext({ root, env: { HOME: '//home//me/', SHELL: 'relative', TMPDIR: root } });
      expect(c.machineId).toBeUndefined();
      expect(c.osRelease).toEqual({ ID: 'tiny', VERSION_ID: '3' });
      expect(c.user.home).toBe('/home/me');
      expect(c.tmpDir).toBe(root);
      expect(c.varTmpDir).toBe(root);
      expect(c.user.name).toBe('root');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
  it('maps uname machines to systemd architecture names', () => {
    expect(['x86_64', 'i686', 'aarch64', 'armv7l', 'ppc64le', 's390x', 'riscv64'].map(architectureFromMachine))
      .toEqual(['x86-64', 'x86', 'arm64', 'arm', 'ppc64-le', 's390x', 'riscv64']);
  });
  it('parses os-release quoting', () => {
    expect(parseEnvFile('PRETTY_NAME="Debian \\"x\\""\nID=debian\nNAME=\'a b\'\n')).toEqual({ PRETTY_NAME: 'Debian "x"', ID: 'debian', NAME: 'a b' });
  });
});

// --- systemd 252 as the oracle ---------------------------------------------------------------

const hasAnalyze = existsSync('/usr/bin/systemd-analyze') && process.env.SVCD_LIVE_ORACLE !== '0';
const hasSystemctl = existsSync('/usr/bin/systemctl') && process.env.SVCD_LIVE_ORACLE !== '0';
const work = mkdtempSync(join(tmpdir(), 'svcd-spec-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
// Both sides see the same manager environment ($HOME/$SHELL/$TMPDIR feed %h %s %T %V).
const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: '/root', SHELL: '/bin/sh', LANG: 'C.UTF-8' };

const ALL_UNIT = [...'aAbBCdEfgGhHiIjJlLmMnNopPqsStTuUvVwWyY%', 'c', 'r', 'R', 'Z', '0', '-'];

/**
 * Writes `fragment` with one triggering ConditionPathExists= per specifier (all of them are then
 * evaluated and logged), loads `unit` from `dir` with systemd-analyze and returns what systemd
 * resolved each to, or the error it gave.
 */
function systemdResolves(dir: string, unit: string, fragment: string, specs: string[]): Map<string, string> {
  const lines = specs.map((s, i) => `ConditionPathExists=|/x|${i}|%${s}`);
  const service = unit.endsWith('.service') ? '[Service]\nExecStart=/bin/true\n' : '';
  writeFileSync(fragment.startsWith('/') ? fragment : join(dir, fragment), `[Unit]\n${lines.join('\n')}\n${service}`);
  const r = spawnSync('systemd-analyze', ['condition', `--unit=${unit}`], { encoding: 'utf8', env: { ...env, SYSTEMD_UNIT_PATH: `${dir}:` } });
  const out = new Map<string, string>();
  for (const line of `${r.stdout}${r.stderr}`.split('\n')) {
    const ok = /ConditionPathExists=\|\/x\|(\d+)\|(.*) (?:failed|succeeded)\.$/.exec(line);
    if (ok) out.set(specs[Number(ok[1])]!, ok[2]!);
    const bad = /:(\d+): Failed to resolve unit specifiers in \/x\|\d+\|.*, ignoring: (.*)$/.exec(line);
    if (bad) out.set(specs[Number(bad[1]) - 2]!, `error: ${bad[2]}`);
  }
  return out;
}

function oursFor(unit: UnitContext, specs: string[]): Map<string, string> {
  const ctx = machineContext({ env });
  return new Map(specs.map((s) => {
    const r = resolveSpecifiers(`/x|0|%${s}`, unit, ctx);
    // systemd simplifies a condition's path after expanding it.
    return [s, r.ok ? pathSimplify(r.value.value).replace(/^\/x\|0\|/, '') : `error: ${r.error.reason}`];
  }));
}

describe.runIf(hasAnalyze)('unit-file specifiers against systemd-analyze condition', () => {
  const dir = join(work, 'units');
  mkdirSync(dir, { recursive: true });
  mkdirSync(join(work, 'elsewhere'), { recursive: true });

  it.each([
    ['an escaped template instance', 'my\\x2dapp-web@dev-sda\\x20b.service', 'my\\x2dapp-web@.service', ALL_UNIT],
    ['a plain name with dashes', 'a-b\\x2dc-d.target', 'a-b\\x2dc-d.target', [...'nNpPiIjJfyYd']],
    ['an instance that does not unescape', 'q@a\\qb.service', 'q@.service', [...'iIfn']],
    ['a prefix that is not a path', '-lead.target', '-lead.target', [...'pPjJf']],
    ['an instance with a NUL', 'n@a\\x00b.service', 'n@.service', [...'iI']],
  ])('%s (%s)', (_what, unit, fragment, specs) => {
    const theirs = systemdResolves(dir, unit, fragment, specs);
    expect(theirs.size).toBe(specs.length);
    expect(oursFor({ name: unit, fragmentPath: join(dir, fragment) }, specs)).toEqual(theirs);
  });

  it('%y and %Y follow a symlinked fragment to the real file', () => {
    const real = join(work, 'elsewhere', 'real.target');
    symlinkSync(real, join(dir, 'alias.target'));
    const theirs = systemdResolves(dir, 'alias.target', real, ['y', 'Y', 'n']);
    expect(theirs.get('y')).toBe(real);
    expect(oursFor({ name: 'alias.target', fragmentPath: join(dir, 'alias.target') }, ['y', 'Y', 'n'])).toEqual(theirs);
  });
});

describe.runIf(hasSystemctl)('[Install] specifiers against systemctl --root enable', () => {
  const root = join(work, 'root');
  const unitDir = join(root, 'etc/systemd/system');
  mkdirSync(unitDir, { recursive: true });
  writeFileSync(join(root, 'etc/machine-id'), 'fedcba9876543210fedcba9876543210\n');
  if (existsSync('/etc/os-release')) writeFileSync(join(root, 'etc/os-release'), readFileSync('/etc/os-release'));

  /** Enables `unit` whose [Install] is `install`; the target systemctl made a .wants of, or its error. */
  function enable(file: string, install: string, unit: string): string {
    rmSync(unitDir, { recursive: true, force: true });
    mkdirSync(unitDir, { recursive: true });
    writeFileSync(join(unitDir, file), `[Service]\nExecStart=/bin/true\n[Install]\n${install}\n`);
    const r = spawnSync('systemctl', [`--root=${root}`, 'enable', unit], { encoding: 'utf8', env });
    const text = `${r.stdout}${r.stderr}`;
    const made = /Created symlink .*\/etc\/systemd\/system\/(.*)\.wants\//.exec(text);
    if (made) return made[1]!;
    if (/invalid specifier in/.test(text)) return 'error: Invalid slot';
    return `unexpected: ${text}`;
  }

  const ours = (spec: string, unit: UnitContext): string => {
    const r = resolveSpecifiers(spec, unit, machineContext({ root, env }), 'install');
    return r.ok ? r.value.value : `error: ${r.error.reason}`;
  };

  it.each([
    ['tp@.service', 'WantedBy=x-%i-%p-%n-%N-%j.target', 'tp@in\\x20st.service', {}],
    ['tp@.service', 'WantedBy=x-%i-%n-%N.target\nDefaultInstance=def', 'tp@.service', { defaultInstance: 'def' }],
    ['a-b-c.service', 'WantedBy=%a.%A.%b.%B.%g.%G.%H.%l.%m.%M.%o.%q.%u.%U.%v.%w.%W.target', 'a-b-c.service', {}],
  ])('%s with %s', (file, install, unit, extra) => {
    const spec = /WantedBy=(\S+)/.exec(install)![1]!;
    expect(ours(spec, { name: unit, ...extra })).toBe(enable(file, install, unit));
  });

  it('accepts and refuses the same letters', () => {
    const letters = [...'AIJMPZcdfqty0'];
    const theirs = letters.map((c) => (enable('a.service', `WantedBy=x%${c}.target`, 'a.service').startsWith('error') ? 'refused' : 'taken'));
    expect(letters.map((c) => (ours(`x%${c}.target`, { name: 'a.service' }).startsWith('error') ? 'refused' : 'taken'))).toEqual(theirs);
  });
});
