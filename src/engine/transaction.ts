/**
 * A transaction: what one request (start/stop/… of an anchor unit, with a job mode) means for every
 * unit, worked out on a draft before anything runs.
 *
 * Steps, in order (numbered as in docs/design/engine.md; each in its module of transaction/:
 * draft.ts the draft they work on, build.ts step 1, reduce.ts steps 2–6, order.ts step 7, and
 * steps 8–9 below):
 *   1. build     — the anchor job, then, breadth first through a queue, the jobs its atoms pull in;
 *                  isolate adds stops for everything else that is up, triggering the stops of
 *                  units that trigger the anchor.
 *   2. mark      — which jobs matter to the anchor (reachable from it over links that matter).
 *   3. minimize  — mode fail only: drop jobs that do not matter yet would stop a running unit or
 *                  disturb an installed job.
 *   4. merge     — one job per unit, by the merge table; a conflict (start+stop) is settled by
 *                  deleting the job that does not matter, else the transaction fails.
 *   5. redundant — drop jobs that would change nothing in the unit's current state.
 *   6. unneeded  — drop jobs nothing pulls in any more (garbage from steps 3–5 and 7).
 *   7. order     — find ordering cycles among the jobs; break each by deleting a job that does
 *                  not matter, with systemd's log lines; a cycle of jobs that all matter fails.
 *   8. conflicts — against installed jobs: mode fail refuses to replace one, and nobody replaces
 *                  an irreversible one.
 *   9. plan      — the jobs to install, and the installed jobs to cancel (isolate, flush).
 *
 * Invariants: the draft is the only thing written until step 9 returns; deleting a job also
 * deletes every job that needed it (pulled it with a link that matters), up to the anchor — if the
 * anchor goes, the transaction fails with the reason that started the deletion; the plan holds at
 * most one job per unit and its order graph is acyclic.
 */
import { isConflicting } from './job.js';
import { build } from './transaction/build.js';
import { Draftboard, type Draft } from './transaction/draft.js';
import { breakOneCycle } from './transaction/order.js';
import { collectGarbage, dropRedundant, mark, merge, minimize } from './transaction/reduce.js';
import { type PlannedJob, type Plan, type Request, type TransactionEnv, TransactionError } from './transaction/types.js';

export { TransactionError } from './transaction/types.js';
export type { InstalledJobView, Plan, PlannedJob, Request, TransactionEnv, TransactionErrorCode } from './transaction/types.js';

/** Works out the plan for a request, or throws a TransactionError in systemd's words. */
export function buildTransaction(env: TransactionEnv, req: Request): Plan {
  const d = new Draftboard(env, req);
  build(d);
  mark(d);
  if (req.mode === 'fail') minimize(d);
  collectGarbage(d);
  merge(d);
  dropRedundant(d);
  collectGarbage(d);
  while (!breakOneCycle(d)) collectGarbage(d);
  checkInstalled(d);
  return plan(d);
}

/** Step 8. */
function checkInstalled(d: Draftboard): void {
  for (const j of d.jobs()) {
    const installed = d.env.installedJob(j.unit);
    if (!installed || !isConflicting(installed.type, j.type)) continue;
    if (d.req.mode === 'fail' || installed.irreversible) {
      throw new TransactionError('destructive', `Transaction for ${d.anchor.unit}/${d.anchor.type} is destructive (${j.unit} has '${installed.type}' job queued, but '${j.type}' is included in transaction).`);
    }
  }
}

/** Step 9. */
function plan(d: Draftboard): Plan {
  const irreversible = d.req.mode === 'replace-irreversibly';
  const ignoreOrder = d.req.mode === 'ignore-dependencies';
  const mk = (j: Draft): PlannedJob => ({ unit: j.unit, type: j.type, anchor: j === d.anchor, ignoreOrder: ignoreOrder && j === d.anchor, irreversible });
  const jobs = d.jobs().map(mk);
  const cancel: string[] = [];
  if (d.req.mode === 'isolate' || d.req.mode === 'flush') {
    for (const u of d.env.knownUnits()) if (!d.byUnit.has(u) && d.env.installedJob(u)) cancel.push(u);
  }
  return { anchor: jobs.find((j) => j.anchor)!, jobs, cancel, log: d.log };
}
