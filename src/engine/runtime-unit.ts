/**
 * A unit at run time: its loaded model, its state (systemd's ActiveState and the type's SubState),
 * its result, and its processes. Every change of state goes through setState(), which tells the
 * manager; nothing else writes the state.
 */
import type { Unit } from '../unit/model.js';
import type { ActiveState } from './job.js';

/** systemd's Result= words. */
export type UnitResult = 'success' | 'resources' | 'protocol' | 'timeout' | 'exit-code' | 'signal' | 'core-dump' | 'watchdog' | 'start-limit-hit' | 'exec-condition';

export interface StateListener {
  unitStateChanged(u: RuntimeUnit, from: ActiveState, to: ActiveState): void;
}

export class RuntimeUnit {
  activeState: ActiveState = 'inactive';
  subState = 'dead';
  result: UnitResult = 'success';
  mainPid = 0;
  /** The process of the current ExecStartPre/Post/Stop command, if one runs. */
  controlPid = 0;
  nRestarts = 0;
  /** STATUS= from sd_notify. */
  statusText = '';
  /** Start times within StartLimitIntervalSec, for the start limit. */
  readonly startTimes: number[] = [];
  /** Timer of the current state (restart delay, stop timeout). */
  timer?: { cancel(): void };
  invocationId = '';

  constructor(
    readonly unit: Unit,
    private readonly listener: StateListener,
  ) {}

  get id(): string {
    return this.unit.id;
  }

  get description(): string {
    return this.unit.unit.description ? `${this.unit.id} - ${this.unit.unit.description}` : this.unit.id;
  }

  setState(active: ActiveState, sub: string): void {
    this.timer?.cancel();
    this.timer = undefined;
    const from = this.activeState;
    this.activeState = active;
    this.subState = sub;
    if (from !== active) this.listener.unitStateChanged(this, from, active);
  }
}
