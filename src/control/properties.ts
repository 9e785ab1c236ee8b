/**
 * `svcctl show`: a unit's (or the manager's) properties with systemd 252's names, in its order,
 * formatted as systemctl prints them (org.freedesktop.systemd1(5) for the meaning of each).
 * Values are typed first (so D-Bus can reuse them), then formatted.
 */
import type { Kind } from '../graph/atoms.js';
import type { ManagerStatus, Timestamp, UnitStatus } from '../engine/api.js';
import { USEC_INFINITY } from '../shared/timespan.js';
import { isGeneratedPath } from '../unit/generators.js';
import type { Unit } from '../unit/model.js';
import { SERVICE_SLICE } from '../shared/slice.js';
import { showExitText, sigchldCodeToString } from '../shared/exit-status.js';

export type PropertyValue =
  | { readonly t: 's'; readonly v: string }
  | { readonly t: 'b'; readonly v: boolean }
  | { readonly t: 'u'; readonly v: number | bigint }
  | { readonly t: 'i'; readonly v: number }
  | { readonly t: 'as'; readonly v: readonly string[] }
  | { readonly t: 'ts'; readonly v: Timestamp }
  | { readonly t: 'usec'; readonly v: bigint }
  | { readonly t: 'raw'; readonly v: string };

export interface Property {
  readonly name: string;
  readonly value: PropertyValue;
}

const s = (v: string | undefined): PropertyValue => ({ t: 's', v: v ?? '' });
const b = (v: boolean): PropertyValue => ({ t: 'b', v });
const u = (v: number | bigint): PropertyValue => ({ t: 'u', v });
const i = (v: number): PropertyValue => ({ t: 'i', v });
const as = (v: readonly string[]): PropertyValue => ({ t: 'as', v });
const usec = (v: bigint | undefined): PropertyValue => ({ t: 'usec', v: v ?? 0n });

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** systemd's FORMAT_TIMESTAMP: "Sun 2026-11-22 14:30:01 UTC", in local time. */
export function formatTimestamp(us: bigint): string {
  if (us === 0n || us >= USEC_INFINITY) return '';
  const d = new Date(Number(us / 1000n));
  const p = (n: number) => String(n).padStart(2, '0');
  const zone = new Intl.DateTimeFormat('en-US', { timeZoneName: 'short' }).formatToParts(d).find((x) => x.type === 'timeZoneName')?.value ?? 'UTC';
  return `${WEEKDAYS[d.getDay()]} ${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())} ${zone === 'GMT' ? 'UTC' : zone}`;
}

/** systemd's FORMAT_TIMESPAN as show prints µs values: "1min 30s", "100ms", "infinity", "0". */
export function formatTimespan(us: bigint): string {
  if (us >= USEC_INFINITY) return 'infinity';
  if (us === 0n) return '0';
  const units: [string, bigint][] = [['y', 31557600000000n], ['month', 2629800000000n], ['w', 604800000000n], ['d', 86400000000n], ['h', 3600000000n], ['min', 60000000n], ['s', 1000000n], ['ms', 1000n], ['us', 1n]];
  const out: string[] = [];
  let rest = us;
  for (const [name, size] of units) {
    if (rest >= size) {
      out.push(`${rest / size}${name}`);
      rest %= size;
    }
  }
  return out.join(' ');
}

export function formatValue(v: PropertyValue): string {
  switch (v.t) {
    case 's': return v.v;
    case 'b': return v.v ? 'yes' : 'no';
    case 'u': return String(v.v);
    case 'i': return String(v.v);
    case 'as': return v.v.join(' ');
    case 'ts': return formatTimestamp(v.v.realtimeUs);
    case 'usec': return formatTimespan(v.v);
    case 'raw': return v.v;
  }
}

const DEP_PROPERTIES: readonly Kind[] = [
  'Requires', 'Requisite', 'Wants', 'BindsTo', 'PartOf', 'Upholds', 'RequiredBy', 'RequisiteOf', 'WantedBy', 'BoundBy',
  'UpheldBy', 'ConsistsOf', 'Conflicts', 'ConflictedBy', 'Before', 'After', 'OnSuccess', 'OnSuccessOf', 'OnFailure', 'OnFailureOf',
  'Triggers', 'TriggeredBy', 'PropagatesReloadTo', 'ReloadPropagatedFrom', 'PropagatesStopTo', 'StopPropagatedFrom', 'JoinsNamespaceOf',
] as Kind[];

function timestampPair(name: string, t: Timestamp): Property[] {
  return [{ name, value: { t: 'ts', v: t } }, { name: `${name}Monotonic`, value: u(t.monotonicUs) }];
}

