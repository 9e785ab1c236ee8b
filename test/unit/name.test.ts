// Unit names as systemd.unit(5) defines them; mangling as systemctl applies it to what users type.
import { describe, expect, it } from 'vitest';
import { instantiate, isValidUnitName, parseUnitName, templateOf } from '../../src/unit/name.js';
import { unitNameMangle } from '../../src/unit/escape.js';

describe('unit names', () => {
  it.each([
    ['nginx.service', true], ['getty@tty1.service', true], ['getty@.service', true], ['-.mount', true], ['dev-sda1.device', true],
    ['a\\x20b.service', true], ['multi-user.target', true], ['x.bogus', false], ['.service', false], ['noext', false],
    ['@x.service', false], ['a b.service', false], [`${'a'.repeat(248)}.service`, false], [`${'a'.repeat(247)}.service`, true],
  ])('%s valid: %s', (name, valid) => expect(isValidUnitName(name)).toBe(valid));
  it('splits prefix, instance and type', () => {
    expect(parseUnitName('foo@bar.service')).toEqual({ prefix: 'foo', instance: 'bar', type: 'service' });
    expect(parseUnitName('foo@.socket')).toEqual({ prefix: 'foo', instance: '', type: 'socket' });
    expect(templateOf('foo@bar.service')).toBe('foo@.service');
    expect(instantiate('foo@.service', 'baz')).toBe('foo@baz.service');
  });
  it('mangles user input like systemctl, keeping globs for patterns', () => {
    expect(unitNameMangle('nginx', { allowGlobs: true })).toBe('nginx.service');
    expect(unitNameMangle('/dev/sda')).toBe('dev-sda.device');
    expect(unitNameMangle('/home')).toBe('home.mount');
    expect(unitNameMangle('ngi*', { allowGlobs: true })).toBe('ngi*');
    expect(unitNameMangle('ngi*')).toBe('ngi\\x2a.service');
  });
});
