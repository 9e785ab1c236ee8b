/**
 * The directive table's [Service] rows (systemd.service(5)) and the exec and kill contexts
 * (systemd.exec(5), systemd.kill(5)) that services, sockets, mounts and swaps share: everything
 * svcd needs to run a process. One part because the exec context is written for all four
 * sections at once, and command lines (execLines) serve [Socket] too.
 */
import { rejectValue, scalar, list, custom, QUOTED, resolveSpecifiers, printf, str, absolutePath, fatalAbsolutePath, fatalScalar, parsePreserve, parseStdIO, RowList, type ApplyContext, type Behaviour, type DirectiveRow } from './behaviour.js';
import { parseBusName, parseBoolean, parseEnvironment, envReplace, parseExecDetailed, parseExitStatusSet, parseKillMode, parseMode, parseTimeoutFailureMode, parseCapabilitySet, mergeCapabilitySet, CAP_ALL, parseNice, parseNotifyAccess, parseOomScoreAdjust, parseRlimit, parseSec, parseServiceRestart, parseServiceType, parseSignal, parseUnsignedNumber, pathIsAbsolute, pathIsNormalized, rlimitFromDirective, envNameIsValid, envAssignmentIsValid, SOFT_ABOVE_HARD, RLIMIT_NAMES, type ExecCommand, type RlimitName } from '../values/index.js';
import { USEC_INFINITY, type Usec } from '../../shared/timespan.js';
import { CATALOG } from './catalog.generated.js';
import type { Draft } from './draft.js';

const EXEC_SECTIONS = ['Service', 'Socket', 'Mount', 'Swap'] as const;
/** LimitNOFILE= → NOFILE, for every Limit*= systemd knows (read off the [Service] catalog rows). */
const RLIMIT_KEYS: Record<string, RlimitName | undefined> = Object.fromEntries(
  CATALOG.filter(([section]) => section === 'Service').map(([, key]) => [key, rlimitFromDirective(key)]).filter(([, r]) => r),
);

const table = new RowList();
const { supported } = table;

