#!/usr/bin/env node
// Records what systemd 252's `systemd-analyze timespan` and `systemd-analyze calendar` make of a
// fixed random sample of inputs (test/support/fuzz-text.mjs, seed ORACLE_SEED), as the oracle for
// test/unit/parsers-fuzz.test.ts. One invocation per input (timespan stops at its first bad
// argument). Also `systemd-analyze verify` on 150 mutated real units (their bytes are stored, so
// the fixture does not change when the seed units do): whether each loads and the lines it names.
// Re-run on purpose only; the JSON files are committed. The zone is UTC.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import {
  applyUnitMutation, calendarText, ORACLE_SEED, oracleSample, parseCalendarOutput, parseTimespanOutput, serviceCorpus, timespanText, unitMutation, verifyVerdict,
} from '../test/support/fuzz-text.mjs';

const out = join(import.meta.dirname, '..', 'test', 'fixtures', 'fuzz');
mkdirSync(out, { recursive: true });
const env = { ...process.env, LANG: 'C.UTF-8', TZ: 'UTC', SYSTEMD_COLORS: '0', SYSTEMD_PAGER: '', PAGER: 'cat' };
delete env.LC_ALL;
const analyze = (verb, input) => spawnSync('systemd-analyze', [verb, '--', input], { env, encoding: 'utf8' });
const version = spawnSync('systemd-analyze', ['--version'], { encoding: 'utf8' }).stdout.split('\n')[0];
if (!/^systemd 252\b/.test(version)) throw new Error(`systemd-analyze 252 needed, found: ${version}`);

const record = (name, verb, arbitrary, parse) => {
  // A NUL cannot go through argv: such inputs are left to the property tests.
  const cases = oracleSample(arbitrary).filter((s) => !s.includes('\0')).map((input) => {
    const r = analyze(verb, input);
    return { input, ...parse(r.stdout, r.stderr) };
  });
  writeFileSync(join(out, `${name}.json`), `${JSON.stringify({ oracle: version, cases }, null, 1)}\n`);
  console.log(`${name}: ${cases.length} cases, ${cases.filter((c) => 'error' in c).length} refused`);
};
record('timespan', 'timespan', timespanText, parseTimespanOutput);
record('calendar', 'calendar', calendarText, parseCalendarOutput);

// Mutated units: each as DIR/fuzz.service, its verdict path-free (line numbers only).
const corpus = serviceCorpus(join(import.meta.dirname, '..'));
const work = mkdtempSync(join(tmpdir(), 'svcd-record-verify-'));
const units = fc.sample(unitMutation, { seed: ORACLE_SEED, numRuns: 150 }).map((m, i) => {
  const d = join(work, String(i));
  mkdirSync(d);
  const path = join(d, 'fuzz.service');
  const text = applyUnitMutation(corpus, m);
  writeFileSync(path, text);
  const r = spawnSync('systemd-analyze', ['verify', '--man=no', path], { env, encoding: 'utf8' });
  return { unit: text.toString('base64'), ...verifyVerdict(r.stdout + r.stderr, path) };
});
rmSync(work, { recursive: true, force: true });
writeFileSync(join(out, 'verify.json'), `${JSON.stringify({ oracle: version, cases: units }, null, 1)}\n`);
console.log(`verify: ${units.length} units, ${units.filter((c) => c.load !== 'loaded').length} refused or with a bad setting`);
