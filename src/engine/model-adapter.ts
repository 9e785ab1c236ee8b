/**
 * From src/unit's loaded model to what the engine runs (EngineUnit): the graph's view plus the
 * service and timer settings the engine's kinds act on. The only engine file that knows the model.
 */
import { toGraphUnit } from '../graph/model-adapter.js';
import { parseCalendarSpec } from '../shared/calendar.js';
import { parseTimespan, USEC_INFINITY, type Usec } from '../shared/timespan.js';
import { localZone } from '../shared/tzfile.js';
import type { TimerSpec, TimerValue } from './kinds/timer/spec.js';
import type { PathSpec } from './kinds/path/spec.js';
import type { SocketSection, Unit } from '../unit/model.js';
import type { ExecCommand } from '../unit/values/index.js';
import type { EngineUnit, KillMode, RestartPolicy, ServiceCommand, ServiceSpec, ServiceType, SocketSpec, TimeoutFailureMode } from './unit-kind.js';

const SERVICE_TYPES: readonly string[] = ['simple', 'exec', 'oneshot', 'forking', 'notify', 'notify-reload', 'dbus', 'idle'];
const RESTART: readonly string[] = ['no', 'on-success', 'on-failure', 'on-abnormal', 'on-watchdog', 'on-abort', 'always'];
const KILL_MODES: readonly string[] = ['control-group', 'mixed', 'process', 'none'];

/** A time span in ms: undefined when unset, Infinity for "infinity" (and for 0, which systemd reads as "no timeout"). */
function ms(u: Usec | undefined): number | undefined {
  if (u === undefined) return undefined;
  if (u === 0n || u >= USEC_INFINITY) return Infinity;
  return Number(u / 1000n);
}

const FAILURE_MODES: readonly string[] = ['terminate', 'abort', 'kill'];
const failureMode = (m: string | undefined): TimeoutFailureMode | undefined =>
  m !== undefined && FAILURE_MODES.includes(m) ? (m as TimeoutFailureMode) : undefined;

/** "@": the second word is argv[0]; the program is still `path`. (A copy of the exact length: a spread into [] keeps spare room.) */
function commandArgv(c: ExecCommand): string[] {
  const argv = c.argv.slice();
  argv[0] = c.path;
  return argv;
}

const command = (c: ExecCommand): ServiceCommand => ({
  argv: commandArgv(c),
  ignoreFailure: c.flags.ignoreFailure,
  privileged: c.flags.fullyPrivileged,
  source: c,
});

/** Most command lists are empty: one frozen empty list for all of them rather than a fresh one per unit and list. */
const NO_COMMANDS: readonly ServiceCommand[] = Object.freeze([]);
const commands = (l: readonly ExecCommand[]): readonly ServiceCommand[] => (l.length === 0 ? NO_COMMANDS : l.map(command));

/**
 * A socket's settings for the socket kind. The service is Service= or the socket's own name
 * (systemd's socket_load_service); trigger limits default to 2s and 20 (200 with Accept=yes).
 */
function socketSpec(id: string, s: SocketSection): SocketSpec {
  const interval = s.triggerLimitIntervalUSec;
  return {
    listen: s.listen.map((l) => l.value),
    accept: s.accept,
    service: s.service ?? `${id.slice(0, -'.socket'.length)}.service`,
    options: {
      backlog: s.backlog, bindIPv6Only: s.bindIPv6Only, reusePort: s.reusePort, freeBind: s.freeBind, keepAlive: s.keepAlive,
      noDelay: s.noDelay, passCredentials: s.passCredentials, passSecurity: s.passSecurity, socketMode: s.socketMode,
      directoryMode: s.directoryMode, socketUser: s.socketUser, socketGroup: s.socketGroup, symlinks: s.symlinks, removeOnStop: s.removeOnStop,
    },
    fileDescriptorName: s.fileDescriptorName,
    execStartPre: commands(s.execStartPre),
    execStartPost: commands(s.execStartPost),
    execStopPre: commands(s.execStopPre),
    execStopPost: commands(s.execStopPost),
    maxConnections: s.maxConnections,
    maxConnectionsPerSource: s.maxConnectionsPerSource,
    timeoutMs: ms(s.timeoutUSec),
    triggerLimitIntervalMs: interval === undefined ? 2000 : interval >= USEC_INFINITY ? 0 : Number(interval / 1000n),
    triggerLimitBurst: s.triggerLimitBurst ?? (s.accept ? 200 : 20),
  };
}

