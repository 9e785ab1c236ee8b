// What the writer and the reader share about systemd's journal file format
// (https://systemd.io/JOURNAL_FILE_FORMAT/): the layout's names (from layout.ts), id128 helpers and
// the clocks entries are stamped with. All objects start 8-byte aligned.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';

import { A, D, E, F, FLAG, ObjectTypeCode, SIZE } from './layout.js';

export const SIGNATURE = Buffer.from('LPKSHHRH', 'latin1');

/** Object types (ObjectType in the format). */
export enum ObjectType {
  Unused = ObjectTypeCode.unused,
  Data = ObjectTypeCode.data,
  Field = ObjectTypeCode.field,
  Entry = ObjectTypeCode.entry,
  DataHashTable = ObjectTypeCode.dataHashTable,
  FieldHashTable = ObjectTypeCode.fieldHashTable,
  EntryArray = ObjectTypeCode.entryArray,
  Tag = ObjectTypeCode.tag,
}

export enum FileState {
  Offline = 0,
  Online = 1,
  Archived = 2,
}

// The layout itself is described once, in layout.ts (the native writer's header is generated
// from it); these are its names as the reader and writer use them.
export { A, D, E, F, H } from './layout.js';
export const INCOMPAT_KEYED_HASH = FLAG.incompatKeyedHash;
export const INCOMPAT_COMPACT = FLAG.incompatCompact;
export const OBJECT_COMPRESSED_XZ = FLAG.objectCompressedXz;
export const OBJECT_COMPRESSED_LZ4 = FLAG.objectCompressedLz4;
export const OBJECT_COMPRESSED_ZSTD = FLAG.objectCompressedZstd;

export const WRITE_HEADER_SIZE = SIZE.writeHeader;
export const MIN_HEADER_SIZE = SIZE.minHeader;
export const OBJECT_HEADER_SIZE = SIZE.objectHeader;
export const DATA_PAYLOAD_OFFSET = D.payload;
export const DATA_PAYLOAD_OFFSET_COMPACT = D.payloadCompact;
export const FIELD_PAYLOAD_OFFSET = F.payload;
export const ENTRY_ITEMS_OFFSET = E.items;
export const ENTRY_ARRAY_ITEMS_OFFSET = A.items;
export const HASH_ITEM_SIZE = SIZE.hashItem;

export const align8 = (n: number): number => (n + 7) & ~7;

const TWO32 = 0x1_0000_0000;

export function readU64(buf: Buffer, at: number): number {
  return buf.readUInt32LE(at) + buf.readUInt32LE(at + 4) * TWO32;
}

/** A 128-bit id (machine, boot, file, seqnum ids) in journald's textual form: 32 lowercase hex digits. */
export type Id128 = string;

export const ID128_RE = /^[0-9a-f]{32}$/;

export function id128ToBuffer(id: Id128): Buffer {
  const clean = id.replace(/-/g, '').toLowerCase();
  if (!ID128_RE.test(clean)) throw new Error(`not a 128-bit id: ${id}`);
  return Buffer.from(clean, 'hex');
}

/** A random v4 id, as systemd's sd_id128_randomize() shapes it. */
export function randomId128(): Id128 {
  const b = randomBytes(16);
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  return b.toString('hex');
}

function readIdFile(path: string): Id128 | undefined {
  try {
    const s = readFileSync(path, 'utf8').trim().replace(/-/g, '').toLowerCase();
    return ID128_RE.test(s) ? s : undefined;
  } catch {
    return undefined;
  }
}

/** /etc/machine-id, the directory name journald files live under. */
export function readMachineId(path = '/etc/machine-id'): Id128 | undefined {
  return readIdFile(path);
}

/** The kernel's boot id (same value journald stamps into _BOOT_ID and entry headers). */
export function readBootId(path = '/proc/sys/kernel/random/boot_id'): Id128 | undefined {
  return readIdFile(path);
}

/**
 * CLOCK_MONOTONIC in microseconds. performance.now() reads the same clock (libuv's hrtime) as a
 * double without a BigInt per call, which matters once per journal entry; the offset between the
 * two is taken once from process.hrtime, between two reads of performance.now() so that the time
 * between the reads is known: the first call of performance.now() alone can take milliseconds,
 * and an offset taken across it put entries up to 8 ms before the state change they report
 * (systemctl status, which shows no entry older than the unit's InactiveExitTimestamp, hid them).
 * The pair read closest together of a few decides.
 */
const MONOTONIC_BASE_USEC = ((): number => {
  performance.now();
  let best = { spread: Infinity, base: 0 };
  for (let i = 0; i < 5; i++) {
    const before = performance.now();
    const hr = Number(process.hrtime.bigint()) / 1000;
    const after = performance.now();
    const spread = after - before;
    if (spread < best.spread) best = { spread, base: hr - ((before + after) / 2) * 1000 };
  }
  return best.base;
})();
export function monotonicUsec(): number {
  return Math.floor(MONOTONIC_BASE_USEC + performance.now() * 1000);
}

/**
 * CLOCK_REALTIME in microseconds, as journald stamps entries: Date.now() alone has milliseconds, so
 * every entry svcd wrote itself ended in 000. The monotonic clock gives the microseconds, offset to
 * the wall clock at the moment Date.now() turns to a new millisecond (so the offset is exact, not up
 * to 1 ms short); it is taken again whenever the two part by more than that allows (the wall clock
 * was set, or has drifted), so the value follows the wall clock as Date.now() does.
 */
// Taken at the first stamp, not when the module loads: readers (svcctl logs) import it and stamp nothing.
let realtimeOffsetUsec = Number.NaN;
function syncRealtime(): void {
  const start = Date.now();
  let now = start;
  // At most a millisecond of spinning, at the first stamp and after the clock is set.
  while (now === start) now = Date.now();
  realtimeOffsetUsec = now * 1000 - monotonicUsec();
}
/** Slack for the two clocks being read a few microseconds apart. */
const REALTIME_SLACK_USEC = 100;
export function realtimeUsec(): number {
  const t = monotonicUsec() + realtimeOffsetUsec;
  const wall = Date.now() * 1000;
  if (t >= wall - REALTIME_SLACK_USEC && t < wall + 1000 + REALTIME_SLACK_USEC) return t;
  syncRealtime();
  return monotonicUsec() + realtimeOffsetUsec;
}

/** SD_MESSAGE_JOURNAL_DROPPED: journald's message id for entries it had to drop ("Suppressed N messages"). */
export const MESSAGE_JOURNAL_DROPPED = 'a596d6fe7bfa4994828e72dfa46ed1e2';
