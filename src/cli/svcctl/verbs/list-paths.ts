/**
 * `svcctl list-paths` as systemctl prints it — a verb of systemd 254 (252's systemctl has none), made
 * of the same table and footer as list-sockets: one row per PathXxx= line (PATH, CONDITION, UNIT,
 * ACTIVATES: "-" when it triggers nothing), sorted as the server sends them, the header even when no
 * row follows. The columns are laid out by online.ts's table().
 */
import type { PathRow } from '../../../control/protocol.js';
import { unitNameMangle } from '../../../unit/escape.js';

export function pathTable(rows: readonly PathRow[]): { header: string[]; cells: string[][] } {
  return {
    header: ['PATH', 'CONDITION', 'UNIT', 'ACTIVATES'],
    cells: rows.map((r) => [r.path, r.condition, r.unit, r.activates.length > 0 ? r.activates.join(', ') : '-']),
  };
}

/** expand_unit_names(…, ".path"): a name typed without a type gets ".path"; globs stay as they are. */
export const pathPatterns = (args: readonly string[]): string[] => args.map((a) => unitNameMangle(a, { allowGlobs: true, suffix: '.path' }));
