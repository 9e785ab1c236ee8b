/**
 * The Manager's signals and PropertiesChanged, from the engine's events, in the order systemd 252
 * sends them (test/fixtures/dbus/systemd-signals.json, recorded from it):
 *  - UnitNew when a unit is loaded into memory, UnitRemoved when garbage collection drops it;
 *  - JobNew, then the unit's PropertiesChanged (its Job moved); JobRemoved, then the same again;
 *  - a unit's PropertiesChanged at each state change, with the values of that moment — the kind's
 *    interface (Service, …) first, then Unit;
 *  - a job's PropertiesChanged (State) once it runs, at the end of the turn (see ordered()).
 * Everything is queued and sent on the next turn of the event loop: a job that ends within the
 * call that queued it still has its JobRemoved sent after the call's reply, as systemctl needs to
 * know the job's path before it can recognise the job's end.
 */
import type { JobInfo, ManagerApi, SystemState } from '../engine/api.js';
import { unitRows, type PropertyRow } from '../control/property-table.js';
import type { UnitStatus } from '../engine/api.js';
import type { BusServer } from './server.js';
import { MessageType, type OutgoingMessage } from './wire.js';
import { BUS_NAME, JOB_IFACE, MANAGER_IFACE, MANAGER_PATH, UNIT_IFACE, jobPath, unitPath } from './paths.js';
import { variant } from './values.js';
import { PROPERTIES_IFACE } from './standard-interfaces.js';


/** The properties a state change moves, sent with their values (systemd's emits-change ones). */
const CHANGING = new Set([
  'ActiveState', 'SubState', 'Job', 'FreezerState', 'InvocationID', 'ConditionResult', 'AssertResult', 'ActivationDetails',
  'StateChangeTimestamp', 'StateChangeTimestampMonotonic', 'InactiveExitTimestamp', 'InactiveExitTimestampMonotonic',
  'ActiveEnterTimestamp', 'ActiveEnterTimestampMonotonic', 'ActiveExitTimestamp', 'ActiveExitTimestampMonotonic',
  'InactiveEnterTimestamp', 'InactiveEnterTimestampMonotonic', 'ConditionTimestamp', 'ConditionTimestampMonotonic',
  'AssertTimestamp', 'AssertTimestampMonotonic',
  'MainPID', 'ControlPID', 'Result', 'ReloadResult', 'CleanResult', 'NRestarts', 'StatusText', 'StatusErrno', 'UID', 'GID',
  'ExecMainPID', 'ExecMainCode', 'ExecMainStatus',
  'ExecMainStartTimestamp', 'ExecMainStartTimestampMonotonic', 'ExecMainExitTimestamp', 'ExecMainExitTimestampMonotonic',
]);
/** Those sent by name only, to be read again (systemd's emits-invalidation ones). */
const INVALIDATED = new Set([
  'Conditions', 'Asserts',
  ...['Condition', 'StartPre', 'Start', 'StartPost', 'Reload', 'Stop', 'StopPost'].flatMap((e) => [`Exec${e}`, `Exec${e}Ex`]),
]);

type Pending =
  | { readonly kind: 'message'; readonly m: OutgoingMessage }
  /** A job whose state moved (see ordered()). */
  | { readonly kind: 'job'; readonly job: JobInfo }
  | { readonly kind: 'unit-changed'; readonly ms: readonly OutgoingMessage[] }
  | { readonly kind: 'job-removed'; readonly job: number; readonly m: OutgoingMessage };


const signal = (path: string, iface: string, member: string, signature: string, body: readonly unknown[]): OutgoingMessage =>
  ({ type: MessageType.signal, sender: BUS_NAME, path, interface: iface, member, signature, body });

/** PropertiesChanged of the unit's kind interface (if it has one) and of Unit, read now. */
function unitChanges(st: UnitStatus): OutgoingMessage[] {
  const byIface = new Map<string, PropertyRow<UnitStatus>[]>();
  for (const r of unitRows(st)) {
    if (!CHANGING.has(r.name) && !INVALIDATED.has(r.name)) continue;
    byIface.set(r.iface, [...(byIface.get(r.iface) ?? []), r]);
  }
  const ifaces = [...byIface.keys()].sort((a, b) => Number(a === UNIT_IFACE) - Number(b === UNIT_IFACE));
  return ifaces.map((iface) => {
    const rows = byIface.get(iface)!;
    const changed = rows.filter((r) => CHANGING.has(r.name)).flatMap((r) => {
      const v = r.read(st);
      return v === undefined ? [] : [[r.name, variant(v)]];
    });
    const invalidated = rows.filter((r) => INVALIDATED.has(r.name)).map((r) => r.name);
    return signal(unitPath(st.id), PROPERTIES_IFACE, 'PropertiesChanged', 'sa{sv}as', [iface, changed, invalidated]);
  });
}

