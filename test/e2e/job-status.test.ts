// A job's beginning and end as svcd journals them, against what real systemd 252 writes for the same
// units and the same requests (test/fixtures/job-status/, recorded by
// scripts/record-job-status-fixtures.sh; re-run live where systemd-ns can run, SVCD_LIVE_ORACLE=0
// skips): MESSAGE=, MESSAGE_ID=, JOB_TYPE=, JOB_RESULT=, PRIORITY= per entry. Among them a stop
// that times out (JobTimeoutSec=), which svcd used to journal with no job fields at all, and a
// start a condition skipped. The console line is rendered from the same record.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { liveOracle } from '../support/oracle.js';
import { bootInNamespace, type SvcdInNamespace } from '../support/svcd-ns.js';

interface Spec { units: Record<string, string>; steps: [string, string][] }
type Entry = Record<'UNIT' | 'MESSAGE' | 'MESSAGE_ID' | 'JOB_TYPE' | 'JOB_RESULT' | 'PRIORITY', string | null>;

const repo = join(__dirname, '../..');
const fixtures = join(repo, 'test/fixtures/job-status');
const spec = JSON.parse(readFileSync(join(fixtures, 'units.json'), 'utf8')) as Spec;
const recorded = (JSON.parse(readFileSync(join(fixtures, 'recorded.json'), 'utf8')) as { entries: Entry[] }).entries;
const dir = mkdtempSync(join(tmpdir(), 'svcd-jobstatus-'));
const unitDir = join(dir, 'units');
mkdirSync(unitDir);
for (const [name, text] of Object.entries(spec.units)) writeFileSync(join(unitDir, name), text);
writeFileSync(join(unitDir, 'idle.target'), '[Unit]\nDescription=Nothing of ours\n');

let svcd: SvcdInNamespace;
let journalled: Entry[] = [];

beforeAll(async () => {
  svcd = await bootInNamespace(dir, unitDir, 'idle.target');
  for (const [verb, unit] of spec.steps) await svcd.svcctl(verb, unit);
  const r = await svcd.svcctl('logs', '-o', 'json');
  journalled = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, string>)
    .filter((e) => e.JOB_TYPE !== undefined && e.UNIT !== undefined && Object.hasOwn(spec.units, e.UNIT))
    .map((e) => ({ UNIT: e.UNIT!, MESSAGE: e.MESSAGE!, MESSAGE_ID: e.MESSAGE_ID ?? null, JOB_TYPE: e.JOB_TYPE!, JOB_RESULT: e.JOB_RESULT ?? null, PRIORITY: e.PRIORITY! }));
}, 60_000);
afterAll(async () => {
  await svcd?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('job messages in the journal', () => {
  it('are the ones systemd 252 writes, field for field', () => {
    expect(journalled).toEqual(recorded);
  });

  it('journal a stop that timed out with its result, and show it on the console from the same record', () => {
    expect(journalled.find((e) => e.JOB_TYPE === 'stop' && e.JOB_RESULT !== null)).toEqual({
      UNIT: 'slowstop.service', MESSAGE: 'Timed out stopping slowstop.service - Slow stopper.', MESSAGE_ID: '9d1aaa27d60140bd96365438aad20286',
      JOB_TYPE: 'stop', JOB_RESULT: 'timeout', PRIORITY: '3',
    });
    expect(svcd.console()).toMatch(/^\[ TIME \] Timed out stopping slowstop\.service - Slow stopper\.$/m);
    // A start a condition skipped is journalled, not shown.
    expect(svcd.console()).not.toMatch(/skipped because of an unmet condition/);
  });
});

describe.runIf(liveOracle)('the recording against a live systemd', () => {
  it('is what systemd writes today', () => {
    const file = join(dir, 'live.json');
    const r = spawnSync(join(repo, 'scripts/record-job-status-fixtures.sh'), [file], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect((JSON.parse(readFileSync(file, 'utf8')) as { entries: Entry[] }).entries).toEqual(recorded);
  }, 120_000);
});
