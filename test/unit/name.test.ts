// Unit names as systemd.unit(5) defines them; escaping and path rules from systemd-escape(1); mangling
// as systemctl applies it to what users type (checked live against `systemctl --root is-enabled`,
// which mangles without globs and prints its notices).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  instantiate, isValidUnitName, parseUnitName, sliceNameIsValid, templateOf, UNIT_NAME_INSTANCE, UNIT_NAME_PLAIN, UNIT_NAME_TEMPLATE,
  unitInstanceIsValid, unitNameBuild, unitNameChangeSuffix, unitNameIsValid, unitNameReplaceInstance, unitNameTemplate, unitNameToInstance,
  unitNameToPrefix, unitNameToPrefixAndInstance, unitNameToType, unitPrefixIsValid,
} from '../../src/unit/name.js';
import {
  isDevicePath, pathIsNormalized, pathIsValid, pathSimplify, unitNameEscape, unitNameFromPath, unitNameFromPathInstance, unitNameMangle,
  unitNameMangleFull, unitNamePathEscape, unitNamePathUnescape, unitNameToPath, unitNameUnescape, unitNameUnescapeBytes,
} from '../../src/unit/escape.js';

describe('unit names', () => {
  it.each([
    ['nginx.service', true], ['getty@tty1.service', true], ['getty@.service', true], ['-.mount', true], ['dev-sda1.device', true],
    ['a\\x20b.service', true], ['multi-user.target', true], ['a@b@c.service', true], ['a:b_c.d.socket', true],
    ['x.bogus', false], ['.service', false], ['noext', false], ['', false], ['@x.service', false], ['a b.service', false],
    ['ünï.service', false], ['a.Service', false], ['a/b.service', false],
    [`${'a'.repeat(248)}.service`, false], [`${'a'.repeat(247)}.service`, true],
  ])('%s valid: %s', (name, valid) => expect(isValidUnitName(name)).toBe(valid));

  it('tells plain names, instances and templates apart', () => {
    const kinds = (n: string) => [UNIT_NAME_PLAIN, UNIT_NAME_INSTANCE, UNIT_NAME_TEMPLATE].map((f) => unitNameIsValid(n, f));
    expect(kinds('a.service')).toEqual([true, false, false]);
    expect(kinds('a@b.service')).toEqual([false, true, false]);
    expect(kinds('a@.service')).toEqual([false, false, true]);
    expect(unitNameIsValid('a.service', 0)).toBe(false);
  });

  it('splits at the first "@" and the last "."', () => {
    expect(parseUnitName('foo@bar.baz.service')).toEqual({ prefix: 'foo', instance: 'bar.baz', type: 'service' });
    expect(parseUnitName('foo@a@b.socket')).toEqual({ prefix: 'foo', instance: 'a@b', type: 'socket' });
    expect(parseUnitName('foo@.socket')).toEqual({ prefix: 'foo', instance: '', type: 'socket' });
    expect(unitNameToType('x.y.timer')).toBe('timer');
    expect(unitNameToPrefix('a-b@c.service')).toBe('a-b');
    expect(unitNameToInstance('a.service')).toBeNull();
    expect(unitNameToInstance('a@.service')).toBe('');
    expect(unitNameToInstance('nope')).toBeUndefined();
    expect(unitNameToPrefixAndInstance('a@b.service')).toBe('a@b');
  });

  it('builds and rewrites names', () => {
    expect(templateOf('foo@bar.service')).toBe('foo@.service');
    expect(templateOf('foo@.service')).toBeUndefined();
    expect(unitNameTemplate('foo@.service')).toBe('foo@.service');
    expect(instantiate('foo@.service', 'baz')).toBe('foo@baz.service');
    expect(() => instantiate('foo.service', 'baz')).toThrow();
    expect(unitNameReplaceInstance('foo@old.service', 'new')).toBe('foo@new.service');
    expect(unitNameReplaceInstance('foo@.service', '')).toBeUndefined();
    expect(unitNameReplaceInstance('foo@.service', 'a b')).toBeUndefined();
    expect(unitNameReplaceInstance('foo@.service', 'a'.repeat(243))).toBe(`foo@${'a'.repeat(243)}.service`);
    expect(unitNameReplaceInstance('foo@.service', 'a'.repeat(244))).toBeUndefined();
    expect(unitNameChangeSuffix('foo@x.service', '.socket')).toBe('foo@x.socket');
    expect(unitNameChangeSuffix('foo.service', 'socket')).toBeUndefined();
    expect(unitNameBuild('foo', 'a@b', '.service')).toBe('foo@a@b.service');
    expect(unitNameBuild('fo@o', null, '.service')).toBeUndefined();
    expect([unitPrefixIsValid('a@b'), unitInstanceIsValid('a@b'), unitInstanceIsValid('')]).toEqual([false, true, false]);
  });

  it('knows slice names', () => {
    expect(['-.slice', 'system.slice', 'a-b.slice', 'a--b.slice', '-a.slice', 'a-.slice', 'a.service'].map(sliceNameIsValid))
      .toEqual([true, true, true, false, false, false, false]);
  });
});

