/**
 * The manager core: units at run time, installed jobs, and the queues that move them.
 *
 * Requests (svcctl, OnFailure=, retroactive starts/stops, BindsTo=, StopWhenUnneeded=, Upholds=)
 * become transactions (transaction.ts) whose plans are installed as jobs, at most one per unit.
 * Nothing recurses across units: every consequence goes into a queue, and dispatch() drains the
 * queues in a fixed order until all are empty —
 *   1. requests      → transactions → installed jobs (+ the run queue);
 *   2. state changes → finished jobs, failure propagation, OnFailure=/OnSuccess=, retroactive
 *                      requests, units to check for "unneeded" / "bound to an inactive unit";
 *   3. run queue     → jobs whose ordering allows them start to run, in parallel;
 *   4. checks        → StopWhenUnneeded=, BindsTo=, Upholds= turn into requests (back to 1).
 * so the requests of one event settle before any transition runs (dinit's two phases).
 *
 * Ordering (systemd.unit(5) Before=/After=): a job waits while a unit it is ordered after has any
 * job, unless it is itself a stop (or a restart's stop half), which runs first; and it waits while
 * a unit it is ordered before has a stop or restart job. nop jobs and ignore-order jobs never wait.
 *
 * Invariants: a unit has at most one installed job; every change of a unit's state goes through
 * setState(), which cancels the unit's state timers and queues the change; a job is finished exactly
 * once, with one of systemd's JobResult words; hook exceptions are caught and fail the job, never
 * the manager.
 */
import type { Atom } from '../graph/atoms.js';
import { Graph, type GraphUnit } from '../graph/graph.js';
import type { JobMode } from '../shared/job-mode.js';
import { type ActiveState, type JobResult, type JobState, type JobType, type QueuedJobType, isStopLike, mergeIntoInstalled } from './job.js';
import { sliceKind, targetKind } from './kinds/target.js';
import { serviceKind } from './kinds/service/index.js';
import { perpetualKind } from './kinds/perpetual.js';
import { perpetualUnit } from '../unit/perpetual.js';
import { NEVER, type Timestamp } from './api.js';
import { SpawnFailure, type ChildExitEvent, type SignalName, type System, type TimerHandle } from './system.js';
import { type Plan, type Request, TransactionError, buildTransaction } from './transaction.js';
import { DEFAULT_MANAGER_DEFAULTS, type EngineUnit, type KindContext, type ManagerDefaults, type UnitKind, type UnitResult, type UnitRuntime } from './unit-kind.js';

export const DEFAULT_KINDS: readonly UnitKind[] = [serviceKind, targetKind, sliceKind];

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

/** What a run looks like from outside: tests record these, svcd prints them. */
export interface EngineObserver {
  jobInstalled?(job: Readonly<Job>): void;
  jobStarted?(job: Readonly<Job>): void;
  /** A running job whose unit acted and is now on its way (activating, deactivating, reloading). */
  jobActing?(job: Readonly<Job>, state: ActiveState): void;
  jobFinished?(job: Readonly<Job>, result: JobResult): void;
  stateChanged?(unit: string, from: ActiveState, to: ActiveState, subState: string): void;
  /** A unit's message ("Main process exited, …"), with the unit it is about. */
  unitLog?(unit: string, text: string): void;
  /** A process exited that was no unit's main or control process (an orphan svcd reaped). */
  orphanExited?(e: ChildExitEvent): void;
  log?(line: string): void;
}

export type ConditionVerdict = 'ok' | 'condition-failed' | 'assert-failed';

export interface EngineOptions {
  readonly system: System;
  readonly lookup: (name: string) => EngineUnit;
  readonly kinds?: readonly UnitKind[];
  readonly observer?: EngineObserver;
  /** Condition*=/Assert*= of a unit, evaluated when its start job runs. */
  readonly conditions?: (u: EngineUnit) => ConditionVerdict;
  readonly defaults?: ManagerDefaults;
}

