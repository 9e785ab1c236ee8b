/**
 * One module per unit type behind one interface (systemd's unit vtable). The manager never
 * switches on a unit's type: it calls these hooks.
 */
import type { ChildExit } from '../../exec/native.js';
import type { System } from '../../exec/system.js';
import type { RuntimeUnit } from '../runtime-unit.js';

export interface ManagerServices {
  readonly system: System;
  /** Console status lines ("[  OK  ] Started …"). */
  status(kind: 'ok' | 'failed' | 'depend' | 'starting' | 'stopping', text: string): void;
  /** Default timeouts etc. from system.conf, in milliseconds. */
  readonly defaults: { readonly timeoutStopMs: number; readonly timeoutStartMs: number; readonly restartMs: number; readonly startLimitIntervalMs: number; readonly startLimitBurst: number };
  /** stdout/stderr for processes (svcd's own console until the journal lands). */
  readonly outputFds: readonly [number, number];
  /** The NOTIFY_SOCKET path handed to services that may notify. */
  readonly notifySocket?: string;
}

export interface UnitTypeModule {
  /** Begin starting; the unit reports through setState() (active = the start job is done). */
  start(u: RuntimeUnit, m: ManagerServices): void;
  /** Begin stopping; inactive (or failed) when done. */
  stop(u: RuntimeUnit, m: ManagerServices): void;
  /** A process of this unit exited. */
  childExit(u: RuntimeUnit, exit: ChildExit, m: ManagerServices): void;
  /** An sd_notify message from `pid` (already known to belong to this unit). */
  notify?(u: RuntimeUnit, message: string, pid: number, m: ManagerServices): void;
}
