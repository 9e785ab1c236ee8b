/**
 * The dependency graph: every unit reachable from some roots, with the edges their files state, the
 * ones systemd adds by itself (implicit and default dependencies), and the reverse of each.
 *
 * Input is `GraphUnit`, the narrow view of a loaded unit the graph needs (model-adapter.ts makes one
 * from src/unit's model), so the graph and the engine can be built and tested without the loader.
 *
 * Invariants:
 *  - every edge is stored with its reverse (A Requires B ⇔ B RequiredBy A), and only between
 *    canonical ids: aliases are resolved when the edge is added;
 *  - no unit has an edge to itself (systemd drops those too);
 *  - a name that did not load stays in the graph as a unit whose loadState says why, so a
 *    Requires= on it can fail a transaction with the right words instead of vanishing;
 *  - implicit/default edges are added when the unit is loaded, except a target's After= on what it
 *    pulls in, which needs both sides loaded and is settled at the end of every load batch.
 */
import type { JobMode } from '../shared/job-mode.js';
import { unitNameFromPath } from '../unit/escape.js';
import { parseUnitName } from '../unit/name.js';
import { defaultSliceOf } from '../unit/slice-of.js';
import { IMAGE_MODULES } from '../unit/image-devices.js';
import { parentSliceOf } from '../shared/slice.js';
import { type Atom, type ForwardKind, type Kind, KINDS_WITH_ATOM, REVERSE } from './atoms.js';
import { EdgeStore } from './edge-store.js';
import { DEPENDENCY_LINES, DEPENDENCY_ORIGINS, type DependencyLine, type DependencyOrigin, type OriginMask } from './origins.js';

export type GraphUnitType = 'service' | 'socket' | 'target' | 'device' | 'mount' | 'automount' | 'swap' | 'timer' | 'path' | 'slice' | 'scope';
export type GraphLoadState = 'loaded' | 'not-found' | 'bad-setting' | 'error' | 'masked';

/** What the graph (and the transaction builder) needs to know about a loaded unit. */
export interface GraphUnit {
  readonly id: string;
  readonly type: GraphUnitType;
  /** Every name of the unit, id included (aliases from symlinks). */
  readonly names: readonly string[];
  readonly loadState: GraphLoadState;
  /** With LoadState=error: strerror() of why (unit/load-problem.ts words it). */
  readonly loadError?: string;
  /** Dependencies from [Unit] and from the .wants/, .requires/, .upholds/ directories, by kind. */
  readonly dependencies: Readonly<Partial<Record<ForwardKind, readonly string[]>>>;
  readonly defaultDependencies: boolean;
  readonly refuseManualStart: boolean;
  readonly refuseManualStop: boolean;
  readonly allowIsolate: boolean;
  readonly ignoreOnIsolate: boolean;
  readonly stopWhenUnneeded: boolean;
  readonly onFailureJobMode: JobMode;
  readonly onSuccessJobMode: JobMode;
  /** JobTimeoutSec= in ms; undefined: infinity. */
  readonly jobTimeoutMs?: number;
  readonly collectMode: 'inactive' | 'inactive-or-failed';
  /**
   * Units with an exec context: Slice= (undefined: the default slice), and what its settings add
   * when the unit runs commands (systemd's unit_add_exec_dependencies, unit_patch_contexts):
   * whether output goes to the journal, LogNamespace=, PrivateTmp=, whether a State/Cache/
   * LogsDirectory= needs /var writable, RootImage=, and whether images add their module services.
   */
  readonly exec?: {
    readonly slice?: string;
    readonly logsToJournal: boolean;
    readonly logNamespace?: string;
    readonly privateTmp?: boolean;
    readonly writesVar?: boolean;
    readonly rootImage?: boolean;
    readonly imageDevices?: boolean;
  };
  /** Services: Type= (dbus adds dbus.socket) and Sockets=. */
  readonly service?: { readonly type: string; readonly sockets?: readonly string[] };
  /** Sockets, timers, paths: the unit they activate (Service=/Unit=; undefined: the same name as .service). */
  readonly triggers?: { readonly unit?: string };
  /** Sockets: Accept=yes with stream/seqpacket sockets only (one NAME@INSTANCE.service per connection). */
  readonly acceptsOnly?: boolean;
  /** Timers: whether an OnCalendar= trigger is set (it orders the timer after the clock targets). */
  readonly onCalendar?: boolean;
  /** One of systemd's perpetual units (src/unit/perpetual.ts): always active, never stopped. */
  readonly perpetual?: boolean;
  /**
   * RequiresMountsFor=, the file's and what systemd adds (src/unit/mounts-for.ts): absolute paths
   * whose mount units (those in memory) it is ordered after, each with where it came from.
   */
  readonly requiresMountsFor?: readonly { readonly path: string; readonly origin: DependencyOrigin }[];
  /** Loaded from a file of its own (a mount unit with one is required, not only ordered after, by RequiresMountsFor=). */
  readonly hasFragment?: boolean;
}

