/**
 * Services (systemd.service(5)), the subset the first manager runs. Sub-states, as systemd spells
 * them: dead → start-pre → start → start-post → running | exited; running → auto-restart → start…;
 * stop → stop-sigterm → stop-sigkill → dead | failed. Type=simple and exec become running once
 * the main process is spawned; oneshot runs its ExecStart= lines in turn and ends exited (with
 * RemainAfterExit=yes) or dead. forking, notify, dbus and idle are run as simple for now.
 *
 * Invariants: at most one control process (ExecStartPre/Post/Stop) runs at a time; mainPid is set
 * only in start (oneshot), start-post, running and the stop states.
 */
import { randomBytes } from 'node:crypto';
import type { ChildExit } from '../../exec/native.js';
import { SpawnError } from '../../exec/native.js';
import { buildSpawnSpec } from '../../exec/exec-context.js';
import { prepareDirectories, removeRuntimeDirectories } from '../../exec/directories.js';
import { readFileSync } from 'node:fs';
import type { ExecCommand } from '../../unit/values/index.js';
import type { RuntimeUnit } from '../runtime-unit.js';
import type { ManagerServices, UnitTypeModule } from './unit-type.js';

type Phase = 'start-pre' | 'start' | 'start-post' | 'stop' | 'stop-post';

interface Run {
  phase: Phase;
  queue: ExecCommand[];
  current?: ExecCommand;
}

const runs = new WeakMap<RuntimeUnit, Run>();
const usecToMs = (u: bigint | undefined, dflt: number): number =>
  u === undefined ? dflt : u >= 2n ** 63n ? Number.MAX_SAFE_INTEGER : Number(u / 1000n);

/** Exit statuses that count as success for a service: 0, the "clean" signals, SuccessExitStatus=. */
function isClean(u: RuntimeUnit, e: ChildExit): boolean {
  const s = u.unit.service!.successExitStatus;
  if (e.signal === 0) return e.code === 0 || s.status.includes(e.code);
  return [1, 2, 13, 15].includes(e.signal) || s.signal.includes(e.signal);
}

function shouldRestart(u: RuntimeUnit, e: ChildExit, clean: boolean): boolean {
  const svc = u.unit.service!;
  if (svc.restartPreventExitStatus.status.includes(e.code) || (e.signal && svc.restartPreventExitStatus.signal.includes(e.signal))) return false;
  if (svc.restartForceExitStatus.status.includes(e.code) || (e.signal && svc.restartForceExitStatus.signal.includes(e.signal))) return true;
  switch (svc.restart) {
    case 'always': return true;
    case 'on-success': return clean;
    case 'on-failure': return !clean;
    case 'on-abnormal': return e.signal !== 0 && !clean;
    case 'on-abort': return e.signal !== 0 && ![1, 2, 13, 15].includes(e.signal);
    default: return false;
  }
}

function spawnCommand(u: RuntimeUnit, cmd: ExecCommand, m: ManagerServices, privileged: boolean): number | ChildExit {
  const spec = buildSpawnSpec(u.unit.exec!, cmd, {
    unitName: u.id,
    invocationId: u.invocationId,
    fds: [-1, m.outputFds[0], m.outputFds[1]],
    privileged,
    fragmentPath: u.unit.fragmentPath,
    extraEnv: m.notifySocket && notifyAccess(u) !== 'none' ? { NOTIFY_SOCKET: m.notifySocket } : {},
  });
  if (typeof spec === 'string') {
    m.status('failed', `${u.id}: ${spec}`);
    return { pid: 0, code: 217, signal: 0, coreDumped: false };
  }
  try {
    return m.system.spawn(spec);
  } catch (e) {
    if (e instanceof SpawnError) {
      m.status('failed', `${u.id}: Failed at step ${e.status.split('/')[1]} spawning ${cmd.path}: ${e.errnoName}`);
      return { pid: 0, code: e.exitCode, signal: 0, coreDumped: false };
    }
    throw e;
  }
}

/** NotifyAccess=, defaulting to "main" for Type=notify and "none" otherwise. */
function notifyAccess(u: RuntimeUnit): string {
  const svc = u.unit.service!;
  return svc.notifyAccess ?? (svc.type === 'notify' ? 'main' : 'none');
}

function readPidFile(path: string | undefined): number {
  if (!path) return 0;
  try {
    const pid = Number(readFileSync(path, 'utf8').trim());
    return Number.isInteger(pid) && pid > 1 ? pid : 0;
  } catch {
    return 0;
  }
}

