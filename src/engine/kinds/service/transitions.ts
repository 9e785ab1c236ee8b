/**
 * Entering a service's states, as systemd's service.c is read through its service_enter_*
 * functions: each entry begins its phase's commands, arms its timeout, or moves straight on when
 * the phase has nothing to run.
 *
 *   dead|failed → condition (ExecCondition=) → start-pre → start → start-post → running | exited
 *   running|exited → stop (ExecStop=) → stop-sigterm → … (kill.ts) → stop-post (ExecStopPost=)
 *   → final-sigterm → … → dead | failed | auto-restart (restart.ts)
 */
import type { KindContext, UnitResult } from '../../unit-kind.js';
import { beginPhase, runNext } from './exec.js';
import { enterSignal, hasLiveProcesses, killOrSkip, processesOf } from './kill.js';
import { mainPidSuitability, refuse, setMainPid } from './main-pid.js';
import { enterAutoRestart, shallRestart } from './restart.js';
import { arm, setResult, setState, spec, stateOf, timeoutStart, timeoutStop, type ServiceUnit } from './state.js';
import { resetWatchdog } from './watchdog.js';

export function enterCondition(u: ServiceUnit, ctx: KindContext): void {
  beginPhase(u, 'ExecCondition');
  if ((spec(u).execCondition ?? []).length === 0) return enterStartPre(u, ctx);
  setState(u, ctx, 'condition');
  armStartTimeout(u, ctx);
  runNext(u, ctx, 'control');
}