function execProperty(st: UnitStatus, key: string): Property | undefined {
  const list = st.commands[key];
  const fromModel = (st.model.service as unknown as Record<string, readonly { path: string; argv: readonly string[]; flags: { ignoreFailure: boolean } }[]> | undefined)?.[key.charAt(0).toLowerCase() + key.slice(1)];
  const items = list ?? fromModel?.map((c) => ({ path: c.path, argv: c.argv, ignoreErrors: c.flags.ignoreFailure, run: undefined }));
  if (!items || items.length === 0) return undefined;
  const text = items.map((c) => {
    const r = c.run;
    const start = r ? formatTimestamp(r.start.realtimeUs) : '';
    const stop = r ? formatTimestamp(r.exit.realtimeUs) : '';
    const code = r && r.code !== 0 ? sigchldCodeToString(r.code) : r && r.pid > 0 ? 'running' : '(null)';
    return `{ path=${c.path} ; argv[]=${c.argv.join(' ')} ; ignore_errors=${c.ignoreErrors ? 'yes' : 'no'} ; start_time=[${start || 'n/a'}] ; stop_time=[${stop || 'n/a'}] ; pid=${r?.pid ?? 0} ; code=${code} ; ${r && r.code !== 0 ? showExitText(r.code, r.status) : 'status=0/0'} }`;
  });
  return { name: key, value: { t: 'raw', v: text.join(' ') } };
}

/** UnitFileState=, as `show` prints it and `status` puts it in the Loaded: line. */
export function unitFileState(m: Unit): string {
  if (m.loadState === 'masked') return 'masked';
  if (!m.fragmentPath) return '';
  if (isGeneratedPath(m.fragmentPath)) return 'generated';
  if (m.fragmentPath.startsWith('/run/')) return 'linked-runtime';
  const install = m.install;
  if (install.wantedBy.length === 0 && install.requiredBy.length === 0 && install.alias.length === 0 && install.also.length === 0) return 'static';
  return 'enabled';
}