/** A timer's settings for the engine: calendar expressions parsed (they were checked when the unit loaded). */
function timerSpec(u: Unit): TimerSpec | undefined {
  if (u.type !== 'timer' || u.loadState !== 'loaded') return undefined;
  const t = u.timer;
  const zone = localZone(process.env);
  const values: TimerValue[] = [];
  for (const { value } of t.triggers) {
    if (value.kind === 'OnCalendar') {
      const c = parseCalendarSpec(value.spec, zone);
      if (c.ok) values.push({ base: 'OnCalendar', calendar: c.value, text: value.spec });
      continue;
    }
    const usec = parseTimespan(value.spec);
    if (usec.ok) values.push({ base: value.kind, usec: usec.value, text: value.spec });
  }
  return {
    values, unit: t.unit ?? `${u.id.slice(0, u.id.lastIndexOf('.'))}.service`, accuracyUs: t.accuracyUSec, randomizedDelayUs: t.randomizedDelayUSec,
    fixedRandomDelay: t.fixedRandomDelay, persistent: t.persistent, remainAfterElapse: t.remainAfterElapse, wakeSystem: t.wakeSystem,
    onClockChange: t.onClockChange, onTimezoneChange: t.onTimezoneChange,
  };
}

/** A path unit's settings for the engine, with systemd's trigger limit defaults (2 s, 200). */
function pathSpec(u: Unit): PathSpec | undefined {
  if (u.type !== 'path' || u.loadState !== 'loaded') return undefined;
  const p = u.path;
  return {
    watches: p.watches.map(({ value }) => ({ type: value.kind, path: value.path })),
    unit: p.unit ?? `${u.id.slice(0, u.id.lastIndexOf('.'))}.service`,
    makeDirectory: p.makeDirectory, directoryMode: p.directoryMode,
    triggerLimitIntervalUs: p.triggerLimitIntervalUSec ?? 2_000_000n, triggerLimitBurst: p.triggerLimitBurst ?? 200,
  };
}

export function toEngineUnit(u: Unit): EngineUnit {
  const g = toGraphUnit(u);
  const s = u.service;
  const k = u.kill;
  let serviceSpec: ServiceSpec | undefined;
  if (s) {
    const restartMs = ms(s.restartUSec);
    serviceSpec = {
      type: (SERVICE_TYPES.includes(s.type) ? s.type : 'simple') as ServiceType,
      execCondition: commands(s.execCondition),
      execStartPre: commands(s.execStartPre),
      execStart: commands(s.execStart),
      execStartPost: commands(s.execStartPost),
      execReload: commands(s.execReload),
      execStop: commands(s.execStop),
      execStopPost: commands(s.execStopPost),
      remainAfterExit: s.remainAfterExit,
      oomPolicy: s.oomPolicy,
      timeoutStartMs: ms(s.timeoutStartUSec),
      timeoutStopMs: ms(s.timeoutStopUSec),
      timeoutAbortMs: ms(s.timeoutAbortUSec),
      successExitStatus: s.successExitStatus.status,
      successExitSignals: s.successExitStatus.signal,
      restart: (RESTART.includes(s.restart) ? s.restart : 'no') as RestartPolicy,
      // RestartSec=0 means "at once", not "never".
      restartMs: restartMs === Infinity && s.restartUSec === 0n ? 0 : restartMs,
      restartPreventExitStatus: s.restartPreventExitStatus.status,
      restartPreventExitSignals: s.restartPreventExitStatus.signal,
      restartForceExitStatus: s.restartForceExitStatus.status,
      restartForceExitSignals: s.restartForceExitStatus.signal,
      pidFile: s.pidFile,
      guessMainPid: s.guessMainPID,
      notifyAccess: s.notifyAccess as ServiceSpec['notifyAccess'],
      fileDescriptorStoreMax: s.fileDescriptorStoreMax,
      permissionsStartOnly: s.permissionsStartOnly,
      killMode: k && KILL_MODES.includes(k.killMode) ? (k.killMode as KillMode) : 'control-group',
      killSignal: k?.killSignal,
      restartKillSignal: k?.restartKillSignal,
      finalKillSignal: k?.finalKillSignal,
      sendSIGHUP: k?.sendSIGHUP,
      sendSIGKILL: k?.sendSIGKILL,
      startLimitIntervalMs: u.unit.startLimitIntervalUSec === undefined ? undefined : Number(u.unit.startLimitIntervalUSec / 1000n),
      startLimitBurst: u.unit.startLimitBurst,
      watchdogMs: s.watchdogUSec > 0n && s.watchdogUSec < USEC_INFINITY ? Number(s.watchdogUSec / 1000n) : undefined,
      watchdogSignal: k?.watchdogSignal,
      runtimeMaxMs: ms(s.runtimeMaxUSec),
      timeoutStartFailureMode: failureMode(s.timeoutStartFailureMode),
      timeoutStopFailureMode: failureMode(s.timeoutStopFailureMode),
    };
  }
  // Added to g rather than spread into a copy: see typed() in unit/load.ts (a hidden class per unit).
  return Object.assign(g, {
    description: u.unit.description,
    serviceSpec,
    socketSpec: u.type === 'socket' ? socketSpec(u.id, u.socket) : undefined,
    timerSpec: timerSpec(u),
    pathSpec: pathSpec(u),
    source: u,
    successAction: u.unit.successAction,
    failureAction: u.unit.failureAction,
    startLimitAction: u.unit.startLimitAction,
    successActionExitStatus: u.unit.successActionExitStatus,
    failureActionExitStatus: u.unit.failureActionExitStatus,
  });
}
