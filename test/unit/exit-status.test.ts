// The one exit-status table (src/shared/exit-status.ts) against systemd 252's: every row of
// `systemd-analyze exit-status` (name, number, class) and what it reads for single arguments
// (recorded by scripts/record-exit-status-fixtures.sh; re-checked live where it is installed), and
// `svcctl analyze exit-status` against the same recordings. Needs the build (bin/svcctl runs dist/).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXIT_STATUSES, exitStatusEntry, exitStatusFromString, exitStatusToString, showExitText, sigchldCodeToString, statusExitText } from '../../src/shared/exit-status.js';

const root = join(import.meta.dirname, '..', '..');
const fixtures = join(root, 'test', 'fixtures', 'exit-status');
const table = readFileSync(join(fixtures, 'table.txt'), 'utf8');
interface Case { args: string[]; stdout: string; stderr: string; status: number }
const cases = JSON.parse(readFileSync(join(fixtures, 'cases.json'), 'utf8')) as Case[];
const live = spawnSync('systemd-analyze', ['--version']).status === 0;

/** "NAME STATUS CLASS" rows below the header, as [name, status, class]. */
function rows(listing: string): [string, number, string][] {
  return listing.split('\n').slice(1).filter((l) => l.trim() !== '').map((l) => {
    const [name, status, cls] = l.trim().split(/\s+/);
    return [name!, Number(status), cls!];
  });
}

describe('exit_status_to_string(): systemd-analyze exit-status, row by row', () => {
  it('has every row systemd lists, and no other', () => {
    expect(rows(table).length).toBeGreaterThan(60);
    expect(EXIT_STATUSES.map((e) => [e.name, e.status, e.class])).toEqual(rows(table));
  });
  it.runIf(live)('still matches the installed systemd-analyze', () => {
    expect(spawnSync('systemd-analyze', ['exit-status'], { encoding: 'utf8', env: { ...process.env, SYSTEMD_COLORS: '0', PAGER: 'cat' } }).stdout).toBe(table);
  });
  it('names a status only in the classes asked for', () => {
    expect([exitStatusToString(231, ['systemd']), exitStatusToString(3, ['libc', 'systemd']), exitStatusToString(3, ['LSB']), exitStatusToString(234, ['systemd'])])
      .toEqual(['APPARMOR', undefined, 'NOTIMPLEMENTED', undefined]);
  });
});

describe('exit_status_from_string(): what systemd-analyze exit-status ARG reads', () => {
  it.each(cases.filter((c) => c.args.length === 1).map((c) => [c.args[0]!, c] as const))('%j', (arg, { stdout, status }) => {
    const r = exitStatusFromString(arg);
    expect(r.ok).toBe(status === 0);
    if (!r.ok) return;
    const [[name, number, cls]] = rows(stdout) as [[string, number, string]];
    expect(r.value).toBe(number);
    const e = exitStatusEntry(r.value);
    expect([e?.name ?? '-', e?.class ?? '-']).toEqual([name, cls]);
  });
});

describe('svcctl analyze exit-status: byte for byte as systemd-analyze', () => {
  const svcctl = (args: string[]) => {
    const r = spawnSync(join(root, 'bin', 'svcctl'), ['analyze', 'exit-status', ...args], { encoding: 'utf8' });
    return { stdout: r.stdout, stderr: r.stderr, status: r.status };
  };
  it('prints the whole table', () => expect(svcctl([])).toEqual({ stdout: table, stderr: '', status: 0 }));
  it.each(cases.map((c) => [c.args.join(' '), c] as const))('%j', (_, { args, stdout, stderr, status }) => {
    expect(svcctl(['--', ...args])).toEqual({ stdout, stderr, status });
  });
  it.runIf(live)('the recordings still match the installed systemd-analyze', () => {
    for (const { args, stdout, stderr, status } of cases) {
      const r = spawnSync('systemd-analyze', ['exit-status', '--', ...args], { encoding: 'utf8' });
      expect({ stdout: r.stdout, stderr: r.stderr, status: r.status }, args.join(' ')).toEqual({ stdout, stderr, status });
    }
  });
});

describe('how systemctl words a process\' end', () => {
  it('status: "status=N/NAME" for libc and systemd codes, bare LSB/BSD numbers, "signal=NAME" when killed', () => {
    expect([[1, 0], [1, 231], [1, 3], [1, 64], [1, 100], [2, 15], [3, 11], [2, 37]].map(([c, s]) => statusExitText(c!, s!)))
      .toEqual(['status=0/SUCCESS', 'status=231/APPARMOR', 'status=3', 'status=64', 'status=100', 'signal=TERM', 'signal=SEGV', 'signal=RTMIN+3']);
  });
  it('show\'s Exec*=: the bare number when it exited, "N/NAME" for a signal', () => {
    expect([[1, 1], [1, 203], [2, 10], [2, 37]].map(([c, s]) => showExitText(c!, s!))).toEqual(['status=1', 'status=203', 'status=10/USR1', 'status=37/RTMIN+3']);
    expect([1, 2, 3, 0].map(sigchldCodeToString)).toEqual(['exited', 'killed', 'dumped', undefined]);
  });
});
