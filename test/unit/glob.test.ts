// The one glob matcher (src/shared/glob.ts) against glibc's fnmatch(3), which systemd calls: every
// recorded pattern on every recorded string, under each flag set systemd passes (recorded by
// scripts/record-fnmatch-fixtures.sh; re-checked live where python3 can reach glibc).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fnmatch, stringIsGlob, type FnmatchFlags } from '../../src/shared/glob.js';

const file = join(import.meta.dirname, '..', 'fixtures', 'fnmatch', 'cases.json');
interface Row { pattern: string; flags: (keyof FnmatchFlags)[]; matches: string[] }
const { strings, rows } = JSON.parse(readFileSync(file, 'utf8')) as { strings: string[]; rows: Row[] };
const flagsOf = (names: readonly (keyof FnmatchFlags)[]): FnmatchFlags => Object.fromEntries(names.map((n) => [n, true]));
const glibc = spawnSync('python3', ['-c', "import ctypes; ctypes.CDLL('libc.so.6').fnmatch"]).status === 0;

describe('fnmatch() as glibc matches', () => {
  it.each(rows.map((r) => [`${JSON.stringify(r.pattern)} ${r.flags.join('|') || '0'}`, r] as const))('%s', (_, r) => {
    expect(strings.filter((s) => fnmatch(r.pattern, s, flagsOf(r.flags)))).toEqual(r.matches);
  });
  it.runIf(glibc)('the recording still matches this machine\'s glibc', () => {
    const out = mkdtempSync(join(tmpdir(), 'svcd-fnmatch-'));
    const r = spawnSync('sh', [join(import.meta.dirname, '..', '..', 'scripts', 'record-fnmatch-fixtures.sh'), out], { encoding: 'utf8' });
    const live: unknown = r.status === 0 ? JSON.parse(readFileSync(join(out, 'cases.json'), 'utf8')) : r.stderr;
    rmSync(out, { recursive: true, force: true });
    expect(live).toEqual({ strings, rows });
  });
  it('tells patterns from plain names as string_is_glob() does', () => {
    expect(['a*', 'a?', 'a[b]', 'a.service', 'a\\b'].map(stringIsGlob)).toEqual([true, true, true, false, false]);
  });
});
