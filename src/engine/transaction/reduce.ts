/**
 * Steps 2–6 of a transaction: from the drafted jobs to one job per unit that changes something.
 *   2. mark      — which jobs matter to the anchor (reachable from it over links that matter);
 *   3. minimize  — mode fail only: drop jobs that do not matter yet would stop a running unit or
 *                  disturb an installed job;
 *   4. merge     — one job per unit, by the merge table; a conflict (start+stop) is settled by
 *                  deleting the job that does not matter, else the transaction fails;
 *   5. redundant — drop jobs that would change nothing in the unit's current state;
 *   6. unneeded  — drop jobs nothing pulls in any more (garbage from steps 3–5 and 7).
 */
import { isConflicting, isRedundant, mergeQueued } from '../job.js';
import type { Draft, Draftboard } from './draft.js';
import { TransactionError } from './types.js';

/** Step 2. */
export function mark(d: Draftboard): void {
  const queue = [d.anchor];
  for (let i = 0; i < queue.length; i++) {
    for (const l of queue[i]!.pulls) {
      if (l.matters && !l.object.matters) {
        l.object.matters = true;
        queue.push(l.object);
      }
    }
  }
}

/** Step 3. */
export function minimize(d: Draftboard): void {
  for (const j of d.jobs()) {
    if (j.deleted || j.matters) continue;
    const s = d.env.activeState(j.unit);
    const stopsRunning = j.type === 'stop' && (s === 'active' || s === 'reloading' || s === 'activating');
    const installed = d.env.installedJob(j.unit);
    const changesInstalled = installed !== undefined && isConflicting(j.type, installed.type);
    if (stopsRunning || changesInstalled) d.delete(j, `${j.unit}: dropped to minimize impact`);
  }
}

/** Step 4. */
export function merge(d: Draftboard): void {
  for (;;) {
    let again = false;
    // The anchor's unit first, so a conflict there is the one reported (as systemd reported it).
    const units = [...d.byUnit].sort(([a], [b]) => Number(b === d.anchor.unit) - Number(a === d.anchor.unit));
    for (const [unit, list] of units) {
      if (list.length < 2) continue;
      const conflict = findConflict(list);
      if (conflict) {
        const [a, b] = conflict;
        const victim = pickConflictVictim(a, b);
        if (!victim) {
          throw new TransactionError('conflicting-jobs', `Transaction contains conflicting jobs '${a.type}' and '${b.type}' for ${unit}. Probably contradicting requirement dependencies configured.`);
        }
        d.delete(victim, `Transaction contains conflicting jobs '${a.type}' and '${b.type}' for ${unit}.`);
        collectGarbage(d);
        again = true;
        break;
      }
      const state = d.env.activeState(unit);
      const keep = list[0]!;
      for (const other of list.slice(1)) {
        const merged = mergeQueued(keep.type, other.type, state);
        // findConflict() above left no conflicting pair in the list.
        if (merged === 'conflict') throw new Error(`${unit}: '${keep.type}' and '${other.type}' conflict after the conflict check`);
        keep.type = merged;
        keep.matters ||= other.matters;
        for (const l of other.pulledBy) {
          l.subject.pulls.delete(l);
          if (l.subject !== keep) d.link(l.subject, keep, l.matters, l.conflicts);
        }
        for (const l of other.pulls) {
          l.object.pulledBy.delete(l);
          if (l.object !== keep) d.link(keep, l.object, l.matters, l.conflicts);
        }
        other.pulledBy.clear();
        other.pulls.clear();
        other.deleted = true;
        if (d.anchor === other) d.anchor = keep;
      }
      d.byUnit.set(unit, [keep]);
    }
    if (!again) return;
  }
}

function findConflict(list: readonly Draft[]): [Draft, Draft] | undefined {
  // Mergeability is transitive (checked in job.test.ts), so a pairwise check finds every conflict.
  // The later job is named first, as systemd words it ("'stop' and 'start'" for a start anchor).
  for (let i = 0; i < list.length; i++) for (let k = i + 1; k < list.length; k++) if (isConflicting(list[i]!.type, list[k]!.type)) return [list[k]!, list[i]!];
  return undefined;
}

/**
 * Of two conflicting jobs, the one to give up: the one that does not matter; if neither matters,
 * the stop — unless that stop was pulled in by a Conflicts=, whose point is the stop.
 */
function pickConflictVictim(a: Draft, b: Draft): Draft | undefined {
  if (a.matters && b.matters) return undefined;
  if (a.matters !== b.matters) return a.matters ? b : a;
  const [stop, other] = a.type === 'stop' ? [a, b] : [b, a];
  const byConflict = [...stop.pulledBy].some((l) => l.conflicts);
  return byConflict ? other : stop;
}

/** Step 5. */
export function dropRedundant(d: Draftboard): void {
  for (const j of d.jobs()) {
    if (j === d.anchor) continue;
    if (!isRedundant(j.type, d.env.activeState(j.unit))) continue;
    const installed = d.env.installedJob(j.unit);
    // A redundant start still has to cancel an installed stop.
    if (installed && isConflicting(j.type, installed.type)) continue;
    for (const l of j.pulledBy) l.subject.pulls.delete(l);
    for (const l of j.pulls) l.object.pulledBy.delete(l);
    j.deleted = true;
    d.byUnit.delete(j.unit);
  }
}

/** Step 6. */
export function collectGarbage(d: Draftboard): void {
  if (d.req.mode === 'isolate') return;
  for (;;) {
    const orphan = d.jobs().find((j) => j !== d.anchor && j.pulledBy.size === 0);
    if (!orphan) return;
    d.delete(orphan, 'garbage');
  }
}
