/**
 * The manager core: the public surface over units at run time and their jobs, and the loop that
 * drains the queues.
 *
 * Requests (svcctl, OnFailure=, retroactive starts/stops, BindsTo=, StopWhenUnneeded=, Upholds=)
 * become transactions (transaction.ts) whose plans are installed as jobs, at most one per unit.
 * Nothing recurses across units: every consequence goes into a queue (queues.ts), and dispatch()
 * drains the queues in a fixed order until all are empty —
 *   1. requests      → transactions → installed jobs (+ the run queue);
 *   2. state changes → finished jobs, failure propagation, OnFailure=/OnSuccess=, retroactive
 *                      requests, units to check for "unneeded" / "bound to an inactive unit";
 *   3. run queue     → jobs whose ordering allows them start to run, in parallel;
 *   4. checks        → StopWhenUnneeded=, BindsTo=, Upholds= turn into requests (back to 1).
 * so the requests of one event settle before any transition runs (dinit's two phases).
 *
 * The parts, one job each:
 *   unit-table.ts     the graph of models, one Runtime per unit, the pid → unit map;
 *   run-queue.ts      installing, running and finishing jobs, with Before=/After= ordering (job.c);
 *   state-changes.ts  setState() and what a change entails (unit_notify), the unneeded/bound/upheld checks;
 *   kind-context.ts   what a unit kind may do (its KindContext);
 *   serialize.ts      daemon-reexec's carrying over of run-time state.
 * This file wires them, turns the system's events (child exits, notify messages) into kind hooks
 * through the pid → unit map, and is the one entry from outside: every call and every event ends
 * in dispatch(), and every event from the loop runs guarded — PID 1 must not die of an exception.
 */
import type { Graph, GraphUnit } from '../graph/graph.js';
import type { JobMode } from '../shared/job-mode.js';
import type { Timestamp } from './api.js';
import type { ActiveState, JobType } from './job.js';
import { serviceKind } from './kinds/service/index.js';
import { targetKind } from './kinds/target.js';
import { sliceKind } from './kinds/slice.js';
import { timerKind } from './kinds/timer/index.js';
import { pathKind } from './kinds/path/index.js';
import { socketKind } from './kinds/socket/index.js';
import { kindContext, timestamp } from './kind-context.js';
import { type EngineObserver, newQueues, type Queues } from './queues.js';
import { type ConditionVerdict, type Job, RunQueue } from './run-queue.js';
import { restoreUnits, type SerializedUnit, serializeUnits } from './serialize.js';
import { setState, StateChanges } from './state-changes.js';
import type { ActivationFd, ChildExitEvent, Connection, System } from './system.js';
import { type Plan, type Request, TransactionError, buildTransaction } from './transaction.js';
import { DEFAULT_MANAGER_DEFAULTS, type EngineUnit, type KindContext, type ManagerDefaults, type NotifySender, type UnitKind, type UnitResult, type UnitRuntime } from './unit-kind.js';
import { UnitTable } from './unit-table.js';
import { collectable } from './unit-gc.js';

export type { ConditionVerdict, EngineObserver, Job, SerializedUnit, UnitResult };

export const DEFAULT_KINDS: readonly UnitKind[] = [serviceKind, targetKind, sliceKind, timerKind, pathKind, socketKind];

export interface EngineOptions {
  readonly system: System;
  readonly lookup: (name: string) => EngineUnit;
  readonly kinds?: readonly UnitKind[];
  readonly observer?: EngineObserver;
  /** Condition*=/Assert*= of a unit, evaluated when its start job runs. */
  readonly conditions?: (u: EngineUnit) => ConditionVerdict;
  readonly defaults?: ManagerDefaults;
}

export class Engine {
  private readonly table: UnitTable;
  private readonly system: System;
  private readonly observer: EngineObserver;
  private readonly queues: Queues = newQueues();
  private readonly ctx: KindContext;
  private readonly jobQueue: RunQueue;
  private readonly changes: StateChanges;
  private dispatching = false;
  private idleWaiters: (() => void)[] = [];

