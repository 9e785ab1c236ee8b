/**
 * The directive table: one row per [Section] Key= that systemd 252 knows (catalog.generated.ts),
 * saying how its value is parsed, where it lands in the model, and whether svcd acts on it.
 *
 * Rows written out are "supported" (typed into the model). Every other catalog key still has a
 * row: its value is checked by its type (booleans, time spans, unit names…) with systemd's
 * rejection message, and kept in Unit.ignored as "ignored" (svcd cannot honour it inside a
 * container — sandboxing, resource control) or "not-yet". Nothing a unit file says is dropped
 * silently, and only keys systemd itself does not know are "Unknown key".
 *
 * This file assembles the table from its parts, grouped as systemd's load-fragment-gperf groups
 * them: [Unit] and [Install] (unit-rows.ts), [Service] with the exec and kill contexts
 * (exec-rows.ts), the unit types svcd cannot start yet (not-yet-rows.ts), [Timer] (timer-rows.ts), [Path] (path-rows.ts), and every other key
 * (fallback-rows.ts); behaviour.ts holds what rows are made of. The parts' order is the table's.
 */
import type { DirectiveRow } from './behaviour.js';
import { UNIT_ROWS } from './unit-rows.js';
import { EXEC_ROWS } from './exec-rows.js';
import { NOT_YET_ROWS } from './not-yet-rows.js';
import { SECCOMP_ROWS } from './seccomp-rows.js';
import { MOUNT_ROWS } from './mount-rows.js';
import { fallbackRows } from './fallback-rows.js';
import { TIMER_ROWS } from './timer-rows.js';
import { PATH_ROWS } from './path-rows.js';
import { SOCKET_ROWS } from './socket-rows.js';
import { CGROUP_ROWS } from './cgroup-rows.js';
import { EXEC_KEPT_ROWS } from './exec-kept-rows.js';

const written: readonly DirectiveRow[] = [...UNIT_ROWS, ...EXEC_ROWS, ...NOT_YET_ROWS, ...SECCOMP_ROWS, ...MOUNT_ROWS, ...TIMER_ROWS, ...PATH_ROWS, ...SOCKET_ROWS, ...CGROUP_ROWS, ...EXEC_KEPT_ROWS];
const rows = [...written, ...fallbackRows(new Set(written.map((r) => `${r.section}.${r.key}`)))];

export const DIRECTIVES: readonly DirectiveRow[] = rows;

const index = new Map(rows.map((r) => [`${r.section}.${r.key}`, r]));
export function findDirective(section: string, key: string): DirectiveRow | undefined {
  return index.get(`${section}.${key}`);
}

/** Sections each unit type may have besides [Unit] and [Install]. */
export const TYPE_SECTIONS: Readonly<Record<string, string | undefined>> = {
  service: 'Service', socket: 'Socket', mount: 'Mount', automount: 'Automount', swap: 'Swap', timer: 'Timer',
  path: 'Path', slice: 'Slice', scope: 'Scope', target: undefined, device: undefined,
};
