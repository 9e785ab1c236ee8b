/**
 * The manager: runtime units, their jobs, and the run queue.
 *
 * A start of the default unit makes a start job for every unit its closure pulls in (Requires=,
 * Requisite=, Wants=, BindsTo=, Upholds=, implicit and default edges included). A job runs when no
 * unit it is ordered After= still has a start job; a stop job runs when no unit ordered after it
 * still has one. A job finishes when its unit's state says so (active / inactive after a oneshot /
 * failed): the unit types never call back, they only change state. A failed start fails, with
 * result "dependency", the jobs of units that Requires=, BindsTo= or Requisite= it.
 *
 * This is the first manager, still what svcd runs because its service type drives the native
 * spawner. Its successor is engine.ts (transactions, job modes, propagation, one System interface);
 * svcd moves over once a System over src/exec exists (docs/design/engine.md, "Integration").
 */
import type { ChildExit } from '../exec/native.js';
import type { System } from '../exec/system.js';
import type { Unit } from '../unit/model.js';
import { planStart } from '../graph/boot-plan.js';
import { DependencyGraph } from '../graph/dependencies.js';
import type { ActiveState, JobResult } from './job.js';
import { RuntimeUnit, type StateListener } from './runtime-unit.js';
import { serviceType } from './types/service.js';
import { targetType } from './types/target.js';
import type { ManagerServices, UnitTypeModule } from './types/unit-type.js';

const TYPES: Partial<Record<Unit['type'], UnitTypeModule>> = { service: serviceType, target: targetType, slice: targetType };

interface Job {
  readonly type: 'start' | 'stop';
  running: boolean;
}

export interface ManagerOptions {
  readonly system: System;
  readonly load: (name: string) => Unit;
  /** One console line (without newline). */
  readonly console: (line: string) => void;
  readonly color: boolean;
  readonly defaults: ManagerServices['defaults'];
  readonly outputFds: readonly [number, number];
  /** Where services' sd_notify messages arrive (NOTIFY_SOCKET); none: no notify support. */
  readonly notifySocket?: string;
}

export class Manager implements StateListener {
  readonly units = new Map<string, RuntimeUnit>();
  private graph = new DependencyGraph();
  private readonly jobs = new Map<string, Job>();
  private readonly services: ManagerServices;
  private idleWaiters: (() => void)[] = [];
  /** Exits of processes that were no unit's: orphans svcd reaped as PID 1 or subreaper. */
  orphansReaped = 0;

  constructor(private readonly opts: ManagerOptions) {
    this.services = {
      system: opts.system,
      defaults: opts.defaults,
      outputFds: opts.outputFds,
      notifySocket: opts.notifySocket,
      status: (kind, text) => this.status(kind, text),
    };
    opts.system.onExit((exits) => exits.forEach((e) => this.childExit(e)));
    if (opts.notifySocket) opts.system.listenNotify(opts.notifySocket, (msg, pid) => this.notify(msg, pid));
  }

  private status(kind: 'ok' | 'failed' | 'depend' | 'starting' | 'stopping', text: string): void {
    const c = (code: string, s: string) => (this.opts.color ? `\x1b[${code}m${s}\x1b[0m` : s);
    const tag = { ok: `[${c('0;32', '  OK  ')}] `, failed: `[${c('0;1;31', 'FAILED')}] `, depend: `[${c('0;1;33', 'DEPEND')}] `, starting: '         ', stopping: '         ' }[kind];
    this.opts.console(`${tag}${text}`);
  }

  private runtime(u: Unit): RuntimeUnit {
    let r = this.units.get(u.id);
    if (!r) {
      r = new RuntimeUnit(u, this);
      this.units.set(u.id, r);
    }
    return r;
  }

  /** Boot: start `root` and everything it pulls in. */
  start(root: string): void {
    this.graph = DependencyGraph.build([root], this.opts.load);
    const plan = planStart(root, this.opts.load);
    for (const { unit } of plan.units) {
      if (!TYPES[unit.type]) continue;
      this.runtime(unit);
      this.jobs.set(unit.id, { type: 'start', running: false });
    }
    for (const p of plan.problems) {
      if (p.loadState !== 'not-found') this.status('failed', `${p.id}: unit has a bad setting (${p.loadState}), not started.`);
    }
    this.dispatch();
  }

  /** Stop every unit that is not inactive, in reverse order; resolves when all are down. */
  shutdown(): Promise<void> {
    // Starts not yet done are dropped; what was started is stopped below.
    for (const [id, j] of [...this.jobs]) if (j.type === 'start') this.jobs.delete(id);
    for (const u of this.units.values()) {
      if (u.activeState !== 'inactive' && u.activeState !== 'failed') this.jobs.set(u.id, { type: 'stop', running: false });
    }
    this.dispatch();
    return this.whenIdle();
  }

