/**
 * `svcctl list-sockets` as systemctl 252 prints it: one row per Listen…= line (LISTEN, TYPE with
 * --show-types, UNIT, ACTIVATES: "-" for an Accept=yes socket), sorted by address, type, then unit as
 * the server sends them, the header even when no row follows, then the count and, without --all, the hint. The columns are laid out by online.ts's table().
 */
import type { SocketRow } from '../../../control/protocol.js';

export function socketTable(rows: readonly SocketRow[], showTypes: boolean): { header: string[]; cells: string[][] } {
  return {
    header: ['LISTEN', ...(showTypes ? ['TYPE'] : []), 'UNIT', 'ACTIVATES'],
    cells: rows.map((r) => [r.listen, ...(showTypes ? [r.type] : []), r.unit, r.activates.length > 0 ? r.activates.join(', ') : '-']),
  };
}
