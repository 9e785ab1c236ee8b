/**
 * Stopping what is left of a service (systemd's unit_kill_context and the signal states):
 * KillMode= decides who gets KillSignal=/RestartKillSignal=, FinalKillSignal= or WatchdogSignal=;
 * each signal state waits for the exits, or for the unit's processes to be gone, until its timeout
 * moves on (TimeoutStopFailureMode=, SendSIGKILL=).
 */
import type { KindContext, UnitResult } from '../../unit-kind.js';
import { SIGNALS } from '../../../shared/signal.js';
import { enterDead, enterStopPost } from './transitions.js';
import { arm, setResult, setState, spec, stateOf, timeoutStop, type ServiceUnit } from './state.js';

// The signals the kind sends itself, by the shared table's numbers.
export const { SIGABRT, SIGKILL, SIGHUP, SIGTERM } = SIGNALS;

export type SignalState = 'stop-watchdog' | 'stop-sigterm' | 'stop-sigkill' | 'final-watchdog' | 'final-sigterm' | 'final-sigkill';

/**
 * A timeout's "kill" step: SIGKILL, unless SendSIGKILL=no, which skips to ExecStopPost= (stop
 * states) or to failed (final states), as systemd's service_dispatch_timer does.
 */
export function killOrSkip(u: ServiceUnit, ctx: KindContext, what: string, next: 'stop-sigkill' | 'final-sigkill'): void {
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
export function killProcesses(u: ServiceUnit, ctx: KindContext, state: SignalState): 'children' | 'others' | 'none' {
  const s = spec(u);
  const mode = s.killMode ?? 'control-group';
  if (mode === 'none') return 'none';
  const op = state === 'stop-watchdog' || state === 'final-watchdog' ? 'watchdog' : state === 'stop-sigkill' || state === 'final-sigkill' ? 'kill' : 'terminate';
  const signal = op === 'watchdog' ? s.watchdogSignal ?? SIGABRT : op === 'kill' ? s.finalKillSignal ?? SIGKILL : u.state.restarting && s.restartKillSignal ? s.restartKillSignal : s.killSignal ?? SIGTERM;
  const known = [u.mainPid, u.controlPid].filter((p) => p > 0);
  const send = (target: number) => {
    ctx.kill(u, target, signal);
    if (op === 'terminate' && s.sendSIGHUP) ctx.kill(u, target, SIGHUP);
  };
  let others = 0;
  if (mode === 'control-group' || (mode === 'mixed' && op === 'kill')) {
    // Every command leads its own session and process group: signalling the groups reaches every
    // descendant that stayed in them, with one syscall each.
    const leaders = new Set(u.state.leaders);
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
export function watchUntilEmpty(u: ServiceUnit, ctx: KindContext, state: SignalState): void {
  ctx.stateTimer(u, 50, () => {
    if (u.mainPid > 0 || u.controlPid > 0 || stateOf(u) !== state) return;
    if (hasLiveProcesses(u, ctx)) return watchUntilEmpty(u, ctx, state);
    if (state === 'final-watchdog' || state === 'final-sigterm' || state === 'final-sigkill') enterDead(u, ctx, 'success', true);
    else enterStopPost(u, ctx, 'success');
  });
}

export function enterSignal(u: ServiceUnit, ctx: KindContext, state: SignalState, f: UnitResult): void {
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

/** The unit's live processes: the sessions of everything this run spawned (a forking daemon included). */
export function processesOf(u: ServiceUnit, ctx: KindContext, fresh = false): readonly number[] {
  const known = [...new Set([...u.state.leaders, u.mainPid, u.controlPid])].filter((p) => p > 0);
  return ctx.processes(u, known, fresh);
}

/** Asked when a decision rests on it (a forking daemon's PID file, "nothing left"): a fresh look. */
export function hasLiveProcesses(u: ServiceUnit, ctx: KindContext): boolean {
  return processesOf(u, ctx, true).length > 0;
}
