/**
 * The directive table: one row per [Section] Key= that systemd 252 knows (catalog.generated.ts),
 * saying how its value is parsed, where it lands in the model, and whether svcd acts on it.
 *
 * Rows written here are "supported" (typed into the model). Every other catalog key still has a
 * row: its value is checked by its type (booleans, time spans, unit names…) with systemd's
 * rejection message, and kept in Unit.ignored as "ignored" (svcd cannot honour it inside a
 * container — sandboxing, resource control) or "not-yet". Nothing a unit file says is dropped
 * silently, and only keys systemd itself does not know are "Unknown key".
 */
import type { SourceLocation, Severity } from '../../shared/diagnostic.js';
import type { Result } from '../../shared/result.js';
import { isValidUnitName } from '../name.js';
import {
  makeEnumParser, parseBoolean, parseEmergencyAction, parseEnvironment, parseExecDetailed, parseExitStatusSet,
  parseKillMode, parseMode, parseNice, parseNotifyAccess, parseOomScoreAdjust, parseRlimit, parseSec,
  parseServiceRestart, parseServiceType, parseSignal, parseStringList, parseCollectMode, parseUnsignedNumber,
  pathIsAbsolute, rlimitFromDirective, type ExecCommand,
} from '../values/index.js';
import { CATALOG } from './catalog.generated.js';
import type { Draft } from './draft.js';
import type { DependencyKind } from '../model.js';

export type DirectiveStatus = 'supported' | 'ignored' | 'not-yet';

export interface ApplyContext {
  readonly draft: Draft;
  readonly loc: SourceLocation;
  readonly section: string;
  readonly key: string;
  report(severity: Severity, message: string): void;
}

export interface DirectiveRow {
  readonly section: string;
  readonly key: string;
  /** systemd's value-type hint (from --dump-configuration-items). */
  readonly hint: string;
  readonly status: DirectiveStatus;
  readonly reason?: string;
  apply(value: string, ctx: ApplyContext): void;
}

const EXEC_SECTIONS = ['Service', 'Socket', 'Mount', 'Swap'] as const;

// systemd's own words for an invalid value of each key, '%v' standing for the value.
const invalidMessages = new Map<string, readonly string[]>();
for (const [section, key, , msgs] of CATALOG) invalidMessages.set(`${section}.${key}`, msgs);

function rejectValue(ctx: ApplyContext, value: string, shown = value): void {
  const msgs = invalidMessages.get(`${ctx.section}.${ctx.key}`) ?? [];
  const list = msgs.length > 0 ? msgs : [`Failed to parse ${ctx.key}= value, ignoring: %v`];
  for (const m of list) ctx.report('warning', m.replaceAll('%v', shown));
  void value;
}

type Parser<T> = (text: string) => Result<T, unknown>;

/**
 * A single-valued setting. Whether the empty value resets it depends on systemd's parser for the
 * key: strings, paths, signals and numbers reset; booleans, enums and time spans reject it.
 */
function scalar<T>(parse: Parser<T>, set: (d: Draft, v: T | undefined) => void, emptyResets = RESETTING.has(parse)): DirectiveRow['apply'] {
  return (value, ctx) => {
    if (value === '' && emptyResets) return set(ctx.draft, undefined);
    const r = parse(value);
    if (r.ok) set(ctx.draft, r.value);
    else rejectValue(ctx, value);
  };
}

/** A whitespace-separated list (with systemd's quoting); the empty value clears it. */
function list(get: (d: Draft) => string[], check?: (word: string) => boolean): DirectiveRow['apply'] {
  return (value, ctx) => {
    const target = get(ctx.draft);
    if (value === '') return void target.splice(0);
    const r = parseStringList(value);
    if (!r.ok || r.value === null) return rejectValue(ctx, value);
    for (const w of r.value) {
      if (check && !check(w)) rejectValue(ctx, value, w);
      else if (!target.includes(w)) target.push(w);
    }
  };
}

const str = (t: string): Result<string, never> => ({ ok: true, value: t });
const absolutePath = (t: string): Result<string, string> => (pathIsAbsolute(t) ? { ok: true, value: t } : { ok: false, error: 'not absolute' });