interface Runtime extends UnitRuntime {
  subState: string;
  activeState: ActiveState;
  job?: Job;
  timers: Set<TimerHandle>;
}

/** One unit's run-time state across daemon-reexec (plain JSON apart from bigint timestamps). */
export interface SerializedUnit {
  readonly id: string;
  readonly subState: string;
  readonly result: UnitResult;
  readonly mainPid: number;
  readonly execMain: UnitRuntime['execMain'];
  readonly commands: UnitRuntime['commands'];
  readonly nRestarts: number;
  readonly statusText: string;
  readonly statusErrno: number;
  readonly invocationId: string;
  readonly kind?: unknown;
}

interface StateChange {
  readonly unit: Runtime;
  readonly from: ActiveState;
  readonly to: ActiveState;
}

const isUp = (s: ActiveState) => s === 'active' || s === 'reloading' || s === 'activating';
const isDown = (s: ActiveState) => s === 'inactive' || s === 'failed';

export class Engine {
  graph: Graph;
  private readonly models = new Map<string, EngineUnit>();
  private readonly runtimes = new Map<string, Runtime>();
  private readonly kinds = new Map<string, UnitKind>();
  /** The units whose main or control process each pid is (child exits, notify messages), kept by trackPids(). */
  private readonly pidOwners = new Map<number, Runtime[]>();
  private readonly system: System;
  private readonly observer: EngineObserver;
  private nextJobId = 1;
  private readonly ctx: KindContext;

