/**
 * A service's own section of `analyze dump`, as systemd 252's service dump prints it after the
 * unit's common section: its state and results, its service settings, its kill settings, then each
 * Exec*= line with its last run. Built from the same property rows `show` reads (so a value has one
 * source), in dump's words: signals by name, time spans as systemd formats them.
 *
 * What svcd does not keep is left out rather than made up: the exec context's settings (UMask=,
 * sandboxing, limits, …) and the cgroup context's, which systemd prints between the kill settings
 * and the commands and after them.
 */
import type { ExecStatus, UnitStatus } from '../engine/api.js';
import { sigchldCodeToString } from '../shared/exit-status.js';
import { signalToString } from '../shared/signal.js';
import { formatTimestamp, showUnit } from './properties.js';
import { writtenCommands } from './property-table.js';

/** dump's label and the show property that holds each value, in dump's order; signals by name. */
const SERVICE_LINES = [
  ['Result', 'Result'], ['Reload Result', 'ReloadResult'], ['Clean Result', 'CleanResult'],
] as const;
const SETTINGS = [
  ['RootDirectoryStartOnly', 'RootDirectoryStartOnly'], ['RemainAfterExit', 'RemainAfterExit'], ['GuessMainPID', 'GuessMainPID'],
  ['Type', 'Type'], ['Restart', 'Restart'], ['NotifyAccess', 'NotifyAccess'],
] as const;
const TIMEOUTS = [
  ['OOMPolicy', 'OOMPolicy'], ['RestartSec', 'RestartUSec'], ['TimeoutStartSec', 'TimeoutStartUSec'], ['TimeoutStopSec', 'TimeoutStopUSec'],
  ['TimeoutStartFailureMode', 'TimeoutStartFailureMode'], ['TimeoutStopFailureMode', 'TimeoutStopFailureMode'], ['RuntimeMaxSec', 'RuntimeMaxUSec'],
  ['RuntimeRandomizedExtraSec', 'RuntimeRandomizedExtraUSec'], ['WatchdogSec', 'WatchdogUSec'],
  ['KillMode', 'KillMode'], ['KillSignal', 'KillSignal'], ['RestartKillSignal', 'RestartKillSignal'], ['FinalKillSignal', 'FinalKillSignal'],
  ['SendSIGKILL', 'SendSIGKILL'], ['SendSIGHUP', 'SendSIGHUP'],
] as const;
const SIGNAL_LINES = new Set(['KillSignal', 'RestartKillSignal', 'FinalKillSignal']);
const EXEC_KEYS = ['ExecCondition', 'ExecStartPre', 'ExecStart', 'ExecStartPost', 'ExecReload', 'ExecStop', 'ExecStopPost'] as const;

/** A signal as dump names it (SIGTERM), from show's number. */
function signalName(n: string): string {
  const name = signalToString(Number(n));
  return /^[A-Z]/.test(name) && !name.startsWith('RTMIN') ? `SIG${name}` : name;
}

/** The service's own lines (tab-indented as dump's), or none for a unit that is no loaded service. */
export function serviceDumpLines(st: UnitStatus): string[] {
  if (!st.model.service || st.model.loadState !== 'loaded') return [];
  const props = new Map(showUnit(st, [...[...SERVICE_LINES, ...SETTINGS, ...TIMEOUTS].map(([, p]) => p)], true));
  const out: string[] = [];
  const add = (label: string, value: string) => out.push(`\t${label}: ${value}`);
  add('Service State', st.subState);
  for (const [label, prop] of SERVICE_LINES) add(label, props.get(prop) ?? '');
  // PermissionsStartOnly= is kept as written among the settings svcd does not act on.
  const permissions = st.model.ignored.find((i) => i.key === 'PermissionsStartOnly')?.value;
  add('PermissionsStartOnly', permissions && /^(1|yes|y|true|t|on)$/i.test(permissions) ? 'yes' : 'no');
  for (const [label, prop] of SETTINGS) add(label, props.get(prop) ?? '');
  // Readiness as a notify service reports it; every other type never speaks the protocol.
  add('NotifyState', st.model.service.type === 'notify' && (st.activeState === 'active' || st.activeState === 'reloading') ? 'ready' : 'unknown');
  for (const [label, prop] of TIMEOUTS) add(label, SIGNAL_LINES.has(label) ? signalName(props.get(prop) ?? '') : props.get(prop) ?? '');
  const written = writtenCommands(st);
  for (const key of EXEC_KEYS) {
    // The engine's record of the lines it ran, else the lines as written (never run: no run to show).
    const cmds: readonly { readonly argv: readonly string[]; readonly run?: ExecStatus }[] = st.commands[key] ?? written[key] ?? [];
    if (cmds.length === 0) continue;
    out.push(`\t-> ${key}:`);
    for (const c of cmds) {
      out.push(`\t\tCommand Line: ${c.argv.map((a) => (/[\s"'\\]/.test(a) ? `"${a.replace(/["\\]/g, '\\$&')}"` : a)).join(' ')}`);
      const r = c.run;
      if (!r || r.pid <= 0) continue;
      out.push(`\t\t\tPID: ${r.pid}`, `\t\t\tStart Timestamp: ${formatTimestamp(r.start.realtimeUs)}`);
      if (r.exit.realtimeUs > 0n) {
        out.push(`\t\t\tExit Timestamp: ${formatTimestamp(r.exit.realtimeUs)}`, `\t\t\tExit Code: ${sigchldCodeToString(r.code) ?? ''}`);
        out.push(`\t\t\tExit Status: ${r.status}`);
      }
    }
  }
  return out;
}
