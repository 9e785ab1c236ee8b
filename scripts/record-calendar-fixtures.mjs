#!/usr/bin/env node
// Records what the real `systemd-analyze calendar` (systemd 252) prints for calendar expressions
// under several TZ= values, as the oracle for test/unit/calendar-differential.test.ts. Re-run only
// on purpose (e.g. to add cases); the JSON files are committed, one per zone.
//
// Every case passes --base-time, so the elapses do not depend on the clock. "From now" still does
// (systemd measures it from the real clock, not the base), so each case also stores the wall clock
// just before and after the run, in microseconds; the test checks those lines against that window.
// Expressions run in batches, several per invocation, as a user would pass them: glibc mktime()
// carries a guess from one expression to the next, and svcctl must follow it.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const outDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'test', 'fixtures', 'calendar');
if (spawnSync('systemd-analyze', ['--version']).status !== 0) {
  console.error('systemd-analyze not found');
  process.exit(1);
}

// Europe/Dublin's winter time is its "daylight" one (a negative DST offset), which systemd handled badly before 252.38.
const zones = ['UTC', 'Europe/Berlin', 'America/New_York', 'Asia/Kolkata', 'Australia/Lord_Howe', 'Europe/Dublin'];

// Valid and invalid expressions, run under every zone from one base time.
const general = [
  // shorthands
  'minutely', 'hourly', 'daily', 'weekly', 'monthly', 'yearly', 'annually', 'anually', 'quarterly',
  'semiannually', 'semi-annually', 'biannually', 'bi-annually', 'DAILY', 'Hourly', 'daily ', 'fortnightly',
  // weekdays
  'Mon', 'mon', 'Monday 12:00', 'Mon..Fri', 'Mon-Fri 08:00', 'Sat,Sun 10:00', 'Mon,Wed..Fri 07:45',
  'Tue,Thu *-*-* 22:30:15', 'Fri..Mon', 'Mon..Wed..Fri', 'Mon..', 'Mon, 12:00', 'Mon,', 'Monx', 'Mon..Sun',
  'Wed *-*-1..7 12:00', 'Sun,Sat', 'Mon,Tue,Wed', 'Mon.Fri', 'sunday *-12-25', 'Fri *-*-13',
  // dates
  '2025-01-01', '25-01-01', '99-12-31', '2199-12-31 23:59:59', '2200-01-01', '1969-12-31', '*-02-29',
  '*-02-30', '*-*-31', '*-04-31', '*-1,4,7,10-1', '*-*-1/7', '*-*-5..20/5', '*-*~1', '*-02~1', '*-*~7..1',
  '*-*~1..3', '*~03', '*-*~28', '*-*~29', '*-*~1/2', '2024~01-01', '2024-*~05', '2025..2027-06-01',
  '2024..2030/2-02-29', '12-25', '2024-13-01', '2024-00-01', '*-*-0', '*-*-32', '2024-01-01  12:00',
  '*-*-1,15,1,15', '*-1..12/3-1', '*-03-25..31 03:00', '*~24,22/12,10', '*~12..26,1', '*~22/12,10',
  '*-*~1,2,3,4,5,6,7,8,9', '*-02~1..3,5',
  // times
  '*-*-* *:*:*', '*:*:*', '*:0/15', '*:*:0/10', '12:00', '00:00:00.5', '*:*:1.123456789', '*:*:30.5/2.25',
  '*-*-* 00:00:00..10', '*-*-* 00:00:00.5..1.7', '*:*:59.9999995', '00:00:60', '24:00', '23:60', '1:2:3',
  '01,02:00', '0..6/2:30', '9..17/2:00', '*:00/0', '*:99999999999999999999', '4294967296:00', '12',
  '12:00 ', ' 12:00', '*/2:00', '1.5:00', '*-*-* 00:00:00 Mon', '00:00:01.', '00:00:01.x', '8..4:00',
  '*:5..5', '*:0..59/20', '*:10..50/15', '*:*:0..1.5/0.5',
  // zones
  '*-*-* 12:00 UTC', 'daily utc', '*-*-* 02:30 Europe/Berlin', 'daily America/New_York',
  'hourly Australia/Lord_Howe', 'daily Asia/Kolkata', '*-*-* 01:30 America/New_York', 'daily Europe/Nowhere',
  'daily CET', 'daily CEST', 'daily EST', 'daily EDT', 'daily IST', '12:00 +1030', '12:00 +11', ' UTC', 'UTC',
  'daily UTC UTC', 'Mon 12:00 Asia/Kolkata', '@1700000000 Europe/Berlin',
  // epoch seconds
  '@0', '@1700000000', '@1900000000', '@ 5', '@-1', '@99999999999', '@', '@1700000000 UTC', '@12x',
  '@7258118399', '@7258118400', '@99999999999999999999', 'Mon @1700000000',
  // not calendar expressions
  '', ' ', 'foo', '5s', 'now', 'today', 'tomorrow', '+5min', '5min ago', '2024-01-01T12:00',
  // a list longer than systemd allows (241 elements)
  `*:${Array.from({ length: 242 }, (_, i) => i % 60).join(',')}`,
];