const parseJobMode = makeEnumParser(['fail', 'replace', 'replace-irreversibly', 'isolate', 'flush', 'ignore-dependencies', 'ignore-requirements'] as const);
const parsePreserve = makeEnumParser(['no', 'yes', 'restart'] as const);
const exitCode = (t: string): Result<number, string> => {
  const r = parseUnsignedNumber(t);
  return r.ok && r.value <= 255 ? r : { ok: false, error: 'out of range' };
};
const parseStdIO = (t: string): Result<string, string> =>
  /^(inherit|null|tty|tty-force|tty-fail|journal|kmsg|journal\+console|kmsg\+console|socket|data|syslog|syslog\+console)$/.test(t) ||
  /^(file|append|truncate|fd):./.test(t)
    ? { ok: true, value: t }
    : { ok: false, error: 'invalid' };

const RESETTING = new Set<Parser<unknown>>([str, absolutePath, parseSignal, parseNice, parseOomScoreAdjust, exitCode, parseUnsignedNumber]);

const rows: DirectiveRow[] = [];
function supported(sections: readonly string[] | string, key: string, apply: DirectiveRow['apply']): void {
  for (const section of typeof sections === 'string' ? [sections] : sections) {
    const hint = CATALOG.find((r) => r[0] === section && r[1] === key)?.[2] ?? 'OTHER';
    rows.push({ section, key, hint, status: 'supported', apply });
  }
}

// ---- [Unit] (systemd.unit(5)) ----
supported('Unit', 'Description', scalar(str, (d, v) => (d.unit.description = v)));
supported('Unit', 'Documentation', list((d) => d.unit.documentation));
supported('Unit', 'SourcePath', scalar(absolutePath, (d, v) => (d.unit.sourcePath = v)));
const DEP_KEYS: Record<string, DependencyKind> = {
  Requires: 'Requires', Requisite: 'Requisite', Wants: 'Wants', BindsTo: 'BindsTo', BindTo: 'BindsTo', PartOf: 'PartOf',
  Upholds: 'Upholds', Conflicts: 'Conflicts', Before: 'Before', After: 'After', OnFailure: 'OnFailure', OnSuccess: 'OnSuccess',
  PropagatesReloadTo: 'PropagatesReloadTo', PropagateReloadTo: 'PropagatesReloadTo', ReloadPropagatedFrom: 'ReloadPropagatedFrom',
  PropagateReloadFrom: 'ReloadPropagatedFrom', PropagatesStopTo: 'PropagatesStopTo', StopPropagatedFrom: 'StopPropagatedFrom',
  JoinsNamespaceOf: 'JoinsNamespaceOf',
};
for (const [key, kind] of Object.entries(DEP_KEYS)) {
  supported('Unit', key, list((d) => d.unit.dependencies[kind], isValidUnitName));
}
supported('Unit', 'RequiresMountsFor', list((d) => d.unit.requiresMountsFor, pathIsAbsolute));
const unitBool = (key: string, set: (d: Draft, v: boolean) => void, dflt: boolean) =>
  supported('Unit', key, scalar(parseBoolean, (d, v) => set(d, v ?? dflt)));
