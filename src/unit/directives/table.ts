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
import { JOB_MODES } from '../../shared/job-mode.js';
import { isValidUnitName as checkUnitName } from '../name.js';

// The same few hundred names (sysinit.target, network.target…) recur across every unit of a tree.
const validNames = new Map<string, boolean>();
function isValidUnitName(name: string): boolean {
  let v = validNames.get(name);
  if (v === undefined) {
    v = checkUnitName(name);
    if (validNames.size < 10_000) validNames.set(name, v);
  }
  return v;
}
import {
  makeEnumParser, parseBoolean, parseEmergencyAction, parseEnvironment, parseExecDetailed, parseExitStatusSet,
  parseKillMode, parseMode, parseTimeoutFailureMode, parseCapabilitySet, mergeCapabilitySet, CAP_ALL, parseNice, parseNotifyAccess, parseOomScoreAdjust, parseRlimit, parseSec,
  parseServiceRestart, parseServiceType, parseSignal, parseSignedNumber, parseStringList, parseCollectMode, parseUnsignedNumber,
  pathIsAbsolute, rlimitFromDirective, envNameIsValid, envAssignmentIsValid, SOFT_ABOVE_HARD, RLIMIT_NAMES, parseBytes, type ExecCommand, type RlimitName,
} from '../values/index.js';
import { USEC_INFINITY, type Usec } from '../../shared/timespan.js';
import { CATALOG } from './catalog.generated.js';
import type { Draft } from './draft.js';
import { PATH_WATCH_KEYS, SOCKET_LISTEN_KEYS, TIMER_TRIGGER_KEYS, type DependencyKind } from '../model.js';

export type DirectiveStatus = 'supported' | 'ignored' | 'not-yet';
/** How a value lands in the model: replaces the setting, adds to a list, or is kept verbatim in Unit.ignored. */
export type ApplyMode = 'set' | 'append' | 'keep';
/** What `Key=` (empty) does: back to the default, clears the list, is an invalid value, or is kept like any value. */
export type EmptyAssignment = 'resets' | 'clears' | 'invalid' | 'kept';

export interface ApplyContext {
  readonly draft: Draft;
  /** The unit being loaded (self-dependencies are dropped, some with a warning). */
  readonly unitId: string;
  /** Resolves specifiers (%i, %n…) for this unit; the error is strerror's words ("Invalid slot"). */
  expand(text: string, flavour: 'unit' | 'name'): Result<string, string>;
  readonly loc: SourceLocation;
  readonly section: string;
  readonly key: string;
  /**
   * Prefixed with the line ("file:line: …") by default; 'unit' names the unit instead ("u: …");
   * 'plain' has no prefix (systemd logs some notices without any).
   */
  report(severity: Severity, message: string, prefix?: 'line' | 'unit' | 'plain'): void;
}

export interface DirectiveRow {
  readonly section: string;
  readonly key: string;
  /** systemd's value-type hint (from --dump-configuration-items). */
  readonly hint: string;
  /** The value parser (from src/unit/values) or check applied, for the documentation. */
  readonly parser: string;
  readonly mode: ApplyMode;
  readonly empty: EmptyAssignment;
  readonly status: DirectiveStatus;
  readonly reason?: string;
  apply(value: string, ctx: ApplyContext): void;
}

/** A row's behaviour, built by the helpers below so the metadata cannot disagree with apply(). */
interface Behaviour {
  readonly parser: string;
  readonly mode: ApplyMode;
  readonly empty: EmptyAssignment;
  apply(value: string, ctx: ApplyContext): void;
}

const EXEC_SECTIONS = ['Service', 'Socket', 'Mount', 'Swap'] as const;
/** LimitNOFILE= → NOFILE, for every Limit*= systemd knows (read off the [Service] catalog rows). */
const RLIMIT_KEYS: Record<string, RlimitName | undefined> = Object.fromEntries(
  CATALOG.filter(([section]) => section === 'Service').map(([, key]) => [key, rlimitFromDirective(key)]).filter(([, r]) => r),
);

// systemd's own words for an invalid value of each key, '%v' standing for the value.
const invalidMessages = new Map<string, readonly string[]>();
for (const [section, key, , msgs] of CATALOG) invalidMessages.set(`${section}.${key}`, msgs);

function rejectValue(ctx: ApplyContext, value: string, shown = value, severity: Severity = 'warning'): void {
  const msgs = invalidMessages.get(`${ctx.section}.${ctx.key}`) ?? [];
  const list = msgs.length > 0 ? msgs : [`Failed to parse ${ctx.key}= value, ignoring: %v`];
  for (const m of list) ctx.report(severity, m.replaceAll('%v', shown));
  void value;
}

type Parser<T> = (text: string) => Result<T, unknown>;

