/**
 * A service's processes exiting (systemd's service_sigchld_event): the main process's exit and
 * the control process's, decided per state. Each (state, event) pair is a row of the switches
 * below; a row that does nothing says why.
 */
import type { ChildExitEvent } from '../../system.js';
import { SIGNALS } from '../../../shared/signal.js';
import type { KindContext, ServiceCommand } from '../../unit-kind.js';
import { exitCodeName, exitCodeOf, exitResult, runNext, statusText } from './exec.js';
import { enterSignal, hasLiveProcesses } from './kill.js';
import { isNotifyType, notifyAccess, setResult, spec, stateOf, type CommandKey, type ServiceUnit } from './state.js';
import { enterDead, enterRunning, enterStart, enterStartPost, enterStartPre, enterStop, enterStopPost, guessMainPid, readMainPid, waitForPidFile } from './transitions.js';

/**
 * Whether the kernel's OOM killer killed a process of the unit (said as systemd says it), so that
 * a SIGKILL'd process makes the result oom-kill — unless OOMPolicy=continue.
 */
function oomKilled(u: ServiceUnit, ctx: KindContext, e: ChildExitEvent): boolean {
  if (e.signal !== SIGNALS.SIGKILL || ctx.takeOomKills(u) === 0) return false;
  ctx.log(u, 'A process of this unit has been killed by the OOM killer.');
  return (spec(u).oomPolicy ?? ctx.defaults.oomPolicy ?? 'stop') !== 'continue';
}

export function mainExited(u: ServiceUnit, ctx: KindContext, e: ChildExitEvent, cmd: ServiceCommand | undefined): void {
  const s = spec(u);
  const d = u.state;
  let f = exitResult(s, e, s.type !== 'oneshot');
  if (cmd?.ignoreFailure) f = 'success';
  if (f !== 'success' && oomKilled(u, ctx, e)) f = 'oom-kill';
  if (f !== 'success') {
    const { code, status } = exitCodeOf(e);
    ctx.log(u, `Main process exited, code=${exitCodeName(code)}, status=${statusText(code, status)}`);
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

export function controlExited(u: ServiceUnit, ctx: KindContext, e: ChildExitEvent): void {
  const s = spec(u);
  const d = u.state;
  let f = exitResult(s, e, false);
  if (d.current?.ignoreFailure) f = 'success';
  const state = stateOf(u);
  if (f !== 'success') {
    const { code, status } = exitCodeOf(e);
    ctx.log(u, `Control process exited, code=${exitCodeName(code)}, status=${statusText(code, status)}`);
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
          if (!hasLiveProcesses(u, ctx) && ctx.strayProcesses().length === 0) {
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

/**
 * A step's process could not be made at all (svcd lacked an fd, memory or a pid): where each step
 * goes then, as systemd's service_enter_*() "fail:" paths go, with result 'resources'. A failed
 * reload leaves the service running, its reload failed.
 */
export function spawnResourcesFailed(u: ServiceUnit, ctx: KindContext, key: CommandKey): void {
  switch (key) {
    case 'ExecCondition':
    case 'ExecStartPre':
      return enterDead(u, ctx, 'resources', true);
    case 'ExecStart':
    case 'ExecStop':
      return enterSignal(u, ctx, 'stop-sigterm', 'resources');
    case 'ExecStartPost':
      return enterStop(u, ctx, 'resources');
    case 'ExecReload':
      u.state.reloadOk = false;
      return enterRunning(u, ctx, 'success');
    case 'ExecStopPost':
      return enterSignal(u, ctx, 'final-sigterm', 'resources');
  }
}