  // The queues, drained by dispatch() in this order.
  private requests: Request[] = [];
  private changes: StateChange[] = [];
  private runQueue = new Set<Job>();
  private unneededQueue = new Set<string>();
  private boundQueue = new Set<string>();
  private upheldQueue = new Set<string>();
  private dispatching = false;
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly opts: EngineOptions) {
    this.system = opts.system;
    this.observer = opts.observer ?? {};
    for (const k of opts.kinds ?? DEFAULT_KINDS) this.kinds.set(k.type, k);
    this.graph = new Graph((name) => {
      const u = opts.lookup(name);
      this.models.set(u.id, u);
      return u;
    });
    this.ctx = {
      defaults: opts.defaults ?? DEFAULT_MANAGER_DEFAULTS,
      now: () => this.system.now(),
      setState: (u, sub) => this.setState(u as Runtime, sub),
      stateTimer: (u, ms, fn) => this.stateTimer(u as Runtime, ms, fn),
      spawn: (u, cmd, o) => {
        try {
          return this.system.spawn({
            unit: u.id, argv: cmd.argv, role: o.role, command: cmd.source, source: u.model.source,
            privileged: o.privileged, extraEnv: o.extraEnv, invocationId: u.invocationId,
          });
        } catch (e) {
          const status = e instanceof SpawnFailure ? e.status : 203;
          return { failed: true, status, message: (e as Error).message };
        }
      },
      kill: (_u, pid, signal: SignalName | number) => this.system.kill(pid, signal),
      processes: (u, known, fresh) => this.system.unitProcesses(u.id, known, fresh),
      strayProcesses: () => this.system.strayProcesses(),
      readPidFile: (path) => this.system.readPidFile(path),
      releaseRuntime: (u) => this.system.releaseRuntime(u.id),
      requestJob: (u, type, mode) => {
        this.requests.push({ unit: u.id, type, mode });
      },
      timestamp: () => this.timestamp(),
      log: (u, text) => {
        if (this.observer.unitLog) this.observer.unitLog(u.id, text);
        else this.log(`${u.id}: ${text}`);
      },
    };
    this.system.onChildExit((e) => this.guard(() => this.childExit(e)));
    this.system.onNotify((pid, msg) => this.guard(() => this.notify(pid, msg)));
  }

  // ---- public surface -------------------------------------------------------------------------

  /**
   * Queues a request and settles it: returns the anchor job, or the TransactionError that refused
   * it (nothing changes then).
   */
  request(req: Request): Job | TransactionError {
    let plan: Plan;
    try {
      plan = buildTransaction(this.transactionEnv(), req);
    } catch (e) {
      if (e instanceof TransactionError) {
        this.log(`Requested transaction for ${req.unit}/${req.type} failed: ${e.message}`);
        return e;
      }
      throw e;
    }
    const anchor = this.apply(plan);
    this.dispatch();
    return anchor;
  }

  /**
   * Several requests installed together before any job runs, so their jobs order against each
   * other (a shutdown's stop of every unit). Requests that fail are logged and skipped.
   */
  requestAll(reqs: readonly Request[]): void {
    for (const req of reqs) {
      const r = this.buildAndApply(req);
      if (r instanceof TransactionError) this.log(`Requested transaction for ${req.unit}/${req.type} failed: ${r.message}`);
    }
    this.dispatch();
  }

  start(unit: string, mode: JobMode = 'replace'): Job | TransactionError {
    return this.request({ unit, type: 'start', mode, manual: true });
  }

  stop(unit: string, mode: JobMode = 'replace'): Job | TransactionError {
    return this.request({ unit, type: 'stop', mode, manual: true });
  }

  isolate(unit: string): Job | TransactionError {
    return this.request({ unit, type: 'start', mode: 'isolate', manual: true });
  }

  unit(name: string): Readonly<UnitRuntime> & { readonly job?: Readonly<Job> } {
    return this.runtime(this.graph.resolve(name));
  }

  /**
   * The job a client's verb asks for: reload-or-restart and try-reload-or-restart reload a unit
   * that can reload and restart one that cannot (bus_unit_method_start_generic's reload_if_possible).
   */
  jobTypeFor(name: string, type: JobType | 'reload-or-restart' | 'try-reload-or-restart'): JobType {
    if (type !== 'reload-or-restart' && type !== 'try-reload-or-restart') return type;
    const r = this.runtime(this.graph.resolve(name));
    const canReload = r.kind.canReload(r.model);
    if (type === 'reload-or-restart') return canReload ? 'reload-or-start' : 'restart';
    return canReload ? 'try-reload' : 'try-restart';
  }

  activeState(name: string): ActiveState {
    const id = this.graph.resolve(name);
    return this.runtimes.get(id)?.activeState ?? 'inactive';
  }

  jobs(): Readonly<Job>[] {
    const out: Job[] = [];
    for (const r of this.runtimes.values()) if (r.job) out.push(r.job);
    return out;
  }

  /** Every unit with run-time state. */
  units(): IterableIterator<Readonly<UnitRuntime> & { readonly job?: Readonly<Job> }> {
    return this.runtimes.values();
  }

  /**
   * Garbage collection (systemd's unit_gc_sweep, CollectMode=): forget the run-time state of an
   * inactive unit without a job, so it shows as freshly loaded. False when it must stay.
   */
  /**
   * daemon-reexec: every unit's run-time state, for the next svcd to take over (systemd's
   * manager_serialize). Only a settled manager can be carried over: a string says why not now.
   */
  serialize(): SerializedUnit[] | string {
    const out: SerializedUnit[] = [];
    for (const r of this.runtimes.values()) {
      if (r.job) return `${r.id} has a ${r.job.type} job queued`;
      if (r.activeState !== 'active' && r.activeState !== 'inactive' && r.activeState !== 'failed') return `${r.id} is ${r.activeState}`;
      if (r.controlPid > 0) return `${r.id} runs a control process`;
      out.push({
        id: r.id, subState: r.subState, result: r.result, mainPid: r.mainPid, execMain: r.execMain, commands: r.commands,
        nRestarts: r.nRestarts, statusText: r.statusText, statusErrno: r.statusErrno, invocationId: r.invocationId,
        kind: r.kind.serialize?.(r),
      });
    }
    return out;
  }

  /** The other half: units come back in their sub-states, with their processes, before any event. */
  restore(saved: readonly SerializedUnit[]): void {
    for (const s of saved) {
      const r = this.runtime(this.graph.resolve(s.id));
      const active = r.kind.states[s.subState];
      if (active === undefined) {
        this.log(`${s.id}: cannot restore unknown state ${s.subState}, leaving it ${r.subState}.`);
        continue;
      }
      r.subState = s.subState;
      r.activeState = active;
      Object.assign(r, { result: s.result, mainPid: s.mainPid, execMain: s.execMain, commands: s.commands, nRestarts: s.nRestarts, statusText: s.statusText, statusErrno: s.statusErrno, invocationId: s.invocationId });
      if (s.kind !== undefined) r.kind.deserialize?.(r, s.kind);
      if (s.invocationId) this.system.adoptInvocation(r.id, s.invocationId);
    }
  }

  collect(id: string): boolean {
    const r = this.runtimes.get(id);
    if (!r || r.job || (r.activeState !== 'inactive' && !(r.activeState === 'failed' && r.model.collectMode === 'inactive-or-failed'))) return false;
    for (const t of r.timers) t.cancel();
    r.mainPid = 0;
    r.controlPid = 0;
    this.runtimes.delete(id);
    return true;
  }

  /** Cancels an installed job (systemctl cancel); false when there is none with that id. */
  cancelJob(id: number): boolean {
    for (const r of this.runtimes.values()) {
      if (r.job?.id === id) {
        this.finish(r.job, 'canceled');
        this.dispatch();
        return true;
      }
    }
    return false;
  }

  /** reset-failed: a failed unit forgets its failure and becomes inactive. */
  resetFailed(id: string): void {
    const r = this.runtimes.get(id);
    if (!r) return;
    if (r.kind.resetFailed) r.kind.resetFailed(r, this.ctx);
    else if (r.activeState === 'failed') this.setState(r, r.kind.initialState);
    r.result = 'success';
    this.dispatch();
  }

  /**
   * daemon-reload: a new graph from freshly loaded models; units keep their run-time state (their
   * processes, sub-states and jobs), only what they are made of changes.
   */
  reload(lookup: (name: string) => EngineUnit): void {
    this.models.clear();
    this.graph = new Graph((name) => {
      const u = lookup(name);
      this.models.set(u.id, u);
      return u;
    });
    this.graph.load([...this.runtimes.keys()]);
    for (const r of this.runtimes.values()) {
      const m = this.models.get(r.id);
      if (m) (r as { model: EngineUnit }).model = m;
    }
    this.dispatch();
  }

  /** Resolves once no job is installed. */
  whenIdle(): Promise<void> {
    if (this.jobs().length === 0) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }

  // ---- transactions ---------------------------------------------------------------------------

  private transactionEnv() {
    return {
      graph: this.graph,
      activeState: (id: string) => this.runtimes.get(id)?.activeState ?? 'inactive',
      installedJob: (id: string) => this.runtimes.get(id)?.job,
      canStart: (u: GraphUnit) => this.kindOf(u)?.canStart(this.models.get(u.id)!) ?? false,
      canReload: (u: GraphUnit) => this.kindOf(u)?.canReload(this.models.get(u.id)!) ?? false,
      knownUnits: () => this.runtimes.keys(),
    };
  }

  private kindOf(u: GraphUnit): UnitKind | undefined {
    return this.models.has(u.id) ? this.kinds.get(u.type) : undefined;
  }

  private apply(plan: Plan): Job {
    for (const line of plan.log) this.log(line);
    for (const id of plan.cancel) {
      const j = this.runtimes.get(id)?.job;
      if (j) this.finish(j, 'canceled');
    }
    let anchor: Job | undefined;
    for (const pj of plan.jobs) {
      const r = this.runtime(pj.unit);
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
          job.timer = this.system.setTimer(timeout, () => this.guard(() => this.finish(j, 'timeout')));
        }
        this.observer.jobInstalled?.(job);
      }
      this.runQueue.add(job);
      if (pj.anchor) anchor = job;
    }
    return anchor!;
  }

  // ---- dispatch -------------------------------------------------------------------------------

  private dispatch(): void {
    if (this.dispatching) return;
    this.dispatching = true;
    try {
      for (;;) {
        const req = this.requests.shift();
        if (req) {
          const r = this.buildAndApply(req);
          if (r instanceof TransactionError) this.log(`Failed to enqueue ${req.type} job for ${req.unit}: ${r.message}`);
          continue;
        }
        const change = this.changes.shift();
        if (change) {
          this.onStateChange(change);
          continue;
        }
        if (this.runQueue.size > 0) {
          const batch = [...this.runQueue];
          this.runQueue.clear();
          for (const j of batch) this.tryRun(j);
          continue;
        }
        if (this.unneededQueue.size + this.boundQueue.size + this.upheldQueue.size > 0) {
          this.runChecks();
          continue;
        }
        break;
      }
    } finally {
      this.dispatching = false;
    }
    if (this.jobs().length === 0 && this.idleWaiters.length > 0) {
      const w = this.idleWaiters;
      this.idleWaiters = [];
      for (const f of w) f();
    }
  }

  private buildAndApply(req: Request): Job | TransactionError {
    try {
      return this.apply(buildTransaction(this.transactionEnv(), req));
    } catch (e) {
      if (e instanceof TransactionError) return e;
      throw e;
    }
  }

  /** Every entry from the event loop goes through here: PID 1 must not die of an exception. */
  private guard(fn: () => void): void {
    try {
      fn();
    } catch (e) {
      this.log(`internal error: ${(e as Error).stack ?? String(e)}`);
    }
    this.dispatch();
  }

  private log(line: string): void {
    this.observer.log?.(line);
  }

  // ---- units and their state ------------------------------------------------------------------

  private runtime(id: string): Runtime {
    let r = this.runtimes.get(id);
    if (r) return r;
    const model = this.models.get(id) ?? (this.graph.resolve(id), this.models.get(id)!);
    // A perpetual unit is born active, in the state systemd gives it, and stays there.
    const perpetual = model.perpetual ? perpetualUnit(id) : undefined;
    const kind = this.kinds.get(model.type) ?? (perpetual ? perpetualKind(model.type, perpetual.subState) : UNSUPPORTED);
    const subState = perpetual && kind.states[perpetual.subState] !== undefined ? perpetual.subState : kind.initialState;
    r = {
      id, model, kind, subState, activeState: kind.states[subState] ?? 'inactive',
      result: 'success', mainPid: 0, controlPid: 0, state: kind.newState(), timers: new Set(),
      execMain: { pid: 0, start: NEVER, exit: NEVER, code: 0, status: 0 }, commands: {}, nRestarts: 0,
      statusText: '', statusErrno: 0, invocationId: '',
    };
    this.trackPids(r);
    this.runtimes.set(id, r);
    return r;
  }

  /**
   * Whoever sets a unit's mainPid or controlPid (its kind, restore()) keeps pidOwners right: the
   * fields become accessors that file the unit under its pids, so an exit or a notify message
   * finds its unit without a look at every unit.
   */
  private trackPids(r: Runtime): void {
    const pids = { mainPid: 0, controlPid: 0 };
    for (const field of ['mainPid', 'controlPid'] as const) {
      const other = field === 'mainPid' ? 'controlPid' : 'mainPid';
      Object.defineProperty(r, field, {
        enumerable: true,
        get: () => pids[field],
        set: (pid: number) => {
          const old = pids[field];
          if (pid === old) return;
          pids[field] = pid;
          if (old > 0 && pids[other] !== old) {
            const rest = (this.pidOwners.get(old) ?? []).filter((o) => o !== r);
            if (rest.length > 0) this.pidOwners.set(old, rest);
            else this.pidOwners.delete(old);
          }
          if (pid > 0 && pids[other] !== pid) this.pidOwners.set(pid, [...(this.pidOwners.get(pid) ?? []), r]);
        },
      });
    }
  }

  /** The unit whose main or control process `pid` is (the first to claim it, should two). */
  private ownerOf(pid: number): Runtime | undefined {
    return pid > 0 ? this.pidOwners.get(pid)?.[0] : undefined;
  }

  /** The one place a unit's state changes. */
  private setState(r: Runtime, sub: string): void {
    const to = r.kind.states[sub];
    if (to === undefined) throw new Error(`${r.id}: unknown sub-state ${sub} for ${r.kind.type}`);
    for (const t of r.timers) t.cancel();
    r.timers.clear();
    const from = r.activeState;
    r.subState = sub;
    r.activeState = to;
    this.observer.stateChanged?.(r.id, from, to, sub);
    this.changes.push({ unit: r, from, to });
  }

  private stateTimer(r: Runtime, ms: number, fn: () => void): TimerHandle {
    const h = this.system.setTimer(ms, () => {
      r.timers.delete(h);
      this.guard(fn);
    });
    r.timers.add(h);
    return h;
  }

  private onStateChange({ unit: r, from, to }: StateChange): void {
    const job = r.job;
    let expected = false;
    if (job && job.state === 'running') expected = this.settleRunningJob(r, job, from, to);
    else if (job && job.state === 'waiting') this.runQueue.add(job);

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
      this.log(`${r.id}: Failed with result '${r.result}'.`);
      this.requestEach(r.id, 'on-failure', 'start', r.model.onFailureJobMode);
    }
    if (to === 'inactive' && from !== 'inactive' && from !== 'failed' && r.result === 'success') {
      this.requestEach(r.id, 'on-success', 'start', r.model.onSuccessJobMode);
    }
    if (isDown(to) && !isDown(from)) {
      for (const o of this.graph.withAtom(r.id, 'add-stop-when-unneeded-queue')) this.unneededQueue.add(o);
      for (const o of this.graph.withAtom(r.id, 'add-cannot-be-active-without-queue')) this.boundQueue.add(o);
      if (this.graph.withAtom(r.id, 'start-steadily').size > 0) this.upheldQueue.add(r.id);
    }
    if (to === 'active' && from !== 'active') {
      if (r.model.stopWhenUnneeded) this.unneededQueue.add(r.id);
    }
  }

  private requestEach(id: string, atom: Atom, type: JobType, mode: JobMode): void {
    for (const o of this.graph.withAtom(id, atom)) this.requests.push({ unit: o, type, mode });
  }

  /** A running job's unit changed state: finish the job if this is where it was going. True if expected. */
  private settleRunningJob(r: Runtime, job: Job, from: ActiveState, to: ActiveState): boolean {
    switch (job.type) {
      case 'start':
      case 'verify-active':
        if (to === 'active' || to === 'reloading') {
          this.finish(job, 'done');
          return true;
        }
        if (isDown(to)) {
          // A oneshot without RemainAfterExit= ends inactive after a clean run (or at once, with
          // nothing to run): that is success.
          const ok = job.type === 'start' && to === 'inactive' && (from === 'activating' || from === 'inactive') && r.result === 'success';
          this.finish(job, ok ? 'done' : job.type === 'verify-active' ? 'skipped' : 'failed');
          return true;
        }
        return true;
      case 'stop':
        if (isDown(to)) this.finish(job, 'done');
        return true;
      case 'restart':
        if (isDown(to)) {
          // The stop half is done: the rest of the job is a start, ordered like any start.
          job.type = 'start';
          job.state = 'waiting';
          this.runQueue.add(job);
          this.wakeNeighbours(r.id);
        }
        return true;
      case 'reload':
        if (to === 'active') this.finish(job, r.kind.reloadSucceeded?.(r) === false ? 'failed' : 'done');
        else if (isDown(to)) this.finish(job, 'failed');
        return true;
      case 'nop':
        return false;
    }
  }

  // ---- running jobs ---------------------------------------------------------------------------

  /** Whether ordering lets `job` run now (see the header). */
  private runnable(job: Job): boolean {
    if (job.type === 'nop' || job.ignoreOrder) return true;
    for (const o of this.graph.withAtom(job.unit, 'after')) {
      const other = this.runtimes.get(o)?.job;
      if (other && other.type !== 'nop' && !other.ignoreOrder && !isStopLike(job.type)) return false;
    }
    for (const o of this.graph.withAtom(job.unit, 'before')) {
      const other = this.runtimes.get(o)?.job;
      if (other && other.type !== 'nop' && !other.ignoreOrder && isStopLike(other.type)) return false;
    }
    return true;
  }

  private tryRun(job: Job): void {
    const r = this.runtimes.get(job.unit);
    if (!r || r.job !== job || job.state !== 'waiting' || !this.runnable(job)) return;
    job.state = 'running';
    this.observer.jobStarted?.(job);
    try {
      this.runJob(r, job);
      // systemd says a job begins only when the unit is still on its way once it acted: a simple
      // service that is up at once says "Started" alone, a oneshot "Starting" first.
      const s = r.activeState;
      if (r.job === job && job.state === 'running' && (s === 'activating' || s === 'deactivating' || s === 'reloading')) this.observer.jobActing?.(job, s);
    } catch (e) {
      this.log(`${r.id}: ${job.type} failed: ${(e as Error).message}`);
      if (r.job === job) this.finish(job, 'failed');
    }
  }

  private runJob(r: Runtime, job: Job): void {
    const s = r.activeState;
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
        const bound = [...this.graph.withAtom(r.id, 'cannot-be-active-without')].find((b) => this.isDownWithoutStart(b));
        if (bound) {
          this.log(`${r.id}: Bound to unit ${bound}, but unit isn't active.`);
          return this.finish(job, 'dependency');
        }
        const verdict = this.opts.conditions?.(r.model) ?? 'ok';
        // The job is done; its message says the condition skipped it (job-status.ts).
        if (verdict === 'condition-failed') return this.finish(job, 'done');
        if (verdict === 'assert-failed') return this.finish(job, 'assert');
        return r.kind.start(r, this.ctx);
      }
      case 'stop':
        if (isDown(s)) return this.finish(job, 'done');
        return r.kind.stop(r, this.ctx);
      case 'restart':
        if (isDown(s)) {
          job.type = 'start';
          job.state = 'waiting';
          this.runQueue.add(job);
          this.wakeNeighbours(r.id);
          return;
        }
        return r.kind.stop(r, this.ctx, true);
      case 'reload':
        // A reload merged into one under way runs again once that one is over.
        if (s === 'reloading') {
          job.state = 'waiting';
          return;
        }
        if (s !== 'active') return this.finish(job, 'invalid');
        if (!r.kind.reload) return this.finish(job, 'unsupported');
        return r.kind.reload(r, this.ctx);
    }
  }

  private isDownWithoutStart(id: string): boolean {
    const o = this.runtimes.get(id);
    const s = o?.activeState ?? 'inactive';
    const j = o?.job;
    return isDown(s) && !(j && (j.type === 'start' || j.type === 'restart'));
  }

  /**
   * Finishes a job and, through a worklist, the jobs its failure fails (result "dependency"):
   * a failed start fails the pending starts of units that need it (Requires=, BindsTo=,
   * Requisite=), a failed stop the pending starts of units that conflict with it.
   */
  private finish(first: Job, firstResult: JobResult): void {
    const work: [Job, JobResult][] = [[first, firstResult]];
    for (let i = 0; i < work.length; i++) {
      const [job, result] = work[i]!;
      const r = this.runtimes.get(job.unit)!;
      if (r.job !== job) continue;
      r.job = undefined;
      job.result = result;
      job.timer?.cancel();
      this.runQueue.delete(job);
      this.observer.jobFinished?.(job, result);
      if (result !== 'done') {
        const atom: Atom | undefined = job.type === 'start' || job.type === 'verify-active' ? 'propagate-start-failure' : job.type === 'stop' ? 'propagate-stop-failure' : undefined;
        if (atom) {
          for (const o of this.graph.withAtom(r.id, atom)) {
            const oj = this.runtimes.get(o)?.job;
            if (oj && (oj.type === 'start' || oj.type === 'verify-active')) work.push([oj, 'dependency']);
          }
        }
      }
      this.wakeNeighbours(r.id);
      if (isDown(r.activeState)) for (const o of this.graph.withAtom(r.id, 'add-stop-when-unneeded-queue')) this.unneededQueue.add(o);
      // The job kept the checks off this unit while it ran (job_finish_and_invalidate requeues it):
      // a StopWhenUnneeded= unit started by hand with nobody needing it stops right after.
      this.unneededQueue.add(r.id);
      this.boundQueue.add(r.id);
      this.upheldQueue.add(r.id);
    }
  }

  /** Jobs ordered against `id`'s may run now that its job finished or changed type. */
  private wakeNeighbours(id: string): void {
    for (const atom of ['after', 'before'] as const) {
      for (const o of this.graph.withAtom(id, atom)) {
        const oj = this.runtimes.get(o)?.job;
        if (oj) this.runQueue.add(oj);
      }
    }
  }

  // ---- checks that turn into requests ---------------------------------------------------------

  private runChecks(): void {
    const unneeded = [...this.unneededQueue];
    const bound = [...this.boundQueue];
    const upheld = [...this.upheldQueue];
    this.unneededQueue.clear();
    this.boundQueue.clear();
    this.upheldQueue.clear();
    for (const id of unneeded) {
      const r = this.runtimes.get(id);
      if (!r || !r.model.stopWhenUnneeded || r.job || !isUp(r.activeState)) continue;
      const pinned = [...this.graph.withAtom(id, 'pins-stop-when-unneeded')].some((o) => {
        const or = this.runtimes.get(o);
        return or !== undefined && (isUp(or.activeState) || (or.job !== undefined && or.job.type !== 'stop'));
      });
      if (!pinned) {
        this.log(`${id}: Unit not needed anymore. Stopping.`);
        this.requests.push({ unit: id, type: 'stop', mode: 'fail' });
      }
    }
    for (const id of bound) {
      const r = this.runtimes.get(id);
      if (!r || !isUp(r.activeState) || (r.job && r.job.type === 'stop')) continue;
      const gone = [...this.graph.withAtom(id, 'cannot-be-active-without')].find((b) => this.isDownWithoutStart(b));
      if (gone) {
        this.log(`${id}: Unit is bound to inactive unit ${gone}. Stopping, too.`);
        this.requests.push({ unit: id, type: 'stop', mode: 'replace' });
      }
    }
    for (const id of upheld) {
      const r = this.runtimes.get(id);
      if (!r || r.job || isUp(r.activeState)) continue;
      const by = [...this.graph.withAtom(id, 'start-steadily')].find((o) => this.runtimes.get(o)?.activeState === 'active');
      if (by) {
        this.log(`${id}: Unit is upheld by active unit ${by}, restarting it.`);
        this.requests.push({ unit: id, type: 'start', mode: 'replace' });
      }
    }
  }

  // ---- events from the system -----------------------------------------------------------------

  private childExit(e: ChildExitEvent): void {
    const r = this.ownerOf(e.pid);
    if (r) r.kind.childExit?.(r, e, this.ctx);
    else this.observer.orphanExited?.(e);
  }

  /** Now, as systemd timestamps things: wall clock and monotonic, in µs. */
  timestamp(): Timestamp {
    const mono = BigInt(Math.round(this.system.now() * 1000));
    return { realtimeUs: this.system.realtimeUs(), monotonicUs: mono };
  }

  private notify(pid: number, message: string): void {
    const r = this.ownerOf(pid);
    r?.kind.notify?.(r, pid, message, this.ctx);
  }
}

/** Types with no kind yet (socket, mount, …): they load and show, but cannot be started. */
const UNSUPPORTED: UnitKind = {
  type: 'scope',
  states: { dead: 'inactive' },
  initialState: 'dead',
  newState: () => undefined,
  canStart: () => false,
  canReload: () => false,
  start() {},
  stop() {},
};

export type { UnitResult };
