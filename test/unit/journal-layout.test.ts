// The journal layout is described once (src/journal/layout.ts) and the native writer's header is
// generated from it: these tests fail when the header on disk or the built addon is stale, and
// when an offset in the description disagrees with systemd's format as the real journalctl (252)
// reads it. The file is read here straight through layout.ts's offsets — not through the reader —
// and every value is compared with what journalctl prints for the same bytes.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { journalBind } from '../../src/exec/native.js';
import { JournalData, JournalFileWriter, JournalItemSet, internField } from '../../src/journal/file-writer.js';
import * as layout from '../../src/journal/layout.js';
import { A, D, E, H, HI, O, SIZE, STATE_SLOTS } from '../../src/journal/layout.js';
import { HEADER_PATH, loadLayout, render } from '../../scripts/gen-journal-layout.mjs';

const MACHINE = '3d1219c7c4c5404aaa1f6d2a48adfda4';
const BOOT = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';

describe('the generated native header', () => {
  it('is what scripts/gen-journal-layout.mjs makes of layout.ts now (every native build regenerates it)', async () => {
    expect(readFileSync(HEADER_PATH, 'utf8')).toBe(render(layout));
    // The generator loads layout.ts from its source, as the build does: the same tables.
    expect(render(await loadLayout())).toBe(render(layout));
  });

  it('names every table entry', () => {
    const text = render(layout);
    expect(text).toContain(`#define LAYOUT_ID 0x${layout.LAYOUT_ID.toString(16).padStart(8, '0')}u`);
    expect(text).toContain('  H_TAIL_ENTRY_ARRAY_N_ENTRIES = 260,');
    expect(text).toContain('  D_PAYLOAD_COMPACT = 72,');
  });

  it('the built addon refuses a writer reading another layout (journalBind checks LAYOUT_ID)', () => {
    const args = [
      new Float64Array(STATE_SLOTS), new ArrayBuffer(4096), new Float64Array(4), new Uint32Array(4), new Uint32Array(4),
      new Uint32Array(4), new Float64Array(4), new Uint32Array(4), new Uint32Array(4), Buffer.alloc(16),
    ] as const;
    expect(() => journalBind((layout.LAYOUT_ID ^ 1) >>> 0, ...args)).toThrow(/another src\/journal\/layout\.ts/);
    // Built from the tables this checkout reads (npm run build after any change to layout.ts).
    expect(journalBind(layout.LAYOUT_ID, ...args)).toBeDefined();
  });
});

function journalctl(args: string[]): string {
  return execFileSync('journalctl', args, { maxBuffer: 1 << 28, encoding: 'latin1', env: { ...process.env, SYSTEMD_PAGER: '', LC_ALL: 'C.UTF-8' } });
}

const u64 = (b: Buffer, at: number): bigint => b.readBigUInt64LE(at);
const hex = (v: bigint | number): string => v.toString(16);

