/**
 * Reading the journal as journalctl does, for `svcctl logs`: which files, which entries (-u, -p,
 * -b, --since/--until, -g), how many (-n, -r), and how each is printed (-o short, short-iso,
 * short-precise, json, json-pretty, cat, verbose). Reading goes through the file format's indexes
 * (src/journal/file-reader.ts): `-u X -n 50` walks X's entry arrays backwards from the tail.
 */
import { isUtf8 } from 'node:buffer';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { compareEntries, readDirectory, type DirectoryReadOptions } from '../journal/directory-reader.js';
import { formatCursor, fieldText, type JournalEntry } from '../journal/file-reader.js';
import { readBootId, readMachineId } from '../journal/format.js';
import { globMatcher, stringIsGlob } from '../shared/glob.js';
import { LOG_LEVELS } from '../shared/syslog.js';

export type { JournalEntry };

export type OutputMode = 'short' | 'short-iso' | 'short-precise' | 'short-monotonic' | 'json' | 'json-pretty' | 'json-sse' | 'cat' | 'verbose' | 'with-unit';
export const OUTPUT_MODES: readonly string[] = ['short', 'short-iso', 'short-precise', 'short-monotonic', 'json', 'json-pretty', 'json-sse', 'cat', 'verbose', 'with-unit'];

export interface LogQuery {
  /** Directories to read (-D, or the daemon's, or journald's places). */
  readonly dirs: readonly string[];
  readonly units: readonly string[];
  /** Priorities wanted (from -p). */
  readonly priorities?: readonly number[];
  readonly bootId?: string;
  readonly since?: number;
  readonly until?: number;
  readonly grep?: RegExp;
  readonly reverse: boolean;
  /** -n: the last N (undefined: all). */
  readonly lines?: number;
}

const PRIORITY_NAMES: readonly string[] = LOG_LEVELS;

/** -p: "err", "3", "warning..info", "0..4": the priorities to show. */
export function parsePriority(text: string): number[] | undefined {
  const one = (s: string): number | undefined => {
    if (/^[0-7]$/.test(s)) return Number(s);
    const i = PRIORITY_NAMES.indexOf(s.toLowerCase());
    return i >= 0 ? i : s.toLowerCase() === 'error' ? 3 : s.toLowerCase() === 'panic' ? 0 : s.toLowerCase() === 'warn' ? 4 : undefined;
  };
  const range = text.split('..');
  if (range.length === 2) {
    const a = range[0] === '' ? 0 : one(range[0]!);
    const b = range[1] === '' ? 7 : one(range[1]!);
    if (a === undefined || b === undefined) return undefined;
    const [lo, hi] = a <= b ? [a, b] : [b, a];
    return Array.from({ length: hi - lo + 1 }, (_, i) => lo + i);
  }
  const n = one(text);
  return n === undefined ? undefined : Array.from({ length: n + 1 }, (_, i) => i);
}

/** Where journalctl looks without -D: the persistent and the volatile directory of this machine. */
export function defaultDirs(): string[] {
  const id = readMachineId();
  const dirs = ['/var/log/journal', '/run/log/journal'].map((r) => (id ? join(r, id) : r));
  return dirs.filter((d) => existsSync(d));
}

export function currentBootId(): string | undefined {
  return readBootId();
}

/**
 * The time journalctl 252 prints for an entry (short and verbose modes): the sender's
 * _SOURCE_REALTIME_TIMESTAMP= when it has a valid one, else the time the journal received it.
 */
function shownRealtime(e: JournalEntry): number {
  const src = Number(field(e, '_SOURCE_REALTIME_TIMESTAMP'));
  return Number.isSafeInteger(src) && src > 0 ? src : e.realtime;
}

function field(e: JournalEntry, name: string): string | undefined {
  const f = e.fields.find((x) => x.name === name);
  return f ? fieldText(f) : undefined;
}

function matchesUnit(e: JournalEntry, units: readonly ((s: string) => boolean)[]): boolean {
  const u = field(e, '_SYSTEMD_UNIT');
  const own = field(e, 'UNIT');
  return units.some((match) => (u !== undefined && match(u)) || (own !== undefined && match(own)));
}

/** Entries of several directories merged in journalctl's order. */
function merged(dirs: readonly string[], opts: DirectoryReadOptions): Generator<JournalEntry> {
  return dirs.length === 1 ? readDirectory(dirs[0]!, opts) : mergedDirs(dirs, opts);
}

function* mergedDirs(dirs: readonly string[], opts: DirectoryReadOptions): Generator<JournalEntry> {
  const its = dirs.map((d) => readDirectory(d, opts));
  try {
    const heads = its.map((it) => it.next()).map((r, i) => ({ i, r }));
    const sign = opts.reverse ? -1 : 1;
    for (;;) {
      let best: { i: number; r: IteratorResult<JournalEntry> } | undefined;
      for (const h of heads) if (!h.r.done && (!best || sign * compareEntries(h.r.value, best.r.value as JournalEntry) < 0)) best = h;
      if (!best) return;
      yield best.r.value as JournalEntry;
      best.r = its[best.i]!.next();
    }
  } finally {
    for (const it of its) it.return(undefined);
  }
}