  whenIdle(): Promise<void> {
    if (this.jobs.size === 0) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }

  private requiredFailed(u: RuntimeUnit): string | undefined {
    for (const kind of ['Requires', 'BindsTo', 'Requisite'] as const) {
      for (const dep of this.graph.get(u.id, kind)) {
        const d = this.units.get(dep);
        const loaded = this.opts.load(dep);
        if (loaded.loadState !== 'loaded' || d?.activeState === 'failed') return dep;
        if (kind === 'Requisite' && d && d.activeState !== 'active' && !this.jobs.has(dep)) return dep;
      }
    }
    return undefined;
  }

  private dispatch(): void {
    let progress = true;
    while (progress) {
      progress = false;
      for (const [id, job] of this.jobs) {
        if (job.running) continue;
        const u = this.units.get(id)!;
        if (job.type === 'start') {
          const failedDep = this.requiredFailed(u);
          if (failedDep) {
            this.finish(u, 'dependency');
            progress = true;
            continue;
          }
          if (this.graph.get(id, 'After').some((a) => this.jobs.get(a)?.type === 'start')) continue;
          job.running = true;
          progress = true;
          if (u.activeState === 'active') {
            this.finish(u, 'done');
            continue;
          }
          if (u.unit.type === 'service') this.status('starting', `Starting ${u.description}...`);
          TYPES[u.unit.type]!.start(u, this.services);
        } else {
          if (this.graph.get(id, 'Before').some((b) => this.jobs.get(b)?.type === 'stop')) continue;
          job.running = true;
          progress = true;
          if (u.unit.type === 'service') this.status('stopping', `Stopping ${u.description}...`);
          TYPES[u.unit.type]!.stop(u, this.services);
        }
      }
    }
    if (this.jobs.size === 0) {
      const w = this.idleWaiters;
      this.idleWaiters = [];
      w.forEach((f) => f());
    }
  }

  private finish(u: RuntimeUnit, result: JobResult): void {
    const job = this.jobs.get(u.id);
    if (!job) return;
    this.jobs.delete(u.id);
    const target = u.unit.type === 'target';
    if (job.type === 'start') {
      if (result === 'done') {
        const verb = target ? 'Reached target' : u.unit.service?.type === 'oneshot' ? 'Finished' : 'Started';
        if (u.unit.type !== 'slice') this.status('ok', `${verb} ${u.description}.`);
      } else if (result === 'dependency') {
        this.status('depend', `Dependency failed for ${u.description}.`);
      } else {
        this.status('failed', `Failed to start ${u.description}.`);
        this.opts.console(`See 'systemctl status ${u.id}' for details.`);
      }
    } else if (u.unit.type !== 'slice') {
      this.status('ok', `${target ? 'Stopped target' : 'Stopped'} ${u.description}.`);
    }
  }

  unitStateChanged(u: RuntimeUnit, from: ActiveState, to: ActiveState): void {
    const job = this.jobs.get(u.id);
    if (job?.type === 'start' && job.running) {
      if (to === 'active' || (to === 'inactive' && from === 'activating' && u.result === 'success')) this.finish(u, 'done');
      else if (to === 'failed' || to === 'inactive') this.finish(u, 'failed');
    } else if (job?.type === 'stop' && job.running) {
      if (to === 'inactive' || to === 'failed') this.finish(u, 'done');
    } else if (!job && to === 'failed' && u.result === 'start-limit-hit') {
      // A restart that the start limit refused: systemd reports it like a failed start.
      this.status('failed', `Failed to start ${u.description}.`);
      this.opts.console(`See 'systemctl status ${u.id}' for details.`);
    }
    this.dispatch();
  }

  private notify(message: string, pid: number): void {
    for (const u of this.units.values()) {
      if (pid === u.mainPid || pid === u.controlPid || u.unit.service?.notifyAccess === 'all') {
        TYPES[u.unit.type]!.notify?.(u, message, pid, this.services);
        if (pid === u.mainPid || pid === u.controlPid) return;
      }
    }
  }

  private childExit(e: ChildExit): void {
    for (const u of this.units.values()) {
      if (e.pid === u.mainPid || e.pid === u.controlPid) {
        TYPES[u.unit.type]!.childExit(u, e, this.services);
        return;
      }
    }
    this.orphansReaped++;
  }
}
