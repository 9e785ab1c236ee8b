// The reader and the directory layer, judged by journalctl: what our reader returns for a file or
// a directory must equal what journalctl prints for it (json), for plain listing, matches,
// reverse and tail; rotation must leave files journalctl reads as one continuous journal.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { JournalDirectory, readDirectory, tailDirectory } from '../../src/journal/directory.js';
import { type JournalEntry, JournalFileReader } from '../../src/journal/file-reader.js';
import { JournalData, JournalFileWriter } from '../../src/journal/file-writer.js';

const MACHINE = '3d1219c7c4c5404aaa1f6d2a48adfda4';
const BOOT = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';

function journalctlJson(args: string[]): Record<string, unknown>[] {
  const out = execFileSync('journalctl', [...args, '-o', 'json', '--all'], { maxBuffer: 1 << 30 }).toString();
  return out.split('\n').filter((l) => l).map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** Our entry in journalctl's json shape (cursor and user fields; bytes as arrays when not text). */
function asJson(e: JournalEntry): Record<string, unknown> {
  const o: Record<string, unknown> = {
    __REALTIME_TIMESTAMP: String(e.realtime),
    __MONOTONIC_TIMESTAMP: String(e.monotonic),
  };
  for (const f of e.fields) o[f.name] = f.value?.toString('utf8');
  return o;
}

function pick(j: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  return Object.fromEntries(keys.map((k) => [k, j[k]]));
}

const KEYS = ['__REALTIME_TIMESTAMP', '__MONOTONIC_TIMESTAMP', 'MESSAGE', '_PID', '_SYSTEMD_UNIT', 'PRIORITY'];

function write(path: string, n: number, start = 0): void {
  const w = JournalFileWriter.create(path, { machineId: MACHINE, bootId: BOOT });
  const units = ['a.service', 'b.service', 'c.service'].map((u) => new JournalData('_SYSTEMD_UNIT', u));
  for (let i = start; i < start + n; i++) {
    w.append([units[i % 3], ['MESSAGE', `entry ${i}`], ['_PID', String(10 + (i % 7))], ['PRIORITY', String(i % 8)]],
      { realtime: 1_700_000_000_000_000 + i * 10, monotonic: 1_000_000 + i * 10 });
  }
  w.close();
}

describe('journal file reader', () => {
  let dir: string;
  let file: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'svcd-jreader-'));
    file = join(dir, 'r.journal');
    write(file, 2500);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const ours = (it: Iterable<JournalEntry>): Record<string, unknown>[] => [...it].map((e) => pick(asJson(e), KEYS));
  const theirs = (args: string[]): Record<string, unknown>[] => journalctlJson(['--file', file, ...args]).map((j) => pick(j, KEYS));

  it('lists what journalctl lists, forward and reverse', () => {
    const r = JournalFileReader.open(file);
    expect(ours(r.entries())).toEqual(theirs([]));
    expect(ours(r.entries({ reverse: true }))).toEqual(theirs(['-r']));
    r.close();
  });

  it('matches and tail agree with journalctl', () => {
    const r = JournalFileReader.open(file);
    expect(ours(r.entries({ matches: [{ name: '_PID', value: '12' }] }))).toEqual(theirs(['_PID=12']));
    expect(ours(r.entries({ matches: [{ name: '_PID', value: '12' }, { name: '_SYSTEMD_UNIT', value: 'b.service' }] })))
      .toEqual(theirs(['_PID=12', '_SYSTEMD_UNIT=b.service']));
    expect(ours(r.entries({ matches: [{ name: '_PID', value: '12' }, { name: '_PID', value: '13' }] })))
      .toEqual(theirs(['_PID=12', '_PID=13']));
    expect(ours(r.tail(5))).toEqual(theirs(['-n', '5']));
    expect(ours(r.tail(4, { reverse: true, matches: [{ name: '_SYSTEMD_UNIT', value: 'c.service' }] })))
      .toEqual(theirs(['-n', '4', '-r', '_SYSTEMD_UNIT=c.service']));
    expect([...r.entries({ matches: [{ name: '_PID', value: 'nope' }] })]).toEqual([]);
    expect(r.fieldValues('_SYSTEMD_UNIT').map(String).sort()).toEqual(['a.service', 'b.service', 'c.service']);
    r.close();
  });

  it('a forward walk resumed after an entry (-f) gives exactly the entries past it, with and without matches', () => {
    const r = JournalFileReader.open(file);
    const id = r.header.seqnumId;
    for (const matches of [[], [{ name: '_SYSTEMD_UNIT', value: 'b.service' }], [{ name: '_PID', value: '12' }, { name: '_SYSTEMD_UNIT', value: 'c.service' }]]) {
      const all = [...r.entries({ matches })].map((e) => e.seqnum);
      for (const k of [0, 1, 2, 3, 4, 5, 100, 1234, 2047, 2048, 2049, 2499, 2500, 9999]) {
        expect([...r.entries({ matches, after: { seqnumId: id, seqnum: k } })].map((e) => e.seqnum), `${JSON.stringify(matches)} after ${k}`)
          .toEqual(all.filter((s) => s > k));
      }
      // Another lineage's sequence numbers say nothing about this file: no entry is skipped.
      expect([...r.entries({ matches, after: { seqnumId: '0'.repeat(32), seqnum: 2000 } })].length).toBe(all.length);
    }
    r.close();
  });

  it('reads a regular-layout file svcd wrote before the compact layout (fixture, 64-bit items) as journalctl does', () => {
    const old = join(__dirname, '../fixtures/journal/regular-layout.journal');
    const r = JournalFileReader.open(old);
    expect(r.header.incompatibleFlags).toBe(0);
    const theirsOld = (args: string[]) => journalctlJson(['--file', old, ...args]).map((j) => pick(j, KEYS));
    expect(ours(r.entries()).length).toBe(30);
    expect(ours(r.entries())).toEqual(theirsOld([]));
    expect(ours(r.entries({ matches: [{ name: '_SYSTEMD_UNIT', value: 'b.service' }], reverse: true }))).toEqual(theirsOld(['-r', '_SYSTEMD_UNIT=b.service']));
    expect(ours(r.tail(3))).toEqual(theirsOld(['-n', '3']));
    r.close();
  });

  it('rejects files that are not journals', () => {
    expect(() => JournalFileReader.open('/etc/hostname')).toThrow();
  });
});

