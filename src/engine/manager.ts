/**
 * The Manager: the Engine plus everything around it that makes a system manager — loading units
 * from the search path, the boot, the status lines on the console, the timestamps systemd keeps,
 * the system state, SuccessAction=/FailureAction=, the orderly shutdown, daemon-reload — behind
 * ManagerApi (api.ts), which the control socket and D-Bus use.
 *
 * States of the manager (SystemState): initializing → starting (until the boot job is done and no
 * job is left, as systemd's manager_check_finished decides) → running |
 * degraded (a unit is failed) → stopping (shutdown() called; every unit is stopped, then whatever
 * is left of their processes is signalled) → `onExit(code)`.
 *
 * Invariants: models are loaded once per name until reload(); a unit's timestamps change only in
 * the observer's stateChanged, in systemd's order (unit_notify); every entry from the event loop
 * goes through the Engine's guard, so no exception reaches the loop.
 */
import { withManagerLimits } from '../unit/manager-limits.js';
import type { Kind } from '../graph/atoms.js';
import { ALL_KINDS } from '../graph/atoms.js';
import { originMaskText } from '../graph/origins.js';
import type { JobMode } from '../shared/job-mode.js';
import { formatDiagnostic } from '../shared/diagnostic.js';
import type { Unit } from '../unit/model.js';
import { loadUnit } from '../unit/load.js';
import { PERPETUAL_UNITS } from '../unit/perpetual.js';
import { buildUnitFileMap, type UnitFileMap } from '../unit/unit-file-map.js';
import { NEVER, type Enqueued, type JobInfo, type KillWhom, type ManagerApi, type ManagerError, type ManagerListener, type ManagerStatus, type RequestedJobType, type SystemState, type Timestamp, type UnitStatus, type UnitTimestamps } from './api.js';
import { Engine, type ConditionVerdict, type Job, type SerializedUnit } from './engine.js';
import type { ActiveState, JobResult } from './job.js';
import { jobBeginStatus, jobDoneStatus, type JobStatusRecord, type JobStatusUnit } from './job-status.js';
import { toEngineUnit } from './model-adapter.js';
import { RestartLoops } from './restart-loop.js';
import type { System } from './system.js';
import { TransactionError } from './transaction.js';
import type { EngineUnit, ManagerDefaults, UnitRuntime } from './unit-kind.js';
import { keptUnits } from './unit-gc.js';
import { ROOT_SLICE, sliceChain, unitCgroupPath } from '../shared/slice.js';
import { sliceOf } from '../graph/graph.js';
import { unitSliceOf } from '../unit/slice-of.js';
import { VERSION } from '../shared/version.js';
import { unitSnapshot } from './snapshot.js';
import { ManagerEnvironment } from './manager-environment.js';

export interface ConditionCheck {
  readonly verdict: ConditionVerdict;
  readonly failed?: { readonly kind: string; readonly parameter: string; readonly negate: boolean; readonly trigger: boolean };
}

