/**
 * Services (systemd.service(5), systemd.kill(5)): the state machine of systemd's service.c, in its
 * sub-state words.
 *
 *   dead|failed → condition (ExecCondition=) → start-pre → start → start-post → running | exited
 *   running → reload → running;  running|exited → stop (ExecStop=) → stop-sigterm → stop-sigkill
 *   → stop-post (ExecStopPost=) → final-sigterm → final-sigkill → dead | failed | auto-restart
 *   auto-restart → (RestartSec=, then a restart job from the engine) → dead → condition …
 *   start-post|running|reload → stop-watchdog (WatchdogSec= expired, WATCHDOG=trigger) → stop-sigkill …
 *   a start/stop timeout does what TimeoutStartFailureMode=/TimeoutStopFailureMode= ask: terminate
 *   (SIGTERM), abort (stop-watchdog/final-watchdog: WatchdogSignal=, then TimeoutAbortSec=) or kill.
 *
 * Invariants: mainPid is the service's main process (for oneshot, the ExecStart= line that runs);
 * controlPid the ExecCondition/StartPre/StartPost/Reload/Stop/StopPost line (and forking's
 * ExecStart=) that runs, at most one at a time; result keeps the first failure of a run; every
 * state entry arms its own timeout (TimeoutStartSec= for the start states, TimeoutStopSec= for the
 * stop states), disarmed by the engine at the next setState(). The watchdog runs beside them in
 * start-post, running and reload only (systemd's service_set_state stops it elsewhere): it is a
 * state timer re-armed, with what is left of its period, by every entry into those states.
 *
 * Each (state, event) pair is decided in the switches below; a row that does nothing says why.
 */
import { randomBytes } from 'node:crypto';
import type { ExecStatus, ExitCode } from '../api.js';
import { NEVER } from '../api.js';
import type { ActiveState } from '../job.js';
import type { ChildExitEvent, TimerHandle } from '../system.js';
import { formatTimespan } from '../../shared/timespan.js';
import { EXIT_STATUS_FULL, exitStatusToString } from '../../shared/exit-status.js';
import { signalToString } from '../../shared/signal.js';
import type { KindContext, RestartPolicy, ServiceCommand, ServiceSpec, UnitKind, UnitResult, UnitRuntime } from '../unit-kind.js';

export type ServiceState =
  | 'dead' | 'condition' | 'start-pre' | 'start' | 'start-post' | 'running' | 'exited' | 'reload' | 'stop'
  | 'stop-watchdog' | 'stop-sigterm' | 'stop-sigkill' | 'stop-post' | 'final-watchdog' | 'final-sigterm' | 'final-sigkill'
  | 'failed' | 'auto-restart';

