/**
 * A unit's state changes and their consequences (systemd's unit_notify and the manager's
 * stop-when-unneeded / cannot-be-active-without / start-when-upheld queues).
 *
 * setState() is the one place a unit's state changes: it cancels the unit's state timers and
 * queues the change. Once dispatched, a change
 *   - settles the unit's job: a running job finishes when its unit got where it was going (a
 *     restart's stop half turns into a start), a waiting one is tried again;
 *   - for a change the unit made on its own (a crash, a process that exited), applies the
 *     retroactive atoms (a unit that came up starts what it wants, stops what it conflicts with…);
 *   - requests OnFailure=/OnSuccess= units;
 *   - queues the units to check: StopWhenUnneeded=, BindsTo=, Upholds=.
 * The checks turn into requests only when every other queue is empty (runChecks()), so they see
 * the settled jobs of the event. Nothing here runs a job or a transaction: it only fills queues.
 */
import type { Atom } from '../graph/atoms.js';
import type { JobMode } from '../shared/job-mode.js';
import type { ActiveState, JobType } from './job.js';
import type { EngineObserver, Queues, StateChange } from './queues.js';
import type { Job, RunQueue } from './run-queue.js';
import { isDown, isUp, type Runtime, type UnitTable } from './unit-table.js';
import type { KindContext } from './unit-kind.js';

/** The one place a unit's state changes. */
export function setState(r: Runtime, sub: string, queues: Queues, observer: EngineObserver): void {
  const to = r.kind.states[sub];
  if (to === undefined) throw new Error(`${r.id}: unknown sub-state ${sub} for ${r.kind.type}`);
  for (const t of r.timers ?? []) t.cancel();
  r.timers = undefined;
  const from = r.activeState;
  r.subState = sub;
  r.activeState = to;
  observer.stateChanged?.(r.id, from, to, sub);
  queues.changes.push({ unit: r, from, to });
}

export class StateChanges {
  constructor(
    private readonly table: UnitTable,
    private readonly queues: Queues,
    private readonly jobs: RunQueue,
    private readonly log: (line: string) => void,
    private readonly ctx: KindContext,
  ) {}

  /** Takes in one queued change (see the header). */
  apply({ unit: r, from, to }: StateChange): void {
    const { graph } = this.table;
    const job = r.job;
    let expected = false;
    // Said before the job's "Failed to start …" line, as systemd's unit_log_failure() comes first.
    if (to === 'failed' && from !== 'failed') this.log(`${r.id}: Failed with result '${r.result}'.`);
    if (job && job.state === 'running') expected = this.settleRunningJob(r, job, from, to);
    else if (job && job.state === 'waiting') this.queues.run.add(job);

    if (!expected && from !== to) {
      // The unit moved on its own (a crash, a process that exited): the retroactive atoms apply.
      if (isUp(to) && !isUp(from)) {
        this.requestEach(r.id, 'retroactive-start-replace', 'start', 'replace');
        this.requestEach(r.id, 'retroactive-start-fail', 'start', 'fail');
        this.requestEach(r.id, 'retroactive-stop-on-start', 'stop', 'replace');
      }
      if (isDown(to) && !isDown(from)) this.requestEach(r.id, 'retroactive-stop-on-stop', 'stop', 'replace');
    }
    if (to === 'failed' && from !== 'failed') {
      this.requestEach(r.id, 'on-failure', 'start', r.model.onFailureJobMode);
    }
    if (to === 'inactive' && from !== 'inactive' && from !== 'failed' && r.result === 'success') {
      this.requestEach(r.id, 'on-success', 'start', r.model.onSuccessJobMode);
    }
    if (isDown(to) && !isDown(from)) {
      for (const o of graph.withAtom(r.id, 'add-stop-when-unneeded-queue')) this.queues.unneeded.add(o);
      for (const o of graph.withAtom(r.id, 'add-cannot-be-active-without-queue')) this.queues.bound.add(o);
      if (graph.withAtom(r.id, 'start-steadily').size > 0) this.queues.upheld.add(r.id);
    }
    if (to === 'active' && from !== 'active') {
      if (r.model.stopWhenUnneeded) this.queues.unneeded.add(r.id);
    }
    // The timers, sockets and paths that trigger this unit hear of every change (trigger_notify).
    for (const o of graph.deps(r.id, 'TriggeredBy')) {
      const t = this.table.get(o);
      if (t) t.kind.triggerNotify?.(t, r, this.ctx);
    }
  }

