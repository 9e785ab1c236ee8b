// journald's rate limit in svcd (off by default), MaxFileSec= rotation and MaxRetentionSec= vacuum:
// the limiter on its own clock, then real processes writing through a Journal whose entries are
// read back from the files.
import { closeSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { spawn } from '../../src/exec/native.js';
import { Journal, type StreamMeta } from '../../src/journal/journal.js';
import { JournalDirectory, readDirectory } from '../../src/journal/directory.js';
import { JournalData, JournalItemSet, internField } from '../../src/journal/file-writer.js';
import { effectiveLimit, modulateBurst, RateLimiter, type RateLimit } from '../../src/journal/rate-limit.js';

const MACHINE = '3d1219c7c4c5404aaa1f6d2a48adfda4';
const BOOT = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'svcd-ratelimit-'));
  dirs.push(d);
  return d;
};

describe('the rate limiter', () => {
  it('lets `burst` messages through per window and reports the dropped count when the next window opens', () => {
    const rl = new RateLimiter(() => 0);
    const lim: RateLimit = { intervalUsec: 1000, burst: 3 };
    expect([0, 1, 2, 3, 4].map((t) => rl.test('a.service', 6, t, lim))).toEqual([0, 0, 0, -1, -1]);
    // Another unit, and another priority class of the same unit, count on their own.
    expect(rl.test('b.service', 6, 5, lim)).toBe(0);
    expect(rl.test('a.service', 3, 5, lim)).toBe(0);
    expect(rl.test('a.service', 6, 1000, lim)).toBe(2);
    expect(rl.test('a.service', 6, 1001, lim)).toBe(0);
  });

  it('is off when interval or burst is 0, and grows the burst with free space as journald does', () => {
    const rl = new RateLimiter(() => 0);
    for (let t = 0; t < 100; t++) expect(rl.test('a', 6, t, { intervalUsec: 0, burst: 1 })).toBe(0);
    expect(modulateBurst(10000, 1024 * 1024)).toBe(10000);
    expect(modulateBurst(10000, 2 ** 28)).toBe(30000);
    expect(modulateBurst(10000, 4 * 2 ** 30)).toBe(40000);
  });

  it("takes a unit's own LogRateLimit*= over the journal's, journald's default for the half not set", () => {
    const off = { intervalUsec: 0, burst: 0 };
    expect(effectiveLimit(off)).toEqual(off);
    expect(effectiveLimit(off, { burst: 5 })).toEqual({ intervalUsec: 30_000_000, burst: 5 });
    expect(effectiveLimit({ intervalUsec: 1000, burst: 7 }, { intervalUsec: 2000 })).toEqual({ intervalUsec: 2000, burst: 7 });
  });
});

/** Runs a shell script on one journal stream; returns the MESSAGEs stored once the stream ended. */
async function run(script: string, rateLimit?: RateLimit, meta: Partial<StreamMeta> = {}) {
  const dir = tmp();
  // SystemMaxUse= of 1 MiB: the burst is not modulated (journald's rule below 1 MiB free).
  const journal = new Journal({ dir, machineId: MACHINE, bootId: BOOT, consoleOutput: 'off', console: new PassThrough(), rateLimit, limits: { maxUse: 1024 * 1024 } });
  const stream = journal.openStream({ unit: 'burst.service', invocationId: '', identifier: 'sh', levelPrefix: true, ...meta });
  const pid = spawn({ file: '/bin/sh', argv: ['/bin/sh', '-c', script], envp: ['PATH=/usr/bin:/bin'], fds: ['null', stream.fd, stream.fd] });
  stream.started(pid);
  closeSync(stream.fd);
  const streams = (journal as unknown as { streams: Set<unknown> }).streams;
  for (let t = 0; streams.size > 0 && t < 30000; t += 20) await new Promise((r) => setTimeout(r, 20));
  journal.close();
  return [...readDirectory(dir)].map((e) => Object.fromEntries(e.fields.map((f) => [f.name, f.value?.toString() ?? ''])));
}

