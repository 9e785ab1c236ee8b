// svcd's own journal entries (issue 18, smaller deviations): stamped to the microsecond as journald
// stamps every entry, not to the millisecond (Date.now()) with "000" at the end of each, and on the
// wall clock.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { readDirectory } from '../../src/journal/directory-reader.js';
import { Journal } from '../../src/journal/journal.js';

const dir = mkdtempSync(join(tmpdir(), 'svcd-jtime-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("svcd's own journal entries", () => {
  it('carry microseconds, on the wall clock', async () => {
    const journal = new Journal({
      dir, machineId: '3d1219c7c4c5404aaa1f6d2a48adfda4', bootId: 'a1b2c3d4e5f60718293a4b5c6d7e8f90', consoleOutput: 'off',
      console: new Writable({ write: (_c, _e, cb) => cb() }),
    });
    const bounds: [number, number][] = [];
    for (let i = 0; i < 40; i++) {
      const before = Date.now();
      journal.log(`entry ${i}`);
      bounds.push([before, Date.now()]);
      await new Promise((r) => setTimeout(r, 1 + (i % 3)));
    }
    journal.close();
    const stamps = [...readDirectory(dir)].filter((e) => e.fields.some((f) => f.name === 'MESSAGE' && /^entry /.test(String(f.value)))).map((e) => e.realtime);
    expect(stamps).toHaveLength(40);
    // Whole milliseconds now and then (one in a thousand), not each time.
    expect(stamps.filter((t) => t % 1000 === 0).length).toBeLessThan(5);
    // Within the milliseconds around the call (1 ms of slack: the two clocks are read apart).
    stamps.forEach((t, i) => {
      expect(t).toBeGreaterThanOrEqual((bounds[i]![0] - 1) * 1000);
      expect(t).toBeLessThan((bounds[i]![1] + 2) * 1000);
    });
  });
});

describe("the journal's monotonic clock", () => {
  it('is CLOCK_MONOTONIC from the first entry of a fresh process on, never behind it', () => {
    // In a process of its own, as svcd starts: the first performance.now() is the slow one. The
    // smallest gap over many paired reads is the clock's offset (a preempted pair only widens it).
    const format = join(__dirname, '../../dist/journal/format.js');
    const script = `import { monotonicUsec } from ${JSON.stringify(format)};
      let min = Infinity, max = -Infinity;
      for (let i = 0; i < 20000; i++) { const ours = monotonicUsec(); const d = Number(process.hrtime.bigint() / 1000n) - ours; min = Math.min(min, d); max = Math.max(max, d); }
      console.log(min);`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    const offset = Number(r.stdout.trim());
    expect(offset).toBeGreaterThanOrEqual(0);
    expect(offset).toBeLessThanOrEqual(100);
  });
});