// ---- [Service] (systemd.service(5)) ----
supported('Service', 'Type', scalar(parseServiceType, (d, v) => (d.service.type = v)));
const EXEC_KEYS = {
  ExecCondition: 'execCondition', ExecStartPre: 'execStartPre', ExecStart: 'execStart', ExecStartPost: 'execStartPost',
  ExecReload: 'execReload', ExecStop: 'execStop', ExecStopPost: 'execStopPost',
} as const;
/** Command lines (systemd.service(5) "Command lines"), for services and sockets alike. */
export function execLines(get: (d: Draft) => ExecCommand[]): Behaviour {
  return custom('parseExecDetailed (prefixes -@:+!!)', 'append', 'clears', (value, ctx) => {
    const target = get(ctx.draft);
    if (value === '') return void target.splice(0);
    const r = parseExecDetailed(value, undefined, undefined, (text) => ctx.report('warning', text));
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
// Empty: back to DefaultTimeoutAbortSec= (systemd's timeout_abort_set cleared), not an error.
supported('Service', 'TimeoutAbortSec', scalar(parseSec, (d, v) => (d.service.timeoutAbortUSec = v), true));
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
supported('Service', 'BusName', scalar(parseBusName, (d, v) => (d.service.busName = v)));
supported('Service', 'NotifyAccess', scalar(parseNotifyAccess, (d, v) => (d.service.notifyAccess = v)));
// systemd's unsigned parser has no empty case here: warned about, as StartLimitBurst=.
supported('Service', 'FileDescriptorStoreMax', scalar(parseUnsignedNumber, (d, v) => (d.service.fileDescriptorStoreMax = v ?? 0), false));
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
/** systemd takes a user/group name outside its strict rules (letters, digits, '_', '-'; a trailing '$'), saying so. */
function noticeLaxName(ctx: ApplyContext, name: string): void {
  if (!/^[A-Za-z_][A-Za-z0-9_-]*\$?$/.test(name)) {
    ctx.report('notice', `Accepting user/group name '${name}', which does not match strict user/group name rules.`, 'plain');
  }
}

/**
 * User= and Group= (systemd's relaxed user-name rules): a name that could never be a user makes the
 * unit unloadable; a name outside the strict rules is accepted with a notice; "nobody" is warned about.
 */
export function userOrGroup(which: 'user' | 'group', set = (d: Draft, v: string | undefined) => void (d.exec[which] = v)): Behaviour {
  return custom('user/group name or numeric ID', 'set', 'resets', (value, ctx) => {
    if (value === '') return set(ctx.draft, undefined);
    const expanded = resolveSpecifiers(ctx, value, { style: 'fatal-bare' });
    if (expanded === undefined) return;
    value = expanded;
    const numeric = /^[0-9]+$/.test(value);
    const uid = numeric ? Number(value) : NaN;
    // A value that expands to nothing (%i of a unit that is no instance) names no one: systemd
    // refuses it like any impossible name, unlike a literal empty value, which resets.
    // eslint-disable-next-line no-control-regex
    const impossible = value === '' || value === '.' || value === '..' || /[:/\s\x00-\x1f\x7f]/.test(value) ||
      (numeric && (uid > 0xfffffffe || uid === 0xffff));
    if (impossible) {
      ctx.report('error', `Invalid user/group name or numeric ID: ${value}`);
      ctx.draft.badSetting = true;
      return;
    }
    if (!numeric) noticeLaxName(ctx, value);
    if (which === 'user' && value === 'nobody') ctx.report('warning', 'Special user nobody configured, this is not safe!');
    set(ctx.draft, value);
  });
}
supported(EXEC_SECTIONS, 'User', userOrGroup('user'));
supported(EXEC_SECTIONS, 'Group', userOrGroup('group'));
// Each group name is taken as User=/Group= take theirs: a name outside the strict rules with a notice.
const supplementaryGroups = list((d) => d.exec.supplementaryGroups, undefined, 'group names', { style: 'fatal-bare' });
supported(EXEC_SECTIONS, 'SupplementaryGroups', custom(supplementaryGroups.parser, supplementaryGroups.mode, supplementaryGroups.empty, (value, ctx) => {
  const groups = ctx.draft.exec.supplementaryGroups;
  const before = groups.length;
  supplementaryGroups.apply(value, ctx);
  for (const g of groups.slice(before)) if (!/^[0-9]+$/.test(g)) noticeLaxName(ctx, g);
}));
supported(EXEC_SECTIONS, 'DynamicUser', fatalScalar(parseBoolean, (d, v) => (d.exec.dynamicUser = v)));
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
supported(EXEC_SECTIONS, 'RootDirectory', printf({ style: 'fatal-quoted' }, fatalAbsolutePath((d, v) => (d.exec.rootDirectory = v))));
supported(EXEC_SECTIONS, 'Environment', custom('parseEnvironment', 'append', 'clears', (value, ctx) => {
  const r = parseEnvironment(value, (word) => (word.includes('%') ? ctx.expand(word, 'unit') : { ok: true, value: word }));
  if (!r.ok) return rejectValue(ctx, value);
  for (const w of r.value.warnings) ctx.report('warning', w);
  const env = ctx.draft.exec.environment;
  const index = ctx.draft.environmentIndex;
  if (r.value.assignments === null) {
    index.clear();
    return void env.splice(0);
  }
  for (const a of r.value.assignments) envReplace(env, a, index);
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
  // An empty value is no limit systemd's rlimit parser knows: warned about, the limit stays.
  supported(EXEC_SECTIONS, key, custom('parseRlimit (soft[:hard])', 'set', 'invalid', (value, ctx) => {
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
/**
 * StandardOutput=/StandardError=: a file:/append:/truncate: target must be an absolute, normalized
 * path. systemd checks it as a fatal path (no ", ignoring" in its words) yet only drops the line.
 */
function outputSetting(set: (d: Draft, v: string | undefined) => void): Behaviour {
  const plain = scalar(parseStdIO, set);
  return {
    ...plain,
    apply(value, ctx) {
      const target = /^(?:file|append|truncate):([^]*)$/.exec(value)?.[1];
      if (target !== undefined && !pathIsAbsolute(target)) return ctx.report('error', `${ctx.key}= path is not absolute: ${target}`);
      if (target !== undefined && !pathIsNormalized(target)) return ctx.report('error', `${ctx.key}= path is not normalized: ${target}`);
      plain.apply(value, ctx);
    },
  };
}
supported(EXEC_SECTIONS, 'StandardOutput', outputSetting((d, v) => (d.exec.standardOutput = v)));
supported(EXEC_SECTIONS, 'StandardError', outputSetting((d, v) => (d.exec.standardError = v)));
supported(EXEC_SECTIONS, 'TTYPath', printf(QUOTED, scalar(absolutePath, (d, v) => (d.exec.ttyPath = v))));
supported(EXEC_SECTIONS, 'SyslogIdentifier', printf(QUOTED, scalar(str, (d, v) => (d.exec.syslogIdentifier = v))));
// journald's per-unit rate limit (systemd.exec(5)): empty resets to the journal's own.
supported(EXEC_SECTIONS, 'LogRateLimitIntervalSec', scalar(parseSec, (d, v) => (d.exec.logRateLimitIntervalUSec = v)));
supported(EXEC_SECTIONS, 'LogRateLimitBurst', scalar(parseUnsignedNumber, (d, v) => (d.exec.logRateLimitBurst = v), false));
supported(EXEC_SECTIONS, 'SyslogLevelPrefix', scalar(parseBoolean, (d, v) => (d.exec.syslogLevelPrefix = v ?? true)));
supported(EXEC_SECTIONS, 'NoNewPrivileges', scalar(parseBoolean, (d, v) => (d.exec.noNewPrivileges = v ?? false)));
// Capability sets merge across lines as systemd's config_parse_capability_set; an empty value is the empty set.
for (const [key, field, initial] of [['CapabilityBoundingSet', 'capabilityBoundingSet', CAP_ALL], ['AmbientCapabilities', 'ambientCapabilities', 0n]] as const) {
  supported(EXEC_SECTIONS, key, custom('capability names, ~ inverts', 'append', 'clears', (value, ctx) => {
    ctx.draft.exec[field] = mergeCapabilitySet(ctx.draft.exec[field] ?? initial, initial, parseCapabilitySet(value));
  }));
}
supported(EXEC_SECTIONS, 'PrivateTmp', scalar(parseBoolean, (d, v) => (d.exec.privateTmp = v ?? false)));
supported(EXEC_SECTIONS, 'RemoveIPC', scalar(parseBoolean, (d, v) => (d.exec.removeIPC = v ?? false)));

// ---- kill context (systemd.kill(5)) ----
// The one enum of the kill context whose empty value resets (to control-group), silently.
supported(EXEC_SECTIONS, 'KillMode', scalar(parseKillMode, (d, v) => (d.kill.killMode = v ?? 'control-group'), true));
supported(EXEC_SECTIONS, 'KillSignal', scalar(parseSignal, (d, v) => (d.kill.killSignal = v ?? 15)));
supported(EXEC_SECTIONS, 'RestartKillSignal', scalar(parseSignal, (d, v) => (d.kill.restartKillSignal = v)));
supported(EXEC_SECTIONS, 'FinalKillSignal', scalar(parseSignal, (d, v) => (d.kill.finalKillSignal = v ?? 9)));
supported(EXEC_SECTIONS, 'WatchdogSignal', scalar(parseSignal, (d, v) => (d.kill.watchdogSignal = v ?? 6)));
supported(EXEC_SECTIONS, 'SendSIGHUP', scalar(parseBoolean, (d, v) => (d.kill.sendSIGHUP = v ?? false)));
supported(EXEC_SECTIONS, 'SendSIGKILL', scalar(parseBoolean, (d, v) => (d.kill.sendSIGKILL = v ?? true)));

export const EXEC_ROWS: readonly DirectiveRow[] = table.rows;