unitBool('DefaultDependencies', (d, v) => (d.unit.defaultDependencies = v), true);
unitBool('StopWhenUnneeded', (d, v) => (d.unit.stopWhenUnneeded = v), false);
unitBool('RefuseManualStart', (d, v) => (d.unit.refuseManualStart = v), false);
unitBool('RefuseManualStop', (d, v) => (d.unit.refuseManualStop = v), false);
unitBool('AllowIsolate', (d, v) => (d.unit.allowIsolate = v), false);
unitBool('IgnoreOnIsolate', (d, v) => (d.unit.ignoreOnIsolate = v), false);
supported('Unit', 'OnFailureJobMode', scalar(parseJobMode, (d, v) => (d.unit.onFailureJobMode = v ?? 'replace')));
supported('Unit', 'OnSuccessJobMode', scalar(parseJobMode, (d, v) => (d.unit.onSuccessJobMode = v ?? 'fail')));
supported('Unit', 'JobTimeoutSec', scalar(parseSec, (d, v) => (d.unit.jobTimeoutUSec = v ?? d.unit.jobTimeoutUSec)));
supported('Unit', 'JobRunningTimeoutSec', scalar(parseSec, (d, v) => (d.unit.jobRunningTimeoutUSec = v ?? d.unit.jobRunningTimeoutUSec)));
supported('Unit', 'JobTimeoutAction', scalar(parseEmergencyAction, (d, v) => (d.unit.jobTimeoutAction = v ?? 'none')));
supported(['Unit', 'Service'], 'StartLimitIntervalSec', scalar(parseSec, (d, v) => (d.unit.startLimitIntervalUSec = v)));
supported('Service', 'StartLimitInterval', scalar(parseSec, (d, v) => (d.unit.startLimitIntervalUSec = v)));
supported(['Unit', 'Service'], 'StartLimitBurst', scalar(parseUnsignedNumber, (d, v) => (d.unit.startLimitBurst = v)));
supported(['Unit', 'Service'], 'StartLimitAction', scalar(parseEmergencyAction, (d, v) => (d.unit.startLimitAction = v ?? 'none')));
supported('Unit', 'SuccessAction', scalar(parseEmergencyAction, (d, v) => (d.unit.successAction = v ?? 'none')));
supported('Unit', 'FailureAction', scalar(parseEmergencyAction, (d, v) => (d.unit.failureAction = v ?? 'none')));
supported('Unit', 'SuccessActionExitStatus', scalar(exitCode, (d, v) => (d.unit.successActionExitStatus = v)));
supported('Unit', 'FailureActionExitStatus', scalar(exitCode, (d, v) => (d.unit.failureActionExitStatus = v)));
supported('Unit', 'CollectMode', scalar(parseCollectMode, (d, v) => (d.unit.collectMode = v ?? 'inactive')));

// Conditions and asserts: "|" triggers and "!" negation, as systemd.unit(5) describes.
const PATH_CONDITIONS = new Set(['PathExists', 'PathExistsGlob', 'PathIsDirectory', 'PathIsSymbolicLink', 'PathIsMountPoint',
  'PathIsReadWrite', 'PathIsEncrypted', 'DirectoryNotEmpty', 'FileNotEmpty', 'FileIsExecutable', 'NeedsUpdate']);
for (const [section, key, hint] of CATALOG) {
  if (section !== 'Unit' || hint !== 'CONDITION') continue;
  const isAssert = key.startsWith('Assert');
  const name = key.replace(/^(Condition|Assert)/, '');
  supported('Unit', key, (value, ctx) => {
    const list = isAssert ? ctx.draft.unit.asserts : ctx.draft.unit.conditions;
    if (value === '') {
      // The empty assignment resets every condition (or assert) of this unit.
      list.splice(0);
      return;
    }
    let p = value;
    const trigger = p.startsWith('|');
    if (trigger) p = p.slice(1).trimStart();
    const negate = p.startsWith('!');
    if (negate) p = p.slice(1).trimStart();
    if (PATH_CONDITIONS.has(name) && !pathIsAbsolute(p)) return rejectValue(ctx, value, p);
    list.push({ kind: key, trigger, negate, parameter: p, loc: ctx.loc });
  });
}

// ---- [Install] (read by enable/disable; kept on the unit for `show`) ----
supported('Install', 'WantedBy', list((d) => d.install.wantedBy));
supported('Install', 'RequiredBy', list((d) => d.install.requiredBy));
supported('Install', 'Alias', list((d) => d.install.alias));
supported('Install', 'Also', list((d) => d.install.also));
supported('Install', 'DefaultInstance', scalar(str, (d, v) => (d.install.defaultInstance = v)));

