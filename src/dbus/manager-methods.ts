/**
 * org.freedesktop.systemd1.Manager's methods: the engine's ManagerApi (the same calls the control
 * socket makes) behind systemd's names and signatures. What svcd cannot do is answered with a
 * D-Bus error, never left unanswered: a client waiting for a reply or a JobRemoved would hang.
 */
import { isJobMode } from '../shared/job-mode.js';
import type { JobInfo, RequestedJobType, UnitStatus } from '../engine/api.js';
import { unitLoadRefusal, unitNameRefusal } from '../unit/name.js';
import { listedUnits } from '../control/list-units.js';
import { BusError, DBUS_ERROR, fromManagerError } from './errors.js';
import { method, notSupported, type CallContext, type Method } from './method.js';
import { MANAGER_IFACE, MANAGER_PATH, jobPath, unitPath } from './paths.js';
import { UNIT_FILE_METHODS } from './unit-file-methods.js';
import { dropInsFor, writeDropIns, type RawVariant } from './unit-properties.js';

const NO_SUCH_UNIT = 'org.freedesktop.systemd1.NoSuchUnit';
const NO_SUCH_JOB = 'org.freedesktop.systemd1.NoSuchJob';

/**
 * A name a client may pass: a valid unit name (unitNameRefusal; the unit-file methods take
 * templates), or with unitLoadRefusal one the manager may load a unit for, which no template is.
 */
export function checkedName(name: string, refusalOf: (name: string) => string | undefined = unitNameRefusal): string {
  const refusal = refusalOf(name);
  if (refusal !== undefined) throw new BusError(DBUS_ERROR.invalidArgs, refusal);
  return name;
}

/**
 * The unit as GetUnit finds it: one systemd does not hold in memory is "not loaded" — what
 * KillUnit, ResetFailedUnit and GetUnitProcesses answer for it too, as they look it up the same way.
 */
function loadedUnit(ctx: CallContext, name: string): UnitStatus {
  // A template is looked up, not loaded: merely "not loaded", as in systemd.
  const wanted = checkedName(name);
  // Looked for among the units in memory (a unit not found that a kept unit names is one, as in
  // systemd): api.unit() would load it, as LoadUnit does.
  const st = ctx.api.units().find((u) => u.id === wanted || u.model.names.includes(wanted));
  if (st === undefined) throw new BusError(NO_SUCH_UNIT, `Unit ${name} not loaded.`);
  return st;
}

/** Enqueues a job as systemctl's verbs ask; the reply is the job's path, JobRemoved follows. */
export function enqueue(ctx: CallContext, name: string, type: RequestedJobType, mode: string): readonly unknown[] {
  if (!isJobMode(mode)) throw new BusError(DBUS_ERROR.invalidArgs, `Job mode ${mode} invalid.`);
  const r = ctx.api.enqueue(checkedName(name, unitLoadRefusal), type, mode, true);
  if (!r.ok) throw fromManagerError(r.error);
  // The job's end is reported by JobRemoved; nobody awaits this promise here.
  void r.done.catch(() => undefined);
  return [jobPath(r.job.id)];
}

/** KillUnit, and Kill on the unit's object: the who= and signal checks, then the signal to the unit's processes. */
export function killUnit(ctx: CallContext, unit: string, whom: string, signal: number): [] {
  if (!['main', 'control', 'all', ''].includes(whom)) throw new BusError(DBUS_ERROR.invalidArgs, `Invalid who argument ${whom}`);
  if (!(signal >= 1 && signal <= 64)) throw new BusError(DBUS_ERROR.invalidArgs, `Signal number out of range: ${signal}`);
  const e = ctx.api.kill(loadedUnit(ctx, unit).id, whom === 'main' || whom === 'control' ? whom : 'all', signal);
  if (e) throw fromManagerError(e);
  return [];
}

/** ResetFailedUnit, and ResetFailed on the unit's object. */
export function resetFailedUnit(ctx: CallContext, unit: string): [] {
  const e = ctx.api.resetFailed(loadedUnit(ctx, unit).id);
  if (e) throw fromManagerError(e);
  return [];
}

/** CancelJob, and Cancel on the job's object: a job that is gone is NoSuchJob. */
export function cancelJob(ctx: CallContext, id: number): [] {
  const e = ctx.api.cancelJob(id);
  if (e) throw e.code === 'no-such-unit' || e.code === 'invalid' ? new BusError(NO_SUCH_JOB, e.message) : fromManagerError(e);
  return [];
}

const JOB_VERBS: readonly [string, RequestedJobType][] = [
  ['StartUnit', 'start'], ['StopUnit', 'stop'], ['ReloadUnit', 'reload'], ['RestartUnit', 'restart'],
  ['TryRestartUnit', 'try-restart'], ['ReloadOrRestartUnit', 'reload-or-restart'], ['ReloadOrTryRestartUnit', 'try-reload-or-restart'],
];

/** ListUnits' a(ssssssouso): id, description, load, active, sub, following, path, job id, type, path. */
function unitRow(st: UnitStatus): unknown[] {
  const j = st.job;
  return [st.id, st.model.unit.description ?? st.id, st.model.loadState, st.activeState, st.subState, '', unitPath(st.id), j?.id ?? 0, j?.type ?? '', j ? jobPath(j.id) : '/'];
}

