// Bad timer and path units at boot, with svcd as PID 1 of a PID namespace, against real systemd 252
// booted on the same tree (test/fixtures/timers/bad/units), recorded by
// scripts/record-timer-fixtures.sh bad (re-run live where systemd-ns can run; SVCD_LIVE_ORACLE=0 skips):
// a timer or path whose unit is not loaded is refused at start ("Refusing to start, unit … to trigger
// not loaded.") and stays dead; an unparsable OnCalendar= is reported at its file:line and, with no
// value left, the timer is refused (bad-setting); beside a good value it only loses that line; a
// calendar that never elapses leaves the timer elapsed; a relative path is refused at its line. Each
// unit ends in the state systemd leaves it in, each message names the unit (and line), and the rest
// of the boot comes up.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { liveOracle } from '../support/oracle.js';
import { bootInNamespace, type SvcdInNamespace } from '../support/svcd-ns.js';

const repo = join(__dirname, '../..');
const fixtures = join(repo, 'test/fixtures/timers/bad');
const dir = mkdtempSync(join(tmpdir(), 'svcd-timer-bad-'));
const units = join(dir, 'units');
const UNITS = ['nounit.timer', 'missing.timer', 'badcal.timer', 'never.timer', 'halfbad.timer', 'ok.timer', 'nounit.path', 'relative.path', 'up.service'];
let svcd: SvcdInNamespace;

beforeAll(async () => {
  cpSync(join(fixtures, 'units'), units, { recursive: true });
  svcd = await bootInNamespace(dir, units, 'multi-user.target');
}, 30_000);
afterAll(async () => {
  await svcd?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** `show` of several units as one sorted property list per unit. */
function byUnit(text: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const block of text.trim().split(/\n\n+/)) {
    const lines = block.split('\n').sort();
    out[lines.find((l) => l.startsWith('Id='))!.slice(3)] = lines;
  }
  return out;
}

describe('bad timer and path units at boot, against systemd 252', () => {
  it('leave each unit in the state systemd leaves it in, and the rest of the boot up', async () => {
    const r = await svcd.svcctl('show', '-p', 'Id,LoadState,ActiveState,SubState,Result', '--', ...UNITS);
    expect(r.rc, r.stderr).toBe(0);
    expect(byUnit(r.stdout)).toEqual(byUnit(readFileSync(join(fixtures, 'show.txt'), 'utf8')));
  });

  it.each(readFileSync(join(fixtures, 'log.txt'), 'utf8').trim().split('\n')
    // "Cannot add dependency job" is how systemd's transaction words a bad unit it skips; svcd's boot plan words it its own way.
    .filter((l) => !l.includes('Cannot add dependency job')))('says what systemd says: %s', (line) => {
    // Lines at a file:line name the file by its full path; svcd's console lines start "svcd: UNIT: ".
    const unit = /^[^:]+/.exec(line)![0];
    const expected = /^\S+\.(timer|path):\d+: /.test(line) ? `${units}/${line}` : line.slice(unit.length + 2);
    expect(svcd.console().split('\n')).toContain(`svcd: ${unit}: ${expected}`);
  });
});

describe.runIf(liveOracle)('the recording against a live systemd', () => {
  it('is what systemd answers today', () => {
    const live = join(dir, 'live');
    const out = join(live, 'bad');
    const r = spawnSync(join(repo, 'scripts/record-timer-fixtures.sh'), ['bad', live], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(byUnit(readFileSync(join(out, 'show.txt'), 'utf8'))).toEqual(byUnit(readFileSync(join(fixtures, 'show.txt'), 'utf8')));
    expect(readFileSync(join(out, 'log.txt'), 'utf8')).toBe(readFileSync(join(fixtures, 'log.txt'), 'utf8'));
  }, 120_000);
});
