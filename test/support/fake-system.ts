/**
 * A System for tests and simulations: a fake clock in milliseconds, timers run in (due time,
 * creation) order, and processes whose behaviour a script decides (exit after N ms with a code,
 * run until signalled, ignore SIGTERM). Nothing real is spawned, so engine tests are exact and fast.
 *
 * Everything that happens is appended to `events` with its time, so tests can check the order of
 * spawns and kills against the dependency graph.
 */
import { SIGNAL_NUMBERS, SpawnFailure, SpawnResourceFailure, type ChildExitEvent, type Connection, type ListenFailure, type ListenRequest, type PidFileContent, type SignalName, type SpawnRequest, type System, type TimerHandle } from '../../src/engine/system.js';

export interface ProgramBehaviour {
  /** Exit on its own after this many ms (undefined: run until killed). */
  readonly exitAfterMs?: number;
  readonly exitCode?: number;
  /** ms between SIGTERM and exit; 'ignore': only SIGKILL ends it. */
  readonly onSigterm?: number | 'ignore';
  /** Signals it ignores besides SIGTERM (SIGABRT, SIGQUIT …): by default those end it at once. */
  readonly ignores?: readonly SignalName[];
}

/**
 * 'fail-to-spawn': the program cannot be executed (the child fails at execve: 203/EXEC);
 * 'no-resources': svcd cannot make the process at all (EMFILE on its pipe, EAGAIN from clone).
 */
export type Script = (req: SpawnRequest) => ProgramBehaviour | 'fail-to-spawn' | 'no-resources';

export interface FakeEvent {
  readonly at: number;
  readonly what: 'spawn' | 'kill' | 'exit';
  readonly unit: string;
  readonly pid: number;
  readonly argv?: readonly string[];
  readonly signal?: SignalName;
  readonly code?: number;
}

interface Timer {
  readonly due: number;
  readonly seq: number;
  readonly fn: () => void;
  canceled: boolean;
}

export class FakeSystem implements System {
  private clock = 0;
  private seq = 0;
  private nextPid = 100;
  private timers: Timer[] = [];
  private exitHandler: (e: ChildExitEvent) => void = () => {};
  private notifyHandler: (pid: number, message: string, uid: number, fds: readonly number[]) => void = () => {};
  readonly processes = new Map<number, { req: SpawnRequest; behaviour: ProgramBehaviour; exiting: boolean }>();
  readonly events: FakeEvent[] = [];
  /** PIDFile= contents, by path, as a forking daemon would leave them (a bare pid: a file root owns). */
  readonly pidFiles = new Map<string, number | PidFileContent>();
  /** The unit of every process ever started, exited ones included (lastUnitOf). */
  private readonly unitOfPid = new Map<number, string>();

  constructor(private readonly script: Script = () => ({})) {}

  now(): number {
    return this.clock;
  }

  setTimer(ms: number, fn: () => void): TimerHandle {
    const t: Timer = { due: this.clock + Math.max(0, ms), seq: this.seq++, fn, canceled: false };
    this.timers.push(t);
    return { cancel: () => void (t.canceled = true) };
  }

  spawn(req: SpawnRequest): number {
    const behaviour = this.script(req);
    if (behaviour === 'fail-to-spawn') throw new SpawnFailure(`Failed at step EXEC spawning ${req.argv[0]}: No such file or directory`, 203);
    if (behaviour === 'no-resources') throw new SpawnResourceFailure('Too many open files');
    const pid = this.nextPid++;
    this.processes.set(pid, { req, behaviour, exiting: false });
    this.unitOfPid.set(pid, req.unit);
    this.events.push({ at: this.clock, what: 'spawn', unit: req.unit, pid, argv: req.argv });
    if (behaviour.exitAfterMs !== undefined) this.exitLater(pid, behaviour.exitAfterMs, behaviour.exitCode ?? 0, 0);
    return pid;
  }

