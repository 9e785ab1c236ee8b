// svcd's SysV generator against systemd 252's systemd-sysv-generator on the trees of
// test/fixtures/sysv/ (cases.mjs), recorded by scripts/record-sysv-fixtures.mjs: the same exit
// status, the same files byte for byte and the same links in the late directory. Where the real
// generator is installed, it is run again and must still agree with the recording.
//
// One normalisation, for the case marked `unordered` only: the Before=/After= lines that start
// priorities add between scripts without LSB header come out in systemd's random hash order, so
// there those lines are compared as a sorted list (in their places).
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runSysvGenerator } from '../../src/unit/sysv-generator.js';
import { CASES, FIXTURES, caseDir, caseEnv, type SysvCase } from '../fixtures/sysv/cases.mjs';
import { readOutputTree, type OutputTree } from '../support/output-tree.mjs';

interface Recorded extends OutputTree { status: number | null }
const recorded = JSON.parse(readFileSync(join(FIXTURES, 'recorded.json'), 'utf8')) as { cases: Record<string, Recorded> };
const REAL = '/lib/systemd/system-generators/systemd-sysv-generator';
const live = existsSync(REAL);
const work = mkdtempSync(join(tmpdir(), 'svcd-sysv-diff-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function comparable(c: SysvCase, r: Recorded): Recorded {
  if (!c.unordered) return r;
  const files: Record<string, string> = {};
  for (const [p, text] of Object.entries(r.files)) {
    const lines = text.split('\n');
    const at = lines.flatMap((l, i) => (/^(Before|After)=/.test(l) ? [i] : []));
    const sorted = at.map((i) => lines[i]!).sort();
    at.forEach((i, k) => (lines[i] = sorted[k]!));
    files[p] = lines.join('\n');
  }
  return { ...r, files };
}

let n = 0;
function outDir(): string {
  const d = join(work, String(n++));
  mkdirSync(d);
  return d;
}

describe('svcd\'s sysv generator vs systemd-sysv-generator (systemd 252)', () => {
  it('covers every case, and every case was recorded', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(8);
    expect(Object.keys(recorded.cases).sort()).toEqual(CASES.map((c) => c.name).sort());
  });
  it.each(CASES.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const dest = outDir();
    const status = runSysvGenerator({ dest, env: caseEnv(c) });
    expect(comparable(c, { status, ...readOutputTree(dest, caseDir(c)) })).toEqual(comparable(c, recorded.cases[c.name]!));
  });
  it.runIf(live).each(CASES.map((c) => [c.name, c] as const))('%s: the real generator still agrees with the recording', (_name, c) => {
    const dirs = [outDir(), outDir(), outDir()];
    const r = spawnSync(REAL, dirs, { env: { PATH: process.env.PATH, ...caseEnv(c) } });
    expect(comparable(c, { status: r.status, ...readOutputTree(dirs[2]!, caseDir(c)) })).toEqual(comparable(c, recorded.cases[c.name]!));
  });
  it('the program in generators/ writes the same as the function (debian case)', () => {
    const c = CASES.find((x) => x.name === 'debian')!;
    const dirs = [outDir(), outDir(), outDir()];
    const r = spawnSync(join(__dirname, '../../generators/systemd-sysv-generator'), dirs, { env: { PATH: process.env.PATH, ...caseEnv(c) }, encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stderr).toContain('has no unit file: wrapping it in nginx.service');
    expect({ status: r.status, ...readOutputTree(dirs[2]!, caseDir(c)) }).toEqual(recorded.cases.debian);
  });
  it('says only what $SYSTEMD_LOG_LEVEL lets through, in systemd\'s level words and numbers', () => {
    const c = CASES.find((x) => x.name === 'debian')!;
    const run = (level: string) => spawnSync(join(__dirname, '../../generators/systemd-sysv-generator'), [outDir(), outDir(), outDir()], { env: { PATH: process.env.PATH, ...caseEnv(c), SYSTEMD_LOG_LEVEL: level }, encoding: 'utf8' }).stderr;
    // The debian case has warnings ("has no unit file") and no errors.
    for (const quiet of ['err', '3', 'crit']) expect(run(quiet), quiet).toBe('');
    for (const loud of ['warning', '4', 'notice', 'debug']) expect(run(loud), loud).toContain('has no unit file');
  });
});
