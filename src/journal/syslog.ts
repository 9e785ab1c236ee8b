/**
 * The syslog datagram as journald 252 takes it on /dev/log (journald-syslog.c), turned into the
 * fields it stores:
 *
 *   [ws] <PRI> [Mmm dd hh:mm:ss ] [IDENT[PID]: ] MESSAGE [ws]
 *
 * - Leading and trailing whitespace is stripped from the message; anything after a NUL is dropped.
 * - <PRI> (1-3 digits) gives PRIORITY= (PRI & 7) and SYSLOG_FACILITY= (PRI >> 3); without one the
 *   default is user.info; facility 0 (kern) is not for user space and becomes user, as
 *   syslog_fixup_facility() does.
 * - The RFC 3164 timestamp, when there, is kept verbatim (with its trailing space) as
 *   SYSLOG_TIMESTAMP=; the identifier is the first word if it ends with ":", with "[PID]" split
 *   off into SYSLOG_PID=.
 * - SYSLOG_RAW= keeps the datagram whole when MESSAGE= alone cannot give it back: whitespace was
 *   stripped, a NUL cut it, or no timestamp was found.
 */

const LOG_USER = 1 << 3;
const LOG_INFO = 6;
const WHITESPACE = new Set([0x20, 0x09, 0x0a, 0x0d]);

export interface SyslogMessage {
  readonly priority: number;
  readonly facility: number;
  readonly identifier?: string;
  readonly pid?: string;
  readonly timestamp?: string;
  readonly message: Buffer;
  /** The datagram as received, when journald would store SYSLOG_RAW=. */
  readonly raw?: Buffer;
}

const MONTHS = new Set(['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']);
const isDigit = (c: number | undefined): boolean => c !== undefined && c >= 0x30 && c <= 0x39;

/** Length of an RFC 3164 "Mmm dd hh:mm:ss " at the start of `b`, or 0. */
function timestampLength(b: Buffer, at: number): number {
  if (b.length - at < 16) return 0;
  if (!MONTHS.has(b.toString('latin1', at, at + 3)) || b[at + 3] !== 0x20) return 0;
  const d1 = b[at + 4];
  if (!(d1 === 0x20 || isDigit(d1)) || !isDigit(b[at + 5]) || b[at + 6] !== 0x20) return 0;
  for (const [o, colon] of [[7, false], [8, false], [9, true], [10, false], [11, false], [12, true], [13, false], [14, false]] as const) {
    if (colon ? b[at + o] !== 0x3a : !isDigit(b[at + o])) return 0;
  }
  return b[at + 15] === 0x20 ? 16 : 0;
}

export function parseSyslog(datagram: Buffer): SyslogMessage {
  const nul = datagram.indexOf(0);
  const body = nul >= 0 ? datagram.subarray(0, nul) : datagram;
  let start = 0;
  let end = body.length;
  while (end > 0 && WHITESPACE.has(body[end - 1]!)) end--;
  while (start < end && WHITESPACE.has(body[start]!)) start++;
  let storeRaw = start !== 0 || end !== datagram.length;

  let pri = LOG_USER | LOG_INFO;
  let at = start;
  if (body[at] === 0x3c) {
    let k = at + 1;
    let n = 0;
    while (k < end && k - at <= 3 && isDigit(body[k])) n = n * 10 + body[k++]! - 0x30;
    if (k > at + 1 && body[k] === 0x3e) {
      // Only the level when no facility is given: keep the default facility (journald's with_facility).
      pri = n > 7 ? n : (pri & ~7) | n;
      at = k + 1;
    }
  }
  let facility = pri >> 3;
  if (facility === 0) facility = 1;

  let timestamp: string | undefined;
  const tsLen = timestampLength(body, at);
  if (tsLen > 0) {
    timestamp = body.toString('latin1', at, at + tsLen);
    at += tsLen;
  } else {
    storeRaw = true;
  }

  let identifier: string | undefined;
  let pid: string | undefined;
  let p = at;
  while (p < end && WHITESPACE.has(body[p]!)) p++;
  let wordEnd = p;
  while (wordEnd < end && !WHITESPACE.has(body[wordEnd]!)) wordEnd++;
  if (wordEnd > p && body[wordEnd - 1] === 0x3a) {
    let idEnd = wordEnd - 1;
    if (idEnd > p && body[idEnd - 1] === 0x5d) {
      const open = body.lastIndexOf(0x5b, idEnd - 1);
      if (open >= p) {
        pid = body.toString('utf8', open + 1, idEnd - 1);
        idEnd = open;
      }
    }
    identifier = body.toString('utf8', p, idEnd);
    // A single whitespace separates the identifier from the message.
    at = wordEnd < end && WHITESPACE.has(body[wordEnd]!) ? wordEnd + 1 : wordEnd;
  }
  return {
    priority: pri & 7,
    facility,
    identifier,
    pid,
    timestamp,
    message: body.subarray(Math.min(at, end), end),
    raw: storeRaw ? datagram : undefined,
  };
}
