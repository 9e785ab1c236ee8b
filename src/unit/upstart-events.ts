/**
 * An upstart job's `start on` / `stop on` conditions, read as the dependencies they amount to in
 * systemd's terms. Upstart starts a job when events happen; systemd starts what a target wants, in
 * an order. The events a boot emits (startup, filesystem, runlevel N, net-device-up, a job's
 * started/stopping) all happen in every boot svcd makes, so a condition becomes the union of its
 * operands' wants and orderings, whether joined by `and` or `or`. Any other event is one that
 * a program emits (`initctl emit NAME`): it becomes a target, upstart-event-NAME.target, that
 * emitting starts — wanting the jobs that start on it and conflicting with those that stop on it.
 */
import { fnmatch } from '../shared/glob.js';
import { unitNameEscape } from './escape.js';
import { RUNLEVELS, RUNLEVEL_TARGETS, type Runlevel } from './runlevel.js';

/** What a condition adds to the unit. */
export interface EventDeps {
  /** Targets (or services) whose .wants/ gets the job. */
  readonly wantedBy: Set<string>;
  readonly wants: Set<string>;
  readonly after: Set<string>;
  readonly before: Set<string>;
  /** Stopping (or restarting) these stops the job. */
  readonly partOf: Set<string>;
  /** Starting these stops the job. */
  readonly conflicts: Set<string>;
  /** The event targets the job refers to (each needs its unit written). */
  readonly events: Set<string>;
  readonly warnings: string[];
}

export function emptyDeps(): EventDeps {
  return { wantedBy: new Set(), wants: new Set(), after: new Set(), before: new Set(), partOf: new Set(), conflicts: new Set(), events: new Set(), warnings: [] };
}

/** One operand of a condition: the event's name and its KEY=VALUE or positional arguments. */
export interface EventOperand {
  readonly event: string;
  readonly args: readonly string[];
}

/**
 * The operands of a condition, and whether its brackets and operators are well formed. The
 * grammar (init(5)): EVENT [[KEY=]VALUE]... joined by `and`/`or`, grouped by brackets.
 */
export function conditionOperands(text: string): { operands: EventOperand[]; error?: string } {
  const tokens = text.replace(/[()]/g, ' $& ').split(/[ \t\n]+/).filter((t) => t !== '');
  const operands: EventOperand[] = [];
  let depth = 0;
  let current: string[] | null = null;
  let expectOperand = true;
  const close = () => {
    if (current) operands.push({ event: current[0]!, args: current.slice(1) });
    current = null;
  };
  for (const t of tokens) {
    if (t === '(') {
      if (!expectOperand) return { operands, error: 'an operator is missing before "("' };
      depth++;
    } else if (t === ')') {
      close();
      if (--depth < 0 || expectOperand) return { operands, error: 'unbalanced brackets' };
    } else if (t === 'and' || t === 'or') {
      close();
      if (expectOperand) return { operands, error: `"${t}" without an event before it` };
      expectOperand = true;
    } else if (current) {
      current.push(t);
    } else {
      if (!expectOperand) return { operands, error: `an operator is missing before "${t}"` };
      current = [t];
      expectOperand = false;
    }
  }
  close();
  if (depth !== 0) return { operands, error: 'unbalanced brackets' };
  if (expectOperand) return { operands, error: 'the condition ends with an operator' };
  return { operands };
}

/** The value an operand's argument matches for KEY (given as KEY=VALUE or positionally at `position`), and whether it is negated. */
function argFor(op: EventOperand, key: string, position: number): { pattern: string; negated: boolean } | undefined {
  let positional = 0;
  for (const a of op.args) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)(!?=)(.*)$/.exec(a);
    if (m) {
      if (m[1] === key) return { pattern: m[3]!, negated: m[2] === '!=' };
    } else if (positional++ === position) {
      return { pattern: a, negated: false };
    }
  }
  return undefined;
}

/** The runlevels an operand's RUNLEVEL matches (all of them when it gives none); `position`: its place when given without KEY=. */
function runlevelsOf(op: EventOperand, position: number): Runlevel[] {
  const arg = argFor(op, 'RUNLEVEL', position);
  if (!arg) return [...RUNLEVELS];
  return RUNLEVELS.filter((l) => {
    // Upstart's runlevel 1 is also written S (single user).
    const hit = fnmatch(arg.pattern, l) || (l === '1' && (fnmatch(arg.pattern, 'S') || fnmatch(arg.pattern, 's')));
    return hit !== arg.negated;
  });
}

/** Events a boot of svcd has reached by the time basic.target is: mounted filesystems, swap. */
const FILESYSTEM_EVENTS: ReadonlyMap<string, string> = new Map([
  ['filesystem', 'local-fs.target'],
  ['local-filesystems', 'local-fs.target'],
  ['virtual-filesystems', 'local-fs.target'],
  ['all-swaps', 'swap.target'],
  ['mounted', 'local-fs.target'],
  ['remote-filesystems', 'remote-fs.target'],
]);
const NETWORK_EVENTS = new Set(['net-device-up', 'static-network-up']);
/** Events upstart emits only while the system goes down: svcd's shutdown stops every job anyway. */
const SHUTDOWN_EVENTS = new Set(['runlevel', 'deconfiguring-networking', 'unmounted-remote-filesystems', 'net-device-down', 'shutdown']);
const JOB_EVENTS = new Set(['starting', 'started', 'stopping', 'stopped']);
/** The upstart job that ran the rc scripts of a runlevel: its events stand for that runlevel's. */
const RC_JOB = 'rc';