  constructor(opts: EngineOptions) {
    this.system = opts.system;
    this.observer = opts.observer ?? {};
    this.table = new UnitTable(opts.lookup, opts.kinds ?? DEFAULT_KINDS, (id) => this.observer.unitNew?.(id));
    const guard = (fn: () => void) => this.guard(fn);
    const log = (line: string) => this.log(line);
    this.ctx = kindContext({
      system: this.system, defaults: opts.defaults ?? DEFAULT_MANAGER_DEFAULTS, queues: this.queues, observer: this.observer, guard, log,
      ownerOf: (pid) => this.table.ownerOf(pid)?.id,
      activationFds: (id) => this.activationFds(id),
      startConnection: (socket, instance, conn) => this.startConnection(socket, instance, conn),
      adoptConnection: (socket, instance) => this.adoptConnection(socket, instance),
      unitLoaded: (name) => this.table.graph.unit(this.table.graph.resolve(name))?.loadState === 'loaded',
      triggered: (u) => this.triggered(u.id),
    });
    this.jobQueue = new RunQueue({
      table: this.table, queues: this.queues, observer: this.observer, ctx: this.ctx, system: this.system, conditions: opts.conditions, guard, log,
    });
    this.changes = new StateChanges(this.table, this.queues, this.jobQueue, log, this.ctx);
    this.system.onChildExit((e) => this.guard(() => this.childExit(e)));
    this.system.onNotify((pid, msg, uid, fds) => this.guard(() => this.notify({ pid, uid, fds }, msg)));
  }

  /** The dependency graph of the loaded units (replaced by reload()). */
  get graph(): Graph {
    return this.table.graph;
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
    const anchor = this.jobQueue.install(plan);
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
    return this.table.runtime(this.graph.resolve(name));
  }

  /**
   * The job a client's verb asks for: reload-or-restart and try-reload-or-restart reload a unit
   * that can reload and restart one that cannot (bus_unit_method_start_generic's reload_if_possible).
   */
  jobTypeFor(name: string, type: JobType | 'reload-or-restart' | 'try-reload-or-restart'): JobType {
    if (type !== 'reload-or-restart' && type !== 'try-reload-or-restart') return type;
    const r = this.table.runtime(this.graph.resolve(name));
    const canReload = r.kind.canReload(r.model);
    if (type === 'reload-or-restart') return canReload ? 'reload-or-start' : 'restart';
    return canReload ? 'try-reload' : 'try-restart';
  }

  activeState(name: string): ActiveState {
    return this.table.activeState(this.graph.resolve(name));
  }

  jobs(): Readonly<Job>[] {
    const out: Job[] = [];
    for (const r of this.table.values()) if (r.job) out.push(r.job);
    return out;
  }

  /** Every unit with run-time state. */
  units(): IterableIterator<Readonly<UnitRuntime> & { readonly job?: Readonly<Job> }> {
    return this.table.values();
  }

  /** A unit's state to read, for a unit the graph loaded and nothing ran yet its initial one, kept nowhere. */
  peek(id: string): Readonly<UnitRuntime> & { readonly job?: Readonly<Job> } {
    return this.table.peek(id);
  }

  /**
   * daemon-reexec: every unit's run-time state, for the next svcd to take over (systemd's
   * manager_serialize). Only a settled manager can be carried over: a string says why not now.
   */
  serialize(): SerializedUnit[] | string {
    return serializeUnits(this.table);
  }

  /**
   * The other half: units come back in their sub-states, with their processes, before any event.
   * What coldplug asks for (a timer whose elapse passed while svcd re-executed starts its unit) is
   * queued, and runs at resume(), once the manager has its own state (environment) back.
   */
  restore(saved: readonly SerializedUnit[]): void {
    restoreUnits(this.table, saved, this.system, (line) => this.log(line));
    for (const r of this.table.values()) r.kind.coldplug?.(r, this.ctx);
  }

  /** Runs what restore() queued: nothing else would until the next event, which may never come. */
  resume(): void {
    this.dispatch();
  }