/** Builds a stand-in for a name nothing could be loaded for. */
export function missingUnit(name: string, loadState: GraphLoadState = 'not-found'): GraphUnit {
  const p = parseUnitName(name);
  return {
    id: name, type: (p?.type ?? 'service') as GraphUnitType, names: [name], loadState, dependencies: {},
    defaultDependencies: true, refuseManualStart: false, refuseManualStop: false, allowIsolate: false,
    ignoreOnIsolate: false, stopWhenUnneeded: false, onFailureJobMode: 'replace', onSuccessJobMode: 'fail', collectMode: 'inactive',
  };
}

export type Lookup = (name: string) => GraphUnit;

const EXEC_TYPES: ReadonlySet<GraphUnitType> = new Set(['service', 'socket', 'mount', 'swap']);
/** Kinds whose reverse orders a target with DefaultDependencies after the other unit (systemd.target(5)). */
const TARGET_ORDERING_KINDS: readonly Kind[] = (['RequiredBy', 'RequisiteOf', 'WantedBy', 'BoundBy', 'UpheldBy'] as const).map((k) => REVERSE[k]);

export { defaultSliceOf } from '../unit/slice-of.js';
export { parentSliceOf } from '../shared/slice.js';

/** Where an origin mask keeps its destination half: bit i below it is origin i, at it and above destination i. */
const DESTINATION_SHIFT = 16;
/** On a References line, below the destination half and above every origin: `from` itself named `to` (References=). */
const NAMED_BIT = 1 << (DESTINATION_SHIFT - 1);

/** The two halves of an edge's stored bits, as the table's Sets that dump and the API read. */
function originMaskOfBits(bits: number): OriginMask {
  const half = (b: number) => new Set(DEPENDENCY_ORIGINS.filter((_, i) => b & (1 << i)));
  return { origin: half(bits & ((1 << DESTINATION_SHIFT) - 1)), destination: half(bits >>> DESTINATION_SHIFT) };
}

export class Graph {
  private readonly byId = new Map<string, GraphUnit>();
  private readonly alias = new Map<string, string>();
  /**
   * Every edge, per unit, per line of its dump (a dependency kind, References, ReferencedBy,
   * InSlice, SliceOf), per other unit, with where it came from (systemd's UnitDependencyMask) as
   * one number: the origin bits, the destination bits above DESTINATION_SHIFT, and on References
   * NAMED_BIT for what the unit itself named (References=, what the GC walks).
   */
  private readonly store = new EdgeStore();
  /** Units with RequiresMountsFor= and each of their paths, for mount units loaded after them. */
  private readonly mountWaiters: [GraphUnit, string, DependencyOrigin][] = [];

  constructor(private readonly lookup: Lookup) {}

  static build(roots: readonly string[], lookup: Lookup): Graph {
    const g = new Graph(lookup);
    g.load(roots);
    return g;
  }