  kill(target: number, sig: SignalName | number): void {
    // A process group is its leader here: every fake process leads its own.
    const pid = Math.abs(target);
    const signal = typeof sig === 'number' ? (Object.entries(SIGNAL_NUMBERS).find(([, n]) => n === sig)?.[0] as SignalName | undefined) : sig;
    const p = this.processes.get(pid);
    if (!p || !signal) return;
    this.events.push({ at: this.clock, what: 'kill', unit: p.req.unit, pid, signal });
    if (signal === 'SIGKILL') return this.exitLater(pid, 0, 0, 9);
    if (signal === 'SIGTERM' && p.behaviour.onSigterm !== 'ignore') this.exitLater(pid, p.behaviour.onSigterm ?? 0, 0, 15);
    if ((signal === 'SIGABRT' || signal === 'SIGQUIT') && !p.behaviour.ignores?.includes(signal)) this.exitLater(pid, 0, 0, SIGNAL_NUMBERS[signal]);
  }

  /** Wall-clock time: starts at `realtimeBaseUs` (the real clock by default) and runs with the fake clock; `setWallClock` steps it. */
  realtimeBaseUs = BigInt(Date.now()) * 1000n;
  realtimeUs(): bigint {
    return this.realtimeBaseUs + BigInt(Math.round(this.clock * 1000));
  }

  /** Steps the wall clock to `us` now (the monotonic clock does not move). */
  setWallClock(us: bigint): void {
    this.realtimeBaseUs = us - BigInt(Math.round(this.clock * 1000));
  }

  /** Persistent= stamps, by unit (realtime µs). */
  readonly timerStamps = new Map<string, bigint>();
  readTimerStamp(unit: string): bigint | undefined {
    return this.timerStamps.get(unit);
  }
  writeTimerStamp(unit: string, realtimeUs: bigint): void {
    this.timerStamps.set(unit, realtimeUs);
  }

  /** The live processes spawned or adopted for the unit, and the known pids still alive. */
  unitProcesses(unit: string, known: readonly number[]): readonly number[] {
    const out = new Set<number>();
    for (const [pid, p] of this.processes) if (p.req.unit === unit || known.includes(pid)) out.add(pid);
    return [...out];
  }

  /** Every fake process belongs to a unit: there are no strays. */
  strayProcesses(): readonly number[] {
    return [];
  }

  /** No processes survive from a previous manager here: nothing to adopt. */
  adoptInvocation(): void {}

  /** Every fake process is the manager's own child. */
  isManagerChild(pid: number): boolean {
    return this.processes.has(pid);
  }

  /** A fake process lives until it exits (there are no zombies here). */
  isAlive(pid: number): boolean {
    return this.processes.has(pid);
  }

  lastUnitOf(pid: number): string | undefined {
    return this.unitOfPid.get(pid);
  }

  unitOfProcess(pid: number): { readonly unit: string } | undefined {
    const p = this.processes.get(pid);
    return p ? { unit: p.req.unit } : undefined;
  }

  /** Nothing is made for a run (no PrivateTmp=, no cgroup): nothing to release. */
  releaseRuntime(): void {}
  realizeSlice(): void {}

  /** OOM kills to report, by unit (a test sets them before the process's exit). */
  readonly oomKills = new Map<string, number>();
  takeOomKills(unit: string): number {
    const n = this.oomKills.get(unit) ?? 0;
    this.oomKills.delete(unit);
    return n;
  }

  /** No cgroups, no accounting. */
  resourceUsage(): undefined {
    return undefined;
  }

  /** No cgroups: the manager shows the path systemd would use. */
  controlGroup(): string | undefined {
    return undefined;
  }

  readPidFile(path: string): PidFileContent | undefined {
    const file = this.pidFiles.get(path);
    if (file === undefined) return undefined;
    return typeof file === 'number' ? { pid: file, ownerUid: 0, unsafeSymlinkChain: false } : file;
  }

  /** A process the unit's command left behind (a forking daemon's child), running until signalled. */
  adopt(unit: string, argv: readonly string[], behaviour: ProgramBehaviour = {}): number {
    const pid = this.nextPid++;
    this.processes.set(pid, { req: { unit, argv, role: 'main' }, behaviour, exiting: false });
    this.unitOfPid.set(pid, unit);
    this.events.push({ at: this.clock, what: 'spawn', unit, pid, argv });
    return pid;
  }

  onChildExit(handler: (e: ChildExitEvent) => void): void {
    this.exitHandler = handler;
  }

  onNotify(handler: (pid: number, message: string, uid: number, fds: readonly number[]) => void): void {
    this.notifyHandler = handler;
  }

  /** Delivers an sd_notify message as if `pid`, running as `uid`, had sent it (with `fds`). */
  sendNotify(pid: number, message: string, uid = 0, fds: readonly number[] = []): void {
    this.notifyHandler(pid, message, uid, fds);
  }

