/**
 * A path unit's settings as the engine's path kind acts on them (systemd.path(5)), made from the
 * loaded model by model-adapter.ts.
 */

/** What a PathXxx= line waits for (systemd's PathType). */
export type PathType = 'PathExists' | 'PathExistsGlob' | 'PathChanged' | 'PathModified' | 'DirectoryNotEmpty';

export interface PathWatchSpec {
  readonly type: PathType;
  /** Absolute and simplified. */
  readonly path: string;
}

export interface PathSpec {
  /** In file order. */
  readonly watches: readonly PathWatchSpec[];
  /** The unit it starts (Unit=, else NAME.service). */
  readonly unit: string;
  readonly makeDirectory: boolean;
  readonly directoryMode: number;
  /** TriggerLimitIntervalSec=/TriggerLimitBurst= (either 0: no limit). */
  readonly triggerLimitIntervalUs: bigint;
  readonly triggerLimitBurst: number;
}
