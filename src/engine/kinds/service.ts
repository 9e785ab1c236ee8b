/**
 * Services (systemd.service(5)), the minimal subset the engine runs through the System interface:
 * Type=simple (and exec/idle, run alike) and Type=oneshot, ExecReload=, stop by SIGTERM then SIGKILL.
 *
 * Sub-states, spelled as systemd's SubState, and their ActiveState (the table below):
 *   dead → start (oneshot: ExecStart= lines in turn) → exited (RemainAfterExit=yes) | dead
 *   dead → running (simple: once the main process is spawned) → reload → running
 *   running | start | exited → stop-sigterm → stop-sigkill → dead | failed
 *   any → failed (result says why: exit-code, signal, timeout, resources)
 * Invariants: mainPid is non-zero only in running/reload/stop-*; controlPid only in start/reload/
 * stop-* (the oneshot command or ExecReload=); result keeps the first failure of a run.
 *
 * Every (state, event) pair is handled in a switch; the ones that need nothing say so.
 */
import type { ActiveState } from '../job.js';
import type { ChildExitEvent } from '../system.js';
import type { KindContext, ServiceSpec, UnitKind, UnitRuntime } from '../unit-kind.js';

type ServiceState = 'dead' | 'start' | 'running' | 'exited' | 'reload' | 'stop-sigterm' | 'stop-sigkill' | 'failed';

const STATES: Readonly<Record<ServiceState, ActiveState>> = {
  dead: 'inactive',
  start: 'activating',
  running: 'active',
  exited: 'active',
  reload: 'reloading',
  'stop-sigterm': 'deactivating',
  'stop-sigkill': 'deactivating',
  failed: 'failed',
};

const DEFAULT_TIMEOUT_MS = 90_000;
/** Signals a clean stop ends with (systemd treats SIGHUP, SIGINT, SIGTERM, SIGPIPE as clean). */
const CLEAN_SIGNALS = [1, 2, 13, 15];

interface ServiceData {
  /** oneshot: the ExecStart= lines still to run. */
  pending: (readonly string[])[];
  reloadOk: boolean;
}

const spec = (u: UnitRuntime): ServiceSpec => u.model.serviceSpec ?? { type: 'simple', execStart: [], remainAfterExit: false };
const data = (u: UnitRuntime): ServiceData => u.data as unknown as ServiceData;
const state = (u: UnitRuntime): ServiceState => u.subState as ServiceState;

function succeeded(u: UnitRuntime, e: ChildExitEvent): boolean {
  if (e.signal !== 0) return false;
  return e.code === 0 || (spec(u).successExitStatus ?? []).includes(e.code);
}

function failWith(u: UnitRuntime, e: ChildExitEvent): void {
  if (u.result === 'success') u.result = e.signal !== 0 ? 'signal' : 'exit-code';
}

function enterFailedOrDead(u: UnitRuntime, ctx: KindContext): void {
  u.mainPid = 0;
  u.controlPid = 0;
  ctx.setState(u, u.result === 'success' ? 'dead' : 'failed');
}

function enterStop(u: UnitRuntime, ctx: KindContext, signal: 'SIGTERM' | 'SIGKILL'): void {
  const pids = [u.mainPid, u.controlPid].filter((p) => p > 0);
  if (pids.length === 0) return enterFailedOrDead(u, ctx);
  ctx.setState(u, signal === 'SIGTERM' ? 'stop-sigterm' : 'stop-sigkill');
  for (const p of pids) ctx.kill(u, p, signal);
  ctx.stateTimer(u, spec(u).timeoutStopMs ?? DEFAULT_TIMEOUT_MS, () => {
    u.result = u.result === 'success' ? 'timeout' : u.result;
    if (signal === 'SIGTERM') enterStop(u, ctx, 'SIGKILL');
    else enterFailedOrDead(u, ctx);
  });
}