/**
 * A single-valued setting. Whether the empty value resets it depends on systemd's parser for the
 * key: strings, paths, signals and numbers reset; booleans, enums and time spans reject it.
 */
function scalar<T>(parse: Parser<T>, set: (d: Draft, v: T | undefined) => void, emptyResets = RESETTING.has(parse)): Behaviour {
  return {
    parser: parserLabel(parse),
    mode: 'set',
    empty: emptyResets ? 'resets' : 'invalid',
    apply(value, ctx) {
      if (value === '' && emptyResets) return set(ctx.draft, undefined);
      const r = parse(value);
      if (r.ok) set(ctx.draft, r.value);
      else rejectValue(ctx, value);
    },
  };
}

/** A whitespace-separated list (with systemd's quoting); the empty value clears it. */
function list(get: (d: Draft) => string[], check?: (word: string) => boolean, label = 'word list', spec?: Spec): Behaviour {
  return {
    parser: spec ? `${label}; specifiers` : label,
    mode: 'append',
    empty: 'clears',
    apply(value, ctx) {
      const target = get(ctx.draft);
      if (value === '') return void target.splice(0);
      const r = parseStringList(value);
      if (!r.ok || r.value === null) return rejectValue(ctx, value);
      for (const word of r.value) {
        const w = spec ? resolveSpecifiers(ctx, word, spec) : word;
        if (w === undefined) continue;
        if (check && !check(w)) rejectValue(ctx, value, w);
        else if (!target.includes(w)) target.push(w);
      }
    },
  };
}

/** A row whose apply() is written out; the metadata is stated beside it. */
function custom(parser: string, mode: ApplyMode, empty: EmptyAssignment, apply: Behaviour['apply']): Behaviour {
  return { parser, mode, empty, apply };
}

/**
 * How systemd words a failed specifier expansion differs by directive (its parsers each say it
 * their own way), and for a few (user names, directories, command lines) the unit is then unloadable.
 */
type SpecStyle = 'quoted' | 'double' | 'bare' | 'env' | 'fatal-bare' | 'fatal-quoted' | 'fatal-workdir';
interface Spec {
  readonly style: SpecStyle;
  readonly flavour?: 'unit' | 'name';
}
const QUOTED: Spec = { style: 'quoted' };
const NAME_QUOTED: Spec = { style: 'quoted', flavour: 'name' };
const NAME_BARE: Spec = { style: 'bare', flavour: 'name' };

/** The text with specifiers resolved, or undefined after reporting why not in systemd's words. */
function resolveSpecifiers(ctx: ApplyContext, text: string, spec: Spec): string | undefined {
  if (!text.includes('%')) return text;
  const r = ctx.expand(text, spec.flavour ?? 'unit');
  if (r.ok) return r.value;
  const fatal = spec.style.startsWith('fatal');
  const shown = {
    quoted: `'${text}'`, double: `"${text}"`, bare: text, env: text, 'fatal-bare': text, 'fatal-quoted': `'${text}'`,
    'fatal-workdir': `working directory path '${text}'`,
  }[spec.style];
  const what = spec.style === 'env' ? 'specifiers' : 'unit specifiers';
  ctx.report(fatal ? 'error' : 'warning', `Failed to resolve ${what} in ${shown}${fatal ? '' : ', ignoring'}: ${r.error}`);
  if (fatal) ctx.draft.badSetting = true;
  return undefined;
}

/** The row with its value's specifiers resolved first (systemd's *_printf parsers). */
function printf(spec: Spec, b: Behaviour): Behaviour {
  return {
    ...b,
    parser: `${b.parser}; specifiers`,
    apply(value, ctx) {
      if (value === '') return b.apply(value, ctx);
      const v = resolveSpecifiers(ctx, value, spec);
      if (v !== undefined) b.apply(v, ctx);
    },
  };
}

const str = (t: string): Result<string, never> => ({ ok: true, value: t });
const absolutePath = (t: string): Result<string, string> => (pathIsAbsolute(t) ? { ok: true, value: t } : { ok: false, error: 'not absolute' });

const parseJobMode = makeEnumParser(JOB_MODES);
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

const serviceUnitName = (t: string): Result<string, string> =>
  isValidUnitName(t) && t.endsWith('.service') ? str(t) : { ok: false, error: 'not a service' };
const triggeredUnit = (t: string): Result<string, string> => (isValidUnitName(t) ? str(t) : { ok: false, error: 'invalid unit name' });

const RESETTING = new Set<Parser<unknown>>([str, absolutePath, parseSignal, parseNice, parseOomScoreAdjust, exitCode, parseUnsignedNumber]);