// ---- [Service] (systemd.service(5)) ----
supported('Service', 'Type', scalar(parseServiceType, (d, v) => (d.service.type = v)));
const EXEC_KEYS = {
  ExecCondition: 'execCondition', ExecStartPre: 'execStartPre', ExecStart: 'execStart', ExecStartPost: 'execStartPost',
  ExecReload: 'execReload', ExecStop: 'execStop', ExecStopPost: 'execStopPost',
} as const;
for (const [key, field] of Object.entries(EXEC_KEYS)) {
  supported('Service', key, (value, ctx) => {
    const target: ExecCommand[] = ctx.draft.service[field];
    if (value === '') return void target.splice(0);
    const r = parseExecDetailed(value);
    if (r.ok) return void target.push(...r.value);
    // Without "-", a bad command line makes the whole unit unloadable (LoadState=bad-setting).
    ctx.report(r.error.ignorable ? 'warning' : 'error', r.error.reason);
    if (!r.error.ignorable) ctx.draft.badSetting = true;
  });
}
supported('Service', 'Restart', scalar(parseServiceRestart, (d, v) => (d.service.restart = v ?? 'no')));
supported('Service', 'RestartSec', scalar(parseSec, (d, v) => (d.service.restartUSec = v)));
supported('Service', 'TimeoutStartSec', scalar(parseSec, (d, v) => (d.service.timeoutStartUSec = v)));
supported('Service', 'TimeoutStopSec', scalar(parseSec, (d, v) => (d.service.timeoutStopUSec = v)));
supported('Service', 'TimeoutAbortSec', scalar(parseSec, (d, v) => (d.service.timeoutAbortUSec = v)));
supported('Service', 'TimeoutSec', scalar(parseSec, (d, v) => {
  d.service.timeoutStartUSec = v;
  d.service.timeoutStopUSec = v;
}));
supported('Service', 'RuntimeMaxSec', scalar(parseSec, (d, v) => (d.service.runtimeMaxUSec = v ?? d.service.runtimeMaxUSec)));
supported('Service', 'WatchdogSec', scalar(parseSec, (d, v) => (d.service.watchdogUSec = v ?? 0n)));
supported('Service', 'RemainAfterExit', scalar(parseBoolean, (d, v) => (d.service.remainAfterExit = v ?? false)));
supported('Service', 'GuessMainPID', scalar(parseBoolean, (d, v) => (d.service.guessMainPID = v ?? true)));
supported('Service', 'PermissionsStartOnly', scalar(parseBoolean, (d, v) => (d.service.permissionsStartOnly = v ?? false)));
supported('Service', 'RootDirectoryStartOnly', scalar(parseBoolean, (d, v) => (d.service.rootDirectoryStartOnly = v ?? false)));
supported('Service', 'PIDFile', scalar(str, (d, v) => (d.service.pidFile = v)));
supported('Service', 'BusName', scalar(str, (d, v) => (d.service.busName = v)));
supported('Service', 'NotifyAccess', scalar(parseNotifyAccess, (d, v) => (d.service.notifyAccess = v)));
for (const [key, field] of [['SuccessExitStatus', 'successExitStatus'], ['RestartPreventExitStatus', 'restartPreventExitStatus'],
  ['RestartForceExitStatus', 'restartForceExitStatus']] as const) {
  supported('Service', key, (value, ctx) => {
    const r = parseExitStatusSet(value);
    if (!r.ok) return rejectValue(ctx, value);
    for (const w of r.value.warnings) ctx.report('warning', w);
    const cur = ctx.draft.service[field];
    ctx.draft.service[field] = r.value.set === null
      ? { status: [], signal: [] }
      : { status: [...cur.status, ...r.value.set.statuses], signal: [...cur.signal, ...r.value.set.signals] };
  });
}

