/**
 * What a transaction is given and gives back: the manager's view it reads (TransactionEnv), the
 * request, the plan, and the error in systemd's words. Kept apart so that the steps and the
 * engine share these without importing each other.
 */
import type { Graph, GraphUnit } from '../../graph/graph.js';
import type { JobMode } from '../../shared/job-mode.js';
import type { ActiveState, JobState, JobType, QueuedJobType } from '../job.js';

export interface InstalledJobView {
  readonly type: QueuedJobType;
  readonly state: JobState;
  readonly irreversible: boolean;
}

/** What a transaction reads from the manager; it writes nothing. */
export interface TransactionEnv {
  readonly graph: Graph;
  activeState(id: string): ActiveState;
  installedJob(id: string): InstalledJobView | undefined;
  /** Unit-type capabilities (the vtable's flags). */
  canStart(u: GraphUnit): boolean;
  canReload(u: GraphUnit): boolean;
  /** Units with run-time state or jobs: the ones isolate and flush look at. */
  knownUnits(): Iterable<string>;
}

export interface Request {
  readonly unit: string;
  readonly type: JobType;
  readonly mode: JobMode;
  /** Asked for by a user (svcctl): RefuseManualStart=/RefuseManualStop= apply. */
  readonly manual?: boolean;
}

export interface PlannedJob {
  readonly unit: string;
  readonly type: QueuedJobType;
  readonly anchor: boolean;
  readonly ignoreOrder: boolean;
  readonly irreversible: boolean;
}

export interface Plan {
  readonly anchor: PlannedJob;
  readonly jobs: readonly PlannedJob[];
  /** Units whose installed jobs are canceled (isolate and flush cancel all others). */
  readonly cancel: readonly string[];
  /** Log lines in systemd's words (cycles broken, dependencies ignored), each as "unit: text". */
  readonly log: readonly string[];
}

export type TransactionErrorCode = 'no-such-unit' | 'load-failed' | 'masked' | 'bad-setting' | 'refused' | 'not-applicable' | 'conflicting-jobs' | 'cyclic' | 'destructive' | 'bad-mode';

export class TransactionError extends Error {
  constructor(
    readonly code: TransactionErrorCode,
    message: string,
    /** The D-Bus error name where it is not the code's own (a unit that failed to load: named after its errno). */
    readonly busName?: string,
  ) {
    super(message);
    this.name = 'TransactionError';
  }
}
