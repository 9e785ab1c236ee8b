/**
 * A loaded unit's model is frozen, and the parts of it that still hold their defaults are one
 * shared frozen object for every unit: with 1,000 services most of each unit's exec context, kill
 * settings, install section and exit-status lists are the same values, and a copy per unit cost
 * the heap some 1.5 KiB each. Freezing is what makes sharing safe: code that wrongly writes to a
 * model throws instead of changing every unit at once.
 */
import { newDraft } from './directives/draft.js';
import type { ExecFlags } from './values/index.js';

type Fields = Record<string, unknown>;

/** One frozen empty list for every empty list of every unit: most lists are empty, and freezing is the cost. */
const EMPTY: readonly never[] = Object.freeze([]);

/** Freezes an object tree bottom-up; `share` may hand back an equal, already frozen object instead. */
function freezeTree<T>(o: T, share: (key: string, v: Fields) => Fields): T {
  if (typeof o !== 'object' || o === null || Object.isFrozen(o)) return o;
  if (Array.isArray(o)) {
    for (const v of o) freezeTree(v, share);
    return Object.freeze(o);
  }
  const rec = o as Fields;
  for (const k in rec) {
    const v = rec[k];
    if (Array.isArray(v) && v.length === 0) rec[k] = EMPTY;
    // A list built by push() keeps room for some sixteen more entries; a copy is its exact length.
    else if (Array.isArray(v) && !Object.isFrozen(v)) rec[k] = freezeTree(v.slice(), share);
    else if (isRecord(v)) rec[k] = share(k, freezeTree(v, share));
    else freezeTree(v, share);
  }
  return Object.freeze(o);
}

/**
 * The same own fields in the same order with the same values (children are compared by identity:
 * they were shared first). The order counts: whatever lists a section's fields must not see it change.
 */
function sameFields(a: Fields, b: Fields): boolean {
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  for (let i = 0; i < ka.length; i++) if (ka[i] !== kb[i] || !Object.is(a[ka[i]], b[kb[i]])) return false;
  return true;
}

const isRecord = (v: unknown): v is Fields => typeof v === 'object' && v !== null && Object.getPrototypeOf(v) === Object.prototype;

/**
 * The defaults by the field that holds them: every record of the draft every unit starts as, so a
 * section added to the draft is shared without a line here.
 */
const DEFAULTS: ReadonlyMap<string, Fields> = (() => {
  const d = freezeTree(newDraft(), (_k, v) => v);
  const m = new Map<string, Fields>();
  const walk = (o: Fields): void => {
    for (const [k, v] of Object.entries(o)) {
      if (!isRecord(v)) continue;
      if (!m.has(k)) m.set(k, v);
      walk(v);
    }
  };
  walk(d as unknown as Fields);
  // Description= is set (to undefined when absent) after the files are read; the draft has no field for it.
  m.set('unit', Object.freeze({ ...d.unit, description: undefined }));
  const flags: ExecFlags = Object.freeze({ ignoreFailure: false, separateArgv0: false, noEnvExpand: false, fullyPrivileged: false, noSetuid: false, ambientMagic: false });
  m.set('flags', flags as unknown as Fields);
  return m;
})();

function shareDefault(key: string, v: Fields): Fields {
  const d = DEFAULTS.get(key);
  return d !== undefined && sameFields(v, d) ? d : v;
}

/** The model as units see it: frozen, with its default parts shared. */
export function freezeModel<T>(o: T): T {
  return freezeTree(o, shareDefault);
}