export function armStartTimeout(u: ServiceUnit, ctx: KindContext): void {
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

export function enterStartPre(u: ServiceUnit, ctx: KindContext): void {
  beginPhase(u, 'ExecStartPre');
  if ((spec(u).execStartPre ?? []).length === 0) return enterStart(u, ctx);
  setState(u, ctx, 'start-pre');
  armStartTimeout(u, ctx);
  runNext(u, ctx, 'control');
}

export function enterStart(u: ServiceUnit, ctx: KindContext): void {
  const s = spec(u);
  beginPhase(u, 'ExecStart');
  if (s.execStart.length === 0) {
    // Only oneshot services may lack ExecStart= (the loader refuses the others).
    return enterStartPost(u, ctx);
  }
  // Type=simple/idle never show "start" (systemd spawns them, then moves on to start-post): they
  // leave inactive and become active at one moment, which is why blame does not list them. A spawn
  // that fails enters "start" first, so the failure is handled from there, as for every type.
  const immediate = s.type === 'simple' || s.type === 'idle';
  if (!immediate) setState(u, ctx, 'start');
  // Type=forking's ExecStart= is a control process: the daemon it leaves behind is the main one.
  const role = s.type === 'forking' ? 'control' : 'main';
  if (!immediate && s.type !== 'exec') armStartTimeout(u, ctx);
  let spawnFailed = false;
  runNext(u, ctx, role, () => {
    spawnFailed = true;
    if (immediate) setState(u, ctx, 'start');
  });
  if (spawnFailed || stateOf(u) !== 'start' && !immediate) return; // a spawn failure moved on already
  // simple/idle (and exec, whose execve() the spawner waited for) are started once the process is.
  if ((immediate || s.type === 'exec' || s.type === 'dbus') && u.mainPid > 0) enterStartPost(u, ctx);
}

export function enterStartPost(u: ServiceUnit, ctx: KindContext): void {
  resetWatchdog(u, ctx);
  beginPhase(u, 'ExecStartPost');
  if ((spec(u).execStartPost ?? []).length === 0) return enterRunning(u, ctx, 'success');
  setState(u, ctx, 'start-post');
  armStartTimeout(u, ctx);
  runNext(u, ctx, 'control');
}

export function enterRunning(u: ServiceUnit, ctx: KindContext, f: UnitResult): void {
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
export function armRuntimeMax(u: ServiceUnit, ctx: KindContext): void {
  const max = spec(u).runtimeMaxMs;
  if (max === undefined || !Number.isFinite(max)) return;
  const d = u.state;
  d.runtimeDeadline ??= ctx.now() + max;
  ctx.stateTimer(u, Math.max(0, d.runtimeDeadline - ctx.now()), () => {
    ctx.log(u, 'Service reached runtime time limit. Stopping.');
    enterStop(u, ctx, 'timeout');
  });
}

export function enterStop(u: ServiceUnit, ctx: KindContext, f: UnitResult): void {
  setResult(u, f);
  beginPhase(u, 'ExecStop');
  if ((spec(u).execStop ?? []).length === 0) return enterSignal(u, ctx, 'stop-sigterm', 'success');
  setState(u, ctx, 'stop');
  arm(u, ctx, timeoutStop(spec(u), ctx), () => stopTimedOut(u, ctx, 'Stopping timed out.', 'stop'));
  runNext(u, ctx, 'control');
}

export function enterStopPost(u: ServiceUnit, ctx: KindContext, f: UnitResult): void {
  setResult(u, f);
  beginPhase(u, 'ExecStopPost');
  if ((spec(u).execStopPost ?? []).length === 0) return enterSignal(u, ctx, 'final-sigterm', 'success');
  setState(u, ctx, 'stop-post');
  arm(u, ctx, timeoutStop(spec(u), ctx), () => stopTimedOut(u, ctx, "State 'stop-post' timed out.", 'final'));
  runNext(u, ctx, 'control');
}

/** ExecStop= (stop) or ExecStopPost= (final) outlived TimeoutStopSec=: TimeoutStopFailureMode= decides. */
export function stopTimedOut(u: ServiceUnit, ctx: KindContext, what: string, phase: 'stop' | 'final'): void {
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

export function enterDead(u: ServiceUnit, ctx: KindContext, f: UnitResult, allowRestart: boolean): void {
  setResult(u, f);
  u.mainPid = 0;
  u.controlPid = 0;
  // A fresh PrivateTmp= for the next run, also after an automatic restart (as service_enter_dead).
  ctx.releaseRuntime(u);
  if (allowRestart && u.result !== 'start-limit-hit' && shallRestart(u)) {
    // A failed run is said to have failed also when it is restarted (the unit never enters "failed").
    if (u.result !== 'success') ctx.log(u, `Failed with result '${u.result}'.`);
    return enterAutoRestart(u, ctx);
  }
  u.state.forbidRestart = false;
  setState(u, ctx, u.result === 'success' || u.result === 'exec-condition' ? 'dead' : 'failed');
}

/** Polls for PIDFile= while in "start" (systemd watches it with inotify); the start timeout ends the wait. */
export function waitForPidFile(u: ServiceUnit, ctx: KindContext): void {
  const poll = () => {
    if (stateOf(u) !== 'start') return;
    if (readMainPid(u, ctx)) return enterStartPost(u, ctx);
    // Everything of the unit is gone (a process that only looked live when the wait began, a stray
    // that turned out another unit's): nobody is left to write the file, as systemd gives up when
    // the cgroup empties.
    if (!hasLiveProcesses(u, ctx) && ctx.strayProcesses().length === 0) {
      ctx.log(u, 'Daemon never wrote its PID file. Failing.');
      return enterSignal(u, ctx, 'stop-sigterm', 'protocol');
    }
    ctx.stateTimer(u, 50, poll);
  };
  ctx.stateTimer(u, 50, poll);
}

/** The main PID from PIDFile=, when it may be taken (main-pid.ts); 0 otherwise. */
export function readMainPid(u: ServiceUnit, ctx: KindContext): number {
  const s = spec(u);
  if (!s.pidFile) return 0;
  const file = ctx.readPidFile(s.pidFile);
  if (!file) return 0;
  if (file.pid === u.mainPid) return file.pid;
  const suitability = mainPidSuitability(u, ctx, file.pid);
  if (suitability === 'refused') return 0;
  if (suitability === 'foreign' && file.unsafeSymlinkChain) {
    refuse(u, ctx, file.pid, `Refusing to accept PID outside of service control group, acquired through unsafe symlink chain: ${s.pidFile}`);
    return 0;
  }
  // A file the service's own user could write names any pid it likes: only root's is believed.
  if (suitability === 'foreign' && file.ownerUid !== 0) {
    refuse(u, ctx, file.pid, `New main PID ${file.pid} does not belong to service, and PID file is not owned by root. Refusing.`);
    return 0;
  }
  setMainPid(u, ctx, file.pid);
  return file.pid;
}

/**
 * GuessMainPID=: as systemd's unit_search_main_pid, the one process of the unit whose parent is the
 * manager, i.e. the daemon the forking parent left behind (apache2's master; its workers are the
 * master's children and do not count). Two such, and there is no telling which: no main PID.
 */
export function guessMainPid(u: ServiceUnit, ctx: KindContext): void {
  if (spec(u).guessMainPid === false) return;
  const daemons = processesOf(u, ctx, true).filter((p) => p !== u.controlPid && ctx.isManagerChild(p));
  if (daemons.length === 1) setMainPid(u, ctx, daemons[0]!);
}
