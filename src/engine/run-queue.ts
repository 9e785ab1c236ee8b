/**
 * Installed jobs and running them (systemd's job.c: job_install, job_run_and_invalidate,
 * job_finish_and_invalidate).
 *
 * A job is `waiting` until ordering lets it run, then `running` until its unit's state change (see
 * state-changes.ts) or its own verdict finishes it. It exists apart from the engine so that a job's
 * whole life — installed from a plan, merged, run, finished and what its end wakes — reads in one
 * place.
 *
 * Ordering (systemd.unit(5) Before=/After=): a job waits while a unit it is ordered after has any
 * job, unless it is itself a stop (or a restart's stop half), which runs first; and it waits while
 * a unit it is ordered before has a stop or restart job. nop jobs and ignore-order jobs never wait.
 *
 * Invariants: a unit has at most one installed job (Runtime.job); a job is finished exactly once,
 * with one of systemd's JobResult words; a kind's exception fails the job, never the manager; a
 * finished job requeues its neighbours (they may run now) and the checks on its unit.
 */
import type { Atom } from '../graph/atoms.js';
import { type JobResult, type JobState, type QueuedJobType, isStopLike, mergeIntoInstalled } from './job.js';
import type { EngineObserver, Queues } from './queues.js';
import type { System, TimerHandle } from './system.js';
import type { Plan } from './transaction.js';
import type { EngineUnit, KindContext } from './unit-kind.js';
import { isDown, type Runtime, type UnitTable } from './unit-table.js';

export interface Job {
  readonly id: number;
  readonly unit: string;
  type: QueuedJobType;
  state: JobState;
  irreversible: boolean;
  ignoreOrder: boolean;
  /** Set once, when the job finishes. */
  result?: JobResult;
  timer?: TimerHandle;
}

export type ConditionVerdict = 'ok' | 'condition-failed' | 'assert-failed';

export interface RunQueueDeps {
  readonly table: UnitTable;
  readonly queues: Queues;
  readonly observer: EngineObserver;
  readonly ctx: KindContext;
  readonly system: System;
  /** Condition*=/Assert*= of a unit, evaluated when its start job runs. */
  readonly conditions?: (u: EngineUnit) => ConditionVerdict;
  /** Runs an event-loop callback (a job's timeout) so that an exception cannot kill PID 1. */
  readonly guard: (fn: () => void) => void;
  readonly log: (line: string) => void;
}

export class RunQueue {
  private nextJobId = 1;

  constructor(private readonly d: RunQueueDeps) {}

  /** Installs a transaction's plan (cancelling, merging into or adding jobs); returns its anchor job. */
  install(plan: Plan): Job {
    const { table, queues } = this.d;
    for (const line of plan.log) this.d.log(line);
    for (const id of plan.cancel) {
      const j = table.get(id)?.job;
      if (j) this.finish(j, 'canceled');
    }
    let anchor: Job | undefined;
    for (const pj of plan.jobs) {
      const r = table.runtime(pj.unit);
      let job = r.job;
      const merged = job && mergeIntoInstalled(job, pj.type, r.activeState);
      if (job && merged === 'conflict') {
        this.finish(job, 'canceled');
        job = undefined;
      }
      if (job && merged && merged !== 'conflict') {
        // One job does both: it runs anew unless it was running and already covers the new one.
        job.type = merged.type;
        job.state = merged.state;
        job.irreversible ||= pj.irreversible;
      } else {
        job = { id: this.nextJobId++, unit: pj.unit, type: pj.type, state: 'waiting', irreversible: pj.irreversible, ignoreOrder: pj.ignoreOrder };
        r.job = job;
        const timeout = r.model.jobTimeoutMs;
        if (timeout !== undefined) {
          const j = job;
          job.timer = this.d.system.setTimer(timeout, () => this.d.guard(() => this.finish(j, 'timeout')));
        }
        this.d.observer.jobInstalled?.(job);
      }
      queues.run.add(job);
      if (pj.anchor) anchor = job;
    }
    return anchor!;
  }

  /** Tries every queued job once (those ordering holds back are queued again by what they wait for). */
  runQueued(): void {
    const batch = [...this.d.queues.run];
    this.d.queues.run.clear();
    for (const j of batch) this.tryRun(j);
  }

  /** A restart whose stop half is done: the rest of the job is a start, ordered like any start. */
  continueAsStart(r: Runtime, job: Job): void {
    job.type = 'start';
    job.state = 'waiting';
    this.d.queues.run.add(job);
    this.wakeNeighbours(r.id);
  }

  /** Whether ordering lets `job` run now (see the header). */
  private runnable(job: Job): boolean {
    if (job.type === 'nop' || job.ignoreOrder) return true;
    const { graph } = this.d.table;
    for (const o of graph.withAtom(job.unit, 'after')) {
      const other = this.d.table.get(o)?.job;
      if (other && other.type !== 'nop' && !other.ignoreOrder && !isStopLike(job.type)) return false;
    }
    for (const o of graph.withAtom(job.unit, 'before')) {
      const other = this.d.table.get(o)?.job;
      if (other && other.type !== 'nop' && !other.ignoreOrder && isStopLike(other.type)) return false;
    }
    return true;
  }