const PARSER_LABELS = new Map<unknown, string>([
  [str, 'string'], [absolutePath, 'absolute path'], [parseBoolean, 'parseBoolean'], [parseSec, 'parseSec (time span)'],
  [parseSignal, 'parseSignal'], [parseNice, 'parseNice'], [parseOomScoreAdjust, 'parseOomScoreAdjust'], [exitCode, 'exit code 0…255'],
  [parseUnsignedNumber, 'parseUnsignedNumber'], [parseMode, 'parseMode'], [parseKillMode, 'parseKillMode'], [parseTimeoutFailureMode, 'terminate/abort/kill'],
  [parseEmergencyAction, 'parseEmergencyAction'], [parseServiceType, 'parseServiceType'], [parseServiceRestart, 'parseServiceRestart'],
  [parseNotifyAccess, 'parseNotifyAccess'], [parseCollectMode, 'parseCollectMode'], [parseJobMode, 'job mode'],
  [parsePreserve, 'no/yes/restart'], [serviceUnitName, 'service unit name'], [triggeredUnit, 'unit name'], [parseStdIO, 'standard input/output'], [parseSignedNumber, 'parseSignedNumber'],
]);
function parserLabel(p: (text: string) => unknown): string {
  return PARSER_LABELS.get(p) ?? (p.name || 'value');
}

const rows: DirectiveRow[] = [];
function supported(sections: readonly string[] | string, key: string, b: Behaviour): void {
  for (const section of typeof sections === 'string' ? [sections] : sections) {
    rows.push({ section, key, hint: hintOf(section, key), status: 'supported', ...b });
  }
}
const HINTS = new Map(CATALOG.map(([section, key, hint]) => [`${section}.${key}`, hint]));
function hintOf(section: string, key: string): string {
  return HINTS.get(`${section}.${key}`) ?? 'OTHER';
}

/**
 * Typed into the model for the unit types svcd cannot start yet (socket, timer, path, mount,
 * automount, swap): load-time checks use the typed value, and the assignment is also kept in
 * Unit.ignored, since nothing acts on it.
 */
function typedNotYet(section: string, key: string, b: Behaviour): void {
  rows.push({
    section, key, hint: hintOf(section, key), status: 'not-yet', parser: b.parser, mode: b.mode, empty: b.empty,
    apply(value, ctx) {
      ctx.draft.ignored.push({ section, key, value, loc: ctx.loc, status: 'not-yet' });
      b.apply(value, ctx);
    },
  });
}

