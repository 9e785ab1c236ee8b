/**
 * Job types and how two requests for one unit become one job (systemd's job.c semantics).
 *
 * Types in three tiers, as in systemd:
 *  - mergeable: start, verify-active, stop, reload, restart — two of these for the same unit
 *    merge by a commutative table, or conflict (start and stop never merge);
 *  - nop: enters a transaction but merges with nothing;
 *  - state-dependent: try-restart, try-reload, reload-or-start — collapsed into a mergeable type
 *    (or nop) by the unit's current ActiveState before they enter a transaction.
 *
 * Invariants (checked by test/unit/job.test.ts over every triple): merging is commutative;
 * after collapsing, merging is associative; mergeability is transitive; if A+B does not merge
 * with C, then A or B does not merge with C.
 */

export const MERGEABLE_JOB_TYPES = ['start', 'verify-active', 'stop', 'reload', 'restart'] as const;
export type MergeableJobType = (typeof MERGEABLE_JOB_TYPES)[number];
export type JobType = MergeableJobType | 'nop' | 'try-restart' | 'try-reload' | 'reload-or-start';

/** systemd's ActiveState words. */
export type ActiveState = 'active' | 'reloading' | 'inactive' | 'failed' | 'activating' | 'deactivating' | 'maintenance';

/** A job waits in the queue until its ordering allows it to run, then runs until its unit settles. */
export type JobState = 'waiting' | 'running';

/** Everything that can be queued: the mergeable types and nop (state-dependent types are collapsed first). */
export type QueuedJobType = MergeableJobType | 'nop';

/** JobResult, spelled as systemctl prints it. */
export type JobResult = 'done' | 'canceled' | 'timeout' | 'failed' | 'dependency' | 'skipped' | 'invalid' | 'assert' | 'unsupported' | 'collected' | 'once';

/** A merge of two mergeable types: a type, reload-or-start (collapsed later), or a conflict. */
export type MergeResult = MergeableJobType | 'reload-or-start' | 'conflict';

// The lower triangle of the symmetric table: row type merged with each earlier column type.
const MERGE_TABLE: Readonly<Record<MergeableJobType, Partial<Record<MergeableJobType, MergeResult>>>> = {
  start: {},
  'verify-active': { start: 'start' },
  stop: { start: 'conflict', 'verify-active': 'conflict' },
  reload: { start: 'reload-or-start', 'verify-active': 'reload', stop: 'conflict' },
  restart: { start: 'restart', 'verify-active': 'restart', stop: 'conflict', reload: 'restart' },
};

export function lookupMerge(a: MergeableJobType, b: MergeableJobType): MergeResult {
  if (a === b) return a;
  const [hi, lo] = MERGEABLE_JOB_TYPES.indexOf(a) > MERGEABLE_JOB_TYPES.indexOf(b) ? [a, b] : [b, a];
  return MERGE_TABLE[hi][lo]!;
}

/** Inactive, failed or on its way down: where "try-" jobs do nothing and reload-or-start starts. */
export function isInactiveOrDeactivating(s: ActiveState): boolean {
  return s === 'inactive' || s === 'failed' || s === 'deactivating';
}

/** Resolve the state-dependent types by the unit's current state. */
export function collapse(t: JobType | 'reload-or-start', state: ActiveState): MergeableJobType | 'nop' {
  switch (t) {
    case 'try-restart':
      return isInactiveOrDeactivating(state) ? 'nop' : 'restart';
    case 'try-reload':
      return isInactiveOrDeactivating(state) ? 'nop' : 'reload';
    case 'reload-or-start':
      return isInactiveOrDeactivating(state) ? 'start' : 'reload';
    default:
      return t;
  }
}

/** Merge and collapse in one step; 'conflict' when the two can't be one job. */
export function mergeAndCollapse(a: MergeableJobType, b: MergeableJobType, state: ActiveState): MergeableJobType | 'conflict' {
  const m = lookupMerge(a, b);
  if (m === 'conflict') return m;
  const c = collapse(m, state);
  // reload-or-start collapses to start or reload, never to nop.
  return c as MergeableJobType;
}

export function isMergeable(a: MergeableJobType, b: MergeableJobType): boolean {
  return lookupMerge(a, b) !== 'conflict';
}

/** a is a superset of b when merging them gives a: b adds nothing. */
export function isSuperset(a: MergeableJobType, b: MergeableJobType): boolean {
  return lookupMerge(a, b) === a;
}

/**
 * Whether a job would change nothing for a unit in this state (and can be dropped from a
 * transaction), as systemd 252 decides it: a reload already under way needs no second one, and a
 * restart of a unit that is still activating would only start what is starting.
 */
export function isRedundant(t: QueuedJobType, state: ActiveState): boolean {
  switch (t) {
    case 'start':
    case 'verify-active':
      return state === 'active' || state === 'reloading';
    case 'stop':
      return state === 'inactive' || state === 'failed';
    case 'reload':
      return state === 'reloading';
    case 'restart':
      return state === 'activating';
    case 'nop':
      return true;
  }
}

/** Two queued types that cannot be one job; nop conflicts with nothing. */
export function isConflicting(a: QueuedJobType, b: QueuedJobType): boolean {
  return a !== 'nop' && b !== 'nop' && !isMergeable(a, b);
}

/** isSuperset extended to nop: anything covers a nop, a nop covers nothing else. */
export function coversJob(a: QueuedJobType, b: QueuedJobType): boolean {
  if (b === 'nop') return true;
  if (a === 'nop') return false;
  return isSuperset(a, b);
}

/**
 * Two queued jobs for one unit as one: merged by the table, then collapsed by the unit's state; a
 * nop adds nothing to the other. 'conflict' when they cannot be one job. The transaction's merge
 * step and the installing of a job over an installed one both go through here.
 */
export function mergeQueued(a: QueuedJobType, b: QueuedJobType, state: ActiveState): QueuedJobType | 'conflict' {
  if (a === 'nop') return b;
  if (b === 'nop') return a;
  return mergeAndCollapse(a, b, state);
}

/**
 * Whether a new job of this type may be folded into a job of its unit that already runs. A reload
 * may not: the daemon may have read its configuration before the change the second reload is for.
 */
export function allowsLateMerge(t: QueuedJobType): boolean {
  return t !== 'reload';
}

/**
 * What an installed job becomes when a transaction installs `incoming` for its unit (systemd's
 * job_install): 'conflict' (the installed job is canceled and replaced); else the merged type, still
 * running only if it was running and the incoming job adds nothing that must run anew.
 */
export function mergeIntoInstalled(installed: { readonly type: QueuedJobType; readonly state: JobState }, incoming: QueuedJobType, state: ActiveState): { type: QueuedJobType; state: JobState } | 'conflict' {
  const type = mergeQueued(installed.type, incoming, state);
  if (type === 'conflict') return type;
  const keepsRunning = installed.state === 'running' && allowsLateMerge(incoming) && coversJob(installed.type, incoming);
  return { type, state: keepsRunning ? 'running' : 'waiting' };
}

/** What a job of this type waits for when ordered against another (restart stops first). */
export function isStopLike(t: QueuedJobType): boolean {
  return t === 'stop' || t === 'restart';
}
