// Timer units with svcd as PID 1 of a PID namespace, against real systemd 252 booted on the same tree
// (test/fixtures/timers/units), recorded by scripts/record-timer-fixtures.sh states (re-run live where
// systemd-ns can run; SVCD_LIVE_ORACLE=0 skips): OnActiveSec= timers fire their services 5 s after the
// boot, and the timers move waiting → running/elapsed/dead as systemd's do; `show` of the Timer
// interface and `list-timers` (with and without --all) are compared one look right after the boot and
// one 10 s later. Times differ from run to run, so the comparison keeps whether a time is set, and
// list-timers' layout (columns, their order, widths from their widest cell, the legend).
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { liveOracle } from '../support/oracle.js';
import { bootInNamespace, sleep, type SvcdInNamespace } from '../support/svcd-ns.js';

const repo = join(__dirname, '../..');
const fixtures = join(repo, 'test/fixtures/timers');
const dir = mkdtempSync(join(tmpdir(), 'svcd-timers-'));
const UNITS = ['fire.timer', 'slow.timer', 'gone.timer', 'later.timer', 'repeat.timer', 'idle.timer',
  'fire.service', 'slow.service', 'gone.service', 'later.service', 'repeat.service'];
const PROPS = 'Id,ActiveState,SubState,Result,NextElapseUSecRealtime,NextElapseUSecMonotonic,LastTriggerUSec,LastTriggerUSecMonotonic,Unit,Triggers,TriggeredBy,TimersMonotonic,TimersCalendar,RemainAfterElapse,Persistent,AccuracyUSec';

type Look = { show: string; all: string; listed: string; status: string };
const looks: Record<'start' | 'fired', Look> = { start: { show: '', all: '', listed: '', status: '' }, fired: { show: '', all: '', listed: '', status: '' } };
let svcd: SvcdInNamespace;

async function look(): Promise<Look> {
  const show = await svcd.svcctl('show', '-p', PROPS, '--', ...UNITS);
  const all = await svcd.svcctl('list-timers', '--all', '--no-pager');
  const listed = await svcd.svcctl('list-timers', '--no-pager');
  for (const r of [show, all, listed]) expect(r.rc, r.stderr).toBe(0);
  const status = await svcd.svcctl('status', '--no-pager', 'fire.timer', 'gone.timer', 'repeat.timer', 'slow.service');
  return { show: show.stdout, all: all.stdout, listed: listed.stdout, status: status.stdout };
}

beforeAll(async () => {
  cpSync(join(fixtures, 'units'), join(dir, 'units'), { recursive: true });
  process.env.TZ = 'UTC';
  svcd = await bootInNamespace(dir, join(dir, 'units'), 'multi-user.target');
  looks.start = await look();
  await sleep(10000);
  looks.fired = await look();
}, 60_000);
afterAll(async () => {
  await svcd?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** A time that differs from run to run, as "set"; the fixed calendar date and "never" kept. */
function timeless(name: string, value: string): string {
  if (name === 'TimersMonotonic' || name === 'TimersCalendar') return value.replace(/next_elapse=(?!0 |\(null\)|Thu 2099)[^}]*}/, 'next_elapse=set }');
  if (/^(NextElapse|LastTrigger)USec/.test(name)) return value === '' || value === '0' || value === 'infinity' || value.includes('2099') ? value : 'set';
  return value;
}

/** `show` of several units as one map per unit, property lines in their order, times made timeless. */
function byUnit(text: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const block of text.trim().split(/\n\n+/)) {
    const lines = block.split('\n').map((l) => {
      const eq = l.indexOf('=');
      return `${l.slice(0, eq)}=${timeless(l.slice(0, eq), l.slice(eq + 1))}`;
    });
    out[lines.find((l) => l.startsWith('Id='))!.slice(3)] = lines;
  }
  return out;
}

const TIMESTAMP = /^\w{3} \d{4}-\d\d-\d\d \d\d:\d\d:\d\d \S+$/;
/**
 * list-timers cut at its header's column starts (each column as wide as its widest cell, one space
 * between), every cell checked to sit where its column starts; times other than the fixed date become
 * "TIME", spans before "left"/"ago" become "SPAN".
 */
