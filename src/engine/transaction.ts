/**
 * A transaction: what one request (start/stop/… of an anchor unit, with a job mode) means for every
 * unit, worked out on a draft before anything runs.
 *
 * Steps, in order (each a function below, numbered as in docs/design/engine.md):
 *   1. build     — the anchor job, then, breadth first through a queue, the jobs its atoms pull in;
 *                  isolate adds stops for everything else that is up, triggering the stops of
 *                  units that trigger the anchor.
 *   2. mark      — which jobs matter to the anchor (reachable from it over links that matter).
 *   3. minimize  — mode fail only: drop jobs that do not matter yet would stop a running unit or
 *                  disturb an installed job.
 *   4. merge     — one job per unit, by the merge table; a conflict (start+stop) is settled by
 *                  deleting the job that does not matter, else the transaction fails.
 *   5. redundant — drop jobs that would change nothing in the unit's current state.
 *   6. unneeded  — drop jobs nothing pulls in any more (garbage from steps 3–5 and 7).
 *   7. order     — find ordering cycles among the jobs; break each by deleting a job that does
 *                  not matter, with systemd's log lines; a cycle of jobs that all matter fails.
 *   8. conflicts — against installed jobs: mode fail refuses to replace one, and nobody replaces
 *                  an irreversible one.
 *   9. plan      — the jobs to install, and the installed jobs to cancel (isolate, flush).
 *
 * Invariants: the draft is the only thing written until step 9 returns; deleting a job also
 * deletes every job that needed it (pulled it with a link that matters), up to the anchor — if the
 * anchor goes, the transaction fails with the reason that started the deletion; the plan holds at
 * most one job per unit and its order graph is acyclic.
 */
import type { Graph, GraphUnit } from '../graph/graph.js';
import type { JobMode } from '../shared/job-mode.js';
import { type ActiveState, type JobState, type JobType, type QueuedJobType, collapse, isConflicting, isRedundant, isStopLike, mergeQueued } from './job.js';

export interface InstalledJobView {
  readonly type: QueuedJobType;
  readonly state: JobState;
  readonly irreversible: boolean;
}

/** What a transaction reads from the manager; it writes nothing. */
export interface TransactionEnv {
  readonly graph: Graph;
  activeState(id: string): ActiveState;
  installedJob(id: string): InstalledJobView | undefined;
  /** Unit-type capabilities (the vtable's flags). */
  canStart(u: GraphUnit): boolean;
  canReload(u: GraphUnit): boolean;
  /** Units with run-time state or jobs: the ones isolate and flush look at. */
  knownUnits(): Iterable<string>;
}

export interface Request {
  readonly unit: string;
  readonly type: JobType;
  readonly mode: JobMode;
  /** Asked for by a user (svcctl): RefuseManualStart=/RefuseManualStop= apply. */
  readonly manual?: boolean;
}

export interface PlannedJob {
  readonly unit: string;
  readonly type: QueuedJobType;
  readonly anchor: boolean;
  readonly ignoreOrder: boolean;
  readonly irreversible: boolean;
}

export interface Plan {
  readonly anchor: PlannedJob;
  readonly jobs: readonly PlannedJob[];
  /** Units whose installed jobs are canceled (isolate and flush cancel all others). */
  readonly cancel: readonly string[];
  /** Log lines in systemd's words (cycles broken, dependencies ignored), each as "unit: text". */
  readonly log: readonly string[];
}

export type TransactionErrorCode = 'no-such-unit' | 'load-failed' | 'masked' | 'bad-setting' | 'refused' | 'not-applicable' | 'conflicting-jobs' | 'cyclic' | 'destructive' | 'bad-mode';

export class TransactionError extends Error {
  constructor(
    readonly code: TransactionErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'TransactionError';
  }
}

interface Link {
  readonly subject: Draft;
  readonly object: Draft;
  readonly matters: boolean;
  readonly conflicts: boolean;
}

