// The job algebra against the properties systemd's job.c states for its merge table, checked over
// every pair and triple of job types and every ActiveState.
import { describe, expect, it } from 'vitest';
import {
  MERGEABLE_JOB_TYPES as T, collapse, isMergeable, isRedundant, isSuperset, lookupMerge, mergeAndCollapse, type ActiveState,
} from '../../src/engine/job.js';

const STATES: ActiveState[] = ['active', 'reloading', 'inactive', 'failed', 'activating', 'deactivating'];
const pairs = T.flatMap((a) => T.map((b) => [a, b] as const));
const triples = pairs.flatMap(([a, b]) => T.map((c) => [a, b, c] as const));

describe('job merge table', () => {
  it('is the documented table', () => {
    expect(lookupMerge('start', 'verify-active')).toBe('start');
    expect(lookupMerge('start', 'stop')).toBe('conflict');
    expect(lookupMerge('reload', 'start')).toBe('reload-or-start');
    expect(lookupMerge('reload', 'verify-active')).toBe('reload');
    expect(lookupMerge('restart', 'reload')).toBe('restart');
    expect(lookupMerge('stop', 'restart')).toBe('conflict');
  });
  it.each(pairs)('%s + %s is commutative and A + A is A', (a, b) => {
    expect(lookupMerge(a, b)).toBe(lookupMerge(b, a));
    expect(lookupMerge(a, a)).toBe(a);
  });
  it.each(STATES)('is associative after collapsing, in state %s', (s) => {
    for (const [a, b, c] of triples) {
      const ab = mergeAndCollapse(a, b, s);
      const bc = mergeAndCollapse(b, c, s);
      const left = ab === 'conflict' ? 'conflict' : mergeAndCollapse(ab, c, s);
      const right = bc === 'conflict' ? 'conflict' : mergeAndCollapse(a, bc, s);
      if (left !== 'conflict' && right !== 'conflict') expect(left, `${a} ${b} ${c}`).toBe(right);
    }
  });
  it('keeps mergeability transitive, and a merged pair no more mergeable than its parts', () => {
    for (const [a, b, c] of triples) {
      if (isMergeable(a, b) && isMergeable(b, c)) expect(isMergeable(a, c), `${a} ${b} ${c}`).toBe(true);
      for (const s of STATES) {
        const ab = mergeAndCollapse(a, b, s);
        if (ab !== 'conflict' && !isMergeable(ab, c)) expect(!isMergeable(a, c) || !isMergeable(b, c), `${a} ${b} ${c} ${s}`).toBe(true);
      }
    }
  });
  it('calls a type a superset of another exactly when merging adds nothing', () => {
    expect(isSuperset('restart', 'start')).toBe(true);
    expect(isSuperset('start', 'restart')).toBe(false);
    expect(isSuperset('start', 'verify-active')).toBe(true);
    for (const [a, b] of pairs) if (isSuperset(a, b) && isSuperset(b, a)) expect(a).toBe(b);
  });
});

describe('state-dependent jobs', () => {
  it('collapse by the unit state', () => {
    expect(collapse('try-restart', 'inactive')).toBe('nop');
    expect(collapse('try-restart', 'active')).toBe('restart');
    expect(collapse('try-reload', 'failed')).toBe('nop');
    expect(collapse('reload-or-start', 'inactive')).toBe('start');
    expect(collapse('reload-or-start', 'activating')).toBe('reload');
  });
  it('drop redundant jobs only where they change nothing', () => {
    expect(isRedundant('start', 'active')).toBe(true);
    expect(isRedundant('start', 'activating')).toBe(false);
    expect(isRedundant('stop', 'failed')).toBe(true);
    expect(isRedundant('restart', 'active')).toBe(false);
    expect(isRedundant('nop', 'inactive')).toBe(true);
  });
});
