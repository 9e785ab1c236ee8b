/**
 * The engine's System over the real machine (src/exec): the native spawner with the unit's exec
 * context, signals, the SIGCHLD reaper, the sd_notify socket, the clocks. svcd runs the Engine
 * with this; tests run it with FakeSystem.
 *
 * Processes of a unit: where svcd has a cgroup tree of its own, those in the unit's cgroup (every
 * command moves itself there before exec). Without one: every command is started in a session of
 * its own (systemd does the same), so a unit's processes are those in the sessions and process
 * groups its commands lead, plus those carrying one of its INVOCATION_IDs; one indexed /proc scan
 * serves every unit asking in the same turn of the event loop (a shutdown asks for hundreds).
 */
import { closeSync, readFileSync, readdirSync } from 'node:fs';
import { chmodSync } from 'node:fs';
import { basename } from 'node:path';
import { buildSpawnSpec } from '../exec/exec-context.js';
import { sandboxNotices } from '../exec/sandbox.js';
import { createPrivateTmp, removePrivateTmp, type PrivateTmp } from '../exec/private-tmp.js';
import { resolveStdio, StdioError } from '../exec/stdio.js';
import { prepareDirectories } from '../exec/directories.js';
import type { CgroupTree } from '../exec/cgroup.js';
import { readProcStat, type ProcStat } from '../exec/proc-stat.js';
import * as native from '../exec/native.js';
import { SpawnFailure, type ChildExitEvent, type SignalName, type SpawnRequest, type System, type TimerHandle } from './system.js';
import { SIGNAL_NUMBERS } from './system.js';

export interface NativeSystemOptions {
  /** Where sd_notify datagrams arrive (NOTIFY_SOCKET); none: no notify support. */
  readonly notifySocket?: string;
  /** stdout and stderr for services (svcd's own until the journal captures them). */
  readonly outputFds?: readonly [number, number];
  /** Variables every process gets (DefaultEnvironment=, container=), before the unit's own. */
  readonly managerEnv?: Readonly<Record<string, string>>;
  /** Where StandardOutput=journal goes (svcd's Journal); none: svcd's own stdout/stderr. */
  readonly journal?: OutputSink;
  /** A notice about a unit (a setting that could not be honoured). */
  readonly notice?: (unit: string, text: string) => void;
  /** A cgroup per unit (src/exec/cgroup.ts), where svcd has a cgroup of its own; none: tracking by session and INVOCATION_ID. */
  readonly cgroups?: CgroupTree;
}

/** A unit's LogRateLimitIntervalSec= (µs) / LogRateLimitBurst=; an unset one is the journal's. */
export interface LogRateLimit {
  readonly intervalUsec?: number;
  readonly burst?: number;
}

/** A journal stream per process: the write end for the child, told the child's pid once it runs. */
export interface OutputSink {
  openStream(meta: { unit: string; invocationId: string; cgroup?: string; identifier: string; levelPrefix: boolean; rateLimit?: LogRateLimit }): { fd: number; started(pid: number): void };
}

/** The unit a process was started for (what the journal puts in _SYSTEMD_UNIT= and rate-limits by). */
export interface ProcessOwner {
  readonly unit: string;
  readonly invocationId: string;
  /** The unit's cgroup, where units have cgroups of their own (the journal's _SYSTEMD_CGROUP=). */
  readonly cgroup?: string;
  readonly rateLimit?: LogRateLimit;
}

/** LogRateLimitIntervalSec=/LogRateLimitBurst= when the unit sets either. */
function logRateLimit(exec: { logRateLimitIntervalUSec?: bigint; logRateLimitBurst?: number }): LogRateLimit | undefined {
  const i = exec.logRateLimitIntervalUSec;
  if (i === undefined && exec.logRateLimitBurst === undefined) return undefined;
  return { intervalUsec: i === undefined ? undefined : i >= 2n ** 53n ? Number.MAX_SAFE_INTEGER : Number(i), burst: exec.logRateLimitBurst };
}

/** A process that exists and has not exited (a zombie has). */
const isLive = (pid: number): boolean => {
  const st = readProcStat(pid);
  return st !== undefined && st.state !== 'Z';
};

