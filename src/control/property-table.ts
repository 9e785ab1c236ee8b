/**
 * The properties of units and of the manager, one row each: name, D-Bus interface and signature
 * as org.freedesktop.systemd1(5) defines them, and how the value is read from a snapshot. Rows are
 * in the order systemctl show prints them (the order of systemd's vtables). Values are D-Bus
 * shaped and typed; turning them into text is properties.ts's job, so `show`, `status` and the
 * D-Bus API read the same rows.
 *
 * A property svcd cannot answer truthfully (IP accounting, the resource-control settings it keeps
 * unapplied such as IPAddressDeny=) has no row: docs/differences.md lists them. The shared
 * contexts are in context-rows.ts, the Socket interface in socket-properties.ts.
 */
import { requiresMountsFor } from '../unit/mounts-for.js';
import { NEVER, type ManagerStatus, type UnitStatus } from '../engine/api.js';
import type { Kind } from '../graph/atoms.js';
import { perpetualUnit } from '../unit/perpetual.js';
import { USEC_INFINITY } from '../shared/timespan.js';
import { LOAD_STATE_BUS_ERRORS, loadErrnoBusName, loadProblem } from '../unit/load-problem.js';
import { loaded, row, stamp, usecOf, type Interface, type PropertyRow } from './property-row.js';
import { commands, NO_RUN } from './exec-commands.js';
import { cgroupRows, execContextRows, heldIdRows, killContextRows } from './context-rows.js';
import { SOCKET_PROPERTIES } from './socket-properties.js';

export type { BusValue, ExecCommandValue, Interface, PropertyRow, Signature } from './property-row.js';
export { writtenCommands } from './exec-commands.js';
export { SOCKET_PROPERTIES } from './socket-properties.js';

/** Why the unit cannot be started for how it loaded, as LoadError= carries it (systemd's bus_unit_validate_load_state()). */
function loadErrorValue(st: UnitStatus): readonly [string, string] {
  const m = st.model;
  switch (m.loadState) {
    case 'loaded': return ['', ''];
    case 'error': return [loadErrnoBusName(m.loadError), loadProblem(m, st.id)!];
    // Not found: a slice or device too, though either starts without a file (loadProblem() lets them).
    case 'not-found': return [LOAD_STATE_BUS_ERRORS['not-found'], `Unit ${st.id} not found.`];
    default: return [LOAD_STATE_BUS_ERRORS[m.loadState], loadProblem(m, st.id)!];
  }
}

const SVC: Interface = 'org.freedesktop.systemd1.Service';
const UNIT: Interface = 'org.freedesktop.systemd1.Unit';
const MGR: Interface = 'org.freedesktop.systemd1.Manager';

type Svc = NonNullable<UnitStatus['model']['service']>;
const svc = (st: UnitStatus): Svc => st.model.service!;

/** systemd keeps an exit-status list as two sets: each number once, in ascending order. */
const ascending = (xs: readonly number[]) => [...new Set(xs)].sort((a, b) => a - b);
const exitStatusList = (l: Svc['successExitStatus']) => [ascending(l.status), ascending(l.signal)] as const;

const EXEC_KEYS = ['ExecCondition', 'ExecStartPre', 'ExecStart', 'ExecStartPost', 'ExecReload', 'ExecStop', 'ExecStopPost'] as const;

