/**
 * Running a service's commands (systemd's service_spawn and exec phases): each phase (ExecStartPre=,
 * ExecStart=, …) is a queue of command lines run one at a time, as the main or the control
 * process, with the environment systemd.exec(5) gives them; their runs and exits are recorded for
 * ExecMainPID=/ExecStart= and status, and an exit is worded as systemd words it.
 */
import type { ExecStatus, ExitCode } from '../../api.js';
import { NEVER, withRun } from '../../api.js';
import type { ChildExitEvent } from '../../system.js';
import { EXIT_STATUS_FULL, exitStatusToString } from '../../../shared/exit-status.js';
import { SIGNALS, signalToString } from '../../../shared/signal.js';
import type { KindContext, ServiceSpec, UnitResult } from '../../unit-kind.js';
import { controlExited, mainExited, spawnResourcesFailed } from './exits.js';
import { commandsOf, notifyAccess, spec, type CommandKey, type ServiceUnit } from './state.js';

/** Signals a daemon may die of in a clean stop (systemd's is_clean_exit for EXIT_CLEAN_DAEMON). */
export const CLEAN_SIGNALS: readonly number[] = [SIGNALS.SIGHUP, SIGNALS.SIGINT, SIGNALS.SIGPIPE, SIGNALS.SIGTERM];

/** si_code and status of an exit, as ExecMainCode=/ExecMainStatus= show them. */
export function exitCodeOf(e: ChildExitEvent): { code: ExitCode; status: number } {
  if (e.signal === 0) return { code: 1, status: e.code };
  return { code: e.coreDumped ? 3 : 2, status: e.signal };
}

/** What an exit means for the service (systemd's is_clean_exit and the SERVICE_FAILURE_* mapping). */
export function exitResult(s: ServiceSpec, e: ChildExitEvent, daemon: boolean): UnitResult {
  if (e.signal === 0) return e.code === 0 || (s.successExitStatus ?? []).includes(e.code) ? 'success' : 'exit-code';
  if ((daemon && CLEAN_SIGNALS.includes(e.signal)) || (s.successExitSignals ?? []).includes(e.signal)) return 'success';
  return e.coreDumped ? 'core-dump' : 'signal';
}

/** "status=3/NOTIMPLEMENTED", "status=9/KILL": systemd's exit_status_to_string(…, EXIT_STATUS_FULL) and signal_to_string. */
/** How a process ended, in systemd's words (code=exited/killed/dumped). */
export const exitCodeName = (code: number): string => (code === 1 ? 'exited' : code === 2 ? 'killed' : 'dumped');

export function statusText(code: number, status: number): string {
  const name = code === 1 ? exitStatusToString(status, EXIT_STATUS_FULL) : signalToString(status);
  return `${status}/${name ?? 'n/a'}`;
}

/** The environment systemd.exec(5) gives each command ("Environment Variables in Spawned Processes"). */
export function extraEnv(u: ServiceUnit, ctx: KindContext, key: CommandKey): Record<string, string> {
  const s = spec(u);
  const env: Record<string, string> = {};
  if (ctx.defaults.notifySocket && notifyAccess(s) !== 'none') env.NOTIFY_SOCKET = ctx.defaults.notifySocket;
  if ((key === 'ExecStartPost' || key === 'ExecReload' || key === 'ExecStop') && u.mainPid > 0) env.MAINPID = String(u.mainPid);
  if (key === 'ExecStop' || key === 'ExecStopPost') {
    env.SERVICE_RESULT = u.result;
    if (u.execMain.code !== 0) {
      env.EXIT_CODE = exitCodeName(u.execMain.code);
      env.EXIT_STATUS = u.execMain.code === 1 ? String(u.execMain.status) : signalToString(u.execMain.status);
    }
  }
  return env;
}

export function recordStart(u: ServiceUnit, ctx: KindContext, key: CommandKey, index: number, pid: number): ExecStatus {
  const run: ExecStatus = { pid, start: ctx.timestamp(), exit: NEVER, code: 0, status: 0 };
  const list = u.commands[key];
  const entry = list?.[index];
  if (entry) list[index] = withRun(entry, run);
  return run;
}

/**
 * Records an exit into the command line that ran the process: the current phase's line, or, for
 * the main process, the ExecStart= line that started it (systemd's main_command) — by then the
 * service has usually moved on to ExecStartPost= or running, but `show -p ExecStart` still tells
 * how that line's process ended.
 */
export function recordExit(u: ServiceUnit, ctx: KindContext, e: ChildExitEvent, main: boolean): void {
  const { code, status } = exitCodeOf(e);
  const d = u.state;
  const ranBy = (key: CommandKey, index: number) => {
    const entry = u.commands[key]?.[index];
    return entry?.run && entry.run.pid === e.pid && entry.run.code === 0 ? { key, index } : undefined;
  };
  const at = ranBy(d.key, d.index) ?? (main && e.pid > 0 ? (u.commands.ExecStart ?? []).map((_, i) => ranBy('ExecStart', i)).find((x) => x !== undefined) : undefined);
  if (at) {
    const entry = u.commands[at.key]![at.index]!;
    u.commands[at.key]![at.index] = withRun(entry, { ...entry.run!, exit: ctx.timestamp(), code, status });
  }
  if (main) u.execMain = { ...u.execMain, pid: e.pid, exit: ctx.timestamp(), code, status };
}

/** The name systemd gives each step in "Failed to run '…' task". */
const TASK_NAMES: Readonly<Record<CommandKey, string>> = {
  ExecCondition: 'exec-condition', ExecStartPre: 'start-pre', ExecStart: 'start', ExecStartPost: 'start-post',
  ExecReload: 'reload', ExecStop: 'stop', ExecStopPost: 'stop-post',
};

/**
 * Spawns the phase's next command; false when the queue is empty. A spawn that fails before the
 * program runs is handled as that process exiting with systemd's status, or, when svcd could not
 * make a process at all, as the run failing with result 'resources'. `beforeFailure` runs first
 * either way (a phase entered only once its process exists enters it there).
 */
export function runNext(u: ServiceUnit, ctx: KindContext, role: 'main' | 'control', beforeFailure?: () => void): boolean {
  const d = u.state;
  const s = spec(u);
  const cmd = d.queue.shift();
  if (!cmd) return false;
  d.current = cmd;
  d.index = commandsOf(s, d.key).length - d.queue.length - 1;
  const privileged = cmd.privileged || (s.permissionsStartOnly === true && d.key !== 'ExecStart');
  const r = ctx.spawn(u, cmd, { role, privileged, extraEnv: extraEnv(u, ctx, d.key) });
  if (typeof r === 'number') {
    // concat: a list of the exact length (push would keep room for sixteen more, per unit).
    d.leaders = d.leaders.concat(r);
    if (role === 'main') {
      u.mainPid = r;
      u.execMain = { pid: r, start: ctx.timestamp(), exit: NEVER, code: 0, status: 0 };
    } else {
      u.controlPid = r;
    }
    recordStart(u, ctx, d.key, d.index, r);
    return true;
  }
  beforeFailure?.();
  if (r.resources) {
    // No process, so no exit status to record: the step fails the run with result 'resources'.
    ctx.log(u, `Failed to run '${TASK_NAMES[d.key]}' task: ${r.message}`);
    spawnResourcesFailed(u, ctx, d.key);
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

export function beginPhase(u: ServiceUnit, key: CommandKey): void {
  const d = u.state;
  d.key = key;
  d.queue = [...commandsOf(spec(u), key)];
  d.current = undefined;
}
