/**
 * Sockets (systemd.socket(5)): the state machine of systemd's socket.c in its sub-state words —
 *   dead → start-pre (ExecStartPre=) → [fds opened] → start-post (ExecStartPost=) → listening
 *   listening ⇄ running  (Accept=no: a readable fd starts the service, which gets every fd; the
 *                         socket watches again once the service is down)
 *   stop-pre (ExecStopPre=) → [fds closed] → stop-post (ExecStopPost=) → dead | failed
 * Accept=yes sockets stay listening: each connection is accepted here and handed to its own
 * NAME@N-LOCAL-REMOTE.service (N counts connections from 0), at most MaxConnections= at once and
 * MaxConnectionsPerSource= from one peer address.
 *
 * Invariants: fds are open from the end of start-pre until stop-post begins; the fds are watched
 * only while listening; controlPid is the one Exec…= command that runs.
 */
import { newInvocationId } from '../invocation.js';
import type { SocketStatus } from '../../api.js';
import type { ActiveState } from '../../job.js';
import type { ActivationFd, TimerHandle } from '../../system.js';
import type { KindContext, ServiceCommand, SocketSpec, UnitKind, UnitResult, UnitRuntime } from '../../unit-kind.js';
import { controlExited, runCommands, type CommandRun } from './commands.js';

export const SOCKET_STATES: Readonly<Record<string, ActiveState>> = {
  dead: 'inactive', 'start-pre': 'activating', 'start-chown': 'activating', 'start-post': 'activating',
  listening: 'active', running: 'active', 'stop-pre': 'deactivating', 'stop-pre-sigterm': 'deactivating',
  'stop-pre-sigkill': 'deactivating', 'stop-post': 'deactivating', 'final-sigterm': 'deactivating',
  'final-sigkill': 'deactivating', failed: 'failed', cleaning: 'maintenance',
};

export interface SocketState {
  fds: number[];
  watch?: TimerHandle;
  run?: CommandRun;
  /** Connections accepted so far (the N of instance names), those refused, and those whose instance still runs. */
  nAccepted: number;
  nRefused: number;
  connections: Map<string, { readonly fd: number; readonly source?: string }>;
  /** When the socket triggered lately (TriggerLimitIntervalSec=/TriggerLimitBurst=). */
  triggers: number[];
}

type Runtime = UnitRuntime<SocketState>;

const spec = (u: Runtime): SocketSpec => {
  const s = u.model.socketSpec;
  if (!s) throw new Error(`${u.id}: no socket settings`);
  return s;
};

/** The service sub-states in which an Accept=no socket watches its fds again (socket_trigger_notify). */
const SERVICE_DOWN = new Set(['dead', 'failed', 'final-sigterm', 'final-sigkill', 'auto-restart']);

function unwatch(u: Runtime): void {
  u.state.watch?.cancel();
  u.state.watch = undefined;
}

function fail(u: Runtime, result: UnitResult): void {
  if (u.result === 'success') u.result = result;
}

function enterListening(u: Runtime, ctx: KindContext): void {
  unwatch(u);
  u.state.watch = ctx.watchReadable(u, u.state.fds, (i) => readable(u, ctx, i));
  ctx.setState(u, 'listening');
}

function enterRunning(u: Runtime, ctx: KindContext): void {
  unwatch(u);
  ctx.setState(u, 'running');
}

/** A trigger within TriggerLimitIntervalSec= over TriggerLimitBurst= fails the socket. */
function triggerLimitHit(u: Runtime, ctx: KindContext): boolean {
  const s = spec(u);
  if (s.triggerLimitIntervalMs <= 0 || s.triggerLimitBurst <= 0) return false;
  const now = ctx.now();
  const d = u.state;
  d.triggers = d.triggers.filter((t) => now - t < s.triggerLimitIntervalMs);
  d.triggers.push(now);
  return d.triggers.length > s.triggerLimitBurst;
}