/** Start finished: ExecStartPost= next, then running. */
function started(u: RuntimeUnit, m: ManagerServices): void {
  const run = runs.get(u)!;
  run.phase = 'start-post';
  run.queue = [...u.unit.service!.execStartPost];
  u.setState('activating', 'start-post');
  step(u, m);
}

function fail(u: RuntimeUnit, result: RuntimeUnit['result']): void {
  u.result = result;
  u.mainPid = 0;
  u.controlPid = 0;
  u.setState('failed', 'failed');
  removeRuntimeDirectories(u.unit.exec!);
}

/** Runs the next command of the current phase, or moves to the next phase. */
function step(u: RuntimeUnit, m: ManagerServices): void {
  const run = runs.get(u)!;
  const svc = u.unit.service!;
  const cmd = run.queue.shift();
  if (cmd) {
    run.current = cmd;
    const privileged = (svc.permissionsStartOnly && run.phase !== 'start') || cmd.flags.fullyPrivileged;
    const r = spawnCommand(u, cmd, m, privileged);
    if (typeof r !== 'number') return processExit(u, r, m);
    // Type=forking's ExecStart= is a control process: the daemon it leaves behind is the main one.
    const isMain = run.phase === 'start' && svc.type !== 'forking';
    if (isMain) u.mainPid = r;
    else u.controlPid = r;
    if (isMain && svc.type === 'notify') {
      // Started once the process says READY=1, within TimeoutStartSec=.
      u.timer = m.system.setTimer(usecToMs(svc.timeoutStartUSec, m.defaults.timeoutStartMs), () => {
        m.system.kill(u.mainPid, u.unit.kill!.killSignal);
        fail(u, 'timeout');
      });
      return;
    }
    // For long-running types the main process runs on while start-post proceeds.
    if (isMain && svc.type !== 'oneshot') {
      run.current = undefined;
      return started(u, m);
    }
    return;
  }
  run.current = undefined;
  switch (run.phase) {
    case 'start-pre':
      run.phase = 'start';
      run.queue = [...svc.execStart];
      u.setState('activating', 'start');
      return step(u, m);
    case 'start':
      run.phase = 'start-post';
      run.queue = [...svc.execStartPost];
      u.setState('activating', 'start-post');
      return step(u, m);
    case 'start-post':
      if (svc.type === 'oneshot') {
        if (svc.remainAfterExit) u.setState('active', 'exited');
        else u.setState('inactive', 'dead');
      } else {
        u.setState('active', 'running');
      }
      return;
    case 'stop':
      return terminate(u, m);
    case 'stop-post':
      u.controlPid = 0;
      removeRuntimeDirectories(u.unit.exec!);
      if (u.result === 'success') u.setState('inactive', 'dead');
      else u.setState('failed', 'failed');
      return;
  }
}

/** After ExecStop=: signal what is left of the main process, escalate after TimeoutStopSec=. */
function terminate(u: RuntimeUnit, m: ManagerServices): void {
  if (!u.mainPid) return stopPost(u, m);
  const kill = u.unit.kill!;
  u.setState('deactivating', 'stop-sigterm');
  m.system.kill(u.mainPid, kill.killSignal);
  if (kill.killMode === 'control-group' || kill.killMode === 'mixed') m.system.kill(-u.mainPid, kill.killSignal);
  if (kill.sendSIGHUP) m.system.kill(-u.mainPid, 1);
  u.timer = m.system.setTimer(usecToMs(u.unit.service!.timeoutStopUSec, m.defaults.timeoutStopMs), () => {
    if (!kill.sendSIGKILL || !u.mainPid) return;
    u.setState('deactivating', 'stop-sigkill');
    u.result = 'timeout';
    m.system.kill(u.mainPid, kill.finalKillSignal);
    m.system.kill(-u.mainPid, kill.finalKillSignal);
  });
}

function stopPost(u: RuntimeUnit, m: ManagerServices): void {
  const run = runs.get(u)!;
  run.phase = 'stop-post';
  run.queue = [...u.unit.service!.execStopPost];
  step(u, m);
}

