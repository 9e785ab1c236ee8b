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

// Patterns come from clients (list-units, logs -u) and are matched in PID 1: a pattern whose stars
// make a backtracking matcher try every split of a long name must be answered like any other. The
// build (dist/, as svcd runs it) matches in a child, so a matcher that backtracks fails by the
// child's timeout instead of hanging the test run; the assertions are on the answers only.
describe('fnmatch() on patterns that make a backtracking matcher blow up', () => {
  const repo = join(import.meta.dirname, '..', '..');
  const answers = (cases: readonly (readonly [string, string])[]): unknown => {
    const script = `import { fnmatch } from ${JSON.stringify(join(repo, 'dist', 'shared', 'glob.js'))};
      const cases = JSON.parse(process.argv[1]).map(([p, s]) => [p, s.replace(/<(.)x(\\d+)>/g, (_, c, n) => c.repeat(Number(n)))]);
      console.log(JSON.stringify(cases.map(([p, s]) => fnmatch(p, s, { noescape: true }))));`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script, JSON.stringify(cases)], { encoding: 'utf8', timeout: 60_000 });
    return r.status === 0 ? JSON.parse(r.stdout) : { status: r.status, signal: r.signal, stderr: r.stderr };
  };
  it('answers "*l*l*l*l*X" and its kind on names of 100,000 characters', () => {
    expect(answers([
      ['*l*l*l*l*X', '<lx100000>'],
      ['*l*l*l*l*X', '<lx100000>X'],
      ['*a*a*a*a*a*a*b', '<ax100000>'],
      ['*a*a*a*a*a*a*b', '<ax100000>b'],
      ['*[al]*[al]*[al]*?*X', '<lx50000><ax50000>'],
      ['*?*?*?*?*?*Y', '<xx100000>'],
    ])).toEqual([false, true, false, true, false, false]);
  }, 120_000);
  it('takes an unclosed "[" as an ordinary character, as glibc does', () => {
    expect(['[', 'a[', '[x', 'x'].map((s) => fnmatch('[', s, { noescape: true }))).toEqual([true, false, false, false]);
    expect(['[', 'a[', '[x'].map((s) => fnmatch('*[*', s, { noescape: true }))).toEqual([true, true, true]);
  });
});
