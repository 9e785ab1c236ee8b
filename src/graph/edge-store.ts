/**
 * The graph's edges as they are kept in memory: for each unit, for each line of its dependency
 * section (a kind, References, ReferencedBy, InSlice, SliceOf), the other units in the order they
 * were added, each with its origin bits (origins.ts's mask as one number).
 *
 * A service has about ten such lines with one to four units on each. Kept as a Map of Maps or
 * Sets per line, that was some 3 KiB of hash tables per service; here a line is one flat array
 * `[other, bits, other, bits, …]` of its exact length, and a unit's lines one array indexed by
 * DEPENDENCY_LINES. Lines are only ever added to (a unit is dropped whole by forget()), so a line
 * past INDEXED entries (a target that wants every service) gets a Map from unit to position for
 * its lookups, and below that a lookup is a scan of a few entries.
 */
import { ALL_KINDS } from './atoms.js';
import { DEPENDENCY_LINES, type DependencyLine } from './origins.js';

/** [other, bits, other, bits, …], in the order added. */
type EdgeList = (string | number)[];
/** A unit's lines by their index in DEPENDENCY_LINES. */
type UnitLines = (EdgeList | undefined)[];

const LINE_INDEX: ReadonlyMap<DependencyLine, number> = new Map(DEPENDENCY_LINES.map((l, i) => [l, i]));
const KIND_LINES: readonly number[] = ALL_KINDS.map((k) => LINE_INDEX.get(k)!);
/** Entries a line holds before it gets a Map for its lookups. */
const INDEXED = 8;

function lineIndex(line: DependencyLine): number {
  return LINE_INDEX.get(line)!;
}

export class EdgeStore {
  private readonly units = new Map<string, UnitLines>();
  /** Position of each other unit in a long line (a list past INDEXED entries). */
  private readonly indexes = new WeakMap<EdgeList, Map<string, number>>();

  /** ORs `bits` into `id`'s entry for `other` on `line`, adding the entry if it is new. */
  mark(id: string, line: DependencyLine, other: string, bits: number): void {
    let lines = this.units.get(id);
    if (!lines) this.units.set(id, (lines = new Array<EdgeList | undefined>(DEPENDENCY_LINES.length)));
    const li = lineIndex(line);
    const list = lines[li];
    if (!list) {
      lines[li] = [other, bits];
      return;
    }
    const at = this.position(list, other);
    if (at >= 0) {
      list[at + 1] = (list[at + 1] as number) | bits;
    } else if (list.length < 2 * INDEXED) {
      // A short line is copied to its exact length: a push would leave room for eight more.
      lines[li] = list.concat(other, bits);
    } else {
      let index = this.indexes.get(list);
      if (!index) {
        index = new Map();
        for (let i = 0; i < list.length; i += 2) index.set(list[i] as string, i);
        this.indexes.set(list, index);
      }
      index.set(other, list.length);
      list.push(other, bits);
    }
  }

  /** `id`'s bits for `other` on `line`; undefined: no such entry. */
  bits(id: string, line: DependencyLine, other: string): number | undefined {
    const list = this.units.get(id)?.[lineIndex(line)];
    if (!list) return undefined;
    const at = this.position(list, other);
    return at < 0 ? undefined : (list[at + 1] as number);
  }

  /** The other units on `id`'s `line`, as a live view (it sees entries added later, as a Set would). */
  others(id: string, line: DependencyLine): ReadonlySet<string> {
    const lines = this.units.get(id);
    return lines ? new LineView(lines, lineIndex(line), this) : EMPTY;
  }

  /** Each entry of `id`'s `line`: the other unit and its bits. */
  *entries(id: string, line: DependencyLine): IterableIterator<[string, number]> {
    const list = this.units.get(id)?.[lineIndex(line)];
    if (!list) return;
    for (let i = 0; i < list.length; i += 2) yield [list[i] as string, list[i + 1] as number];
  }

  /** Whether `id` has an edge of any kind (References and the slice lines do not count). */
  hasEdges(id: string): boolean {
    const lines = this.units.get(id);
    return lines !== undefined && KIND_LINES.some((li) => (lines[li]?.length ?? 0) > 0);
  }

  delete(id: string): void {
    this.units.delete(id);
  }

  /** Where `other` sits in `list` (its name's slot), or -1. */
  position(list: EdgeList, other: string): number {
    const index = this.indexes.get(list);
    if (index) return index.get(other) ?? -1;
    for (let i = 0; i < list.length; i += 2) if (list[i] === other) return i;
    return -1;
  }
}

const EMPTY: ReadonlySet<string> = new Set();

/** One line of one unit as a ReadonlySet of the other units' ids, read afresh on every call. */
class LineView implements ReadonlySet<string> {
  constructor(
    private readonly lines: UnitLines,
    private readonly li: number,
    private readonly store: EdgeStore,
  ) {}

  get size(): number {
    return (this.lines[this.li]?.length ?? 0) / 2;
  }

  has(other: string): boolean {
    const list = this.lines[this.li];
    return list !== undefined && this.store.position(list, other) >= 0;
  }

  *[Symbol.iterator](): IterableIterator<string> {
    // By position, re-reading the line: a short line is replaced by a longer copy when it grows.
    for (let i = 0; i < (this.lines[this.li]?.length ?? 0); i += 2) yield this.lines[this.li]![i] as string;
  }

  keys(): IterableIterator<string> {
    return this[Symbol.iterator]();
  }

  values(): IterableIterator<string> {
    return this[Symbol.iterator]();
  }

  *entries(): IterableIterator<[string, string]> {
    for (const o of this) yield [o, o];
  }

  forEach(fn: (value: string, key: string, set: ReadonlySet<string>) => void, thisArg?: unknown): void {
    for (const o of this) fn.call(thisArg, o, o, this);
  }
}
