// mallocTrim(): the pages glibc keeps after a burst of frees go back to the kernel, as svcd does
// once its boot is over. Measured by this process's own RSS (/proc/self/status), never timed.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { mallocTrim } from '../../src/exec/native.js';
import { liveHeapBytes } from '../support/heap.js';

const rssKiB = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1]);

describe('mallocTrim', () => {
  it('gives back what a burst of small allocations left free in the malloc heap', () => {
    // 2,000 Buffers of 32 KiB: below glibc's mmap threshold, so all in the heap, then all freed.
    const burst = () => Array.from({ length: 2000 }, () => Buffer.alloc(32 * 1024, 1)).length;
    expect(burst()).toBe(2000);
    liveHeapBytes();
    const before = rssKiB();
    expect(mallocTrim()).toBe(true);
    // Glibc would have kept the 64 MiB; at least half must have gone back.
    expect(before - rssKiB()).toBeGreaterThan(32 * 1024);
  });
});
