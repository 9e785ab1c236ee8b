/**
 * The units at run time (systemd's manager->units hashmap and its watch_pids map): the graph of
 * loaded models, one Runtime per unit that was ever touched, and the pid → unit map through which
 * a child's exit or a notify message finds its unit.
 *
 * It exists apart from the engine's queues so that "what is there" (models, run-time records, who
 * owns which pid) can be read without "what happens next" (jobs, state changes, checks).
 *
 * Invariants: a unit id has at most one Runtime, made on first use with the kind of its type (a
 * perpetual unit born in the active state systemd gives it, a type with no kind yet in the
 * UNSUPPORTED kind); pidOwners holds exactly the positive mainPid/controlPid of every Runtime —
 * the fields are accessors that keep it so, whoever writes them (a kind, restore()).
 */
import { Graph, type GraphUnit } from '../graph/graph.js';
import { perpetualUnit } from '../unit/perpetual.js';
import { NEVER } from './api.js';
import { type ActiveState } from './job.js';
import { perpetualKind } from './kinds/perpetual.js';
import { providedKind } from './kinds/provided.js';
import { journalUnitSubState } from '../unit/journal-units.js';
import type { Job } from './run-queue.js';
import type { TimerHandle } from './system.js';
import type { EngineUnit, UnitKind, UnitRuntime } from './unit-kind.js';

/** A unit as the engine keeps it: what kinds see, plus its installed job and its state's timers. */
export interface Runtime extends UnitRuntime {
  subState: string;
  activeState: ActiveState;
  inactiveExitUs: bigint;
  inactiveEnterUs: bigint;
  job?: Job;
  /** Undefined while there are none: most units wait on no timer, and an empty Set costs 150 bytes. */
  timers: Set<TimerHandle> | undefined;
}

export const isUp = (s: ActiveState) => s === 'active' || s === 'reloading' || s === 'activating';
export const isDown = (s: ActiveState) => s === 'inactive' || s === 'failed';

/** Types with no kind yet (socket, mount, …): they load and show, but cannot be started. */
const UNSUPPORTED: UnitKind = {
  type: 'scope',
  states: { dead: 'inactive' },
  initialState: 'dead',
  newState: () => undefined,
  canStart: () => false,
  canReload: () => false,
  start() {},
  stop() {},
};

/** Where a Runtime's mainPid and controlPid live, and the map their accessors keep right. */
const PIDS = Symbol('pids');
interface PidFields {
  mainPid: number;
  controlPid: number;
  readonly owners: Map<number, Runtime[]>;
}
type PidTracked = Pick<Runtime, 'mainPid' | 'controlPid'> & { readonly [PIDS]: PidFields };

/**
 * Whoever sets a unit's mainPid or controlPid (its kind, restore()) keeps pidOwners right: the
 * fields are accessors that file the unit under its pids, so an exit or a notify message finds its
 * unit without a look at every unit. The accessors are the same two functions for every unit, put
 * on an empty object before its other fields: each Runtime then has V8's fast shape, shared by all
 * (accessors made per unit, or put on a finished object, left each in dictionary mode, about 1 KiB
 * more per unit and a hash lookup for each of its fields).
 */
function pidAccessor(field: 'mainPid' | 'controlPid'): PropertyDescriptor {
  const other = field === 'mainPid' ? 'controlPid' : 'mainPid';
  return {
    enumerable: true,
    get(this: PidTracked): number {
      return this[PIDS][field];
    },
    set(this: PidTracked, pid: number): void {
      const pids = this[PIDS];
      const old = pids[field];
      if (pid === old) return;
      pids[field] = pid;
      const r = this as unknown as Runtime;
      if (old > 0 && pids[other] !== old) {
        const rest = (pids.owners.get(old) ?? []).filter((o) => o !== r);
        if (rest.length > 0) pids.owners.set(old, rest);
        else pids.owners.delete(old);
      }
      if (pid > 0 && pids[other] !== pid) pids.owners.set(pid, [...(pids.owners.get(pid) ?? []), r]);
    },
  };
}
const PID_ACCESSORS: PropertyDescriptorMap = { mainPid: pidAccessor('mainPid'), controlPid: pidAccessor('controlPid') };

function pidTracked(owners: Map<number, Runtime[]>): PidTracked {
  const o = {};
  Object.defineProperty(o, PIDS, { value: { mainPid: 0, controlPid: 0, owners } satisfies PidFields });
  return Object.defineProperties(o, PID_ACCESSORS) as PidTracked;
}

export class UnitTable {
  graph: Graph;
  private readonly models = new Map<string, EngineUnit>();
  private readonly runtimes = new Map<string, Runtime>();
  private readonly kinds = new Map<string, UnitKind>();
  /** The units whose main or control process each pid is, kept by the Runtimes' pid accessors. */
  private readonly pidOwners = new Map<number, Runtime[]>();