// ---- exec context (systemd.exec(5)), shared by service, socket, mount, swap ----
supported(EXEC_SECTIONS, 'User', scalar(str, (d, v) => (d.exec.user = v)));
supported(EXEC_SECTIONS, 'Group', scalar(str, (d, v) => (d.exec.group = v)));
supported(EXEC_SECTIONS, 'SupplementaryGroups', list((d) => d.exec.supplementaryGroups));
supported(EXEC_SECTIONS, 'DynamicUser', scalar(parseBoolean, (d, v) => (d.exec.dynamicUser = v ?? false)));
supported(EXEC_SECTIONS, 'WorkingDirectory', scalar((t) => (t === '~' || pathIsAbsolute(t.replace(/^-/, '')) ? str(t) : absolutePath(t)), (d, v) => (d.exec.workingDirectory = v)));
supported(EXEC_SECTIONS, 'RootDirectory', scalar(absolutePath, (d, v) => (d.exec.rootDirectory = v)));
supported(EXEC_SECTIONS, 'Environment', (value, ctx) => {
  const r = parseEnvironment(value);
  if (!r.ok) return rejectValue(ctx, value);
  for (const w of r.value.warnings) ctx.report('warning', w);
  if (r.value.assignments === null) return void ctx.draft.exec.environment.splice(0);
  for (const a of r.value.assignments) {
    const name = a.slice(0, a.indexOf('='));
    const env = ctx.draft.exec.environment;
    const i = env.findIndex((e) => e.startsWith(`${name}=`));
    if (i >= 0) env[i] = a;
    else env.push(a);
  }
});
supported(EXEC_SECTIONS, 'EnvironmentFile', (value, ctx) => {
  if (value === '') return void ctx.draft.exec.environmentFiles.splice(0);
  const optional = value.startsWith('-');
  const path = optional ? value.slice(1) : value;
  if (!pathIsAbsolute(path)) return rejectValue(ctx, value);
  ctx.draft.exec.environmentFiles.push({ path, optional });
});
supported(EXEC_SECTIONS, 'PassEnvironment', list((d) => d.exec.passEnvironment));
supported(EXEC_SECTIONS, 'UnsetEnvironment', list((d) => d.exec.unsetEnvironment));
supported(EXEC_SECTIONS, 'UMask', scalar(parseMode, (d, v) => (d.exec.umask = v)));
supported(EXEC_SECTIONS, 'Nice', scalar(parseNice, (d, v) => (d.exec.nice = v)));
supported(EXEC_SECTIONS, 'OOMScoreAdjust', scalar(parseOomScoreAdjust, (d, v) => (d.exec.oomScoreAdjust = v)));
for (const [section, key] of CATALOG) {
  const resource = (EXEC_SECTIONS as readonly string[]).includes(section) ? rlimitFromDirective(key) : undefined;
  if (!resource) continue;
  supported(section, key, (value, ctx) => {
    if (value === '') return void delete ctx.draft.exec.limits[resource];
    const r = parseRlimit(resource, value);
    if (r.ok) ctx.draft.exec.limits[resource] = r.value;
    else rejectValue(ctx, value);
  });
}
for (const kind of ['Runtime', 'State', 'Cache', 'Logs', 'Configuration'] as const) {
  const f = `${kind.charAt(0).toLowerCase()}${kind.slice(1)}Directory` as 'runtimeDirectory';
  supported(EXEC_SECTIONS, `${kind}Directory`, list((d) => d.exec[f]));
  const m = `${f}Mode` as 'runtimeDirectoryMode';
  supported(EXEC_SECTIONS, `${kind}DirectoryMode`, scalar(parseMode, (d, v) => (d.exec[m] = v)));
}
supported(EXEC_SECTIONS, 'RuntimeDirectoryPreserve', scalar(parsePreserve, (d, v) => (d.exec.runtimeDirectoryPreserve = v ?? 'no')));
supported(EXEC_SECTIONS, 'StandardInput', scalar(parseStdIO, (d, v) => (d.exec.standardInput = v)));
supported(EXEC_SECTIONS, 'StandardOutput', scalar(parseStdIO, (d, v) => (d.exec.standardOutput = v)));
supported(EXEC_SECTIONS, 'StandardError', scalar(parseStdIO, (d, v) => (d.exec.standardError = v)));
supported(EXEC_SECTIONS, 'TTYPath', scalar(absolutePath, (d, v) => (d.exec.ttyPath = v)));
supported(EXEC_SECTIONS, 'SyslogIdentifier', scalar(str, (d, v) => (d.exec.syslogIdentifier = v)));
supported(EXEC_SECTIONS, 'SyslogLevelPrefix', scalar(parseBoolean, (d, v) => (d.exec.syslogLevelPrefix = v ?? true)));
supported(EXEC_SECTIONS, 'NoNewPrivileges', scalar(parseBoolean, (d, v) => (d.exec.noNewPrivileges = v ?? false)));
supported(EXEC_SECTIONS, 'PrivateTmp', scalar(parseBoolean, (d, v) => (d.exec.privateTmp = v ?? false)));

