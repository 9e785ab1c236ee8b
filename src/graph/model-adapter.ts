/**
 * The one place that knows both src/unit's model and the graph's narrow GraphUnit: everything else
 * in graph/ and engine/ works on GraphUnit, so the model can change shape without touching them.
 */
import { USEC_INFINITY } from '../shared/timespan.js';
import { listenAllAccepting, type SocketSection, type Unit } from '../unit/model.js';
import { perpetualUnit } from '../unit/perpetual.js';
import type { GraphUnit, GraphUnitType } from './graph.js';
import { isForwardKind, type ForwardKind } from './atoms.js';


/**
 * Output that ends up in the journal orders the unit after systemd-journald.socket — for a socket only
 * when it runs commands of its own (real systemd 252 shows no such edge for a socket without Exec*=).
 */
function logsToJournal(u: Unit): boolean {
  if (u.type === 'socket' && [u.socket.execStartPre, u.socket.execStartPost, u.socket.execStopPre, u.socket.execStopPost].every((l) => l.length === 0)) return false;
  return [u.exec?.standardOutput, u.exec?.standardError].some((o) => o === undefined || o.startsWith('journal') || o.startsWith('kmsg'));
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
    exec: u.exec ? { slice: u.resources.slice, logsToJournal: logsToJournal(u) } : undefined,
    service: u.service ? { type: u.service.type, sockets: u.service.sockets } : undefined,
    triggers: u.type === 'socket' ? { unit: u.socket.service } : u.type === 'timer' ? { unit: u.timer.unit } : u.type === 'path' ? { unit: u.path.unit } : undefined,
    onCalendar: u.type === 'timer' ? u.timer.triggers.some((t) => t.value.kind === 'OnCalendar') : undefined,
    perpetual: perpetualUnit(u.id) !== undefined,
    requiresMountsFor: u.unit.requiresMountsFor.length > 0 ? u.unit.requiresMountsFor : undefined,
    hasFragment: u.fragmentPath !== undefined,
    acceptsOnly: u.type === 'socket' ? acceptsOnly(u.socket) : undefined,
  };
}