interface Draft {
  readonly unit: string;
  type: QueuedJobType;
  /** Links where this job is the object: who pulled it in. */
  readonly pulledBy: Set<Link>;
  /** Links where this job is the subject: what it pulled in. */
  readonly pulls: Set<Link>;
  matters: boolean;
  deleted: boolean;
  /** The link that brought it into the draft: a failure to add what it needs travels back along it. */
  createdBy?: Link;
}

function loadError(u: GraphUnit, name: string): TransactionError | undefined {
  switch (u.loadState) {
    case 'loaded':
      return undefined;
    case 'not-found':
      return new TransactionError('no-such-unit', `Unit ${name} not found.`);
    case 'masked':
      return new TransactionError('masked', `Unit ${name} is masked.`);
    case 'bad-setting':
      return new TransactionError('bad-setting', `Unit ${name} has a bad unit file setting.`);
    default:
      return new TransactionError('load-failed', `Unit ${name} failed to load properly.`);
  }
}

class Draftboard {
  readonly byUnit = new Map<string, Draft[]>();
  readonly log: string[] = [];
  anchor!: Draft;

  constructor(
    readonly env: TransactionEnv,
    readonly req: Request,
  ) {}

  jobs(): Draft[] {
    const out: Draft[] = [];
    for (const list of this.byUnit.values()) for (const j of list) if (!j.deleted) out.push(j);
    return out;
  }

  add(unit: string, type: QueuedJobType): [Draft, boolean] {
    let list = this.byUnit.get(unit);
    if (!list) this.byUnit.set(unit, (list = []));
    const found = list.find((j) => j.type === type && !j.deleted);
    if (found) return [found, false];
    const j: Draft = { unit, type, pulledBy: new Set(), pulls: new Set(), matters: false, deleted: false };
    list.push(j);
    return [j, true];
  }

  link(subject: Draft, object: Draft, matters: boolean, conflicts: boolean): void {
    const l: Link = { subject, object, matters, conflicts };
    subject.pulls.add(l);
    object.pulledBy.add(l);
  }

  /**
   * Deletes a job and, transitively, the jobs that needed it (pulled it in over a link that
   * matters); jobs it alone pulled in are left for the garbage step. Iterative, so a deep tree
   * cannot overflow the stack. Reaching the anchor fails the transaction with `reason`.
   */
  delete(first: Draft, reason: string, code: TransactionErrorCode = 'conflicting-jobs'): void {
    const queue = [first];
    while (queue.length > 0) {
      const j = queue.pop()!;
      if (j.deleted) continue;
      if (j === this.anchor) throw new TransactionError(code, reason);
      j.deleted = true;
      for (const l of j.pulledBy) {
        l.subject.pulls.delete(l);
        if (l.matters) queue.push(l.subject);
      }
      for (const l of j.pulls) l.object.pulledBy.delete(l);
      const list = this.byUnit.get(j.unit)!;
      list.splice(list.indexOf(j), 1);
      if (list.length === 0) this.byUnit.delete(j.unit);
    }
  }
}

/** Works out the plan for a request, or throws a TransactionError in systemd's words. */
export function buildTransaction(env: TransactionEnv, req: Request): Plan {
  const d = new Draftboard(env, req);
  build(d);
  mark(d);
  if (req.mode === 'fail') minimize(d);
  collectGarbage(d);
  merge(d);
  dropRedundant(d);
  collectGarbage(d);
  while (!breakOneCycle(d)) collectGarbage(d);
  checkInstalled(d);
  return plan(d);
}