export interface ManagerOptions {
  readonly system: System;
  readonly searchPath: readonly string[];
  readonly bootUnit: string;
  readonly runtimeDir: string;
  readonly journalDir?: string;
  readonly defaults: ManagerDefaults;
  /** One console line (without newline) that is no job's message. */
  readonly console: (line: string, unit?: string) => void;
  /** A job's beginning or end: the console and the journal render it (job-status.ts). */
  readonly jobStatus: (record: JobStatusRecord) => void;
  /** A log message of svcd's or about a unit (to the journal, or stderr). */
  readonly log: (text: string, unit?: string) => void;
  /** What systemd logs at debug level: the journal only, never the console. Unset: as `log`. */
  readonly debug?: (text: string, unit?: string) => void;
  /** Condition*=/Assert*= of a unit; none: every condition holds. */
  readonly conditions?: (u: Unit) => ConditionCheck;
  /** Called once, when the shutdown is complete: svcd exits with this code. */
  readonly onExit: (code: number) => void;
  /** daemon-reexec: hand the state over to a fresh svcd (exec it); returns only if that failed. */
  readonly onReexec?: (state: SerializedManager) => void;
  /** The final sweep of a shutdown: signal every process left, return how many there were. */
  readonly sweep?: (signal: number) => number;
  /** Runs the generators again (systemd.generator(7)): before each daemon-reload re-reads the units. */
  readonly generate?: () => Promise<void>;
  /**
   * What happened before the Manager existed, as systemd's manager timestamps record it: the
   * process's start (UserspaceTimestamp=) and the generators' run. Absent: the Manager's creation.
   */
  readonly startup?: StartupTimestamps;
  /** The manager's environment block (the spawner reads it too); absent: an empty one. */
  readonly environment?: ManagerEnvironment;
  /** What to do when the boot unit fails to start: keep running degraded, or exit with a code. */
  readonly bootFailure?: { readonly action: 'none' } | { readonly action: 'exit'; readonly code: number };
}

export interface StartupTimestamps {
  readonly userspace: Timestamp;
  readonly generatorsStart: Timestamp;
  readonly generatorsFinish: Timestamp;
}

interface UnitBook {
  timestamps: { -readonly [K in keyof UnitTimestamps]: Timestamp };
  conditionResult: boolean;
  assertResult: boolean;
  failedCondition?: ConditionCheck['failed'];
  loadedAt: number;
}

const isInactiveOrFailed = (s: ActiveState) => s === 'inactive' || s === 'failed';
const isActiveOrReloading = (s: ActiveState) => s === 'active' || s === 'reloading';

export class Manager implements ManagerApi {
  readonly engine: Engine;
  private map: UnitFileMap;
  private readonly models = new Map<string, EngineUnit>();
  private readonly books = new Map<string, UnitBook>();
  private readonly waiters = new Map<number, (r: JobResult) => void>();
  private readonly listeners = new Set<ManagerListener>();
  private state: SystemState = 'initializing';
  private bootJob?: number;
  private userspace: Timestamp;
  private finish: Timestamp = NEVER;
  private generators: { start: Timestamp; finish: Timestamp };
  private unitsLoad: { start: Timestamp; finish: Timestamp } = { start: NEVER, finish: NEVER };
  private exitCode?: number;
  private shuttingDown = false;
  /** Units to look at in the next GC sweep (collect()). */
  private readonly gcQueue = new Set<string>();
  /** Units in a restart loop (they make the system degraded). */
  private readonly restartLoops: RestartLoops;
  private readonly env: ManagerEnvironment;

  constructor(private readonly opts: ManagerOptions) {
    this.env = opts.environment ?? new ManagerEnvironment([]);
    this.map = buildUnitFileMap([...opts.searchPath]);
    this.engine = new Engine({
      system: opts.system,
      defaults: opts.defaults,
      lookup: (name) => this.load(name),
      conditions: (u) => this.checkConditions(u),
      observer: {
        jobActing: (j, s) => this.jobActing(j, s),
        jobFinished: (j, r) => this.jobFinished(j, r),
        jobInstalled: (j) => this.emit((l) => l.jobNew?.(jobInfo(j))),
        jobStarted: (j) => this.emit((l) => l.jobChanged?.(jobInfo(j))),
        unitNew: (id) => this.emit((l) => l.unitNew?.(id)),
        unitRemoved: (id) => this.emit((l) => l.unitRemoved?.(id)),
        stateChanged: (id, from, to, sub) => this.stateChanged(id, from, to, sub),
        unitLog: (id, text) => opts.log(text, id),
        // An orphan is named with the unit its process tree came from, when svcd saw it alive.
        orphanExited: (e) => {
          const unit = opts.system.lastUnitOf(e.pid);
          // Debug in systemd too: a busy service's reaped helpers would flood the console.
          (opts.debug ?? opts.log)(`Reaped orphan process ${e.pid}.`, unit);
        },
        // systemd says nothing about Wants= on units that do not exist (they are simply skipped).
        log: (line) => void (/Cannot add dependency job, ignoring: Unit \S+ not found\.$/.test(line) || opts.log(line)),
      },
    });
    this.userspace = opts.startup?.userspace ?? this.engine.timestamp();
    this.generators = { start: opts.startup?.generatorsStart ?? NEVER, finish: opts.startup?.generatorsFinish ?? NEVER };
    this.restartLoops = new RestartLoops(opts.system, () => this.refreshSystemState());
  }