/** Every property of a unit, in systemd 252's order (type-specific ones first, as systemctl shows). */
export function unitProperties(st: UnitStatus): Property[] {
  const m = st.model;
  const out: Property[] = [];
  const push = (name: string, value: PropertyValue) => out.push({ name, value });
  const svc = m.service;
  if (svc) {
    push('Type', s(svc.type));
    push('ExitType', s('main'));
    push('Restart', s(svc.restart));
    push('NotifyAccess', s(svc.notifyAccess ?? (svc.type === 'notify' ? 'main' : 'none')));
    push('RestartUSec', usec(svc.restartUSec ?? 100_000n));
    push('TimeoutStartUSec', usec(svc.timeoutStartUSec ?? (svc.type === 'oneshot' ? USEC_INFINITY : 90_000_000n)));
    push('TimeoutStopUSec', usec(svc.timeoutStopUSec ?? 90_000_000n));
    push('TimeoutAbortUSec', usec(svc.timeoutAbortUSec ?? svc.timeoutStopUSec ?? 90_000_000n));
    push('TimeoutStartFailureMode', s(svc.timeoutStartFailureMode));
    push('TimeoutStopFailureMode', s(svc.timeoutStopFailureMode));
    push('RuntimeMaxUSec', usec(svc.runtimeMaxUSec));
    push('RuntimeRandomizedExtraUSec', usec(0n));
    push('WatchdogUSec', usec(svc.watchdogUSec));
    out.push(...timestampPair('WatchdogTimestamp', { realtimeUs: 0n, monotonicUs: 0n }));
    push('RootDirectoryStartOnly', b(svc.rootDirectoryStartOnly));
    push('RemainAfterExit', b(svc.remainAfterExit));
    push('GuessMainPID', b(svc.guessMainPID));
    if (svc.pidFile) push('PIDFile', s(svc.pidFile));
    push('MainPID', u(st.mainPid));
    push('ControlPID', u(st.controlPid));
    push('FileDescriptorStoreMax', u(0));
    push('NFileDescriptorStore', u(0));
    push('StatusText', s(st.statusText));
    push('StatusErrno', i(st.statusErrno));
    push('Result', s(st.result));
    push('ReloadResult', s('success'));
    push('CleanResult', s('success'));
    push('UID', s('[not set]'));
    push('GID', s('[not set]'));
    push('NRestarts', u(st.nRestarts));
    push('OOMPolicy', s('stop'));
    out.push(...timestampPair('ExecMainStartTimestamp', st.execMain.start));
    out.push(...timestampPair('ExecMainExitTimestamp', st.execMain.exit));
    push('ExecMainPID', u(st.execMain.pid));
    push('ExecMainCode', i(st.execMain.code));
    push('ExecMainStatus', i(st.execMain.status));
    for (const key of ['ExecCondition', 'ExecStartPre', 'ExecStart', 'ExecStartPost', 'ExecReload', 'ExecStop', 'ExecStopPost']) {
      const p = execProperty(st, key);
      if (p) out.push(p);
    }
    push('Slice', s(SERVICE_SLICE));
    push('ControlGroup', s(st.activeState === 'inactive' || st.activeState === 'failed' ? '' : st.controlGroup));
  }
  if (m.exec) {
    const e = m.exec;
    push('UMask', s((e.umask ?? 0o022).toString(8).padStart(4, '0')));
    for (const [name, key] of [['LimitNOFILE', 'NOFILE'], ['LimitNPROC', 'NPROC'], ['LimitCORE', 'CORE'], ['LimitMEMLOCK', 'MEMLOCK']] as const) {
      const l = e.limits[key];
      if (l) {
        push(name, u(l.hard));
        push(`${name}Soft`, u(l.soft));
      }
    }
    if (e.workingDirectory) push('WorkingDirectory', s(e.workingDirectory));
    if (e.rootDirectory) push('RootDirectory', s(e.rootDirectory));
    push('OOMScoreAdjust', i(e.oomScoreAdjust ?? 0));
    push('Nice', i(e.nice ?? 0));
    push('Environment', as(e.environment));
    push('EnvironmentFiles', as(e.environmentFiles.map((f) => `${f.path} (ignore_errors=${f.optional ? 'yes' : 'no'})`)));
    push('PassEnvironment', as(e.passEnvironment));
    push('UnsetEnvironment', as(e.unsetEnvironment));
    push('StandardInput', s(e.standardInput ?? 'null'));
    push('StandardOutput', s(e.standardOutput ?? 'journal'));
    push('StandardError', s(e.standardError ?? 'inherit'));
    if (e.syslogIdentifier) push('SyslogIdentifier', s(e.syslogIdentifier));
    push('User', s(e.user));
    push('Group', s(e.group));
    push('DynamicUser', b(e.dynamicUser));
    push('SupplementaryGroups', as(e.supplementaryGroups));
    push('RuntimeDirectoryPreserve', s(e.runtimeDirectoryPreserve));
    push('RuntimeDirectory', as(e.runtimeDirectory));
    push('StateDirectory', as(e.stateDirectory));
    push('CacheDirectory', as(e.cacheDirectory));
    push('LogsDirectory', as(e.logsDirectory));
    push('ConfigurationDirectory', as(e.configurationDirectory));
    push('NoNewPrivileges', b(e.noNewPrivileges));
    push('PrivateTmp', b(e.privateTmp));
  }
  if (m.kill) {
    push('KillMode', s(m.kill.killMode));
    push('KillSignal', i(m.kill.killSignal));
    push('RestartKillSignal', i(m.kill.restartKillSignal ?? m.kill.killSignal));
    push('FinalKillSignal', i(m.kill.finalKillSignal));
    push('SendSIGKILL', b(m.kill.sendSIGKILL));
    push('SendSIGHUP', b(m.kill.sendSIGHUP));
    push('WatchdogSignal', i(m.kill.watchdogSignal));
  }
  push('Id', s(st.id));
  push('Names', as(m.names.length > 0 ? m.names : [st.id]));
  for (const k of DEP_PROPERTIES) {
    // Present on every unit object, empty or not: `show -p Requires` prints "Requires=" as systemctl does.
    push(k, as([...(st.dependencies[k] ?? [])].sort()));
  }
  push('Documentation', as(m.unit.documentation));
  push('Description', s(m.unit.description ?? st.id));
  push('LoadState', s(m.loadState));
  push('ActiveState', s(st.activeState));
  push('FreezerState', s('running'));
  push('SubState', s(st.subState));
  push('FragmentPath', s(m.fragmentPath));
  push('SourcePath', s(m.unit.sourcePath));
  push('DropInPaths', as(m.dropinPaths));
  push('UnitFileState', s(unitFileState(m)));
  push('UnitFilePreset', s(m.fragmentPath ? 'enabled' : ''));
  out.push(...timestampPair('StateChangeTimestamp', st.timestamps.stateChange));
  out.push(...timestampPair('InactiveExitTimestamp', st.timestamps.inactiveExit));
  out.push(...timestampPair('ActiveEnterTimestamp', st.timestamps.activeEnter));
  out.push(...timestampPair('ActiveExitTimestamp', st.timestamps.activeExit));
  out.push(...timestampPair('InactiveEnterTimestamp', st.timestamps.inactiveEnter));
  const canStart = m.loadState === 'loaded' && !m.unit.refuseManualStart && m.type !== 'slice' ? true : m.type === 'slice';
  push('CanStart', b(canStart && m.loadState === 'loaded'));
  push('CanStop', b(m.loadState === 'loaded' && !m.unit.refuseManualStop));
  push('CanReload', b((svc?.execReload.length ?? 0) > 0));
  push('CanIsolate', b(m.unit.allowIsolate));
  push('CanFreeze', b(false));
  push('StopWhenUnneeded', b(m.unit.stopWhenUnneeded));
  push('RefuseManualStart', b(m.unit.refuseManualStart));
  push('RefuseManualStop', b(m.unit.refuseManualStop));
  push('AllowIsolate', b(m.unit.allowIsolate));
  push('DefaultDependencies', b(m.unit.defaultDependencies));
  push('OnSuccessJobMode', s(m.unit.onSuccessJobMode));
  push('OnFailureJobMode', s(m.unit.onFailureJobMode));
  push('IgnoreOnIsolate', b(m.unit.ignoreOnIsolate));
  push('NeedDaemonReload', b(st.needDaemonReload));
  push('JobTimeoutUSec', usec(m.unit.jobTimeoutUSec));
  push('JobRunningTimeoutUSec', usec(m.unit.jobRunningTimeoutUSec));
  push('JobTimeoutAction', s(m.unit.jobTimeoutAction));
  push('ConditionResult', b(st.conditionResult));
  push('AssertResult', b(st.assertResult));
  out.push(...timestampPair('ConditionTimestamp', st.timestamps.condition));
  out.push(...timestampPair('AssertTimestamp', st.timestamps.assert));
  push('Transient', b(false));
  push('Perpetual', b(st.id === '-.slice'));
  push('StartLimitIntervalUSec', usec(m.unit.startLimitIntervalUSec ?? 10_000_000n));
  push('StartLimitBurst', u(m.unit.startLimitBurst ?? 5));
  push('StartLimitAction', s(m.unit.startLimitAction));
  push('FailureAction', s(m.unit.failureAction));
  push('SuccessAction', s(m.unit.successAction));
  if (m.unit.failureActionExitStatus !== undefined) push('FailureActionExitStatus', i(m.unit.failureActionExitStatus));
  if (m.unit.successActionExitStatus !== undefined) push('SuccessActionExitStatus', i(m.unit.successActionExitStatus));
  push('InvocationID', s(st.invocationId));
  push('CollectMode', s(m.unit.collectMode));
  if (st.job) push('Job', s(`${st.job.id}`));
  return out;
}

