/**
 * Dependency kinds and the behaviour atoms they stand for (the idea of systemd's atom_map).
 *
 * A unit file speaks in kinds (Requires=, Wants=, PartOf=…); the engine acts on atoms ("a start of
 * me pulls in a start of you, and it matters", "a stop of me propagates to you"). Keeping the
 * translation in one table means the engine never asks "is this a Requires= edge?" and a new kind
 * is one row here. Reverse kinds (RequiredBy, WantedBy…) are derived from the forward ones: the
 * loader never parses them, the graph adds them when it adds the forward edge.
 *
 * The rows follow the prose of systemd.unit(5) (252):
 *  - Requires=: a start pulls in a start that matters; if the other unit is explicitly stopped or
 *    restarted, so is this one (that is the RequiredBy side: propagate stop/restart to dependents).
 *  - Wants=: a start pulls in a start that does not matter.
 *  - Requisite=: the other unit must already be active (verify-active); stop/restart propagate as
 *    for Requires=.
 *  - BindsTo=: like Requires=, and in addition this unit cannot stay active without the other.
 *  - PartOf=: stop and restart of the other unit propagate here, nothing else.
 *  - Upholds=: like Wants=, and the other unit is restarted whenever it goes down while we are up.
 *  - Conflicts=: a start of one pulls in a stop of the other (mattering on the Conflicts= side only).
 *  - PropagatesStopTo=: a stop of this unit stops the other.
 *  - OnFailure=/OnSuccess=, PropagatesReloadTo=, Before=/After= are single atoms.
 */

export const FORWARD_KINDS = [
  'Requires', 'Requisite', 'Wants', 'BindsTo', 'PartOf', 'Upholds', 'Conflicts', 'Before', 'After',
  'OnFailure', 'OnSuccess', 'PropagatesReloadTo', 'ReloadPropagatedFrom', 'PropagatesStopTo',
  'StopPropagatedFrom', 'JoinsNamespaceOf', 'Triggers',
] as const;
export type ForwardKind = (typeof FORWARD_KINDS)[number];

/** Each kind's reverse; a pair is listed once and mirrored below. */
const PAIRS: readonly (readonly [string, string])[] = [
  ['Requires', 'RequiredBy'], ['Requisite', 'RequisiteOf'], ['Wants', 'WantedBy'], ['BindsTo', 'BoundBy'],
  ['PartOf', 'ConsistsOf'], ['Upholds', 'UpheldBy'], ['Conflicts', 'ConflictedBy'], ['Before', 'After'],
  ['OnFailure', 'OnFailureOf'], ['OnSuccess', 'OnSuccessOf'], ['PropagatesReloadTo', 'ReloadPropagatedFrom'],
  ['PropagatesStopTo', 'StopPropagatedFrom'], ['Triggers', 'TriggeredBy'], ['JoinsNamespaceOf', 'JoinsNamespaceOf'],
];

export const ALL_KINDS = [
  ...FORWARD_KINDS, 'RequiredBy', 'RequisiteOf', 'WantedBy', 'BoundBy', 'ConsistsOf', 'UpheldBy', 'ConflictedBy',
  'OnFailureOf', 'OnSuccessOf', 'TriggeredBy',
] as const;
export type Kind = (typeof ALL_KINDS)[number];

export const REVERSE: Readonly<Record<Kind, Kind>> = (() => {
  const r: Partial<Record<Kind, Kind>> = {};
  for (const [a, b] of PAIRS) {
    r[a as Kind] = b as Kind;
    r[b as Kind] = a as Kind;
  }
  return r as Record<Kind, Kind>;
})();

