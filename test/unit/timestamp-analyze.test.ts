// Differential test of `svcctl analyze timestamp` against `systemd-analyze timestamp` (252): the
// recorded fixtures (scripts/record-timestamp-fixtures.sh, several TZ= values) always, and the
// live tool when this machine has it.
//
// systemd-analyze cannot be given a clock, and most of its output depends on one ("now", "today",
// "+5min", and "From now" for every input). Each recorded run therefore carries the wall clock
// just before and just after it. svcctl's parser is evaluated at both ends of that window, and
// systemd's answer must be one a correct parser gives at some instant inside it:
//  - the UNIX seconds lie between the two ends' values (equal to both for absolute inputs, so
//    any error in the date arithmetic, the zone or the fraction fails);
//  - the Normalized form and (in UTC) lines equal svcctl's formatting of that very value;
//  - "From now" equals svcctl's at an instant of the window, or, when under a second away (it
//    then changes every microsecond), has that shape ("65us ago") - the only part compared
//    structurally;
//  - errors, hints and the exit status are equal byte for byte.
// The spawned bin/svcctl is held to the same rules over its own window.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { errorText, parseTimestamps, timestampTable, type TimestampAnswer } from '../../src/cli/svcctl/verbs/analyze-timestamp.js';
import { localZone } from '../../src/shared/tzfile.js';
import { formatTimestampRelative } from '../../src/shared/timestamp.js';
import type { Usec } from '../../src/shared/timespan.js';

const root = join(import.meta.dirname, '..', '..');
const fixtureDir = join(root, 'test', 'fixtures', 'timestamp');
const svcctl = join(root, 'bin', 'svcctl');

interface Case {
  args: string[];
  stdout: string;
  stderr: string;
  status: number;
  clock: [string, string];
}
interface ZoneFixture {
  tz: string;
  cases: Case[];
}

const fixtures = readdirSync(fixtureDir)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => JSON.parse(readFileSync(join(fixtureDir, f), 'utf8')) as ZoneFixture);

const baseEnv: Record<string, string | undefined> = { ...process.env, LANG: 'C.UTF-8', SYSTEMD_COLORS: '0', SYSTEMD_PAGER: '', PAGER: 'cat' };
delete baseEnv.LC_ALL;
delete baseEnv.LC_CTYPE;

const SUB_SECOND = /^(\d+(us|ms) (ago|left)|now)$/;

/** Splits systemd-analyze's stdout into one table per argument: an empty line precedes each argument after the first. */
function tables(stdout: string, count: number): string[] {
  const lines = stdout.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const out: string[] = [];
  let i = 0;
  for (let n = 0; n < count; n++) {
    if (n > 0) {
      expect(lines[i], 'separator line').toBe('');
      i++;
    }
    const start = i;
    while (i < lines.length && lines[i] !== '') i++;
    out.push(lines.slice(start, i).map((l) => `${l}\n`).join(''));
  }
  expect(i, 'no output after the last table').toBe(lines.length);
  return out;
}

const unixOf = (table: string): Usec | undefined => {
  const m = /UNIX seconds: @(\d+)(?:\.(\d{6}))?\n/.exec(table);
  return m ? BigInt(m[1]!) * 1_000_000n + BigInt(m[2] ?? '0') : undefined;
};

/**
 * Asserts that an observed run (systemd-analyze's or svcctl's) of `args` under `tz`, made within
 * the clock window [before, after], is what svcctl's parser and printer give inside that window.
 */