// Daylight-saving changes: each expression from bases just before the changes of 2024-2025 in the
// zones above (Europe spring/autumn, US spring/autumn, Lord Howe's half-hour shifts).
const dst = [
  '*-*-* 02:30', '*-*-* 02:00', '*-*-* 03:00', '*-*-* 01:30', '*-*-* 02:15', '*:30', '*:0/20', 'hourly',
  'daily', '*-*-* 02:30 CEST', '*-*-* 02:30 CET', '*-*-* 01:30 EDT', '*-*-* 01:30 EST', '*-*-* 02:15 +11',
  '*-*-* 01:45 +1030', '*-*-* 01:30 IST', '*-*-* 01:30 GMT', '*-*-* 02:30 Europe/Berlin', '*-*-* 02:30 America/New_York', '*-*-* 02:10 Australia/Lord_Howe',
  'Sun *-*-* 01:00..03:00/15', '*-*-* *:15', '*-*~1 02:30', 'Sun 02:30',
];
const dstBases = [
  '2024-03-30 12:00:00 UTC', '2024-10-26 12:00:00 UTC', '2024-03-09 12:00:00 UTC', '2024-11-02 12:00:00 UTC',
  '2024-10-05 12:00:00 UTC', '2025-04-05 12:00:00 UTC', '2025-03-29 22:00:00 UTC', '2025-10-25 12:00:00 UTC',
];

// Whole command lines: options, their errors, several expressions at once.
const commands = [
  ['--iterations=0', '--base-time=2024-03-30 12:00:00 UTC', 'daily'],
  ['--iterations=12', '--base-time=2024-03-30 12:00:00 UTC', '*:0/7'],
  ['--iterations=0x3', '--base-time=2024-03-30 12:00:00 UTC', 'daily'],
  ['--iterations=010', '--base-time=2024-03-30 12:00:00 UTC', 'weekly'],
  ['--iterations=-0', '--base-time=2024-03-30 12:00:00 UTC', 'daily'],
  ['--iterations=-1', 'daily'],
  ['--iterations=x', 'daily'],
  ['--iterations=4294967296', 'daily'],
  ['--base-time=x', 'daily'],
  ['--base-time=2024-03-30 12:00:00 UTC'],
  ['--iterations=3', '--base-time=2024-03-30 12:00:00', 'daily', '*-*-* 02:30'],
  ['--iterations=3', '--base-time=@1711800000', 'daily'],
  ['--iterations=3', '--base-time=2024-03-31 01:59:59 UTC', '*:*:0/30'],
  ['--iterations=3', '--base-time=2199-12-31 23:00:00 UTC', 'hourly'],
  ['--iterations=3', '--base-time=2024-03-30 12:00:00 UTC', 'foo', 'daily', 'bar'],
  ['--iterations=2', '--base-time=2024-03-30 12:00:00 UTC', '*-02-29', '2020-01-01', 'Mon..Fri 09:00'],
  ['--base-time=2024-03-30 12:00:00 UTC', '2199-12-31 23:59:59', '@0'],
  [],
];

