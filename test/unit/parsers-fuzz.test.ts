// Property-based fuzzing of the text parsers a unit file goes through (issue 18): the unit-file
// syntax, Exec= command lines, time spans and calendar expressions. Each must never throw on any
// input, refuse with a typed error (and file:line for unit files), and give back what a
// well-formed input says (round trips). Time spans and calendar expressions are also compared
// with systemd-analyze 252: on a recorded sample always (scripts/record-fuzz-oracle.mjs), on a
// fresh one live where the tool is installed. The seed is fixed so a failure replays; FUZZ_RUNS
// raises the budget (scripts/fuzz.sh).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { calendarText, parseCalendarOutput, parseTimespanOutput, timespanText } from '../support/fuzz-text.mjs';
import { CALENDAR_MIN_YEAR, formatCalendarSpec, parseCalendarSpec } from '../../src/shared/calendar.js';
import { EINVAL_TEXT, ERANGE_TEXT, formatTimespan, parseTimespan, USEC_INFINITY } from '../../src/shared/timespan.js';
import { UTC_ZONE } from '../../src/shared/tzfile.js';
import { loadUnit } from '../../src/unit/load.js';
import { LONG_LINE_MAX, parseUnitText } from '../../src/unit/syntax.js';
import { buildUnitFileMap } from '../../src/unit/unit-file-map.js';
import { execFlagsPrefix, parseExecDetailed, type ExecCommand } from '../../src/unit/values/exec.js';

const SEED = 18;
const RUNS = Number(process.env.FUZZ_RUNS ?? 300);
/** A larger budget takes longer: the test's timeout grows with it. */
vi.setConfig({ testTimeout: Math.max(60_000, RUNS * 60) });
const settings = { seed: SEED, numRuns: RUNS };
const root = join(import.meta.dirname, '..', '..');
const live = spawnSync('systemd-analyze', ['--version'], { encoding: 'utf8' });
const haveSystemd = live.status === 0 && /^systemd 252\b/.test(live.stdout) && process.env.SVCD_LIVE_ORACLE !== '0';

/** Physical lines as read_line() counts them: the last one may lack its newline. */
const lineCount = (bytes: Uint8Array): number => Math.max(1, Buffer.from(bytes).toString('latin1').split(/\r\n|\n\r|\n\0|\r|\n|\0/).length);