export const ATOMS = [
  /** A start of this unit pulls in a start of the other; failing to add it fails the transaction. */
  'pull-in-start',
  /** A start pulls in a start that does not matter to the anchor (errors ignored). */
  'pull-in-start-ignored',
  /** A start pulls in verify-active of the other. */
  'pull-in-verify',
  /** A start pulls in a stop of the other, and that stop matters. */
  'pull-in-stop',
  /** A start pulls in a stop of the other that does not matter. */
  'pull-in-stop-ignored',
  /** The other unit becoming active unexpectedly starts this one's dependency with mode replace… */
  'retroactive-start-replace',
  /** …or with mode fail. */
  'retroactive-start-fail',
  /** This unit becoming active stops the other. */
  'retroactive-stop-on-start',
  /** This unit becoming inactive stops the other. */
  'retroactive-stop-on-stop',
  /** A stop of this unit propagates as a stop to the other. */
  'propagate-stop',
  /** A restart of this unit propagates as a try-restart to the other. */
  'propagate-restart',
  /** PropagatesStopTo=: like propagate-stop, asked for explicitly. */
  'propagate-stop-graceful',
  /** A failed start of this unit fails the other's pending start with result "dependency". */
  'propagate-start-failure',
  /** …and so does this unit being inactive when the other's verify-active runs (Requisite=). */
  'propagate-inactive-start-as-failure',
  /** A failed stop of this unit fails the other's pending start. */
  'propagate-stop-failure',
  /** This unit cannot be active while the other is not (BindsTo=). */
  'cannot-be-active-without',
  /** The other unit is checked for "unneeded" when this one changes state. */
  'add-stop-when-unneeded-queue',
  /** This unit keeps the other from being stopped as unneeded while this one is up. */
  'pins-stop-when-unneeded',
  /** The other is restarted whenever it is down while this unit is up (Upholds=). */
  'start-steadily',
  /** When this unit goes down, units bound to it are checked. */
  'add-cannot-be-active-without-queue',
  /** A target with DefaultDependencies= orders itself after the other. */
  'default-target-dependencies',
  'on-failure', 'on-success', 'on-failure-of', 'on-success-of',
  'before', 'after',
  'propagates-reload-to',
  'triggers', 'triggered-by',
  'joins-namespace-of',
] as const;
export type Atom = (typeof ATOMS)[number];

/** The table. Kinds that only exist to be shown (ReloadPropagatedFrom…) have no atoms. */
export const KIND_ATOMS: Readonly<Record<Kind, readonly Atom[]>> = {
  Requires: ['pull-in-start', 'retroactive-start-replace', 'add-stop-when-unneeded-queue'],
  Requisite: ['pull-in-verify', 'add-stop-when-unneeded-queue'],
  Wants: ['pull-in-start-ignored', 'retroactive-start-fail', 'add-stop-when-unneeded-queue'],
  BindsTo: ['pull-in-start', 'retroactive-start-replace', 'cannot-be-active-without', 'add-stop-when-unneeded-queue'],
  Upholds: ['pull-in-start-ignored', 'retroactive-start-replace', 'add-stop-when-unneeded-queue'],
  PartOf: [],
  RequiredBy: ['propagate-stop', 'propagate-restart', 'propagate-start-failure', 'pins-stop-when-unneeded', 'default-target-dependencies'],
  RequisiteOf: ['propagate-stop', 'propagate-restart', 'propagate-start-failure', 'propagate-inactive-start-as-failure', 'pins-stop-when-unneeded', 'default-target-dependencies'],
  WantedBy: ['pins-stop-when-unneeded', 'default-target-dependencies'],
  BoundBy: ['retroactive-stop-on-stop', 'propagate-stop', 'propagate-restart', 'propagate-start-failure', 'pins-stop-when-unneeded', 'add-cannot-be-active-without-queue', 'default-target-dependencies'],
  UpheldBy: ['start-steadily', 'pins-stop-when-unneeded', 'default-target-dependencies'],
  ConsistsOf: ['propagate-stop', 'propagate-restart'],
  Conflicts: ['pull-in-stop', 'retroactive-stop-on-start'],
  ConflictedBy: ['pull-in-stop-ignored', 'retroactive-stop-on-start', 'propagate-stop-failure'],
  PropagatesStopTo: ['retroactive-stop-on-stop', 'propagate-stop-graceful'],
  StopPropagatedFrom: [],
  Before: ['before'],
  After: ['after'],
  OnFailure: ['on-failure'],
  OnFailureOf: ['on-failure-of'],
  OnSuccess: ['on-success'],
  OnSuccessOf: ['on-success-of'],
  PropagatesReloadTo: ['propagates-reload-to'],
  ReloadPropagatedFrom: [],
  Triggers: ['triggers'],
  TriggeredBy: ['triggered-by'],
  JoinsNamespaceOf: ['joins-namespace-of'],
};

/** For each atom, the kinds that carry it: what the graph walks to answer "units with atom X". */
export const KINDS_WITH_ATOM: Readonly<Record<Atom, readonly Kind[]>> = (() => {
  const r = Object.fromEntries(ATOMS.map((a) => [a, [] as Kind[]])) as Record<Atom, Kind[]>;
  for (const k of ALL_KINDS) for (const a of KIND_ATOMS[k]) r[a].push(k);
  return r;
})();

export function isForwardKind(k: string): k is ForwardKind {
  return (FORWARD_KINDS as readonly string[]).includes(k);
}