function table(text: string): { cells: string[][]; legend: string } {
  const [head, ...rest] = text.split('\n');
  const blank = rest.indexOf('');
  const rows = rest.slice(0, blank);
  const starts = [...head!.matchAll(/\S+/g)].map((m) => m.index);
  const cells = rows.map((r) => starts.map((s, i) => {
    expect(s === 0 || r[s - 1] === ' ', `a cell of "${r}" starts where its column does`).toBe(true);
    return r.slice(s, starts[i + 1] ?? r.length).trim();
  }));
  // Each column as wide as its widest cell: some cell (or the header) reaches the next column's start - 1.
  starts.slice(1).forEach((s, i) => {
    const widest = Math.max(head!.slice(starts[i], s).trimEnd().length, ...cells.map((c) => c[i]!.length));
    expect(s - starts[i]!, `column ${head!.slice(starts[i], s).trim()}`).toBe(widest + 1);
  });
  const norm = (c: string) => (TIMESTAMP.test(c) && !c.includes('2099') ? 'TIME' : c.replace(/^.* (left|ago)$/, (_, w: string) => `SPAN ${w}`));
  return { cells: [head!.split(/\s+/), ...cells.map((r) => r.map(norm))], legend: rest.slice(blank).join('\n') };
}

/**
 * A status page's lines about a timer and what it triggers (the headline, Active:, Duration:,
 * Trigger:, Triggers:, TriggeredBy:), times and spans made timeless.
 */
function triggerLines(text: string): string[] {
  return text.split('\n')
    .filter((l) => /^[●○×] |^ *(Active|Duration|Trigger|Triggers|TriggeredBy):/.test(l))
    .map((l) => l.replace(/\w{3} \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC/g, 'TIME').replace(/; [^;]* (left|ago)$/, '; SPAN $1').replace(/(Duration: ).*/, '$1SPAN'));
}

describe('timers with svcd as PID 1, against systemd 252', () => {
  it.each(['start', 'fired'] as const)('show the states and Timer properties systemd shows (%s)', (when) => {
    const recorded = byUnit(readFileSync(join(fixtures, `show-${when}.txt`), 'utf8'));
    expect(byUnit(looks[when].show)).toEqual(recorded);
  });

  it.each(['start', 'fired'] as const)('list timers as systemctl list-timers lays them out (%s)', (when) => {
    expect(table(looks[when].all)).toEqual(table(readFileSync(join(fixtures, `list-timers-all-${when}.txt`), 'utf8')));
    expect(table(looks[when].listed)).toEqual(table(readFileSync(join(fixtures, `list-timers-${when}.txt`), 'utf8')));
  });

  it.each(['start', 'fired'] as const)("show a timer's trigger and its service's timer on their status pages (%s)", (when) => {
    expect(triggerLines(looks[when].status)).toEqual(triggerLines(readFileSync(join(fixtures, `status-${when}.txt`), 'utf8')));
  });

  it("shows a timer's trigger on its status page, and the timer on its service's", async () => {
    const t = await svcd.svcctl('status', 'repeat.timer');
    expect(t.stdout).toMatch(/\n {4}Trigger: \w{3} \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC; 59min left\n {3}Triggers: ● repeat\.service\n/);
    const s = await svcd.svcctl('status', 'slow.service');
    expect(s.stdout).toMatch(/\nTriggeredBy: ● slow\.timer\n/);
  });
});

describe.runIf(liveOracle)('the recording against a live systemd', () => {
  it('is what systemd answers today', () => {
    const out = join(dir, 'live');
    const r = spawnSync(join(repo, 'scripts/record-timer-fixtures.sh'), ['states', out], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    for (const when of ['start', 'fired']) {
      expect(byUnit(readFileSync(join(out, `show-${when}.txt`), 'utf8'))).toEqual(byUnit(readFileSync(join(fixtures, `show-${when}.txt`), 'utf8')));
      expect(triggerLines(readFileSync(join(out, `status-${when}.txt`), 'utf8'))).toEqual(triggerLines(readFileSync(join(fixtures, `status-${when}.txt`), 'utf8')));
      for (const f of [`list-timers-all-${when}.txt`, `list-timers-${when}.txt`]) {
        expect(table(readFileSync(join(out, f), 'utf8'))).toEqual(table(readFileSync(join(fixtures, f), 'utf8')));
      }
    }
  }, 120_000);
});
