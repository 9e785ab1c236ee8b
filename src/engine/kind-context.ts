/**
 * The KindContext a unit kind is given (systemd's unit vtable calling back into the manager): the
 * engine's bookkeeping — state changes, the timers of a state, queued requests, the log — and the
 * few actions on the machine a kind needs, with the System behind them hidden.
 *
 * It exists so that kinds reach the engine and the machine through one narrow door: nothing here
 * runs a job or a transaction synchronously; state changes and requests only go into the queues,
 * and a state timer's callback runs guarded (an exception fails nothing but is logged).
 */
import type { Timestamp } from './api.js';
import type { EngineObserver, Queues } from './queues.js';
import { setState } from './state-changes.js';
import { SpawnFailure, SpawnResourceFailure, type ActivationFd, type Connection, type SignalName, type System, type TimerHandle } from './system.js';
import type { KindContext, ManagerDefaults, UnitRuntime } from './unit-kind.js';
import { isDown, type Runtime } from './unit-table.js';

export interface KindContextDeps {
  readonly system: System;
  readonly defaults: ManagerDefaults;
  readonly queues: Queues;
  readonly observer: EngineObserver;
  readonly guard: (fn: () => void) => void;
  readonly log: (line: string) => void;
  /** The unit whose main or control process `pid` is (the engine's pid→unit map). */
  readonly ownerOf: (pid: number) => string | undefined;
  /** The fds a unit's processes get from the sockets that activate it (socket activation). */
  readonly activationFds: (unit: string) => { readonly fds: readonly ActivationFd[]; readonly connection?: number };
  /** Accept=yes: the instance is started for the connection `fd` (Engine.startConnection). */
  readonly startConnection: (socket: string, instance: string, conn: Connection) => void;
  /** Accept=yes after daemon-reexec: ties a still running instance to its socket again (Engine.adoptConnection). */
  readonly adoptConnection: (socket: string, instance: string) => boolean;
  readonly unitLoaded: (name: string) => boolean;
  /** The loaded unit `u` triggers, with its run-time record. */
  readonly triggered: (u: UnitRuntime) => UnitRuntime | undefined;
}

/** Now, as systemd timestamps things: wall clock and monotonic, in µs. */
export function timestamp(system: System): Timestamp {
  const mono = BigInt(Math.round(system.now() * 1000));
  return { realtimeUs: system.realtimeUs(), monotonicUs: mono };
}

/** A timer that belongs to the unit's current state: setState() cancels it. */
function stateTimer(d: KindContextDeps, r: Runtime, ms: number, fn: () => void): TimerHandle {
  const h = d.system.setTimer(ms, () => {
    r.timers?.delete(h);
    if (r.timers?.size === 0) r.timers = undefined;
    d.guard(fn);
  });
  (r.timers ??= new Set()).add(h);
  return h;
}

/**
 * A kind's state change, with the monotonic moments it leaves or enters inactive-or-failed
 * (OnUnitActiveSec=/OnUnitInactiveSec= count from the triggered unit's).
 */
function changeState(d: KindContextDeps, r: Runtime, sub: string): void {
  const from = r.activeState;
  setState(r, sub, d.queues, d.observer);
  const down = isDown(r.activeState);
  if (isDown(from) === down) return;
  const now = timestamp(d.system).monotonicUs;
  if (down) r.inactiveEnterUs = now;
  else r.inactiveExitUs = now;
}

/** Every UnitRuntime a kind is handed is a Runtime of the engine's table: the casts below are safe. */
export function kindContext(d: KindContextDeps): KindContext {
  const { system } = d;
  return {
    defaults: d.defaults,
    now: () => system.now(),
    setState: (u, sub) => changeState(d, u as Runtime, sub),
    stateTimer: (u, ms, fn) => stateTimer(d, u as Runtime, ms, fn),
    spawn: (u, cmd, o) => {
      // Listening fds go to the main process only (EXEC_PASS_FDS); a connection is every process's stdin where asked.
      const act = d.activationFds(u.id);
      try {
        return system.spawn({
          unit: u.id, argv: cmd.argv, role: o.role, command: cmd.source, source: u.model.source,
          privileged: o.privileged, extraEnv: o.extraEnv, invocationId: u.invocationId,
          activationFds: o.role === 'main' && act.fds.length > 0 ? act.fds : undefined, socketFd: act.connection,
        });
      } catch (e) {
        if (e instanceof SpawnFailure) return { failed: true, status: e.status, message: e.message };
        // Anything else kept the process from being made: the manager's own failure, not the program's.
        return { failed: true, resources: true, status: 0, message: e instanceof SpawnResourceFailure ? e.reason : String((e as Error).message) };
      }
    },
    kill: (_u, pid, signal: SignalName | number) => system.kill(pid, signal),
    processes: (u, known, fresh) => system.unitProcesses(u.id, known, fresh),
    strayProcesses: () => system.strayProcesses(),
    ownerOf: (pid) => d.ownerOf(pid),
    isAlive: (pid) => system.isAlive(pid),
    isManagerChild: (pid) => system.isManagerChild(pid),
    readPidFile: (path) => system.readPidFile(path),
    releaseRuntime: (u) => system.releaseRuntime(u.id),
    realizeSlice: (u) => system.realizeSlice(u.id),
    takeOomKills: (u) => system.takeOomKills(u.id),
    requestJob: (u, type, mode) => {
      d.queues.requests.push({ unit: u.id, type, mode });
    },
    openListeners: (u, listen, opts) => system.openListeners(u.id, listen, opts),
    closeListeners: (fds, listen, opts) => system.closeListeners(fds, listen, opts),
    watchReadable: (u, fds, fn) => system.watchReadable(fds, (i) => d.guard(() => fn(i))),
    acceptConnection: (fd) => system.acceptConnection(fd),
    closeFd: (fd) => system.closeFd(fd),
    sameFile: (a, b) => system.sameFile(a, b),
    startConnection: (u, instance, conn) => d.startConnection(u.id, instance, conn),
    adoptConnection: (u, instance) => d.adoptConnection(u.id, instance),
    timestamp: () => timestamp(system),
    userspace: timestamp(system),
    unitLoaded: (name) => d.unitLoaded(name),
    triggered: (u) => d.triggered(u),
    requestUnitJob: (unit, type, mode) => {
      d.queues.requests.push({ unit, type, mode });
    },
    readTimerStamp: (u) => system.readTimerStamp(u.id),
    writeTimerStamp: (u, t) => system.writeTimerStamp(u.id, t),
    inotify: (_u, onEvents) => system.openInotify?.((events) => d.guard(() => onEvents(events))),
    log: (u, text) => {
      if (d.observer.unitLog) d.observer.unitLog(u.id, text);
      else d.log(`${u.id}: ${text}`);
    },
  };
}