  // ---- loading --------------------------------------------------------------------------------

  private load(name: string): EngineUnit {
    const cached = this.models.get(name);
    if (cached) return cached;
    const u = withManagerLimits(loadUnit(this.map, name), this.opts.defaults.limits);
    for (const d of u.diagnostics) this.opts.log(formatDiagnostic(d), u.id);
    const e = toEngineUnit(u);
    this.models.set(name, e);
    this.models.set(u.id, e);
    if (!this.books.has(u.id)) this.books.set(u.id, newBook());
    return e;
  }

  private book(id: string): UnitBook {
    let b = this.books.get(id);
    if (!b) {
      b = newBook();
      this.books.set(id, b);
    }
    return b;
  }

  private checkConditions(u: EngineUnit): ConditionVerdict {
    const b = this.book(u.id);
    const now = this.engine.timestamp();
    const check = u.source && this.opts.conditions ? this.opts.conditions(u.source) : { verdict: 'ok' as const };
    b.timestamps.condition = now;
    b.conditionResult = check.verdict !== 'condition-failed';
    b.failedCondition = check.failed;
    if (check.verdict !== 'condition-failed') {
      b.timestamps.assert = now;
      b.assertResult = check.verdict !== 'assert-failed';
    }
    return check.verdict;
  }

  // ---- boot and console -----------------------------------------------------------------------

  /** Starts the boot unit (a start job in replace mode, as systemd does with default.target). */
  boot(): void {
    // systemd has its perpetual units from the start, loaded and active, whatever the boot pulls in.
    // Born active, they never pass through a transition: they left "inactive" and entered "active"
    // when the manager started, which is what systemd's timestamps for them say.
    const born = this.engine.timestamp();
    for (const id of Object.keys(PERPETUAL_UNITS)) {
      this.engine.unit(id);
      const t = this.book(id).timestamps;
      if (t.activeEnter.monotonicUs === 0n) Object.assign(t, { stateChange: born, inactiveExit: born, activeEnter: born });
    }
    this.setSystemState('starting');
    // svcd loads units as the boot transaction reaches them: building it is systemd's units-load phase.
    const loadStart = this.engine.timestamp();
    const r = this.engine.start(this.opts.bootUnit, 'replace');
    this.unitsLoad = { start: loadStart, finish: this.engine.timestamp() };
    if (r instanceof TransactionError) {
      this.opts.console(`Failed to start ${this.opts.bootUnit}: ${r.message}`);
      this.bootFinished(false);
      return;
    }
    // The whole boot may settle within start() (units that come up at once): then it is over already.
    if (r.result !== undefined) this.bootFinished(r.result === 'done');
    else this.bootJob = r.id;
  }

  private bootFinished(ok: boolean): void {
    this.bootJob = undefined;
    this.checkFinished();
    if (!ok && this.opts.bootFailure?.action === 'exit') {
      this.opts.log(`${this.opts.bootUnit} failed to start: exiting with ${this.opts.bootFailure.code} (DefaultTargetFailureAction=exit).`);
      this.shutdown('exit', this.opts.bootFailure.code);
    }
  }

  /**
   * The boot is over once its job is done and no job at all is left (systemd's
   * manager_check_finished): jobs the boot pulled in beside the boot unit's own ordering, and what
   * their ends requested, keep the system "starting". Checked whenever the engine settles idle.
   */
  private finished(): boolean {
    // Compared by value: a timestamp that came back across daemon-reexec is a copy of NEVER.
    return this.finish.realtimeUs !== NEVER.realtimeUs || this.finish.monotonicUs !== NEVER.monotonicUs;
  }