// The window is wide (5 s) so that a loaded machine still writes the whole burst inside it; the
// last line comes after it has closed.
const BURST = 'i=0; while [ $i -lt 1000 ]; do echo "line $i"; i=$((i+1)); done; sleep 5.5; echo after';

describe('rate limiting a real burst', () => {
  it('keeps every line by default (svcd: off)', async () => {
    const e = await run(BURST);
    expect(e.length).toBe(1001);
  });

  it("keeps the burst's first N lines, then journald's \"Suppressed\" entry, then lines of the next window", async () => {
    const e = await run(BURST, { intervalUsec: 5_000_000, burst: 100 });
    expect(e.slice(0, 100).map((x) => x.MESSAGE)).toEqual(Array.from({ length: 100 }, (_, i) => `line ${i}`));
    expect(e[100]).toMatchObject({ MESSAGE: 'Suppressed 900 messages from burst.service', MESSAGE_ID: 'a596d6fe7bfa4994828e72dfa46ed1e2', N_DROPPED: '900', PRIORITY: '4' });
    expect(e.slice(101).map((x) => x.MESSAGE)).toEqual(['after']);
  });

  it("applies a unit's LogRateLimitBurst= while the journal's limit is off", async () => {
    const e = await run(BURST, undefined, { rateLimit: { burst: 10 } });
    // journald's 30 s interval for the unset half: the window never ends here, "after" is dropped too.
    expect(e.map((x) => x.MESSAGE)).toEqual(Array.from({ length: 10 }, (_, i) => `line ${i}`));
  });
});

describe('rotation by age and retention', () => {
  const SEC = 1_000_000;
  it('rotates the active file once its first entry is MaxFileSec= old, and deletes files older than MaxRetentionSec=', () => {
    const dir = tmp();
    const d = JournalDirectory.open({ dir, machineId: MACHINE, bootId: BOOT, limits: { maxFileUsec: 60 * SEC, maxRetentionUsec: 0 } });
    // Times in the recent past: the vacuum at start-up judges by the real clock.
    const t0 = (Math.floor(Date.now() / 1000) - 140) * SEC;
    for (let i = 0; i < 5; i++) d.append([['MESSAGE', `m${i}`]], { realtime: t0 + i * 30 * SEC, monotonic: i + 1 });
    // m0 at 0 s; m2 at 60 s finds the file 60 s old: rotated before it; m4 at 120 s likewise.
    expect(d.rotations).toBe(2);
    d.close();
    const archived = readdirSync(dir).filter((f) => f.includes('@')).sort();
    expect(archived.length).toBe(2);
    expect([...readDirectory(dir)].map((e) => e.fields.find((f) => f.name === 'MESSAGE')?.value?.toString())).toEqual(['m0', 'm1', 'm2', 'm3', 'm4']);
    // Reopened with a retention of 110 s, 140 s after m0: the file that began then goes, the one from 80 s ago stays.
    const again = JournalDirectory.open({ dir, machineId: MACHINE, bootId: BOOT, limits: { maxRetentionUsec: 110 * SEC } });
    const left = readdirSync(dir);
    expect(left).not.toContain(archived[0]);
    expect(left).toContain(archived[1]);
    again.close();
  });

  it('rotates by age on the batch path too (a pipe read\'s lines, stamped with the clock)', () => {
    const dir = tmp();
    const d = JournalDirectory.open({ dir, machineId: MACHINE, bootId: BOOT, limits: { maxFileUsec: 60 * SEC, maxRetentionUsec: 0 } });
    d.append([['MESSAGE', 'old']], { realtime: (Math.floor(Date.now() / 1000) - 90) * SEC, monotonic: 1 });
    const chunk = Buffer.from('new 1\nnew 2\n');
    d.appendLines(new JournalItemSet([new JournalData('_SYSTEMD_UNIT', 'x.service')]), internField('MESSAGE'), chunk, Int32Array.from([0, 5, 6, 11]), 2);
    expect(d.rotations).toBe(1);
    d.close();
    expect([...readDirectory(dir)].map((e) => e.fields.find((f) => f.name === 'MESSAGE')?.value?.toString())).toEqual(['old', 'new 1', 'new 2']);
  });
});