export const SERVICE_PROPERTIES: readonly PropertyRow<UnitStatus>[] = [
  row(SVC, 'Type', 's', (st) => (loaded(st) ? svc(st).type : '')),
  row(SVC, 'ExitType', 's', () => 'main'),
  row(SVC, 'Restart', 's', (st) => svc(st).restart),
  row(SVC, 'PIDFile', 's', (st) => svc(st).pidFile ?? ''),
  row(SVC, 'NotifyAccess', 's', (st) => svc(st).notifyAccess ?? (svc(st).type === 'notify' ? 'main' : 'none')),
  row(SVC, 'RestartUSec', 't', (st) => svc(st).restartUSec ?? usecOf(st.defaults.restartMs)),
  row(SVC, 'TimeoutStartUSec', 't', (st) => svc(st).timeoutStartUSec ?? (loaded(st) && svc(st).type === 'oneshot' ? USEC_INFINITY : usecOf(st.defaults.timeoutStartMs))),
  row(SVC, 'TimeoutStopUSec', 't', (st) => svc(st).timeoutStopUSec ?? usecOf(st.defaults.timeoutStopMs)),
  row(SVC, 'TimeoutAbortUSec', 't', (st) => svc(st).timeoutAbortUSec ?? svc(st).timeoutStopUSec ?? usecOf(st.defaults.timeoutAbortMs ?? st.defaults.timeoutStopMs)),
  row(SVC, 'TimeoutStartFailureMode', 's', (st) => svc(st).timeoutStartFailureMode),
  row(SVC, 'TimeoutStopFailureMode', 's', (st) => svc(st).timeoutStopFailureMode),
  row(SVC, 'RuntimeMaxUSec', 't', (st) => svc(st).runtimeMaxUSec),
  row(SVC, 'RuntimeRandomizedExtraUSec', 't', () => 0n),
  row(SVC, 'WatchdogUSec', 't', (st) => (loaded(st) ? svc(st).watchdogUSec : USEC_INFINITY)),
  ...stamp<UnitStatus>(SVC, 'WatchdogTimestamp', () => NO_RUN.start),
  row(SVC, 'RootDirectoryStartOnly', 'b', (st) => svc(st).rootDirectoryStartOnly),
  row(SVC, 'RemainAfterExit', 'b', (st) => svc(st).remainAfterExit),
  row(SVC, 'GuessMainPID', 'b', (st) => svc(st).guessMainPID),
  row(SVC, 'RestartPreventExitStatus', '(aiai)', (st) => exitStatusList(svc(st).restartPreventExitStatus)),
  row(SVC, 'RestartForceExitStatus', '(aiai)', (st) => exitStatusList(svc(st).restartForceExitStatus)),
  row(SVC, 'SuccessExitStatus', '(aiai)', (st) => exitStatusList(svc(st).successExitStatus)),
  row(SVC, 'MainPID', 'u', (st) => st.mainPid),
  row(SVC, 'ControlPID', 'u', (st) => st.controlPid),
  row(SVC, 'BusName', 's', (st) => svc(st).busName ?? ''),
  row(SVC, 'FileDescriptorStoreMax', 'u', (st) => svc(st).fileDescriptorStoreMax),
  row(SVC, 'NFileDescriptorStore', 'u', (st) => st.nFileDescriptorStore ?? 0),
  row(SVC, 'StatusText', 's', (st) => st.statusText),
  row(SVC, 'StatusErrno', 'i', (st) => st.statusErrno),
  row(SVC, 'Result', 's', (st) => st.result),
  row(SVC, 'ReloadResult', 's', () => 'success'),
  row(SVC, 'CleanResult', 's', () => 'success'),
  ...heldIdRows(SVC),
  row(SVC, 'NRestarts', 'u', (st) => st.nRestarts),
  row(SVC, 'OOMPolicy', 's', (st) => (loaded(st) ? svc(st).oomPolicy ?? st.defaults.oomPolicy ?? 'stop' : '')),
  ...stamp<UnitStatus>(SVC, 'ExecMainStartTimestamp', (st) => st.execMain.start),
  ...stamp<UnitStatus>(SVC, 'ExecMainExitTimestamp', (st) => st.execMain.exit),
  row(SVC, 'ExecMainPID', 'u', (st) => st.execMain.pid),
  row(SVC, 'ExecMainCode', 'i', (st) => st.execMain.code),
  row(SVC, 'ExecMainStatus', 'i', (st) => st.execMain.status),
  ...EXEC_KEYS.flatMap((k) => [row(SVC, k, 'a(sasbttttuii)', (st: UnitStatus) => commands(st, k)), row(SVC, `${k}Ex`, 'a(sasasttttuii)', (st: UnitStatus) => commands(st, k))]),
  ...cgroupRows(SVC),
  ...execContextRows(SVC),
  ...killContextRows(SVC),
];

