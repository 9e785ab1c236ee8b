/**
 * Every side effect the engine has, behind one interface (the idea of dinit's bp_sys): processes,
 * signals, time. The engine and the unit kinds call nothing else, so tests drive them with
 * FakeSystem (fake-system.ts: fake clock in milliseconds, scripted processes) and svcd with the
 * native addon (an adapter over src/exec, still to be written: see docs/design/engine.md).
 */

export interface SpawnRequest {
  readonly unit: string;
  /** argv[0] is the program path. */
  readonly argv: readonly string[];
  /** main: the service's main process; control: ExecStartPre=/ExecReload=/… helpers. */
  readonly role: 'main' | 'control';
}

export interface ChildExitEvent {
  readonly pid: number;
  /** Exit status when the process exited, else 0. */
  readonly code: number;
  /** Terminating signal number, 0 when it exited. */
  readonly signal: number;
}

export interface TimerHandle {
  cancel(): void;
}

export type SignalName = 'SIGTERM' | 'SIGKILL' | 'SIGHUP' | 'SIGINT' | 'SIGUSR1' | 'SIGUSR2';

export interface System {
  /** Monotonic time in milliseconds. */
  now(): number;
  setTimer(ms: number, fn: () => void): TimerHandle;
  /** Starts a process; returns its pid or throws when it could not be started. */
  spawn(req: SpawnRequest): number;
  kill(pid: number, signal: SignalName): void;
  /** Registers the handler for exits of processes the engine spawned (and orphans it reaped). */
  onChildExit(handler: (e: ChildExitEvent) => void): void;
  /** Registers the handler for sd_notify datagrams (sender pid, raw message). */
  onNotify(handler: (pid: number, message: string) => void): void;
}
