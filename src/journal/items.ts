// What an entry is made of, as the writer takes it: field names checked once, "NAME=value"
// payloads prepared (and hashed) once, and fixed sets of them that many entries share.
import type { Id128 } from './format.js';
import { type Hash64, jenkinsHash64 } from './hash.js';

const FIELD_NAME_RE = /^[A-Z_][A-Z0-9_]*$/;

/** A field name prepared once: its "NAME=" prefix bytes, used to build data payloads in place. */
export class JournalField {
  readonly name: string;
  readonly prefix: Buffer;
  constructor(name: string) {
    // journald's rule (journal_field_valid): upper-case letters, digits, underscore, not starting
    // with a digit, at most 64 characters.
    if (name.length === 0 || name.length > 64 || !FIELD_NAME_RE.test(name)) {
      throw new Error(`invalid journal field name: ${JSON.stringify(name)}`);
    }
    this.name = name;
    this.prefix = Buffer.from(`${name}=`, 'latin1');
  }
}

/**
 * One complete "NAME=value" payload prepared ahead (per-unit fields such as _SYSTEMD_UNIT=, _PID=):
 * hashed once, and remembering which data object it became in the file that last used it, so
 * a repeat costs neither hashing nor a hash-table walk.
 */
export class JournalData {
  readonly field: JournalField;
  readonly payload: Buffer;
  readonly hash: Hash64;
  /** @internal cache: the data index this was last resolved in and the data ordinal there. */
  owner: object | null = null;
  /** @internal */
  ordinal = -1;
  constructor(field: JournalField | string, value: Buffer | string) {
    this.field = typeof field === 'string' ? internField(field) : field;
    const v = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
    this.payload = Buffer.concat([this.field.prefix, v]);
    this.hash = jenkinsHash64(this.payload);
  }
}

/**
 * A fixed set of prepared items that many entries share (a stream's fields for one priority):
 * resolved to data objects and sorted once per file, so an entry made of the set plus one fresh
 * field (appendWith) costs one data lookup, not one per item.
 */
export class JournalItemSet {
  readonly items: readonly JournalData[];
  /** @internal the data index `ords` belong to. */
  owner: object | null = null;
  /** @internal data ordinals of `items` in that index, ascending, without repeats. */
  ords: Int32Array = new Int32Array(0);
  constructor(items: readonly JournalData[]) {
    this.items = items;
  }
}

const fieldCache = new Map<string, JournalField>();
/** Interned JournalField for a name (bounded: field names are a small, static set in practice). */
export function internField(name: string): JournalField {
  let f = fieldCache.get(name);
  if (!f) {
    f = new JournalField(name);
    if (fieldCache.size < 4096) fieldCache.set(name, f);
  }
  return f;
}

/** An item of an entry: a prepared payload, or a field and a value copied straight into the file. */
export type JournalItem = JournalData | readonly [JournalField | string, Buffer | string];

export interface EntryTimestamps {
  /** CLOCK_REALTIME in microseconds since the epoch. */
  realtime: number;
  /** CLOCK_MONOTONIC in microseconds, of the boot `bootId` names. */
  monotonic: number;
  /** Defaults to the writer's boot id. */
  bootId?: Id128;
}