// ---- [Unit] (systemd.unit(5)) ----
supported('Unit', 'Description', printf(QUOTED, scalar(str, (d, v) => (d.unit.description = v))));
/** systemd takes http(s):, file:/, info: and man: documentation URLs, each with something after the scheme. */
const documentationUrl = (u: string): boolean => /^(https?:\/\/|file:\/|info:|man:)./.test(u) && /^[\x20-\x7e]+$/.test(u);
supported('Unit', 'Documentation', list((d) => d.unit.documentation, documentationUrl, 'documentation URLs', QUOTED));
supported('Unit', 'SourcePath', scalar(absolutePath, (d, v) => (d.unit.sourcePath = v)));
const DEP_KEYS: Record<string, DependencyKind> = {
  Requires: 'Requires', Requisite: 'Requisite', Wants: 'Wants', BindsTo: 'BindsTo', BindTo: 'BindsTo', PartOf: 'PartOf',
  Upholds: 'Upholds', Conflicts: 'Conflicts', Before: 'Before', After: 'After', OnFailure: 'OnFailure', OnSuccess: 'OnSuccess',
  PropagatesReloadTo: 'PropagatesReloadTo', PropagateReloadTo: 'PropagatesReloadTo', ReloadPropagatedFrom: 'ReloadPropagatedFrom',
  PropagateReloadFrom: 'ReloadPropagatedFrom', PropagatesStopTo: 'PropagatesStopTo', StopPropagatedFrom: 'StopPropagatedFrom',
  JoinsNamespaceOf: 'JoinsNamespaceOf',
};
// systemd drops a dependency of a unit on itself; for these kinds it says so (the others are silent).
const WARN_ON_SELF = new Set<DependencyKind>(['After', 'Before', 'Conflicts', 'OnFailure', 'OnSuccess']);
for (const [key, kind] of Object.entries(DEP_KEYS)) {
  const b = list((d) => d.unit.dependencies[kind], isValidUnitName, 'unit names', NAME_QUOTED);
  supported('Unit', key, custom(b.parser, b.mode, b.empty, (value, ctx) => {
    const deps = ctx.draft.unit.dependencies[kind];
    const before = deps.length;
    b.apply(value, ctx);
    const self = deps.indexOf(ctx.unitId, before);
    if (self < 0) return;
    deps.splice(self, 1);
    if (WARN_ON_SELF.has(kind)) ctx.report('warning', `Dependency ${kind}=${ctx.unitId} is dropped.`, 'unit');
  }));
}
supported('Unit', 'RequiresMountsFor', list((d) => d.unit.requiresMountsFor, pathIsAbsolute, 'absolute paths', QUOTED));
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
supported('Unit', 'StartLimitIntervalSec', scalar(parseSec, (d, v) => (d.unit.startLimitIntervalUSec = v)));
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
  supported('Unit', key, custom(PATH_CONDITIONS.has(name) ? "'|', '!' prefixes, absolute path" : "'|', '!' prefixes", 'append', 'clears', (value, ctx) => {
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
    const parameter = resolveSpecifiers(ctx, p, { style: PATH_CONDITIONS.has(name) ? 'bare' : 'quoted' });
    if (parameter === undefined) return;
    if (PATH_CONDITIONS.has(name) && !pathIsAbsolute(parameter)) return rejectValue(ctx, value, parameter);
    list.push({ kind: key, trigger, negate, parameter, loc: ctx.loc });
  }));
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
/** Command lines (systemd.service(5) "Command lines"), for services and sockets alike. */
function execLines(get: (d: Draft) => ExecCommand[]): Behaviour {
  return custom('parseExecDetailed (prefixes -@:+!!)', 'append', 'clears', (value, ctx) => {
    const target = get(ctx.draft);
    if (value === '') return void target.splice(0);
    const r = parseExecDetailed(value);
    if (r.ok) {
      // Specifiers stay in the model (src/exec resolves them at spawn); systemd refuses the unit at
      // load when one cannot be resolved, so they are checked here.
      for (const c of r.value) {
        if (resolveSpecifiers(ctx, c.path, { style: 'fatal-quoted' }) === undefined) return;
        for (const a of c.argv.slice(1)) if (resolveSpecifiers(ctx, a, { style: 'fatal-bare' }) === undefined) return;
      }
      return void target.push(...r.value);
    }
    // Without "-", a bad command line makes the whole unit unloadable (LoadState=bad-setting).
    ctx.report(r.error.ignorable ? 'warning' : 'error', r.error.reason);
    if (!r.error.ignorable) ctx.draft.badSetting = true;
  });
}
for (const [key, field] of Object.entries(EXEC_KEYS)) supported('Service', key, execLines((d) => d.service[field]));
supported('Service', 'Restart', scalar(parseServiceRestart, (d, v) => (d.service.restart = v ?? 'no')));
supported('Service', 'RestartSec', scalar(parseSec, (d, v) => (d.service.restartUSec = v)));
// "0" turns a start or stop timeout off: systemd stores it as infinity, and show prints "infinity".
const zeroIsInfinity = (v: Usec | undefined) => (v === 0n ? USEC_INFINITY : v);
supported('Service', 'TimeoutStartSec', scalar(parseSec, (d, v) => (d.service.timeoutStartUSec = zeroIsInfinity(v))));
supported('Service', 'TimeoutStopSec', scalar(parseSec, (d, v) => (d.service.timeoutStopUSec = zeroIsInfinity(v))));
supported('Service', 'TimeoutAbortSec', scalar(parseSec, (d, v) => (d.service.timeoutAbortUSec = v)));
supported('Service', 'TimeoutStartFailureMode', scalar(parseTimeoutFailureMode, (d, v) => (d.service.timeoutStartFailureMode = v ?? 'terminate')));
supported('Service', 'TimeoutStopFailureMode', scalar(parseTimeoutFailureMode, (d, v) => (d.service.timeoutStopFailureMode = v ?? 'terminate')));
supported('Service', 'TimeoutSec', scalar(parseSec, (d, v) => {
  d.service.timeoutStartUSec = zeroIsInfinity(v);
  d.service.timeoutStopUSec = zeroIsInfinity(v);
}));
supported('Service', 'RuntimeMaxSec', scalar(parseSec, (d, v) => (d.service.runtimeMaxUSec = v ?? d.service.runtimeMaxUSec)));
supported('Service', 'WatchdogSec', scalar(parseSec, (d, v) => (d.service.watchdogUSec = v ?? 0n)));
supported('Service', 'RemainAfterExit', scalar(parseBoolean, (d, v) => (d.service.remainAfterExit = v ?? false)));
supported('Service', 'GuessMainPID', scalar(parseBoolean, (d, v) => (d.service.guessMainPID = v ?? true)));
supported('Service', 'PermissionsStartOnly', scalar(parseBoolean, (d, v) => (d.service.permissionsStartOnly = v ?? false)));
supported('Service', 'RootDirectoryStartOnly', scalar(parseBoolean, (d, v) => (d.service.rootDirectoryStartOnly = v ?? false)));
supported('Service', 'PIDFile', printf(QUOTED, scalar(str, (d, v) => (d.service.pidFile = v))));
supported('Service', 'BusName', scalar(str, (d, v) => (d.service.busName = v)));
supported('Service', 'NotifyAccess', scalar(parseNotifyAccess, (d, v) => (d.service.notifyAccess = v)));
for (const [key, field] of [['SuccessExitStatus', 'successExitStatus'], ['RestartPreventExitStatus', 'restartPreventExitStatus'],
  ['RestartForceExitStatus', 'restartForceExitStatus']] as const) {
  supported('Service', key, custom('parseExitStatusSet', 'append', 'clears', (value, ctx) => {
    const r = parseExitStatusSet(value);
    if (!r.ok) return rejectValue(ctx, value);
    for (const w of r.value.warnings) ctx.report('warning', w);
    const cur = ctx.draft.service[field];
    ctx.draft.service[field] = r.value.set === null
      ? { status: [], signal: [] }
      : { status: [...cur.status, ...r.value.set.statuses], signal: [...cur.signal, ...r.value.set.signals] };
  }));
}