describe.each([
  { name: 'compact', compact: true },
  { name: 'regular', compact: false },
])('layout.ts offsets against journalctl 252 ($name layout)', ({ compact }) => {
  const dir = mkdtempSync(join(tmpdir(), 'svcd-layout-'));
  const file = join(dir, 'system.journal');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  // Both append paths (native batch and single line for compact files, JS for both), repeated
  // payloads (data objects with entry-array chains), a second boot, and a field seen late.
  const w = JournalFileWriter.create(file, { machineId: MACHINE, bootId: BOOT, compact, maxFileSize: 1 << 20 });
  const set = new JournalItemSet([new JournalData('_SYSTEMD_UNIT', 'layout.service'), new JournalData('PRIORITY', '6')]);
  const MESSAGE = internField('MESSAGE');
  w.append([['MESSAGE', 'first'], set.items[0]!], { realtime: 1_700_000_000_000_000, monotonic: 1000 });
  const lines = Array.from({ length: 300 }, (_, i) => `line ${i % 40}`).join('\n');
  const chunk = Buffer.from(`${lines}\n`);
  const bounds = new Int32Array(600);
  let at = 0;
  chunk.toString('latin1').split('\n').slice(0, 300).forEach((l, i) => {
    bounds[2 * i] = at;
    bounds[2 * i + 1] = at + l.length;
    at += l.length + 1;
  });
  for (let i = 0; i < 300;) i += w.appendLines(set, MESSAGE, chunk, bounds, i, 300, 1 << 30);
  for (let i = 0; i < 30; i++) w.appendWith(set, MESSAGE, Buffer.from(`with ${i % 3}`), { realtime: 1_800_000_000_000_000 + i, monotonic: 9_000_000 + i });
  w.append([['MESSAGE', 'other boot'], ['LATE_FIELD', 'x']], { realtime: 1_800_000_000_100_000, monotonic: 5, bootId: '0123456789abcdef0123456789abcdef' });
  w.close();
  const bytes = readFileSync(file);

  it('passes --verify', () => {
    const v = spawnSync('journalctl', ['--file', file, '--verify'], { encoding: 'utf8' });
    expect(v.status, v.stderr).toBe(0);
  });

  it('header fields at H.* are the values journalctl --header prints', () => {
    const out = journalctl(['--file', file, '--header']);
    const line = (label: string): string => {
      const m = new RegExp(`^${label}: ?(.*)$`, 'm').exec(out);
      if (!m) throw new Error(`no "${label}" in journalctl --header`);
      return m[1]!;
    };
    const inParens = (label: string): string => /\(([0-9a-f]+)\)\s*$/.exec(line(label))![1]!;
    const id = (at: number): string => bytes.toString('hex', at, at + 16);
    expect(bytes.toString('latin1', H.signature, H.signature + 8)).toBe('LPKSHHRH');
    expect(line('File ID')).toBe(id(H.fileId));
    expect(line('Machine ID')).toBe(id(H.machineId));
    expect(line('Boot ID')).toBe(id(H.tailEntryBootId));
    expect(line('Sequential number ID')).toBe(id(H.seqnumId));
    expect(line('State')).toBe(['OFFLINE', 'ONLINE', 'ARCHIVED'][bytes[H.state]!]);
    expect(line('Incompatible flags').trim()).toBe(bytes.readUInt32LE(H.incompatibleFlags) === layout.FLAG.incompatCompact ? 'COMPACT' : '');
    expect(line('Header size')).toBe(String(u64(bytes, H.headerSize)));
    expect(line('Arena size')).toBe(String(u64(bytes, H.arenaSize)));
    expect(line('Data hash table size')).toBe(String(u64(bytes, H.dataHashTableSize) / BigInt(SIZE.hashItem)));
    expect(line('Field hash table size')).toBe(String(u64(bytes, H.fieldHashTableSize) / BigInt(SIZE.hashItem)));
    expect(inParens('Head sequential number')).toBe(hex(u64(bytes, H.headEntrySeqnum)));
    expect(inParens('Tail sequential number')).toBe(hex(u64(bytes, H.tailEntrySeqnum)));
    expect(inParens('Head realtime timestamp')).toBe(hex(u64(bytes, H.headEntryRealtime)));
    expect(inParens('Tail realtime timestamp')).toBe(hex(u64(bytes, H.tailEntryRealtime)));
    expect(inParens('Tail monotonic timestamp')).toBe(hex(u64(bytes, H.tailEntryMonotonic)));
    expect(line('Objects')).toBe(String(u64(bytes, H.nObjects)));
    expect(line('Entry objects')).toBe(String(u64(bytes, H.nEntries)));
    expect(line('Data objects')).toBe(String(u64(bytes, H.nData)));
    expect(line('Field objects')).toBe(String(u64(bytes, H.nFields)));
    expect(line('Entry array objects')).toBe(String(u64(bytes, H.nEntryArrays)));
    expect(line('Deepest data hash chain')).toBe(String(u64(bytes, H.dataHashChainDepth)));
    expect(line('Deepest field hash chain')).toBe(String(u64(bytes, H.fieldHashChainDepth)));
    expect(Number(u64(bytes, H.nEntries))).toBe(332);
  });

  it('entries found through A.*, fields at E.* and payloads at D.* are what journalctl -o export prints', () => {
    // journalctl's cursor spells an entry's header: i=seqnum b=boot m=monotonic t=realtime x=xor_hash.
    const exported = journalctl(['--file', file, '-o', 'export']).split('\n\n').filter((e) => e.length > 0);
    const itemSize = compact ? SIZE.arrayItemCompact : SIZE.arrayItem;
    const entryItemSize = compact ? SIZE.entryItemCompact : SIZE.entryItem;
    const readOff = (at: number, size: number): number => Number(size === 4 ? BigInt(bytes.readUInt32LE(at)) : u64(bytes, at));
    const offsets: number[] = [];
    for (let arr = Number(u64(bytes, H.entryArrayOffset)); arr !== 0; arr = Number(u64(bytes, arr + A.nextEntryArrayOffset))) {
      expect(bytes[arr + O.type]).toBe(layout.ObjectTypeCode.entryArray);
      const n = (Number(u64(bytes, arr + O.size)) - A.items) / itemSize;
      for (let i = 0; i < n && offsets.length < Number(u64(bytes, H.nEntries)); i++) offsets.push(readOff(arr + A.items + i * itemSize, itemSize));
    }
    expect(offsets.length).toBe(exported.length);
    offsets.forEach((off, k) => {
      const fields = exported[k]!.split('\n');
      const cursor = Object.fromEntries(fields[0]!.replace('__CURSOR=', '').split(';').map((p) => p.split('=') as [string, string]));
      expect(bytes[off + O.type]).toBe(layout.ObjectTypeCode.entry);
      expect(cursor.i).toBe(hex(u64(bytes, off + E.seqnum)));
      expect(cursor.t).toBe(hex(u64(bytes, off + E.realtime)));
      expect(cursor.m).toBe(hex(u64(bytes, off + E.monotonic)));
      expect(cursor.b).toBe(bytes.toString('hex', off + E.bootId, off + E.bootId + 16));
      expect(cursor.x).toBe(hex(u64(bytes, off + E.xorHash)));
      const n = (Number(u64(bytes, off + O.size)) - E.items) / entryItemSize;
      const payloads: string[] = [];
      for (let i = 0; i < n; i++) {
        const d = readOff(off + E.items + i * entryItemSize, compact ? 4 : 8);
        expect(bytes[d + O.type]).toBe(layout.ObjectTypeCode.data);
        const start = compact ? D.payloadCompact : D.payload;
        payloads.push(bytes.toString('latin1', d + start, d + Number(u64(bytes, d + O.size))));
      }
      // export adds _BOOT_ID= from the entry's header.
      expect(fields).toContain(`_BOOT_ID=${cursor.b}`);
      const own = fields.filter((f) => !f.startsWith('__') && !f.startsWith('_BOOT_ID='));
      expect(payloads.sort()).toEqual(own.sort());
    });
  });

  it('the hash tables at H.*HashTableOffset lead, bucket by HI.*, to every data and field object', () => {
    const walk = (table: number, size: number): number => {
      let found = 0;
      for (let b = table; b < table + size; b += SIZE.hashItem) {
        let last = 0;
        for (let o = Number(u64(bytes, b + HI.headHashOffset)); o !== 0; o = Number(u64(bytes, o + D.nextHash))) {
          found++;
          last = o;
        }
        expect(Number(u64(bytes, b + HI.tailHashOffset))).toBe(last);
      }
      return found;
    };
    expect(walk(Number(u64(bytes, H.dataHashTableOffset)), Number(u64(bytes, H.dataHashTableSize)))).toBe(Number(u64(bytes, H.nData)));
    expect(walk(Number(u64(bytes, H.fieldHashTableOffset)), Number(u64(bytes, H.fieldHashTableSize)))).toBe(Number(u64(bytes, H.nFields)));
    // The same counts as journalctl reports (a wrong offset would count other bytes).
    expect(journalctl(['--file', file, '-F', '_SYSTEMD_UNIT']).trim()).toBe('layout.service');
  });
});
