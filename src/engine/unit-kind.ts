/**
 * One module per unit type behind one interface (systemd's unit vtable): the engine calls these
 * hooks and reads these flags, and never asks which type a unit is.
 *
 * Contract for a kind: it changes a unit's state only through ctx.setState(), naming one of its
 * own sub-states; the engine derives ActiveState from the kind's table, disarms the unit's timers
 * and settles jobs from that. A hook never calls back into the engine synchronously otherwise.
 */
import type { GraphUnit } from '../graph/graph.js';
import type { ActiveState } from './job.js';
import type { ChildExitEvent, SignalName, System, TimerHandle } from './system.js';

/** systemd's Result= words. */
export type UnitResult = 'success' | 'resources' | 'protocol' | 'timeout' | 'exit-code' | 'signal' | 'core-dump' | 'watchdog' | 'start-limit-hit';

/** A unit as the engine runs it. Written only by the engine (state) and its kind (data, pids). */
export interface UnitRuntime {
  readonly id: string;
  readonly model: EngineUnit;
  readonly kind: UnitKind;
  readonly subState: string;
  readonly activeState: ActiveState;
  result: UnitResult;
  mainPid: number;
  controlPid: number;
  /** Kind-private bookkeeping (which ExecStart= line runs, …). */
  data: Record<string, unknown>;
}

/** A service's command lines and settings, as far as the engine's service kind runs them. */
export interface ServiceSpec {
  readonly type: 'simple' | 'exec' | 'oneshot' | 'forking' | 'notify' | 'dbus' | 'idle';
  readonly execStart: readonly (readonly string[])[];
  readonly execReload?: readonly (readonly string[])[];
  readonly remainAfterExit: boolean;
  /** undefined: the default (90 s; none for oneshot). */
  readonly timeoutStartMs?: number;
  readonly timeoutStopMs?: number;
  /** Exit codes that count as success besides 0. */
  readonly successExitStatus?: readonly number[];
}

/** What the engine knows about a loaded unit: the graph's view plus what the kinds run. */
export interface EngineUnit extends GraphUnit {
  readonly description?: string;
  readonly serviceSpec?: ServiceSpec;
}

export interface KindContext {
  readonly system: System;
  setState(u: UnitRuntime, subState: string): void;
  /** A timer that belongs to the unit's current state: setState() cancels it. */
  stateTimer(u: UnitRuntime, ms: number, fn: () => void): TimerHandle;
  spawn(u: UnitRuntime, argv: readonly string[], role: 'main' | 'control'): number | undefined;
  kill(u: UnitRuntime, pid: number, signal: SignalName): void;
  log(u: UnitRuntime, text: string): void;
}

export interface UnitKind {
  readonly type: GraphUnit['type'];
  /** The sub-state → ActiveState table (systemd's state_translation_table). */
  readonly states: Readonly<Record<string, ActiveState>>;
  readonly initialState: string;
  canStart(u: EngineUnit): boolean;
  canReload(u: EngineUnit): boolean;
  /** Begin starting; report progress through setState(). */
  start(u: UnitRuntime, ctx: KindContext): void;
  /** Begin stopping. */
  stop(u: UnitRuntime, ctx: KindContext): void;
  reload?(u: UnitRuntime, ctx: KindContext): void;
  /** Whether the last reload succeeded (asked when the unit leaves "reloading"). */
  reloadSucceeded?(u: UnitRuntime): boolean;
  childExit?(u: UnitRuntime, e: ChildExitEvent, ctx: KindContext): void;
  notify?(u: UnitRuntime, pid: number, message: string, ctx: KindContext): void;
}