const jobRow = (j: JobInfo): unknown[] => [j.id, j.unit, j.type, j.state, jobPath(j.id), unitPath(j.unit)];

/** GetUnitProcesses' a(sus): cgroup, pid, command line of each process of the unit. */
export function unitProcesses(ctx: CallContext, name: string): unknown[][] {
  const st = loadedUnit(ctx, name);
  return st.processes.map((p) => [st.controlGroup, p.pid, p.cmdline]);
}

/** fnmatch-style patterns as systemctl sends them; states match ActiveState, SubState or LoadState. */
function listed(ctx: CallContext, states: readonly string[], patterns: readonly string[]): unknown[][] {
  return listedUnits(ctx.api, { all: true, states, patterns }).map(unitRow);
}

/** systemctl set-property: the drop-ins written (unit-properties.ts), then read as systemd would have applied them. */
export async function setUnitProperties(ctx: CallContext, name: string, runtime: boolean, assignments: readonly (readonly [string, RawVariant])[]): Promise<[]> {
  const st = ctx.api.unit(checkedName(name, unitLoadRefusal));
  if (st.model.loadState === 'not-found') throw new BusError(NO_SUCH_UNIT, `Unit ${name} not found.`);
  if (st.model.loadState === 'masked') throw new BusError('org.freedesktop.systemd1.UnitMasked', `Unit ${name} is masked.`);
  const dropIns = dropInsFor(st, assignments);
  if (dropIns.length === 0) return [];
  writeDropIns(st.id, runtime, dropIns);
  // The unit's files are read again, drop-ins and all, so show and status say what was set.
  await ctx.api.reload();
  return [];
}

function changeEnvironment(ctx: CallContext, set: readonly string[], unset: readonly string[]): [] {
  const e = ctx.api.setEnvironment(set, unset);
  if (e) throw fromManagerError(e);
  return [];
}