const jobChange = (j: JobInfo): OutgoingMessage => signal(jobPath(j.id), PROPERTIES_IFACE, 'PropertiesChanged', 'sa{sv}as', [JOB_IFACE, [['State', ['s', j.state]]], []]);

/**
 * The queue in the order to send. A job's change of state goes last, as systemd sends its jobs'
 * changes after its units' at the end of a turn of its loop — and not at all for a job removed
 * within that turn: its JobRemoved says enough (a simple service's start job).
 */
function ordered(items: readonly Pending[]): OutgoingMessage[] {
  const out: OutgoingMessage[] = [];
  const held = new Map<number, JobInfo>();
  for (const p of items) {
    switch (p.kind) {
      case 'message': out.push(p.m); break;
      case 'job': held.set(p.job.id, p.job); break;
      case 'unit-changed': out.push(...p.ms); break;
      case 'job-removed':
        held.delete(p.job);
        out.push(p.m);
        break;
    }
  }
  for (const j of held.values()) out.push(jobChange(j));
  return out;
}

export interface SignalSource {
  /** Queues a signal, in order with the engine's. */
  emit(path: string, iface: string, member: string, signature: string, body: readonly unknown[]): void;
  close(): void;
}

/** Where signals go: every peer of the private socket, and the system bus when svcd is on it. */
export type SignalSink = Pick<BusServer, 'broadcast' | 'connections'>;

export function startSignals(api: ManagerApi, bus: () => SignalSink, log: (text: string) => void): SignalSource {
  const queue: Pending[] = [];
  let scheduled = false;
  let finished = false;
  const flush = (): void => {
    scheduled = false;
    const server = bus();
    const items = queue.splice(0);
    if (server.connections() === 0) return;
    for (const m of ordered(items)) {
      try {
        server.broadcast(m);
      } catch (e) {
        log(`D-Bus signal not sent: ${(e as Error).message}`);
      }
    }
  };
  const push = (p: Pending): void => {
    queue.push(p);
    if (!scheduled) {
      scheduled = true;
      setImmediate(flush);
    }
  };
  // Read when the change happens, not when sent: each state a unit passes through is reported.
  // Nobody to tell, nothing read: a unit's snapshot is not free.
  const unitChanged = (id: string): void => {
    if (bus().connections() === 0) return;
    try {
      push({ kind: 'unit-changed', ms: unitChanges(api.unit(id)) });
    } catch (e) {
      log(`D-Bus PropertiesChanged of ${id} not sent: ${(e as Error).message}`);
    }
  };
  const emit = (path: string, iface: string, member: string, signature: string, body: readonly unknown[]) => push({ kind: 'message', m: signal(path, iface, member, signature, body) });
  const unsubscribe = api.subscribe({
    unitNew: (id) => emit(MANAGER_PATH, MANAGER_IFACE, 'UnitNew', 'so', [id, unitPath(id)]),
    unitRemoved: (id) => emit(MANAGER_PATH, MANAGER_IFACE, 'UnitRemoved', 'so', [id, unitPath(id)]),
    jobNew: (j) => {
      emit(MANAGER_PATH, MANAGER_IFACE, 'JobNew', 'uos', [j.id, jobPath(j.id), j.unit]);
      unitChanged(j.unit);
    },
    jobChanged: (j) => push({ kind: 'job', job: j }),
    jobRemoved: (j, result) => {
      push({ kind: 'job-removed', job: j.id, m: signal(MANAGER_PATH, MANAGER_IFACE, 'JobRemoved', 'uoss', [j.id, jobPath(j.id), j.unit, result]) });
      unitChanged(j.unit);
    },
    unitChanged,
    systemStateChanged: (state: SystemState) => {
      if (finished || (state !== 'running' && state !== 'degraded')) return;
      finished = true;
      // firmware, loader, kernel, initrd, userspace, total (µs): a container has only userspace.
      const s = api.status();
      const userspace = s.finishTimestamp.monotonicUs > s.userspaceTimestamp.monotonicUs ? s.finishTimestamp.monotonicUs - s.userspaceTimestamp.monotonicUs : 0n;
      emit(MANAGER_PATH, MANAGER_IFACE, 'StartupFinished', 'tttttt', [0n, 0n, 0n, 0n, userspace, userspace]);
    },
  });
  return { emit, close: unsubscribe };
}
