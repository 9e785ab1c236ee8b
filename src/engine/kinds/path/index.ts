/**
 * Path units (systemd.path(5)): a path unit watches its paths with inotify and starts the unit it
 * triggers when one of its conditions holds, then waits again once that unit is inactive (systemd
 * 252's path.c).
 *
 * States: dead → waiting (watches set) → running (its unit's start job queued, or its unit active;
 * no watches) → waiting …; failed when the watches cannot be set (Result=resources) or it
 * triggered more often than TriggerLimitIntervalSec=/TriggerLimitBurst= allow
 * (Result=trigger-limit-hit), after which it watches nothing until started again.
 *
 * Every wakeup of a line's inotify instance either triggers (an event on the path itself, for
 * PathChanged=/PathModified=) or re-enters waiting: the watches are set again and the conditions
 * checked, which is how a directory that appears later gets its child watched.
 */
import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { newInvocationId } from '../invocation.js';
import type { InotifyWatcher } from '../../system.js';
import type { KindContext, UnitKind, UnitRuntime } from '../../unit-kind.js';
import type { PathSpec, PathWatchSpec } from './spec.js';
import { checkGood, watchSpec, WatchError } from './watch.js';

export type PathSubState = 'dead' | 'waiting' | 'running' | 'failed';

export interface PathState {
  /** One inotify instance per line while waiting (systemd's one fd per PathSpec). */
  watchers: InotifyWatcher[];
  /**
   * Per line: whether its path existed at the last look (PathChanged=/PathModified=), with the
   * line's type and path, which carry the answer over a daemon-reload that keeps the line.
   */
  previous: Previous[];
  /** The trigger limit's window: its start (monotonic µs; 0: none yet) and triggers in it. */
  limitBegin: bigint;
  limitCount: number;
}

type Path = UnitRuntime<PathState>;
type Previous = { readonly type: PathWatchSpec['type']; readonly path: string; exists: boolean };

const spec = (u: Path): PathSpec => u.model.pathSpec!;
const sub = (u: Path) => u.subState as PathSubState;

function unwatch(u: Path): void {
  for (const w of u.state.watchers) w.close();
  u.state.watchers = [];
}

function setState(u: Path, ctx: KindContext, s: PathSubState): void {
  if (s !== 'waiting') unwatch(u);
  ctx.setState(u, s);
}

function enterDead(u: Path, ctx: KindContext, result: UnitRuntime['result']): void {
  if (u.result === 'success') u.result = result;
  if (u.result !== 'success') ctx.log(u, `Failed with result '${u.result}'.`);
  setState(u, ctx, u.result === 'success' ? 'dead' : 'failed');
}

/** ratelimit_below() over TriggerLimitIntervalSec=/TriggerLimitBurst= (either 0: no limit). */
function belowTriggerLimit(u: Path, ctx: KindContext): boolean {
  const { triggerLimitIntervalUs: interval, triggerLimitBurst: burst } = spec(u);
  if (interval === 0n || burst === 0) return true;
  const now = ctx.timestamp().monotonicUs;
  if (u.state.limitBegin === 0n || now - u.state.limitBegin > interval) {
    u.state.limitBegin = now;
    u.state.limitCount = 0;
  }
  if (u.state.limitCount >= burst) return false;
  u.state.limitCount++;
  return true;
}

function enterRunning(u: Path, ctx: KindContext): void {
  if (!belowTriggerLimit(u, ctx)) {
    ctx.log(u, 'Trigger limit hit, refusing further activation.');
    return enterDead(u, ctx, 'trigger-limit-hit');
  }
  if (!ctx.triggered(u)) {
    ctx.log(u, 'Unit to trigger vanished.');
    return enterDead(u, ctx, 'resources');
  }
  ctx.requestUnitJob(spec(u).unit, 'start', 'replace');
  setState(u, ctx, 'running');
}

const anyGood = (u: Path, initial: boolean, fromTriggerNotify: boolean): boolean =>
  // Every line is looked at (each remembers whether its path existed), not only up to the first good one.
  spec(u).watches.map((w, n) => checkGood(w, u.state.previous[n]!, initial, fromTriggerNotify)).some(Boolean);

/** One line's wakeup: an event on the path itself triggers a PathChanged=/PathModified= line; any other looks again. */
function onEvents(u: Path, ctx: KindContext, n: number, primary: number | undefined, events: readonly number[]): void {
  if (sub(u) !== 'waiting' && sub(u) !== 'running') return;
  const type = spec(u).watches[n]!.type;
  let changed = false;
  if (primary !== undefined && (type === 'PathChanged' || type === 'PathModified')) {
    for (let i = 0; i < events.length; i += 2) if (events[i] === primary) changed = true;
  }
  if (changed) enterRunning(u, ctx);
  else enterWaiting(u, ctx, false, false);
}

function watch(u: Path, ctx: KindContext): void {
  unwatch(u);
  spec(u).watches.forEach((s, n) => {
    // The path's own watch descriptor, known once the watches are set (no event comes before).
    const own: { wd?: number } = {};
    const w = ctx.inotify(u, (events) => {
      if (u.state.watchers.includes(w!)) onEvents(u, ctx, n, own.wd, events);
    });
    if (!w) throw new WatchError('inotify is not available');
    u.state.watchers.push(w);
    own.wd = watchSpec(w, s);
  });
}

