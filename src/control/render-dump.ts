/**
 * A unit's own section of `analyze dump`, as systemd 252 prints it after the common section: a
 * service's, socket's, timer's, path's, slice's or scope's state and settings with their exec,
 * kill and cgroup contexts (dump-context.ts), each Exec*= line with its last run; then the unit's
 * job, which the manager's list of jobs at the end repeats. Values come from the property rows `show` reads and the unit model (one source), in
 * dump's words: signals by name, time spans as systemd formats them.
 *
 * What svcd does not keep is left out rather than made up: a mount's or device's own section
 * (svcd learns no mount from /proc/self/mountinfo), and the lines docs/analyze.md lists.
 */
import { cgroupMaskText, ownCgroupMask, type CgroupController } from '../unit/cgroup-mask.js';
import type { ExecStatus, UnitStatus } from '../engine/api.js';
import { sigchldCodeToString } from '../shared/exit-status.js';
import { formatTimespan } from '../shared/timespan.js';
import { cgroupContextLines, dumpValues, execContextLines, killContextLines, type DumpValues } from './dump-context.js';
import { formatTimestamp, shellMaybeQuote } from './properties.js';
import { writtenCommands } from './property-table.js';
import { SOCKET_PROTOCOLS } from './socket-properties.js';
import { jobDumpLines } from './render-job.js';

const SEC = 1_000_000n;
const SERVICE_EXEC_KEYS = ['ExecCondition', 'ExecStartPre', 'ExecStart', 'ExecStartPost', 'ExecReload', 'ExecStop', 'ExecStopPost'] as const;
const SOCKET_EXEC_KEYS = ['ExecStartPre', 'ExecStartPost', 'ExecStopPre', 'ExecStopPost'] as const;

/** quote_command_line(…, SHELL_ESCAPE_EMPTY): each word as the shell would need it, "" for an empty one. */
const commandLine = (argv: readonly string[]) => argv.map((a) => (a === '' ? '""' : shellMaybeQuote(a))).join(' ');

type Command = { readonly argv: readonly string[]; readonly run?: ExecStatus };

/** exec_command_dump_list(): "-> KEY:" and each command line with its last run, pids and times as they are. */
function commandLines(key: string, cmds: readonly Command[]): string[] {
  if (cmds.length === 0) return [];
  const out = [`\t-> ${key}:`];
  for (const c of cmds) {
    out.push(`\t\tCommand Line: ${commandLine(c.argv)}`);
    const r = c.run;
    if (!r || r.pid <= 0) continue;
    out.push(`\t\t\tPID: ${r.pid}`, `\t\t\tStart Timestamp: ${formatTimestamp(r.start.realtimeUs)}`);
    if (r.exit.realtimeUs > 0n) {
      out.push(`\t\t\tExit Timestamp: ${formatTimestamp(r.exit.realtimeUs)}`, `\t\t\tExit Code: ${sigchldCodeToString(r.code) ?? ''}`);
      out.push(`\t\t\tExit Status: ${r.status}`);
    }
  }
  return out;
}

