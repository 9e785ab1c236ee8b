/**
 * The journal's native protocol (https://systemd.io/JOURNAL_NATIVE_PROTOCOL/, what
 * sd_journal_send() writes to /run/systemd/journal/socket): a datagram of fields, each either
 *
 *   NAME=VALUE\n                               (a value without newlines), or
 *   NAME\n<64-bit little-endian length><bytes>\n  (any bytes)
 *
 * As journald 252 does: a field with an invalid name is skipped, and so is every field whose name
 * starts with "_" (those are trusted fields: only the journal sets them); a malformed binary field
 * ends the parse (the fields before it are kept). PRIORITY= and SYSLOG_IDENTIFIER= are read out
 * for forwarding and rate limiting.
 */
import { journalFieldValid } from '../shared/journal-field.js';

export interface NativeMessage {
  readonly fields: [string, Buffer][];
  readonly priority?: number;
  readonly identifier?: string;
  readonly message?: Buffer;
}

/** journald 252's journal_field_valid() for fields sent by clients (never the trusted "_" ones). */
const clientField = (name: string): boolean => journalFieldValid(name);

export function parseNative(buf: Buffer): NativeMessage {
  const fields: [string, Buffer][] = [];
  let priority: number | undefined;
  let identifier: string | undefined;
  let message: Buffer | undefined;
  let at = 0;
  while (at < buf.length) {
    const nl = buf.indexOf(10, at);
    const lineEnd = nl < 0 ? buf.length : nl;
    // An empty line is allowed between fields (sd_journal_send never writes one; journald skips it).
    if (lineEnd === at) {
      at = lineEnd + 1;
      continue;
    }
    const eq = buf.indexOf(0x3d, at);
    let name: string;
    let value: Buffer;
    if (eq >= 0 && eq < lineEnd) {
      name = buf.toString('latin1', at, eq);
      value = buf.subarray(eq + 1, lineEnd);
      at = lineEnd + 1;
    } else {
      if (nl < 0 || nl + 9 > buf.length) break;
      name = buf.toString('latin1', at, nl);
      const len = buf.readBigUInt64LE(nl + 1);
      const from = nl + 9;
      if (len > BigInt(buf.length - from - 1) || buf[from + Number(len)] !== 10) break;
      value = buf.subarray(from, from + Number(len));
      at = from + Number(len) + 1;
    }
    if (!clientField(name)) continue;
    fields.push([name, value]);
    if (name === 'PRIORITY' && value.length === 1 && value[0]! >= 0x30 && value[0]! <= 0x37) priority = value[0]! - 0x30;
    else if (name === 'SYSLOG_IDENTIFIER') identifier = value.toString('utf8');
    else if (name === 'MESSAGE') message = value;
  }
  return { fields, priority, identifier, message };
}
