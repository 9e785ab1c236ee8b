/**
 * The property table's typed values (control/property-table.ts) in the shape dbus-next's
 * marshaller writes: a variant is [signature, value], a struct an array of its members.
 */
import type { BusValue, ExecCommandValue } from '../control/property-table.js';

export type Variant = readonly [string, unknown];

const execTuple = (c: ExecCommandValue, ex: boolean): unknown[] => [
  c.path, [...c.argv], ex ? [...c.flags] : c.ignoreErrors,
  c.run.start.realtimeUs, c.run.start.monotonicUs, c.run.exit.realtimeUs, c.run.exit.monotonicUs,
  c.run.pid, c.run.code, c.run.status,
];

/** The value's D-Bus form, under its table signature. */
export function toWire(value: BusValue): unknown {
  switch (value.sig) {
    case 'a(sasbttttuii)': return value.v.map((c) => execTuple(c, false));
    case 'a(sasasttttuii)': return value.v.map((c) => execTuple(c, true));
    case '(aiai)': return [[...value.v[0]], [...value.v[1]]];
    case 'a(sb)': return value.v.map(([p, b]) => [p, b]);
    case 'a(ssbt)': return value.v.map(([s, d, b, t]) => [s, d, b, t]);
    case '(bas)': return [value.v[0], [...value.v[1]]];
    case '(uo)': return [value.v[0], value.v[1]];
    case 'as': return [...value.v];
    case 'ay': return Buffer.from(value.v);
    case 'aay': return value.v.map((b) => Buffer.from(b));
    case '(bs)': return [value.v[0], value.v[1]];
    case '(ss)': return [value.v[0], value.v[1]];
    default: return value.v;
  }
}

export const variant = (value: BusValue): Variant => [value.sig, toWire(value)];
