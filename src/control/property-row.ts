/**
 * One property row: its name, D-Bus interface and signature as org.freedesktop.systemd1(5) defines
 * them, and how its value is read. The typed values every row carries; the tables of rows are
 * property-table.ts's and the files it gathers (context-rows.ts, socket-properties.ts).
 */
import type { ExecStatus, Timestamp, UnitStatus } from '../engine/api.js';
import { USEC_INFINITY } from '../shared/timespan.js';

/** One Exec*= line as D-Bus carries it: a(sasbttttuii), or a(sasasttttuii) for the …Ex= form. */
export interface ExecCommandValue {
  readonly path: string;
  readonly argv: readonly string[];
  readonly ignoreErrors: boolean;
  /** The …Ex= form's flags ("ignore-failure", …). */
  readonly flags: readonly string[];
  readonly run: ExecStatus;
}

interface Values {
  s: string;
  b: boolean;
  u: number;
  i: number;
  t: bigint;
  d: number;
  y: number;
  as: readonly string[];
  /** Bytes (InvocationID=, an id128: 16 bytes, or none before the unit first ran). */
  ay: Uint8Array;
  'a(sb)': readonly (readonly [string, boolean])[];
  'a(sasbttttuii)': readonly ExecCommandValue[];
  'a(sasasttttuii)': readonly ExecCommandValue[];
  '(uo)': readonly [number, string];
  /** An exit-status list (SuccessExitStatus= and kin): exit statuses, then signals. */
  '(aiai)': readonly [readonly number[], readonly number[]];
  /** TimersMonotonic=: base, time span, next elapse (monotonic µs). */
  'a(stt)': readonly (readonly [string, bigint, bigint])[];
  /** TimersCalendar=: base, expression, next elapse (realtime µs). */
  'a(sst)': readonly (readonly [string, string, bigint])[];
  /** Paths=: type, path; a socket's Listen=: (type word, address) per Listen…= line; TemporaryFileSystem=: path, options. */
  'a(ss)': readonly (readonly [string, string])[];
  /** RestrictAddressFamilies=: whether the list is an allow list, and the families' names. */
  '(bas)': readonly [boolean, readonly string[]];
  /** BindPaths=/BindReadOnlyPaths=: source, destination, ignore a missing source, mount flags (MS_REC). */
  'a(ssbt)': readonly (readonly [string, string, boolean, bigint])[];
  /** TTYRows=/TTYColumns= (UINT16_MAX: unset). */
  q: number;
  /** LogExtraFields=: each "FIELD=value" as bytes. */
  aay: readonly Uint8Array[];
  /** SELinuxContext= and kin: whether a failure is ignored ("-"), the label. */
  '(bs)': readonly [boolean, string];
  /** LoadError=: the D-Bus error name and message ("", "" for a unit that loaded). */
  '(ss)': readonly [string, string];
  /** A signed 64-bit number (MessageQueueMaxMessages=, MessageQueueMessageSize=). */
  x: bigint;
}
export type Signature = keyof Values;
export type BusValue = { [K in Signature]: { readonly sig: K; readonly v: Values[K] } }[Signature];

export type Interface = 'org.freedesktop.systemd1.Manager' | 'org.freedesktop.systemd1.Unit' | 'org.freedesktop.systemd1.Service' | 'org.freedesktop.systemd1.Socket' | 'org.freedesktop.systemd1.Timer' | 'org.freedesktop.systemd1.Path' | 'org.freedesktop.systemd1.Slice';

export interface PropertyRow<S> {
  readonly name: string;
  readonly iface: Interface;
  readonly sig: Signature;
  /** undefined: the object has no such property now (a resource limit left to the inherited one). */
  read(s: S): BusValue | undefined;
}

export function row<S, K extends Signature>(iface: Interface, name: string, sig: K, get: (s: S) => Values[K] | undefined): PropertyRow<S> {
  return {
    name,
    iface,
    sig,
    read: (s) => {
      const v = get(s);
      return v === undefined ? undefined : ({ sig, v } as BusValue);
    },
  };
}

/** Both halves of a timestamp property pair: NAME (realtime) and NAMEMonotonic. */
export function stamp<S>(iface: Interface, name: string, get: (s: S) => Timestamp): PropertyRow<S>[] {
  return [row(iface, name, 't', (s: S) => get(s).realtimeUs), row(iface, `${name}Monotonic`, 't', (s: S) => get(s).monotonicUs)];
}


/** A manager default in ms as the µs systemd keeps (Infinity: no limit). */
export const usecOf = (ms: number): bigint => (Number.isFinite(ms) ? BigInt(Math.round(ms * 1000)) : USEC_INFINITY);

/**
 * Whether the unit's file was read: a unit that is not found (or masked) shows a service's initial
 * values, before the manager's defaults and the file's settings were applied, as systemd's does.
 */
export const loaded = (st: UnitStatus) => st.model.loadState === 'loaded';
