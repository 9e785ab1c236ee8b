/**
 * The engine's System over the real machine (src/exec): the native spawner with the unit's exec
 * context, signals, the SIGCHLD reaper, the sd_notify socket, the clocks. svcd runs the Engine
 * with this; tests run it with a fake (test/support/fake-system.ts). Which processes are a
 * unit's is process-tracker.ts's question.
 */
import { chmodSync, closeSync } from 'node:fs';
import { basename, join } from 'node:path';
import { buildSpawnSpec, resolveCredentials } from '../exec/exec-context.js';
import { holdIpcOwner, releaseIpcOwner } from '../exec/ipc-owners.js';
import { sandboxNotices, sandboxSummary } from '../exec/sandbox.js';
import { createPrivateTmp, removePrivateTmp, type PrivateTmp } from '../exec/private-tmp.js';
import { devStage, inaccessibleNodes, mountPlan, mountPlanInsists, mountSpec, mountDirectives, type MountEntry } from '../exec/mount-plan.js';
import { resolveStdio, StdioError } from '../exec/stdio.js';
import { prepareDirectories, privateDirectories } from '../exec/directories.js';
import { acquireDynamicUser, releaseDynamicUsers } from '../exec/dynamic-users.js';
import { unitCgroupPath } from '../shared/slice.js';
import { unitSliceOf } from '../unit/slice-of.js';
import type { CgroupTree } from '../exec/cgroup.js';
import { readProcStat } from '../exec/proc-stat.js';
import type { V1Controllers } from '../exec/cgroup-v1.js';
import type { LimitContext } from '../exec/cgroup-limits.js';
import * as native from '../exec/native.js';
import type { CgroupContext, Unit } from '../unit/model.js';
import { readPidFile } from './pid-file.js';
import { UnitCgroups } from './unit-cgroups.js';
import { RunNamespaces } from './run-namespaces.js';
import { TimerStamps } from './timer-stamps.js';
import { isLive, ProcessTracker, type LogRateLimit, type ProcessOwner } from './process-tracker.js';
import { SpawnFailure, SpawnResourceFailure, type ActivationFd, type ChildExitEvent, type Connection, type InotifyWatcher, type ListenFailure, type ListenRequest, type PidFileContent, type ResourceUsage, type SignalName, type SocketOptions, type SpawnRequest, type System, type TimerHandle } from '../engine/system.js';
import * as socketFds from './socket-fds.js';
import { SIGNAL_NUMBERS } from '../engine/system.js';

export interface NativeSystemOptions {
  /** Where sd_notify datagrams arrive (NOTIFY_SOCKET); none: no notify support. */
  readonly notifySocket?: string;
  /** stdout and stderr for services (svcd's own until the journal captures them). */
  readonly outputFds?: readonly [number, number];
  /**
   * Variables every process gets (the manager's environment block, container=), before the unit's
   * own; read at each spawn, since set-environment changes the block.
   */
  readonly managerEnv?: () => Readonly<Record<string, string>>;
  /** Where StandardOutput=journal goes (svcd's Journal); none: svcd's own stdout/stderr. */
  readonly journal?: OutputSink;
  /** A notice about a unit (a setting that could not be honoured). */
  readonly notice?: (unit: string, notice: UnitNotice) => void;
  /** A cgroup per unit (src/exec/cgroup.ts), where svcd has a cgroup of its own; none: tracking by session and INVOCATION_ID. */
  readonly cgroups?: CgroupTree;
  /** The v1 controllers svcd may set limits in (a hybrid host); none: limits only where the v2 tree has controllers. */
  readonly v1?: V1Controllers;
  /** Why no cgroup takes limits, when none does: said once for each unit that sets some. */
  readonly noResourceControl?: string;
  /** A slice unit's resource control (its file and drop-ins), for the limits of the slice's own cgroup. */
  readonly sliceResources?: (slice: string) => CgroupContext | undefined;
  /** What resolving TasksMax= and the Startup*= weights needs (DefaultTasksMax=, the kernel's task limit). */
  readonly limitContext?: () => LimitContext;
  /** Where Persistent= timers keep their stamps (svcd's state directory/timers); none: stamps are not kept. */
  readonly timerStampDir?: string;
}