/** A service: its state and results, settings, kill and exec contexts, commands, cgroup context. */
function serviceLines(d: DumpValues): string[] {
  const { st } = d;
  const svc = st.model.service!;
  const out: string[] = [];
  const add = (label: string, value: string) => out.push(`\t${label}: ${value}`);
  add('Service State', st.subState);
  add('Result', d.text('Result'));
  add('Reload Result', d.text('ReloadResult'));
  add('Clean Result', d.text('CleanResult'));
  add('PermissionsStartOnly', svc.permissionsStartOnly ? 'yes' : 'no');
  for (const k of ['RootDirectoryStartOnly', 'RemainAfterExit', 'GuessMainPID', 'Type', 'Restart', 'NotifyAccess']) add(k, d.text(k));
  // Readiness as a notify service reports it; every other type never speaks the protocol.
  add('NotifyState', svc.type === 'notify' && (st.activeState === 'active' || st.activeState === 'reloading') ? 'ready' : 'unknown');
  add('OOMPolicy', d.text('OOMPolicy'));
  if (d.num('ControlPID') > 0n) add('Control PID', d.text('ControlPID'));
  if (d.num('MainPID') > 0n) out.push(`\tMain PID: ${d.text('MainPID')}`, '\tMain PID Known: yes', '\tMain PID Alien: no');
  if (d.text('PIDFile')) add('PIDFile', d.text('PIDFile'));
  if (d.text('BusName')) out.push(`\tBusName: ${d.text('BusName')}`, '\tBus Name Good: no');
  add('RestartSec', formatTimespan(d.num('RestartUSec'), SEC));
  add('TimeoutStartSec', formatTimespan(d.num('TimeoutStartUSec'), SEC));
  add('TimeoutStopSec', formatTimespan(d.num('TimeoutStopUSec'), SEC));
  add('TimeoutStartFailureMode', d.text('TimeoutStartFailureMode'));
  add('TimeoutStopFailureMode', d.text('TimeoutStopFailureMode'));
  if (svc.timeoutAbortUSec !== undefined) add('TimeoutAbortSec', formatTimespan(d.num('TimeoutAbortUSec'), SEC));
  add('RuntimeMaxSec', formatTimespan(d.num('RuntimeMaxUSec'), SEC));
  add('RuntimeRandomizedExtraSec', formatTimespan(d.num('RuntimeRandomizedExtraUSec'), SEC));
  add('WatchdogSec', formatTimespan(d.num('WatchdogUSec'), SEC));
  out.push(...killContextLines(d), ...execContextLines(d));
  const written = writtenCommands(st);
  // The engine's record of the lines it ran, else the lines as written (never run: no run to show).
  for (const key of SERVICE_EXEC_KEYS) out.push(...commandLines(key, st.commands[key] ?? written[key] ?? []));
  if (d.text('StatusText')) add('Status Text', d.text('StatusText'));
  if (svc.fileDescriptorStoreMax > 0) out.push(`\tFile Descriptor Store Max: ${svc.fileDescriptorStoreMax}`, `\tFile Descriptor Store Current: ${d.text('NFileDescriptorStore')}`);
  out.push(...cgroupContextLines(d));
  return out;
}

/** SocketProtocol= by name, as ip_protocol_to_name() gives it (0, the default, is "ip"). */
const protocolName = (n: number): string => (n === 0 ? 'ip' : Object.keys(SOCKET_PROTOCOLS).find((k) => SOCKET_PROTOCOLS[k] === n) ?? String(n));

/** A socket: its state, settings, addresses, exec and kill contexts, commands, cgroup context. */
function socketLines(d: DumpValues): string[] {
  const { st } = d;
  if (st.model.type !== 'socket') return [];
  const sock = st.model.socket;
  const out: string[] = [];
  const add = (label: string, value: string) => out.push(`\t${label}: ${value}`);
  add('Socket State', st.subState);
  add('Result', d.text('Result'));
  add('Clean Result', 'success');
  add('BindIPv6Only', d.text('BindIPv6Only'));
  add('Backlog', d.text('Backlog'));
  add('SocketMode', d.num('SocketMode').toString(8).padStart(4, '0'));
  add('DirectoryMode', d.num('DirectoryMode').toString(8).padStart(4, '0'));
  for (const k of ['KeepAlive', 'NoDelay', 'FreeBind']) add(k, d.text(k));
  add('Transparent', d.flag('Transparent', false));
  add('Broadcast', d.flag('Broadcast', false));
  for (const k of ['PassCredentials', 'PassSecurity']) add(k, d.text(k));
  add('PassPacketInfo', d.flag('PassPacketInfo', false));
  add('TCPCongestion', d.text('TCPCongestion') || 'n/a');
  add('RemoveOnStop', d.text('RemoveOnStop'));
  add('Writable', d.flag('Writable', false));
  add('FileDescriptorName', d.text('FileDescriptorName'));
  add('SELinuxContextFromNet', d.flag('SELinuxContextFromNet', false));
  if (d.num('ControlPID') > 0n) add('Control PID', d.text('ControlPID'));
  if (sock.accept) {
    add('Accepted', d.text('NAccepted'));
    add('NConnections', d.text('NConnections'));
    add('MaxConnections', d.text('MaxConnections'));
    add('MaxConnectionsPerSource', d.text('MaxConnectionsPerSource'));
  } else add('FlushPending', d.flag('FlushPending', false));
  if (sock.reusePort) add('ReusePort', 'yes');
  if (sock.socketUser || sock.socketGroup) out.push(`\tSocketUser: ${sock.socketUser || 'n/a'}`, `\tSocketGroup: ${sock.socketGroup || 'n/a'}`);
  const listen = d.bus('Listen');
  if (listen?.sig === 'a(ss)') listen.v.forEach(([, text], i) => add(sock.listen[i]?.value.kind ?? 'ListenFIFO', text));
  add('TriggerLimitIntervalSec', formatTimespan(d.num('TriggerLimitIntervalUSec'), SEC));
  add('TriggerLimitBurst', d.text('TriggerLimitBurst'));
  add('SocketProtocol', protocolName(Number(d.num('SocketProtocol'))));
  if (sock.symlinks.length > 0) out.push(`\tSymlinks:${sock.symlinks.map((s) => ` ${s}`).join('')}`);
  add('TimeoutSec', formatTimespan(d.num('TimeoutUSec'), SEC));
  out.push(...execContextLines(d), ...killContextLines(d));
  const written: Record<string, readonly Command[]> = {
    ExecStartPre: sock.execStartPre, ExecStartPost: sock.execStartPost, ExecStopPre: sock.execStopPre, ExecStopPost: sock.execStopPost,
  };
  for (const key of SOCKET_EXEC_KEYS) out.push(...commandLines(key, st.commands[key] ?? written[key] ?? []));
  out.push(...cgroupContextLines(d));
  return out;
}

