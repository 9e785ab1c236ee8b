/**
 * The Manager's signals and PropertiesChanged, from the engine's events. They are queued and sent
 * on the next turn of the event loop, in the order the events came: a job that ends within the
 * call that queued it still has its JobRemoved sent after the call's reply, as systemctl needs to
 * know the job's path before it can recognise the job's end. A unit's changed properties are read
 * when sent (once per unit per turn), from the same table as everything else.
 */
import type { ManagerApi, SystemState } from '../engine/api.js';
import { SERVICE_PROPERTIES, UNIT_PROPERTIES, type PropertyRow } from '../control/property-table.js';
import type { UnitStatus } from '../engine/api.js';
import type { BusServer } from './server.js';
import { MessageType, type OutgoingMessage } from './wire.js';
import { MANAGER_IFACE, MANAGER_PATH, SERVICE_IFACE, UNIT_IFACE, jobPath, unitPath } from './paths.js';
import { variant } from './values.js';

/** The properties a state change moves, sent with their values in PropertiesChanged. */
const CHANGING = new Set([
  'ActiveState', 'SubState', 'LoadState', 'Job', 'FreezerState', 'InvocationID', 'ConditionResult', 'AssertResult',
  'StateChangeTimestamp', 'StateChangeTimestampMonotonic', 'InactiveExitTimestamp', 'InactiveExitTimestampMonotonic',
  'ActiveEnterTimestamp', 'ActiveEnterTimestampMonotonic', 'ActiveExitTimestamp', 'ActiveExitTimestampMonotonic',
  'InactiveEnterTimestamp', 'InactiveEnterTimestampMonotonic', 'ConditionTimestamp', 'ConditionTimestampMonotonic',
  'AssertTimestamp', 'AssertTimestampMonotonic',
  'MainPID', 'ControlPID', 'Result', 'NRestarts', 'StatusText', 'StatusErrno', 'ExecMainPID', 'ExecMainCode', 'ExecMainStatus',
  'ExecMainStartTimestamp', 'ExecMainStartTimestampMonotonic', 'ExecMainExitTimestamp', 'ExecMainExitTimestampMonotonic',
]);
const UNIT_CHANGING = UNIT_PROPERTIES.filter((r) => CHANGING.has(r.name));
const SERVICE_CHANGING = SERVICE_PROPERTIES.filter((r) => CHANGING.has(r.name));

type Pending = { readonly kind: 'message'; readonly m: OutgoingMessage } | { readonly kind: 'unit'; readonly id: string };

const signal = (path: string, iface: string, member: string, signature: string, body: readonly unknown[]): OutgoingMessage =>
  ({ type: MessageType.signal, path, interface: iface, member, signature, body });

function changed(rows: readonly PropertyRow<UnitStatus>[], st: UnitStatus): unknown[] {
  return rows.flatMap((r) => {
    const v = r.read(st);
    return v === undefined ? [] : [[r.name, variant(v)]];
  });
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
  const queuedUnits = new Set<string>();
  let scheduled = false;
  let finished = false;
  const flush = (): void => {
    scheduled = false;
    const server = bus();
    const items = queue.splice(0);
    queuedUnits.clear();
    if (server.connections() === 0) return;
    for (const p of items) {
      try {
        if (p.kind === 'message') server.broadcast(p.m);
        else {
          const st = api.unit(p.id);
          const path = unitPath(st.id);
          server.broadcast(signal(path, 'org.freedesktop.DBus.Properties', 'PropertiesChanged', 'sa{sv}as', [UNIT_IFACE, changed(UNIT_CHANGING, st), []]));
          if (st.model.service && st.model.exec && st.model.kill) {
            server.broadcast(signal(path, 'org.freedesktop.DBus.Properties', 'PropertiesChanged', 'sa{sv}as', [SERVICE_IFACE, changed(SERVICE_CHANGING, st), []]));
          }
        }
      } catch (e) {
        log(`D-Bus signal not sent: ${(e as Error).message}`);
      }
    }
  };
  const push = (p: Pending): void => {
    if (p.kind === 'unit') {
      if (queuedUnits.has(p.id)) return;
      queuedUnits.add(p.id);
    }
    queue.push(p);
    if (!scheduled) {
      scheduled = true;
      setImmediate(flush);
    }
  };
  const emit = (path: string, iface: string, member: string, signature: string, body: readonly unknown[]) => push({ kind: 'message', m: signal(path, iface, member, signature, body) });
  const unsubscribe = api.subscribe({
    jobNew: (j) => emit(MANAGER_PATH, MANAGER_IFACE, 'JobNew', 'uos', [j.id, jobPath(j.id), j.unit]),
    jobRemoved: (j, result) => emit(MANAGER_PATH, MANAGER_IFACE, 'JobRemoved', 'uoss', [j.id, jobPath(j.id), j.unit, result]),
    unitChanged: (id) => push({ kind: 'unit', id }),
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