// ---- kill context (systemd.kill(5)) ----
supported(EXEC_SECTIONS, 'KillMode', scalar(parseKillMode, (d, v) => (d.kill.killMode = v ?? 'control-group')));
supported(EXEC_SECTIONS, 'KillSignal', scalar(parseSignal, (d, v) => (d.kill.killSignal = v ?? 15)));
supported(EXEC_SECTIONS, 'RestartKillSignal', scalar(parseSignal, (d, v) => (d.kill.restartKillSignal = v)));
supported(EXEC_SECTIONS, 'FinalKillSignal', scalar(parseSignal, (d, v) => (d.kill.finalKillSignal = v ?? 9)));
supported(EXEC_SECTIONS, 'WatchdogSignal', scalar(parseSignal, (d, v) => (d.kill.watchdogSignal = v ?? 6)));
supported(EXEC_SECTIONS, 'SendSIGHUP', scalar(parseBoolean, (d, v) => (d.kill.sendSIGHUP = v ?? false)));
supported(EXEC_SECTIONS, 'SendSIGKILL', scalar(parseBoolean, (d, v) => (d.kill.sendSIGKILL = v ?? true)));

// ---- everything else systemd knows: checked by type, kept, and marked ----
const SANDBOX = /^(Protect|Private|ReadWrite|ReadOnly|Inaccessible|ExecPaths|NoExecPaths|TemporaryFileSystem|BindPaths|BindReadOnlyPaths|Capability|AmbientCapabilities|SecureBits|SystemCall|RestrictAddressFamilies|RestrictNamespaces|RestrictFileSystems|RestrictRealtime|RestrictSUIDSGID|LockPersonality|MemoryDenyWriteExecute|RemoveIPC|KeyringMode|MountFlags|IPAddress|IPAccounting|IPIngress|IPEgress|SocketBind|NetworkNamespacePath|IPCNamespacePath|PrivateNetwork|PrivateUsers|PrivateIPC|PrivateMounts|PrivateDevices|DevicePolicy|DeviceAllow|SELinuxContext|AppArmorProfile|SmackProcessLabel|Personality|RootImage|RootHash|RootVerity|MountImages|ExtensionImages|ExtensionDirectories|LoadCredential|SetCredential|ImportCredential|LogNamespace|ProcSubset)/;
const RESOURCE = /^(CPU|Memory|IO|BlockIO|Tasks|Startup|Delegate|Slice|Managed|ManagedOOM|DefaultMemory|AllowedCPUs|AllowedMemoryNodes|StartupAllowed|DisableControllers|NUMA|Device)/;
const FALLBACK_PARSERS: Record<string, Parser<unknown>> = {
  BOOLEAN: parseBoolean,
  SECONDS: parseSec,
  SIGNAL: parseSignal,
  MODE: parseMode,
  NICE: parseNice,
  OOMSCOREADJUST: parseOomScoreAdjust,
  KILLMODE: parseKillMode,
  UNSIGNED: parseUnsignedNumber,
  ACTION: parseEmergencyAction,
};
const have = new Set(rows.map((r) => `${r.section}.${r.key}`));
for (const [section, key, hint] of CATALOG) {
  if (have.has(`${section}.${key}`)) continue;
  const ignoredBecause = SANDBOX.test(key)
    ? 'sandboxing: accepted and not enforced in a container'
    : RESOURCE.test(key)
      ? 'resource control: needs a delegated cgroup v2 hierarchy'
      : undefined;
  const status: DirectiveStatus = ignoredBecause ? 'ignored' : 'not-yet';
  const check = hint === 'UNIT [...]' ? undefined : FALLBACK_PARSERS[hint];
  rows.push({
    section, key, hint, status, reason: ignoredBecause,
    apply(value, ctx) {
      if (value !== '') {
        if (hint === 'UNIT [...]') {
          const words = parseStringList(value);
          if (words.ok && words.value) for (const w of words.value) if (!isValidUnitName(w)) return rejectValue(ctx, value, w);
        } else if (check && !check(value).ok) {
          return rejectValue(ctx, value);
        }
      }
      ctx.draft.ignored.push({ section, key, value, loc: ctx.loc, status });
    },
  });
}

export const DIRECTIVES: readonly DirectiveRow[] = rows;

const index = new Map(rows.map((r) => [`${r.section}.${r.key}`, r]));
export function findDirective(section: string, key: string): DirectiveRow | undefined {
  return index.get(`${section}.${key}`);
}

/** Sections each unit type may have besides [Unit] and [Install]. */
export const TYPE_SECTIONS: Readonly<Record<string, string | undefined>> = {
  service: 'Service', socket: 'Socket', mount: 'Mount', automount: 'Automount', swap: 'Swap', timer: 'Timer',
  path: 'Path', slice: 'Slice', scope: 'Scope', target: undefined, device: undefined,
};