  private requestEach(id: string, atom: Atom, type: JobType, mode: JobMode): void {
    for (const o of this.table.graph.withAtom(id, atom)) this.queues.requests.push({ unit: o, type, mode });
  }

  /** A running job's unit changed state: finish the job if this is where it was going. True if expected. */
  private settleRunningJob(r: Runtime, job: Job, from: ActiveState, to: ActiveState): boolean {
    switch (job.type) {
      case 'start':
      case 'verify-active':
        if (to === 'active' || to === 'reloading') {
          this.jobs.finish(job, 'done');
          return true;
        }
        if (isDown(to)) {
          // A oneshot without RemainAfterExit= ends inactive after a clean run (or at once, with
          // nothing to run): that is success — also by way of deactivating, when processes it
          // left behind had to be stopped first. As systemd's unit_process_job, only 'failed' fails it.
          const ok = job.type === 'start' && to === 'inactive';
          this.jobs.finish(job, ok ? 'done' : job.type === 'verify-active' ? 'skipped' : 'failed');
          return true;
        }
        return true;
      case 'stop':
        if (isDown(to)) this.jobs.finish(job, 'done');
        return true;
      case 'restart':
        if (isDown(to)) this.jobs.continueAsStart(r, job);
        return true;
      case 'reload':
        if (to === 'active') this.jobs.finish(job, r.kind.reloadSucceeded?.(r) === false ? 'failed' : 'done');
        else if (isDown(to)) this.jobs.finish(job, 'failed');
        return true;
      case 'nop':
        return false;
    }
  }

  /** Whether any unit waits to be checked. */
  checksPending(): boolean {
    return this.queues.unneeded.size + this.queues.bound.size + this.queues.upheld.size > 0;
  }

  /** StopWhenUnneeded=, BindsTo=, Upholds= of the queued units, turned into requests. */
  runChecks(): void {
    const { table, queues } = this;
    const { graph } = table;
    const unneeded = [...queues.unneeded];
    const bound = [...queues.bound];
    const upheld = [...queues.upheld];
    queues.unneeded.clear();
    queues.bound.clear();
    queues.upheld.clear();
    for (const id of unneeded) {
      const r = table.get(id);
      if (!r || !r.model.stopWhenUnneeded || r.job || !isUp(r.activeState)) continue;
      const pinned = [...graph.withAtom(id, 'pins-stop-when-unneeded')].some((o) => {
        const or = table.get(o);
        return or !== undefined && (isUp(or.activeState) || (or.job !== undefined && or.job.type !== 'stop'));
      });
      if (!pinned) {
        this.log(`${id}: Unit not needed anymore. Stopping.`);
        queues.requests.push({ unit: id, type: 'stop', mode: 'fail' });
      }
    }
    for (const id of bound) {
      const r = table.get(id);
      if (!r || !isUp(r.activeState) || (r.job && r.job.type === 'stop')) continue;
      const gone = [...graph.withAtom(id, 'cannot-be-active-without')].find((b) => table.isDownWithoutStart(b));
      if (gone) {
        this.log(`${id}: Unit is bound to inactive unit ${gone}. Stopping, too.`);
        queues.requests.push({ unit: id, type: 'stop', mode: 'replace' });
      }
    }
    for (const id of upheld) {
      const r = table.get(id);
      if (!r || r.job || isUp(r.activeState)) continue;
      const by = [...graph.withAtom(id, 'start-steadily')].find((o) => table.get(o)?.activeState === 'active');
      if (by) {
        this.log(`${id}: Unit is upheld by active unit ${by}, restarting it.`);
        queues.requests.push({ unit: id, type: 'start', mode: 'replace' });
      }
    }
  }
}