/**
 * The entries a query selects, oldest first (newest first with reverse), one at a time: a listing
 * holds one entry per file in memory, whatever the journal's size. With -n the walk goes
 * backwards from the tail and stops: only those N entries are held, then given out in order.
 * `after` (-f) gives what follows that entry, walking forward from it.
 */
export function* queryEntries(q: LogQuery, after?: JournalEntry): Generator<JournalEntry> {
  const plain = q.units.every((u) => !stringIsGlob(u));
  const matches = q.priorities ? q.priorities.map((p) => ({ name: 'PRIORITY', value: String(p) })) : [];
  // journalctl -u matches with fnmatch(…, FNM_NOESCAPE).
  const unitRes = q.units.map((u) => globMatcher(u, { noescape: true }));
  const base: DirectoryReadOptions = { matches, since: q.since, until: q.until, bootId: q.bootId, after: after && { seqnumId: after.seqnumId, seqnum: after.seqnum } };
  // Plain unit names are matched through the files' indexes below; only globs need a look at each entry.
  const checkUnit = unitRes.length > 0 && !plain;
  const keep = (e: JournalEntry) => (!checkUnit || matchesUnit(e, unitRes)) && (!q.grep || q.grep.test(field(e, 'MESSAGE') ?? ''));
  const sources = (reverse: boolean): Generator<JournalEntry>[] => {
    if (q.units.length === 0 || !plain) return [merged(q.dirs, { ...base, reverse })];
    // Unit messages carry _SYSTEMD_UNIT= (from the service) or UNIT= (from svcd about it): read both indexes.
    return ['_SYSTEMD_UNIT', 'UNIT'].map((name) => merged(q.dirs, { ...base, reverse, matches: [...matches, ...q.units.map((u) => ({ name, value: u }))] }));
  };
  function* selected(reverse: boolean): Generator<JournalEntry> {
    const its = sources(reverse);
    const heads = its.map((it) => it.next());
    const sign = reverse ? -1 : 1;
    let last: JournalEntry | undefined;
    try {
      for (;;) {
        let bi = -1;
        for (let i = 0; i < heads.length; i++) if (!heads[i]!.done && (bi < 0 || sign * compareEntries(heads[i]!.value as JournalEntry, heads[bi]!.value as JournalEntry) < 0)) bi = i;
        if (bi < 0) return;
        const e = heads[bi]!.value as JournalEntry;
        heads[bi] = its[bi]!.next();
        // An entry in both indexes (a unit's own message naming itself) comes once.
        if (last && compareEntries(e, last) === 0 && e.xorHash === last.xorHash) continue;
        last = e;
        if (after && compareEntries(e, after) <= 0) {
          if (reverse) return;
          continue;
        }
        if (keep(e)) yield e;
      }
    } finally {
      // Closes the files when the caller stops early (-n reached, the reader of our output gone).
      for (const it of its) it.return(undefined);
    }
  }
  // -f resuming after the last entry shown: forward from there (each file's walk starts past it).
  if (q.lines === undefined && (!after || !q.reverse)) {
    yield* selected(after ? false : q.reverse);
    return;
  }
  const newestFirst: JournalEntry[] = [];
  if (q.lines !== 0) {
    for (const e of selected(true)) {
      newestFirst.push(e);
      if (q.lines !== undefined && newestFirst.length >= q.lines) break;
    }
  }
  if (q.reverse) yield* newestFirst;
  else for (let i = newestFirst.length - 1; i >= 0; i--) yield newestFirst[i]!;
}

/** queryEntries() as an array (a unit's last lines for `status`). */
export function query(q: LogQuery, after?: JournalEntry): JournalEntry[] {
  return [...queryEntries(q, after)];
}

// ---- formatting ------------------------------------------------------------------------------

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const p2 = (n: number) => String(n).padStart(2, '0');

function shortTime(us: number, mode: OutputMode): string {
  const d = new Date(Math.floor(us / 1000));
  if (mode === 'short-iso') {
    const off = -d.getTimezoneOffset();
    const sign = off >= 0 ? '+' : '-';
    return `${d.getFullYear()}-${p2(d.getMonth() + 1)}-${p2(d.getDate())}T${p2(d.getHours())}:${p2(d.getMinutes())}:${p2(d.getSeconds())}${sign}${p2(Math.floor(Math.abs(off) / 60))}${p2(Math.abs(off) % 60)}`;
  }
  const base = `${MONTHS[d.getMonth()]} ${p2(d.getDate())} ${p2(d.getHours())}:${p2(d.getMinutes())}:${p2(d.getSeconds())}`;
  return mode === 'short-precise' ? `${base}.${String(us % 1_000_000).padStart(6, '0')}` : base;
}

/** journalctl's printable check: valid UTF-8 without control characters other than TAB and NL. */
function printable(v: Buffer | undefined): string | undefined {
  if (!v) return undefined;
  const text = fieldText({ name: '', value: v });
  // eslint-disable-next-line no-control-regex
  if (text === undefined || /[\x00-\x08\x0b-\x1f\x7f]/.test(text)) return undefined;
  return text;
}