/**
 * A notice about a unit: one line for the console and the journal, and the detail behind it for
 * the journal only (one entry per directive).
 */
export interface UnitNotice {
  readonly text: string;
  readonly detail?: readonly { readonly directive: string; readonly text: string }[];
}

/** A journal stream per process: the write end for the child, told the child's pid once it runs. */
export interface OutputSink {
  openStream(meta: { unit: string; invocationId: string; cgroup?: string; identifier: string; levelPrefix: boolean; rateLimit?: LogRateLimit }): { fd: number; started(pid: number): void };
}

/** LogRateLimitIntervalSec=/LogRateLimitBurst= when the unit sets either. */
function logRateLimit(exec: { logRateLimitIntervalUSec?: bigint; logRateLimitBurst?: number }): LogRateLimit | undefined {
  const i = exec.logRateLimitIntervalUSec;
  if (i === undefined && exec.logRateLimitBurst === undefined) return undefined;
  return { intervalUsec: i === undefined ? undefined : i >= 2n ** 53n ? Number.MAX_SAFE_INTEGER : Number(i), burst: exec.logRateLimitBurst };
}

/**
 * sd_listen_fds(3): the fds become 3, 4, … in the child, LISTEN_FDS counts them, LISTEN_FDNAMES
 * names them, and LISTEN_PID is the child's own pid (filled in by the addon after the fork).
 */
function withActivationFds(spec: native.SpawnSpec, fds: readonly ActivationFd[]): native.SpawnSpec {
  const env = spec.envp.filter((e) => !/^LISTEN_(PID|FDS|FDNAMES)=/.test(e));
  env.push(native.LISTEN_PID_PLACEHOLDER, `LISTEN_FDS=${fds.length}`, `LISTEN_FDNAMES=${fds.map((f) => f.name).join(':')}`);
  return { ...spec, envp: env, passFds: fds.map((f) => f.fd) };
}

export class NativeSystem implements System {
  private exitHandler?: (e: ChildExitEvent) => void;
  /** Exits reaped before anyone listened (the reaper's first sweep after daemon-reexec). */
  private pendingExits: ChildExitEvent[] = [];
  // Until the engine listens, fds a message carries are not anyone's: closed.
  private notifyHandler: (pid: number, message: string, uid: number, fds: readonly number[]) => void = (_p, _m, _u, fds) => fds.forEach((fd) => this.closeFd(fd));
  private readonly tracker: ProcessTracker;
  /**
   * The run (`unit/INVOCATION_ID`) whose dynamic user, IPC owner and directories were prepared, by
   * unit: a newer run replaces it and releaseRuntime() forgets it, so a unit restarted ten thousand
   * times holds one.
   */
  private readonly prepared = new Map<string, string>();
  /** RemoveIPC=: the ids whose IPC objects go when each unit's run ends. */
  /** PrivateTmp= directories of each unit's current run, until releaseRuntime(). */
  private readonly privateTmps = new Map<string, { readonly invocation: string; readonly dirs: PrivateTmp }>();
  /** Each unit's cgroups (v2 tree, v1 controllers) and their limits and counts. */
  private readonly cgroupsOfUnits: UnitCgroups;
  /** Whether this container lets a process have a mount namespace (learnt from the first try). */
  private mountNamespaces: 'unknown' | 'yes' | 'no' = 'unknown';
  /** PrivateNetwork=/PrivateIPC= namespaces of each unit's current run, until releaseRuntime(). */
  private readonly namespaces: RunNamespaces;
  private mountNamespaceError = '';
  private readonly noticed = new Set<string>();
  /** The loaded unit whose sandboxing settings were last noticed, by unit: said again after a daemon-reload. */
  private readonly sandboxNoticed = new Map<string, Unit>();
  /** Processes of svcd's own (generators) and who waits for their exit; the engine never sees them. */
  private readonly helpers = new Map<number, (e: ChildExitEvent) => void>();