export function managerProperties(ms: ManagerStatus): Property[] {
  return [
    { name: 'Version', value: s(ms.version) },
    { name: 'Features', value: s('+SVCD') },
    { name: 'Virtualization', value: s(process.env.container ?? '') },
    { name: 'Architecture', value: s(process.arch === 'x64' ? 'x86-64' : process.arch) },
    ...timestampPair('UserspaceTimestamp', ms.userspaceTimestamp),
    ...timestampPair('FinishTimestamp', ms.finishTimestamp),
    { name: 'NNames', value: u(ms.nNames) },
    { name: 'NFailedUnits', value: u(ms.nFailedUnits) },
    { name: 'NJobs', value: u(ms.nJobs) },
    { name: 'Progress', value: s(ms.nJobs === 0 ? '1' : '0') },
    { name: 'UnitPath', value: as(ms.unitPath) },
    { name: 'DefaultStandardOutput', value: s('journal') },
    { name: 'DefaultStandardError', value: s('inherit') },
    { name: 'SystemState', value: s(ms.systemState) },
    { name: 'ExitCode', value: { t: 'raw', v: ms.exitCode === undefined ? '0' : String(ms.exitCode) } },
  ];
}

/**
 * systemctl show's selection: every property, empty ones only with --all; with -p, the named ones
 * in the order asked, empty ones too.
 */
export function selectProperties(props: readonly Property[], names: readonly string[] | undefined, all: boolean): [string, string][] {
  const formatted = props.map((p) => [p.name, formatValue(p.value)] as [string, string]);
  if (names && names.length > 0) {
    // In the object's order, not the order asked (systemctl filters what the bus returns).
    const wanted = new Set(names);
    return formatted.filter(([n]) => wanted.has(n));
  }
  return all ? formatted : formatted.filter(([, v]) => v !== '');
}