  /** Canonical id of a name (loading it and its closure if new). */
  resolve(name: string): string {
    const known = this.alias.get(name);
    if (known !== undefined) return known;
    this.load([name]);
    return this.alias.get(name)!;
  }

  unit(name: string): GraphUnit | undefined {
    const id = this.alias.get(name);
    return id === undefined ? undefined : this.byId.get(id);
  }

  units(): IterableIterator<GraphUnit> {
    return this.byId.values();
  }

  get size(): number {
    return this.byId.size;
  }

  /**
   * Drops a unit that has no edge either way, with its names: a name looked up that did not load
   * (which gets no edges of its own) and that nothing refers to. False, and nothing dropped, for a
   * unit with edges: those are part of other units' state. Looked up again, it is loaded afresh.
   */
  forget(id: string): boolean {
    if (!this.byId.has(id) || this.store.hasEdges(id)) return false;
    this.byId.delete(id);
    this.store.delete(id);
    for (const [name, to] of this.alias) if (to === id) this.alias.delete(name);
    return true;
  }

  /** Units `id` has an edge of `kind` to. */
  deps(id: string, kind: Kind): ReadonlySet<string> {
    return this.store.others(id, kind);
  }

  /** Units `id` has an edge to whose kind carries `atom`. */
  withAtom(id: string, atom: Atom): ReadonlySet<string> {
    const kinds = KINDS_WITH_ATOM[atom];
    if (kinds.length === 1) return this.store.others(id, kinds[0]!);
    const out = new Set<string>();
    for (const k of kinds) for (const o of this.store.others(id, k)) out.add(o);
    return out;
  }

  hasAtom(id: string, atom: Atom, other: string): boolean {
    return KINDS_WITH_ATOM[atom].some((k) => this.store.bits(id, k, other) !== undefined);
  }

  /** Loads names and everything they reach, breadth first. */
  load(names: readonly string[]): void {
    const queue = [...names];
    const fresh: GraphUnit[] = [];
    // Edges wait for the batch: their other ends may be aliases not resolved yet.
    const pending: [string, [ForwardKind, string, DependencyOrigin][]][] = [];
    for (let i = 0; i < queue.length; i++) {
      const name = queue[i]!;
      if (this.alias.has(name)) continue;
      const u = this.lookup(name);
      this.alias.set(name, u.id);
      for (const n of u.names) this.alias.set(n, u.id);
      if (this.byId.has(u.id)) continue;
      this.byId.set(u.id, u);
      fresh.push(u);
      if (u.loadState !== 'loaded') continue;
      const targets: [ForwardKind, string, DependencyOrigin][] = [];
      for (const [kind, list] of Object.entries(u.dependencies) as [ForwardKind, readonly string[]][]) {
        for (const t of list) targets.push([kind, t, 'file']);
      }
      for (const [kind, t, origin] of implicitDependencies(u)) targets.push([kind, t, origin]);
      for (const [, t] of targets) if (!this.alias.has(t)) queue.push(t);
      pending.push([u.id, targets]);
    }
    for (const [from, targets] of pending) {
      for (const [kind, t, origin] of targets) this.addReferenced(from, kind, this.alias.get(t)!, origin);
    }
    // InSlice=/SliceOf=: a slice's parent is implicit; any other unit's slice is its slice property,
    // which is a reference of that kind too.
    for (const u of fresh) {
      const slice = u.loadState === 'loaded' ? sliceOf(u) : undefined;
      if (slice === undefined || slice === u.id) continue;
      const to = this.alias.get(slice) ?? slice;
      const origin = u.type === 'slice' ? 'implicit' : 'slice-property';
      this.mark(u.id, 'InSlice', to, 'SliceOf', origin);
      this.mark(u.id, 'References', to, 'ReferencedBy', origin);
    }
    this.settleMountOrdering(fresh);
    this.settleTargetOrdering(fresh);
  }

