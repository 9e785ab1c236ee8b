/**
 * Step 7 of a transaction: ordering cycles among the drafted jobs (Before=/After=, with a stop
 * going first). Each cycle found is logged in systemd 252's words and broken by deleting a job
 * that does not matter to the anchor; a cycle of jobs that all matter fails the transaction. The
 * search is iterative (an explicit path), so a long chain cannot overflow the stack.
 */
import { isStopLike } from '../job.js';
import type { Draft, Draftboard } from './draft.js';
import { TransactionError } from './types.js';

/** The jobs `j` waits for among `jobs`, by Before=/After= between their units. */
function waitsFor(d: Draftboard, j: Draft, jobOf: Map<string, Draft>): Draft[] {
  if (j.type === 'nop') return [];
  const g = d.env.graph;
  const out: Draft[] = [];
  for (const o of g.withAtom(j.unit, 'after')) {
    const k = jobOf.get(o);
    // j's unit comes after k's: j waits unless j is itself the stop going first.
    if (k && k.type !== 'nop' && !isStopLike(j.type)) out.push(k);
  }
  for (const o of g.withAtom(j.unit, 'before')) {
    const k = jobOf.get(o);
    if (k && k.type !== 'nop' && isStopLike(k.type)) out.push(k);
  }
  return out;
}

/** Step 7: finds one cycle and deletes a job to break it; true when the order is acyclic. */
export function breakOneCycle(d: Draftboard): boolean {
  const jobs = d.jobs();
  const jobOf = new Map(jobs.map((j) => [j.unit, j]));
  const colour = new Map<Draft, 1 | 2>();
  const ignoreOrder = d.req.mode === 'ignore-dependencies';
  for (const root of jobs) {
    if (colour.has(root)) continue;
    const path: Draft[] = [];
    const iters: Draft[][] = [];
    const enter = (j: Draft) => {
      colour.set(j, 1);
      path.push(j);
      iters.push(ignoreOrder && j === d.anchor ? [] : waitsFor(d, j, jobOf).filter((k) => !(ignoreOrder && k === d.anchor)));
    };
    enter(root);
    while (path.length > 0) {
      const next = iters[iters.length - 1]!.pop();
      if (next === undefined) {
        colour.set(path.pop()!, 2);
        iters.pop();
        continue;
      }
      const c = colour.get(next);
      if (c === 2) continue;
      if (c === 1) {
        breakCycle(d, path.slice(path.indexOf(next)));
        return false;
      }
      enter(next);
    }
  }
  return true;
}

function breakCycle(d: Draftboard, cycle: readonly Draft[]): void {
  // `cycle` starts at the job reached twice and follows "waits for" edges round to it. systemd 252
  // words it from that job: the job it waits for first, then each next one, ending with itself —
  //   c.service: Found ordering cycle on a.service/start
  //   c.service: Found dependency on b.service/start
  //   c.service: Found dependency on c.service/start
  //   c.service: Job a.service/start deleted to break ordering cycle starting with c.service/start
  // (recorded: c After a, a After b, b After c, all wanted) — and deletes the first job of that walk
  // that neither is the anchor nor matters to it.
  const again = cycle[0]!;
  const walk = [...cycle.slice(1), again];
  const name = (j: Draft) => `${j.unit}/${j.type}`;
  walk.forEach((j, i) => d.log.push(`${again.unit}: ${i === 0 ? 'Found ordering cycle on' : 'Found dependency on'} ${name(j)}`));
  const victim = walk.find((j) => j !== d.anchor && !j.matters);
  if (!victim) {
    d.log.push(`${again.unit}: Unable to break cycle starting with ${name(again)}`);
    throw new TransactionError('cyclic', 'Transaction order is cyclic. See system logs for details.');
  }
  d.log.push(`${again.unit}: Job ${name(victim)} deleted to break ordering cycle starting with ${name(again)}`);
  d.delete(victim, 'Transaction order is cyclic. See system logs for details.', 'cyclic');
}