  private checkFinished(): void {
    if (this.finished() || this.bootJob !== undefined || this.state === 'initializing') return;
    if (this.engine.jobs().length > 0) {
      void this.engine.whenIdle().then(() => this.checkFinished());
      return;
    }
    this.finish = this.engine.timestamp();
    this.refreshSystemState();
  }

  /** The unit as its job messages name it; undefined for a name that never loaded. */
  private statusUnit(id: string): JobStatusUnit | undefined {
    const m = this.models.get(id);
    if (!m) return undefined;
    const r = this.engine.unit(id);
    const invocationId = r.invocationId || undefined;
    const description = r.description ?? m.description;
    return { id, type: m.type, ident: description ? `${id} - ${description}` : id, serviceType: m.serviceSpec?.type, invocationId };
  }

  private jobActing(j: Readonly<Job>, state: ActiveState): void {
    const u = this.statusUnit(j.unit);
    // A restart begins with its stop half; its start half comes back here as a start.
    const type = state === 'deactivating' ? 'stop' : state === 'reloading' ? 'reload' : 'start';
    if (u) this.opts.jobStatus(jobBeginStatus(u, j.id, type));
  }

  private jobFinished(j: Readonly<Job>, result: JobResult): void {
    const u = this.statusUnit(j.unit);
    const b = this.book(j.unit);
    const record = u && jobDoneStatus(u, j.id, j.type, result, b.conditionResult ? undefined : (b.failedCondition ?? null));
    if (record) this.opts.jobStatus(record);
    if (j.id === this.bootJob) this.bootFinished(result === 'done');
    this.waiters.get(j.id)?.(result);
    this.waiters.delete(j.id);
    this.emit((l) => l.jobRemoved?.(jobInfo(j), result));
    this.refreshSystemState();
  }

  /** unit_notify's bookkeeping: timestamps, SuccessAction=/FailureAction=, restart loops. */
  private stateChanged(id: string, from: ActiveState, to: ActiveState, sub?: string): void {
    this.restartLoops.track(id, to, sub, () => this.engine.unit(id).job?.type);
    if (from === to) return this.refreshSystemState();
    const b = this.book(id);
    const now = this.engine.timestamp();
    b.timestamps.stateChange = now;
    if (isInactiveOrFailed(from) && !isInactiveOrFailed(to)) b.timestamps.inactiveExit = now;
    else if (!isInactiveOrFailed(from) && isInactiveOrFailed(to)) b.timestamps.inactiveEnter = now;
    if (!isActiveOrReloading(from) && isActiveOrReloading(to)) b.timestamps.activeEnter = now;
    else if (isActiveOrReloading(from) && !isActiveOrReloading(to)) b.timestamps.activeExit = now;
    const m = this.models.get(id);
    if (m && to === 'failed' && !this.shuttingDown) this.emergencyAction(m, m.failureAction, m.failureActionExitStatus, 'failure');
    if (m && to === 'inactive' && from !== 'failed' && !this.shuttingDown && this.engine.unit(id).result === 'success') this.emergencyAction(m, m.successAction, m.successActionExitStatus, 'success');
    if (m && to === 'failed' && this.engine.unit(id).result === 'start-limit-hit' && !this.shuttingDown) this.emergencyAction(m, m.startLimitAction, undefined, 'start limit');
    this.emit((l) => l.unitChanged?.(id));
    this.refreshSystemState();
    if (to === 'inactive' || to === 'failed') this.collect(id);
  }

  /**
   * Units nobody needs are unloaded once inactive, as systemd's GC sweep does (unit-gc.ts): queued
   * here and swept once per turn of the event loop, so a shutdown's thousand units that go down
   * together cost one walk of the graph, not one each.
   */
  private collect(id: string): void {
    if (this.gcQueue.size === 0) setImmediate(() => this.sweep());
    this.gcQueue.add(id);
  }