  /**
   * RequiresMountsFor=: a unit is ordered after the mount unit of each prefix of each path (the
   * root's too) that is in memory and loaded, and requires it when that mount has a file of its
   * own. A mount unit loaded later gets the same edges from the units already waiting for a path
   * under it, as systemd settles them from either side; one never loaded adds nothing.
   */
  private settleMountOrdering(fresh: readonly GraphUnit[]): void {
    const link = (from: GraphUnit, mount: GraphUnit, origin: DependencyOrigin) => {
      if (mount.loadState !== 'loaded' || from.id === mount.id) return;
      this.addReferenced(from.id, 'After', mount.id, origin);
      if (mount.hasFragment) this.addReferenced(from.id, 'Requires', mount.id, origin);
    };
    for (const u of fresh) {
      if (u.loadState !== 'loaded') continue;
      for (const { path, origin } of u.requiresMountsFor ?? []) {
        this.mountWaiters.push([u, path, origin]);
        for (const name of mountPrefixNames(path)) {
          const m = this.unit(name);
          if (m) link(u, m, origin);
        }
      }
    }
    const batch = new Set(fresh);
    for (const m of fresh) {
      if (m.type !== 'mount' || m.loadState !== 'loaded') continue;
      for (const [u, path, origin] of this.mountWaiters) if (!batch.has(u) && mountPrefixNames(path).includes(m.id)) link(u, m, origin);
    }
  }

  /** Adds `from -kind-> to` and its reverse; `origin`: why (systemd's mask; an instance a socket accepted is implicit). */
  add(from: string, kind: Kind, to: string, origin: DependencyOrigin = 'implicit'): void {
    if (from === to) return;
    this.mark(from, kind, to, REVERSE[kind], origin);
  }

  /**
   * Adds an edge `from` itself asks for (its file, or what systemd adds for it) and records that
   * `from` references `to`: systemd keeps a unit loaded while a unit it keeps references it.
   */
  private addReferenced(from: string, kind: Kind, to: string, origin: DependencyOrigin): void {
    if (from === to) return;
    this.add(from, kind, to, origin);
    this.mark(from, 'References', to, 'ReferencedBy', origin, NAMED_BIT);
  }

  /** Files `origin` under `from`'s line for `to` and `to`'s reverse line for `from`. */
  private mark(from: string, line: DependencyLine, to: string, reverse: DependencyLine, origin: DependencyOrigin, extra = 0): void {
    const bit = 1 << DEPENDENCY_ORIGINS.indexOf(origin);
    this.store.mark(from, line, to, bit | extra);
    this.store.mark(to, reverse, from, bit << DESTINATION_SHIFT);
  }

  /** Where `id`'s dependency of this line on `other` came from (undefined: it has none). */
  origins(id: string, line: DependencyLine, other: string): Readonly<OriginMask> | undefined {
    const bits = this.store.bits(id, line, other);
    return bits === undefined ? undefined : originMaskOfBits(bits);
  }

  /** Every dependency line of `id` with where it came from, in systemd's order of lines (dump). */
  dependencyLines(id: string): [DependencyLine, string, Readonly<OriginMask>][] {
    const out: [DependencyLine, string, Readonly<OriginMask>][] = [];
    for (const line of DEPENDENCY_LINES) for (const [other, bits] of this.store.entries(id, line)) out.push([line, other, originMaskOfBits(bits)]);
    return out;
  }

  /** References=: the units `id` named. */
  references(id: string): ReadonlySet<string> {
    const out = new Set<string>();
    for (const [other, bits] of this.store.entries(id, 'References')) if (bits & NAMED_BIT) out.add(other);
    return out;
  }

