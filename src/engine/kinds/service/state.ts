/**
 * A service's states and what it keeps (systemd's service_state_table and struct Service): the
 * sub-states and their ActiveState, the typed per-unit state, the settings with the manager's
 * defaults applied, and setState(), through which every change of state goes.
 */
import type { TimerHandle } from '../../system.js';
import type { ActiveState } from '../../job.js';
import type { KindContext, ServiceCommand, ServiceSpec, UnitResult, UnitRuntime } from '../../unit-kind.js';
import { releaseFdStore, type StoredFd } from './fd-store.js';
import { watchdogFollowsState } from './watchdog.js';

/** A service's sub-states, in systemd's words (SubState=). */
export type ServiceSubState =
  | 'dead' | 'condition' | 'start-pre' | 'start' | 'start-post' | 'running' | 'exited' | 'reload' | 'stop'
  | 'stop-watchdog' | 'stop-sigterm' | 'stop-sigkill' | 'stop-post' | 'final-watchdog' | 'final-sigterm' | 'final-sigkill'
  | 'failed' | 'auto-restart';

/** systemd's service_state_table. */
export const STATES: Readonly<Record<ServiceSubState, ActiveState>> = {
  dead: 'inactive',
  condition: 'activating',
  'start-pre': 'activating',
  start: 'activating',
  'start-post': 'activating',
  running: 'active',
  exited: 'active',
  reload: 'reloading',
  stop: 'deactivating',
  'stop-watchdog': 'deactivating',
  'stop-sigterm': 'deactivating',
  'stop-sigkill': 'deactivating',
  'stop-post': 'deactivating',
  'final-watchdog': 'deactivating',
  'final-sigterm': 'deactivating',
  'final-sigkill': 'deactivating',
  failed: 'failed',
  'auto-restart': 'activating',
};

export type CommandKey = 'ExecCondition' | 'ExecStartPre' | 'ExecStart' | 'ExecStartPost' | 'ExecReload' | 'ExecStop' | 'ExecStopPost';

export const COMMAND_KEYS: readonly CommandKey[] = ['ExecCondition', 'ExecStartPre', 'ExecStart', 'ExecStartPost', 'ExecReload', 'ExecStop', 'ExecStopPost'];

/** What a service keeps between events, beside the UnitRuntime's pids and results. */
export interface ServiceState {
  /** The commands of the current phase still to run, and the one running. */
  queue: ServiceCommand[];
  key: CommandKey;
  index: number;
  current?: ServiceCommand;
  /** Start times within StartLimitIntervalSec=, for the start limit (kept across runs). */
  startTimes: number[];
  /** The next start is the automatic restart (NRestarts= is kept). */
  autoRestart: boolean;
  /** A stop was asked for: no automatic restart (systemd's forbid_restart). */
  forbidRestart: boolean;
  /** The running stop is the first half of a restart (RestartKillSignal=). */
  restarting: boolean;
  reloadOk: boolean;
  /** Every process this run spawned: each leads its own session, which its descendants stay in. */
  leaders: number[];
  /** When the watchdog fires (system.now() ms), while it runs; WATCHDOG=1 moves it. */
  watchdogDeadline?: number;
  watchdogTimer?: TimerHandle;
  /** When RuntimeMaxSec= runs out (system.now() ms), from the run's first entry into running. */
  runtimeDeadline?: number;
  /** WATCHDOG_USEC= from the service: replaces WatchdogSec= until the next start. */
  watchdogOverrideMs?: number;
  /** The last pid refused as main process this run (main-pid.ts tells each refusal once). */
  refusedMainPid?: number;
  /** FDSTORE=1: the fds kept for the service, newest first (fd-store.ts). */
  fdStore: StoredFd[];
}

/** The states a service has not yet begun to stop from (where WATCHDOG=trigger acts). */
export function newServiceState(): ServiceState {
  return { queue: [], key: 'ExecStart', index: 0, startTimes: [], autoRestart: false, forbidRestart: false, restarting: false, reloadOk: true, leaders: [], fdStore: [] };
}

/** A service as its kind sees it: the engine's runtime with the kind's typed state. */
export type ServiceUnit = UnitRuntime<ServiceState>;

export const UP_STATES: ReadonlySet<ServiceSubState> = new Set<ServiceSubState>(['condition', 'start-pre', 'start', 'start-post', 'running', 'reload']);

export const stateOf = (u: ServiceUnit): ServiceSubState => u.subState as ServiceSubState;

export function spec(u: ServiceUnit): ServiceSpec {
  return u.model.serviceSpec ?? { type: 'simple', execStart: [], remainAfterExit: false };
}

export const commandsOf = (s: ServiceSpec, key: CommandKey): readonly ServiceCommand[] => {
  switch (key) {
    case 'ExecCondition': return s.execCondition ?? [];
    case 'ExecStartPre': return s.execStartPre ?? [];
    case 'ExecStart': return s.execStart;
    case 'ExecStartPost': return s.execStartPost ?? [];
    case 'ExecReload': return s.execReload ?? [];
    case 'ExecStop': return s.execStop ?? [];
    case 'ExecStopPost': return s.execStopPost ?? [];
  }
};

export const isNotifyType = (s: ServiceSpec) => s.type === 'notify' || s.type === 'notify-reload';

export const notifyAccess = (s: ServiceSpec) => s.notifyAccess ?? (isNotifyType(s) ? 'main' : 'none');

export function timeoutStart(s: ServiceSpec, ctx: KindContext): number {
  // Type=oneshot has no start timeout unless one is set (systemd.service(5), TimeoutStartSec=).
  if (s.timeoutStartMs !== undefined) return s.timeoutStartMs;
  return s.type === 'oneshot' ? Infinity : ctx.defaults.timeoutStartMs;
}

export const timeoutStop = (s: ServiceSpec, ctx: KindContext) => s.timeoutStopMs ?? ctx.defaults.timeoutStopMs;

export function arm(u: ServiceUnit, ctx: KindContext, ms: number, fn: () => void): void {
  if (Number.isFinite(ms) && ms > 0) ctx.stateTimer(u, ms, fn);
}

/**
 * Every state change of a service goes through here: the engine's (which cancels the state's
 * timers), then the watchdog's rule (watchdog.ts), then the fd store's: emptied once the service
 * is down for good — not on the way to an automatic restart (auto-restart) nor in the stop half of
 * a restart job (systemd releases it only when no job is left to bring the unit up).
 */
export function setState(u: ServiceUnit, ctx: KindContext, state: ServiceSubState): void {
  ctx.setState(u, state);
  watchdogFollowsState(u, ctx, state);
  if ((state === 'dead' || state === 'failed') && !u.state.restarting) releaseFdStore(u, ctx);
}

export function setResult(u: ServiceUnit, f: UnitResult): void {
  if (u.result === 'success') u.result = f;
}
