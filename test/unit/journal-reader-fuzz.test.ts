// Property-based fuzzing of the journal reader (issue 18): a journal file cut short or with bytes
// changed anywhere — what a crash, a full disk or a bad disk leaves — is read without any error
// but JournalFormatError, in bounded time, and never hides the other files of its directory.
// The seed is fixed so that a failure replays; FUZZ_RUNS raises the budget (scripts/fuzz.sh).
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { readDirectory } from '../../src/journal/directory-reader.js';
import { JournalFileReader, JournalFormatError } from '../../src/journal/file-reader.js';
import { JournalData, JournalFileWriter } from '../../src/journal/file-writer.js';

const SEED = 18;
const RUNS = Number(process.env.FUZZ_RUNS ?? 300);
/** A larger budget takes longer: the test's timeout grows with it. */
vi.setConfig({ testTimeout: Math.max(60_000, RUNS * 60) });
const MACHINE = '3d1219c7c4c5404aaa1f6d2a48adfda4';
const BOOT = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
const ENTRIES = 60;

const dir = mkdtempSync(join(tmpdir(), 'svcd-jfuzz-'));
const originals: Record<'compact' | 'regular', Buffer> = { compact: Buffer.alloc(0), regular: Buffer.alloc(0) };

function write(path: string, compact: boolean, first: number): void {
  const w = JournalFileWriter.create(path, { machineId: MACHINE, bootId: BOOT, compact });
  const units = ['a.service', 'b.service'].map((u) => new JournalData('_SYSTEMD_UNIT', u));
  for (let i = first; i < first + ENTRIES; i++) {
    w.append([units[i % 2]!, ['MESSAGE', `entry ${i}`], ['PRIORITY', String(i % 8)]], { realtime: 1_700_000_000_000_000 + i, monotonic: 1_000_000 + i });
  }
  w.close();
}

beforeAll(() => {
  for (const kind of ['compact', 'regular'] as const) {
    write(join(dir, `${kind}.journal`), kind === 'compact', 0);
    originals[kind] = readFileSync(join(dir, `${kind}.journal`));
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Changes: bytes set at offsets (taken modulo the size), and maybe a cut. */
const damage = fc.record({
  kind: fc.constantFrom('compact', 'regular') as fc.Arbitrary<'compact' | 'regular'>,
  pokes: fc.array(fc.tuple(fc.nat(), fc.oneof(fc.nat(255), fc.constantFrom(0, 0xff))), { maxLength: 8 }),
  // 64-bit fields read as huge numbers are the likely trouble: whole words of 0xff too.
  words: fc.array(fc.nat(), { maxLength: 2 }),
  cut: fc.option(fc.nat(), { nil: undefined }),
});

type Damage = typeof damage extends fc.Arbitrary<infer T> ? T : never;

function damaged(d: Damage): Buffer {
  const b = Buffer.from(originals[d.kind]);
  for (const [at, v] of d.pokes) b[at % b.length] = v;
  for (const at of d.words) b.fill(0xff, (at % (b.length >> 3)) << 3, ((at % (b.length >> 3)) << 3) + 8);
  return d.cut === undefined ? b : b.subarray(0, d.cut % b.length);
}

/** Runs `f`; an error other than JournalFormatError fails the property. */
function onlyFormatErrors(f: () => void): void {
  try {
    f();
  } catch (e) {
    if (!(e instanceof JournalFormatError)) throw e;
  }
}

describe('reading damaged journal files (fuzzed)', () => {
  it('reads the undamaged files whole (the generator starts from good files)', () => {
    for (const kind of ['compact', 'regular'] as const) {
      const r = JournalFileReader.open(join(dir, `${kind}.journal`));
      expect([...r.entries()].length).toBe(ENTRIES);
      r.close();
    }
  });

  it('fails only with JournalFormatError, and every walk ends', () => {
    const path = join(dir, 'damaged.journal');
    fc.assert(
      fc.property(damage, (d) => {
        writeFileSync(path, damaged(d));
        let r: JournalFileReader | undefined;
        onlyFormatErrors(() => {
          r = JournalFileReader.open(path);
        });
        if (r === undefined) return;
        const reader = r;
        try {
          // A walk past more entries than the file has objects would be a loop in its links.
          const bound = Math.ceil(originals[d.kind].length / 16);
          for (const reverse of [false, true]) {
            onlyFormatErrors(() => {
              let n = 0;
              for (const e of reader.entries({ reverse })) {
                expect(typeof e.seqnum).toBe('number');
                expect(++n).toBeLessThan(bound);
              }
            });
          }
          onlyFormatErrors(() => {
            let n = 0;
            for (const _ of reader.entries({ matches: [{ name: '_SYSTEMD_UNIT', value: 'a.service' }] })) expect(++n).toBeLessThan(bound);
          });
          onlyFormatErrors(() => void reader.tail(5));
          onlyFormatErrors(() => void reader.fieldValues('PRIORITY'));
        } finally {
          reader.close();
        }
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('a damaged file never hides the entries of the good files beside it', () => {
    const d2 = mkdtempSync(join(tmpdir(), 'svcd-jfuzz-dir-'));
    try {
      write(join(d2, 'good.journal'), true, 1000);
      const good = [...readDirectory(d2)].map((e) => e.fields.find((f) => f.name === 'MESSAGE')!.value!.toString());
      expect(good).toHaveLength(ENTRIES);
      fc.assert(
        fc.property(damage, (d) => {
          writeFileSync(join(d2, 'bad.journal'), damaged(d));
          const seen = new Set<string>();
          let n = 0;
          for (const e of readDirectory(d2)) {
            const m = e.fields.find((f) => f.name === 'MESSAGE')?.value?.toString();
            if (m !== undefined) seen.add(m);
            expect(++n).toBeLessThan(10 * ENTRIES);
          }
          for (const m of good) expect(seen.has(m), m).toBe(true);
        }),
        { seed: SEED, numRuns: Math.ceil(RUNS / 2) },
      );
    } finally {
      rmSync(d2, { recursive: true, force: true });
    }
  });

  it('a copy is read as the original (the fixture is not damaged by reading)', () => {
    copyFileSync(join(dir, 'regular.journal'), join(dir, 'copy.journal'));
    const r = JournalFileReader.open(join(dir, 'copy.journal'));
    expect([...r.entries()].map((e) => e.seqnum)).toEqual(Array.from({ length: ENTRIES }, (_, i) => i + 1));
    r.close();
  });
});