/** Step 1. */
function build(d: Draftboard): void {
  const { env, req } = d;
  const g = env.graph;
  const id = g.resolve(req.unit);
  const u = g.unit(id)!;
  const manualStart = req.type !== 'stop';
  if (req.type !== 'stop') {
    const e = loadError(u, req.unit);
    if (e) throw e;
  }
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
  const type = collapse(req.type, env.activeState(id));
  if (!applicable(env, u, type)) throw new TransactionError('not-applicable', `Job type ${type} is not applicable for unit ${id}.`);

  const [anchor] = d.add(id, type);
  d.anchor = anchor;
  anchor.matters = true;
  const ignoreRequirements = req.mode === 'ignore-dependencies' || req.mode === 'ignore-requirements';
  const queue: Draft[] = [anchor];

  const pull = (from: Draft, unitName: string, t: QueuedJobType, matters: boolean, conflicts: boolean): void => {
    const oid = g.resolve(unitName);
    const o = g.unit(oid)!;
    if (t !== 'stop') {
      const e = loadError(o, unitName);
      if (e) {
        if (matters) failUpwards(d, from, e);
        else d.log.push(`${oid}: Cannot add dependency job, ignoring: ${e.message}`);
        return;
      }
    }
    if (!applicable(env, o, t)) return;
    const [j, fresh] = d.add(oid, t);
    d.link(from, j, matters, conflicts);
    if (fresh) {
      j.createdBy = [...j.pulledBy][0];
      queue.push(j);
    }
  };

  // A queue, not recursion: a thousand-unit chain must not grow the stack.
  // ignore-requirements/-dependencies: the anchor alone (isolate/triggering jobs below still expand).
  let next = ignoreRequirements ? 1 : 0;
  const expand = () => {
    for (; next < queue.length; next++) {
      const j = queue[next]!;
      if (j.type === 'start' || j.type === 'restart') {
        for (const o of g.withAtom(j.unit, 'pull-in-start')) pull(j, o, 'start', true, false);
        for (const o of g.withAtom(j.unit, 'pull-in-start-ignored')) pull(j, o, 'start', false, false);
        for (const o of g.withAtom(j.unit, 'pull-in-verify')) pull(j, o, 'verify-active', true, false);
        for (const o of g.withAtom(j.unit, 'pull-in-stop')) pull(j, o, 'stop', true, true);
        for (const o of g.withAtom(j.unit, 'pull-in-stop-ignored')) pull(j, o, 'stop', false, false);
      }
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

/** Step 2. */
function mark(d: Draftboard): void {
  const queue = [d.anchor];
  for (let i = 0; i < queue.length; i++) {
    for (const l of queue[i]!.pulls) {
      if (l.matters && !l.object.matters) {
        l.object.matters = true;
        queue.push(l.object);
      }
    }
  }
}

/** Step 3. */
function minimize(d: Draftboard): void {
  for (const j of d.jobs()) {
    if (j.deleted || j.matters) continue;
    const s = d.env.activeState(j.unit);
    const stopsRunning = j.type === 'stop' && (s === 'active' || s === 'reloading' || s === 'activating');
    const installed = d.env.installedJob(j.unit);
    const changesInstalled = installed !== undefined && isConflicting(j.type, installed.type);
    if (stopsRunning || changesInstalled) d.delete(j, `${j.unit}: dropped to minimize impact`);
  }
}

/** Step 4. */
function merge(d: Draftboard): void {
  for (;;) {
    let again = false;
    // The anchor's unit first, so a conflict there is the one reported (as systemd reported it).
    const units = [...d.byUnit].sort(([a], [b]) => Number(b === d.anchor.unit) - Number(a === d.anchor.unit));
    for (const [unit, list] of units) {
      if (list.length < 2) continue;
      const conflict = findConflict(list);
      if (conflict) {
        const [a, b] = conflict;
        const victim = pickConflictVictim(a, b);
        if (!victim) {
          throw new TransactionError('conflicting-jobs', `Transaction contains conflicting jobs '${a.type}' and '${b.type}' for ${unit}. Probably contradicting requirement dependencies configured.`);
        }
        d.delete(victim, `Transaction contains conflicting jobs '${a.type}' and '${b.type}' for ${unit}.`);
        collectGarbage(d);
        again = true;
        break;
      }
      const state = d.env.activeState(unit);
      const keep = list[0]!;
      for (const other of list.slice(1)) {
        const merged = mergeQueued(keep.type, other.type, state);
        // findConflict() above left no conflicting pair in the list.
        if (merged === 'conflict') throw new Error(`${unit}: '${keep.type}' and '${other.type}' conflict after the conflict check`);
        keep.type = merged;
        keep.matters ||= other.matters;
        for (const l of other.pulledBy) {
          l.subject.pulls.delete(l);
          if (l.subject !== keep) d.link(l.subject, keep, l.matters, l.conflicts);
        }
        for (const l of other.pulls) {
          l.object.pulledBy.delete(l);
          if (l.object !== keep) d.link(keep, l.object, l.matters, l.conflicts);
        }
        other.pulledBy.clear();
        other.pulls.clear();
        other.deleted = true;
        if (d.anchor === other) d.anchor = keep;
      }
      d.byUnit.set(unit, [keep]);
    }
    if (!again) return;
  }
}

function findConflict(list: readonly Draft[]): [Draft, Draft] | undefined {
  // Mergeability is transitive (checked in job.test.ts), so a pairwise check finds every conflict.
  // The later job is named first, as systemd words it ("'stop' and 'start'" for a start anchor).
  for (let i = 0; i < list.length; i++) for (let k = i + 1; k < list.length; k++) if (isConflicting(list[i]!.type, list[k]!.type)) return [list[k]!, list[i]!];
  return undefined;
}

/**
 * Of two conflicting jobs, the one to give up: the one that does not matter; if neither matters,
 * the stop — unless that stop was pulled in by a Conflicts=, whose point is the stop.
 */
function pickConflictVictim(a: Draft, b: Draft): Draft | undefined {
  if (a.matters && b.matters) return undefined;
  if (a.matters !== b.matters) return a.matters ? b : a;
  const [stop, other] = a.type === 'stop' ? [a, b] : [b, a];
  const byConflict = [...stop.pulledBy].some((l) => l.conflicts);
  return byConflict ? other : stop;
}

/** Step 5. */
function dropRedundant(d: Draftboard): void {
  for (const j of d.jobs()) {
    if (j === d.anchor) continue;
    if (!isRedundant(j.type, d.env.activeState(j.unit))) continue;
    const installed = d.env.installedJob(j.unit);
    // A redundant start still has to cancel an installed stop.
    if (installed && isConflicting(j.type, installed.type)) continue;
    for (const l of j.pulledBy) l.subject.pulls.delete(l);
    for (const l of j.pulls) l.object.pulledBy.delete(l);
    j.deleted = true;
    d.byUnit.delete(j.unit);
  }
}

/** Step 6. */
function collectGarbage(d: Draftboard): void {
  if (d.req.mode === 'isolate') return;
  for (;;) {
    const orphan = d.jobs().find((j) => j !== d.anchor && j.pulledBy.size === 0);
    if (!orphan) return;
    d.delete(orphan, 'garbage');
  }
}

/**
 * Whether job `a` must wait for job `b` when a's unit is ordered Before= b's (systemd.unit(5)): a
 * stop (or the stop half of a restart) of the later unit goes first, otherwise the earlier unit's
 * job does.
 */
export function waitsWhenBefore(b: QueuedJobType): boolean {
  return isStopLike(b);
}

/** The jobs `j` waits for among `jobs`, by Before=/After= between their units. */
function waitsFor(d: Draftboard, j: Draft, jobOf: Map<string, Draft>): Draft[] {
  if (j.type === 'nop') return [];
  const g = d.env.graph;
  const out: Draft[] = [];
  for (const o of g.withAtom(j.unit, 'after')) {
    const k = jobOf.get(o);
    // j's unit comes after k's: j waits unless j is itself the stop going first.
    if (k && k.type !== 'nop' && !isStopLike(j.type)) out.push(k);
  }
  for (const o of g.withAtom(j.unit, 'before')) {
    const k = jobOf.get(o);
    if (k && k.type !== 'nop' && isStopLike(k.type)) out.push(k);
  }
  return out;
}

/** Step 7: finds one cycle and deletes a job to break it; true when the order is acyclic. */
function breakOneCycle(d: Draftboard): boolean {
  const jobs = d.jobs();
  const jobOf = new Map(jobs.map((j) => [j.unit, j]));
  const colour = new Map<Draft, 1 | 2>();
  const ignoreOrder = d.req.mode === 'ignore-dependencies';
  for (const root of jobs) {
    if (colour.has(root)) continue;
    const path: Draft[] = [];
    const iters: Draft[][] = [];
    const enter = (j: Draft) => {
      colour.set(j, 1);
      path.push(j);
      iters.push(ignoreOrder && j === d.anchor ? [] : waitsFor(d, j, jobOf).filter((k) => !(ignoreOrder && k === d.anchor)));
    };
    enter(root);
    while (path.length > 0) {
      const next = iters[iters.length - 1]!.pop();
      if (next === undefined) {
        colour.set(path.pop()!, 2);
        iters.pop();
        continue;
      }
      const c = colour.get(next);
      if (c === 2) continue;
      if (c === 1) {
        breakCycle(d, path.slice(path.indexOf(next)));
        return false;
      }
      enter(next);
    }
  }
  return true;
}

function breakCycle(d: Draftboard, cycle: readonly Draft[]): void {
  // `cycle` starts at the job reached twice and follows "waits for" edges round to it. systemd 252
  // words it from that job: the job it waits for first, then each next one, ending with itself —
  //   c.service: Found ordering cycle on a.service/start
  //   c.service: Found dependency on b.service/start
  //   c.service: Found dependency on c.service/start
  //   c.service: Job a.service/start deleted to break ordering cycle starting with c.service/start
  // (recorded: c After a, a After b, b After c, all wanted) — and deletes the first job of that walk
  // that neither is the anchor nor matters to it.
  const again = cycle[0]!;
  const walk = [...cycle.slice(1), again];
  const name = (j: Draft) => `${j.unit}/${j.type}`;
  walk.forEach((j, i) => d.log.push(`${again.unit}: ${i === 0 ? 'Found ordering cycle on' : 'Found dependency on'} ${name(j)}`));
  const victim = walk.find((j) => j !== d.anchor && !j.matters);
  if (!victim) {
    d.log.push(`${again.unit}: Unable to break cycle starting with ${name(again)}`);
    throw new TransactionError('cyclic', 'Transaction order is cyclic. See system logs for details.');
  }
  d.log.push(`${again.unit}: Job ${name(victim)} deleted to break ordering cycle starting with ${name(again)}`);
  d.delete(victim, 'Transaction order is cyclic. See system logs for details.', 'cyclic');
}

/** Step 8. */
function checkInstalled(d: Draftboard): void {
  for (const j of d.jobs()) {
    const installed = d.env.installedJob(j.unit);
    if (!installed || !isConflicting(installed.type, j.type)) continue;
    if (d.req.mode === 'fail' || installed.irreversible) {
      throw new TransactionError('destructive', `Transaction for ${d.anchor.unit}/${d.anchor.type} is destructive (${j.unit} has '${installed.type}' job queued, but '${j.type}' is included in transaction).`);
    }
  }
}

/** Step 9. */
function plan(d: Draftboard): Plan {
  const irreversible = d.req.mode === 'replace-irreversibly';
  const ignoreOrder = d.req.mode === 'ignore-dependencies';
  const mk = (j: Draft): PlannedJob => ({ unit: j.unit, type: j.type, anchor: j === d.anchor, ignoreOrder: ignoreOrder && j === d.anchor, irreversible });
  const jobs = d.jobs().map(mk);
  const cancel: string[] = [];
  if (d.req.mode === 'isolate' || d.req.mode === 'flush') {
    for (const u of d.env.knownUnits()) if (!d.byUnit.has(u) && d.env.installedJob(u)) cancel.push(u);
  }
  return { anchor: jobs.find((j) => j.anchor)!, jobs, cancel, log: d.log };
}