/** The dependency lists of org.freedesktop.systemd1.Unit, in its order. */
export const DEPENDENCY_KINDS: readonly Kind[] = [
  'Requires', 'Requisite', 'Wants', 'BindsTo', 'PartOf', 'Upholds', 'RequiredBy', 'RequisiteOf', 'WantedBy', 'BoundBy',
  'UpheldBy', 'ConsistsOf', 'Conflicts', 'ConflictedBy', 'Before', 'After', 'OnSuccess', 'OnSuccessOf', 'OnFailure', 'OnFailureOf',
  'Triggers', 'TriggeredBy', 'PropagatesReloadTo', 'ReloadPropagatedFrom', 'PropagatesStopTo', 'StopPropagatedFrom', 'JoinsNamespaceOf',
] as Kind[];

/** systemd refuses manual starts of slices' and targets' peers the same way: only RefuseManualStart= and the load state matter. */
const canStart = (st: UnitStatus) => loaded(st) && !st.model.unit.refuseManualStart;

/** org.freedesktop.systemd1.Unit: every unit has these. */
export const UNIT_PROPERTIES: readonly PropertyRow<UnitStatus>[] = [
  row(UNIT, 'Id', 's', (st) => st.id),
  row(UNIT, 'Names', 'as', (st) => (st.model.names.length > 0 ? st.model.names : [st.id])),
  // Present on every unit, empty or not: `show -p Requires` prints "Requires=" as systemctl does.
  ...DEPENDENCY_KINDS.map((k) => row(UNIT, k, 'as', (st: UnitStatus) => [...(st.dependencies[k] ?? [])].sort())),
  // The file's paths and those systemd adds (exec context, sockets, path units, persistent timers).
  row(UNIT, 'RequiresMountsFor', 'as', (st) => requiresMountsFor(st.model).map((m) => m.path)),
  row(UNIT, 'Documentation', 'as', (st) => st.model.unit.documentation),
  row(UNIT, 'Description', 's', (st) => st.model.unit.description ?? st.id),
  row(UNIT, 'LoadState', 's', (st) => st.model.loadState),
  row(UNIT, 'ActiveState', 's', (st) => st.activeState),
  row(UNIT, 'FreezerState', 's', () => 'running'),
  row(UNIT, 'SubState', 's', (st) => st.subState),
  row(UNIT, 'FragmentPath', 's', (st) => st.model.fragmentPath ?? ''),
  row(UNIT, 'SourcePath', 's', (st) => st.model.unit.sourcePath ?? ''),
  row(UNIT, 'DropInPaths', 'as', (st) => st.model.dropinPaths),
  row(UNIT, 'UnitFileState', 's', (st) => st.unitFileState),
  row(UNIT, 'UnitFilePreset', 's', (st) => (st.model.fragmentPath ? 'enabled' : '')),
  ...stamp<UnitStatus>(UNIT, 'StateChangeTimestamp', (st) => st.timestamps.stateChange),
  ...stamp<UnitStatus>(UNIT, 'InactiveExitTimestamp', (st) => st.timestamps.inactiveExit),
  ...stamp<UnitStatus>(UNIT, 'ActiveEnterTimestamp', (st) => st.timestamps.activeEnter),
  ...stamp<UnitStatus>(UNIT, 'ActiveExitTimestamp', (st) => st.timestamps.activeExit),
  ...stamp<UnitStatus>(UNIT, 'InactiveEnterTimestamp', (st) => st.timestamps.inactiveEnter),
  row(UNIT, 'CanStart', 'b', canStart),
  // Not a question of the load state: a unit that is not found can still be stopped (whatever of it runs).
  row(UNIT, 'CanStop', 'b', (st) => !st.model.unit.refuseManualStop && perpetualUnit(st.id) === undefined),
  row(UNIT, 'CanReload', 'b', (st) => (st.model.service?.execReload.length ?? 0) > 0),
  row(UNIT, 'CanIsolate', 'b', (st) => st.model.unit.allowIsolate),
  row(UNIT, 'CanFreeze', 'b', () => false),
  row(UNIT, 'Job', '(uo)', (st) => (st.job ? [st.job.id, `/org/freedesktop/systemd1/job/${st.job.id}`] : [0, '/'])),
  row(UNIT, 'StopWhenUnneeded', 'b', (st) => st.model.unit.stopWhenUnneeded),
  row(UNIT, 'RefuseManualStart', 'b', (st) => st.model.unit.refuseManualStart),
  row(UNIT, 'RefuseManualStop', 'b', (st) => st.model.unit.refuseManualStop),
  row(UNIT, 'AllowIsolate', 'b', (st) => st.model.unit.allowIsolate),
  row(UNIT, 'DefaultDependencies', 'b', (st) => st.model.unit.defaultDependencies),
  row(UNIT, 'OnSuccessJobMode', 's', (st) => st.model.unit.onSuccessJobMode),
  row(UNIT, 'OnFailureJobMode', 's', (st) => st.model.unit.onFailureJobMode),
  row(UNIT, 'IgnoreOnIsolate', 'b', (st) => st.model.unit.ignoreOnIsolate),
  row(UNIT, 'NeedDaemonReload', 'b', (st) => st.needDaemonReload),
  row(UNIT, 'JobTimeoutUSec', 't', (st) => st.model.unit.jobTimeoutUSec),
  row(UNIT, 'JobRunningTimeoutUSec', 't', (st) => st.model.unit.jobRunningTimeoutUSec),
  row(UNIT, 'JobTimeoutAction', 's', (st) => st.model.unit.jobTimeoutAction),
  row(UNIT, 'ConditionResult', 'b', (st) => st.conditionResult),
  row(UNIT, 'AssertResult', 'b', (st) => st.assertResult),
  ...stamp<UnitStatus>(UNIT, 'ConditionTimestamp', (st) => st.timestamps.condition),
  ...stamp<UnitStatus>(UNIT, 'AssertTimestamp', (st) => st.timestamps.assert),
  row(UNIT, 'LoadError', '(ss)', loadErrorValue),
  row(UNIT, 'Transient', 'b', (st) => perpetualUnit(st.id)?.transient ?? false),
  row(UNIT, 'Perpetual', 'b', (st) => perpetualUnit(st.id) !== undefined),
  row(UNIT, 'StartLimitIntervalUSec', 't', (st) => st.model.unit.startLimitIntervalUSec ?? usecOf(st.defaults.startLimitIntervalMs)),
  row(UNIT, 'StartLimitBurst', 'u', (st) => st.model.unit.startLimitBurst ?? st.defaults.startLimitBurst),
  row(UNIT, 'StartLimitAction', 's', (st) => st.model.unit.startLimitAction),
  row(UNIT, 'FailureAction', 's', (st) => st.model.unit.failureAction),
  row(UNIT, 'FailureActionExitStatus', 'i', (st) => st.model.unit.failureActionExitStatus ?? -1),
  row(UNIT, 'SuccessAction', 's', (st) => st.model.unit.successAction),
  row(UNIT, 'SuccessActionExitStatus', 'i', (st) => st.model.unit.successActionExitStatus ?? -1),
  row(UNIT, 'InvocationID', 'ay', (st) => Buffer.from(st.invocationId, 'hex')),
  row(UNIT, 'CollectMode', 's', (st) => st.model.unit.collectMode),
];