describe('journal directory', () => {
  let dir: string;
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('rotates by size under journald names; journalctl -D reads them as one journal', () => {
    dir = mkdtempSync(join(tmpdir(), 'svcd-jdir-'));
    const jd = JournalDirectory.open({ dir, machineId: MACHINE, bootId: BOOT, limits: { maxFileSize: 256 * 1024, maxUse: 1 << 30 } });
    const unit = new JournalData('_SYSTEMD_UNIT', 'rot.service');
    const n = 6000;
    for (let i = 0; i < n; i++) {
      jd.append([unit, ['MESSAGE', `rotated ${i} ${'z'.repeat(40)}`], ['_PID', String(i % 5)]],
        { realtime: 1_700_000_000_000_000 + i, monotonic: 1000 + i });
    }
    jd.close();
    const files = readdirSync(dir).sort();
    expect(jd.rotations).toBeGreaterThan(2);
    expect(files).toContain('system.journal');
    for (const f of files.filter((x) => x !== 'system.journal')) {
      expect(f).toMatch(/^system@[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{16}\.journal$/);
      const v = spawnSync('journalctl', ['--file', join(dir, f), '--verify'], { encoding: 'utf8' });
      expect(v.status, v.stderr).toBe(0);
      expect(execFileSync('journalctl', ['--file', join(dir, f), '--header']).toString()).toMatch(/State: ARCHIVED/);
    }
    const all = journalctlJson(['-D', dir]);
    expect(all.map((j) => j.MESSAGE)).toEqual(Array.from({ length: n }, (_, i) => `rotated ${i} ${'z'.repeat(40)}`));
    // Sequence numbers continue across files (one seqnum_id lineage).
    expect(all.map((j) => Number(j.__SEQNUM ?? NaN)).every((s, i) => Number.isNaN(s) || s === i + 1)).toBe(true);
    // Our merged read equals journalctl's, also with matches, reverse and tail.
    expect([...readDirectory(dir)].map((e) => pick(asJson(e), KEYS))).toEqual(all.map((j) => pick(j, KEYS)));
    expect([...readDirectory(dir, { matches: [{ name: '_PID', value: '3' }], reverse: true })].map((e) => pick(asJson(e), KEYS)))
      .toEqual(journalctlJson(['-D', dir, '-r', '_PID=3']).map((j) => pick(j, KEYS)));
    expect(tailDirectory(dir, 7).map((e) => pick(asJson(e), KEYS)))
      .toEqual(journalctlJson(['-D', dir, '-n', '7']).map((j) => pick(j, KEYS)));
  });

  it('a file cut under the writer: the SIGBUS is absorbed, the file set aside as dirty, writing goes on in a new one', () => {
    const d3 = mkdtempSync(join(tmpdir(), 'svcd-jdir3-'));
    try {
      const jd = JournalDirectory.open({ dir: d3, machineId: MACHINE, bootId: BOOT });
      const unit = new JournalData('_SYSTEMD_UNIT', 'cut.service');
      for (let i = 0; i < 100; i++) jd.append([unit, ['MESSAGE', `before ${i}`]], { realtime: 1_700_000_000_000_000 + i, monotonic: 1000 + i });
      // Someone truncates the live file: the writer's next stores land past its end.
      truncateSync(join(d3, 'system.journal'), 0);
      for (let i = 0; i < 100; i++) jd.append([unit, ['MESSAGE', `after ${i}`]], { realtime: 1_700_000_000_001_000 + i, monotonic: 2000 + i });
      expect(jd.activeWriter?.broken).toBe(true);
      jd.sync();
      for (let i = 0; i < 10; i++) jd.append([unit, ['MESSAGE', `new ${i}`]], { realtime: 1_700_000_000_002_000 + i, monotonic: 3000 + i });
      jd.close();
      const files = readdirSync(d3).sort();
      expect(files.filter((f) => f.endsWith('.journal~')).length).toBe(1);
      const msgs = journalctlJson(['--file', join(d3, 'system.journal')]).map((j) => j.MESSAGE);
      expect(msgs).toEqual(Array.from({ length: 10 }, (_, i) => `new ${i}`));
    } finally {
      rmSync(d3, { recursive: true, force: true });
    }
  });

  it('reopening continues the seqnum lineage and archives the previous file; vacuum keeps the cap', () => {
    const d2 = mkdtempSync(join(tmpdir(), 'svcd-jdir2-'));
    try {
      const first = JournalDirectory.open({ dir: d2, machineId: MACHINE, bootId: BOOT });
      for (let i = 0; i < 10; i++) first.append([['MESSAGE', `first ${i}`]], { realtime: 1_700_000_000_000_000 + i, monotonic: 10 + i });
      first.close();
      const second = JournalDirectory.open({ dir: d2, machineId: MACHINE, bootId: BOOT, limits: { maxFileSize: 128 * 1024, maxUse: 600 * 1024 } });
      for (let i = 0; i < 5000; i++) second.append([['MESSAGE', `second ${i} ${'q'.repeat(60)}`]], { realtime: 1_700_000_000_100_000 + i, monotonic: 100_000 + i });
      second.close();
      const files = readdirSync(d2);
      const used = files.reduce((s, f) => s + Number(execFileSync('stat', ['-c', '%b*%B', join(d2, f)]).toString().split('*').reduce((a, b) => Number(a) * Number(b), 1)), 0);
      expect(used).toBeLessThanOrEqual(600 * 1024 + 128 * 1024 + 64 * 1024);
      const msgs = journalctlJson(['-D', d2]).map((j) => String(j.MESSAGE));
      // The oldest files were vacuumed; what is left ends with the newest entry, in order.
      expect(msgs[msgs.length - 1]).toBe(`second 4999 ${'q'.repeat(60)}`);
      expect(msgs.some((m) => m.startsWith('first'))).toBe(false);
      const r = JournalFileReader.open(join(d2, 'system.journal'));
      const last = r.tail(1)[0];
      expect(last.seqnum).toBe(10 + 5000);
      r.close();
    } finally {
      rmSync(d2, { recursive: true, force: true });
    }
  });
});