describe('unit file syntax (fuzzed)', () => {
  const bytes = fc.oneof(
    fc.uint8Array({ maxLength: 200 }),
    // Text near the grammar: headers, assignments, comments, continuations, odd line ends.
    fc.array(fc.constantFrom('[Unit]', '[Service]', '[X-Y]', '[Bad', 'A=b', 'Key = v a l ', '=', '# c', '; c', '\\', ' \\', 'x', '\n', '\r', '\r\n', '\0', '\t', '\xff', 'é', '\u{1f600}'), { maxLength: 40 })
      .map((a) => Buffer.from(a.join(''), 'utf8')),
  );

  it('never throws, and places every complaint at a line of the file', () => {
    fc.assert(
      fc.property(bytes, (b) => {
        const f = parseUnitText('/u/x.service', b, { knownSections: new Set(['Unit', 'Service']) });
        const lines = lineCount(b);
        for (const d of f.diagnostics) {
          expect(d.loc?.file).toBe('/u/x.service');
          expect(d.loc!.line).toBeGreaterThanOrEqual(1);
          expect(d.loc!.line).toBeLessThanOrEqual(lines);
        }
        for (const a of f.assignments) expect(a.loc.line).toBeLessThanOrEqual(lines);
        expect(f.fatal).toBe(f.fatalError !== undefined);
        if (f.fatal) expect(['Bad message', 'Invalid argument', 'No buffer space available']).toContain(f.fatalError);
      }),
      settings,
    );
  });

  // A file written from sections of assignments, with the freedoms the syntax allows (blank lines,
  // comments, whitespace around '=', CRLF, a value continued over lines), reads back the same.
  const name = fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,10}$/);
  // A continuation line starting with '#' or ';' is a comment (skipped): no word starts so.
  const valueWord = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 8 }).filter((s) => !/[\s\\\0]/.test(s) && !/^[#;]/.test(s));
  const entry = fc.record({ key: name, words: fc.array(valueWord, { maxLength: 4 }), split: fc.nat(4), pad: fc.constantFrom('', ' ', '\t', '  ') });
  const section = fc.record({ name: name.filter((n) => n !== 'Install'), entries: fc.array(entry, { maxLength: 5 }), comment: fc.boolean() });

  it('reads back the sections and assignments it was written from, each at its line', () => {
    fc.assert(
      fc.property(fc.array(section, { minLength: 1, maxLength: 4 }), fc.constantFrom('\n', '\r\n'), (sections, eol) => {
        const lines: string[] = [];
        const expected: { section: string; key: string; value: string; line: number }[] = [];
        for (const s of sections) {
          if (s.comment) lines.push('# a comment', '');
          lines.push(`[${s.name}]`);
          for (const e of s.entries) {
            // Continued over lines: each backslash-newline becomes one space.
            const cut = e.words.length > 1 ? 1 + (e.split % (e.words.length - 1)) : 0;
            const first = e.words.slice(0, cut || e.words.length).join(' ');
            if (cut > 0) {
              lines.push(`${e.key}${e.pad}=${e.pad}${first}\\`, '; a comment inside the continuation', `${e.words.slice(cut).join(' ')}${e.pad}`);
            } else {
              lines.push(`${e.pad}${e.key}${e.pad}=${e.pad}${first}${e.pad}`);
            }
            expected.push({ section: s.name, key: e.key, value: e.words.join(' '), line: lines.length });
          }
        }
        const f = parseUnitText('/u/y.service', lines.join(eol) + eol);
        expect(f.diagnostics).toEqual([]);
        expect(f.assignments.map((a) => ({ section: a.section, key: a.key, value: a.value, line: a.loc.line }))).toEqual(expected);
        expect(f.sections.map((s) => s.name)).toEqual(sections.map((s) => s.name));
      }),
      settings,
    );
  });

  it('refuses a statement past LONG_LINE_MAX, continued or not, and not a shorter one', () => {
    const at = (n: number) => parseUnitText('/u/z.service', `[Service]\nA=${'x'.repeat(n)}\n`);
    expect(at(LONG_LINE_MAX - 3).fatal).toBe(false);
    expect(at(LONG_LINE_MAX).fatalError).toBe('No buffer space available');
    const continued = `[Service]\nA=${`${'y'.repeat(1024)}\\\n`.repeat(1024)}z\n`;
    expect(parseUnitText('/u/z.service', continued).fatalError).toBe('No buffer space available');
  });
});

describe('unit loading of mutated real units (fuzzed)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'svcd-fuzz-units-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  // The services the other tests load, as seeds: real directives in real combinations.
  const corpus: Buffer[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name));
      else if (e.isFile() && e.name.endsWith('.service') && statSync(join(d, e.name)).size > 0) corpus.push(readFileSync(join(d, e.name)));
    }
  };
  walk(join(root, 'test', 'fixtures'));

  const PIECES = ['\n', '=', '[', ']', '\\', '"', "'", ';', '%', '%i', '$', '-', '@', '+', '!', '!!', ':', ' ', '\0', '\xff', '0', 'infinity', '-1', '99999999999999999999', 'yes', 'no', '/', '..', '*'];
  const mutation = fc.oneof(
    fc.tuple(fc.constant('insert'), fc.nat(), fc.constantFrom(...PIECES)),
    fc.tuple(fc.constant('delete'), fc.nat(), fc.integer({ min: 1, max: 8 })),
    fc.tuple(fc.constant('duplicate'), fc.nat(), fc.integer({ min: 1, max: 40 })),
  );
  const apply = (b: Buffer, muts: readonly [string, number, string | number][]): Buffer => {
    let s = b.toString('latin1');
    for (const [op, at0, arg] of muts) {
      const at = at0 % (s.length + 1);
      if (op === 'insert') s = s.slice(0, at) + Buffer.from(arg as string, 'utf8').toString('latin1') + s.slice(at);
      else if (op === 'delete') s = s.slice(0, at) + s.slice(at + (arg as number));
      else s = s.slice(0, at) + s.slice(at, at + (arg as number)) + s.slice(at);
    }
    return Buffer.from(s, 'latin1');
  };

  it('has seeds', () => {
    expect(corpus.length).toBeGreaterThan(20);
  });

  it('never throws, and every complaint names the unit or a line of its file', () => {
    let i = 0;
    fc.assert(
      fc.property(fc.nat(), fc.array(mutation, { minLength: 1, maxLength: 6 }), (pick, muts) => {
        const unitDir = join(dir, String(i++));
        const text = apply(corpus[pick % corpus.length]!, muts);
        const path = join(unitDir, 'fuzz.service');
        rmSync(unitDir, { recursive: true, force: true });
        spawnSync('mkdir', ['-p', unitDir]);
        writeFileSync(path, text);
        const unit = loadUnit(buildUnitFileMap([unitDir]), 'fuzz.service');
        const lines = lineCount(text);
        for (const d of unit.diagnostics) {
          if (d.loc === undefined) {
            expect(d.unit ?? d.message, d.message).toBeTruthy();
            continue;
          }
          expect(d.loc.file).toBe(path);
          expect(d.loc.line, d.message).toBeGreaterThanOrEqual(1);
          expect(d.loc.line, d.message).toBeLessThanOrEqual(lines);
        }
        expect(['loaded', 'error', 'bad-setting']).toContain(unit.loadState);
        rmSync(unitDir, { recursive: true, force: true });
      }),
      { ...settings, numRuns: Math.ceil(RUNS / 2) },
    );
  });
});

