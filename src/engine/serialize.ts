/**
 * daemon-reexec: the units' run-time state written out for the next svcd and read back in
 * (systemd's manager_serialize / manager_deserialize).
 *
 * It exists apart from the engine because it is the one place that knows which run-time fields
 * outlive the process. Only a settled manager is carried over: no job installed, every unit
 * active, inactive or failed, no control process running — so nothing in flight (timers, queued
 * changes) has to be carried. Restored units take back their sub-states and pids before any event
 * is dispatched; their pids go back into the table's pid → unit map through the pid accessors.
 */
import type { System } from './system.js';
import type { UnitResult, UnitRuntime } from './unit-kind.js';
import type { UnitTable } from './unit-table.js';

/** One unit's run-time state across daemon-reexec (plain JSON apart from bigint timestamps). */
export interface SerializedUnit {
  readonly id: string;
  readonly subState: string;
  readonly result: UnitResult;
  readonly mainPid: number;
  readonly execMain: UnitRuntime['execMain'];
  readonly commands: UnitRuntime['commands'];
  readonly nRestarts: number;
  readonly statusText: string;
  readonly statusErrno: number;
  readonly invocationId: string;
  readonly kind?: unknown;
  /** When it last left / entered inactive: what a timer's OnUnitActiveSec=/OnUnitInactiveSec= count from. */
  readonly inactiveExitUs?: bigint;
  readonly inactiveEnterUs?: bigint;
}

/** Every unit's run-time state, or why the manager cannot be carried over now. */
export function serializeUnits(table: UnitTable): SerializedUnit[] | string {
  const out: SerializedUnit[] = [];
  for (const r of table.values()) {
    if (r.job) return `${r.id} has a ${r.job.type} job queued`;
    if (r.activeState !== 'active' && r.activeState !== 'inactive' && r.activeState !== 'failed') return `${r.id} is ${r.activeState}`;
    if (r.controlPid > 0) return `${r.id} runs a control process`;
    out.push({
      id: r.id, subState: r.subState, result: r.result, mainPid: r.mainPid, execMain: r.execMain, commands: r.commands,
      nRestarts: r.nRestarts, statusText: r.statusText, statusErrno: r.statusErrno, invocationId: r.invocationId,
      kind: r.kind.serialize?.(r), inactiveExitUs: r.inactiveExitUs, inactiveEnterUs: r.inactiveEnterUs,
    });
  }
  return out;
}

/** The other half: units come back in their sub-states, with their processes, before any event. */
export function restoreUnits(table: UnitTable, saved: readonly SerializedUnit[], system: System, log: (line: string) => void): void {
  for (const s of saved) {
    const r = table.runtime(table.graph.resolve(s.id));
    const active = r.kind.states[s.subState];
    if (active === undefined) {
      log(`${s.id}: cannot restore unknown state ${s.subState}, leaving it ${r.subState}.`);
      continue;
    }
    r.subState = s.subState;
    r.activeState = active;
    Object.assign(r, { result: s.result, mainPid: s.mainPid, execMain: s.execMain, commands: s.commands, nRestarts: s.nRestarts, statusText: s.statusText, statusErrno: s.statusErrno, invocationId: s.invocationId });
    if (typeof s.inactiveExitUs === 'bigint') r.inactiveExitUs = s.inactiveExitUs;
    if (typeof s.inactiveEnterUs === 'bigint') r.inactiveEnterUs = s.inactiveEnterUs;
    if (s.kind !== undefined) r.kind.deserialize?.(r, s.kind);
    if (s.invocationId) system.adoptInvocation(r.id, s.invocationId);
  }
}
