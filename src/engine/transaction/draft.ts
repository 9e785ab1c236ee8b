/**
 * The draft a transaction is worked out on: candidate jobs per unit and the links between them
 * (who pulled whom in, whether that matters to the anchor, whether it came from a Conflicts=).
 *
 * Invariants: deleting a job also deletes every job that needed it (pulled it in over a link that
 * matters), up to the anchor — reaching the anchor fails the transaction with the reason that
 * started the deletion; jobs it alone pulled in are left for the garbage step. Nothing outside the
 * draft is written until the plan is made.
 */
import type { GraphUnit } from '../../graph/graph.js';
import type { QueuedJobType } from '../job.js';
import { type Request, type TransactionEnv, TransactionError, type TransactionErrorCode } from './types.js';
import { loadErrnoBusName, loadProblem } from '../../unit/load-problem.js';

export interface Link {
  readonly subject: Draft;
  readonly object: Draft;
  readonly matters: boolean;
  readonly conflicts: boolean;
}

export interface Draft {
  readonly unit: string;
  type: QueuedJobType;
  /** Links where this job is the object: who pulled it in. */
  readonly pulledBy: Set<Link>;
  /** Links where this job is the subject: what it pulled in. */
  readonly pulls: Set<Link>;
  matters: boolean;
  deleted: boolean;
  /** The link that brought it into the draft: a failure to add what it needs travels back along it. */
  createdBy?: Link;
}

export function loadError(u: GraphUnit, name: string): TransactionError | undefined {
  switch (u.loadState) {
    case 'loaded':
      return undefined;
    case 'not-found':
      return new TransactionError('no-such-unit', `Unit ${name} not found.`);
    case 'masked':
      return new TransactionError('masked', `Unit ${name} is masked.`);
    case 'bad-setting':
      return new TransactionError('bad-setting', `Unit ${name} has a bad unit file setting.`);
    default:
      return new TransactionError('load-failed', loadProblem(u, name)!, loadErrnoBusName(u.loadError));
  }
}

export class Draftboard {
  readonly byUnit = new Map<string, Draft[]>();
  readonly log: string[] = [];
  anchor!: Draft;

  constructor(
    readonly env: TransactionEnv,
    readonly req: Request,
  ) {}

  jobs(): Draft[] {
    const out: Draft[] = [];
    for (const list of this.byUnit.values()) for (const j of list) if (!j.deleted) out.push(j);
    return out;
  }

  add(unit: string, type: QueuedJobType): [Draft, boolean] {
    let list = this.byUnit.get(unit);
    if (!list) this.byUnit.set(unit, (list = []));
    const found = list.find((j) => j.type === type && !j.deleted);
    if (found) return [found, false];
    const j: Draft = { unit, type, pulledBy: new Set(), pulls: new Set(), matters: false, deleted: false };
    list.push(j);
    return [j, true];
  }

  link(subject: Draft, object: Draft, matters: boolean, conflicts: boolean): void {
    const l: Link = { subject, object, matters, conflicts };
    subject.pulls.add(l);
    object.pulledBy.add(l);
  }

  /**
   * Deletes a job and, transitively, the jobs that needed it (pulled it in over a link that
   * matters); jobs it alone pulled in are left for the garbage step. Iterative, so a deep tree
   * cannot overflow the stack. Reaching the anchor fails the transaction with `reason`.
   */
  delete(first: Draft, reason: string, code: TransactionErrorCode = 'conflicting-jobs'): void {
    const queue = [first];
    while (queue.length > 0) {
      const j = queue.pop()!;
      if (j.deleted) continue;
      if (j === this.anchor) throw new TransactionError(code, reason);
      j.deleted = true;
      for (const l of j.pulledBy) {
        l.subject.pulls.delete(l);
        if (l.matters) queue.push(l.subject);
      }
      for (const l of j.pulls) l.object.pulledBy.delete(l);
      const list = this.byUnit.get(j.unit)!;
      list.splice(list.indexOf(j), 1);
      if (list.length === 0) this.byUnit.delete(j.unit);
    }
  }
}