  sameFile(a: number, b: number): boolean {
    return a === b;
  }

  /** Makes a running process exit now (a crash, an outside kill). */
  exitNow(pid: number, code: number, signal = 0): void {
    const p = this.processes.get(pid);
    if (!p) return;
    this.processes.delete(pid);
    this.events.push({ at: this.clock, what: 'exit', unit: p.req.unit, pid, code: signal || code });
    this.exitHandler({ pid, code, signal });
  }

  private exitLater(pid: number, ms: number, code: number, signal: number): void {
    const p = this.processes.get(pid);
    if (!p || (p.exiting && signal !== 9)) return;
    p.exiting = true;
    this.setTimer(ms, () => this.exitNow(pid, code, signal));
  }

  /** Runs timers due within `ms` from now, in order, moving the clock to each. */
  advance(ms: number): void {
    const until = this.clock + ms;
    for (;;) {
      const t = this.nextTimer();
      if (!t || t.due > until) break;
      this.fire(t);
    }
    this.clock = until;
  }

  /** Runs timers until none is left (or `limitMs` of fake time passed); returns the time it stopped at. */
  runUntilIdle(limitMs = 24 * 3600 * 1000): number {
    const until = this.clock + limitMs;
    for (;;) {
      const t = this.nextTimer();
      if (!t || t.due > until) break;
      this.fire(t);
    }
    return this.clock;
  }

  private nextTimer(): Timer | undefined {
    this.timers = this.timers.filter((t) => !t.canceled);
    let best: Timer | undefined;
    for (const t of this.timers) if (!best || t.due < best.due || (t.due === best.due && t.seq < best.seq)) best = t;
    return best;
  }

  private fire(t: Timer): void {
    t.canceled = true;
    this.clock = Math.max(this.clock, t.due);
    t.fn();
  }

  // ---- socket units: fds are numbers, a connection is a test's call ----

  /** Addresses (as written) whose bind fails, with the message the unit logs. */
  readonly refusedAddresses = new Map<string, string>();
  /** Open fds and what each listens on. */
  readonly openFds = new Map<number, string>();
  private nextFd = 1000;
  private readonly watches = new Map<number, () => void>();
  private readonly waiting = new Map<number, Connection[]>();

  openListeners(_unit: string, listen: readonly ListenRequest[]): readonly number[] | ListenFailure {
    const opened: number[] = [];
    for (const l of listen) {
      const refused = this.refusedAddresses.get(l.address);
      if (refused !== undefined) {
        for (const fd of opened) this.openFds.delete(fd);
        return { error: refused, reason: refused.replace(/^.*: /, '') };
      }
      const fd = this.nextFd++;
      this.openFds.set(fd, l.address);
      opened.push(fd);
    }
    return opened;
  }

  closeListeners(fds: readonly number[]): void {
    for (const fd of fds) this.openFds.delete(fd);
  }

  watchReadable(fds: readonly number[], fn: (index: number) => void): TimerHandle {
    fds.forEach((fd, i) => this.watches.set(fd, () => fn(i)));
    return { cancel: () => fds.forEach((fd) => this.watches.delete(fd)) };
  }

  /** A client connects to (or sends to) the socket listening on `address`; false when nothing watches it. */
  connect(address: string, endpoints = '127.0.0.1:1-127.0.0.1:2'): boolean {
    const entry = [...this.openFds].find(([, a]) => a === address);
    if (!entry) return false;
    const [fd] = entry;
    // "LOCAL-REMOTE" with ports: the source is the remote address without its port.
    const remote = endpoints.slice(endpoints.indexOf('-') + 1);
    const conn = { fd: this.nextFd++, endpoints, source: remote.slice(0, remote.lastIndexOf(':')), peer: remote };
    this.openFds.set(conn.fd, `connection ${endpoints}`);
    this.waiting.set(fd, [...(this.waiting.get(fd) ?? []), conn]);
    const w = this.watches.get(fd);
    if (!w) return false;
    w();
    return true;
  }

  acceptConnection(fd: number): Connection | undefined {
    const list = this.waiting.get(fd) ?? [];
    const c = list.shift();
    return c;
  }

  closeFd(fd: number): void {
    this.openFds.delete(fd);
  }
}