  private sweep(): void {
    // A unit that went down and is already coming back (a restart's job) keeps itself: the walk
    // of the whole graph is for the others, and a restart among a thousand units needs none.
    const queued = [...this.gcQueue].filter((id) => this.engine.collectable(id));
    this.gcQueue.clear();
    if (this.shuttingDown || queued.length === 0) return;
    const kept = keptUnits(this.engine);
    for (const id of queued) {
      if (kept.has(id) || !this.engine.collect(id)) continue;
      this.books.delete(id);
      for (const [name, m] of this.models) if (m.id === id) this.models.delete(name);
    }
  }

  /** SuccessAction=/FailureAction=/StartLimitAction= (systemd.unit(5)); in a container every "off" action ends svcd. */
  private emergencyAction(m: EngineUnit, action: string | undefined, status: number | undefined, why: string): void {
    if (!action || action === 'none') return;
    const rt = this.engine.unit(m.id);
    const code = status ?? (rt.execMain.code === 1 ? rt.execMain.status : why === 'success' ? 0 : 1);
    this.opts.log(`${m.id}: ${why === 'success' ? 'SuccessAction' : why === 'failure' ? 'FailureAction' : 'StartLimitAction'}=${action}: ${action.startsWith('exit') ? `exiting with ${code}` : action}.`);
    switch (action) {
      case 'exit':
      case 'exit-force':
        return this.shutdown('exit', code);
      case 'poweroff':
      case 'poweroff-force':
      case 'poweroff-immediate':
        return this.shutdown('poweroff', status);
      case 'reboot':
      case 'reboot-force':
      case 'reboot-immediate':
        return this.shutdown('reboot', status);
      case 'halt':
      case 'halt-force':
      case 'halt-immediate':
        return this.shutdown('halt', status);
      default:
        return;
    }
  }

  private setSystemState(s: SystemState): void {
    if (this.state === s) return;
    this.state = s;
    this.emit((l) => l.systemStateChanged?.(s));
  }

  private refreshSystemState(): void {
    if (this.shuttingDown) return this.setSystemState('stopping');
    if (this.state === 'initializing') return;
    if (!this.finished()) return this.setSystemState('starting');
    this.setSystemState(this.failedUnits() > 0 || this.restartLoops.size > 0 ? 'degraded' : 'running');
  }

  private failedUnits(): number {
    let n = 0;
    for (const u of this.engine.units()) if (u.activeState === 'failed') n++;
    return n;
  }

  private emit(fn: (l: ManagerListener) => void): void {
    for (const l of this.listeners) {
      try {
        fn(l);
      } catch (e) {
        this.opts.log(`listener failed: ${(e as Error).message}`);
      }
    }
  }

  // ---- ManagerApi -----------------------------------------------------------------------------

  status(): ManagerStatus {
    return {
      version: VERSION,
      systemState: this.state,
      bootUnit: this.opts.bootUnit,
      unitPath: this.opts.searchPath,
      runtimeDir: this.opts.runtimeDir,
      journalDir: this.opts.journalDir,
      nJobs: this.engine.jobs().length,
      nFailedUnits: this.failedUnits(),
      environment: this.env.effective(),
      nNames: this.models.size,
      userspaceTimestamp: this.userspace,
      finishTimestamp: this.finish,
      generatorsStartTimestamp: this.generators.start,
      generatorsFinishTimestamp: this.generators.finish,
      unitsLoadStartTimestamp: this.unitsLoad.start,
      unitsLoadFinishTimestamp: this.unitsLoad.finish,
      exitCode: this.exitCode,
      defaults: this.opts.defaults,
    };
  }