/** How long a scan of /proc is reused (see processTable). */
const PROC_TABLE_TTL_MS = 50;

/** One read of /proc, indexed for the per-unit questions a shutdown asks a thousand times. */
interface ProcScan {
  readonly entries: readonly ProcEntry[];
  /** Each pid under itself, its session and its process group. */
  readonly byLeader: ReadonlyMap<number, readonly number[]>;
  /** Each pid under its INVOCATION_ID, made on first need. */
  byInvocation?: Map<string, number[]>;
}

type ProcEntry = ProcStat;

export class NativeSystem implements System {
  private exitHandler?: (e: ChildExitEvent) => void;
  /** Exits reaped before anyone listened (the reaper's first sweep after daemon-reexec). */
  private pendingExits: ChildExitEvent[] = [];
  private notifyHandler: (pid: number, message: string) => void = () => {};
  private procCache?: ProcScan;
  private procCacheAt = 0;
  /** Whether procCache was read in this turn of the event loop (what `fresh` accepts). */
  private procCacheThisTurn = false;
  /** Pids reaped since procCache was read: left out of its answers. */
  private readonly reapedSinceScan = new Set<number>();
  private readonly prepared = new Set<string>();
  /** PrivateTmp= directories of each unit's current run, until releaseRuntime(). */
  private readonly privateTmps = new Map<string, { readonly invocation: string; readonly dirs: PrivateTmp }>();
  /** Whether this container lets a process have a mount namespace (learnt from the first try). */
  private mountNamespaces: 'unknown' | 'yes' | 'no' = 'unknown';
  private mountNamespaceError = '';
  /** Every INVOCATION_ID a unit's processes were started with, and back. */
  private readonly invocations = new Map<string, Set<string>>();
  private readonly unitOfInvocation = new Map<string, string>();
  /** INVOCATION_ID from /proc/PID/environ, read once per process (pid and start time). */
  private readonly environ = new Map<number, { readonly start: string; readonly invocation?: string }>();
  /** Processes svcd itself started and has not reaped yet. */
  private readonly spawned = new Set<number>();
  /** The unit each process was last counted in: orphans are reaped after /proc forgets them. */
  private readonly lastUnit = new Map<number, string>();
  private readonly noticed = new Set<string>();
  /** Processes svcd started, by pid: whose unit they run for (unitOfProcess). Dropped when reaped. */
  private readonly leaders = new Map<number, ProcessOwner>();
  /** Processes of svcd's own (generators) and who waits for their exit; the engine never sees them. */
  private readonly helpers = new Map<number, (e: ChildExitEvent) => void>();
  /** The owner of each unit's latest process: what a process found in the unit's cgroup runs for. */
  private readonly owners = new Map<string, ProcessOwner>();

  constructor(private readonly opts: NativeSystemOptions = {}) {
    native.setChildSubreaper();
    native.startReaper((exits) => {
      // A process's last log datagram may be read after its exit is: keep its unit a moment longer.
      for (const e of exits) {
        const owner = this.leaders.get(e.pid);
        if (owner) setTimeout(() => this.leaders.get(e.pid) === owner && this.leaders.delete(e.pid), 2000).unref();
      }
      for (const e of exits) {
        const event = { pid: e.pid, code: e.signal ? 0 : e.code, signal: e.signal, coreDumped: e.coreDumped };
        this.forget(e.pid);
        const helper = this.helpers.get(e.pid);
        if (helper) {
          this.helpers.delete(e.pid);
          helper(event);
          continue;
        }
        if (this.exitHandler) this.exitHandler(event);
        else this.pendingExits.push(event);
      }
    });
    if (opts.notifySocket) {
      native.bindDatagram(opts.notifySocket, (data, sender) => this.notifyHandler(sender.pid, data.toString('utf8')));
      // Services run as other users must be able to send; who sent what is checked by credentials.
      chmodSync(opts.notifySocket, 0o777);
    }
  }