// ---- exec context (systemd.exec(5)), shared by service, socket, mount, swap ----
/**
 * User= and Group= (systemd's relaxed user-name rules): a name that could never be a user makes the
 * unit unloadable; a name outside the strict rules is accepted with a notice; "nobody" is warned about.
 */
function userOrGroup(which: 'user' | 'group'): Behaviour {
  return custom('user/group name or numeric ID', 'set', 'resets', (value, ctx) => {
    if (value === '') return void (ctx.draft.exec[which] = undefined);
    const expanded = resolveSpecifiers(ctx, value, { style: 'fatal-bare' });
    if (expanded === undefined) return;
    value = expanded;
    const numeric = /^[0-9]+$/.test(value);
    const uid = numeric ? Number(value) : NaN;
    // eslint-disable-next-line no-control-regex
    const impossible = value === '.' || value === '..' || /[:/\s\x00-\x1f\x7f]/.test(value) ||
      (numeric && (uid > 0xfffffffe || uid === 0xffff));
    if (impossible) {
      ctx.report('error', `Invalid user/group name or numeric ID: ${value}`);
      ctx.draft.badSetting = true;
      return;
    }
    if (!numeric && !/^[A-Za-z_][A-Za-z0-9_-]*\$?$/.test(value)) {
      ctx.report('notice', `Accepting user/group name '${value}', which does not match strict user/group name rules.`, 'plain');
    }
    if (which === 'user' && value === 'nobody') ctx.report('warning', 'Special user nobody configured, this is not safe!');
    ctx.draft.exec[which] = value;
  });
}
supported(EXEC_SECTIONS, 'User', userOrGroup('user'));
supported(EXEC_SECTIONS, 'Group', userOrGroup('group'));
supported(EXEC_SECTIONS, 'SupplementaryGroups', list((d) => d.exec.supplementaryGroups, undefined, 'group names', { style: 'fatal-bare' }));
supported(EXEC_SECTIONS, 'DynamicUser', scalar(parseBoolean, (d, v) => (d.exec.dynamicUser = v ?? false)));
// A relative WorkingDirectory= is fatal in systemd: the unit would run in the wrong place.
supported(EXEC_SECTIONS, 'WorkingDirectory', custom("'-' prefix, absolute path or ~", 'set', 'resets', (value, ctx) => {
  if (value === '') return void (ctx.draft.exec.workingDirectory = undefined);
  const dash = value.startsWith('-') ? '-' : '';
  const path = resolveSpecifiers(ctx, value.slice(dash.length), { style: 'fatal-workdir' });
  if (path === undefined) return;
  value = dash + path;
  if (value !== '~' && value !== '-~' && !pathIsAbsolute(value.replace(/^-/, ''))) {
    rejectValue(ctx, value, value, 'error');
    ctx.draft.badSetting = true;
    return;
  }
  ctx.draft.exec.workingDirectory = value;
}));
supported(EXEC_SECTIONS, 'RootDirectory', printf({ style: 'fatal-quoted' }, scalar(absolutePath, (d, v) => (d.exec.rootDirectory = v))));
supported(EXEC_SECTIONS, 'Environment', custom('parseEnvironment', 'append', 'clears', (value, ctx) => {
  const r = parseEnvironment(value, (word) => (word.includes('%') ? ctx.expand(word, 'unit') : { ok: true, value: word }));
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
}));
supported(EXEC_SECTIONS, 'EnvironmentFile', custom("'-' prefix, absolute path", 'append', 'clears', (value, ctx) => {
  if (value === '') return void ctx.draft.exec.environmentFiles.splice(0);
  const optional = value.startsWith('-');
  const path = resolveSpecifiers(ctx, optional ? value.slice(1) : value, QUOTED);
  if (path === undefined) return;
  if (!pathIsAbsolute(path)) return rejectValue(ctx, value);
  ctx.draft.exec.environmentFiles.push({ path, optional });
}));
supported(EXEC_SECTIONS, 'PassEnvironment', list((d) => d.exec.passEnvironment, envNameIsValid, 'environment names', { style: 'env' }));
supported(EXEC_SECTIONS, 'UnsetEnvironment', list((d) => d.exec.unsetEnvironment, (w) => envNameIsValid(w) || envAssignmentIsValid(w), 'environment names or assignments', { style: 'env' }));
supported(EXEC_SECTIONS, 'UMask', scalar(parseMode, (d, v) => (d.exec.umask = v)));
supported(EXEC_SECTIONS, 'Nice', scalar(parseNice, (d, v) => (d.exec.nice = v)));
supported(EXEC_SECTIONS, 'OOMScoreAdjust', scalar(parseOomScoreAdjust, (d, v) => (d.exec.oomScoreAdjust = v)));
for (const resource of RLIMIT_NAMES) {
  const key = Object.keys(RLIMIT_KEYS).find((k) => RLIMIT_KEYS[k] === resource);
  if (!key) continue;
  supported(EXEC_SECTIONS, key, custom('parseRlimit (soft[:hard])', 'set', 'resets', (value, ctx) => {
    if (value === '') return void delete ctx.draft.exec.limits[resource];
    const r = parseRlimit(resource, value);
    if (r.ok) ctx.draft.exec.limits[resource] = r.value;
    else if (r.error === SOFT_ABOVE_HARD) ctx.report('warning', `${SOFT_ABOVE_HARD}, ignoring: ${value}`);
    else rejectValue(ctx, value);
  }));
}
for (const kind of ['Runtime', 'State', 'Cache', 'Logs', 'Configuration'] as const) {
  const f = `${kind.charAt(0).toLowerCase()}${kind.slice(1)}Directory` as 'runtimeDirectory';
  supported(EXEC_SECTIONS, `${kind}Directory`, list((d) => d.exec[f], undefined, 'relative paths', { style: 'double' }));
  const m = `${f}Mode` as 'runtimeDirectoryMode';
  supported(EXEC_SECTIONS, `${kind}DirectoryMode`, scalar(parseMode, (d, v) => (d.exec[m] = v)));
}
supported(EXEC_SECTIONS, 'RuntimeDirectoryPreserve', scalar(parsePreserve, (d, v) => (d.exec.runtimeDirectoryPreserve = v ?? 'no')));
supported(EXEC_SECTIONS, 'StandardInput', scalar(parseStdIO, (d, v) => (d.exec.standardInput = v)));
supported(EXEC_SECTIONS, 'StandardOutput', scalar(parseStdIO, (d, v) => (d.exec.standardOutput = v)));
supported(EXEC_SECTIONS, 'StandardError', scalar(parseStdIO, (d, v) => (d.exec.standardError = v)));
supported(EXEC_SECTIONS, 'TTYPath', printf(QUOTED, scalar(absolutePath, (d, v) => (d.exec.ttyPath = v))));
supported(EXEC_SECTIONS, 'SyslogIdentifier', printf(QUOTED, scalar(str, (d, v) => (d.exec.syslogIdentifier = v))));
// journald's per-unit rate limit (systemd.exec(5)): empty resets to the journal's own.
supported(EXEC_SECTIONS, 'LogRateLimitIntervalSec', scalar(parseSec, (d, v) => (d.exec.logRateLimitIntervalUSec = v)));
supported(EXEC_SECTIONS, 'LogRateLimitBurst', scalar(parseUnsignedNumber, (d, v) => (d.exec.logRateLimitBurst = v)));
supported(EXEC_SECTIONS, 'SyslogLevelPrefix', scalar(parseBoolean, (d, v) => (d.exec.syslogLevelPrefix = v ?? true)));
supported(EXEC_SECTIONS, 'NoNewPrivileges', scalar(parseBoolean, (d, v) => (d.exec.noNewPrivileges = v ?? false)));
// Capability sets merge across lines as systemd's config_parse_capability_set; an empty value is the empty set.
for (const [key, field, initial] of [['CapabilityBoundingSet', 'capabilityBoundingSet', CAP_ALL], ['AmbientCapabilities', 'ambientCapabilities', 0n]] as const) {
  supported(EXEC_SECTIONS, key, custom('capability names, ~ inverts', 'append', 'clears', (value, ctx) => {
    ctx.draft.exec[field] = mergeCapabilitySet(ctx.draft.exec[field] ?? initial, initial, parseCapabilitySet(value));
  }));
}
supported(EXEC_SECTIONS, 'PrivateTmp', scalar(parseBoolean, (d, v) => (d.exec.privateTmp = v ?? false)));

