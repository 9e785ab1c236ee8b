// mallocTrim(): the pages glibc keeps after a burst of frees go back to the kernel, as svcd does
// once its boot is over. Measured by this process's own RSS (/proc/self/status), never timed.
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { mallocTrim } from '../../src/exec/native.js';
import { liveHeapBytes } from '../support/heap.js';

const rssKiB = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1]);

describe('mallocTrim', () => {
  it('gives back what a burst of small allocations left free in the malloc heap', async () => {
    // 2,000 Buffers of 32 KiB (below glibc's mmap threshold, so in the heap), then one small
    // Buffer above them that stays: free() alone cannot shrink the heap past it.
    const held = { burst: Array.from({ length: 2000 }, () => Buffer.alloc(32 * 1024, 1)) };
    const pin = Buffer.alloc(1024, 2);
    const peak = rssKiB();
    expect(held.burst.reduce((n, b) => n + b.length, 0)).toBe(2000 * 32 * 1024);
    held.burst = [];
    // V8 may free the Buffers' memory on a thread of its own after the collection: trim until it has.
    let after = peak;
    for (let i = 0; i < 100 && peak - after < 32 * 1024; i++) {
      liveHeapBytes();
      mallocTrim();
      after = rssKiB();
      await sleep(20);
    }
    // Glibc would have kept the 64 MiB; at least half must have gone back.
    expect(peak - after).toBeGreaterThan(32 * 1024);
    expect(pin[0]).toBe(2);
  });
});