  /**
   * CLOCK_MONOTONIC in ms: the *TimestampMonotonic= properties count from boot, as systemd's do,
   * and stay comparable across daemon-reexec (performance.now() restarts with the process).
   */
  now(): number {
    return Number(process.hrtime.bigint()) / 1e6;
  }

  realtimeUs(): bigint {
    return BigInt(Math.round((performance.timeOrigin + performance.now()) * 1000));
  }

  setTimer(ms: number, fn: () => void): TimerHandle {
    // setTimeout's limit is 2^31-1 ms; longer timeouts are as good as none for a container's life.
    const t = setTimeout(fn, Math.min(ms, 2 ** 31 - 1));
    return { cancel: () => clearTimeout(t) };
  }

  spawn(req: SpawnRequest): number {
    const out = this.opts.outputFds ?? [1, 2];
    const exec = req.source?.exec;
    if (!exec || !req.command) {
      return this.spawnSpec({ file: req.argv[0] ?? '', argv: req.argv, envp: [`PATH=${process.env.PATH ?? '/usr/bin:/bin'}`], fds: ['null', out[0], out[1]], setsid: true });
    }
    const invocation = `${req.unit}/${req.invocationId ?? ''}`;
    if (req.invocationId) this.noteInvocation(req.unit, req.invocationId);
    if (!this.prepared.has(invocation)) {
      const err = prepareDirectories(exec);
      if (err) throw new SpawnFailure(err, /user credentials/.test(err) ? 217 : /group credentials/.test(err) ? 216 : 233);
      this.prepared.add(invocation);
    }
    let stream: { fd: number; started(pid: number): void } | undefined;
    // Made before the output stream, which names it; every command of the unit moves itself there.
    const cgroupProcs = this.unitCgroup(req.unit);
    const cgroup = this.controlGroup(req.unit);
    let plan;
    try {
      plan = resolveStdio(exec, () => {
        if (!this.opts.journal) return undefined;
        const identifier = exec.syslogIdentifier ?? basename(req.command!.path);
        stream = this.opts.journal.openStream({ unit: req.unit, invocationId: req.invocationId ?? '', cgroup, identifier, levelPrefix: exec.syslogLevelPrefix, rateLimit: logRateLimit(exec) });
        return stream.fd;
      }, out);
    } catch (e) {
      if (e instanceof StdioError) throw new SpawnFailure(e.message, e.status);
      throw e;
    }
    for (const text of [...(plan.notice ? [plan.notice] : []), ...sandboxNotices(req.source!)]) this.noticeOnce(req.unit, text);
    const fd = (f: native.StdioFd): number => (f === 'null' ? -1 : f);
    try {
      let spec = buildSpawnSpec(exec, req.command, {
        unitName: req.unit,
        invocationId: req.invocationId ?? '',
        extraEnv: { ...this.opts.managerEnv, ...req.extraEnv },
        fds: [fd(plan.fds[0]), fd(plan.fds[1]), fd(plan.fds[2])],
        privileged: req.privileged,
        fragmentPath: req.source?.fragmentPath,
      });
      if (typeof spec === 'string') throw new SpawnFailure(spec, spec.includes('group') ? 216 : spec.includes('user') ? 217 : 243);
      if (cgroupProcs) spec = { ...spec, cgroupProcs };
      // "+" commands run without the file system namespacing (systemd.service(5), "Command lines").
      const privateTmp = exec.privateTmp && !req.privileged && !req.command.flags.fullyPrivileged && this.mountNamespaces !== 'no';
      const pid = privateTmp ? this.spawnWithPrivateTmp(spec, req.unit, invocation) : this.spawnSpec(spec);
      if (exec.privateTmp && this.mountNamespaces === 'no') this.noticeOnce(req.unit, `PrivateTmp= not enforced (this container refuses a mount namespace: ${this.mountNamespaceError}); /tmp and /var/tmp are shared.`);
      const owner = { unit: req.unit, invocationId: req.invocationId ?? '', cgroup, rateLimit: logRateLimit(exec) };
      this.leaders.set(pid, owner);
      this.owners.set(req.unit, owner);
      stream?.started(pid);
      return pid;
    } finally {
      // The child holds its own copies now; svcd's would keep the pipes open forever.
      for (const f of plan.opened) {
        try {
          closeSync(f);
        } catch {
          // already closed
        }
      }
    }
  }

