/** What every svcctl verb receives: parsed options, positional args, and the output streams. */
import type { Writable } from 'node:stream';
import type { ListDependencyType } from '../../control/protocol.js';
import type { PresetMode } from '../../unit/preset-mode.js';

export interface SystemctlOptions {
  root?: string;
  runtimeDir?: string;
  property?: string[];
  value?: boolean;
  all?: boolean;
  type?: string[];
  state?: string[];
  /** list-dependencies' edges (--reverse, --after, --before; the last given). */
  dependency?: ListDependencyType;
  /** --plain: list-dependencies as a flat list, each unit once. */
  plain?: boolean;
  quiet?: boolean;
  noPager?: boolean;
  noBlock?: boolean;
  wait?: boolean;
  jobMode?: string;
  noReload?: boolean;
  noLegend?: boolean;
  /** list-sockets --show-types: the TYPE column. */
  showTypes?: boolean;
  full?: boolean;
  now?: boolean;
  force?: boolean;
  runtime?: boolean;
  /** --preset-mode, already checked. */
  presetMode?: PresetMode;
  /** edit --drop-in=NAME: the drop-in's file name instead of override.conf. */
  dropIn?: string;
  /** -s, already read by signal_from_string()'s rules. */
  signal?: number;
  kill_whom?: string;
  lines?: number;
  // systemd-escape's flags (svcctl escape)
  path?: boolean;
  unescape?: boolean;
  mangle?: boolean;
  template?: string;
  suffix?: string;
  instance?: boolean;
  // systemd-analyze calendar's (svcctl analyze calendar)
  iterations?: string;
  baseTime?: string;
  // systemd-analyze critical-chain's
  fuzz?: string;
  // systemd-analyze condition's
  unit?: string;
  // systemd-analyze dot's
  order?: boolean;
  require?: boolean;
  fromPattern?: string[];
  toPattern?: string[];
  /** systemd-analyze security --offline=BOOL, as written. */
  offline?: string;
}

export interface VerbContext {
  readonly verb: string;
  /** Positional arguments after the verb. */
  readonly args: readonly string[];
  readonly options: SystemctlOptions;
  readonly stdout: Writable;
  readonly stderr: Writable;
  readonly isTTY: boolean;
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** A verb returns its exit code (systemctl's codes: 0 ok, 1 failure, 3 inactive/not running, 4 no such unit). */
export type VerbHandler = (ctx: VerbContext) => Promise<number>;

/** Exit codes shared with systemctl (LSB: 0, 1, 3 "not running", 4 "no such unit"). */
export const EXIT_SUCCESS = 0;
export const EXIT_FAILURE = 1;
export const EXIT_INVALIDARGUMENT = 2;
export const EXIT_NOTINSTALLED = 4;
export const EXIT_PROGRAM_NOT_RUNNING = 3;