// ---- kill context (systemd.kill(5)) ----
supported(EXEC_SECTIONS, 'KillMode', scalar(parseKillMode, (d, v) => (d.kill.killMode = v ?? 'control-group')));
supported(EXEC_SECTIONS, 'KillSignal', scalar(parseSignal, (d, v) => (d.kill.killSignal = v ?? 15)));
supported(EXEC_SECTIONS, 'RestartKillSignal', scalar(parseSignal, (d, v) => (d.kill.restartKillSignal = v)));
supported(EXEC_SECTIONS, 'FinalKillSignal', scalar(parseSignal, (d, v) => (d.kill.finalKillSignal = v ?? 9)));
supported(EXEC_SECTIONS, 'WatchdogSignal', scalar(parseSignal, (d, v) => (d.kill.watchdogSignal = v ?? 6)));
supported(EXEC_SECTIONS, 'SendSIGHUP', scalar(parseBoolean, (d, v) => (d.kill.sendSIGHUP = v ?? false)));
supported(EXEC_SECTIONS, 'SendSIGKILL', scalar(parseBoolean, (d, v) => (d.kill.sendSIGKILL = v ?? true)));

// ---- unit types svcd cannot start yet: the settings their load-time checks need ----
for (const key of SOCKET_LISTEN_KEYS) {
  // Addresses are kept as written: systemd's address syntax is not parsed yet (see docs/units.md).
  const needsPath = key !== 'ListenStream' && key !== 'ListenDatagram' && key !== 'ListenSequentialPacket' && key !== 'ListenNetlink';
  typedNotYet('Socket', key, custom(needsPath ? 'absolute path' : 'address (not checked yet)', 'append', 'clears', (value, ctx) => {
    if (value === '') return void ctx.draft.socket.listen.splice(0);
    const address = resolveSpecifiers(ctx, value, QUOTED);
    if (address === undefined) return;
    if (needsPath && !pathIsAbsolute(address)) return rejectValue(ctx, address);
    ctx.draft.socket.listen.push({ value: { kind: key, address }, loc: ctx.loc });
  }));
}
for (const key of ['ExecStartPre', 'ExecStartPost', 'ExecStopPre', 'ExecStopPost'] as const) {
  const field = `e${key.slice(1)}` as 'execStartPre';
  typedNotYet('Socket', key, execLines((d) => d.socket[field]));
}
typedNotYet('Socket', 'Accept', scalar(parseBoolean, (d, v) => (d.socket.accept = v ?? false)));
typedNotYet('Socket', 'Service', printf(NAME_BARE, scalar(serviceUnitName, (d, v) => (d.socket.service = v), false)));
for (const key of TIMER_TRIGGER_KEYS) {
  const push = (ctx: ApplyContext, spec: string) => ctx.draft.timer.triggers.push({ value: { kind: key, spec }, loc: ctx.loc });
  if (key === 'OnClockChange' || key === 'OnTimezoneChange') {
    typedNotYet('Timer', key, custom('parseBoolean', 'append', 'invalid', (value, ctx) => {
      const r = parseBoolean(value);
      if (!r.ok) return rejectValue(ctx, value);
      if (r.value) push(ctx, value);
    }));
    continue;
  }
  const calendar = key === 'OnCalendar';
  typedNotYet('Timer', key, custom(calendar ? 'calendar spec (not checked yet)' : 'parseSec (time span)', 'append', 'clears', (value, ctx) => {
    if (value === '') return void ctx.draft.timer.triggers.splice(0);
    if (!calendar && !parseSec(value).ok) return rejectValue(ctx, value);
    push(ctx, value);
  }));
}
typedNotYet('Timer', 'Unit', printf(NAME_BARE, scalar(triggeredUnit, (d, v) => (d.timer.unit = v), false)));
typedNotYet('Timer', 'Persistent', scalar(parseBoolean, (d, v) => (d.timer.persistent = v ?? false)));
for (const key of PATH_WATCH_KEYS) {
  typedNotYet('Path', key, custom('absolute path', 'append', 'clears', (value, ctx) => {
    if (value === '') return void ctx.draft.path.watches.splice(0);
    const path = resolveSpecifiers(ctx, value, { style: 'bare' });
    if (path === undefined) return;
    if (!pathIsAbsolute(path)) return rejectValue(ctx, path);
    ctx.draft.path.watches.push({ value: { kind: key, path }, loc: ctx.loc });
  }));
}
typedNotYet('Path', 'Unit', printf(NAME_BARE, scalar(triggeredUnit, (d, v) => (d.path.unit = v), false)));
typedNotYet('Path', 'MakeDirectory', scalar(parseBoolean, (d, v) => (d.path.makeDirectory = v ?? false)));
typedNotYet('Mount', 'What', printf(QUOTED, scalar(str, (d, v) => (d.mount.what = v))));
typedNotYet('Mount', 'Where', printf(QUOTED, scalar(absolutePath, (d, v) => (d.mount.where = v))));
typedNotYet('Mount', 'Type', scalar(str, (d, v) => (d.mount.fsType = v)));
typedNotYet('Mount', 'Options', scalar(str, (d, v) => (d.mount.options = v)));
typedNotYet('Automount', 'Where', printf(QUOTED, scalar(absolutePath, (d, v) => (d.automount.where = v))));
typedNotYet('Automount', 'TimeoutIdleSec', scalar(parseSec, (d, v) => (d.automount.timeoutIdleUSec = v)));
typedNotYet('Swap', 'What', printf(QUOTED, scalar(absolutePath, (d, v) => (d.swap.what = v))));
typedNotYet('Swap', 'Priority', custom('parseSignedNumber, -1…32767', 'set', 'resets', (value, ctx) => {
  if (value === '') return void (ctx.draft.swap.priority = undefined);
  const r = parseSignedNumber(value);
  if (!r.ok || r.value > 32767) return rejectValue(ctx, value);
  if (r.value < -1) return ctx.report('warning', `Sorry, swap priorities smaller than -1 may only be assigned by the kernel itself, ignoring: ${value}`);
  ctx.draft.swap.priority = r.value;
}));
typedNotYet('Swap', 'Options', scalar(str, (d, v) => (d.swap.options = v)));

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
// Resource-control values are checked although not enforced, so a typo is reported as systemd reports it.
const ok = <T>(value: T): Result<T, string> => ({ ok: true, value });
const bad: Result<never, string> = { ok: false, error: 'invalid' };
const OUT_OF_RANGE = 'out of range';
const percent = (t: string) => /^(\d+(\.\d+)?%|\d+(\.\d+)?‰|\d+(\.\d+)?‱)$/.test(t) && parseFloat(t) <= (t.endsWith('%') ? 100 : t.endsWith('‰') ? 1000 : 10000);
const weight = (t: string): Result<number, string> => {
  const r = parseUnsignedNumber(t);
  return r.ok && r.value >= 1 && r.value <= 10000 ? r : bad;
};
const cpuWeight = (t: string): Result<number | 'idle', string> => (t === 'idle' ? ok('idle') : weight(t));
const memoryLimit = (t: string): Result<string, string> =>
  t === 'infinity' || percent(t) || parseBytes(t).ok ? ok(t) : bad;