describe('Exec= command lines (fuzzed)', () => {
  it('never throws on any text, and refuses with a reason', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 60 }), (s) => {
        const r = parseExecDetailed(s);
        if (!r.ok) expect(r.error.reason).not.toBe('');
      }),
      settings,
    );
  });

  // Quoted as a user would write any argument: in double quotes, with C escapes for what the
  // quotes cannot hold. NUL cannot be an argument (systemd refuses \x00), so it is not generated.
  const quote = (a: string): string =>
    `"${[...a].map((c) => (c === '\\' || c === '"' ? `\\${c}` : c < ' ' || c === '\x7f' ? `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}` : c)).join('')}"`;
  const arg = fc.string({ unit: 'binary', maxLength: 12 }).map((s) => s.replace(/\0/g, ''));
  const path = fc.array(fc.stringMatching(/^[a-z0-9_][a-z0-9_.-]{0,6}$/), { minLength: 1, maxLength: 3 }).map((p) => `/${p.join('/')}`);
  const command = fc.record({
    path,
    args: fc.array(arg, { maxLength: 5 }),
    ignoreFailure: fc.boolean(),
    separateArgv0: fc.boolean(),
    noEnvExpand: fc.boolean(),
    privilege: fc.constantFrom('', '+', '!', '!!'),
  });

  it('splits quoted words back into the argv they were written from, commands split at ";"', () => {
    fc.assert(
      fc.property(fc.array(command, { minLength: 1, maxLength: 3 }), fc.constantFrom(' ', '\t', '  '), (cmds, sep) => {
        const expected: ExecCommand[] = cmds.map((c) => {
          const flags = {
            ignoreFailure: c.ignoreFailure, separateArgv0: c.separateArgv0, noEnvExpand: c.noEnvExpand,
            fullyPrivileged: c.privilege === '+', noSetuid: c.privilege === '!', ambientMagic: c.privilege === '!!',
          };
          // With "@" the first argument is argv[0]; one is needed.
          const args = c.separateArgv0 && c.args.length === 0 ? ['argv0'] : c.args;
          return { path: c.path, argv: c.separateArgv0 ? args : [c.path, ...args], flags };
        });
        const text = expected
          .map((e) => [`${execFlagsPrefix(e.flags)}${e.path}`, ...(e.flags.separateArgv0 ? e.argv : e.argv.slice(1)).map(quote)].join(sep))
          .join(`${sep};${sep}`);
        expect(parseExecDetailed(text)).toEqual({ ok: true, value: expected });
      }),
      settings,
    );
  });
});

