/**
 * Services (systemd.service(5), systemd.kill(5)): the state machine of systemd's service.c, in its
 * sub-state words, one concern per module —
 *   state.ts        the sub-states, the typed per-unit state, setState();
 *   transitions.ts  entering each state (service_enter_*);
 *   exec.ts         running each phase's commands, recording their runs;
 *   exits.ts        the main and control processes exiting, per state;
 *   kill.ts         the signal states and KillMode=;
 *   restart.ts      Restart=, the restart conditions, the start limit;
 *   notify.ts       sd_notify messages;
 *   watchdog.ts     WatchdogSec=.
 *
 * Invariants: mainPid is the service's main process (for oneshot, the ExecStart= line that runs);
 * controlPid the ExecCondition/StartPre/StartPost/Reload/Stop/StopPost line (and forking's
 * ExecStart=) that runs, at most one at a time; result keeps the first failure of a run; every
 * state entry arms its own timeout (TimeoutStartSec= for the start states, TimeoutStopSec= for the
 * stop states), disarmed by the engine at the next setState(). A start/stop timeout does what
 * TimeoutStartFailureMode=/TimeoutStopFailureMode= ask: terminate (SIGTERM), abort
 * (stop-watchdog/final-watchdog: WatchdogSignal=, then TimeoutAbortSec=) or kill.
 */
import { newInvocationId } from '../invocation.js';
import type { UnitKind } from '../../unit-kind.js';
import type { CommandStatus } from '../../api.js';
import { beginPhase, recordExit, runNext } from './exec.js';
import { controlExited, mainExited } from './exits.js';
import { enterSignal, SIGKILL } from './kill.js';
import { storedFds } from './fd-store.js';
import { notify } from './notify.js';
import { startLimitHit } from './restart.js';
import { arm, COMMAND_KEYS, commandsOf, newServiceState, setState, spec, stateOf, STATES, timeoutStart, type ServiceState } from './state.js';
import { enterCondition, enterRunning, enterStop } from './transitions.js';

export type { ServiceState, ServiceSubState } from './state.js';

/**
 * Every empty list of every start's `commands`: six of a plain service's seven. Shared safely because
 * only a command's run writes to its list, by its index, and an empty list has no command.
 */
const NO_STATUS = Object.freeze([]) as unknown as CommandStatus[];

export const serviceKind: UnitKind<ServiceState> = {
  type: 'service',
  states: STATES,
  initialState: 'dead',
  newState: newServiceState,
  canStart: () => true,
  canReload: (u) => (u.serviceSpec?.execReload?.length ?? 0) > 0 || u.serviceSpec?.type === 'notify-reload',

  start(u, ctx) {
    const s = spec(u);
    const d = u.state;
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
    if (startLimitHit(u, ctx)) return;
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
    d.refusedMainPid = undefined;
    d.runtimeDeadline = undefined;
    u.commands = Object.fromEntries(COMMAND_KEYS.map((k) => {
      const list = commandsOf(s, k);
      return [k, list.length === 0 ? NO_STATUS : list.map((c) => ({ path: c.argv[0] ?? '', argv: c.source?.argv ?? c.argv, ignoreErrors: c.ignoreFailure }))];
    }));
    enterCondition(u, ctx);
  },

  stop(u, ctx, restart = false) {
    const d = u.state;
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
    const d = u.state;
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

  reloadSucceeded: (u) => u.state.reloadOk,

  // What outlives a settled run: the start limit's window, a stop's ban on restarting, the
  // session leaders whose groups KillMode= signals. The command queue is empty when settled.
  // The fd store's fds were made to survive exec when they arrived (native-system.ts).
  serialize(u) {
    const d = u.state;
    return { startTimes: d.startTimes, forbidRestart: d.forbidRestart, reloadOk: d.reloadOk, leaders: d.leaders, fdStore: d.fdStore };
  },

  deserialize(u, saved) {
    const d = u.state;
    const s = saved as Partial<Pick<ServiceState, 'startTimes' | 'forbidRestart' | 'reloadOk' | 'leaders' | 'fdStore'>>;
    if (Array.isArray(s.startTimes)) d.startTimes = s.startTimes.filter((t) => typeof t === 'number');
    if (Array.isArray(s.leaders)) d.leaders = s.leaders.filter((p) => typeof p === 'number');
    d.forbidRestart = s.forbidRestart === true;
    d.reloadOk = s.reloadOk !== false;
    // Each stored fd is added back at the front, as systemd's deserialization does: the order
    // after a re-execution is the reverse of before, and the service sees it so with either manager.
    if (Array.isArray(s.fdStore)) d.fdStore = s.fdStore.filter((f) => typeof f?.fd === 'number' && typeof f.name === 'string').reverse();
  },

  childExit(u, e, ctx) {
    const isMain = e.pid === u.mainPid;
    if (isMain) {
      const d = u.state;
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

  notify,
  storedFds,

  resetFailed(u, ctx) {
    if (stateOf(u) === 'failed') setState(u, ctx, 'dead');
    u.result = 'success';
    u.nRestarts = 0;
    u.state.startTimes = [];
  },
};