function expectConsistent(tz: string, args: string[], observed: { stdout: string; stderr: string; status: number | null }, before: Usec, after: Usec): void {
  const zone = localZone({ TZ: tz });
  if (args.length === 0) {
    expect({ stdout: observed.stdout, stderr: observed.stderr, status: observed.status }).toEqual({ stdout: '', stderr: 'Too few arguments.\n', status: 1 });
    return;
  }
  const early = parseTimestamps(args, zone, () => before);
  const late = parseTimestamps(args, zone, () => after);
  const errors = (answers: TimestampAnswer[]) => answers.map((a) => (a.ok ? '' : errorText(a.input, a.error, zone))).join('');
  expect([errors(early), errors(late)]).toContain(observed.stderr);
  const failed = early.some((a) => !a.ok) || late.some((a) => !a.ok);
  expect(observed.status).toBe(failed && observed.stderr !== '' ? 1 : 0);

  const observedTables = tables(observed.stdout, args.length);
  args.forEach((input, n) => {
    const table = observedTables[n]!;
    const [e, l] = [early[n]!, late[n]!];
    if (!e.ok && !l.ok) {
      expect(table, `no table for ${JSON.stringify(input)}`).toBe('');
      return;
    }
    const value = unixOf(table);
    expect(value, `UNIX seconds of ${JSON.stringify(input)} in:\n${table}`).toBeDefined();
    const v = value!;
    const candidates = [e, l].filter((a) => a.ok).map((a) => (a as { value: Usec }).value);
    const lo = candidates.reduce((a, b) => (a < b ? a : b));
    const hi = candidates.reduce((a, b) => (a > b ? a : b));
    expect(v >= lo && v <= hi, `${JSON.stringify(input)}: ${v} outside [${lo}, ${hi}]`).toBe(true);
    const atEnds = [timestampTable(input, v, zone, before), timestampTable(input, v, zone, after)];
    if (atEnds.includes(table)) return;
    const fromNow = (t: string) => /From now: (.*)\n$/.exec(t)?.[1] ?? '';
    const withoutFromNow = (t: string) => t.replace(/From now: .*\n$/, 'From now: …\n');
    expect(withoutFromNow(table)).toBe(withoutFromNow(atEnds[0]!));
    // A slow run (a loaded machine) can make the window longer than one step of the relative
    // format: then the printed text must be the one of some instant inside the window...
    const observedFromNow = fromNow(table);
    const samples = Array.from({ length: 1001 }, (_, k) => before + ((after - before) * BigInt(k)) / 1000n);
    if (samples.some((n) => formatTimestampRelative(v, n) === observedFromNow)) return;
    // ...except below a second, where it changes every microsecond: there only its shape counts,
    // and the value must be within a second of the window.
    expect(observedFromNow, `From now of ${JSON.stringify(input)}`).toMatch(SUB_SECOND);
    expect(v + 1_000_000n > before && v < after + 1_000_000n, `${JSON.stringify(input)}: ${v} is not within a second of the window`).toBe(true);
  });
}

const clockUsec = (): Usec => BigInt(Date.now()) * 1000n;

function runTimed(cmd: string, argv: string[], tz: string) {
  const before = clockUsec();
  const r = spawnSync(cmd, argv, { env: { ...baseEnv, TZ: tz }, encoding: 'utf8' });
  const after = clockUsec() + 1000n;
  return { observed: { stdout: r.stdout, stderr: r.stderr, status: r.status }, before, after };
}

const built = existsSync(join(root, 'dist', 'cli', 'svcctl.js'));
const haveTzdata = fixtures.every((f) => f.tz.includes(',') || existsSync(join('/usr/share/zoneinfo', f.tz)));
const live = spawnSync('systemd-analyze', ['--version'], { encoding: 'utf8' });
const haveSystemd = live.status === 0 && /^systemd 252\b/.test(live.stdout);

describe('svcctl analyze timestamp vs recorded systemd-analyze', () => {
  it('has at least 80 recorded inputs under at least 4 zones', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(4);
    for (const f of fixtures) expect(f.cases.length).toBeGreaterThanOrEqual(80);
    expect(fixtures.map((f) => f.tz)).toEqual(expect.arrayContaining(['UTC', 'Europe/Berlin', 'America/New_York', 'Asia/Kolkata']));
  });

  // The answers depend on the zone files (and which names exist as files): without tzdata there is nothing to compare.
  describe.skipIf(!haveTzdata).each(fixtures)('TZ=$tz', (fx) => {
    it.each(fx.cases)('$args', (c) => {
      expectConsistent(fx.tz, c.args, c, BigInt(c.clock[0]), BigInt(c.clock[1]));
    });
  });
});

/** All single-argument inputs of a zone, in one run: the mktime() guess carries between them as in systemd. */
const allInputs = (fx: ZoneFixture) => fx.cases.filter((c) => c.args.length === 1).map((c) => c.args[0]!);

describe.skipIf(!built || !haveTzdata)('bin/svcctl analyze timestamp', () => {
  it.each(fixtures)('TZ=$tz, every input in one run', (fx) => {
    const args = allInputs(fx);
    const r = runTimed(svcctl, ['analyze', 'timestamp', '--', ...args], fx.tz);
    expectConsistent(fx.tz, args, r.observed, r.before, r.after);
  });

  it('highlights the normalized form in blue when colours are on', () => {
    const r = spawnSync(svcctl, ['analyze', 'timestamp', '2026-12-07 10:00 UTC'], { env: { ...baseEnv, TZ: 'UTC', SYSTEMD_COLORS: '1' }, encoding: 'utf8' });
    expect(r.stdout).toContain('Normalized form: \x1b[0;1;34mMon 2026-12-07 10:00:00 UTC\x1b[0m\n');
  });
});

describe.skipIf(!haveSystemd)('svcctl analyze timestamp vs live systemd-analyze', () => {
  it.each(fixtures)('TZ=$tz, every input in one run', (fx) => {
    const args = allInputs(fx);
    const r = runTimed('systemd-analyze', ['timestamp', '--', ...args], fx.tz);
    expectConsistent(fx.tz, args, r.observed, r.before, r.after);
  });
});