/** A timer: its state and settings, then its values as systemd lists them (newest line first). */
function timerLines(d: DumpValues): string[] {
  const { st } = d;
  const out = [
    `\tTimer State: ${st.subState}`, `\tResult: ${d.text('Result')}`, `\tUnit: ${d.text('Unit') || 'n/a'}`, `\tPersistent: ${d.text('Persistent')}`,
    `\tWakeSystem: ${d.text('WakeSystem')}`, `\tAccuracy: ${formatTimespan(d.num('AccuracyUSec'), 1n)}`, `\tRemainAfterElapse: ${d.text('RemainAfterElapse')}`,
    `\tFixedRandomDelay: ${d.text('FixedRandomDelay')}`, `\tOnClockChange: ${d.text('OnClockChange')}`, `\tOnTimeZoneChange: ${d.text('OnTimezoneChange')}`,
  ];
  for (const v of st.timer?.values ?? []) {
    out.push(v.calendar !== undefined ? `\tOnCalendar: ${v.calendar}` : `\t${v.base.replace(/USec$/, 'Sec')}: ${formatTimespan(v.usec, 0n)}`);
  }
  return out;
}

/** A path unit: its state and settings, then what it watches (newest line first, as the Paths= row). */
function pathLines(d: DumpValues): string[] {
  const out = [
    `\tPath State: ${d.st.subState}`, `\tResult: ${d.text('Result')}`, `\tUnit: ${d.text('Unit') || 'n/a'}`, `\tMakeDirectory: ${d.text('MakeDirectory')}`,
    `\tDirectoryMode: ${d.num('DirectoryMode').toString(8).padStart(4, '0')}`,
    `\tTriggerLimitIntervalSec: ${formatTimespan(d.num('TriggerLimitIntervalUSec'), SEC)}`, `\tTriggerLimitBurst: ${d.text('TriggerLimitBurst')}`,
  ];
  const paths = d.bus('Paths');
  if (paths?.sig === 'a(ss)') for (const [kind, path] of paths.v) out.push(`\t${kind}: ${path}`);
  return out;
}

/** A scope: its state, run-time limits, cgroup context, and the kill settings it has from the manager. */
function scopeLines(d: DumpValues): string[] {
  const { st } = d;
  return [
    `\tScope State: ${st.subState}`, `\tResult: ${st.result || 'success'}`, '\tRuntimeMaxSec: infinity', '\tRuntimeRandomizedExtraSec: 0',
    `\tOOMPolicy: ${st.defaults.oomPolicy ?? 'stop'}`, ...cgroupContextLines(d),
    // A scope's kill context is systemd's default: svcd's scopes have no unit file to set it.
    '\tKillMode: control-group', '\tKillSignal: SIGTERM', '\tRestartKillSignal: SIGTERM', '\tFinalKillSignal: SIGKILL', '\tSendSIGKILL: yes', '\tSendSIGHUP: no',
  ];
}