  unit(name: string): UnitStatus {
    const id = this.engine.graph.resolve(name);
    const status = this.snapshot(this.engine.unit(id));
    // Loaded only to be looked at, a unit nothing needs goes at the next GC pass, as in systemd
    // (which queues every unit it loads for GC): names clients ask about must not pile up.
    this.collect(id);
    return status;
  }

  /**
   * Every unit in memory as systemd has it: what runs or ran and is not collected yet, and every
   * unit the graph loaded that the collector would keep (unit-gc.ts) — systemd loads the whole
   * closure of what it starts and keeps what a kept unit references, run or not.
   */
  units(): readonly UnitStatus[] {
    const ids = new Set([...[...this.engine.units()].map((r) => r.id), ...keptUnits(this.engine)]);
    return [...ids].map((id) => this.snapshot(this.engine.peek(id)));
  }

  jobs(): readonly JobInfo[] {
    return this.engine.jobs().map(jobInfo);
  }

  /** One unit's snapshot for show/status/D-Bus (snapshot.ts): the model it runs, never re-read from disk. */
  private snapshot(r: Readonly<UnitRuntime> & { readonly job?: Readonly<Job> }): UnitStatus {
    const dependencies = () => {
      const out: Partial<Record<Kind, readonly string[]>> = {};
      for (const k of ALL_KINDS) {
        const set = this.engine.graph.deps(r.id, k);
        if (set.size > 0) out[k] = [...set];
      }
      return out;
    };
    const model = r.model.source ?? this.load(r.id).source ?? withManagerLimits(loadUnit(this.map, r.id), this.opts.defaults.limits);
    return unitSnapshot({
      runtime: r,
      job: r.job ? jobInfo(r.job) : undefined,
      model,
      book: this.book(r.id),
      dependencies,
      dependencyLines: () => this.engine.graph.dependencyLines(r.id).map(([line, unit, m]) => ({ line, unit, origins: originMaskText(m) })),
      pids: () => this.pids(r),
      controlGroup: () => (this.sliceRealized(r) ? this.opts.system.controlGroup(r.id) ?? unitCgroupPath(r.id, '/', unitSliceOf(r.id, model.resources.slice)) : ''),
      usage: this.opts.system.resourceUsage(r.id),
      defaults: this.opts.defaults,
    });
  }

  /**
   * Whether a slice has a cgroup to show (ControlGroup=, status' CGroup:): a slice makes it when it
   * starts, but system.slice is up from the start without starting, and systemd 252 makes its
   * cgroup only with the first unit that runs in it; the root slice's is the manager's own.
   * Every other unit: true.
   */
  private sliceRealized(r: Readonly<UnitRuntime>): boolean {
    if (r.model.type !== 'slice' || !r.model.perpetual || r.id === ROOT_SLICE) return true;
    for (const u of this.engine.units()) {
      const slice = u.invocationId !== '' && u.model.type !== 'slice' ? sliceOf(u.model) : undefined;
      if (slice !== undefined && sliceChain(slice).includes(r.id)) return true;
    }
    return false;
  }

  /** Every live process of the unit: its cgroup's, or what process tracking finds from its known pids. */
  private pids(r: Readonly<UnitRuntime>): readonly number[] {
    return this.opts.system.unitProcesses(r.id, [r.mainPid, r.controlPid].filter((p) => p > 0));
  }

  enqueue(name: string, type: RequestedJobType, mode: JobMode, manual: boolean): Enqueued {
    if (this.shuttingDown && type !== 'stop') return { ok: false, error: { code: 'busy', message: 'Transaction is destructive.' } };
    this.load(name);
    const t = this.engine.jobTypeFor(name, type);
    const r = this.engine.request({ unit: name, type: t, mode, manual });
    if (r instanceof TransactionError) {
      this.collect(this.engine.graph.resolve(name));
      return { ok: false, error: { code: r.code, message: r.message, ...(r.busName !== undefined ? { busName: r.busName } : {}) } };
    }
    let resolve: (x: JobResult) => void = () => {};
    const done = new Promise<JobResult>((res) => (resolve = res));
    if (r.result !== undefined) resolve(r.result);
    else this.waiters.set(r.id, resolve);
    return { ok: true, job: jobInfo(r), done };
  }