const tasksMax = (t: string): Result<string, string> => {
  if (t === 'infinity' || percent(t)) return ok(t);
  const r = parseUnsignedNumber(t);
  return !r.ok ? bad : r.value >= 1 ? ok(t) : { ok: false, error: OUT_OF_RANGE };
};
const KEY_CHECKS: Record<string, Parser<unknown>> = {
  CPUWeight: cpuWeight, StartupCPUWeight: cpuWeight, IOWeight: weight, StartupIOWeight: weight,
  MemoryMin: memoryLimit, MemoryLow: memoryLimit, MemoryHigh: memoryLimit, MemoryMax: memoryLimit, MemorySwapMax: memoryLimit,
  TasksMax: tasksMax,
};
PARSER_LABELS.set(cpuWeight, 'weight 1…10000 or idle').set(weight, 'weight 1…10000').set(memoryLimit, 'bytes, percentage or infinity')
  .set(tasksMax, 'count, percentage or infinity');

const have = new Set(rows.map((r) => `${r.section}.${r.key}`));
for (const [section, key, hint] of CATALOG) {
  if (have.has(`${section}.${key}`)) continue;
  const ignoredBecause = SANDBOX.test(key)
    ? 'sandboxing: accepted and not enforced in a container'
    : RESOURCE.test(key)
      ? 'resource control: needs a delegated cgroup v2 hierarchy'
      : undefined;
  const status: DirectiveStatus = ignoredBecause ? 'ignored' : 'not-yet';
  const check = hint === 'UNIT [...]' ? undefined : KEY_CHECKS[key] ?? FALLBACK_PARSERS[hint];
  rows.push({
    section, key, hint, status, reason: ignoredBecause,
    parser: hint === 'UNIT [...]' ? 'unit names' : check ? parserLabel(check) : 'kept as written',
    mode: 'keep',
    empty: 'kept',
    apply(value, ctx) {
      if (value !== '') {
        if (hint === 'UNIT [...]') {
          const words = parseStringList(value);
          if (words.ok && words.value) for (const w of words.value) if (!isValidUnitName(w)) return rejectValue(ctx, value, w);
        } else if (check) {
          const r = check(value);
          if (!r.ok && r.error === OUT_OF_RANGE && key === 'TasksMax') {
            return ctx.report('warning', `Maximum tasks value '${value}' out of range, ignoring.`);
          }
          if (!r.ok) return rejectValue(ctx, value);
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