  constructor(private readonly opts: NativeSystemOptions = {}) {
    this.cgroupsOfUnits = new UnitCgroups(opts, (unit, text) => this.noticeOnce(unit, text));
    this.namespaces = new RunNamespaces((unit, text) => this.noticeOnce(unit, text), (fd) => this.closeFd(fd));
    this.tracker = new ProcessTracker(opts.cgroups, () => this.now());
    native.setChildSubreaper();
    native.startReaper((exits) => {
      for (const e of exits) {
        const event = { pid: e.pid, code: e.signal ? 0 : e.code, signal: e.signal, coreDumped: e.coreDumped };
        this.tracker.reaped(e.pid);
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
      native.bindDatagram(opts.notifySocket, (data, sender) => {
        // FDSTORE=1: a stored fd must outlive daemon-reexec as listening sockets do; children
        // still get only what is handed to them (spawn closes the rest).
        for (const fd of sender.fds) native.keepAcrossExec(fd);
        this.notifyHandler(sender.pid, data.toString('utf8'), sender.uid, sender.fds);
      }, true);
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
    if (req.invocationId) this.tracker.noteInvocation(req.unit, req.invocationId);
    if (this.prepared.get(req.unit) !== invocation) {
      // DynamicUser=: the run's uid, before its directories are made (they are owned by it).
      if (exec.dynamicUser && exec.user !== undefined) {
        const uid = acquireDynamicUser(req.unit, exec.user, privateDirectories(exec).map((p) => join(p.root, 'private', p.rel)));
        if (typeof uid === 'string') throw new SpawnFailure(uid, 217);
      }
      // RemoveIPC=: the run holds its user's ids (looked up now, while a dynamic user is held); the
      // objects go when the last run holding them ends, if one of them asked (ipc-owners.ts).
      const ids = exec.user !== undefined ? resolveCredentials(exec.user, exec.group, []) : undefined;
      if (ids !== undefined && typeof ids !== 'string') holdIpcOwner(req.unit, ids.uid, ids.gid, exec.removeIPC);
      const err = prepareDirectories(exec);
      if (err) throw new SpawnFailure(err, /user credentials/.test(err) ? 217 : /group credentials/.test(err) ? 216 : 233);
      this.prepared.set(req.unit, invocation);
    }
    let stream: { fd: number; started(pid: number): void } | undefined;
    // Made before the output stream, which names it; every command of the unit moves itself there.
    const cgroupProcs = this.cgroupsOfUnits.procsFor(req.unit, req.source!, invocation);
    // Where systemd would put the unit, in its slice, where svcd has no cgroup of its own (for the journal's _SYSTEMD_CGROUP=/_SLICE=).
    const cgroup = this.controlGroup(req.unit) ?? unitCgroupPath(req.unit, '/', unitSliceOf(req.unit, req.source!.resources.slice));
    let plan;
    try {
      plan = resolveStdio(exec, () => {
        if (!this.opts.journal) return undefined;
        const identifier = exec.syslogIdentifier ?? basename(req.command!.path);
        stream = this.opts.journal.openStream({ unit: req.unit, invocationId: req.invocationId ?? '', cgroup, identifier, levelPrefix: exec.syslogLevelPrefix, rateLimit: logRateLimit(exec) });
        return stream.fd;
      }, out, req.socketFd);
    } catch (e) {
      if (e instanceof StdioError) throw new SpawnFailure(e.message, e.status);
      // The output stream's pipe could not be made (EMFILE, ENFILE, ENOMEM): svcd's want, not the program's.
      throw resourceFailure(e);
    }
    if (plan.notice) this.noticeOnce(req.unit, plan.notice);
    this.noticeSandbox(req.unit, req.source!);
    const fd = (f: native.StdioFd): number => (f === 'null' ? -1 : f);
    try {
      let spec = buildSpawnSpec(exec, req.command, {
        unitName: req.unit,
        invocationId: req.invocationId ?? '',
        extraEnv: { ...this.opts.managerEnv?.(), ...req.extraEnv },
        fds: [fd(plan.fds[0]), fd(plan.fds[1]), fd(plan.fds[2])],
        privileged: req.privileged,
        fragmentPath: req.source?.fragmentPath,
      });
      if (typeof spec === 'string') throw new SpawnFailure(spec, spec.includes('group') ? 216 : spec.includes('user') ? 217 : 243);
      if (cgroupProcs) spec = { ...spec, cgroupProcs };
      if (req.activationFds) spec = withActivationFds(spec, req.activationFds);
      // "+" commands run without the file system namespacing (systemd.service(5), "Command lines").
      const sandboxed = !req.privileged && !req.command.flags.fullyPrivileged;
      if (sandboxed) spec = { ...spec, ...this.namespaces.forRun(req.unit, invocation, exec.mounts) };
      // PrivateUsers= where svcd lacks CAP_SYS_ADMIN: the user namespace comes first and the mount
      // namespace is made inside it, out of the container's refusal (systemd 252's order).
      const ownUserns = sandboxed && exec.mounts.privateUsers;
      const refused = this.mountNamespaces === 'no' && !ownUserns;
      const privateTmp = exec.privateTmp && sandboxed && !refused;
      const mounts = sandboxed && !refused ? mountPlan(exec, privateTmp) : [];
      const ownMounts = sandboxed && exec.mounts.privateMounts && !refused;
      if (ownMounts) spec = { ...spec, mountNamespace: true };
      const insists = sandboxed ? mountPlanInsists(exec) : [];
      if (insists.length > 0 && refused) throw this.refusedNamespace(insists);
      const pid = privateTmp || mounts.length > 0 || ownMounts ? this.spawnInMountNamespace(spec, req.unit, invocation, privateTmp, mounts, insists) : this.spawnSpec(spec);
      if (exec.privateTmp && this.mountNamespaces === 'no' && !ownUserns) this.noticeOnce(req.unit, `PrivateTmp= not enforced (this container refuses a mount namespace: ${this.mountNamespaceError}); /tmp and /var/tmp are shared.`);
      // systemd goes on without them too ("assuming containerized execution"); svcd says so.
      const unmounted = mountDirectives(exec);
      if (unmounted.length > 0 && this.mountNamespaces === 'no' && !ownUserns) this.noticeOnce(req.unit, `${unmounted.map((d) => `${d}=`).join(', ')} not enforced (this container refuses a mount namespace: ${this.mountNamespaceError}).`);
      const owner = { unit: req.unit, invocationId: req.invocationId ?? '', cgroup, rateLimit: logRateLimit(exec) };
      this.tracker.owned(pid, owner);
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

  openListeners(unit: string, listen: readonly ListenRequest[], opts: SocketOptions): readonly number[] | ListenFailure {
    return socketFds.openListeners(listen, opts, (text) => this.opts.notice?.(unit, { text }));
  }

  closeListeners(fds: readonly number[], listen: readonly ListenRequest[], opts: SocketOptions): void {
    socketFds.closeListeners(fds, listen, opts);
  }

  watchReadable(fds: readonly number[], fn: (index: number) => void): TimerHandle {
    const watches = fds.map((fd, i) => native.watchReadable(fd, () => fn(i)));
    return { cancel: () => watches.forEach((w) => native.unwatch(w)) };
  }

  acceptConnection(fd: number): Connection | undefined {
    return socketFds.acceptConnection(fd);
  }

  sameFile(a: number, b: number): boolean {
    return native.sameFile(a, b);
  }

  closeFd(fd: number): void {
    try {
      closeSync(fd);
    } catch {
      // already closed
    }
  }

  takeOomKills(unit: string): number {
    return this.cgroupsOfUnits.takeOomKills(unit);
  }

  resourceUsage(unit: string): ResourceUsage | undefined {
    return this.cgroupsOfUnits.resourceUsage(unit);
  }

  realizeSlice(slice: string): void {
    this.cgroupsOfUnits.realizeSlice(slice);
  }

  /** The unit's cgroup as ControlGroup= shows it, while it has one. */
  controlGroup(unit: string): string | undefined {
    return this.cgroupsOfUnits.controlGroup(unit);
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
    this.opts.notice?.(unit, { text });
  }

  /** The sandboxing svcd does not enforce, said at a unit's first start after each load of it. */
  private noticeSandbox(unit: string, source: Unit): void {
    if (this.sandboxNoticed.get(unit) === source) return;
    this.sandboxNoticed.set(unit, source);
    const notices = sandboxNotices(source);
    if (notices.length > 0) this.opts.notice?.(unit, { text: sandboxSummary(notices), detail: notices });
  }

  /**
   * A process in a mount namespace of its own: the run's private /tmp and /var/tmp (made at its
   * first process) and the mount plan. Where the first try shows that the container refuses a mount
   * namespace, both are given up for good and the process starts without: a directive svcd cannot
   * honour never fails a unit (systemd 252 goes on likewise). A path of the plan that is missing
   * fails the process (226/NAMESPACE), as under systemd.
   */
  private spawnInMountNamespace(spec: native.SpawnSpec, unit: string, invocation: string, privateTmp: boolean, plan: readonly MountEntry[], insists: readonly string[]): number {
    const mounts = plan.length === 0 ? {} : {
      ...mountSpec(plan),
      ...(plan.some((e) => e.mode === 'inaccessible') ? { inaccessibleNodes: inaccessibleNodes() } : {}),
      ...(plan.some((e) => e.mode === 'private-dev') ? { devStage: devStage() } : {}),
    };
    if (!privateTmp) return this.spawnTrying({ ...spec, ...mounts }, spec, unit, insists);
    let p = this.privateTmps.get(unit);
    if (p?.invocation !== invocation) {
      this.releaseRun(unit);
      const dirs = createPrivateTmp(unit, this.opts.notifySocket ? [this.opts.notifySocket] : []);
      p = { invocation, dirs };
      this.privateTmps.set(unit, p);
      for (const socket of dirs.unreachable) this.noticeOnce(unit, `PrivateTmp= hides ${socket} (svcd's runtime directory is under /tmp or /var/tmp, on another file system than the unit's private directory): sd_notify() messages cannot reach svcd; give svcd a --runtime-dir outside /tmp.`);
    }
    return this.spawnTrying({ ...spec, ...mounts, privateTmp: p.dirs.tmp, privateVarTmp: p.dirs.varTmp }, spec, unit, insists);
  }

  /**
   * A unit whose mount settings change what it sees (TemporaryFileSystem=, BindPaths=) cannot run
   * without its namespace: systemd 252 refuses to go on there (226/NAMESPACE), and so does svcd.
   */
  private refusedNamespace(insists: readonly string[]): SpawnFailure {
    return new SpawnFailure(`Failed to set up namespace, and refusing to continue since ${insists.map((d) => `${d}=`).join(', ')} alter the mount environment non-trivially (this container refuses a mount namespace: ${this.mountNamespaceError})`, 226);
  }

  /** `spec` in a mount namespace; `without`, once the first try shows the container refuses one. */
  private spawnTrying(spec: native.SpawnSpec, without: native.SpawnSpec, unit: string, insists: readonly string[]): number {
    try {
      const pid = native.spawn(spec);
      // Inside a user namespace of its own (PrivateUsers= without CAP_SYS_ADMIN) a process may have
      // a mount namespace that the container would refuse anyone else: that says nothing for the rest.
      if (!spec.privateUsers) this.mountNamespaces = 'yes';
      this.tracker.started(pid, spec.setsid === true);
      return pid;
    } catch (e) {
      if (!(e instanceof native.SpawnError)) throw e;
      if (!e.inChild) throw new SpawnResourceFailure(e.reason);
      if (e.stage !== 'namespace' || this.mountNamespaces === 'yes') throw new SpawnFailure(e.message, e.exitCode);
      this.mountNamespaces = 'no';
      this.mountNamespaceError = e.errnoName;
      this.releaseRun(unit);
      if (insists.length > 0) throw this.refusedNamespace(insists);
      return this.spawnSpec({ ...without, mountNamespace: false });
    }
  }

  /** The unit's run is over: its PrivateTmp= directories, namespaces and dynamic user go (systemd's exec_runtime_destroy, dynamic_creds_destroy). */
  releaseRuntime(unit: string): void {
    this.prepared.delete(unit);
    releaseIpcOwner(unit);
    releaseDynamicUsers(unit);
    this.releaseRun(unit);
  }

  /** The run's PrivateTmp= directories, namespaces and cgroup (also when a new run replaces them). */
  private releaseRun(unit: string): void {
    this.cgroupsOfUnits.release(unit);
    this.namespaces.release(unit);
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
      this.tracker.started(pid, spec.setsid === true);
      return pid;
    } catch (e) {
      if (e instanceof native.SpawnError) throw e.inChild ? new SpawnFailure(e.message, e.exitCode) : new SpawnResourceFailure(e.reason);
      throw e;
    }
  }

  kill(pid: number, signal: SignalName | number): void {
    native.kill(pid, typeof signal === 'number' ? signal : SIGNAL_NUMBERS[signal]);
  }

  unitProcesses(unit: string, known: readonly number[], fresh = false): readonly number[] {
    return this.tracker.unitProcesses(unit, known, fresh);
  }

  /** After daemon-reexec: a run the previous svcd started, and the cgroup it made for it. */
  adoptInvocation(unit: string, invocationId: string): void {
    this.opts.cgroups?.adopt(unit);
    this.opts.v1?.adopt(unit);
    this.tracker.noteInvocation(unit, invocationId);
  }

  strayProcesses(): readonly number[] {
    return this.tracker.strayProcesses();
  }

  isAlive(pid: number): boolean {
    return isLive(pid);
  }

  isManagerChild(pid: number): boolean {
    try {
      return readProcStat(pid)?.ppid === process.pid;
    } catch {
      return false; // out of descriptors: not known to be ours
    }
  }

  lastUnitOf(pid: number): string | undefined {
    return this.tracker.lastUnitOf(pid);
  }

  readPidFile(path: string): PidFileContent | undefined {
    return readPidFile(path);
  }

  private stamps?: TimerStamps;

  readTimerStamp(unit: string): bigint | undefined {
    if (!this.opts.timerStampDir) return undefined;
    return (this.stamps ??= new TimerStamps(this.opts.timerStampDir)).read(unit);
  }

  writeTimerStamp(unit: string, realtimeUs: bigint): void {
    if (!this.opts.timerStampDir) return;
    try {
      (this.stamps ??= new TimerStamps(this.opts.timerStampDir)).write(unit, realtimeUs);
    } catch (e) {
      this.opts.notice?.(unit, { text: `Failed to write timer stamp in ${this.opts.timerStampDir}: ${(e as Error).message}` });
    }
  }


  openInotify(onEvents: (events: readonly number[]) => void): InotifyWatcher {
    const h = native.inotifyOpen(onEvents);
    return { add: (path, mask) => native.inotifyAddWatch(h, path, mask), close: () => native.inotifyClose(h) };
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

  onNotify(handler: (pid: number, message: string, uid: number, fds: readonly number[]) => void): void {
    this.notifyHandler = handler;
  }

  /** Every process of this PID namespace (what a shutdown's final sweep signals as PID 1). */
  processTable(): readonly { readonly pid: number }[] {
    return this.tracker.processTable();
  }

  /** The unit a process runs for, as journald reads it from the cgroup (see process-tracker.ts). */
  unitOfProcess(pid: number): ProcessOwner | undefined {
    return this.tracker.unitOfProcess(pid);
  }

  /** Every descendant of `root` (svcd itself): what the final sweep of a shutdown signals. */
  descendants(root: number): number[] {
    return this.tracker.descendants(root);
  }
}

/** A failed system call of svcd's own ("pipe2: Too many open files") as a want of resources; other errors as they are. */
function resourceFailure(e: unknown): unknown {
  const { errno, syscall, message } = e as { errno?: unknown; syscall?: unknown; message?: unknown };
  if (typeof errno !== 'number' || typeof syscall !== 'string' || typeof message !== 'string') return e;
  return new SpawnResourceFailure(message.startsWith(`${syscall}: `) ? message.slice(syscall.length + 2) : message);
}