  /**
   * A target orders itself after the units it pulls in, when both are loaded, both keep default
   * dependencies, and the target is not already ordered before that unit (which would make a loop).
   */
  private settleTargetOrdering(fresh: readonly GraphUnit[]): void {
    const targets = new Set<string>();
    for (const u of fresh) {
      if (u.type === 'target') targets.add(u.id);
      // A unit loaded later may be wanted by a target loaded earlier.
      for (const k of TARGET_ORDERING_KINDS) for (const t of this.deps(u.id, REVERSE[k])) if (this.byId.get(t)?.type === 'target') targets.add(t);
    }
    for (const tid of targets) {
      const t = this.byId.get(tid)!;
      if (t.loadState !== 'loaded' || !t.defaultDependencies) continue;
      for (const k of TARGET_ORDERING_KINDS) {
        for (const oid of this.deps(tid, k)) {
          const o = this.byId.get(oid);
          if (!o || o.loadState !== 'loaded' || !o.defaultDependencies) continue;
          if (this.deps(tid, 'Before').has(oid)) continue;
          this.addReferenced(tid, 'After', oid, 'default');
        }
      }
    }
  }
}

/** The mount unit names of a path and every prefix of it, the root's (-.mount) first. */
function mountPrefixNames(path: string): string[] {
  const parts = path.split('/').filter((p) => p !== '' && p !== '.');
  const out: string[] = [];
  for (let i = 0; i <= parts.length; i++) {
    const name = unitNameFromPath(`/${parts.slice(0, i).join('/')}`, '.mount');
    if (name.ok) out.push(name.value);
  }
  return out;
}

/**
 * Edges systemd adds on its own, as its man pages state them:
 *  - systemd.exec(5)/systemd.resource-control(5): units that run processes Requires= and After= their
 *    slice, and After=systemd-journald.socket when their output goes to the journal;
 *  - systemd.slice(5): a slice Requires= and After= its parent slice;
 *  - systemd.service(5): Type=dbus Requires=/After= dbus.socket; Sockets= are Wants=/After=;
 *    with DefaultDependencies: Requires=/After= sysinit.target, After= basic.target,
 *    Conflicts=/Before= shutdown.target;
 *  - systemd.socket(5), systemd.timer(5), systemd.path(5): Triggers= and Before= the unit they
 *    activate; with DefaultDependencies: Before= sockets.target / timers.target / paths.target,
 *    Requires=/After= sysinit.target, Conflicts=/Before= shutdown.target, and for timers with
 *    OnCalendar= After= time-set.target and time-sync.target;
 *  - systemd.target(5), systemd.slice(5): with DefaultDependencies: Conflicts=/Before= shutdown.target
 *    (the target's After= on what it pulls in needs both ends and is added by the Graph).
 */
/** The slice a unit runs in: its Slice= or default slice (perpetual units: the root slice), a slice's parent. */
export function sliceOf(u: GraphUnit): string | undefined {
  if (u.type === 'slice') return parentSliceOf(u.id);
  if (EXEC_TYPES.has(u.type) && u.exec) return u.exec.slice ?? (u.perpetual ? '-.slice' : defaultSliceOf(u.id));
  if (u.type === 'scope') return u.perpetual ? '-.slice' : defaultSliceOf(u.id);
  return undefined;
}

/**
 * systemd.exec(5) "Implicit Dependencies", as systemd 252 adds them for a unit that runs commands
 * (unit_add_exec_dependencies, unit_patch_contexts), all counted as the file's: PrivateTmp= wants
 * and orders after tmp.mount and after systemd-tmpfiles-setup.service; a State/Cache/LogsDirectory=
 * orders after systemd-remount-fs.service (/var must be writable); RootImage= after
 * systemd-udevd.service (its loop device), and an image under a device ACL wants and orders after
 * the modprobe@ services of its devices; output to the journal orders after systemd-journald.socket,
 * and LogNamespace= instead requires and orders after that namespace's two sockets. The paths
 * these settings use are RequiresMountsFor= (src/unit/mounts-for.ts), settled by the Graph.
 */