  /**
   * Garbage collection (systemd's unit_gc_sweep, CollectMode=): forget the run-time state of an
   * inactive unit without a job, so it shows as freshly loaded. False when it must stay; true as
   * well for a unit that never ran (a name looked up, a start refused), which has nothing to forget.
   */
  collect(id: string): boolean {
    const r = this.table.get(id);
    // A name that never loaded and that nothing refers to leaves the graph too, so looked-up names do not pile up.
    if (!r) return this.table.unload(id), true;
    if (!collectable(r)) return false;
    this.table.forget(r);
    this.table.unload(id);
    this.observer.unitRemoved?.(id);
    return true;
  }

  /** Whether the unit's own state would let collect() forget it (unit-gc.ts); a unit with no run-time state would. */
  collectable(id: string): boolean {
    const r = this.table.get(id);
    return !r || collectable(r);
  }

  /** Cancels an installed job (systemctl cancel); false when there is none with that id. */
  cancelJob(id: number): boolean {
    for (const r of this.table.values()) {
      if (r.job?.id === id) {
        this.jobQueue.finish(r.job, 'canceled');
        this.dispatch();
        return true;
      }
    }
    return false;
  }

  /** reset-failed: a failed unit forgets its failure and becomes inactive. */
  resetFailed(id: string): void {
    const r = this.table.get(id);
    if (!r) return;
    if (r.kind.resetFailed) r.kind.resetFailed(r, this.ctx);
    else if (r.activeState === 'failed') setState(r, r.kind.initialState, this.queues, this.observer);
    r.result = 'success';
    this.dispatch();
  }

  /**
   * daemon-reload: a new graph from freshly loaded models; units keep their run-time state (their
   * processes, sub-states and jobs), only what they are made of changes.
   */
  reload(lookup: (name: string) => EngineUnit): void {
    this.table.reload(lookup);
    for (const r of this.table.values()) r.kind.reloaded?.(r, this.ctx);
    this.dispatch();
  }

  /** Resolves once no job is installed. */
  whenIdle(): Promise<void> {
    if (this.jobs().length === 0) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }

  /** Now, as systemd timestamps things: wall clock and monotonic, in µs. */
  timestamp(): Timestamp {
    return timestamp(this.system);
  }

  // ---- transactions ---------------------------------------------------------------------------

  private transactionEnv() {
    const table = this.table;
    return {
      graph: table.graph,
      activeState: (id: string) => table.activeState(id),
      installedJob: (id: string) => table.get(id)?.job,
      canStart: (u: GraphUnit) => table.kindOf(u)?.canStart(table.model(u.id)!) ?? false,
      canReload: (u: GraphUnit) => table.kindOf(u)?.canReload(table.model(u.id)!) ?? false,
      knownUnits: () => table.ids(),
    };
  }

  private buildAndApply(req: Request): Job | TransactionError {
    try {
      return this.jobQueue.install(buildTransaction(this.transactionEnv(), req));
    } catch (e) {
      if (e instanceof TransactionError) return e;
      throw e;
    }
  }

  // ---- dispatch -------------------------------------------------------------------------------