describe('escaping', () => {
  it('escapes "-", "\\", a leading ".", and every byte of non-ASCII characters; "/" is "-"', () => {
    expect(unitNameEscape('a-b/c\\d')).toBe('a\\x2db-c\\x5cd');
    expect(unitNameEscape('.a.b')).toBe('\\x2ea.b');
    expect(unitNameEscape('é')).toBe('\\xc3\\xa9');
    expect(unitNameEscape('')).toBe('');
  });
  const samples = ['plain', 'with space', '/abs/path', 'ünï/cödé', '-dash-', '.dot', 'a\\b', '100%', '日本'];
  it.each(samples)('unescape(escape(%j)) gives it back', (s) => {
    expect(unitNameUnescape(unitNameEscape(s))).toEqual({ ok: true, value: s });
  });
  it('unescapes bytes, upper-case hex too, and stops at NUL; a lone "\\" is an error', () => {
    expect(unitNameUnescapeBytes('\\xff\\X41')).toEqual({ ok: false, error: 'EINVAL' });
    expect(unitNameUnescapeBytes('\\xff\\x4A')).toEqual({ ok: true, value: Buffer.from([0xff, 0x4a]) });
    expect(unitNameUnescape('a\\x00b')).toEqual({ ok: true, value: 'a' });
    expect(unitNameUnescape('a\\x4')).toEqual({ ok: false, error: 'EINVAL' });
  });
});

describe('paths', () => {
  it('simplifies as path_simplify does', () => {
    expect(['//a//b/', '/./a/./', 'a/./b/.', './', '/', '', '/a/../b'].map(pathSimplify)).toEqual(['/a/b', '/a', 'a/b', '.', '/', '', '/a/../b']);
  });
  it('validity and normalization count bytes', () => {
    expect(pathIsValid(`/${'é'.repeat(127)}`)).toBe(true);
    expect(pathIsValid(`/${'é'.repeat(128)}`)).toBe(false);
    expect(pathIsValid(`/${'a/'.repeat(2047)}`)).toBe(true);
    expect(pathIsValid(`/${'a/'.repeat(2048)}`)).toBe(false);
    expect(['/a/b', '/a//b', '/a/./b', '/a/../b', 'a', '.', ''].map(pathIsNormalized)).toEqual([true, false, false, false, true, false, false]);
  });
  it('escapes paths without their outer slashes, "/" and "" as "-", refusing ".."', () => {
    expect(unitNamePathEscape('/')).toEqual({ ok: true, value: '-' });
    expect(unitNamePathEscape('')).toEqual({ ok: true, value: '-' });
    expect(unitNamePathEscape('//var//lib/')).toEqual({ ok: true, value: 'var-lib' });
    expect(unitNamePathEscape('/.hidden')).toEqual({ ok: true, value: '\\x2ehidden' });
    expect(unitNamePathEscape('/a/../b')).toEqual({ ok: false, error: 'EINVAL' });
    expect(unitNamePathEscape('.')).toEqual({ ok: false, error: 'EINVAL' });
  });
  it('unescapes paths, refusing what would not come back the same', () => {
    expect(unitNamePathUnescape('-')).toEqual({ ok: true, value: '/' });
    expect(unitNamePathUnescape('dev-sda')).toEqual({ ok: true, value: '/dev/sda' });
    for (const bad of ['', '-a', 'a-', 'a--b', 'a-.-b', 'a-..-b', '\\x2f']) expect(unitNamePathUnescape(bad).ok).toBe(false);
  });
  it('names units after paths', () => {
    expect(unitNameFromPath('/dev/sda1', '.device')).toEqual({ ok: true, value: 'dev-sda1.device' });
    expect(unitNameFromPath('/', '.mount')).toEqual({ ok: true, value: '-.mount' });
    expect(unitNameFromPath('/x', 'mount').ok).toBe(false);
    expect(unitNameFromPathInstance('fsck', '/dev/sda', '.service')).toEqual({ ok: true, value: 'fsck@dev-sda.service' });
    expect(unitNameToPath('home-user.mount')).toEqual({ ok: true, value: '/home/user' });
    expect(unitNameToPath('-.mount')).toEqual({ ok: true, value: '/' });
  });
  it('devices are below /dev or /sys, not /dev itself', () => {
    expect(['/dev/sda', '//dev//sda', '/sys/x', '/dev', '/dev/', '/dev/.', '/devx/a', 'dev/sda'].map(isDevicePath))
      .toEqual([true, true, true, false, false, false, false, false]);
  });
});

