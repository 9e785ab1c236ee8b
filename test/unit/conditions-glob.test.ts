// The conditions that match globs use fnmatch() with the flags systemd passes: glob(3)'s leading-dot
// rule and bracket negation for ConditionPathExistsGlob=, FNM_CASEFOLD for ConditionHost=
// (systemd's condition.c; the matcher itself is checked against glibc in glob.test.ts).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildUnit, knownSections } from '../../src/unit/load.js';
import { parseUnitText } from '../../src/unit/syntax.js';
import { evaluateConditions } from '../../src/exec/conditions.js';

const root = mkdtempSync(join(tmpdir(), 'svcd-cond-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
mkdirSync(join(root, 'etc/app'), { recursive: true });
writeFileSync(join(root, 'etc/app/.hidden'), '');
writeFileSync(join(root, 'etc/app/b.conf'), '');

const verdict = (condition: string): string => {
  const text = `[Unit]\n${condition}\n[Service]\nExecStart=/bin/true\n`;
  const file = parseUnitText('/u/a.service', text, { knownSections: knownSections('service') });
  const u = buildUnit({ name: 'a.service', id: 'a.service', names: ['a.service'], fragmentPath: '/u/a.service', masked: false, dropinPaths: [], wants: [], requires: [], upholds: [], files: [file] });
  return evaluateConditions(u, { env: {}, root }).verdict;
};

describe('glob conditions', () => {
  it('PathExistsGlob: * does not match a leading dot; [!…] negates', () => {
    expect(verdict('ConditionPathExistsGlob=/etc/app/*hidden')).toBe('condition-failed');
    expect(verdict('ConditionPathExistsGlob=/etc/app/.h*')).toBe('ok');
    expect(verdict('ConditionPathExistsGlob=/etc/app/[!b].conf')).toBe('condition-failed');
    expect(verdict('ConditionPathExistsGlob=/etc/app/[!a].conf')).toBe('ok');
  });
  it('Host: the name matches in either case', () => {
    expect(verdict(`ConditionHost=${hostname().toUpperCase()}`)).toBe('ok');
    expect(verdict(`ConditionHost=${hostname().slice(0, 1).toUpperCase()}*`)).toBe('ok');
    expect(verdict('ConditionHost=no-such-host-*')).toBe('condition-failed');
  });
});
