// `svcctl status` without a unit against systemctl 252 on the same units, booted the same way
// (test/fixtures/status-overview/units: two services that keep running, one with two processes,
// and one that fails). Compared by structure: the same lines in the same order, the same state
// and counts of jobs and failed units; the host, the count of loaded names (each manager loads
// its own perpetual units), times, the version and process ids checked for their form only; the
// control-group tree the same, groups and processes, with the managers' own command lines masked.
//
// systemd's answer is recorded (scripts/record-status-overview-fixtures.sh → test/fixtures/
// status-overview/recorded); where systemd-ns can boot systemd here, it is recorded again live.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { liveOracle, withLiveRecording } from '../support/oracle.js';
import { bootInNamespace, sleep, type SvcctlResult, type SvcdInNamespace } from '../support/svcd-ns.js';

const repo = join(__dirname, '../..');
const fixtures = join(repo, 'test/fixtures/status-overview');

/** Each line's shape, with what differs between two managers and two boots checked and masked. */
function shape(text: string): string[] {
  const lines = text.split('\n');
  expect(lines.at(-1)).toBe('');
  const [host = '', ...rest] = lines.slice(0, -1);
  expect(host).toMatch(/^● \S+$/);
  const out = ['● (host)'];
  let inInit = false;
  for (const l of rest) {
    const field = /^ *(\w+): (.*)$/.exec(l);
    if (field && !l.startsWith('           ')) {
      const [, key = '', value = ''] = field;
      if (key === 'Units') expect(value).toMatch(/^\d+ loaded \(incl\. loaded aliases\)$/);
      else if (key === 'Since') expect(value).toMatch(/^\w{3} \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} \w+; .+ ago$/);
      else if (key === 'systemd') expect(value).not.toBe('');
      out.push(['Units', 'Since', 'systemd'].includes(key) ? l.replace(/: .*$/, ': (…)') : l);
      continue;
    }
    const proc = /^( +(?:[│ ] )*[├└]─)(\d+) (.*)$/.exec(l);
    if (proc) {
      // The manager itself (init.scope's process) runs a different command line in each.
      out.push(`${proc[1]}PID ${inInit ? '(manager)' : proc[3]}`);
      continue;
    }
    inInit = l.endsWith('─init.scope');
    out.push(l);
  }
  return out;
}

describe('svcctl status without a unit against systemctl 252', () => {
  const dir = mkdtempSync(join(tmpdir(), 'svcd-status-overview-'));
  let svcd: SvcdInNamespace;
  let answer: SvcctlResult;

  beforeAll(async () => {
    svcd = await bootInNamespace(dir, join(fixtures, 'units'), 'multi-user.target');
    // As the recording: once the failing unit has failed.
    for (let i = 0; i < 100 && (await svcd.svcctl('is-failed', '-q', 'broken.service')).rc !== 0; i++) await sleep(100);
    answer = await svcd.svcctl('status', '--no-pager', '--full');
  }, 60_000);

  afterAll(async () => {
    await svcd?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  function compare(recorded: string): void {
    expect(answer.rc).toBe(Number(readFileSync(join(recorded, 'status.rc'), 'utf8')));
    expect(shape(answer.stdout)).toEqual(shape(readFileSync(join(recorded, 'status.out'), 'utf8')));
  }

  it('the recorded answer: the same page, the same control-group tree of running units and their processes', () => {
    compare(join(fixtures, 'recorded'));
  });

  it('the tree puts each process under its unit, each unit under its slice, the manager under init.scope', () => {
    expect(answer.stdout).toMatch(/^ {11}├─init\.scope\n {11}│ └─1 .+\n {11}└─system\.slice\n {13}├─pair\.service\n/m);
    expect(answer.stdout).toMatch(/^ {15}└─\d+ \/bin\/sleep infinity$/m);
    expect(answer.stdout).toContain('    State: degraded\n');
    expect(answer.stdout).toContain('   Failed: 1 units\n');
  });

  it.runIf(liveOracle)('live: systemctl 252 on the same units now answers the same way', () => {
    withLiveRecording('record-status-overview-fixtures.sh', compare);
  }, 120_000);
});
