/**
 * Everything the engine does to the machine goes through this interface (DESIGN.md §1, dinit's
 * bp_sys): spawning, signalling, child exits, time. NativeSystem is the real one, over the addon;
 * engine tests can substitute their own.
 */
import { chmodSync } from 'node:fs';
import * as native from './native.js';
import type { ChildExit, SpawnSpec } from './native.js';

export interface Timer {
  cancel(): void;
}

export interface System {
  /** Starts a process; throws native.SpawnError when setup fails before exec. */
  spawn(spec: SpawnSpec): number;
  /** Signals a process (negative pid: its process group); 0 or an errno. */
  kill(pid: number, signum: number): number;
  /** Monotonic milliseconds. */
  now(): number;
  setTimer(ms: number, fn: () => void): Timer;
  /** Child exits, orphans included; called once per batch. */
  onExit(fn: (exits: readonly ChildExit[]) => void): void;
  /** Receives sd_notify datagrams on `path`, with the sender's pid. */
  listenNotify(path: string, fn: (message: string, senderPid: number) => void): void;
}

export class NativeSystem implements System {
  private readonly listeners: ((exits: readonly ChildExit[]) => void)[] = [];
  constructor() {
    native.setChildSubreaper();
    native.startReaper((exits) => this.listeners.forEach((l) => l(exits)));
  }
  spawn(spec: SpawnSpec): number {
    return native.spawn(spec);
  }
  kill(pid: number, signum: number): number {
    return native.kill(pid, signum);
  }
  now(): number {
    return performance.now();
  }
  setTimer(ms: number, fn: () => void): Timer {
    const t = setTimeout(fn, ms);
    return { cancel: () => clearTimeout(t) };
  }
  onExit(fn: (exits: readonly ChildExit[]) => void): void {
    this.listeners.push(fn);
  }
  listenNotify(path: string, fn: (message: string, senderPid: number) => void): void {
    native.bindDatagram(path, (data, sender) => fn(data.toString('utf8'), sender.pid));
    // Services run as other users must be able to send; who sent what is checked by credentials.
    chmodSync(path, 0o777);
  }
}
