/**
 * A unit's Exec*= lines as D-Bus carries them: the lines as written, with the last run of each
 * the engine recorded. Services and sockets both have them (under their own keys).
 */
import type { ExecStatus, UnitStatus } from '../engine/api.js';
import type { ExecCommandValue } from './property-row.js';

export const NO_RUN: ExecStatus = { pid: 0, start: { realtimeUs: 0n, monotonicUs: 0n }, exit: { realtimeUs: 0n, monotonicUs: 0n }, code: 0, status: 0 };

type ModelCommand = NonNullable<UnitStatus['model']['service']>['execStart'][number];

/** The …Ex= form's flags, in systemd's order, from the command's prefixes ("-", "+", "!", "!!", ":"). */
function flagsOf(c: ModelCommand | undefined): readonly string[] {
  if (!c) return [];
  const f = c.flags;
  return [[f.ignoreFailure, 'ignore-failure'], [f.fullyPrivileged, 'privileged'], [f.noSetuid, 'no-setuid'], [f.ambientMagic, 'ambient'], [f.noEnvExpand, 'no-env-expand']]
    .filter(([on]) => on).map(([, name]) => name as string);
}

/** A service's or socket's Exec*= lines as written, by key (none for a unit of another type). */
export function writtenCommands(st: UnitStatus): Readonly<Record<string, readonly ModelCommand[]>> {
  const m = st.model;
  if (m.type === 'socket') {
    const s = m.socket;
    return { ExecStartPre: s.execStartPre, ExecStartPost: s.execStartPost, ExecStopPre: s.execStopPre, ExecStopPost: s.execStopPost };
  }
  const svc = m.service;
  return svc ? {
    ExecCondition: svc.execCondition, ExecStartPre: svc.execStartPre, ExecStart: svc.execStart, ExecStartPost: svc.execStartPost,
    ExecReload: svc.execReload, ExecStop: svc.execStop, ExecStopPost: svc.execStopPost,
  } : {};
}

/** The unit's Exec*= lines with their last runs: the engine's record, else the model's (never run). */
export function commands(st: UnitStatus, key: string): readonly ExecCommandValue[] {
  const model = writtenCommands(st)[key] ?? [];
  const ran = st.commands[key];
  // The engine runs the model's lines in order: the i-th record is the i-th line.
  if (ran) return ran.map((c, i) => ({ path: c.path, argv: c.argv, ignoreErrors: c.ignoreErrors, flags: flagsOf(model[i]), run: c.run ?? NO_RUN }));
  return model.map((c) => ({ path: c.path, argv: c.argv, ignoreErrors: c.flags.ignoreFailure, flags: flagsOf(c), run: NO_RUN }));
}