  /** The unit's cgroup.procs, its cgroup made if needed; undefined without cgroups. */
  private unitCgroup(unit: string): string | undefined {
    const tree = this.opts.cgroups;
    if (!tree) return undefined;
    try {
      return tree.ensure(unit);
    } catch (e) {
      throw new SpawnFailure(`cannot create the cgroup of ${unit}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, 219);
    }
  }

  /** The unit's cgroup as ControlGroup= shows it, while it has one. */
  controlGroup(unit: string): string | undefined {
    const tree = this.opts.cgroups;
    return tree?.has(unit) ? tree.pathOf(unit) : undefined;
  }

  /**
   * A program svcd runs for itself (a generator), with stdin on /dev/null and output on svcd's
   * stderr; resolves with how it ended, or 'timeout' once it has been SIGKILLed after `timeoutMs`.
   */
  runHelper(argv: readonly string[], envp: readonly string[], timeoutMs: number): Promise<{ code: number; signal: number } | 'timeout' | { error: string }> {
    let pid: number;
    try {
      pid = native.spawn({ file: argv[0] ?? '', argv, envp, fds: ['null', 2, 2], setsid: true });
    } catch (e) {
      return Promise.resolve({ error: (e as Error).message });
    }
    return new Promise((resolve) => {
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        // The whole session it leads: what the generator forked must not outlive it.
        native.kill(-pid, SIGNAL_NUMBERS.SIGKILL);
      }, timeoutMs);
      this.helpers.set(pid, (e) => {
        clearTimeout(timer);
        resolve(timedOut ? 'timeout' : { code: e.code, signal: e.signal });
      });
    });
  }

  /** Once per unit and text (a setting that could not be honoured), not once per process. */
  private noticeOnce(unit: string, text: string): void {
    if (this.noticed.has(`${unit}:${text}`)) return;
    this.noticed.add(`${unit}:${text}`);
    this.opts.notice?.(unit, text);
  }

  /**
   * A process with the run's private /tmp and /var/tmp (made at its first process). Where the
   * first try shows that the container refuses a mount namespace, PrivateTmp= is given up for
   * good and the process starts without it: a directive svcd cannot honour never fails a unit.
   */
  private spawnWithPrivateTmp(spec: native.SpawnSpec, unit: string, invocation: string): number {
    let p = this.privateTmps.get(unit);
    if (p?.invocation !== invocation) {
      this.releaseRuntime(unit);
      p = { invocation, dirs: createPrivateTmp(unit) };
      this.privateTmps.set(unit, p);
    }
    try {
      const pid = native.spawn({ ...spec, privateTmp: p.dirs.tmp, privateVarTmp: p.dirs.varTmp });
      this.mountNamespaces = 'yes';
      this.spawned.add(pid);
      this.procCache = undefined;
      return pid;
    } catch (e) {
      if (!(e instanceof native.SpawnError)) throw e;
      if (e.stage !== 'namespace' || this.mountNamespaces === 'yes') throw new SpawnFailure(e.message, e.exitCode);
      this.mountNamespaces = 'no';
      this.mountNamespaceError = e.errnoName;
      this.releaseRuntime(unit);
      return this.spawnSpec(spec);
    }
  }

  /** The unit's run is over: its PrivateTmp= directories go (systemd's exec_runtime_destroy). */
  releaseRuntime(unit: string): void {
    this.opts.cgroups?.remove(unit);
    const p = this.privateTmps.get(unit);
    if (!p) return;
    this.privateTmps.delete(unit);
    try {
      removePrivateTmp(p.dirs);
    } catch {
      // a service may have left something unremovable; it stays, as with systemd
    }
  }

  private spawnSpec(spec: native.SpawnSpec): number {
    try {
      const pid = native.spawn(spec);
      this.spawned.add(pid);
      this.procCache = undefined;
      return pid;
    } catch (e) {
      if (e instanceof native.SpawnError) throw new SpawnFailure(e.message, e.exitCode);
      throw e;
    }
  }

  kill(pid: number, signal: SignalName | number): void {
    native.kill(pid, typeof signal === 'number' ? signal : SIGNAL_NUMBERS[signal]);
  }

  /**
   * A unit's processes: those in its cgroup where it has one. Otherwise everything in the sessions
   * and process groups its commands lead, and everything started with one of its INVOCATION_IDs —
   * every service process gets one (as under systemd) and its descendants inherit it, so a daemon
   * that forks twice and calls setsid() is still found; what also clears its environment escapes
   * (docs/differences.md).
   */
  unitProcesses(unit: string, known: readonly number[], fresh = false): readonly number[] {
    // With a cgroup the kernel keeps the list: nothing escapes it and no /proc scan is needed.
    if (this.opts.cgroups?.has(unit)) {
      const out = new Set(this.opts.cgroups.processes(unit));
      out.delete(0);
      // A known pid outside the cgroup is one started before it existed; the rest may be long gone.
      for (const p of known) if (!out.has(p) && isLive(p)) out.add(p);
      for (const p of out) this.lastUnit.set(p, unit);
      return [...out];
    }
    const ids = this.invocations.get(unit);
    if (known.length === 0 && !ids) return [];
    const scan = this.scan(fresh);
    const out = new Set<number>();
    for (const k of known) for (const p of scan.byLeader.get(k) ?? []) out.add(p);
    if (ids) {
      const byInvocation = this.invocationIndex(scan);
      for (const id of ids) for (const p of byInvocation.get(id) ?? []) out.add(p);
    }
    out.delete(process.pid);
    for (const p of this.reapedSinceScan) out.delete(p);
    for (const p of out) this.lastUnit.set(p, unit);
    return [...out];
  }

  private invocationIndex(scan: ProcScan): Map<string, number[]> {
    if (scan.byInvocation) return scan.byInvocation;
    const index = new Map<string, number[]>();
    for (const p of scan.entries) {
      const inv = this.invocationOf(p);
      if (inv === undefined) continue;
      const list = index.get(inv);
      if (list) list.push(p.pid);
      else index.set(inv, [p.pid]);
    }
    scan.byInvocation = index;
    return index;
  }

  /** After daemon-reexec: a run the previous svcd started, and the cgroup it made for it. */
  adoptInvocation(unit: string, invocationId: string): void {
    this.opts.cgroups?.adopt(unit);
    this.noteInvocation(unit, invocationId);
  }

  private noteInvocation(unit: string, invocationId: string): void {
    let ids = this.invocations.get(unit);
    if (!ids) this.invocations.set(unit, (ids = new Set()));
    ids.add(invocationId);
    this.unitOfInvocation.set(invocationId, unit);
  }

  strayProcesses(): readonly number[] {
    const out: number[] = [];
    for (const p of this.processTable(true)) {
      if (p.ppid !== process.pid || this.spawned.has(p.pid)) continue;
      if (this.opts.cgroups?.unitOf(p.pid)) continue;
      const inv = this.invocationOf(p);
      if (inv === undefined || !this.unitOfInvocation.has(inv)) out.push(p.pid);
    }
    return out;
  }

  lastUnitOf(pid: number): string | undefined {
    return this.lastUnit.get(pid);
  }

  private invocationOf(p: ProcEntry): string | undefined {
    const known = this.environ.get(p.pid);
    if (known && known.start === p.start) return known.invocation;
    let invocation: string | undefined;
    try {
      const env = `\0${readFileSync(`/proc/${p.pid}/environ`, 'latin1')}`;
      const at = env.indexOf('\0INVOCATION_ID=');
      if (at >= 0) {
        const from = at + '\0INVOCATION_ID='.length;
        const to = env.indexOf('\0', from);
        invocation = env.slice(from, to < 0 ? undefined : to);
      }
    } catch {
      // gone, or a kernel thread
    }
    this.environ.set(p.pid, { start: p.start, invocation });
    return invocation;
  }

  readPidFile(path: string): number {
    try {
      const pid = Number(readFileSync(path, 'utf8').trim());
      return Number.isInteger(pid) && pid > 1 ? pid : 0;
    } catch {
      return 0;
    }
  }

  /** A reaped pid may come back as another process: drop what was learnt about it (after its exit is told). */
  private forget(pid: number): void {
    this.environ.delete(pid);
    this.spawned.delete(pid);
    if (this.procCache) this.reapedSinceScan.add(pid);
    setImmediate(() => this.lastUnit.delete(pid));
  }

  onChildExit(handler: (e: ChildExitEvent) => void): void {
    this.exitHandler = handler;
    if (this.pendingExits.length === 0) return;
    setImmediate(() => {
      const pending = this.pendingExits;
      this.pendingExits = [];
      for (const e of pending) handler(e);
    });
  }

  onNotify(handler: (pid: number, message: string) => void): void {
    this.notifyHandler = handler;
  }

  /**
   * Every process of this PID namespace. A scan of /proc costs a few ms with a few hundred
   * processes, and stopping a chain of units asks once per unit: the table is reused for
   * PROC_TABLE_TTL_MS, reaped pids taken out as they go and svcd's own spawns forcing a rescan, so
   * it can only miss what a service forked within that time. `fresh` (the final word on "nothing
   * is left", a forking service's daemon) wants a scan from this turn of the event loop: a
   * shutdown's thousand units asking in one turn share one.
   */
  processTable(fresh = false): readonly ProcEntry[] {
    const scan = this.scan(fresh);
    return this.reapedSinceScan.size === 0 ? scan.entries : scan.entries.filter((p) => !this.reapedSinceScan.has(p.pid));
  }

  private scan(fresh: boolean): ProcScan {
    if (this.procCache && (this.procCacheThisTurn || (!fresh && this.now() - this.procCacheAt < PROC_TABLE_TTL_MS))) return this.procCache;
    const entries: ProcEntry[] = [];
    const byLeader = new Map<number, number[]>();
    const file = (key: number, pid: number) => {
      const list = byLeader.get(key);
      if (list) list.push(pid);
      else byLeader.set(key, [pid]);
    };
    for (const name of readdirSync('/proc')) {
      if (!/^\d+$/.test(name)) continue;
      const p = readProcStat(Number(name));
      if (!p) continue; // gone while we looked
      entries.push(p);
      file(p.pid, p.pid);
      if (p.sid !== p.pid) file(p.sid, p.pid);
      if (p.pgid !== p.pid && p.pgid !== p.sid) file(p.pgid, p.pid);
    }
    this.procCache = { entries, byLeader };
    this.procCacheAt = this.now();
    this.reapedSinceScan.clear();
    if (!this.procCacheThisTurn) {
      this.procCacheThisTurn = true;
      setImmediate(() => (this.procCacheThisTurn = false));
    }
    return this.procCache;
  }

  /**
   * The unit a process runs for, as journald reads it from the cgroup: without cgroups, the unit
   * whose started process is the pid itself, leads its session or process group, or is an
   * ancestor (a few levels up: `sh -c 'logger …'`). Undefined when svcd cannot tell.
   */
  unitOfProcess(pid: number): ProcessOwner | undefined {
    const inCgroup = this.opts.cgroups?.unitOf(pid);
    if (inCgroup) return this.owners.get(inCgroup) ?? { unit: inCgroup, invocationId: '', cgroup: this.controlGroup(inCgroup) };
    let cur = pid;
    for (let depth = 0; depth < 8 && cur > 1; depth++) {
      const own = this.leaders.get(cur);
      if (own) return own;
      const st = readProcStat(cur);
      if (!st) return undefined;
      const group = this.leaders.get(st.sid) ?? this.leaders.get(st.pgid);
      if (group) return group;
      cur = st.ppid;
    }
    return undefined;
  }

  /** Every descendant of `root` (svcd itself): what the final sweep of a shutdown signals. */
  descendants(root: number): number[] {
    const children = new Map<number, number[]>();
    for (const p of this.processTable()) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p.pid]);
    const out: number[] = [];
    const queue = [root];
    while (queue.length > 0) {
      for (const c of children.get(queue.shift()!) ?? []) {
        out.push(c);
        queue.push(c);
      }
    }
    return out;
  }
}