type ConditionLine = UnitStatus['model']['unit']['conditions'][number];
type FailedCondition = NonNullable<UnitStatus['failedCondition']>;

/**
 * condition_dump_list(): each Condition…=/Assert…= line with its result at the last check, as
 * condition_test_list() leaves them: a regular condition that failed ends the list (the lines after
 * it stay untested); when no trigger held, every trigger failed. svcd keeps which line failed, not each
 * trigger's result: a trigger of a list that held has no line here (docs/analyze.md).
 */
function conditionLines(list: readonly ConditionLine[], tested: boolean, failed: FailedCondition | undefined): string[] {
  const out: string[] = [];
  let stopped = !tested;
  // systemd prepends each line it reads: it keeps, tests and prints them newest first.
  for (const c of [...list].reverse()) {
    let result: string | undefined;
    if (stopped) result = 'untested';
    else if (failed && !failed.trigger && c.kind === failed.kind && c.parameter === failed.parameter && c.negate === failed.negate && !c.trigger) {
      result = 'failed';
      stopped = true;
    } else if (!c.trigger) result = 'succeeded';
    else if (failed?.trigger) result = 'failed';
    if (result) out.push(`\t${c.kind}: ${c.trigger ? '|' : ''}${c.negate ? '!' : ''}${c.parameter} ${result}`);
  }
  return out;
}

/** The unit's conditions, then its asserts, with their results (none for a unit that is not loaded). */
export function conditionDumpLines(st: UnitStatus): string[] {
  if (st.model.loadState !== 'loaded') return [];
  const failed = st.failedCondition;
  const failedAssert = failed?.kind.startsWith('Assert') ?? false;
  return [
    ...conditionLines(st.model.unit.conditions, st.timestamps.condition.realtimeUs > 0n, !st.conditionResult && !failedAssert ? failed : undefined),
    ...conditionLines(st.model.unit.asserts, st.timestamps.assert.realtimeUs > 0n, !st.assertResult && failedAssert ? failed : undefined),
  ];
}

/**
 * The mask lines after "CGroup realized:" (unit_dump()): the controllers the unit needs itself,
 * and a slice's members' (each member's own and its members', through `lookup`). Masks of what a
 * realized cgroup has enabled depend on the host's delegated controllers and are not printed.
 */
export function cgroupMaskDumpLines(st: UnitStatus, lookup: (id: string) => UnitStatus): string[] {
  const members = (u: UnitStatus, seen: Set<string>): Set<CgroupController> => {
    const out = new Set<CgroupController>();
    if (u.model.type !== 'slice') return out;
    for (const l of u.dependencyLines) {
      if (l.line !== 'SliceOf' || seen.has(l.unit)) continue;
      seen.add(l.unit);
      const m = lookup(l.unit);
      for (const c of [...ownCgroupMask(m.model), ...members(m, seen)]) out.add(c);
    }
    return out;
  };
  const lines: string[] = [];
  const own = cgroupMaskText(ownCgroupMask(st.model));
  if (own) lines.push(`\tCGroup own mask: ${own}`);
  const of = cgroupMaskText(members(st, new Set([st.id])));
  if (of) lines.push(`\tCGroup members mask: ${of}`);
  return lines;
}

/** What dump prints of a unit after its common section: the type's own lines (for a loaded unit of a type svcd prints), then its job. */
export function ownDumpLines(st: UnitStatus): string[] {
  return [...(st.model.loadState === 'loaded' ? typeLines(st) : []), ...(st.job ? jobDumpLines(st.job, '\t') : [])];
}

function typeLines(st: UnitStatus): string[] {
  const d = dumpValues(st);
  switch (st.model.type) {
    case 'service': return serviceLines(d);
    case 'socket': return socketLines(d);
    case 'timer': return timerLines(d);
    case 'path': return pathLines(d);
    case 'slice': return [`\tSlice State: ${st.subState}`, ...cgroupContextLines(d)];
    case 'scope': return scopeLines(d);
    default: return [];
  }
}
