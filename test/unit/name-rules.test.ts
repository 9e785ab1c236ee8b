// unit_name_is_valid() and the name helpers, case by case. The validity table was taken from systemd
// 252's own tools (see the live block at the end, which re-asks them where systemd-escape exists):
// `systemd-escape --mangle -- NAME` prints NAME unchanged exactly when it is a valid name of any
// kind, and `systemd-escape --template=NAME x` complains about NAME exactly when it is not a valid
// template.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  parseUnitName, sliceNameIsValid, UNIT_NAME_ANY, UNIT_NAME_INSTANCE, UNIT_NAME_PLAIN, UNIT_NAME_TEMPLATE, unitNameBuild,
  unitNameChangeSuffix, unitNameIsValid, unitNameReplaceInstance, unitNameTemplate, unitNameToInstance, unitNameToPrefix,
  unitNameToPrefixAndInstance,
} from '../../src/unit/name.js';
import { unitNameFromPath, unitNameMangleFull, unitNameToPath } from '../../src/unit/escape.js';

const a = (n: number): string => 'a'.repeat(n);

// [name, kind]: 'P' plain, 'I' instance, 'T' template, '-' invalid.
const NAMES: readonly (readonly [string, 'P' | 'I' | 'T' | '-'])[] = [
  ['foo.service', 'P'], ['foo@bar.service', 'I'], ['foo@.service', 'T'], ['foo@bar@baz.service', 'I'],
  // Only the first "@" splits; "foo@@.service" is an instance named "@".
  ['foo@@.service', 'I'], ['a@.b.service', 'I'],
  ['@.service', '-'], ['@bar.service', '-'], ['.service', '-'], ['foo', '-'], ['foo.', '-'], ['foo.bogus', '-'],
  ['foo.Service', '-'], ['a@b.SERVICE', '-'], ['x.snapshot', '-'], ['x.busname', '-'],
  // The last "." names the type; earlier dots are ordinary characters, even leading ones.
  ['foo.service.service', 'P'], ['a.b.c.socket', 'P'], ['.foo.service', 'P'], ['foo..service', 'P'], ['foo@bar.service.', '-'],
  ['-.mount', 'P'], ['-.slice', 'P'], ['a\\x2d.service', 'P'], ['a:b_c.service', 'P'], ['x.target', 'P'], ['x.scope', 'P'],
  ['a b.service', '-'], ['ä.service', '-'], ['foo@a b.service', '-'], ['foo@ä.service', '-'], ['a%.service', '-'], ['a*.service', '-'],
  // 255 bytes is the longest valid name.
  [`${a(247)}.service`, 'P'], [`${a(248)}.service`, '-'], [`${a(246)}@.service`, 'T'], [`${a(247)}@.service`, '-'],
  [`${a(245)}@b.service`, 'I'], [`${a(246)}@b.service`, '-'],
];

describe('unit_name_is_valid', () => {
  it.each(NAMES)('%s is %s', (name, kind) => {
    expect(unitNameIsValid(name, UNIT_NAME_PLAIN)).toBe(kind === 'P');
    expect(unitNameIsValid(name, UNIT_NAME_INSTANCE)).toBe(kind === 'I');
    expect(unitNameIsValid(name, UNIT_NAME_TEMPLATE)).toBe(kind === 'T');
    expect(unitNameIsValid(name, UNIT_NAME_ANY)).toBe(kind !== '-');
    expect(unitNameIsValid(name, UNIT_NAME_INSTANCE | UNIT_NAME_TEMPLATE)).toBe(kind === 'I' || kind === 'T');
  });
  it('no flags accept nothing', () => expect(unitNameIsValid('foo.service', 0)).toBe(false));
});

