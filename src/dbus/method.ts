/**
 * One D-Bus method as svcd serves it: its signatures (checked before the handler runs, so a handler
 * reads its arguments by type), whether only root may call it, and the handler. Interfaces are
 * tables of these; Introspect's XML is written from the same tables.
 */
import type { ManagerApi } from '../engine/api.js';
import type { Caller } from './connection.js';
import { BusError, DBUS_ERROR } from './errors.js';

export interface CallContext {
  readonly api: ManagerApi;
  readonly caller: Caller;
  /** Sends a signal to every peer (Reloading, around a daemon-reload). */
  readonly emit: (path: string, iface: string, member: string, signature: string, body: readonly unknown[]) => void;
}

export interface Method {
  readonly name: string;
  /** Argument signature, one complete type per argument. */
  readonly in: string;
  readonly out: string;
  /** It changes the system: refused to callers other than root (systemd without polkit). */
  readonly mutating: boolean;
  call(args: readonly unknown[], ctx: CallContext): readonly unknown[] | Promise<readonly unknown[]>;
}

export interface SignalSpec {
  readonly name: string;
  readonly sig: string;
}

export interface InterfaceSpec {
  readonly name: string;
  readonly methods: readonly Method[];
  readonly signals?: readonly SignalSpec[];
}

/** A method whose handler gets the arguments typed as its signature promises. */
export function method<A extends readonly unknown[]>(name: string, inSig: string, out: string, mutating: boolean, call: (args: A, ctx: CallContext) => readonly unknown[] | Promise<readonly unknown[]>): Method {
  return { name, in: inSig, out, mutating, call: (args, ctx) => call(args as unknown as A, ctx) };
}

/** A method systemd has and svcd does not do: listed (Introspect shows it) and answered with NotSupported. */
export const notSupported = (name: string, inSig: string, out: string, mutating = true): Method =>
  method(name, inSig, out, mutating, () => {
    throw new BusError(DBUS_ERROR.notSupported, `${name} is not supported by svcd.`);
  });

/** Splits a signature into its complete types ("sas(uo)" → s, as, (uo)). */
export function completeTypes(sig: string): string[] {
  const out: string[] = [];
  let i = 0;
  const one = (): void => {
    const c = sig[i++];
    if (c === 'a') return one();
    if (c === '(' || c === '{') {
      const close = c === '(' ? ')' : '}';
      while (i < sig.length && sig[i] !== close) one();
      i++;
    }
  };
  while (i < sig.length) {
    const start = i;
    one();
    out.push(sig.slice(start, i));
  }
  return out;
}