  cancelJob(id: number): ManagerError | undefined {
    const ok = this.engine.cancelJob(id);
    return ok ? undefined : { code: 'invalid', message: `Job ${id} does not exist.` };
  }

  kill(name: string, whom: KillWhom, signal: number): ManagerError | undefined {
    // Looked up among the units in memory, never loaded (systemd's KillUnit): a unit not there, a
    // template among them, is "not loaded".
    if (!this.units().some((u) => u.id === name || u.model.names.includes(name))) return { code: 'no-such-unit', message: `Unit ${name} not loaded.` };
    const r = this.engine.unit(name);
    const pids = whom === 'main' ? [r.mainPid] : whom === 'control' ? [r.controlPid] : this.pids(r);
    const targets = pids.filter((p) => p > 0);
    if (targets.length === 0) return { code: 'no-such-process', message: whom === 'all' ? 'No matching processes to kill' : `No ${whom} process to kill` };
    for (const p of targets) this.opts.system.kill(p, signal);
    return undefined;
  }

  resetFailed(name?: string): ManagerError | undefined {
    if (name === undefined) {
      for (const u of this.engine.units()) if (u.activeState === 'failed') this.engine.resetFailed(u.id);
      return undefined;
    }
    const m = this.load(name);
    if (m.loadState === 'not-found' && this.engine.activeState(name) === 'inactive') return { code: 'no-such-unit', message: `Unit ${name} not loaded.` };
    this.engine.resetFailed(m.id);
    return undefined;
  }

  async reload(): Promise<void> {
    await this.opts.generate?.();
    this.map = buildUnitFileMap([...this.opts.searchPath]);
    this.models.clear();
    for (const b of this.books.values()) b.loadedAt = Date.now();
    this.engine.reload((name) => this.load(name));
  }

  reexec(): ManagerError | undefined {
    if (!this.opts.onReexec) return { code: 'invalid', message: 'Re-executing is not supported by this svcd.' };
    if (this.shuttingDown) return { code: 'busy', message: 'Shutdown in progress.' };
    const state = this.serialize();
    if (typeof state === 'string') return { code: 'busy', message: `Cannot re-execute now: ${state}; try again once jobs have finished.` };
    this.opts.log('Reexecuting.');
    // Answer first: the caller's connection ends with this process image.
    setImmediate(() => this.opts.onReexec!(state));
    return undefined;
  }

  /** The manager's state as plain data (timestamps stay bigint: see encodeState). */
  serialize(): SerializedManager | string {
    const units = this.engine.serialize();
    if (typeof units === 'string') return units;
    const books = [...this.books].filter(([id]) => units.some((u) => u.id === id)).map(([id, b]) => ({ id, timestamps: b.timestamps, conditionResult: b.conditionResult, assertResult: b.assertResult, failedCondition: b.failedCondition }));
    return { version: VERSION, systemState: this.state, userspace: this.userspace, finish: this.finish, generators: this.generators, unitsLoad: this.unitsLoad, exitCode: this.exitCode, units, books, environment: this.env.serialize() };
  }

  /** Takes over from the svcd that re-executed: units, their processes and books, no boot. */
  restore(saved: SerializedManager): void {
    for (const u of saved.units) this.load(u.id);
    this.engine.restore(saved.units);
    for (const b of saved.books) {
      const book = this.book(b.id);
      Object.assign(book.timestamps, b.timestamps);
      book.conditionResult = b.conditionResult;
      book.assertResult = b.assertResult;
      book.failedCondition = b.failedCondition;
    }
    this.userspace = saved.userspace;
    this.finish = saved.finish;
    // A state written by an svcd from before these were kept has none: they stay NEVER.
    if (saved.generators) this.generators = saved.generators;
    if (saved.unitsLoad) this.unitsLoad = saved.unitsLoad;
    this.exitCode = saved.exitCode;
    if (saved.environment) this.env.restore(saved.environment);
    this.state = saved.systemState === 'initializing' || saved.systemState === 'starting' ? 'starting' : saved.systemState;
    this.refreshSystemState();
    this.checkFinished();
    this.engine.resume();
  }