describe('time spans (fuzzed)', () => {
  it('never throw, refuse with EINVAL or ERANGE, and format back to the same value', () => {
    fc.assert(
      fc.property(fc.oneof(timespanText, fc.string({ unit: 'binary', maxLength: 20 })), (s) => {
        const r = parseTimespan(s);
        if (!r.ok) {
          expect([EINVAL_TEXT, ERANGE_TEXT]).toContain(r.error);
          return;
        }
        expect(parseTimespan(formatTimespan(r.value))).toEqual(r);
      }),
      settings,
    );
  });

  // Numbers are read as signed 64-bit (strtoll), so above 2^63-1 only "infinity" can be written, in
  // systemd as here (systemd-analyze timespan 9223372036854775808us: out of range).
  it('every value up to 2^63-1, and infinity, formats to text that parses back to it', () => {
    fc.assert(
      fc.property(fc.oneof(fc.bigInt({ min: 0n, max: 2n ** 63n - 1n }), fc.bigInt({ min: 0n, max: 10n ** 12n }), fc.constant(USEC_INFINITY)), (v) => {
        expect(parseTimespan(formatTimespan(v))).toEqual({ ok: true, value: v });
      }),
      settings,
    );
  });
});

describe('calendar expressions (fuzzed)', () => {
  it('never throw, refuse with a typed error, and the normalized form parses to itself', () => {
    fc.assert(
      fc.property(fc.oneof(calendarText, fc.string({ unit: 'binary', maxLength: 20 })), (s) => {
        const r = parseCalendarSpec(s, UTC_ZONE);
        if (!r.ok) {
          expect([EINVAL_TEXT, ERANGE_TEXT, 'No buffer space available']).toContain(r.error);
          return;
        }
        const normalized = formatCalendarSpec(r.value, UTC_ZONE);
        const again = parseCalendarSpec(normalized, UTC_ZONE);
        expect(again.ok, normalized).toBe(true);
        if (again.ok) expect(formatCalendarSpec(again.value, UTC_ZONE)).toBe(normalized);
        for (const c of r.value.year) expect(c.start).toBeGreaterThanOrEqual(CALENDAR_MIN_YEAR);
      }),
      settings,
    );
  });
});

// ---- against systemd-analyze ----

type TimespanAnswer = ReturnType<typeof parseTimespanOutput>;
type CalendarAnswer = ReturnType<typeof parseCalendarOutput>;

function ourTimespan(input: string): TimespanAnswer {
  const r = parseTimespan(input);
  return r.ok ? { usec: String(r.value), human: formatTimespan(r.value) } : { error: r.error };
}
function ourCalendar(input: string): CalendarAnswer {
  const r = parseCalendarSpec(input, UTC_ZONE);
  return r.ok ? { normalized: formatCalendarSpec(r.value, UTC_ZONE) } : { error: r.error };
}

const fixture = <T>(name: string) => JSON.parse(readFileSync(join(root, 'test', 'fixtures', 'fuzz', `${name}.json`), 'utf8')) as { cases: ({ input: string } & T)[] };
const env: Record<string, string | undefined> = { ...process.env, LANG: 'C.UTF-8', TZ: 'UTC', SYSTEMD_COLORS: '0', SYSTEMD_PAGER: '' };
delete env.LC_ALL;

describe('random time spans and calendar expressions vs systemd-analyze 252', () => {
  it.each([
    ['timespan', ourTimespan],
    ['calendar', ourCalendar],
  ] as const)('agrees with the recorded %s answers', (name, ours) => {
    const { cases } = fixture<TimespanAnswer | CalendarAnswer>(name);
    // The sample must reach the accepting side too, not only refusals.
    expect(cases.filter((c) => !('error' in c)).length).toBeGreaterThan(50);
    const disagree = cases.filter((c) => {
      const { input, ...theirs } = c;
      return JSON.stringify(ours(input)) !== JSON.stringify(theirs);
    });
    expect(disagree).toEqual([]);
  });

  it.runIf(haveSystemd).each([
    ['timespan', timespanText, ourTimespan, parseTimespanOutput],
    ['calendar', calendarText, ourCalendar, parseCalendarOutput],
  ] as const)('agrees with the live systemd-analyze %s on a fresh sample', (verb, arbitrary, ours, parse) => {
    const inputs = fc.sample(arbitrary, { seed: SEED + 1, numRuns: Math.ceil(RUNS / 2) }).filter((s) => !s.includes('\0'));
    const disagree = inputs.flatMap((input) => {
      const r = spawnSync('systemd-analyze', [verb, '--', input], { env, encoding: 'utf8' });
      const theirs = parse(r.stdout, r.stderr);
      const got = ours(input);
      return JSON.stringify(got) === JSON.stringify(theirs) ? [] : [{ input, ours: got, theirs }];
    });
    expect(disagree).toEqual([]);
  });
});