/** org.freedesktop.systemd1.Manager, the object `systemctl show` without a unit prints. */
export const MANAGER_PROPERTIES: readonly PropertyRow<ManagerStatus>[] = [
  row(MGR, 'Version', 's', (ms: ManagerStatus) => ms.version),
  row(MGR, 'Features', 's', () => '+SVCD'),
  row(MGR, 'Virtualization', 's', () => process.env.container ?? ''),
  row(MGR, 'Architecture', 's', () => (process.arch === 'x64' ? 'x86-64' : process.arch)),
  // A container has no firmware, loader, kernel or initrd of its own: systemd shows these as never.
  ...['Firmware', 'Loader', 'Kernel', 'InitRD'].flatMap((k) => stamp<ManagerStatus>(MGR, `${k}Timestamp`, () => NEVER)),
  ...stamp<ManagerStatus>(MGR, 'UserspaceTimestamp', (ms: ManagerStatus) => ms.userspaceTimestamp),
  ...stamp<ManagerStatus>(MGR, 'FinishTimestamp', (ms: ManagerStatus) => ms.finishTimestamp),
  // No security module is set up in a container, by systemd either.
  ...stamp<ManagerStatus>(MGR, 'SecurityStartTimestamp', () => NEVER),
  ...stamp<ManagerStatus>(MGR, 'SecurityFinishTimestamp', () => NEVER),
  ...stamp<ManagerStatus>(MGR, 'GeneratorsStartTimestamp', (ms: ManagerStatus) => ms.generatorsStartTimestamp),
  ...stamp<ManagerStatus>(MGR, 'GeneratorsFinishTimestamp', (ms: ManagerStatus) => ms.generatorsFinishTimestamp),
  ...stamp<ManagerStatus>(MGR, 'UnitsLoadStartTimestamp', (ms: ManagerStatus) => ms.unitsLoadStartTimestamp),
  ...stamp<ManagerStatus>(MGR, 'UnitsLoadFinishTimestamp', (ms: ManagerStatus) => ms.unitsLoadFinishTimestamp),
  // 252's stable series names the latest (re)load here and leaves it unset, as its 'show' prints.
  ...stamp<ManagerStatus>(MGR, 'UnitsLoadTimestamp', () => NEVER),
  ...['Security', 'Generators', 'UnitsLoad'].flatMap((k) => [
    ...stamp<ManagerStatus>(MGR, `InitRD${k}StartTimestamp`, () => NEVER),
    ...stamp<ManagerStatus>(MGR, `InitRD${k}FinishTimestamp`, () => NEVER),
  ]),
  row(MGR, 'NNames', 'u', (ms: ManagerStatus) => ms.nNames),
  row(MGR, 'NFailedUnits', 'u', (ms: ManagerStatus) => ms.nFailedUnits),
  row(MGR, 'NJobs', 'u', (ms: ManagerStatus) => ms.nJobs),
  row(MGR, 'Progress', 'd', (ms: ManagerStatus) => (ms.nJobs === 0 ? 1 : 0)),
  row(MGR, 'Environment', 'as', (ms: ManagerStatus) => ms.environment),
  row(MGR, 'UnitPath', 'as', (ms: ManagerStatus) => ms.unitPath),
  row(MGR, 'DefaultStandardOutput', 's', () => 'journal'),
  row(MGR, 'DefaultStandardError', 's', () => 'inherit'),
  row(MGR, 'SystemState', 's', (ms: ManagerStatus) => ms.systemState),
  row(MGR, 'ExitCode', 'y', (ms: ManagerStatus) => ms.exitCode ?? 0),
  row(MGR, 'DefaultTimeoutStartUSec', 't', (ms: ManagerStatus) => usecOf(ms.defaults.timeoutStartMs)),
  row(MGR, 'DefaultTimeoutStopUSec', 't', (ms: ManagerStatus) => usecOf(ms.defaults.timeoutStopMs)),
  row(MGR, 'DefaultTimeoutAbortUSec', 't', (ms: ManagerStatus) => usecOf(ms.defaults.timeoutAbortMs ?? ms.defaults.timeoutStopMs)),
  row(MGR, 'DefaultRestartUSec', 't', (ms: ManagerStatus) => usecOf(ms.defaults.restartMs)),
  row(MGR, 'DefaultStartLimitIntervalUSec', 't', (ms: ManagerStatus) => usecOf(ms.defaults.startLimitIntervalMs)),
  row(MGR, 'DefaultStartLimitBurst', 'u', (ms: ManagerStatus) => ms.defaults.startLimitBurst),
];

