// Preset policy, fnmatch and the locale rule on their own, against systemd.preset(5), fnmatch(3) and
// what systemctl 252 was seen to do (the differential test checks them only through whole outputs).
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { presetFor, queryPreset, readPresets } from '../../src/unit/install-presets.js';
import { fnmatch } from '../../src/shared/glob.js';
import { localeIsUtf8 } from '../../src/cli/svcctl/verbs/install-changes.js';

const roots: string[] = [];
afterEach(() => {
  for (const r of roots.splice(0)) rmSync(r, { recursive: true, force: true });
});
function tree(files: Record<string, string>, links: Record<string, string> = {}): string {
  const root = mkdtempSync(join(tmpdir(), 'svcd-preset-'));
  roots.push(root);
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(join(root, rel, '..'), { recursive: true });
    writeFileSync(join(root, rel), text);
  }
  for (const [rel, target] of Object.entries(links)) {
    mkdirSync(join(root, rel, '..'), { recursive: true });
    symlinkSync(target, join(root, rel));
  }
  return root;
}

describe('preset files', () => {
  it('without any file every unit is enabled', () => {
    const p = readPresets(tree({}));
    expect(p.rules).toEqual([]);
    expect(presetFor(p, 'a.service')).toBe('enabled');
  });
  it('the first matching rule wins, across files read in file-name order', () => {
    const p = readPresets(tree({
      'usr/lib/systemd/system-preset/90-b.preset': 'enable a.service\ndisable *\n',
      'usr/lib/systemd/system-preset/10-a.preset': 'disable a.service\n',
    }));
    expect(presetFor(p, 'a.service')).toBe('disabled');
    expect(presetFor(p, 'b.service')).toBe('disabled');
  });
  it('a file in /etc replaces the same name in /usr/lib, and a /dev/null link drops it', () => {
    const root = tree({
      'usr/lib/systemd/system-preset/50-x.preset': 'disable *\n',
      'usr/lib/systemd/system-preset/60-y.preset': 'disable b.service\n',
      'etc/systemd/system-preset/50-x.preset': 'enable a.service\n',
    }, { 'etc/systemd/system-preset/60-y.preset': '/dev/null' });
    const p = readPresets(root);
    expect(presetFor(p, 'a.service')).toBe('enabled');
    expect(presetFor(p, 'b.service')).toBe('enabled');
  });
  it('comments are skipped and a line it cannot parse is reported with file and line', () => {
    const root = tree({ 'usr/lib/systemd/system-preset/10-x.preset': '# c\n; c\n\nfrobnicate x\nenable\n' });
    const p = readPresets(root);
    expect(p.rules).toEqual([]);
    expect(p.warnings).toEqual([
      `${root}/usr/lib/systemd/system-preset/10-x.preset:4: Couldn't parse line 'frobnicate x'. Ignoring.`,
      `${root}/usr/lib/systemd/system-preset/10-x.preset:5: Couldn't parse line 'enable'. Ignoring.`,
    ]);
  });
  it('a template rule with instances: list-unit-files matches it by pattern only, preset expands it (systemctl --root agrees)', () => {
    const p = readPresets(tree({ 'usr/lib/systemd/system-preset/10-x.preset': 'enable t@.service a b\ndisable *\n' }));
    expect(presetFor(p, 't@.service')).toBe('enabled');
    // systemd 252's list-unit-files shows t@a.service "disabled" here: query_presets without an instance list.
    expect(presetFor(p, 't@a.service')).toBe('disabled');
    expect(presetFor(p, 't@c.service')).toBe('disabled');
    expect(queryPreset(p, 't@.service', true)).toEqual({ action: 'enable', instances: ['t@a.service', 't@b.service'] });
    expect(queryPreset(p, 't@a.service', true)).toEqual({ action: 'enable' });
    expect(queryPreset(p, 't@c.service', true)).toEqual({ action: 'disable' });
  });
  it('"disable" takes the rest of its line as one pattern; instances after a non-template are a parse error', () => {
    const root = tree({ 'usr/lib/systemd/system-preset/10-x.preset': 'disable a.service b.service\nenable c.service x\n' });
    const p = readPresets(root);
    expect(p.rules).toEqual([{ action: 'disable', pattern: 'a.service b.service', instances: [] }]);
    expect(p.warnings).toEqual([`${root}/usr/lib/systemd/system-preset/10-x.preset:2: Couldn't parse line 'enable c.service x'. Ignoring.`]);
    expect(presetFor(p, 'a.service')).toBe('enabled');
  });
});

// The matcher itself against glibc's fnmatch(3): glob.test.ts.
describe('fnmatch as preset rules use it (FNM_NOESCAPE)', () => {
  it.each([
    ['*.service', 'a.service', true], ['*.service', 'a.socket', false], ['a?c.service', 'abc.service', true],
    ['[ab]*', 'b.service', true], ['[!ab]*', 'b.service', false], ['[^ab]*', 'c.service', true],
    ['a*', 'A.service', false], ['a\\*', 'a\\x', true], ['[a-c].target', 'b.target', true], ['[', '[', true],
    ['*', '', true], ['.*', 'a.service', false],
  ])('%s ~ %s → %s', (glob, s, want) => expect(fnmatch(glob, s, { noescape: true })).toBe(want));
});

describe('locale glyphs', () => {
  // Each row was run through systemctl 252 (enable printing → or ->) on this machine.
  it.each([
    [{}, true], [{ LANG: 'C.UTF-8' }, true], [{ LANG: 'C' }, false], [{ LC_ALL: 'POSIX', LANG: 'C.UTF-8' }, false],
    [{ LANG: '' }, false], [{ LANG: 'de_DE.ISO-8859-1' }, true], [{ LANG: 'C', SYSTEMD_UTF8: '1' }, false],
    [{ LANG: 'C.UTF-8', SYSTEMD_UTF8: 'no' }, true], [{ LC_CTYPE: 'C', LANG: 'C.UTF-8' }, false],
  ])('%j → %s', (env, want) => expect(localeIsUtf8(env)).toBe(want));
});