// Expressions built by a seeded generator (the same ones on every run), for combinations nobody
// would think of: lists, ranges and steps in every field, fractions, ~, weekdays, zones.
function generated(count, seed) {
  let state = seed;
  const rnd = (n) => {
    // mulberry32
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
  };
  const pick = (list) => list[rnd(list.length)];
  const value = (max, usec) => (usec && rnd(4) === 0 ? `${rnd(max + 3)}.${rnd(1000000)}` : String(rnd(max + 3)).padStart(1 + rnd(2), '0'));
  const field = (max, usec = false) => {
    if (rnd(10) < 2) return '*';
    let s = value(max, usec);
    if (rnd(3) === 0) s += `..${value(max, usec)}`;
    if (rnd(3) === 0) s += `/${usec && rnd(3) === 0 ? `${rnd(5)}.${rnd(100)}` : rnd(max / 2 + 2)}`;
    if (rnd(4) === 0) s += `,${field(max, usec).replace('*', '1')}`;
    return s;
  };
  const days = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun', 'monday', 'Friday'];
  return Array.from({ length: count }, () => {
    let s = '';
    if (rnd(3) === 0) s += `${pick(days)}${rnd(2) ? pick(['..', ',', '-']) + pick(days) : ''} `;
    if (rnd(4) !== 0) {
      const year = rnd(3) === 0 ? '' : `${rnd(2) ? '*' : pick(['2024', '2025', '2030', '24', '99', '2199', '1970'])}-`;
      s += `${year}${field(12)}${rnd(4) === 0 ? '~' : '-'}${field(31)} `;
    }
    if (rnd(5) !== 0) s += `${field(23)}:${field(59)}${rnd(2) ? `:${field(59, true)}` : ''}`;
    s = s.trim();
    if (rnd(5) === 0) s += pick([' UTC', ' Europe/Berlin', ' America/New_York', ' CET', ' CEST', ' EST', ' EDT', ' Asia/Kolkata', ' utc']);
    return s;
  });
}

// Command lines whose stdout and stderr share one pipe (as in `2>&1`), for the order of tables,
// errors and the empty lines between them.
const interleaved = [
  ['--base-time=2024-03-30 12:00:00 UTC', 'daily', 'foo', 'hourly', 'bar', '5s'],
  ['--base-time=2024-03-30 12:00:00 UTC', 'foo', 'daily'],
  ['--iterations=2', '--base-time=2024-03-30 12:00:00 UTC', 'now', '2020-01-01', 'x', 'y', 'weekly'],
];

// Texts that `systemd-analyze timespan` and `timestamp` refuse, with or without the hint that they
// are calendar events: those verbs ask this parser (under Europe/Berlin, for "CET"). None may
// depend on the day: "Mon 12:00" is a valid time stamp on Mondays only.
const hintTexts = [
  '*~1', 'semi-annually', 'DAILY', 'daily Europe/Berlin', '*-*-* 00:00:00.5', 'Mon,Tue', '*:0/15 UTC',
  '2024-02-30', '12:00 CET', '*-*-1,15', '00:00:60', '10:00 ', '@7258118400', 'Fri..Mon',
  '*-*~29', 'quarterly utc', '*:*:*', 'Sat,Sun *-*-* 10:00:00 Asia/Kolkata',
];

// Command lines run on a terminal of a given width (through script(1)): systemd then shortens the
// table to the terminal, ellipsizing cells ("…", or "..." outside UTF-8). terminal.json.
const terminal = [
  ...[45, 30, 20, 8, 3].map((cols) => ({ cols, env: '', args: ['--iterations=2', '--base-time=2024-03-30 12:00:00 UTC', 'Mon,Tue,Wed *-*-* 02:30:00 Europe/Berlin', '2020-01-01', 'daily'] })),
  { cols: 30, env: 'LANG=C', args: ['--base-time=2024-03-30 12:00:00 UTC', 'Mon,Tue,Wed *-*-* 02:30:00 Europe/Berlin'] },
  { cols: 80, env: 'COLUMNS=25', args: ['--base-time=2024-03-30 12:00:00 UTC', 'Mon,Tue,Wed *-*-* 02:30:00 Europe/Berlin'] },
  { cols: 30, env: 'SYSTEMD_COLORS=1', args: ['--iterations=2', '--base-time=2024-03-30 12:00:00 UTC', 'Mon..Fri 12:00', '2020-01-01'] },
];
/** A command line for script(1): each argument single-quoted (none contains a quote). */
const terminalCommand = (program, cols, env, args) => `stty cols ${cols}; ${env} exec ${program} ${args.map((a) => `'${a}'`).join(' ')}`;

