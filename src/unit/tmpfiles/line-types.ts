/**
 * The line types of tmpfiles.d(5), one row each, read by the parser and the applier alike (as
 * systemd-tmpfiles' ItemType enum and its needs_glob()/takes_ownership() sets).
 *   glob:      the path is a pattern matched against what exists (these lines alter things, so
 *              they are applied after the ones that create: systemd keeps them in a second table);
 *   owns:      the line creates or owns its path, so a second owning line for the same path must
 *              agree with it or be dropped as a duplicate, and it is applied before lines that
 *              only adjust;
 *   argument:  'none' (an argument is warned about and ignored), 'optional', 'required' (the
 *              message systemd gives when it is missing);
 *   directory: created as a directory, so the default mode is 0755 rather than 0644.
 */

export type LineType =
  | 'f' | 'F' | 'w' | 'd' | 'D' | 'e' | 'v' | 'q' | 'Q' | 'p' | 'L' | 'c' | 'b' | 'C'
  | 'x' | 'X' | 'r' | 'R' | 'z' | 'Z' | 't' | 'T' | 'h' | 'H' | 'a' | 'A' | 'm';

export interface LineTypeInfo {
  readonly glob: boolean;
  readonly owns: boolean;
  readonly argument: 'none' | 'optional' | { readonly required: string };
  readonly directory: boolean;
}

const row = (glob: boolean, owns: boolean, argument: LineTypeInfo['argument'], directory = false): LineTypeInfo => ({ glob, owns, argument, directory });
const NONE = 'none';
const OPT = 'optional';

export const LINE_TYPES: Readonly<Record<LineType, LineTypeInfo>> = {
  f: row(false, true, OPT),
  F: row(false, true, OPT),
  w: row(true, true, { required: 'Write file requires argument.' }),
  d: row(false, true, NONE, true),
  D: row(false, true, NONE, true),
  e: row(true, true, NONE),
  v: row(false, true, NONE, true),
  q: row(false, true, NONE, true),
  Q: row(false, true, NONE, true),
  p: row(false, true, NONE),
  L: row(false, true, OPT),
  c: row(false, true, { required: 'Device file requires argument.' }),
  b: row(false, true, { required: 'Device file requires argument.' }),
  C: row(false, true, OPT),
  x: row(true, true, NONE),
  X: row(true, true, NONE),
  r: row(true, true, NONE),
  R: row(true, true, NONE),
  z: row(true, false, NONE),
  Z: row(true, false, NONE),
  t: row(true, false, { required: 'Set extended attribute requires argument.' }),
  T: row(true, false, { required: 'Set extended attribute requires argument.' }),
  h: row(true, false, { required: 'Set file attribute requires argument.' }),
  H: row(true, false, { required: 'Set file attribute requires argument.' }),
  a: row(true, false, { required: 'Set ACLs requires argument.' }),
  A: row(true, false, { required: 'Set ACLs requires argument.' }),
  // The old name of z, still accepted.
  m: row(true, false, NONE),
};

export const isLineType = (c: string): c is LineType => Object.hasOwn(LINE_TYPES, c);

/** The order lines for one path apply in: owning lines first (create, then adjust), then by type. */
export function compareLineTypes(a: LineType, b: LineType): number {
  const oa = LINE_TYPES[a].owns;
  const ob = LINE_TYPES[b].owns;
  if (oa !== ob) return oa ? -1 : 1;
  return a.charCodeAt(0) - b.charCodeAt(0);
}
