/**
 * The engine's queues and what a run looks like from outside, shared by the modules that fill and
 * drain them (engine.ts dispatch(), run-queue.ts, state-changes.ts, kind-context.ts).
 *
 * Nothing recurses across units: every consequence of an event is put in one of these queues, and
 * Engine.dispatch() drains them in the order of the fields below until all are empty, so the
 * requests of one event settle before any transition runs. The queues are only ever mutated in
 * place (never replaced), so every module holding them sees the same ones.
 */
import type { ActiveState, JobResult } from './job.js';
import type { Job } from './run-queue.js';
import type { ChildExitEvent } from './system.js';
import type { Request } from './transaction.js';
import type { Runtime } from './unit-table.js';

/** A unit moved from one ActiveState to another (one setState()), to be taken in by state-changes.ts. */
export interface StateChange {
  readonly unit: Runtime;
  readonly from: ActiveState;
  readonly to: ActiveState;
}

export interface Queues {
  /** 1. Requests → transactions → installed jobs. */
  readonly requests: Request[];
  /** 2. State changes → finished jobs, failure propagation, OnFailure=, retroactive requests. */
  readonly changes: StateChange[];
  /** 3. Jobs to try to run (their ordering may let them now). */
  readonly run: Set<Job>;
  /** 4. Units to check: StopWhenUnneeded=, BindsTo=, Upholds= (these become requests). */
  readonly unneeded: Set<string>;
  readonly bound: Set<string>;
  readonly upheld: Set<string>;
}

export function newQueues(): Queues {
  return { requests: [], changes: [], run: new Set(), unneeded: new Set(), bound: new Set(), upheld: new Set() };
}

/** What a run looks like from outside: tests record these, svcd prints them. */
export interface EngineObserver {
  jobInstalled?(job: Readonly<Job>): void;
  /** A unit got its Runtime (it is in memory, systemd's unit_new) / lost it to garbage collection. */
  unitNew?(unit: string): void;
  unitRemoved?(unit: string): void;
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