/** The target an emitted event is: what `initctl emit NAME` starts (NAME escaped only where a unit name could not hold it). */
export const eventTarget = (event: string): string => `upstart-event-${/^[A-Za-z0-9:_.-]+$/.test(event) ? event : unitNameEscape(event)}.target`;

/** A job name as a service name (upstart's job names are file names below /etc/init). */
export const jobUnit = (job: string): string => `${job}.service`;

/** The job an operand of a job event names: `started foo` or `started JOB=foo`. */
function jobOf(op: EventOperand): string | undefined {
  const arg = argFor(op, 'JOB', 0);
  return arg && !arg.negated && !/[*?[]/.test(arg.pattern) ? arg.pattern : undefined;
}

/** A `start on` condition as wants and orderings; `tasks`: the jobs that are tasks (their `stopped` is their end). */
export function startOnDeps(text: string, deps: EventDeps = emptyDeps(), tasks: ReadonlySet<string> = new Set()): EventDeps {
  const { operands, error } = conditionOperands(text);
  if (error) deps.warnings.push(`start on: ${error}`);
  for (const op of operands) {
    const fs = FILESYSTEM_EVENTS.get(op.event);
    if (op.event === 'runlevel' || (op.event !== 'starting' && JOB_EVENTS.has(op.event) && jobOf(op) === RC_JOB)) {
      // `start on runlevel [2345]`, and Ubuntu's `start on stopped rc RUNLEVEL=[2345]`.
      // The rc job's events carry RUNLEVEL only by name (their first argument is the job).
      const levels = runlevelsOf(op, op.event === 'runlevel' ? 0 : -1).filter((l) => l !== '0' && l !== '6');
      if (levels.length === 0) deps.warnings.push(`start on: "${op.event} ${op.args.join(' ')}" only happens at shutdown or reboot: not mapped`);
      for (const l of levels) deps.wantedBy.add(RUNLEVEL_TARGETS[l]);
    } else if (op.event === 'startup') {
      deps.wantedBy.add('sysinit.target');
    } else if (fs !== undefined) {
      deps.after.add(fs);
      deps.wantedBy.add('multi-user.target');
    } else if (NETWORK_EVENTS.has(op.event)) {
      const iface = argFor(op, 'IFACE', 0);
      // The loopback comes up with the network stack; any other interface is the network being online.
      const target = iface && !iface.negated && iface.pattern === 'lo' ? 'network.target' : 'network-online.target';
      if (target === 'network-online.target') deps.wants.add(target);
      deps.after.add(target);
      deps.wantedBy.add('multi-user.target');
    } else if (JOB_EVENTS.has(op.event)) {
      const job = jobOf(op);
      if (job === undefined) {
        deps.warnings.push(`start on: "${op.event}" without a job name: not mapped`);
      } else if (op.event === 'started' || op.event === 'starting' || (op.event === 'stopped' && tasks.has(job))) {
        // Started with the other job: it wants this one, ordered after (started) or before (starting)
        // it. A task has stopped when its start has finished (a oneshot), so `stopped TASK` is after it too.
        deps.wantedBy.add(jobUnit(job));
        (op.event === 'starting' ? deps.before : deps.after).add(jobUnit(job));
      } else {
        deps.warnings.push(`start on: "${op.event} ${job}" (starting when another job ends) has no systemd counterpart unless ${job} is a task: not mapped`);
      }
    } else {
      // An event a program emits: the job starts when it is emitted (the target wants it). No
      // ordering, so that the target is ordered after the job (a target's default) and emitting
      // waits until the job has started, as `initctl emit` waits for the jobs it starts.
      deps.wantedBy.add(eventTarget(op.event));
      deps.events.add(op.event);
    }
  }
  return deps;
}

/** A `stop on` condition as what stops the job with another unit; the shutdown events need nothing. */
export function stopOnDeps(text: string, deps: EventDeps = emptyDeps()): EventDeps {
  const { operands, error } = conditionOperands(text);
  if (error) deps.warnings.push(`stop on: ${error}`);
  for (const op of operands) {
    if (SHUTDOWN_EVENTS.has(op.event) || FILESYSTEM_EVENTS.has(op.event) || NETWORK_EVENTS.has(op.event)) continue;
    if (!JOB_EVENTS.has(op.event)) {
      // An event a program emits: emitting it (starting its target) stops the job, first (an
      // ordering puts a stop before a start, whichever its direction).
      deps.conflicts.add(eventTarget(op.event));
      deps.before.add(eventTarget(op.event));
      deps.events.add(op.event);
      continue;
    }
    const job = jobOf(op);
    if (job === RC_JOB) continue; // `stop on starting rc RUNLEVEL=[016]`: the way down.
    if (job === undefined) {
      deps.warnings.push(`stop on: "${op.event}" without a job name: not mapped`);
    } else if (op.event === 'stopping' || op.event === 'stopped') {
      deps.partOf.add(jobUnit(job));
      // `stopping`: the job is gone before the other one goes, which ordering after it gives.
      if (op.event === 'stopping') deps.after.add(jobUnit(job));
    } else {
      deps.warnings.push(`stop on: "${op.event} ${job}" (stopping when another job starts) has no systemd counterpart: not mapped`);
    }
  }
  return deps;
}