function runNextOneshot(u: UnitRuntime, ctx: KindContext): void {
  const d = data(u);
  const next = d.pending.shift();
  if (!next) {
    u.controlPid = 0;
    ctx.setState(u, spec(u).remainAfterExit ? 'exited' : 'dead');
    return;
  }
  const pid = ctx.spawn(u, next, 'control');
  if (pid === undefined) {
    u.result = 'resources';
    return enterFailedOrDead(u, ctx);
  }
  u.controlPid = pid;
  if (state(u) !== 'start') {
    ctx.setState(u, 'start');
    const t = spec(u).timeoutStartMs;
    // Type=oneshot has no start timeout unless one is set (systemd.service(5)).
    if (t !== undefined) {
      ctx.stateTimer(u, t, () => {
        u.result = 'timeout';
        enterStop(u, ctx, 'SIGTERM');
      });
    }
  }
}

export const serviceKind: UnitKind = {
  type: 'service',
  states: STATES,
  initialState: 'dead',
  canStart: () => true,
  canReload: (u) => (u.serviceSpec?.execReload?.length ?? 0) > 0,

  start(u, ctx) {
    const s = spec(u);
    u.result = 'success';
    u.data = { pending: [...s.execStart], reloadOk: true } satisfies ServiceData as unknown as Record<string, unknown>;
    if (s.type === 'oneshot') return runNextOneshot(u, ctx);
    const argv = s.execStart[0];
    const pid = argv ? ctx.spawn(u, argv, 'main') : undefined;
    if (pid === undefined) {
      u.result = 'resources';
      return enterFailedOrDead(u, ctx);
    }
    u.mainPid = pid;
    ctx.setState(u, 'running');
  },

  stop(u, ctx) {
    switch (state(u)) {
      case 'running':
      case 'start':
      case 'reload':
        return enterStop(u, ctx, 'SIGTERM');
      case 'exited':
        return ctx.setState(u, 'dead');
      case 'stop-sigterm':
      case 'stop-sigkill':
        return; // already on its way down
      case 'dead':
      case 'failed':
        return ctx.setState(u, state(u));
    }
  },

  reload(u, ctx) {
    const cmd = spec(u).execReload?.[0];
    if (!cmd || state(u) !== 'running') return;
    const pid = ctx.spawn(u, cmd, 'control');
    data(u).reloadOk = pid !== undefined;
    if (pid === undefined) return ctx.setState(u, 'running');
    u.controlPid = pid;
    ctx.setState(u, 'reload');
  },

  reloadSucceeded: (u) => data(u).reloadOk,

  childExit(u, e, ctx) {
    const isMain = e.pid === u.mainPid;
    const isControl = e.pid === u.controlPid;
    if (!isMain && !isControl) return;
    switch (state(u)) {
      case 'start':
        // oneshot command finished
        u.controlPid = 0;
        if (succeeded(u, e)) return runNextOneshot(u, ctx);
        failWith(u, e);
        return enterFailedOrDead(u, ctx);
      case 'running':
        u.mainPid = 0;
        if (!succeeded(u, e)) failWith(u, e);
        return enterFailedOrDead(u, ctx);
      case 'reload':
        if (isControl) {
          u.controlPid = 0;
          data(u).reloadOk = succeeded(u, e);
          return ctx.setState(u, 'running');
        }
        // The main process died during a reload.
        u.mainPid = 0;
        if (!succeeded(u, e)) failWith(u, e);
        return enterFailedOrDead(u, ctx);
      case 'stop-sigterm':
      case 'stop-sigkill':
        if (isMain) u.mainPid = 0;
        if (isControl) u.controlPid = 0;
        // Dying of the signal we sent is a clean stop.
        if (!succeeded(u, e) && !(e.signal !== 0 && CLEAN_SIGNALS.includes(e.signal)) && state(u) === 'stop-sigterm') failWith(u, e);
        if (u.mainPid === 0 && u.controlPid === 0) return enterFailedOrDead(u, ctx);
        return;
      case 'exited':
      case 'dead':
      case 'failed':
        return; // no process of ours should be left; a late exit changes nothing
    }
  },
};