function processExit(u: RuntimeUnit, e: ChildExit, m: ManagerServices): void {
  const run = runs.get(u);
  const svc = u.unit.service!;
  if (!run) return;
  const isMain = e.pid !== 0 ? e.pid === u.mainPid : run.phase === 'start';
  const clean = isClean(u, e);
  const failedResult = e.signal ? (e.coreDumped ? 'core-dump' : 'signal') : 'exit-code';

  if (run.phase === 'stop-post' || (u.activeState === 'deactivating' && !isMain)) {
    u.controlPid = 0;
    return step(u, m);
  }
  if (u.activeState === 'deactivating') {
    // The main process is gone: the stop is done once ExecStopPost= has run.
    u.mainPid = 0;
    return stopPost(u, m);
  }
  if (isMain && (run.phase === 'start-post' || u.subState === 'running')) {
    // The main process of a running (or still starting) service ended on its own.
    u.mainPid = 0;
    if (shouldRestart(u, e, clean)) {
      u.result = clean ? 'success' : failedResult;
      u.setState('activating', 'auto-restart');
      u.timer = m.system.setTimer(usecToMs(svc.restartUSec, m.defaults.restartMs), () => {
        u.nRestarts++;
        serviceType.start(u, m);
      });
      return;
    }
    if (clean) u.setState('inactive', 'dead');
    else fail(u, failedResult);
    return;
  }
  if (isMain && svc.type === 'notify' && run.phase === 'start') {
    // The main process ended before READY=1.
    u.mainPid = 0;
    return fail(u, clean ? 'protocol' : failedResult);
  }
  // A command of the start sequence (oneshot's ExecStart=, forking's parent included) finished.
  u.controlPid = 0;
  if (run.phase === 'start' && svc.type !== 'forking') u.mainPid = 0;
  if (clean && run.phase === 'start' && svc.type === 'forking') {
    u.mainPid = readPidFile(svc.pidFile);
    if (!u.mainPid) {
      m.status('failed', `${u.id}: New main PID could not be read from PIDFile=${svc.pidFile ?? ''}.`);
      return fail(u, 'protocol');
    }
  }
  if (!clean && !run.current?.flags.ignoreFailure) {
    if (svc.type === 'oneshot' && run.phase === 'start' && shouldRestart(u, e, clean)) {
      u.result = failedResult;
      u.setState('activating', 'auto-restart');
      u.timer = m.system.setTimer(usecToMs(svc.restartUSec, m.defaults.restartMs), () => {
        u.nRestarts++;
        serviceType.start(u, m);
      });
      return;
    }
    return fail(u, failedResult);
  }
  step(u, m);
}

export const serviceType: UnitTypeModule = {
  start(u, m) {
    const now = m.system.now();
    const interval = usecToMs(u.unit.unit.startLimitIntervalUSec, m.defaults.startLimitIntervalMs);
    const burst = u.unit.unit.startLimitBurst ?? m.defaults.startLimitBurst;
    while (u.startTimes.length > 0 && now - u.startTimes[0]! > interval) u.startTimes.shift();
    if (interval > 0 && burst > 0 && u.startTimes.length >= burst) return fail(u, 'start-limit-hit');
    u.startTimes.push(now);
    u.result = 'success';
    u.statusText = '';
    const dirError = prepareDirectories(u.unit.exec!);
    if (dirError) {
      m.status('failed', `${u.id}: ${dirError}`);
      return fail(u, 'resources');
    }
    u.invocationId = randomBytes(16).toString('hex');
    const run: Run = { phase: 'start-pre', queue: [...u.unit.service!.execStartPre] };
    runs.set(u, run);
    u.setState('activating', 'start-pre');
    step(u, m);
  },
  stop(u, m) {
    const run = runs.get(u) ?? { phase: 'stop', queue: [] };
    runs.set(u, run);
    if (u.subState === 'auto-restart' || (!u.mainPid && u.activeState !== 'active')) {
      const failed = u.activeState === 'failed';
      u.setState(failed ? 'failed' : 'inactive', failed ? 'failed' : 'dead');
      return;
    }
    run.phase = 'stop';
    run.queue = [...u.unit.service!.execStop];
    u.setState('deactivating', 'stop');
    step(u, m);
  },
  childExit(u, e, m) {
    processExit(u, e, m);
  },
  notify(u, message, pid, m) {
    const access = notifyAccess(u);
    const allowed = access === 'all' || (access === 'main' && pid === u.mainPid) || (access === 'exec' && (pid === u.mainPid || pid === u.controlPid));
    if (!allowed) return;
    for (const line of message.split('\n')) {
      const eq = line.indexOf('=');
      const [key, value] = eq < 0 ? [line, ''] : [line.slice(0, eq), line.slice(eq + 1)];
      if (key === 'STATUS') u.statusText = value;
      else if (key === 'MAINPID' && Number(value) > 0) u.mainPid = Number(value);
      else if (key === 'READY' && value === '1' && u.subState === 'start' && u.unit.service!.type === 'notify') {
        u.timer?.cancel();
        started(u, m);
      }
    }
  },
};