/** socket_dispatch_io → socket_enter_running. */
function readable(u: Runtime, ctx: KindContext, index: number): void {
  if (u.subState !== 'listening') return;
  const s = spec(u);
  if (triggerLimitHit(u, ctx)) {
    ctx.log(u, 'Trigger limit hit, refusing further activation.');
    unwatch(u);
    fail(u, 'trigger-limit-hit');
    return enterStopPre(u, ctx);
  }
  if (!s.accept) {
    ctx.requestUnitJob(s.service, 'start', 'replace');
    return enterRunning(u, ctx);
  }
  const conn = ctx.acceptConnection(u.state.fds[index]!);
  if (!conn) return;
  if (u.state.connections.size >= s.maxConnections) {
    ctx.log(u, `Too many incoming connections (${u.state.connections.size}), dropping connection.`);
    return refuse(u, ctx, conn.fd);
  }
  // MaxConnectionsPerSource=: IP and vsock peers by address (unix peers have none, as in systemd).
  if (conn.source !== undefined && s.maxConnectionsPerSource > 0) {
    const fromSource = [...u.state.connections.values()].filter((c) => c.source === conn.source).length;
    if (fromSource >= s.maxConnectionsPerSource) {
      ctx.log(u, `Too many incoming connections (${fromSource}) from source ${conn.source}, dropping connection.`);
      return refuse(u, ctx, conn.fd);
    }
  }
  const instance = `${prefixOf(u.id)}@${u.state.nAccepted}-${conn.endpoints}.service`;
  u.state.nAccepted++;
  u.state.connections.set(instance, { fd: conn.fd, source: conn.source });
  ctx.startConnection(u, instance, conn);
}

function refuse(u: Runtime, ctx: KindContext, fd: number): void {
  u.state.nRefused++;
  ctx.closeFd(fd);
}

/** unit_name_to_prefix: "foo@bar.socket" and "foo.socket" → "foo". */
function prefixOf(id: string): string {
  const base = id.slice(0, id.lastIndexOf('.'));
  const at = base.indexOf('@');
  return at < 0 ? base : base.slice(0, at);
}

function openFds(u: Runtime, ctx: KindContext): boolean {
  const s = spec(u);
  const r = ctx.openListeners(u, s.listen, s.options);
  if ('error' in r) {
    ctx.log(u, r.error);
    ctx.log(u, `Failed to listen on sockets: ${r.reason}`);
    fail(u, 'resources');
    return false;
  }
  u.state.fds = [...r];
  return true;
}

function closeFds(u: Runtime, ctx: KindContext): void {
  unwatch(u);
  const s = spec(u);
  if (u.state.fds.length > 0) ctx.closeListeners(u.state.fds, s.listen, s.options);
  u.state.fds = [];
}

function phase(u: Runtime, ctx: KindContext, state: string, key: string, cmds: readonly ServiceCommand[], next: (ok: boolean) => void): void {
  ctx.setState(u, state);
  const s = spec(u);
  const timeout = s.timeoutMs ?? ctx.defaults.timeoutStartMs;
  runCommands(u, ctx, key, cmds, timeout, next);
}

function enterStopPre(u: Runtime, ctx: KindContext): void {
  unwatch(u);
  phase(u, ctx, 'stop-pre', 'ExecStopPre', spec(u).execStopPre, (ok) => {
    if (!ok) fail(u, 'exit-code');
    enterStopPost(u, ctx);
  });
}

function enterStopPost(u: Runtime, ctx: KindContext): void {
  closeFds(u, ctx);
  phase(u, ctx, 'stop-post', 'ExecStopPost', spec(u).execStopPost, (ok) => {
    if (!ok) fail(u, 'exit-code');
    ctx.setState(u, u.result === 'success' ? 'dead' : 'failed');
  });
}

/** The counters show and status print (undefined for other kinds' units). */
export function socketStatus(u: Readonly<UnitRuntime>): SocketStatus | undefined {
  if (u.kind !== socketKind) return undefined;
  const d = (u as Readonly<Runtime>).state;
  return { nAccepted: d.nAccepted, nConnections: d.connections.size, nRefused: d.nRefused };
}

