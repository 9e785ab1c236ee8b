/**
 * The one place that knows both src/unit's model and the graph's narrow GraphUnit: everything else
 * in graph/ and engine/ works on GraphUnit, so the model can change shape without touching them.
 */
import { USEC_INFINITY } from '../shared/timespan.js';
import { listenAllAccepting, type SocketSection, type Unit } from '../unit/model.js';
import { perpetualUnit } from '../unit/perpetual.js';
import { execDependenciesApply, requiresMountsFor } from '../unit/mounts-for.js';
import { ignoredScalar } from '../unit/ignored.js';
import { imageDevicesAdded } from '../unit/image-devices.js';
import type { GraphUnit, GraphUnitType } from './graph.js';
import { isForwardKind, type ForwardKind } from './atoms.js';


/** Output that ends up in the journal orders the unit after systemd-journald.socket (the manager's default output is the journal). */
function logsToJournal(u: Unit): boolean {
  return [u.exec?.standardOutput, u.exec?.standardError].some((o) => o === undefined || o.startsWith('journal') || o.startsWith('kmsg'));
}

/** What the exec context of a unit that runs commands adds to the graph (graph.ts's implicitDependencies). */
function execContext(u: Unit): GraphUnit['exec'] {
  if (!u.exec) return undefined;
  const slice = u.resources.slice;
  if (!execDependenciesApply(u)) return { slice, logsToJournal: false };
  const e = u.exec;
  return {
    slice,
    logsToJournal: logsToJournal(u),
    logNamespace: e.kept.logNamespace || undefined,
    privateTmp: e.privateTmp,
    writesVar: e.stateDirectory.length + e.cacheDirectory.length + e.logsDirectory.length > 0,
    rootImage: ignoredScalar(u, 'RootImage') !== undefined,
    imageDevices: imageDevicesAdded(u),
  };
}

/**
 * Accept=yes on stream/seqpacket sockets only: instances are made per connection and are no
 * dependency of the socket (systemd's socket_add_extras: have_non_accept_socket()).
 */
function acceptsOnly(s: SocketSection): boolean {
  return s.accept && listenAllAccepting(s.listen);
}

export function toGraphUnit(u: Unit): GraphUnit {
  const deps: Partial<Record<ForwardKind, string[]>> = {};
  const push = (k: ForwardKind, list: readonly string[]) => {
    if (list.length > 0) (deps[k] ??= []).push(...list);
  };
  for (const [k, list] of Object.entries(u.unit.dependencies)) if (isForwardKind(k)) push(k, list);
  push('Wants', u.wantsDir);
  push('Requires', u.requiresDir);
  push('Upholds', u.upholdsDir);
  const timeout = u.unit.jobTimeoutUSec;
  const mounts = requiresMountsFor(u);
  return {
    id: u.id,
    type: u.type as GraphUnitType,
    names: u.names,
    loadState: u.loadState,
    loadError: u.loadError,
    dependencies: deps,
    defaultDependencies: u.unit.defaultDependencies,
    refuseManualStart: u.unit.refuseManualStart,
    refuseManualStop: u.unit.refuseManualStop,
    allowIsolate: u.unit.allowIsolate,
    // systemd keeps slices out of isolate whatever the file says: their units would go with them.
    ignoreOnIsolate: u.unit.ignoreOnIsolate || u.type === 'slice',
    stopWhenUnneeded: u.unit.stopWhenUnneeded,
    onFailureJobMode: u.unit.onFailureJobMode,
    onSuccessJobMode: u.unit.onSuccessJobMode,
    jobTimeoutMs: timeout === undefined || timeout === 0n || timeout >= USEC_INFINITY ? undefined : Number(timeout / 1000n),
    collectMode: u.unit.collectMode === 'inactive-or-failed' ? 'inactive-or-failed' : 'inactive',
    exec: execContext(u),
    service: u.service ? { type: u.service.type, sockets: u.service.sockets } : undefined,
    triggers: u.type === 'socket' ? { unit: u.socket.service } : u.type === 'timer' ? { unit: u.timer.unit } : u.type === 'path' ? { unit: u.path.unit } : undefined,
    onCalendar: u.type === 'timer' ? u.timer.triggers.some((t) => t.value.kind === 'OnCalendar') : undefined,
    perpetual: perpetualUnit(u.id) !== undefined,
    requiresMountsFor: mounts.length > 0 ? mounts : undefined,
    hasFragment: u.fragmentPath !== undefined,
    acceptsOnly: u.type === 'socket' ? acceptsOnly(u.socket) : undefined,
  };
}