  shutdown(how: 'exit' | 'poweroff' | 'halt' | 'reboot', exitCode?: number): void {
    if (exitCode !== undefined && this.exitCode === undefined) this.exitCode = exitCode;
    if (this.shuttingDown) return;
    this.shuttingDown = true;
    this.setSystemState('stopping');
    this.opts.log(`Shutting down (${how}).`);
    const stops = [...this.engine.units()].filter((u) => u.activeState !== 'inactive' && u.activeState !== 'failed' && !u.model.perpetual).map((u) => ({ unit: u.id, type: 'stop' as const, mode: 'replace-irreversibly' as const }));
    this.engine.requestAll(stops);
    void this.engine.whenIdle().then(() => this.finalSweep());
  }

  /** After every unit stopped: SIGTERM what is left, SIGKILL what survives 5 s (systemd-shutdown's sweep). */
  private finalSweep(): void {
    const done = () => this.opts.onExit(this.exitCode ?? 0);
    if (!this.opts.sweep || this.opts.sweep(15) === 0) return done();
    let waited = 0;
    const tick = () => {
      waited += 50;
      if (this.opts.sweep!(0) === 0) return done();
      if (waited >= 5000) {
        this.opts.sweep!(9);
        return done();
      }
      this.opts.system.setTimer(50, tick);
    };
    this.opts.system.setTimer(50, tick);
  }

  subscribe(listener: ManagerListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  environment(): readonly string[] {
    return this.env.effective();
  }

  setEnvironment(set: readonly string[], unset: readonly string[]): ManagerError | undefined {
    const refused = this.env.modify(unset, set);
    return refused === undefined ? undefined : { code: 'invalid', message: refused };
  }
}

/** What one svcd hands the next across daemon-reexec. */
export interface SerializedManager {
  readonly version: string;
  readonly systemState: SystemState;
  readonly userspace: Timestamp;
  readonly finish: Timestamp;
  readonly generators?: { readonly start: Timestamp; readonly finish: Timestamp };
  readonly unitsLoad?: { readonly start: Timestamp; readonly finish: Timestamp };
  readonly exitCode?: number;
  readonly units: readonly SerializedUnit[];
  /** set-environment's part of the manager's environment (absent in the state of an svcd from before it was kept). */
  readonly environment?: readonly string[];
  readonly books: readonly { id: string; timestamps: UnitBook['timestamps']; conditionResult: boolean; assertResult: boolean; failedCondition?: ConditionCheck['failed'] }[];
}

/** JSON with bigint timestamps kept exact ({"$bigint": "…"}). */
export function encodeState(state: unknown): string {
  return JSON.stringify(state, (_k, v: unknown) => (typeof v === 'bigint' ? { $bigint: v.toString() } : v));
}
export function decodeState<T>(text: string): T {
  return JSON.parse(text, (_k, v: unknown) => (v !== null && typeof v === 'object' && typeof (v as { $bigint?: unknown }).$bigint === 'string' ? BigInt((v as { $bigint: string }).$bigint) : v)) as T;
}

function newBook(): UnitBook {
  return {
    timestamps: { inactiveExit: NEVER, activeEnter: NEVER, activeExit: NEVER, inactiveEnter: NEVER, stateChange: NEVER, condition: NEVER, assert: NEVER },
    conditionResult: true,
    assertResult: true,
    loadedAt: Date.now(),
  };
}

function jobInfo(j: Readonly<Job>): JobInfo {
  return { id: j.id, unit: j.unit, type: j.type, state: j.state };
}