describe('mangling user input', () => {
  it('completes names and turns paths into units', () => {
    expect(unitNameMangle('nginx')).toBe('nginx.service');
    expect(unitNameMangle('nginx.socket')).toBe('nginx.socket');
    expect(unitNameMangle('/dev/sda')).toBe('dev-sda.device');
    expect(unitNameMangle('/home')).toBe('home.mount');
    expect(unitNameMangle('/')).toBe('-.mount');
    expect(unitNameMangle('a/b c')).toBe('a-b\\x20c.service');
    expect(unitNameMangle('foo@bar')).toBe('foo@bar.service');
  });
  it('keeps globs only when allowed, and then adds no suffix', () => {
    expect(unitNameMangle('ngi*', { allowGlobs: true })).toBe('ngi*');
    expect(unitNameMangle('foo.*', { allowGlobs: true })).toBe('foo.*');
    expect(unitNameMangle('a b*', { allowGlobs: true })).toBe('a\\x20b*');
    expect(unitNameMangle('ngi*')).toBe('ngi\\x2a.service');
  });
  it('refuses what cannot become a valid name', () => {
    expect(unitNameMangleFull('')).toEqual({ ok: false, error: 'EINVAL' });
    expect(unitNameMangleFull('@')).toEqual({ ok: false, error: 'EINVAL' });
    expect(unitNameMangleFull('a'.repeat(248))).toEqual({ ok: false, error: 'EINVAL' });
    expect(unitNameMangle('@')).toBe('@');
  });
});

const hasSystemctl = existsSync('/usr/bin/systemctl') && process.env.SVCD_LIVE_ORACLE !== '0';
describe.runIf(hasSystemctl)('mangling against systemctl --root is-enabled', () => {
  const root = mkdtempSync(join(tmpdir(), 'svcd-name-'));
  mkdirSync(join(root, 'etc/systemd/system'), { recursive: true });
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  // Inputs with "/" are unit file paths to is-enabled (no mangling), so only names here.
  it.each(['nginx', 'a b', 'x*', 'x*y z', 'ü', 'a\\b', 'foo@bar', 'x.bogus', 'a:b@c d.socket'])('%j', (input) => {
    const r = spawnSync('systemctl', [`--root=${root}`, 'is-enabled', input], { encoding: 'utf8' });
    const lines = r.stderr.trim().split('\n');
    const name = /^Failed to get unit file state for (.*): /.exec(lines.at(-1) ?? '')?.[1];
    const m = unitNameMangleFull(input, { operation: 'to check' });
    expect(m.ok && { name: m.value.name, notices: m.value.notices }).toEqual({ name, notices: lines.slice(0, -1) });
  });
});