  /** `created`: told of every Runtime made — the unit is in memory now (D-Bus UnitNew). */
  constructor(lookup: (name: string) => EngineUnit, kinds: readonly UnitKind[], private readonly created: (id: string) => void = () => {}) {
    for (const k of kinds) this.kinds.set(k.type, k);
    this.graph = this.newGraph(lookup);
  }

  /**
   * daemon-reload: a new graph from freshly loaded models; units keep their run-time state (their
   * processes, sub-states and jobs), only what they are made of changes.
   */
  reload(lookup: (name: string) => EngineUnit): void {
    this.models.clear();
    this.graph = this.newGraph(lookup);
    this.graph.load([...this.runtimes.keys()]);
    for (const r of this.runtimes.values()) {
      const m = this.models.get(r.id);
      if (m) (r as { model: EngineUnit }).model = m;
    }
  }

  private newGraph(lookup: (name: string) => EngineUnit): Graph {
    return new Graph((name) => {
      const u = lookup(name);
      this.models.set(u.id, u);
      return u;
    });
  }

  /** The unit's Runtime, if it has one. */
  get(id: string): Runtime | undefined {
    return this.runtimes.get(id);
  }

  values(): IterableIterator<Runtime> {
    return this.runtimes.values();
  }

  ids(): IterableIterator<string> {
    return this.runtimes.keys();
  }

  activeState(id: string): ActiveState {
    return this.runtimes.get(id)?.activeState ?? 'inactive';
  }

  /** The kind that runs a loaded unit (undefined when the unit is not loaded). */
  kindOf(u: GraphUnit): UnitKind | undefined {
    return this.models.has(u.id) ? this.kindFor(u.id, u.type) : undefined;
  }

  /** A unit's kind by its type — except journald's units, which are svcd's own journal and never run their processes (journal-units.ts). */
  private kindFor(id: string, type: GraphUnit['type']): UnitKind | undefined {
    const provided = journalUnitSubState(id);
    return provided ? providedKind(type, provided) : this.kinds.get(type);
  }

  model(id: string): EngineUnit | undefined {
    return this.models.get(id);
  }

  /** A unit that is down and has no job that would bring it up (BindsTo='s "inactive unit"). */
  isDownWithoutStart(id: string): boolean {
    const o = this.runtimes.get(id);
    const s = o?.activeState ?? 'inactive';
    const j = o?.job;
    return isDown(s) && !(j && (j.type === 'start' || j.type === 'restart'));
  }

  /** The unit's Runtime, made on first use (the unit is loaded through the graph if need be). */
  runtime(id: string): Runtime {
    let r = this.runtimes.get(id);
    if (r) return r;
    r = this.fresh(id);
    this.runtimes.set(id, r);
    this.created(id);
    return r;
  }

  /**
   * The unit's Runtime, or for a unit the graph loaded that nothing has run yet the state it was
   * born in, without keeping it: reading every unit in memory (list-units --all) must not turn
   * them all into run-time records that the collector then has to sweep.
   */
  peek(id: string): Runtime {
    return this.runtimes.get(id) ?? this.fresh(id);
  }

  private fresh(id: string): Runtime {
    const model = this.models.get(id) ?? (this.graph.resolve(id), this.models.get(id)!);
    // A perpetual unit is born active, in the state systemd gives it, and stays there.
    const perpetual = model.perpetual ? perpetualUnit(id) : undefined;
    const kind = this.kindFor(id, model.type) ?? (perpetual ? perpetualKind(model.type, perpetual.subState) : UNSUPPORTED);
    const subState = perpetual && kind.states[perpetual.subState] !== undefined ? perpetual.subState : kind.initialState;
    const fields: Omit<Runtime, 'mainPid' | 'controlPid'> = {
      id, model, kind, subState, activeState: kind.states[subState] ?? 'inactive',
      result: 'success', state: kind.newState(), timers: undefined,
      execMain: { pid: 0, start: NEVER, exit: NEVER, code: 0, status: 0 }, commands: {}, nRestarts: 0,
      statusText: '', statusErrno: 0, invocationId: '', inactiveExitUs: 0n, inactiveEnterUs: 0n,
    };
    // A peeked Runtime is never stored nor given a pid, so it registers no pid owner either.
    return Object.assign(pidTracked(this.pidOwners), fields);
  }

  /** Drops a unit with no runtime and no edges from the graph and the models (Graph.forget). */
  unload(id: string): boolean {
    if (this.runtimes.has(id) || !this.graph.forget(id)) return false;
    this.models.delete(id);
    return true;
  }

  /** Forgets a unit's Runtime (garbage collection): its timers stop and its pids are released. */
  forget(r: Runtime): void {
    for (const t of r.timers ?? []) t.cancel();
    r.mainPid = 0;
    r.controlPid = 0;
    this.runtimes.delete(r.id);
  }

  /** The unit whose main or control process `pid` is (the first to claim it, should two). */
  ownerOf(pid: number): Runtime | undefined {
    return pid > 0 ? this.pidOwners.get(pid)?.[0] : undefined;
  }
}