/** systemd's service_state_table. */
const STATES: Readonly<Record<ServiceState, ActiveState>> = {
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

type CommandKey = 'ExecCondition' | 'ExecStartPre' | 'ExecStart' | 'ExecStartPost' | 'ExecReload' | 'ExecStop' | 'ExecStopPost';
const COMMAND_KEYS: readonly CommandKey[] = ['ExecCondition', 'ExecStartPre', 'ExecStart', 'ExecStartPost', 'ExecReload', 'ExecStop', 'ExecStopPost'];

/** Signals a daemon may die of in a clean stop (systemd's is_clean_exit for EXIT_CLEAN_DAEMON). */
const CLEAN_SIGNALS: readonly number[] = [1, 2, 13, 15];
const SIGABRT = 6;
const SIGKILL = 9;
const SIGHUP = 1;
const SIGTERM = 15;

interface ServiceData {
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
}

/** The states a service has not yet begun to stop from (where WATCHDOG=trigger acts). */
const UP_STATES: ReadonlySet<ServiceState> = new Set<ServiceState>(['condition', 'start-pre', 'start', 'start-post', 'running', 'reload']);

const stateOf = (u: UnitRuntime): ServiceState => u.subState as ServiceState;

function spec(u: UnitRuntime): ServiceSpec {
  return u.model.serviceSpec ?? { type: 'simple', execStart: [], remainAfterExit: false };
}

function data(u: UnitRuntime): ServiceData {
  let d = u.data as unknown as ServiceData | undefined;
  if (!d || !Array.isArray(d.startTimes)) {
    d = { queue: [], key: 'ExecStart', index: 0, startTimes: [], autoRestart: false, forbidRestart: false, restarting: false, reloadOk: true, leaders: [] };
    u.data = d as unknown as Record<string, unknown>;
  }
  return d;
}

const commandsOf = (s: ServiceSpec, key: CommandKey): readonly ServiceCommand[] => {
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

const isNotifyType = (s: ServiceSpec) => s.type === 'notify' || s.type === 'notify-reload';
const notifyAccess = (s: ServiceSpec) => s.notifyAccess ?? (isNotifyType(s) ? 'main' : 'none');

function timeoutStart(s: ServiceSpec, ctx: KindContext): number {
  // Type=oneshot has no start timeout unless one is set (systemd.service(5), TimeoutStartSec=).
  if (s.timeoutStartMs !== undefined) return s.timeoutStartMs;
  return s.type === 'oneshot' ? Infinity : ctx.defaults.timeoutStartMs;
}
const timeoutStop = (s: ServiceSpec, ctx: KindContext) => s.timeoutStopMs ?? ctx.defaults.timeoutStopMs;

function arm(u: UnitRuntime, ctx: KindContext, ms: number, fn: () => void): void {
  if (Number.isFinite(ms) && ms > 0) ctx.stateTimer(u, ms, fn);
}

/** States in which the watchdog runs (systemd's SERVICE_STATE_WITH_WATCHDOG). */
const WATCHDOG_STATES: ReadonlySet<string> = new Set<ServiceState>(['start-post', 'running', 'reload']);

/**
 * Every state change of a service goes through here: the engine's (which cancels the state's
 * timers), then the watchdog's rule — kept, with what is left of its period, in the watchdog
 * states; stopped in any other.
 */
function setState(u: UnitRuntime, ctx: KindContext, state: ServiceState): void {
  ctx.setState(u, state);
  const d = data(u);
  d.watchdogTimer = undefined;
  if (d.watchdogDeadline === undefined) return;
  if (WATCHDOG_STATES.has(state)) armWatchdogTimer(u, ctx);
  else d.watchdogDeadline = undefined;
}

/** WatchdogSec=, or what WATCHDOG_USEC= set for this run; undefined: no watchdog. */
function watchdogPeriod(u: UnitRuntime): number | undefined {
  const ms = data(u).watchdogOverrideMs ?? spec(u).watchdogMs;
  return ms !== undefined && Number.isFinite(ms) && ms > 0 ? ms : undefined;
}

/** systemd's service_reset_watchdog: a new period starts now (start-post entry, WATCHDOG=1, WATCHDOG_USEC=). */
function resetWatchdog(u: UnitRuntime, ctx: KindContext): void {
  const d = data(u);
  d.watchdogTimer?.cancel();
  d.watchdogTimer = undefined;
  const ms = watchdogPeriod(u);
  d.watchdogDeadline = ms === undefined ? undefined : ctx.system.now() + ms;
  if (ms !== undefined) armWatchdogTimer(u, ctx);
}

function armWatchdogTimer(u: UnitRuntime, ctx: KindContext): void {
  const d = data(u);
  const ms = watchdogPeriod(u) ?? 0;
  d.watchdogTimer = ctx.stateTimer(u, Math.max(0, (d.watchdogDeadline ?? 0) - ctx.system.now()), () => {
    d.watchdogTimer = undefined;
    d.watchdogDeadline = undefined;
    ctx.log(u, `Watchdog timeout (limit ${formatTimespan(BigInt(Math.round(ms * 1000)), 1n)})!`);
    enterSignal(u, ctx, 'stop-watchdog', 'watchdog');
  });
}

/** si_code and status of an exit, as ExecMainCode=/ExecMainStatus= show them. */
function exitCodeOf(e: ChildExitEvent): { code: ExitCode; status: number } {
  if (e.signal === 0) return { code: 1, status: e.code };
  return { code: e.coreDumped ? 3 : 2, status: e.signal };
}

/** What an exit means for the service (systemd's is_clean_exit and the SERVICE_FAILURE_* mapping). */
function exitResult(s: ServiceSpec, e: ChildExitEvent, daemon: boolean): UnitResult {
  if (e.signal === 0) return e.code === 0 || (s.successExitStatus ?? []).includes(e.code) ? 'success' : 'exit-code';
  if ((daemon && CLEAN_SIGNALS.includes(e.signal)) || (s.successExitSignals ?? []).includes(e.signal)) return 'success';
  return e.coreDumped ? 'core-dump' : 'signal';
}

function setResult(u: UnitRuntime, f: UnitResult): void {
  if (u.result === 'success') u.result = f;
}

/** "status=3/NOTIMPLEMENTED", "status=9/KILL": systemd's exit_status_to_string(…, EXIT_STATUS_FULL) and signal_to_string. */
function statusText(code: number, status: number): string {
  const name = code === 1 ? exitStatusToString(status, EXIT_STATUS_FULL) : signalToString(status);
  return `${status}/${name ?? 'n/a'}`;
}

// ---- running commands ----------------------------------------------------------------------------

/** The environment systemd.exec(5) gives each command ("Environment Variables in Spawned Processes"). */
function extraEnv(u: UnitRuntime, ctx: KindContext, key: CommandKey): Record<string, string> {
  const s = spec(u);
  const env: Record<string, string> = {};
  if (ctx.defaults.notifySocket && notifyAccess(s) !== 'none') env.NOTIFY_SOCKET = ctx.defaults.notifySocket;
  if ((key === 'ExecStartPost' || key === 'ExecReload' || key === 'ExecStop') && u.mainPid > 0) env.MAINPID = String(u.mainPid);
  if (key === 'ExecStop' || key === 'ExecStopPost') {
    env.SERVICE_RESULT = u.result;
    if (u.execMain.code !== 0) {
      env.EXIT_CODE = u.execMain.code === 1 ? 'exited' : u.execMain.code === 2 ? 'killed' : 'dumped';
      env.EXIT_STATUS = u.execMain.code === 1 ? String(u.execMain.status) : signalToString(u.execMain.status);
    }
  }
  return env;
}

function recordStart(u: UnitRuntime, ctx: KindContext, key: CommandKey, index: number, pid: number): ExecStatus {
  const run: ExecStatus = { pid, start: ctx.timestamp(), exit: NEVER, code: 0, status: 0 };
  const list = u.commands[key];
  const entry = list?.[index];
  if (entry) list[index] = { ...entry, run };
  return run;
}

function recordExit(u: UnitRuntime, ctx: KindContext, e: ChildExitEvent, main: boolean): void {
  const { code, status } = exitCodeOf(e);
  const d = data(u);
  const entry = u.commands[d.key]?.[d.index];
  if (entry?.run && entry.run.pid === e.pid) u.commands[d.key]![d.index] = { ...entry, run: { ...entry.run, exit: ctx.timestamp(), code, status } };
  if (main) u.execMain = { ...u.execMain, pid: e.pid, exit: ctx.timestamp(), code, status };
}

/**
 * Spawns the next command of the current phase. Returns false when the queue is empty. A spawn
 * that fails before the program runs is handled as that process exiting with systemd's status.
 */
function runNext(u: UnitRuntime, ctx: KindContext, role: 'main' | 'control'): boolean {
  const d = data(u);
  const s = spec(u);
  const cmd = d.queue.shift();
  if (!cmd) return false;
  d.current = cmd;
  d.index = commandsOf(s, d.key).length - d.queue.length - 1;
  const privileged = cmd.privileged || (s.permissionsStartOnly === true && d.key !== 'ExecStart');
  const r = ctx.spawn(u, cmd, { role, privileged, extraEnv: extraEnv(u, ctx, d.key) });
  if (typeof r === 'number') {
    d.leaders.push(r);
    if (role === 'main') {
      u.mainPid = r;
      u.execMain = { pid: r, start: ctx.timestamp(), exit: NEVER, code: 0, status: 0 };
    } else {
      u.controlPid = r;
    }
    recordStart(u, ctx, d.key, d.index, r);
    return true;
  }
  ctx.log(u, r.message);
  const exit: ChildExitEvent = { pid: 0, code: r.status, signal: 0 };
  recordStart(u, ctx, d.key, d.index, 0);
  if (role === 'main') {
    u.mainPid = 0;
    u.execMain = { pid: 0, start: ctx.timestamp(), exit: NEVER, code: 0, status: 0 };
    recordExit(u, ctx, exit, true);
    mainExited(u, ctx, exit, cmd);
  } else {
    u.controlPid = 0;
    recordExit(u, ctx, exit, false);
    controlExited(u, ctx, exit);
  }
  return true;
}

function beginPhase(u: UnitRuntime, key: CommandKey): void {
  const d = data(u);
  d.key = key;
  d.queue = [...commandsOf(spec(u), key)];
  d.current = undefined;
}

// ---- entering states (systemd's service_enter_*) ------------------------------------------------

function enterCondition(u: UnitRuntime, ctx: KindContext): void {
  beginPhase(u, 'ExecCondition');
  if ((spec(u).execCondition ?? []).length === 0) return enterStartPre(u, ctx);
  setState(u, ctx, 'condition');
  armStartTimeout(u, ctx);
  runNext(u, ctx, 'control');
}

function armStartTimeout(u: UnitRuntime, ctx: KindContext): void {
  const state = stateOf(u);
  arm(u, ctx, timeoutStart(spec(u), ctx), () => {
    const what = state === 'start-post' ? 'Start-post' : state;
    switch (spec(u).timeoutStartFailureMode ?? 'terminate') {
      case 'terminate':
        if (state === 'start-post') {
          ctx.log(u, 'Start-post operation timed out. Stopping.');
          return enterStop(u, ctx, 'timeout');
        }
        ctx.log(u, `${what} operation timed out. Terminating.`);
        return enterSignal(u, ctx, 'stop-sigterm', 'timeout');
      case 'abort':
        ctx.log(u, `${what} operation timed out. Aborting.`);
        return enterSignal(u, ctx, 'stop-watchdog', 'timeout');
      case 'kill':
        return killOrSkip(u, ctx, `${what} operation timed out.`, 'stop-sigkill');
    }
  });
}

function enterStartPre(u: UnitRuntime, ctx: KindContext): void {
  beginPhase(u, 'ExecStartPre');
  if ((spec(u).execStartPre ?? []).length === 0) return enterStart(u, ctx);
  setState(u, ctx, 'start-pre');
  armStartTimeout(u, ctx);
  runNext(u, ctx, 'control');
}

function enterStart(u: UnitRuntime, ctx: KindContext): void {
  const s = spec(u);
  beginPhase(u, 'ExecStart');
  if (s.execStart.length === 0) {
    // Only oneshot services may lack ExecStart= (the loader refuses the others).
    return enterStartPost(u, ctx);
  }
  setState(u, ctx, 'start');
  // Type=forking's ExecStart= is a control process: the daemon it leaves behind is the main one.
  const role = s.type === 'forking' ? 'control' : 'main';
  if (s.type !== 'simple' && s.type !== 'idle' && s.type !== 'exec') armStartTimeout(u, ctx);
  runNext(u, ctx, role);
  if (stateOf(u) !== 'start') return; // a spawn failure moved on already
  // simple/idle (and exec, whose execve() the spawner waited for) are started once the process is.
  if ((s.type === 'simple' || s.type === 'idle' || s.type === 'exec' || s.type === 'dbus') && u.mainPid > 0) enterStartPost(u, ctx);
}

function enterStartPost(u: UnitRuntime, ctx: KindContext): void {
  resetWatchdog(u, ctx);
  beginPhase(u, 'ExecStartPost');
  if ((spec(u).execStartPost ?? []).length === 0) return enterRunning(u, ctx, 'success');
  setState(u, ctx, 'start-post');
  armStartTimeout(u, ctx);
  runNext(u, ctx, 'control');
}

function enterRunning(u: UnitRuntime, ctx: KindContext, f: UnitResult): void {
  const s = spec(u);
  setResult(u, f);
  u.controlPid = 0;
  if (u.result !== 'success') return enterSignal(u, ctx, 'stop-sigterm', u.result);
  if (u.mainPid > 0 || (s.type === 'forking' && !s.pidFile && u.mainPid === 0 && hasLiveProcesses(u, ctx))) {
    setState(u, ctx, 'running');
    armRuntimeMax(u, ctx);
    return;
  }
  if (s.remainAfterExit) return setState(u, ctx, 'exited');
  enterStop(u, ctx, 'success');
}

/**
 * RuntimeMaxSec=: counted from when the run became active (systemd's active_enter_timestamp), so a
 * reload does not restart it; it ends the run as a failed stop (systemd's service_dispatch_timer).
 */
function armRuntimeMax(u: UnitRuntime, ctx: KindContext): void {
  const max = spec(u).runtimeMaxMs;
  if (max === undefined || !Number.isFinite(max)) return;
  const d = data(u);
  d.runtimeDeadline ??= ctx.system.now() + max;
  ctx.stateTimer(u, Math.max(0, d.runtimeDeadline - ctx.system.now()), () => {
    ctx.log(u, 'Service reached runtime time limit. Stopping.');
    enterStop(u, ctx, 'timeout');
  });
}

/** The unit's live processes: the sessions of everything this run spawned (a forking daemon included). */
function processesOf(u: UnitRuntime, ctx: KindContext, fresh = false): readonly number[] {
  const known = [...new Set([...data(u).leaders, u.mainPid, u.controlPid])].filter((p) => p > 0);
  return ctx.system.unitProcesses ? ctx.system.unitProcesses(u.id, known, fresh) : ctx.processes(u);
}

/** Asked when a decision rests on it (a forking daemon's PID file, "nothing left"): a fresh look. */
function hasLiveProcesses(u: UnitRuntime, ctx: KindContext): boolean {
  return processesOf(u, ctx, true).length > 0;
}

function enterStop(u: UnitRuntime, ctx: KindContext, f: UnitResult): void {
  setResult(u, f);
  beginPhase(u, 'ExecStop');
  if ((spec(u).execStop ?? []).length === 0) return enterSignal(u, ctx, 'stop-sigterm', 'success');
  setState(u, ctx, 'stop');
  arm(u, ctx, timeoutStop(spec(u), ctx), () => stopTimedOut(u, ctx, 'Stopping timed out.', 'stop'));
  runNext(u, ctx, 'control');
}

function enterStopPost(u: UnitRuntime, ctx: KindContext, f: UnitResult): void {
  setResult(u, f);
  beginPhase(u, 'ExecStopPost');
  if ((spec(u).execStopPost ?? []).length === 0) return enterSignal(u, ctx, 'final-sigterm', 'success');
  setState(u, ctx, 'stop-post');
  arm(u, ctx, timeoutStop(spec(u), ctx), () => stopTimedOut(u, ctx, "State 'stop-post' timed out.", 'final'));
  runNext(u, ctx, 'control');
}

/** ExecStop= (stop) or ExecStopPost= (final) outlived TimeoutStopSec=: TimeoutStopFailureMode= decides. */
function stopTimedOut(u: UnitRuntime, ctx: KindContext, what: string, phase: 'stop' | 'final'): void {
  switch (spec(u).timeoutStopFailureMode ?? 'terminate') {
    case 'terminate':
      ctx.log(u, `${what} Terminating.`);
      return enterSignal(u, ctx, phase === 'stop' ? 'stop-sigterm' : 'final-sigterm', 'timeout');
    case 'abort':
      ctx.log(u, `${what} Aborting.`);
      return enterSignal(u, ctx, phase === 'stop' ? 'stop-watchdog' : 'final-watchdog', 'timeout');
    case 'kill':
      return killOrSkip(u, ctx, what, phase === 'stop' ? 'stop-sigkill' : 'final-sigkill');
  }
}

type SignalState = 'stop-watchdog' | 'stop-sigterm' | 'stop-sigkill' | 'final-watchdog' | 'final-sigterm' | 'final-sigkill';

/**
 * A timeout's "kill" step: SIGKILL, unless SendSIGKILL=no, which skips to ExecStopPost= (stop
 * states) or to failed (final states), as systemd's service_dispatch_timer does.
 */
function killOrSkip(u: UnitRuntime, ctx: KindContext, what: string, next: 'stop-sigkill' | 'final-sigkill'): void {
  if (spec(u).sendSIGKILL !== false) {
    ctx.log(u, `${what} Killing.`);
    return enterSignal(u, ctx, next, 'timeout');
  }
  if (next === 'stop-sigkill') {
    ctx.log(u, `${what} Skipping SIGKILL.`);
    return enterStopPost(u, ctx, 'timeout');
  }
  ctx.log(u, `${what} Skipping SIGKILL. Entering failed mode.`);
  enterDead(u, ctx, 'timeout', false);
}

/**
 * Signals what is left of the service (systemd's unit_kill_context): the main and control
 * processes always, every process of the unit for KillMode=control-group (and for mixed, with
 * SIGKILL). Says what there is to wait for: the exit of a process svcd started (`children`), only
 * processes that left it (`others`: a daemon that forked away), or nothing.
 */
function killProcesses(u: UnitRuntime, ctx: KindContext, state: SignalState): 'children' | 'others' | 'none' {
  const s = spec(u);
  const mode = s.killMode ?? 'control-group';
  if (mode === 'none') return 'none';
  const op = state === 'stop-watchdog' || state === 'final-watchdog' ? 'watchdog' : state === 'stop-sigkill' || state === 'final-sigkill' ? 'kill' : 'terminate';
  const signal = op === 'watchdog' ? s.watchdogSignal ?? SIGABRT : op === 'kill' ? s.finalKillSignal ?? SIGKILL : data(u).restarting && s.restartKillSignal ? s.restartKillSignal : s.killSignal ?? SIGTERM;
  const known = [u.mainPid, u.controlPid].filter((p) => p > 0);
  const send = (target: number) => {
    ctx.kill(u, target, signal);
    if (op === 'terminate' && s.sendSIGHUP) ctx.kill(u, target, SIGHUP);
  };
  let others = 0;
  if (mode === 'control-group' || (mode === 'mixed' && op === 'kill')) {
    // Every command leads its own session and process group: signalling the groups reaches every
    // descendant that stayed in them, with one syscall each.
    const leaders = new Set(data(u).leaders);
    for (const leader of new Set([...known, ...leaders])) send(-leader);
    // A main PID from PIDFile=/MAINPID= may not lead a group of its own: signal it by name too.
    for (const p of known) if (!leaders.has(p)) send(p);
    // What left the groups (setsid() after a double fork) is found by its INVOCATION_ID.
    const reached = new Set(known);
    for (const p of processesOf(u, ctx)) {
      if (reached.has(p)) continue;
      others++;
      send(p);
    }
  } else {
    for (const p of known) send(p);
  }
  return known.length > 0 ? 'children' : others > 0 ? 'others' : 'none';
}

/**
 * Processes that are not svcd's children send no SIGCHLD to wait for: look again until the unit
 * has none left (systemd waits for its cgroup to empty), then go on as after the last exit.
 */
function watchUntilEmpty(u: UnitRuntime, ctx: KindContext, state: SignalState): void {
  ctx.stateTimer(u, 50, () => {
    if (u.mainPid > 0 || u.controlPid > 0 || stateOf(u) !== state) return;
    if (hasLiveProcesses(u, ctx)) return watchUntilEmpty(u, ctx, state);
    if (state === 'final-watchdog' || state === 'final-sigterm' || state === 'final-sigkill') enterDead(u, ctx, 'success', true);
    else enterStopPost(u, ctx, 'success');
  });
}

function enterSignal(u: UnitRuntime, ctx: KindContext, state: SignalState, f: UnitResult): void {
  const s = spec(u);
  setResult(u, f);
  const final = state === 'final-watchdog' || state === 'final-sigterm' || state === 'final-sigkill';
  const waitFor = killProcesses(u, ctx, state);
  if (waitFor !== 'none') {
    setState(u, ctx, state);
    if (waitFor === 'others') watchUntilEmpty(u, ctx, state);
    const watchdog = state === 'stop-watchdog' || state === 'final-watchdog';
    // TimeoutAbortSec= (unset: TimeoutStopSec=) bounds the wait after WatchdogSignal=.
    arm(u, ctx, watchdog ? s.timeoutAbortMs ?? ctx.defaults.timeoutAbortMs ?? timeoutStop(s, ctx) : timeoutStop(s, ctx), () => {
      switch (state) {
        case 'stop-watchdog':
        case 'final-watchdog':
          return killOrSkip(u, ctx, `State '${state}' timed out.`, final ? 'final-sigkill' : 'stop-sigkill');
        case 'stop-sigterm':
        case 'final-sigterm':
          if (s.timeoutStopFailureMode === 'abort') {
            ctx.log(u, `State '${state}' timed out. Aborting.`);
            return enterSignal(u, ctx, final ? 'final-watchdog' : 'stop-watchdog', 'timeout');
          }
          return killOrSkip(u, ctx, `State '${state}' timed out.`, final ? 'final-sigkill' : 'stop-sigkill');
        case 'stop-sigkill':
          ctx.log(u, 'Processes still around after SIGKILL. Ignoring.');
          return enterStopPost(u, ctx, 'timeout');
        case 'final-sigkill':
          ctx.log(u, 'Processes still around after final SIGKILL. Entering failed mode.');
          return enterDead(u, ctx, 'timeout', true);
      }
    });
    return;
  }
  if (final) return enterDead(u, ctx, 'success', true);
  enterStopPost(u, ctx, 'success');
}

/** systemd's service_shall_restart. */
function shallRestart(u: UnitRuntime): boolean {
  const s = spec(u);
  const d = data(u);
  if (d.forbidRestart) return false;
  const { code, status } = u.execMain;
  const matches = (codes?: readonly number[], signals?: readonly number[]) =>
    (code === 1 && (codes ?? []).includes(status)) || ((code === 2 || code === 3) && (signals ?? []).includes(status));
  if (matches(s.restartPreventExitStatus, s.restartPreventExitSignals)) return false;
  if (matches(s.restartForceExitStatus, s.restartForceExitSignals)) return true;
  const r = u.result;
  const policy: RestartPolicy = s.restart ?? 'no';
  switch (policy) {
    case 'no': return false;
    case 'always': return r !== 'exec-condition';
    case 'on-success': return r === 'success';
    case 'on-failure': return r !== 'success' && r !== 'exec-condition';
    case 'on-abnormal': return r !== 'success' && r !== 'exit-code' && r !== 'exec-condition';
    case 'on-watchdog': return r === 'watchdog';
    case 'on-abort': return r === 'signal' || r === 'core-dump';
  }
}

function enterDead(u: UnitRuntime, ctx: KindContext, f: UnitResult, allowRestart: boolean): void {
  setResult(u, f);
  u.mainPid = 0;
  u.controlPid = 0;
  // A fresh PrivateTmp= for the next run, also after an automatic restart (as service_enter_dead).
  ctx.system.releaseRuntime?.(u.id);
  const d = data(u);
  if (allowRestart && u.result !== 'start-limit-hit' && shallRestart(u)) {
    setState(u, ctx, 'auto-restart');
    const s = spec(u);
    const delay = s.restartMs ?? ctx.defaults.restartMs;
    const schedule = () => {
      d.autoRestart = true;
      u.nRestarts++;
      ctx.log(u, `Scheduled restart job, restart counter is at ${u.nRestarts}.`);
      ctx.requestJob(u, 'restart', 'replace');
    };
    if (delay > 0 && Number.isFinite(delay)) ctx.stateTimer(u, delay, schedule);
    else schedule();
    return;
  }
  d.forbidRestart = false;
  setState(u, ctx, u.result === 'success' || u.result === 'exec-condition' ? 'dead' : 'failed');
}

// ---- events ------------------------------------------------------------------------------------

function mainExited(u: UnitRuntime, ctx: KindContext, e: ChildExitEvent, cmd: ServiceCommand | undefined): void {
  const s = spec(u);
  const d = data(u);
  let f = exitResult(s, e, s.type !== 'oneshot');
  if (cmd?.ignoreFailure) f = 'success';
  if (f !== 'success') {
    const { code, status } = exitCodeOf(e);
    ctx.log(u, `Main process exited, code=${code === 1 ? 'exited' : code === 2 ? 'killed' : 'dumped'}, status=${statusText(code, status)}`);
  }
  u.mainPid = 0;
  // Another ExecStart= line of a oneshot service: run it.
  if (s.type === 'oneshot' && f === 'success' && stateOf(u) === 'start' && d.queue.length > 0) {
    runNext(u, ctx, 'main');
    return;
  }
  switch (stateOf(u)) {
    case 'start-post':
    case 'reload':
    case 'stop':
      // The operation's own process decides; the main process's exit is kept in execMain.
      if (f !== 'success') setResult(u, f);
      return;
    case 'start':
      if (s.type === 'oneshot') {
        if (f === 'success') return enterStartPost(u, ctx);
        return enterSignal(u, ctx, 'stop-sigterm', f);
      }
      if (isNotifyType(s)) {
        // Only READY=1 makes a notify service running; exiting before it is a failure.
        if (f !== 'success') return enterSignal(u, ctx, 'stop-sigterm', f);
        if (!s.remainAfterExit || notifyAccess(s) === 'main') return enterSignal(u, ctx, 'stop-sigterm', 'protocol');
        return;
      }
      return enterRunning(u, ctx, f);
    case 'running':
      return enterRunning(u, ctx, f);
    case 'stop-watchdog':
    case 'stop-sigterm':
    case 'stop-sigkill':
      if (u.controlPid === 0) enterStopPost(u, ctx, f);
      else setResult(u, f);
      return;
    case 'stop-post':
      if (u.controlPid === 0) enterSignal(u, ctx, 'final-sigterm', f);
      else setResult(u, f);
      return;
    case 'final-watchdog':
    case 'final-sigterm':
    case 'final-sigkill':
      if (u.controlPid === 0) enterDead(u, ctx, f, true);
      else setResult(u, f);
      return;
    case 'dead':
    case 'failed':
    case 'exited':
    case 'condition':
    case 'start-pre':
    case 'auto-restart':
      return; // no main process runs in these states: a late exit changes nothing
  }
}

function controlExited(u: UnitRuntime, ctx: KindContext, e: ChildExitEvent): void {
  const s = spec(u);
  const d = data(u);
  let f = exitResult(s, e, false);
  if (d.current?.ignoreFailure) f = 'success';
  const state = stateOf(u);
  if (f !== 'success') {
    const { code, status } = exitCodeOf(e);
    ctx.log(u, `Control process exited, code=${code === 1 ? 'exited' : code === 2 ? 'killed' : 'dumped'}, status=${statusText(code, status)}`);
  }
  // ExecCondition= exiting 1…254 skips the unit; 255 or a signal is a failure (systemd.service(5)).
  if (state === 'condition' && f !== 'success' && e.signal === 0 && e.code > 0 && e.code < 255) f = 'exec-condition';
  u.controlPid = 0;
  if (f === 'success' && d.queue.length > 0) {
    runNext(u, ctx, 'control');
    return;
  }
  d.current = undefined;
  switch (state) {
    case 'condition':
      if (f === 'success') return enterStartPre(u, ctx);
      if (f === 'exec-condition') {
        ctx.log(u, 'Skipped due to \'exec-condition\'.');
        return enterDead(u, ctx, f, false);
      }
      return enterSignal(u, ctx, 'stop-sigterm', f);
    case 'start-pre':
      if (f === 'success') return enterStart(u, ctx);
      return enterSignal(u, ctx, 'stop-sigterm', f);
    case 'start':
      // Only Type=forking runs ExecStart= as a control process: its exit means "the daemon is up".
      if (s.type !== 'forking') return;
      if (f !== 'success') return enterSignal(u, ctx, 'stop-sigterm', f);
      if (s.pidFile && (s.execStartPost ?? []).length === 0) {
        const pid = readMainPid(u, ctx);
        if (!pid) {
          // systemd's service_demand_pid_file: while the daemon's processes live, wait for the file
          // (until TimeoutStartSec=, which stays armed); with nothing left, it is a protocol failure.
          // A daemon that called setsid() and scrubbed its environment (nginx) is only a stray
          // child of svcd until its PID file names it: strays count as live here.
          if (!hasLiveProcesses(u, ctx) && (ctx.system.strayProcesses?.().length ?? 0) === 0) {
            ctx.log(u, `New main PID could not be read from PIDFile=${s.pidFile}.`);
            return enterSignal(u, ctx, 'stop-sigterm', 'protocol');
          }
          ctx.log(u, `Can't open PID file ${s.pidFile} (yet?) after start: No such file or directory`);
          return waitForPidFile(u, ctx);
        }
      } else if (s.pidFile) {
        readMainPid(u, ctx);
      } else {
        guessMainPid(u, ctx);
      }
      return enterStartPost(u, ctx);
    case 'start-post':
      if (f !== 'success') return enterSignal(u, ctx, 'stop-sigterm', f);
      if (s.type === 'forking' && u.mainPid === 0) {
        if (s.pidFile && !readMainPid(u, ctx)) {
          ctx.log(u, `New main PID could not be read from PIDFile=${s.pidFile}.`);
          return enterSignal(u, ctx, 'stop-sigterm', 'protocol');
        }
        if (!s.pidFile) guessMainPid(u, ctx);
      }
      return enterRunning(u, ctx, 'success');
    case 'reload':
      d.reloadOk = f === 'success';
      if (s.type === 'forking' && s.pidFile) readMainPid(u, ctx);
      return enterRunning(u, ctx, 'success');
    case 'stop':
      return enterSignal(u, ctx, 'stop-sigterm', f);
    case 'stop-watchdog':
    case 'stop-sigterm':
    case 'stop-sigkill':
      if (u.mainPid === 0) enterStopPost(u, ctx, f);
      return;
    case 'stop-post':
      if (u.mainPid === 0) enterSignal(u, ctx, 'final-sigterm', f);
      return;
    case 'final-watchdog':
    case 'final-sigterm':
    case 'final-sigkill':
      if (u.mainPid === 0) enterDead(u, ctx, f, true);
      return;
    case 'dead':
    case 'failed':
    case 'running':
    case 'exited':
    case 'auto-restart':
      return; // no control process runs in these states
  }
}

/** Polls for PIDFile= while in "start" (systemd watches it with inotify); the start timeout ends the wait. */
function waitForPidFile(u: UnitRuntime, ctx: KindContext): void {
  const poll = () => {
    if (stateOf(u) !== 'start') return;
    if (readMainPid(u, ctx)) return enterStartPost(u, ctx);
    ctx.stateTimer(u, 50, poll);
  };
  ctx.stateTimer(u, 50, poll);
}

function readMainPid(u: UnitRuntime, ctx: KindContext): number {
  const s = spec(u);
  if (!s.pidFile) return 0;
  const pid = ctx.system.readPidFile?.(s.pidFile) ?? 0;
  if (pid > 0) {
    u.mainPid = pid;
    u.execMain = { pid, start: ctx.timestamp(), exit: NEVER, code: 0, status: 0 };
  }
  return pid;
}

/** GuessMainPID=: the one process of the unit left after the forking parent exited. */
function guessMainPid(u: UnitRuntime, ctx: KindContext): void {
  if (spec(u).guessMainPid === false) return;
  const procs = processesOf(u, ctx, true);
  if (procs.length === 1) {
    u.mainPid = procs[0]!;
    u.execMain = { pid: u.mainPid, start: ctx.timestamp(), exit: NEVER, code: 0, status: 0 };
  }
}

function allowedToNotify(u: UnitRuntime, pid: number): boolean {
  switch (notifyAccess(spec(u))) {
    case 'none': return false;
    case 'main': return pid === u.mainPid;
    case 'exec': return pid === u.mainPid || pid === u.controlPid;
    case 'all': return true;
  }
}

export const serviceKind: UnitKind = {
  type: 'service',
  states: STATES,
  initialState: 'dead',
  canStart: () => true,
  canReload: (u) => (u.serviceSpec?.execReload?.length ?? 0) > 0 || u.serviceSpec?.type === 'notify-reload',

  start(u, ctx) {
    const s = spec(u);
    const d = data(u);
    switch (stateOf(u)) {
      case 'condition':
      case 'start-pre':
      case 'start':
      case 'start-post':
      case 'running':
      case 'exited':
      case 'reload':
        return; // already on it (the engine only starts units that are down)
      default:
        break;
    }
    // The start limit counts every start, automatic restarts included (systemd's unit_test_start_limit).
    const now = ctx.system.now();
    const interval = s.startLimitIntervalMs ?? ctx.defaults.startLimitIntervalMs;
    const burst = s.startLimitBurst ?? ctx.defaults.startLimitBurst;
    if (interval > 0 && burst > 0) {
      d.startTimes = d.startTimes.filter((t) => now - t < interval);
      if (d.startTimes.length >= burst) {
        ctx.log(u, 'Start request repeated too quickly.');
        // The check comes before the run's reset (systemd's unit_start → service_start): a unit that
        // failed keeps its earlier Result= (exit-code …); only a clean one shows start-limit-hit.
        return enterDead(u, ctx, 'start-limit-hit', false);
      }
      d.startTimes.push(now);
    }
    if (!d.autoRestart) u.nRestarts = 0;
    d.autoRestart = false;
    d.forbidRestart = false;
    d.restarting = false;
    d.reloadOk = true;
    u.result = 'success';
    u.statusText = '';
    u.statusErrno = 0;
    u.mainPid = 0;
    u.controlPid = 0;
    u.invocationId = newInvocationId();
    d.leaders = [];
    d.watchdogDeadline = undefined;
    d.watchdogOverrideMs = undefined;
    d.runtimeDeadline = undefined;
    u.commands = Object.fromEntries(COMMAND_KEYS.map((k) => [k, commandsOf(s, k).map((c) => ({ path: c.argv[0] ?? '', argv: c.source?.argv ?? c.argv, ignoreErrors: c.ignoreFailure }))]));
    enterCondition(u, ctx);
  },

  stop(u, ctx, restart = false) {
    const d = data(u);
    d.forbidRestart = true;
    d.restarting = restart;
    switch (stateOf(u)) {
      case 'stop':
      case 'stop-watchdog':
      case 'stop-sigterm':
      case 'stop-sigkill':
      case 'stop-post':
      case 'final-watchdog':
      case 'final-sigterm':
      case 'final-sigkill':
        return; // already on its way down
      case 'auto-restart':
        // The restart job (or a stop) takes over from the scheduled restart.
        return setState(u, ctx, 'dead');
      case 'condition':
      case 'start-pre':
      case 'start':
      case 'start-post':
      case 'reload':
        // Something is still starting: straight to the signals, no ExecStop=.
        return enterSignal(u, ctx, 'stop-sigterm', 'success');
      case 'running':
      case 'exited':
        return enterStop(u, ctx, 'success');
      case 'dead':
      case 'failed':
        return setState(u, ctx, stateOf(u));
    }
  },

  reload(u, ctx) {
    const s = spec(u);
    if (stateOf(u) !== 'running' && stateOf(u) !== 'exited') return;
    const d = data(u);
    beginPhase(u, 'ExecReload');
    if ((s.execReload ?? []).length === 0) {
      d.reloadOk = true;
      return setState(u, ctx, stateOf(u));
    }
    setState(u, ctx, 'reload');
    arm(u, ctx, timeoutStart(s, ctx), () => {
      ctx.log(u, 'Reload operation timed out. Killing reload process.');
      if (u.controlPid > 0) ctx.kill(u, u.controlPid, SIGKILL);
      d.reloadOk = false;
      enterRunning(u, ctx, 'success');
    });
    runNext(u, ctx, 'control');
  },

  reloadSucceeded: (u) => data(u).reloadOk,

  // What outlives a settled run: the start limit's window, a stop's ban on restarting, the
  // session leaders whose groups KillMode= signals. The command queue is empty when settled.
  serialize(u) {
    const d = data(u);
    return { startTimes: d.startTimes, forbidRestart: d.forbidRestart, reloadOk: d.reloadOk, leaders: d.leaders };
  },

  deserialize(u, saved) {
    const d = data(u);
    const s = saved as Partial<Pick<ServiceData, 'startTimes' | 'forbidRestart' | 'reloadOk' | 'leaders'>>;
    if (Array.isArray(s.startTimes)) d.startTimes = s.startTimes.filter((t) => typeof t === 'number');
    if (Array.isArray(s.leaders)) d.leaders = s.leaders.filter((p) => typeof p === 'number');
    d.forbidRestart = s.forbidRestart === true;
    d.reloadOk = s.reloadOk !== false;
  },

  childExit(u, e, ctx) {
    const isMain = e.pid === u.mainPid;
    if (isMain) {
      const d = data(u);
      recordExit(u, ctx, e, true);
      // For oneshot the main command is the current ExecStart= line.
      mainExited(u, ctx, e, d.key === 'ExecStart' ? d.current : undefined);
      return;
    }
    if (e.pid === u.controlPid) {
      recordExit(u, ctx, e, false);
      controlExited(u, ctx, e);
    }
  },

  notify(u, pid, message, ctx) {
    if (!allowedToNotify(u, pid)) return;
    const s = spec(u);
    for (const line of message.split('\n')) {
      const eq = line.indexOf('=');
      if (eq < 0) continue;
      const key = line.slice(0, eq);
      const value = line.slice(eq + 1);
      switch (key) {
        case 'STATUS':
          u.statusText = value;
          break;
        case 'ERRNO':
          u.statusErrno = Number(value) || 0;
          break;
        case 'MAINPID': {
          const p = Number(value);
          if (Number.isInteger(p) && p > 1 && p !== u.mainPid) {
            u.mainPid = p;
            u.execMain = { pid: p, start: ctx.timestamp(), exit: NEVER, code: 0, status: 0 };
          }
          break;
        }
        case 'READY':
          if (value === '1' && stateOf(u) === 'start' && isNotifyType(s)) enterStartPost(u, ctx);
          else if (value === '1' && stateOf(u) === 'reload' && s.type === 'notify-reload') enterRunning(u, ctx, 'success');
          break;
        case 'RELOADING':
          if (value === '1' && stateOf(u) === 'running') setState(u, ctx, 'reload');
          break;
        case 'STOPPING':
          if (value === '1' && stateOf(u) === 'running') {
            data(u).forbidRestart = true;
            enterStop(u, ctx, 'success');
          }
          break;
        case 'WATCHDOG':
          // WATCHDOG=1 starts a new period; WATCHDOG=trigger fails the service at once, as an
          // expired watchdog would (systemd's service_force_watchdog), in any state still up.
          if (value === '1') resetWatchdog(u, ctx);
          else if (value === 'trigger' && UP_STATES.has(stateOf(u))) {
            ctx.log(u, 'Watchdog request (last status: ' + (u.statusText || 'n/a') + ')!');
            enterSignal(u, ctx, 'stop-watchdog', 'watchdog');
          }
          break;
        case 'WATCHDOG_USEC': {
          // The service's own period replaces WatchdogSec= until its next start.
          if (!/^[0-9]+$/.test(value)) break;
          const us = Number(value);
          data(u).watchdogOverrideMs = us === 0 ? Infinity : us / 1000;
          resetWatchdog(u, ctx);
          break;
        }
        case 'EXTEND_TIMEOUT_USEC': {
          const us = Number(value);
          if (Number.isFinite(us) && us > 0 && (stateOf(u) === 'start' || stateOf(u) === 'start-pre' || stateOf(u) === 'start-post' || stateOf(u) === 'stop' || stateOf(u) === 'stop-sigterm' || stateOf(u) === 'stop-post')) {
            const state = stateOf(u);
            setState(u, ctx, state);
            arm(u, ctx, us / 1000, () => {
              ctx.log(u, `${state} operation timed out (extended). Terminating.`);
              enterSignal(u, ctx, state.startsWith('stop') ? 'stop-sigkill' : 'stop-sigterm', 'timeout');
            });
          }
          break;
        }
        default:
          break; // other keys (FDSTORE=, BUSERROR=, …) are not acted on
      }
    }
  },

  resetFailed(u, ctx) {
    if (stateOf(u) === 'failed') setState(u, ctx, 'dead');
    u.result = 'success';
    u.nRestarts = 0;
    data(u).startTimes = [];
  },
};

/** A fresh 128-bit id per run, as systemd gives each invocation ($INVOCATION_ID, InvocationID=). */
function newInvocationId(): string {
  return randomBytes(16).toString('hex');
}