  private tryRun(job: Job): void {
    const r = this.d.table.get(job.unit);
    if (!r || r.job !== job || job.state !== 'waiting' || !this.runnable(job)) return;
    job.state = 'running';
    this.d.observer.jobStarted?.(job);
    try {
      this.runJob(r, job);
      // systemd says a job begins only when the unit is still on its way once it acted: a simple
      // service that is up at once says "Started" alone, a oneshot "Starting" first.
      const s = r.activeState;
      if (r.job === job && job.state === 'running' && (s === 'activating' || s === 'deactivating' || s === 'reloading')) this.d.observer.jobActing?.(job, s);
    } catch (e) {
      this.d.log(`${r.id}: ${job.type} failed: ${(e as Error).message}`);
      if (r.job === job) this.finish(job, 'failed');
    }
  }

  private runJob(r: Runtime, job: Job): void {
    const s = r.activeState;
    const ctx = this.d.ctx;
    switch (job.type) {
      case 'nop':
        return this.finish(job, 'done');
      case 'verify-active':
        if (s === 'active' || s === 'reloading') return this.finish(job, 'done');
        if (s === 'activating') return; // wait for it
        return this.finish(job, 'skipped');
      case 'start': {
        if (s === 'active' || s === 'reloading') return this.finish(job, 'done');
        if (s === 'activating') return; // already on its way up: its state change finishes us
        if (s === 'deactivating') {
          job.state = 'waiting'; // started again once it is down
          return;
        }
        if (!r.kind.canStart(r.model)) return this.finish(job, 'unsupported');
        const bound = [...this.d.table.graph.withAtom(r.id, 'cannot-be-active-without')].find((b) => this.d.table.isDownWithoutStart(b));
        if (bound) {
          this.d.log(`${r.id}: Bound to unit ${bound}, but unit isn't active.`);
          return this.finish(job, 'dependency');
        }
        const verdict = this.d.conditions?.(r.model) ?? 'ok';
        // The job is done; its message says the condition skipped it (job-status.ts).
        if (verdict === 'condition-failed') return this.finish(job, 'done');
        if (verdict === 'assert-failed') return this.finish(job, 'assert');
        // A kind refuses before any state change (a timer or socket whose unit is not loaded): the job fails, the unit stays.
        if (r.kind.start(r, ctx) === 'failed') return this.finish(job, 'failed');
        return;
      }
      case 'stop':
        if (isDown(s)) return this.finish(job, 'done');
        return r.kind.stop(r, ctx);
      case 'restart':
        if (isDown(s)) return this.continueAsStart(r, job);
        return r.kind.stop(r, ctx, true);
      case 'reload':
        // A reload merged into one under way runs again once that one is over.
        if (s === 'reloading') {
          job.state = 'waiting';
          return;
        }
        if (s !== 'active') return this.finish(job, 'invalid');
        if (!r.kind.reload) return this.finish(job, 'unsupported');
        return r.kind.reload(r, ctx);
    }
  }

  /**
   * Finishes a job and, through a worklist, the jobs its failure fails (result "dependency"):
   * a failed start fails the pending starts of units that need it (Requires=, BindsTo=,
   * Requisite=), a failed stop the pending starts of units that conflict with it.
   */
  finish(first: Job, firstResult: JobResult): void {
    const { table, queues } = this.d;
    const work: [Job, JobResult][] = [[first, firstResult]];
    for (let i = 0; i < work.length; i++) {
      const [job, result] = work[i]!;
      const r = table.get(job.unit)!;
      if (r.job !== job) continue;
      r.job = undefined;
      job.result = result;
      job.timer?.cancel();
      queues.run.delete(job);
      this.d.observer.jobFinished?.(job, result);
      if (result !== 'done') {
        const atom: Atom | undefined = job.type === 'start' || job.type === 'verify-active' ? 'propagate-start-failure' : job.type === 'stop' ? 'propagate-stop-failure' : undefined;
        if (atom) {
          for (const o of table.graph.withAtom(r.id, atom)) {
            const oj = table.get(o)?.job;
            if (oj && (oj.type === 'start' || oj.type === 'verify-active')) work.push([oj, 'dependency']);
          }
        }
      }
      this.wakeNeighbours(r.id);
      if (isDown(r.activeState)) for (const o of table.graph.withAtom(r.id, 'add-stop-when-unneeded-queue')) queues.unneeded.add(o);
      // The job kept the checks off this unit while it ran (job_finish_and_invalidate requeues it):
      // a StopWhenUnneeded= unit started by hand with nobody needing it stops right after.
      queues.unneeded.add(r.id);
      queues.bound.add(r.id);
      queues.upheld.add(r.id);
    }
  }

  /** Jobs ordered against `id`'s may run now that its job finished or changed type. */
  private wakeNeighbours(id: string): void {
    for (const atom of ['after', 'before'] as const) {
      for (const o of this.d.table.graph.withAtom(id, atom)) {
        const oj = this.d.table.get(o)?.job;
        if (oj) this.d.queues.run.add(oj);
      }
    }
  }
}