export const MANAGER_METHODS: readonly Method[] = [
  method<[string]>('GetUnit', 's', 'o', false, ([name], ctx) => [unitPath(loadedUnit(ctx, name).id)]),
  method<[string]>('LoadUnit', 's', 'o', false, ([name], ctx) => [unitPath(ctx.api.unit(checkedName(name, unitLoadRefusal)).id)]),
  method<[number]>('GetUnitByPID', 'u', 'o', false, ([pid], ctx) => {
    const want = pid === 0 ? ctx.caller.pid : pid;
    const st = ctx.api.units().find((u) => u.mainPid === want || u.controlPid === want || u.processes.some((p) => p.pid === want));
    if (!st) throw new BusError('org.freedesktop.systemd1.NoUnitForPID', `PID ${want} does not belong to any loaded unit.`);
    return [unitPath(st.id)];
  }),
  ...JOB_VERBS.map(([name, type]) => method<[string, string]>(name, 'ss', 'o', true, ([unit, mode], ctx) => enqueue(ctx, unit, type, mode))),
  method<[string, string, number]>('KillUnit', 'ssi', '', true, ([unit, whom, signal], ctx) => killUnit(ctx, unit, whom, signal)),
  method<[string]>('ResetFailedUnit', 's', '', true, ([unit], ctx) => resetFailedUnit(ctx, unit)),
  method('ResetFailed', '', '', true, (_a, ctx) => {
    const e = ctx.api.resetFailed();
    if (e) throw fromManagerError(e);
    return [];
  }),
  method<[string]>('GetUnitProcesses', 's', 'a(sus)', false, ([name], ctx) => [unitProcesses(ctx, checkedName(name, unitLoadRefusal))]),
  method<[Buffer]>('GetUnitByInvocationID', 'ay', 'o', false, ([id], ctx) => {
    const hex = Buffer.from(id).toString('hex');
    const st = hex.length === 32 ? ctx.api.units().find((u) => u.invocationId === hex) : undefined;
    if (!st) throw new BusError('org.freedesktop.systemd1.NoUnitForInvocationID', `No unit with the specified invocation ID ${hex} known.`);
    return [unitPath(st.id)];
  }),
  method<[string]>('GetUnitByControlGroup', 's', 'o', false, ([cgroup], ctx) => {
    const st = ctx.api.units().find((u) => u.controlGroup !== '' && u.controlGroup === cgroup);
    if (!st) throw new BusError(NO_SUCH_UNIT, `Control group '${cgroup}' does not belong to any unit.`);
    return [unitPath(st.id)];
  }),
  // The flags (SD_SYSTEMD_UNIT_THAW and kin) ask for what svcd has no use for: a plain start.
  method<[string, string, bigint]>('StartUnitWithFlags', 'sst', 'o', true, ([unit, mode], ctx) => enqueue(ctx, unit, 'start', mode)),
  method('ListUnits', '', 'a(ssssssouso)', false, (_a, ctx) => [listed(ctx, [], [])]),
  method<[string[]]>('ListUnitsFiltered', 'as', 'a(ssssssouso)', false, ([states], ctx) => [listed(ctx, states, [])]),
  method<[string[], string[]]>('ListUnitsByPatterns', 'asas', 'a(ssssssouso)', false, ([states, patterns], ctx) => [listed(ctx, states, patterns)]),
  method<[string[]]>('ListUnitsByNames', 'as', 'a(ssssssouso)', false, ([names], ctx) => [names.map((n) => unitRow(ctx.api.unit(checkedName(n, unitLoadRefusal))))]),
  method('ListJobs', '', 'a(usssoo)', false, (_a, ctx) => [ctx.api.jobs().map(jobRow)]),
  method<[number]>('GetJob', 'u', 'o', false, ([id], ctx) => {
    if (!ctx.api.jobs().some((j) => j.id === id)) throw new BusError(NO_SUCH_JOB, `Job ${id} does not exist.`);
    return [jobPath(id)];
  }),
  method<[number]>('CancelJob', 'u', '', true, ([id], ctx) => cancelJob(ctx, id)),
  method('ClearJobs', '', '', true, (_a, ctx) => {
    for (const j of ctx.api.jobs()) ctx.api.cancelJob(j.id);
    return [];
  }),
  // Every direct peer gets the signals anyway (as systemd sends them on its private socket).
  method('Subscribe', '', '', false, () => []),
  method('Unsubscribe', '', '', false, () => []),
  method('Reload', '', '', true, async (_a, ctx) => {
    ctx.emit(MANAGER_PATH, MANAGER_IFACE, 'Reloading', 'b', [true]);
    try {
      await ctx.api.reload();
    } finally {
      ctx.emit(MANAGER_PATH, MANAGER_IFACE, 'Reloading', 'b', [false]);
    }
    return [];
  }),
  method('Reexecute', '', '', true, (_a, ctx) => {
    const e = ctx.api.reexec();
    if (e) throw fromManagerError(e);
    return [];
  }),
  ...(['Exit', 'PowerOff', 'Halt', 'Reboot'] as const).map((name) =>
    method(name, '', '', true, (_a, ctx) => {
      const how = name === 'PowerOff' ? 'poweroff' : name === 'Exit' ? 'exit' : name === 'Halt' ? 'halt' : 'reboot';
      // Answered first: the shutdown ends svcd, and with it this connection.
      setImmediate(() => ctx.api.shutdown(how));
      return [];
    })),
  method<[number]>('SetExitCode', 'y', '', true, () => {
    throw new BusError(DBUS_ERROR.notSupported, 'SetExitCode is not supported by svcd (svcctl exit N sets it).');
  }),
  ...UNIT_FILE_METHODS,
  notSupported('KExec', '', ''),
  notSupported('SwitchRoot', 'ss', ''),
  // systemctl set-/unset-environment: one all-or-nothing change of the manager's block.
  method<[string[]]>('SetEnvironment', 'as', '', true, ([set], ctx) => changeEnvironment(ctx, set, [])),
  method<[string[]]>('UnsetEnvironment', 'as', '', true, ([unset], ctx) => changeEnvironment(ctx, [], unset)),
  method<[string[], string[]]>('UnsetAndSetEnvironment', 'asas', '', true, ([unset, set], ctx) => changeEnvironment(ctx, set, unset)),
  method<[string, boolean, [string, RawVariant][]]>('SetUnitProperties', 'sba(sv)', '', true, ([name, runtime, assignments], ctx) => setUnitProperties(ctx, name, runtime, assignments)),
  notSupported('StartTransientUnit', 'ssa(sv)a(sa(sv))', 'o'),
  notSupported('StartUnitReplace', 'sss', 'o'),
  notSupported('EnqueueUnitJob', 'sss', 'uososa(uosos)'),
  notSupported('RefUnit', 's', ''),
  notSupported('UnrefUnit', 's', ''),
  notSupported('Dump', '', 's', false),
  notSupported('CleanUnit', 'sas', ''),
  notSupported('FreezeUnit', 's', ''),
  notSupported('ThawUnit', 's', ''),
  notSupported('BindMountUnit', 'sssbb', ''),
  notSupported('MountImageUnit', 'sssbba(ss)', ''),
  notSupported('AttachProcessesToUnit', 'ssau', ''),
  notSupported('AbandonScope', 's', ''),
  notSupported('GetJobAfter', 'u', 'a(usssoo)', false),
  notSupported('GetJobBefore', 'u', 'a(usssoo)', false),
  notSupported('SetShowStatus', 's', ''),
  notSupported('DumpUnitsMatchingPatterns', 'as', 's', false),
  notSupported('DumpByFileDescriptor', '', 'h', false),
  notSupported('DumpUnitsMatchingPatternsByFileDescriptor', 'as', 'h', false),
  notSupported('EnqueueMarkedJobs', '', 'ao'),
  notSupported('GetUnitFileLinks', 'sb', 'as', false),
  notSupported('LookupDynamicUserByName', 's', 'u', false),
  notSupported('LookupDynamicUserByUID', 'u', 's', false),
  notSupported('GetDynamicUsers', '', 'a(us)', false),
];