function execDependencies(u: GraphUnit, e: NonNullable<GraphUnit['exec']>, out: [ForwardKind, string, DependencyOrigin][]): void {
  if (e.writesVar) out.push(['After', 'systemd-remount-fs.service', 'file']);
  if (e.privateTmp) out.push(['After', 'tmp.mount', 'file'], ['Wants', 'tmp.mount', 'file'], ['After', 'systemd-tmpfiles-setup.service', 'file']);
  if (e.rootImage) out.push(['After', 'systemd-udevd.service', 'file']);
  if (e.imageDevices) for (const m of IMAGE_MODULES) out.push(['After', `modprobe@${m}.service`, 'file'], ['Wants', `modprobe@${m}.service`, 'file']);
  if (e.logNamespace !== undefined) {
    for (const s of [`systemd-journald@${e.logNamespace}.socket`, `systemd-journald-varlink@${e.logNamespace}.socket`]) out.push(['After', s, 'file'], ['Requires', s, 'file']);
  } else if (e.logsToJournal && !u.perpetual) {
    // systemd 252 orders no perpetual unit (its root mount) after journald's socket: it is there before any.
    out.push(['After', 'systemd-journald.socket', 'file']);
  }
}

export function implicitDependencies(u: GraphUnit): [ForwardKind, string, DependencyOrigin][] {
  const out: [ForwardKind, string, DependencyOrigin][] = [];
  // Origins as systemd 252 marks them: the slice, journald's socket, Type=dbus and Sockets= count as
  // the file's; a parent slice and what a trigger activates as implicit; the rest as default.
  const both = (a: ForwardKind, b: ForwardKind, t: string, origin: DependencyOrigin) => out.push([a, t, origin], [b, t, origin]);
  // Units that run processes require their slice (perpetual ones, -.mount and init.scope, the root
  // slice, where systemd keeps its extrinsic units; a scope has no exec context but a slice all the same).
  const slice = u.loadState === 'loaded' ? sliceOf(u) : undefined;
  if (slice !== undefined) both('Requires', 'After', slice, u.type === 'slice' ? 'implicit' : 'file');
  if (EXEC_TYPES.has(u.type) && u.exec) execDependencies(u, u.exec, out);
  if (u.type === 'service' && u.service) {
    if (u.service.type === 'dbus') both('Requires', 'After', 'dbus.socket', 'file');
    for (const s of u.service.sockets ?? []) both('Wants', 'After', s, 'file');
  }
  // A socket whose every socket accepts makes its instances per connection: it triggers no unit.
  if ((u.type === 'socket' && !u.acceptsOnly) || u.type === 'timer' || u.type === 'path') {
    const unit = u.triggers?.unit ?? `${u.id.slice(0, u.id.lastIndexOf('.'))}.service`;
    // A timer's or path unit's Unit= is the file's edge (systemd adds it as it parses the line); a
    // socket's Service= only names the unit its extras then trigger.
    both('Triggers', 'Before', unit, u.type !== 'socket' && u.triggers?.unit !== undefined ? 'file' : 'implicit');
  }
  if (!u.defaultDependencies) return out;
  switch (u.type) {
    case 'service':
      both('Requires', 'After', 'sysinit.target', 'default');
      out.push(['After', 'basic.target', 'default']);
      both('Conflicts', 'Before', 'shutdown.target', 'default');
      break;
    case 'socket':
    case 'timer':
    case 'path':
      out.push(['Before', `${u.type}s.target`, 'default']);
      both('Requires', 'After', 'sysinit.target', 'default');
      both('Conflicts', 'Before', 'shutdown.target', 'default');
      if (u.type === 'timer' && u.onCalendar) out.push(['After', 'time-set.target', 'default'], ['After', 'time-sync.target', 'default']);
      break;
    case 'target':
    case 'slice':
      both('Conflicts', 'Before', 'shutdown.target', 'default');
      break;
    default:
      break;
  }
  return out;
}