const BATCH = 12;
const batches = (list) => Array.from({ length: Math.ceil(list.length / BATCH) }, (_, i) => list.slice(i * BATCH, (i + 1) * BATCH));

const env = { ...process.env, LANG: 'C.UTF-8', SYSTEMD_COLORS: '0', SYSTEMD_PAGER: '', PAGER: 'cat' };
delete env.LC_ALL;
delete env.LC_CTYPE;
delete env.SYSTEMD_UTF8;

function record(tz, args) {
  const before = Date.now() * 1000;
  const r = spawnSync('systemd-analyze', ['calendar', ...args], { env: { ...env, TZ: tz }, encoding: 'utf8' });
  const after = (Date.now() + 1) * 1000;
  return { args, stdout: r.stdout, stderr: r.stderr, status: r.status, clock: [String(before), String(after)] };
}

mkdirSync(join(outDir, 'hints'), { recursive: true });
for (const f of readdirSync(outDir)) if (f.endsWith('.json')) rmSync(join(outDir, f));
let count = 0;
for (const tz of zones) {
  const argvs = [
    ...batches(general).map((b) => ['--iterations=5', '--base-time=2024-03-30 12:00:00 UTC', '--', ...b]),
    ...dstBases.flatMap((base) => batches(dst).map((b) => ['--iterations=5', `--base-time=${base}`, '--', ...b])),
    ...batches(generated(96, 252)).map((b) => ['--iterations=3', '--base-time=2024-10-26 23:30:00 UTC', '--', ...b]),
    ...commands,
  ];
  const cases = argvs.map((args) => record(tz, args));
  for (const args of interleaved) {
    const before = Date.now() * 1000;
    const r = spawnSync('sh', ['-c', 'exec systemd-analyze calendar "$@" 2>&1', 'sh', ...args], { env: { ...env, TZ: tz }, encoding: 'utf8' });
    const after = (Date.now() + 1) * 1000;
    cases.push({ args, combined: true, stdout: r.stdout, stderr: r.stderr, status: r.status, clock: [String(before), String(after)] });
  }
  count += cases.length;
  writeFileSync(join(outDir, `${tz.replace(/[^A-Za-z0-9]+/g, '_')}.json`), JSON.stringify({ tz, cases }, null, 1) + '\n');
}
const hints = ['timespan', 'timestamp'].flatMap((verb) =>
  hintTexts.map((text) => {
    const r = spawnSync('systemd-analyze', [verb, '--', text], { env: { ...env, TZ: 'Europe/Berlin' }, encoding: 'utf8' });
    return { verb, text, stderr: r.stderr, status: r.status };
  }),
);
const terminalCases = terminal.map((t) => {
  const before = Date.now() * 1000;
  const r = spawnSync('script', ['-qc', terminalCommand('systemd-analyze calendar', t.cols, t.env, t.args), '/dev/null'], { env: { ...env, TZ: 'UTC' }, encoding: 'utf8' });
  const after = (Date.now() + 1) * 1000;
  return { ...t, stdout: r.stdout, clock: [String(before), String(after)] };
});
writeFileSync(join(outDir, 'hints', 'terminal.json'), JSON.stringify({ tz: 'UTC', terminal: terminalCases }, null, 1) + '\n');
writeFileSync(join(outDir, 'hints', 'Europe_Berlin.json'), JSON.stringify({ tz: 'Europe/Berlin', hints }, null, 1) + '\n');
console.log(`recorded ${general.length + dst.length} expressions and 96 generated ones (${count} command lines) under ${zones.length} zones in ${outDir}`);
