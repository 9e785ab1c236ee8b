// The job algebra against the properties systemd's job.c states for its merge table, checked over
// every pair and triple of job types and every ActiveState.
import { describe, expect, it } from 'vitest';
import {
  MERGEABLE_JOB_TYPES as T, allowsLateMerge, collapse, coversJob, isConflicting, isMergeable, isRedundant, isSuperset, lookupMerge, mergeAndCollapse,
  mergeIntoInstalled, mergeQueued, type ActiveState, type JobState, type QueuedJobType,
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
  it('follow systemd 252 for reload and restart: redundant only while already reloading / activating', () => {
    for (const s of STATES) {
      expect(isRedundant('reload', s), s).toBe(s === 'reloading');
      expect(isRedundant('restart', s), s).toBe(s === 'activating');
    }
  });
});

describe('every job type, state-dependent ones collapsed first', () => {
  const ALL = [...T, 'nop', 'try-restart', 'try-reload', 'reload-or-start'] as const;
  // The one merge the transaction and the engine's job installation both call.
  const merge = mergeQueued;
  it.each(STATES)('a merge conflicts exactly when the two types conflict; nop is the identity (state %s)', (s) => {
    for (const a0 of ALL) for (const b0 of ALL) {
      const [a, b] = [collapse(a0, s), collapse(b0, s)];
      expect(merge(a, b, s) === 'conflict', `${a0}+${b0}`).toBe(isConflicting(a, b));
      expect(merge(a, 'nop', s)).toBe(a);
    }
  });
  it.each(STATES)('merging is commutative and, where it succeeds, associative over every triple in state %s', (s) => {
    let checked = 0;
    for (const a0 of ALL) for (const b0 of ALL) for (const c0 of ALL) {
      const [a, b, c] = [collapse(a0, s), collapse(b0, s), collapse(c0, s)];
      expect(merge(a, b, s), `${a0}+${b0}`).toBe(merge(b, a, s));
      const ab = merge(a, b, s);
      const bc = merge(b, c, s);
      if (ab === 'conflict' || bc === 'conflict') continue;
      const left = merge(ab, c, s);
      const right = merge(a, bc, s);
      if (left !== 'conflict' && right !== 'conflict') {
        expect(left, `(${a0}+${b0})+${c0}`).toBe(right);
        checked++;
      } else expect(left, `${a0} ${b0} ${c0}: one grouping conflicts, the other not`).toBe(right);
    }
    expect(checked).toBeGreaterThan(100);
  });
});

describe('nop and the superset relation', () => {
  const Q: QueuedJobType[] = [...T, 'nop'];
  it('nop conflicts with nothing and is covered by everything', () => {
    for (const a of Q) {
      expect(isConflicting(a, 'nop')).toBe(false);
      expect(coversJob(a, 'nop')).toBe(true);
      if (a !== 'nop') expect(coversJob('nop', a)).toBe(false);
    }
  });
  it('superset is reflexive and transitive, and a superset of B conflicts with what B conflicts with', () => {
    for (const a of Q) expect(coversJob(a, a)).toBe(true);
    for (const a of Q) for (const b of Q) for (const c of Q) {
      if (coversJob(a, b) && coversJob(b, c)) expect(coversJob(a, c), `${a} ${b} ${c}`).toBe(true);
      if (coversJob(a, b) && isConflicting(b, c)) expect(isConflicting(a, c), `${a} ${b} ${c}`).toBe(true);
    }
  });
  it('stop conflicts with every other mergeable type, and only stop', () => {
    for (const a of T) for (const b of T) expect(isConflicting(a, b), `${a} ${b}`).toBe(a !== b && (a === 'stop' || b === 'stop'));
  });
});

describe('a job installed over an installed job of its unit (job_install)', () => {
  const QUEUED: QueuedJobType[] = [...T, 'nop'];
  const JOB_STATES: JobState[] = ['waiting', 'running'];
  it.each(STATES)('takes the merged type; a conflict replaces it; only a running job that covers the new one keeps running (state %s)', (s) => {
    for (const installed of QUEUED) for (const incoming of QUEUED) for (const state of JOB_STATES) {
      const r = mergeIntoInstalled({ type: installed, state }, incoming, s);
      const what = `${installed}/${state} + ${incoming}`;
      if (isConflicting(installed, incoming)) {
        expect(r, what).toBe('conflict');
        continue;
      }
      expect(r, what).toEqual({ type: mergeQueued(installed, incoming, s), state: state === 'running' && allowsLateMerge(incoming) && coversJob(installed, incoming) ? 'running' : 'waiting' });
    }
  });
  it('runs a second reload anew instead of folding it into the one under way', () => {
    expect(mergeIntoInstalled({ type: 'reload', state: 'running' }, 'reload', 'reloading')).toEqual({ type: 'reload', state: 'waiting' });
    expect(mergeIntoInstalled({ type: 'start', state: 'running' }, 'start', 'activating')).toEqual({ type: 'start', state: 'running' });
    expect(mergeIntoInstalled({ type: 'restart', state: 'running' }, 'start', 'deactivating')).toEqual({ type: 'restart', state: 'running' });
  });
});
