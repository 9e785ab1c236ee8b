/**
 * Where a dependency came from, as systemd 252 keeps it for every edge (UnitDependencyMask) and
 * `systemd-analyze dump` prints it: "Requires: db.service (origin-file)" on the unit that asked,
 * "RequiredBy: web.service (destination-file)" on the other end. One table, in systemd's order,
 * which is the order the names are printed in.
 */
import type { Kind } from './atoms.js';

export const DEPENDENCY_ORIGINS = ['file', 'implicit', 'default', 'udev', 'path', 'mount-file', 'mountinfo', 'proc-swap', 'slice-property'] as const;
export type DependencyOrigin = (typeof DEPENDENCY_ORIGINS)[number];

/** Both halves of a dependency's mask: what the unit itself asked for, and what the other end did. */
export interface OriginMask {
  origin: Set<DependencyOrigin>;
  destination: Set<DependencyOrigin>;
}

/** "(origin-file origin-default destination-file)": origins first, each half in the table's order. */
export function originMaskText(m: Readonly<OriginMask>): string {
  const names = [
    ...DEPENDENCY_ORIGINS.filter((o) => m.origin.has(o)).map((o) => `origin-${o}`),
    ...DEPENDENCY_ORIGINS.filter((o) => m.destination.has(o)).map((o) => `destination-${o}`),
  ];
  return names.join(' ');
}

/** A line of a unit's dependency section: a dependency kind, or the reference and slice relations. */
export type DependencyLine = Kind | 'References' | 'ReferencedBy' | 'InSlice' | 'SliceOf';

/** The lines in systemd 252's order (its UnitDependency enum), which dump follows. */
export const DEPENDENCY_LINES: readonly DependencyLine[] = [
  'Requires', 'Requisite', 'Wants', 'BindsTo', 'PartOf', 'Upholds', 'RequiredBy', 'RequisiteOf', 'WantedBy', 'BoundBy',
  'UpheldBy', 'ConsistsOf', 'Conflicts', 'ConflictedBy', 'Before', 'After', 'OnSuccess', 'OnSuccessOf', 'OnFailure', 'OnFailureOf',
  'Triggers', 'TriggeredBy', 'PropagatesReloadTo', 'ReloadPropagatedFrom', 'PropagatesStopTo', 'StopPropagatedFrom', 'JoinsNamespaceOf',
  'References', 'ReferencedBy', 'InSlice', 'SliceOf',
];