function jsonValue(v: Buffer | undefined): string | number[] | null {
  if (!v) return null;
  const t = fieldText({ name: '', value: v });
  // eslint-disable-next-line no-control-regex
  return t !== undefined && !/[\x00-\x08\x0b-\x1f\x7f]/.test(t) ? t : [...v];
}

function jsonObject(e: JournalEntry): Record<string, unknown> {
  const o: Record<string, unknown> = {
    __CURSOR: formatCursor(e),
    __REALTIME_TIMESTAMP: String(e.realtime),
    __MONOTONIC_TIMESTAMP: String(e.monotonic),
    _BOOT_ID: e.bootId,
  };
  for (const f of e.fields) {
    if (f.name === '_BOOT_ID') continue;
    const v = jsonValue(f.value);
    if (f.name in o) {
      const prev = o[f.name];
      o[f.name] = Array.isArray(prev) && typeof prev[0] !== 'number' ? [...(prev as unknown[]), v] : [prev, v];
    } else o[f.name] = v;
  }
  return o;
}

/** True when the bytes are what printable() accepts: valid UTF-8 without control characters but TAB and NL. */
function printableBytes(v: Buffer): boolean {
  for (let i = 0; i < v.length; i++) {
    const b = v[i]!;
    if ((b < 0x20 && b !== 0x09 && b !== 0x0a) || b === 0x7f) return false;
  }
  return isUtf8(v);
}

/**
 * An entry as formatEntry() prints it, as bytes where that is cheaper: `-o cat` of a printable
 * MESSAGE= is the stored bytes themselves, never decoded and encoded again.
 */
export function formatEntryOutput(e: JournalEntry, mode: OutputMode, color: boolean): string | Buffer {
  if (mode === 'cat') {
    const m = e.fields.find((f) => f.name === 'MESSAGE');
    if (m?.value && printableBytes(m.value)) return m.value;
  }
  return formatEntry(e, mode, color);
}

export function formatEntry(e: JournalEntry, mode: OutputMode, color: boolean): string {
  switch (mode) {
    case 'json':
      return JSON.stringify(jsonObject(e));
    case 'json-sse':
      return `data: ${JSON.stringify(jsonObject(e))}\n`;
    case 'json-pretty': {
      const o = jsonObject(e);
      return `{\n${Object.entries(o).map(([k, v]) => `\t"${k}" : ${JSON.stringify(v)}`).join(',\n')}\n}`;
    }
    case 'cat': {
      const m = e.fields.find((f) => f.name === 'MESSAGE');
      return m ? printable(m.value) ?? `[${m.value?.length ?? 0}B blob data]` : '';
    }
    case 'verbose': {
      const realtime = shownRealtime(e);
      const d = new Date(Math.floor(realtime / 1000));
      const zone = new Intl.DateTimeFormat('en-US', { timeZoneName: 'short' }).formatToParts(d).find((x) => x.type === 'timeZoneName')?.value ?? 'UTC';
      const head = `${['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][d.getDay()]} ${d.getFullYear()}-${p2(d.getMonth() + 1)}-${p2(d.getDate())} ${p2(d.getHours())}:${p2(d.getMinutes())}:${p2(d.getSeconds())}.${String(realtime % 1_000_000).padStart(6, '0')} ${zone === 'GMT' ? 'UTC' : zone} [${formatCursor(e)}]`;
      return [head, ...e.fields.map((f) => `    ${f.name}=${printable(f.value) ?? `[${f.value?.length ?? 0}B blob data]`}`)].join('\n');
    }
    default: {
      const get = (n: string) => e.fields.find((f) => f.name === n);
      const ident = printable(get('SYSLOG_IDENTIFIER')?.value) ?? printable(get('_COMM')?.value) ?? 'unknown';
      const pid = printable(get('_PID')?.value) ?? printable(get('SYSLOG_PID')?.value);
      const host = printable(get('_HOSTNAME')?.value);
      const msgField = get('MESSAGE');
      let msg = msgField ? printable(msgField.value) ?? `[${msgField.value?.length ?? 0}B blob data]` : '';
      const prio = Number(printable(get('PRIORITY')?.value) ?? 6);
      if (color && prio <= 3) msg = `\x1b[0;1;31m${msg}\x1b[0m`;
      else if (color && prio === 4) msg = `\x1b[0;1;33m${msg}\x1b[0m`;
      else if (color && prio === 5) msg = `\x1b[0;1;39m${msg}\x1b[0m`;
      const time = mode === 'short-monotonic' ? `[${(e.monotonic / 1e6).toFixed(6).padStart(12)}]` : shortTime(shownRealtime(e), mode);
      const unitPart = mode === 'with-unit' ? printable(get('_SYSTEMD_UNIT')?.value) ?? ident : ident;
      const prefix = `${time}${host ? ` ${host}` : ''} ${unitPart}${pid ? `[${pid}]` : ''}: `;
      // Continuation lines line up under the message, as journalctl prints them.
      return prefix + msg.split('\n').join(`\n${' '.repeat(prefix.length)}`);
    }
  }
}