  private dispatch(): void {
    if (this.dispatching) return;
    this.dispatching = true;
    try {
      for (;;) {
        const req = this.queues.requests.shift();
        if (req) {
          const r = this.buildAndApply(req);
          if (r instanceof TransactionError) this.log(`Failed to enqueue ${req.type} job for ${req.unit}: ${r.message}`);
          continue;
        }
        const change = this.queues.changes.shift();
        if (change) {
          this.changes.apply(change);
          continue;
        }
        if (this.queues.run.size > 0) {
          this.jobQueue.runQueued();
          continue;
        }
        if (this.changes.checksPending()) {
          this.changes.runChecks();
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

  // ---- socket activation ------------------------------------------------------------------------

  /**
   * The fds a unit's processes get (systemd's service_collect_fds): an Accept=yes instance its
   * connection; otherwise every fd of the sockets that trigger it or that its Sockets= names; then
   * the fds the unit left in its own store.
   */
  private activationFds(id: string): { fds: readonly ActivationFd[]; connection?: number } {
    const { graph } = this.table;
    // An Accept=yes instance: the socket that accepted its connection keeps it (until the instance is down).
    for (const s of graph.deps(id, 'TriggeredBy')) {
      const r = this.table.get(s);
      const conn = r?.kind.connectionFd?.(r, id);
      // -1: a connection from before daemon-reexec, which svcd no longer holds (only the instance does).
      if (conn !== undefined && conn < 0) return { fds: this.storedFds(id) };
      if (conn !== undefined) return { fds: [{ fd: conn, name: 'connection' }, ...this.storedFds(id)], connection: conn };
    }
    const sockets = new Set(graph.deps(id, 'TriggeredBy'));
    for (const name of this.table.model(id)?.service?.sockets ?? []) {
      const s = graph.unit(name);
      if (s) sockets.add(s.id);
    }
    const fds: ActivationFd[] = [];
    for (const s of sockets) {
      const r = this.table.get(s);
      if (r?.kind.collectFds) fds.push(...r.kind.collectFds(r));
    }
    return { fds: [...fds, ...this.storedFds(id)] };
  }

  /** The unit's own fd store (FDSTORE=1), which follows its sockets' fds (service_collect_fds). */
  private storedFds(id: string): readonly ActivationFd[] {
    const r = this.table.get(id);
    return r?.kind.storedFds?.(r) ?? [];
  }

  /**
   * Accept=yes: loads the instance, orders and ties it to its socket (Before=, Triggers=), names it
   * after its peer (its template's description, if any, then the peer in parentheses, as
   * service_set_socket_fd() does) and starts it.
   */
  private startConnection(socket: string, instance: string, conn: Connection): void {
    const { graph } = this.table;
    const id = graph.resolve(instance);
    if (graph.unit(id)?.loadState !== 'loaded') {
      this.log(`${socket}: Failed to load connection service ${instance}, dropping connection.`);
      this.system.closeFd(conn.fd);
      return;
    }
    const r = this.table.runtime(id);
    const base = r.model.description;
    r.description = base ? `${base} (${conn.peer})` : conn.peer;
    graph.add(socket, 'Before', id);
    graph.add(socket, 'Triggers', id);
    this.queues.requests.push({ unit: id, type: 'start', mode: 'replace' });
  }

  private adoptConnection(socket: string, instance: string): boolean {
    const r = this.table.get(instance);
    if (!r || r.activeState === 'inactive' || r.activeState === 'failed') return false;
    this.table.graph.add(socket, 'Before', instance);
    this.table.graph.add(socket, 'Triggers', instance);
    return true;
  }

  // ---- events from the system: to the unit that owns the pid -----------------------------------

  private childExit(e: ChildExitEvent): void {
    const r = this.table.ownerOf(e.pid);
    if (r) r.kind.childExit?.(r, e, this.ctx);
    else this.observer.orphanExited?.(e);
  }

  /** The loaded unit `id` triggers (its first Triggers=), made a Runtime if need be. */
  private triggered(id: string): UnitRuntime | undefined {
    for (const o of this.graph.deps(id, 'Triggers')) {
      if (this.table.model(o)?.loadState === 'loaded') return this.table.runtime(o);
    }
    return undefined;
  }

  /** The unit a process that is neither a main nor a control process runs for, if it has a runtime. */
  private runtimeOfProcess(pid: number): UnitRuntime | undefined {
    const unit = pid > 0 ? this.system.unitOfProcess(pid)?.unit : undefined;
    return unit === undefined ? undefined : this.table.get(unit);
  }

  /** An sd_notify message to the unit `sender` belongs to; the fds it carried and the unit did not keep are closed. */
  private notify(sender: NotifySender, message: string): void {
    // Any process of the unit may speak under NotifyAccess=all (a daemon's worker, as squid's kid
    // says READY=1): systemd finds the unit by the sender's cgroup, not only by its main pid.
    const r = this.table.ownerOf(sender.pid) ?? this.runtimeOfProcess(sender.pid);
    let kept: ReadonlySet<number> | void = undefined;
    try {
      kept = r?.kind.notify?.(r, sender, message, this.ctx);
    } finally {
      for (const fd of sender.fds) if (!kept?.has(fd)) this.system.closeFd(fd);
    }
  }
}