describe('name helpers', () => {
  it('split a name into prefix, instance and type', () => {
    expect(parseUnitName('foo@bar@baz.service')).toEqual({ prefix: 'foo', instance: 'bar@baz', type: 'service' });
    expect(parseUnitName('a.b.socket')).toEqual({ prefix: 'a.b', instance: null, type: 'socket' });
    expect(parseUnitName('bad')).toBeUndefined();
    expect([unitNameToPrefix('x-y@z.timer'), unitNameToInstance('x-y@z.timer'), unitNameToPrefixAndInstance('x-y@z.timer')]).toEqual(['x-y', 'z', 'x-y@z']);
    expect([unitNameToInstance('p.service'), unitNameToInstance('t@.service'), unitNameToInstance('nope')]).toEqual([null, '', undefined]);
  });
  it('build, change suffix, replace the instance, find the template', () => {
    expect(unitNameBuild('getty', 'tty1', '.service')).toBe('getty@tty1.service');
    expect(unitNameBuild('getty', null, '.socket')).toBe('getty.socket');
    expect(unitNameBuild('ge@tty', null, '.socket')).toBeUndefined();
    expect(unitNameBuild('getty', 'tty1', '.bogus')).toBeUndefined();
    expect(unitNameChangeSuffix('foo@bar.service', '.socket')).toBe('foo@bar.socket');
    expect(unitNameChangeSuffix('foo.service', 'socket')).toBeUndefined();
    expect(unitNameReplaceInstance('foo@.service', 'x')).toBe('foo@x.service');
    expect(unitNameReplaceInstance('foo@old.service', 'new')).toBe('foo@new.service');
    expect(unitNameReplaceInstance('foo.service', 'x')).toBeUndefined();
    expect(unitNameReplaceInstance('foo@.service', 'a b')).toBeUndefined();
    // The result must still fit in 255 bytes.
    expect(unitNameReplaceInstance('foo@.service', a(243))).toBe(`foo@${a(243)}.service`);
    expect(unitNameReplaceInstance('foo@.service', a(244))).toBeUndefined();
    expect(unitNameTemplate('foo@bar.service')).toBe('foo@.service');
    expect(unitNameTemplate('foo.service')).toBeUndefined();
  });
  it('slice names: dash-separated non-empty parts, or the root slice', () => {
    expect(['-.slice', 'system.slice', 'system-getty.slice', 'a-b-c.slice'].map(sliceNameIsValid)).toEqual([true, true, true, true]);
    expect(['-a.slice', 'a-.slice', 'a--b.slice', 'a.service', 'a@b.slice'].map(sliceNameIsValid)).toEqual([false, false, false, false, false]);
  });
  it('paths to names and back', () => {
    expect(unitNameFromPath('/dev/disk/by-label/my disk', '.device')).toEqual({ ok: true, value: 'dev-disk-by\\x2dlabel-my\\x20disk.device' });
    expect(unitNameFromPath('/', '.mount')).toEqual({ ok: true, value: '-.mount' });
    expect(unitNameFromPath('/a/../b', '.mount')).toEqual({ ok: false, error: 'EINVAL' });
    expect(unitNameToPath('dev-disk-by\\x2dlabel-my\\x20disk.device')).toEqual({ ok: true, value: '/dev/disk/by-label/my disk' });
    expect(unitNameToPath('-.mount')).toEqual({ ok: true, value: '/' });
    expect(unitNameToPath('a--b.mount')).toEqual({ ok: false, error: 'EINVAL' });
  });
});

describe('mangling what users type (systemctl)', () => {
  const m = (s: string, allowGlobs = true) => unitNameMangleFull(s, { allowGlobs, operation: 'to start' });
  it.each([
    ['nginx', 'nginx.service'], ['nginx.service', 'nginx.service'], ['foo@bar', 'foo@bar.service'], ['foo@', 'foo@.service'],
    ['/dev/sda', 'dev-sda.device'], ['/sys/class/net/eth0', 'sys-class-net-eth0.device'], ['/var/lib', 'var-lib.mount'],
    ['/home/', 'home.mount'], ['/', '-.mount'], ['/dev', 'dev.mount'], ['a.socket', 'a.socket'], ['ngi*', 'ngi*'], ['*.timer', '*.timer'],
    ['sshd*.service', 'sshd*.service'], ['foo/bar', 'foo-bar.service'],
  ])('%s → %s', (input, out) => {
    const r = m(input);
    expect(r.ok && r.value.name).toBe(out);
  });
  it('escapes foreign bytes and says so, as systemctl does', () => {
    expect(m('my app')).toEqual({ ok: true, value: { name: 'my\\x20app.service', changed: true, notices: ['Invalid unit name "my app" escaped as "my\\x20app" (maybe you should use systemd-escape?).'] } });
  });
  it('without glob support a glob is escaped, with a notice naming the operation', () => {
    const r = m('ngi*', false);
    expect(r.ok && r.value.name).toBe('ngi\\x2a.service');
    expect(r.ok && r.value.notices[0]).toBe('Glob pattern passed to start, but globs are not supported for this.');
  });
  it('refuses what cannot become a name', () => {
    expect(m('')).toEqual({ ok: false, error: 'EINVAL' });
    expect(m('@', false)).toEqual({ ok: false, error: 'EINVAL' });
    expect(m(a(250), false)).toEqual({ ok: false, error: 'EINVAL' });
  });
});

const live = existsSync('/usr/bin/systemd-escape') && process.env.SVCD_LIVE_ORACLE !== '0';
describe.runIf(live)('systemd 252 agrees (live)', () => {
  it.each(NAMES)('%s is %s', (name, kind) => {
    const mangled = spawnSync('systemd-escape', ['--mangle', '--', name], { encoding: 'utf8' });
    expect(mangled.status === 0 && mangled.stdout === `${name}\n`).toBe(kind !== '-');
    // Instantiating may still fail (a 255-byte template has no room for "x"); only this message
    // is about the template itself.
    const template = spawnSync('systemd-escape', [`--template=${name}`, 'x'], { encoding: 'utf8' });
    expect(template.stderr.includes(`Template name ${name} is not valid.`)).toBe(kind !== 'T');
  });
});