const TMR: Interface = 'org.freedesktop.systemd1.Timer';
type TimerModel = Extract<UnitStatus['model'], { type: 'timer' }>['timer'];
const tmr = (st: UnitStatus): TimerModel => (st.model.type === 'timer' ? st.model.timer : undefined)!;
const NOT_WAITING = { nextElapseRealtimeUs: USEC_INFINITY, nextElapseMonotonicUs: USEC_INFINITY, lastTrigger: NO_RUN.start, values: [] };
const tst = (st: UnitStatus) => st.timer ?? NOT_WAITING;

/** org.freedesktop.systemd1.Timer (timer units only), in systemd 252's order. */
export const TIMER_PROPERTIES: readonly PropertyRow<UnitStatus>[] = [
  row(TMR, 'Unit', 's', (st) => st.dependencies.Triggers?.[0] ?? ''),
  row(TMR, 'TimersMonotonic', 'a(stt)', (st) => tst(st).values.filter((v) => v.calendar === undefined).map((v) => [v.base, v.usec, v.nextUs] as const)),
  row(TMR, 'TimersCalendar', 'a(sst)', (st) => tst(st).values.flatMap((v) => (v.calendar === undefined ? [] : [[v.base, v.calendar, v.nextUs] as const]))),
  row(TMR, 'OnClockChange', 'b', (st) => tmr(st).onClockChange),
  row(TMR, 'OnTimezoneChange', 'b', (st) => tmr(st).onTimezoneChange),
  row(TMR, 'NextElapseUSecRealtime', 't', (st) => tst(st).nextElapseRealtimeUs),
  row(TMR, 'NextElapseUSecMonotonic', 't', (st) => tst(st).nextElapseMonotonicUs),
  ...stamp<UnitStatus>(TMR, 'LastTriggerUSec', (st) => tst(st).lastTrigger),
  row(TMR, 'Result', 's', (st) => st.result),
  row(TMR, 'AccuracyUSec', 't', (st) => tmr(st).accuracyUSec),
  row(TMR, 'RandomizedDelayUSec', 't', (st) => tmr(st).randomizedDelayUSec),
  row(TMR, 'FixedRandomDelay', 'b', (st) => tmr(st).fixedRandomDelay),
  row(TMR, 'Persistent', 'b', (st) => tmr(st).persistent),
  row(TMR, 'WakeSystem', 'b', (st) => tmr(st).wakeSystem),
  row(TMR, 'RemainAfterElapse', 'b', (st) => tmr(st).remainAfterElapse),
];