export const socketKind: UnitKind<SocketState> = {
  type: 'socket',
  states: SOCKET_STATES,
  initialState: 'dead',
  newState: () => ({ fds: [], nAccepted: 0, nRefused: 0, connections: new Map(), triggers: [] }),
  canStart: (u) => u.socketSpec !== undefined,
  canReload: () => false,

  start(u, ctx) {
    if (u.subState !== 'dead' && u.subState !== 'failed') return;
    const s = spec(u);
    // socket_start(): an Accept=no socket with nothing loaded to activate is refused, and stays dead.
    if (!s.accept && !ctx.unitLoaded(s.service)) {
      ctx.log(u, `Socket service ${s.service} not loaded, refusing.`);
      return 'failed';
    }
    u.result = 'success';
    u.controlPid = 0;
    u.invocationId = newInvocationId();
    u.commands = {};
    u.state.triggers = [];
    phase(u, ctx, 'start-pre', 'ExecStartPre', s.execStartPre, (ok) => {
      if (!ok) {
        fail(u, 'exit-code');
        return enterStopPost(u, ctx);
      }
      if (!openFds(u, ctx)) return enterStopPre(u, ctx);
      phase(u, ctx, 'start-post', 'ExecStartPost', s.execStartPost, (ok2) => {
        if (!ok2) {
          fail(u, 'exit-code');
          return enterStopPre(u, ctx);
        }
        enterListening(u, ctx);
      });
    });
  },

  stop(u, ctx) {
    switch (u.subState) {
      case 'dead':
      case 'failed':
        return ctx.setState(u, u.subState);
      case 'stop-pre':
      case 'stop-post':
        return;
      case 'start-pre':
      case 'start-post':
        // Whatever still starts is killed; the stop goes on from there.
        if (u.controlPid > 0) ctx.kill(u, u.controlPid, 'SIGKILL');
        u.state.run = undefined;
        u.controlPid = 0;
        return enterStopPre(u, ctx);
      default:
        return enterStopPre(u, ctx);
    }
  },

  childExit(u, e, ctx) {
    if (e.pid === u.controlPid) controlExited(u, ctx, e);
  },

  collectFds(u) {
    const s = spec(u);
    const name = s.fileDescriptorName ?? u.id;
    return u.state.fds.map((fd): ActivationFd => ({ fd, name }));
  },

  connectionFd(u, unit) {
    return u.state.connections.get(unit)?.fd;
  },

  triggerNotify(u, other, ctx) {
    const conn = u.state.connections.get(other.id);
    if (conn !== undefined) {
      // An Accept=yes instance: its connection is closed once it is down.
      if (other.activeState === 'inactive' || other.activeState === 'failed') {
        u.state.connections.delete(other.id);
        if (conn.fd >= 0) ctx.closeFd(conn.fd);
      }
      return;
    }
    if (spec(u).accept || other.model.type !== 'service') return;
    // A service its start limit refused: the socket stops triggering it (socket_trigger_notify).
    if (other.startLimitHit && (u.subState === 'running' || u.subState === 'listening') && SERVICE_DOWN.has(other.subState)) {
      fail(u, 'service-start-limit-hit');
      return enterStopPre(u, ctx);
    }
    if (u.subState === 'running' && SERVICE_DOWN.has(other.subState)) enterListening(u, ctx);
    else if (u.subState === 'listening' && other.subState === 'running') enterRunning(u, ctx);
  },

  // daemon-reexec: the fds stay open across exec (socket-fds.ts leaves them without close-on-exec)
  // and are watched again (coldplug) where the socket listened. Accept=yes connections are the
  // instances' now: svcd's copies closed with the old process image (fd -1 below), but the
  // instances that still run are counted (NConnections=, MaxConnections=) until they are down.
  serialize(u) {
    const connections = [...u.state.connections].map(([id, c]) => [id, c.source ?? null]);
    return { fds: u.state.fds, nAccepted: u.state.nAccepted, nRefused: u.state.nRefused, connections };
  },

  deserialize(u, saved) {
    const s = saved as { fds?: unknown; nAccepted?: unknown; nRefused?: unknown; connections?: unknown };
    u.state.fds = Array.isArray(s.fds) ? s.fds.filter((fd): fd is number => typeof fd === 'number') : [];
    u.state.nAccepted = typeof s.nAccepted === 'number' ? s.nAccepted : 0;
    u.state.nRefused = typeof s.nRefused === 'number' ? s.nRefused : 0;
    for (const c of Array.isArray(s.connections) ? (s.connections as unknown[]) : []) {
      if (Array.isArray(c) && typeof c[0] === 'string') u.state.connections.set(c[0], { fd: -1, source: typeof c[1] === 'string' ? c[1] : undefined });
    }
  },

  coldplug(u, ctx) {
    for (const id of [...u.state.connections.keys()]) if (!ctx.adoptConnection(u, id)) u.state.connections.delete(id);
    if (u.subState === 'listening') u.state.watch = ctx.watchReadable(u, u.state.fds, (i) => readable(u, ctx, i));
  },

  resetFailed(u, ctx) {
    if (u.subState === 'failed') ctx.setState(u, 'dead');
    u.result = 'success';
  },
};
