/**
 * Step 1 of a transaction: the anchor job, then, breadth first through a queue, the jobs its atoms
 * pull in (Requires=, Wants=, Conflicts=, PropagatesStopTo=, …); isolate adds stops for everything
 * else that is up, triggering the stops of units that trigger the anchor. The request's own checks
 * (load state, RefuseManualStart=, AllowIsolate=, applicable job type) fail it here, before any job
 * is drafted. A queue, not recursion: a thousand-unit chain must not grow the stack.
 */
import type { Atom } from '../../graph/atoms.js';
import type { GraphUnit } from '../../graph/graph.js';
import { collapse, type QueuedJobType } from '../job.js';
import { type Draft, type Draftboard, loadError } from './draft.js';
import { type TransactionEnv, TransactionError } from './types.js';

/** Step 1. */
export function build(d: Draftboard): void {
  const { env, req } = d;
  const g = env.graph;
  const id = g.resolve(req.unit);
  const u = g.unit(id)!;
  const manualStart = req.type !== 'stop';
  // systemd checks these for requests from outside (D-Bus, systemctl) only: its own boot isolates
  // the default target whatever AllowIsolate= says.
  if (req.manual && ((manualStart && u.refuseManualStart) || (!manualStart && u.refuseManualStop))) {
    throw new TransactionError('refused', `Operation refused, unit ${id} may be requested by dependency only (it is configured to refuse manual start/stop).`);
  }
  if (req.mode === 'isolate') {
    if (req.type !== 'start') throw new TransactionError('bad-mode', 'Isolate is only valid for start.');
    if (req.manual && !u.allowIsolate) throw new TransactionError('refused', 'Operation refused, unit may not be isolated.');
  }
  if (req.mode === 'triggering' && req.type !== 'stop') throw new TransactionError('bad-mode', 'Job mode triggering is only valid for stop.');
  // After the request's own checks, as systemd's manager_add_job checks the mode before the
  // transaction loads anything: isolating a unit that is not found is refused as not isolatable.
  if (req.type !== 'stop') {
    const e = loadError(u, req.unit);
    if (e) throw e;
  }
  const type = collapse(req.type, env.activeState(id));
  if (!applicable(env, u, type)) throw new TransactionError('not-applicable', `Job type ${type} is not applicable for unit ${id}.`);

  const [anchor] = d.add(id, type);
  d.anchor = anchor;
  anchor.matters = true;
  const ignoreRequirements = req.mode === 'ignore-dependencies' || req.mode === 'ignore-requirements';
  const queue: Draft[] = [anchor];

  /** False when a dependency that matters could not be added: `from` then pulls in nothing more. */
  const pull = (from: Draft, unitName: string, t: QueuedJobType, matters: boolean, conflicts: boolean): boolean => {
    const oid = g.resolve(unitName);
    const o = g.unit(oid)!;
    if (t !== 'stop') {
      const e = loadError(o, unitName);
      if (e) {
        if (matters) failUpwards(d, from, e);
        else d.log.push(`${oid}: Cannot add dependency job, ignoring: ${e.message}`);
        return !matters;
      }
    }
    if (!applicable(env, o, t)) return true;
    const [j, fresh] = d.add(oid, t);
    d.link(from, j, matters, conflicts);
    if (fresh) {
      j.createdBy = [...j.pulledBy][0];
      queue.push(j);
    }
    return true;
  };
  // systemd adds a start job's dependencies atom by atom (Requires=-like first, then Wants=-like, …)
  // and gives up on the rest at the first one that matters and cannot be added: a unit wanted at
  // boot whose Requires= names a missing unit (Type=dbus's dbus.socket in an image without D-Bus:
  // systemd-logind.service) keeps its own job but pulls in none of its Wants= (user.slice).
  const pullAll = (from: Draft, atoms: readonly [Atom, QueuedJobType, boolean, boolean][]): void => {
    for (const [atom, t, matters, conflicts] of atoms) {
      for (const o of g.withAtom(from.unit, atom)) if (!pull(from, o, t, matters, conflicts)) return;
    }
  };

  // A queue, not recursion: a thousand-unit chain must not grow the stack.
  // ignore-requirements/-dependencies: the anchor alone (isolate/triggering jobs below still expand).
  let next = ignoreRequirements ? 1 : 0;
  const expand = () => {
    for (; next < queue.length; next++) {
      const j = queue[next]!;
      if (j.type === 'start' || j.type === 'restart') pullAll(j, START_ATOMS);
      if (j.type === 'stop') {
        for (const o of g.withAtom(j.unit, 'propagate-stop')) pull(j, o, 'stop', true, false);
        for (const o of g.withAtom(j.unit, 'propagate-stop-graceful')) pull(j, o, 'stop', true, false);
      }
      if (j.type === 'restart') {
        for (const o of g.withAtom(j.unit, 'propagate-restart')) {
          const t = collapse('try-restart', env.activeState(o));
          if (t !== 'nop') pull(j, o, t, true, false);
        }
      }
      if (j.type === 'reload') {
        for (const o of g.withAtom(j.unit, 'propagates-reload-to')) {
          const t = collapse('try-reload', env.activeState(o));
          if (t !== 'nop') pull(j, o, t, false, false);
        }
      }
    }
  };
  expand();

  if (req.mode === 'isolate') {
    for (const other of env.knownUnits()) {
      if (d.byUnit.has(other)) continue;
      const ou = g.unit(other);
      if (!ou || ou.ignoreOnIsolate) continue;
      const s = env.activeState(other);
      if ((s === 'inactive' || s === 'failed') && !env.installedJob(other)) continue;
      pull(anchor, other, 'stop', true, false);
    }
  }
  if (req.mode === 'triggering') {
    for (const o of g.withAtom(anchor.unit, 'triggered-by')) pull(anchor, o, 'stop', true, false);
  }
  // The stops added above propagate like any other stop.
  expand();
}

/** What a start job pulls in, in systemd's order: atom, job type, whether it matters, whether from a Conflicts=. */
const START_ATOMS: readonly [Atom, QueuedJobType, boolean, boolean][] = [
  ['pull-in-start', 'start', true, false],
  ['pull-in-start-ignored', 'start', false, false],
  ['pull-in-verify', 'verify-active', true, false],
  ['pull-in-stop', 'stop', true, true],
  ['pull-in-stop-ignored', 'stop', false, false],
];

/**
 * A job could not get a dependency that matters: the failure travels back along the links that
 * created the jobs, as long as those links matter. A Wants=-like link stops it (logged, ignored)
 * and the jobs stay — real systemd 252 still starts a unit wanted at boot whose Requires= names a
 * missing unit (test/fixtures/graph/engine-scenarios.mjs) — while reaching the anchor fails all.
 */
function failUpwards(d: Draftboard, from: Draft, e: TransactionError): void {
  let j: Draft = from;
  for (;;) {
    if (j === d.anchor) throw e;
    const l = j.createdBy!;
    if (!l.matters) {
      d.log.push(`${j.unit}: Cannot add dependency job, ignoring: ${e.message}`);
      return;
    }
    j = l.subject;
  }
}

function applicable(env: TransactionEnv, u: GraphUnit, t: QueuedJobType): boolean {
  switch (t) {
    case 'start':
      return env.canStart(u);
    // A perpetual unit is never stopped (systemd's unit_job_is_applicable).
    case 'restart':
      return env.canStart(u) && !u.perpetual;
    case 'stop':
      return !u.perpetual;
    case 'reload':
      return env.canReload(u);
    default:
      return true;
  }
}