const PTH: Interface = 'org.freedesktop.systemd1.Path';
type PathModel = Extract<UnitStatus['model'], { type: 'path' }>['path'];
const pth = (st: UnitStatus): PathModel => (st.model.type === 'path' ? st.model.path : undefined)!;

/** org.freedesktop.systemd1.Path (path units only), in systemd 252's order; Paths= newest line first, as systemd keeps them. */
export const PATH_PROPERTIES: readonly PropertyRow<UnitStatus>[] = [
  row(PTH, 'Unit', 's', (st) => st.dependencies.Triggers?.[0] ?? ''),
  row(PTH, 'Paths', 'a(ss)', (st) => pth(st).watches.map(({ value }) => [value.kind, value.path] as const).reverse()),
  row(PTH, 'MakeDirectory', 'b', (st) => pth(st).makeDirectory),
  row(PTH, 'DirectoryMode', 'u', (st) => pth(st).directoryMode),
  row(PTH, 'Result', 's', (st) => st.result),
  row(PTH, 'TriggerLimitIntervalUSec', 't', (st) => pth(st).triggerLimitIntervalUSec ?? 2_000_000n),
  row(PTH, 'TriggerLimitBurst', 'u', (st) => pth(st).triggerLimitBurst ?? 200),
];

/** org.freedesktop.systemd1.Slice: a slice's cgroup context (slice units only). */
const SLICE_PROPERTIES: readonly PropertyRow<UnitStatus>[] = cgroupRows('org.freedesktop.systemd1.Slice');

/** A unit's rows: the type's interface first, then Unit's, as systemctl prints them. */
export function unitRows(st: UnitStatus): readonly PropertyRow<UnitStatus>[] {
  // A socket that did not load has the Socket interface too, with the defaults (and a bad setting's file values), as systemd's.
  if (st.model.type === 'socket') return [...SOCKET_PROPERTIES, ...UNIT_PROPERTIES];
  if (st.model.type === 'timer') return [...TIMER_PROPERTIES, ...UNIT_PROPERTIES];
  if (st.model.type === 'path') return [...PATH_PROPERTIES, ...UNIT_PROPERTIES];
  if (st.model.type === 'slice') return [...SLICE_PROPERTIES, ...UNIT_PROPERTIES];
  return st.model.service && st.model.exec && st.model.kill ? [...SERVICE_PROPERTIES, ...UNIT_PROPERTIES] : UNIT_PROPERTIES;
}
