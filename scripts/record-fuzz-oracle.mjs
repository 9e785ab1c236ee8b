#!/usr/bin/env node
// Records what systemd 252's `systemd-analyze timespan` and `systemd-analyze calendar` make of a
// fixed random sample of inputs (test/support/fuzz-text.mjs, seed ORACLE_SEED), as the oracle for
// test/unit/parsers-fuzz.test.ts. One invocation per input (timespan stops at its first bad
// argument). Re-run on purpose only; the JSON files are committed. The zone is UTC.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { calendarText, oracleSample, parseCalendarOutput, parseTimespanOutput, timespanText } from '../test/support/fuzz-text.mjs';

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