function enterWaiting(u: Path, ctx: KindContext, initial: boolean, fromTriggerNotify: boolean): void {
  // Its unit already up (started by hand, or still running): so is the path unit.
  const trigger = ctx.triggered(u);
  if (trigger && trigger.activeState !== 'inactive' && trigger.activeState !== 'failed') return setState(u, ctx, 'running');
  if (anyGood(u, initial, fromTriggerNotify)) return enterRunning(u, ctx);
  try {
    watch(u, ctx);
  } catch (e) {
    ctx.log(u, `Failed to enter waiting state: ${(e as Error).message}`);
    return enterDead(u, ctx, 'resources');
  }
  // The paths may have changed while the watches were being set: look once more.
  if (anyGood(u, false, fromTriggerNotify)) return enterRunning(u, ctx);
  if (sub(u) !== 'waiting') setState(u, ctx, 'waiting');
}

/** One Previous per line of the unit's spec, taken from `old` where a line of the same type and path was there. */
function freshPrevious(u: Path, old: readonly Previous[]): Previous[] {
  return spec(u).watches.map((w) => ({ type: w.type, path: w.path, exists: old.find((p) => p.type === w.type && p.path === w.path)?.exists ?? false }));
}

/**
 * MakeDirectory=: the watched directories (not PathExists=/PathExistsGlob= paths) and their missing
 * parents made with DirectoryMode= under systemd's umask 0022 — set explicitly, as svcd's own
 * umask may be narrower for a moment (the control socket is bound under 0177).
 */
function makeDirectories(u: Path, ctx: KindContext): void {
  const mode = spec(u).directoryMode & ~0o022;
  for (const w of spec(u).watches) {
    if (w.type === 'PathExists' || w.type === 'PathExistsGlob') continue;
    try {
      let at = '';
      for (const part of w.path.split('/').filter(Boolean)) {
        at += `/${part}`;
        if (existsSync(at)) continue;
        mkdirSync(at, mode);
        chmodSync(at, mode);
      }
    } catch (e) {
      ctx.log(u, `mkdir(${w.path}) failed: ${(e as Error).message}`);
    }
  }
}

export const pathKind: UnitKind<PathState> = {
  type: 'path',
  states: { dead: 'inactive', waiting: 'active', running: 'active', failed: 'failed' },
  initialState: 'dead',
  newState: () => ({ watchers: [], previous: [], limitBegin: 0n, limitCount: 0 }),
  canStart: (m) => m.pathSpec !== undefined,
  canReload: () => false,

  start(u, ctx) {
    if (!ctx.triggered(u)) {
      ctx.log(u, `Refusing to start, unit ${spec(u).unit} to trigger not loaded.`);
      return 'failed';
    }
    u.invocationId = newInvocationId();
    if (spec(u).makeDirectory) makeDirectories(u, ctx);
    u.state.previous = freshPrevious(u, []);
    u.result = 'success';
    enterWaiting(u, ctx, true, false);
  },

  stop(u, ctx) {
    enterDead(u, ctx, 'success');
  },

  triggerNotify(u, other, ctx) {
    const down = other.activeState === 'inactive' || other.activeState === 'failed';
    // Its unit is done: wait again (a PathChanged= line does not fire for that alone). Its unit came up by other means: running.
    if ((sub(u) === 'running' && down) || (sub(u) === 'waiting' && !down)) enterWaiting(u, ctx, false, true);
  },

  resetFailed(u, ctx) {
    if (sub(u) === 'failed') setState(u, ctx, 'dead');
    u.result = 'success';
  },

  serialize(u) {
    return { previous: u.state.previous.map((p) => p.exists), limitBegin: String(u.state.limitBegin), limitCount: u.state.limitCount };
  },

  deserialize(u, saved) {
    const v = saved as { previous?: unknown; limitBegin?: unknown; limitCount?: unknown };
    if (Array.isArray(v.previous)) {
      const saved: unknown[] = v.previous;
      const lines = u.model.pathSpec?.watches ?? [];
      u.state.previous = saved.length === lines.length ? lines.map((w, n) => ({ type: w.type, path: w.path, exists: saved[n] === true })) : freshPrevious(u, []);
    }
    if (typeof v.limitBegin === 'string' && /^\d+$/.test(v.limitBegin)) u.state.limitBegin = BigInt(v.limitBegin);
    if (typeof v.limitCount === 'number') u.state.limitCount = v.limitCount;
  },

  // The previous svcd's watches went with its process: set them again and look, as at a start.
  coldplug(u, ctx) {
    if (sub(u) !== 'waiting' && sub(u) !== 'running') return;
    if (u.state.previous.length !== spec(u).watches.length) u.state.previous = freshPrevious(u, []);
    enterWaiting(u, ctx, true, false);
  },

  // daemon-reload: a waiting (or running) path unit drops the watches of the lines it had and
  // watches the lines its file has now, looking at them as at a start — systemd's coldplug after
  // its reload. A line kept as it was keeps whether its path existed.
  reloaded(u, ctx) {
    if (sub(u) !== 'waiting' && sub(u) !== 'running') return;
    unwatch(u);
    if (!u.model.pathSpec) return;
    u.state.previous = freshPrevious(u, u.state.previous);
    enterWaiting(u, ctx, true, false);
  },
};
