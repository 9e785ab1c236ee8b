/**
 * sd_notify messages from a service (systemd's service_notify_message): READY=, RELOADING=,
 * STOPPING=, STATUS=, ERRNO=, MAINPID=, WATCHDOG=, WATCHDOG_USEC=, EXTEND_TIMEOUT_USEC=, and the
 * fd store's FDSTORE=1/FDSTOREREMOVE=1 with FDNAME= (fd-store.ts), from the processes
 * NotifyAccess= allows.
 */
import type { KindContext, NotifySender } from '../../unit-kind.js';
import { fdNameIsValid, removeStoredFds, storeFds } from './fd-store.js';
import { enterSignal } from './kill.js';
import { mainPidSuitability, refuse, setMainPid } from './main-pid.js';
import { arm, isNotifyType, notifyAccess, setState, spec, stateOf, UP_STATES, type ServiceUnit } from './state.js';
import { enterRunning, enterStartPost, enterStop } from './transitions.js';
import { resetWatchdog } from './watchdog.js';

function allowedToNotify(u: ServiceUnit, pid: number): boolean {
  switch (notifyAccess(spec(u))) {
    case 'none': return false;
    case 'main': return pid === u.mainPid;
    case 'exec': return pid === u.mainPid || pid === u.controlPid;
    case 'all': return true;
  }
}

/** The states in which MAINPID= is heard (systemd's): not while stopping, when it could redirect the kill. */
const MAINPID_STATES: ReadonlySet<string> = new Set(['start', 'start-post', 'running', 'reload']);

/**
 * MAINPID=: one of the unit's own processes from any sender NotifyAccess= lets through; any other
 * process only from root (the kernel vouches for the uid), as systemd decides.
 */
function takeMainPid(u: ServiceUnit, sender: NotifySender, value: string, ctx: KindContext): void {
  if (!MAINPID_STATES.has(stateOf(u))) return;
  const pid = /^[0-9]+$/.test(value) ? Number(value) : 0;
  if (!Number.isSafeInteger(pid) || pid < 1) {
    ctx.log(u, `Failed to parse MAINPID= field in notification message, ignoring: MAINPID=${value}`);
    return;
  }
  if (pid === u.mainPid) return;
  const suitability = mainPidSuitability(u, ctx, pid);
  if (suitability === 'refused') return;
  if (suitability === 'foreign' && sender.uid !== 0) {
    refuse(u, ctx, pid, `New main PID ${pid} does not belong to service, refusing.`);
    return;
  }
  setMainPid(u, ctx, pid);
}

/** The fd store's part of a message: the fds kept (the engine closes the others). */
function fdStoreMessage(u: ServiceUnit, sender: NotifySender, tags: readonly string[], ctx: KindContext): ReadonlySet<number> {
  const named = tags.find((t) => t.startsWith('FDNAME='))?.slice('FDNAME='.length);
  let name = named;
  if (name !== undefined && !fdNameIsValid(name)) {
    ctx.log(u, 'Passed FDNAME= name is invalid, ignoring.');
    name = undefined;
  }
  if (tags.includes('FDSTOREREMOVE=1')) {
    if (name === undefined) ctx.log(u, 'FDSTOREREMOVE=1 requested, but no valid file descriptor name passed, ignoring.');
    else removeStoredFds(u, ctx, name);
  }
  if (!tags.includes('FDSTORE=1') || sender.fds.length === 0) return new Set();
  return storeFds(u, ctx, spec(u).fileDescriptorStoreMax ?? 0, sender.fds, name);
}

export function notify(u: ServiceUnit, sender: NotifySender, message: string, ctx: KindContext): ReadonlySet<number> | void {
  if (!allowedToNotify(u, sender.pid)) return;
  const s = spec(u);
  const tags = message.split('\n');
  for (const line of tags) {
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
      case 'MAINPID':
        takeMainPid(u, sender, value, ctx);
        break;
      case 'READY':
        if (value === '1' && stateOf(u) === 'start' && isNotifyType(s)) enterStartPost(u, ctx);
        else if (value === '1' && stateOf(u) === 'reload' && s.type === 'notify-reload') enterRunning(u, ctx, 'success');
        break;
      case 'RELOADING':
        if (value === '1' && stateOf(u) === 'running') setState(u, ctx, 'reload');
        break;
      case 'STOPPING':
        if (value === '1' && stateOf(u) === 'running') {
          u.state.forbidRestart = true;
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
        u.state.watchdogOverrideMs = us === 0 ? Infinity : us / 1000;
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
        break; // other keys (FDSTORE= below, BUSERROR=, …)
    }
  }
  return fdStoreMessage(u, sender, tags, ctx);
}
