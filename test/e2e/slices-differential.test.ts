// Slices, `svcctl` against `systemctl` 252 on the same units (test/fixtures/slices/units): Slice= and
// the implicit Requires=/After= on the slice and each parent slice (which load without a file),
// ControlGroup= nested as systemd nests slices (a-b.slice in a.slice; cpu.slice escaped to
// _cpu.slice), a slice's own limits and a system.slice.d drop-in without a system.slice file in
// `show` and `cat`, Delegate= as systemd parses and shows it, Slice= with specifiers and a template's
// default slice, list-dependencies of a slice both ways, and the CGroup: tree of `status SLICE`. Dependency lists are compared as sets (systemd prints them in its
// hash table's order), PIDs and the unit directory's path are normalized.
//
// systemd's answers are recorded (scripts/record-slice-fixtures.sh → test/fixtures/slices/recorded);
// where systemd-ns can boot systemd here, they are recorded again live.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { liveOracle, withLiveRecording } from '../support/oracle.js';
import { bootInNamespace, sleep, type SvcdInNamespace } from '../support/svcd-ns.js';

const repo = join(__dirname, '../..');
const fixtures = join(repo, 'test/fixtures/slices');
const unitDir = join(fixtures, 'units');
const CASES = readFileSync(join(fixtures, 'cases.txt'), 'utf8').split('\n').filter(Boolean).map((l) => l.split(' '));
const LISTS = new Set(['Requires', 'RequiredBy', 'After', 'Before', 'Wants', 'DropInPaths']);

/** An answer as systemctl's, comparable: lists sorted, PIDs and paths normalized, status cut to its CGroup: tree. */
function normalize(args: readonly string[], text: string): string {
  // The unit directory as the recording saw it (another checkout's path, perhaps) or as this one does.
  let t = text.replace(/\/[^\s=]*\/test\/fixtures\/slices\/units/g, '<unitdir>').replace(/─\d+ /g, '─<pid> ');
  if (args[0] === 'status') t = t.slice(t.indexOf('     CGroup:'));
  if (args[0] !== 'show') return t.trimEnd();
  return t.trimEnd().split('\n').map((l) => {
    const i = l.indexOf('=');
    return i > 0 && LISTS.has(l.slice(0, i)) ? `${l.slice(0, i)}=${l.slice(i + 1).split(' ').sort().join(' ')}` : l;
  }).join('\n');
}

let svcd: SvcdInNamespace;
let work = '';
const answers: string[] = [];

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'svcd-slices-diff-'));
  svcd = await bootInNamespace(work, unitDir, 'x.target');
  // x.target's services are up (each has its main process) before the questions.
  for (let t = 0; t < 100 && (await svcd.svcctl('show', '-p', 'MainPID', 'insl.service')).stdout === 'MainPID=0\n'; t++) await sleep(100);
  for (const args of CASES) answers.push(normalize(args, (await svcd.svcctl(...args)).stdout));
}, 60000);
afterAll(async () => {
  await svcd?.stop();
  rmSync(work, { recursive: true, force: true });
});

const recorded = (dir: string, n: number) => normalize(CASES[n]!, readFileSync(join(dir, `${n + 1}.out`), 'utf8'));

describe('slices: svcctl against the recorded systemctl 252', () => {
  CASES.forEach((args, n) => {
    it(args.join(' '), () => {
      expect(answers[n]).toBe(recorded(join(fixtures, 'recorded'), n));
    });
  });
});

describe('slices: the journal', () => {
  it('a unit\'s lines carry its slice and its cgroup in it (_SYSTEMD_SLICE=, _SYSTEMD_CGROUP=), as journald reads them from the cgroup', async () => {
    const out = (await svcd.svcctl('logs', '--no-pager', '-D', join(work, 'journal'), '-u', 'talk.service', '-o', 'verbose')).stdout;
    expect(out).toContain('MESSAGE=said in a-b.slice\n');
    expect(out).toContain('_SYSTEMD_SLICE=a-b.slice\n');
    expect(out).toContain('_SYSTEMD_CGROUP=/a.slice/a-b.slice/talk.service\n');
  });
});

describe.skipIf(!liveOracle)('slices: svcctl against a live systemd 252 (systemd-ns)', () => {
  it('answers every case as systemctl does now', () => {
    withLiveRecording('record-slice-fixtures.sh', (dir) => {
      CASES.forEach((_, n) => expect(answers[n], CASES[n]!.join(' ')).toBe(recorded(dir, n)));
    });
  });
});
