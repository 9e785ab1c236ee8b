/**
 * Which processes are a unit's: one question with two answers. Where svcd has a cgroup tree of its
 * own, those in the unit's cgroup (every command moves itself there before exec). Without one:
 * every command is started in a session of its own (systemd does the same), so a unit's processes
 * are those in the sessions and process groups its commands lead, plus those carrying one of its
 * INVOCATION_IDs; one indexed /proc scan serves every unit asking in the same turn of the event
 * loop (a shutdown asks for hundreds).
 *
 * The spawner (native-system.ts) tells this module what it started and what the reaper reaped;
 * the engine's questions (unitProcesses, strayProcesses, lastUnitOf) and the journal's
 * (unitOfProcess) are answered here.
 */
import { readFileSync } from 'node:fs';
import type { CgroupTree } from '../exec/cgroup.js';
import { isLookFailure, readProcStat, scanProcStats, type ProcStat } from '../exec/proc-stat.js';

/** A unit's LogRateLimitIntervalSec= (µs) / LogRateLimitBurst=; an unset one is the journal's. */
export interface LogRateLimit {
  readonly intervalUsec?: number;
  readonly burst?: number;
}

/** The unit a process was started for (what the journal puts in _SYSTEMD_UNIT= and rate-limits by). */
export interface ProcessOwner {
  readonly unit: string;
  readonly invocationId: string;
  /** The unit's cgroup, where units have cgroups of their own (the journal's _SYSTEMD_CGROUP=). */
  readonly cgroup?: string;
  readonly rateLimit?: LogRateLimit;
}

/** A process that exists and has not exited (a zombie has); one svcd could not look at counts as live. */
export const isLive = (pid: number): boolean => {
  try {
    const st = readProcStat(pid);
    return st !== undefined && st.state !== 'Z';
  } catch (e) {
    if (isLookFailure(e)) return true;
    throw e;
  }
};

/** How long a scan of /proc is reused (see processTable). */
const PROC_TABLE_TTL_MS = 50;

/** One read of /proc, indexed for the per-unit questions a shutdown asks a thousand times. */
interface ProcScan {
  readonly entries: readonly ProcStat[];
  /** Each pid under itself, its session and its process group. */
  readonly byLeader: ReadonlyMap<number, readonly number[]>;
  /** Each pid under its INVOCATION_ID, made on first need. */
  byInvocation?: Map<string, number[]>;
  /** Which read of /proc this is (counted from 1): what forgetting an INVOCATION_ID waits for. */
  readonly serial: number;
}

export class ProcessTracker {
  private procCache?: ProcScan;
  private procCacheAt = 0;
  /** Whether procCache was read in this turn of the event loop (what `fresh` accepts). */
  private procCacheThisTurn = false;
  /** Pids reaped since procCache was read: left out of its answers. */
  private readonly reapedSinceScan = new Set<number>();
  /**
   * Every INVOCATION_ID a unit's processes were started with that a process may still carry, and
   * back: a run's id is forgotten once no process carries it (see forgetEmptyRuns), or a unit
   * restarted every second would file one more each time.
   */
  private readonly invocations = new Map<string, Set<string>>();
  private readonly unitOfInvocation = new Map<string, string>();
  /** INVOCATION_IDs no process carried, with the scan that first found so (forgetEmptyRuns). */
  private readonly uncarried = new Map<string, number>();
  private scans = 0;
  /** INVOCATION_ID from /proc/PID/environ, read once per process (pid and start time) while a scan still finds it. */
  private readonly environ = new Map<number, { readonly start: string; readonly invocation?: string }>();
  /** Processes svcd itself started and has not reaped yet. */
  private readonly spawned = new Set<number>();
  /** Of those, the ones started in a session of their own. */
  private readonly sessionLeaders = new Set<number>();
  /**
   * Of those, the units' commands, with the INVOCATION_ID each was started with: what a scan would read of them
   * is known without reading it (see skipList()).
   */
  private readonly settled = new Map<number, string>();
  private readonly settledByInvocation = new Map<string, Set<number>>();
  /** settled's pids in ascending order, as the scan skips them; made again after a change. */
  private skipping?: Int32Array;
  /** The unit each process was last counted in: orphans are reaped after /proc forgets them. */
  private readonly lastUnit = new Map<number, string>();
  /** Processes svcd started, by pid: whose unit they run for (unitOfProcess). Dropped when reaped. */
  private readonly leaders = new Map<number, ProcessOwner>();
  /** The owner of each unit's latest process: what a process found in the unit's cgroup runs for. */
  private readonly owners = new Map<string, ProcessOwner>();

  constructor(
    private readonly cgroups: CgroupTree | undefined,
    /** Monotonic ms, for the scan's time to live. */
    private readonly now: () => number,
  ) {}

  /**
   * svcd started `pid` (a unit's command or a helper of its own), in a session of its own when
   * `leadsSession` (setsid() before exec, which the spawn waits for): the next question needs a
   * new scan.
   */
  started(pid: number, leadsSession = false): void {
    this.spawned.add(pid);
    if (leadsSession) this.sessionLeaders.add(pid);
    this.procCache = undefined;
  }

  /** `pid` runs for `owner`'s unit (what journald would read from its cgroup). */
  owned(pid: number, owner: ProcessOwner): void {
    this.leaders.set(pid, owner);
    this.owners.set(owner.unit, owner);
    if (this.sessionLeaders.has(pid) && !this.settled.has(pid)) {
      this.settled.set(pid, owner.invocationId);
      let pids = this.settledByInvocation.get(owner.invocationId);
      if (!pids) this.settledByInvocation.set(owner.invocationId, (pids = new Set()));
      pids.add(pid);
      this.skipping = undefined;
    }
  }

  /**
   * The reaper collected `pid`. A process's last log datagram may be read after its exit is, so
   * its owner stays known a moment longer; what was learnt about the pid goes (it may come back as
   * another process) once its exit has been told.
   */
  reaped(pid: number): void {
    const owner = this.leaders.get(pid);
    if (owner) setTimeout(() => this.leaders.get(pid) === owner && this.leaders.delete(pid), 2000).unref();
    this.environ.delete(pid);
    this.spawned.delete(pid);
    this.sessionLeaders.delete(pid);
    const invocation = this.settled.get(pid);
    if (invocation !== undefined) {
      this.settled.delete(pid);
      const pids = this.settledByInvocation.get(invocation);
      pids?.delete(pid);
      if (pids?.size === 0) this.settledByInvocation.delete(invocation);
      this.skipping = undefined;
    }
    if (this.procCache) this.reapedSinceScan.add(pid);
    setImmediate(() => this.lastUnit.delete(pid));
  }

  /** Processes started with this INVOCATION_ID are `unit`'s. */
  noteInvocation(unit: string, invocationId: string): void {
    let ids = this.invocations.get(unit);
    if (!ids) this.invocations.set(unit, (ids = new Set()));
    ids.add(invocationId);
    this.unitOfInvocation.set(invocationId, unit);
    this.uncarried.delete(invocationId);
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
    if (this.cgroups?.has(unit)) {
      const out = new Set(this.cgroups.processes(unit));
      out.delete(0);
      // A known pid outside the cgroup is one started before it existed; the rest may be long gone.
      for (const p of known) if (!out.has(p) && isLive(p)) out.add(p);
      for (const p of out) this.lastUnit.set(p, unit);
      // The kernel's word that nothing of the unit is left: no process carries any of its ids.
      if (out.size === 0) this.forgetInvocations(unit, () => true);
      return [...out];
    }
    const ids = this.invocations.get(unit);
    if (known.length === 0 && !ids) return [];
    const scan = this.scan(fresh);
    const out = new Set<number>();
    for (const k of known) {
      if (this.settled.has(k)) out.add(k);
      for (const p of scan.byLeader.get(k) ?? []) out.add(p);
    }
    if (ids) {
      const byInvocation = this.invocationIndex(scan);
      for (const id of ids) {
        for (const p of byInvocation.get(id) ?? []) out.add(p);
        for (const p of this.settledByInvocation.get(id) ?? []) out.add(p);
      }
      this.forgetEmptyRuns(unit, scan, byInvocation);
    }
    out.delete(process.pid);
    for (const p of this.reapedSinceScan) out.delete(p);
    for (const p of out) this.lastUnit.set(p, unit);
    return [...out];
  }

  /**
   * Forgets the unit's INVOCATION_IDs that two reads of /proc in a row found no process carrying.
   * Only a read that missed nothing counts: one after which svcd reaped nothing (what a process
   * forked since descends from one the read saw, or from a command svcd has not reaped), and a
   * second because a carrier may fork and exit between a read's stat and environ files. A run's
   * leftovers (KillMode=process, a daemon that escaped its session) keep its id, so they stay the
   * unit's; a command started for a forgotten run notes its id again (noteInvocation).
   */
  private forgetEmptyRuns(unit: string, scan: ProcScan, byInvocation: ReadonlyMap<string, readonly number[]>): void {
    if (scan !== this.procCache || this.reapedSinceScan.size > 0) return;
    this.forgetInvocations(unit, (id) => {
      if (byInvocation.has(id) || this.settledByInvocation.has(id)) {
        this.uncarried.delete(id);
        return false;
      }
      const since = this.uncarried.get(id);
      if (since === undefined) this.uncarried.set(id, scan.serial);
      return since !== undefined && since !== scan.serial;
    });
  }

  private forgetInvocations(unit: string, gone: (id: string) => boolean): void {
    const ids = this.invocations.get(unit);
    if (!ids) return;
    for (const id of ids) {
      if (!gone(id)) continue;
      ids.delete(id);
      this.uncarried.delete(id);
      if (this.unitOfInvocation.get(id) === unit) this.unitOfInvocation.delete(id);
    }
    if (ids.size === 0) this.invocations.delete(unit);
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

  /** Children of svcd it did not start and no unit claims (by cgroup or INVOCATION_ID). */
  strayProcesses(): readonly number[] {
    const out: number[] = [];
    for (const p of this.processTable(true)) {
      if (p.ppid !== process.pid || this.spawned.has(p.pid)) continue;
      if (this.cgroups?.unitOf(p.pid)) continue;
      const inv = this.invocationOf(p);
      if (inv === undefined || !this.unitOfInvocation.has(inv)) out.push(p.pid);
    }
    return out;
  }

  lastUnitOf(pid: number): string | undefined {
    return this.lastUnit.get(pid);
  }

  private invocationOf(p: ProcStat): string | undefined {
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

  /**
   * Every process of this PID namespace. A scan of /proc costs a few ms with a few hundred
   * processes, and stopping a chain of units asks once per unit: the table is reused for
   * PROC_TABLE_TTL_MS, reaped pids taken out as they go and svcd's own spawns forcing a rescan, so
   * it can only miss what a service forked within that time. `fresh` (the final word on "nothing
   * is left", a forking service's daemon) wants a scan from this turn of the event loop: a
   * shutdown's thousand units asking in one turn share one.
   */
  processTable(fresh = false): readonly ProcStat[] {
    const scan = this.scan(fresh);
    const read = this.reapedSinceScan.size === 0 ? scan.entries : scan.entries.filter((p) => !this.reapedSinceScan.has(p.pid));
    if (this.settled.size === 0) return read;
    // The rows not read (skipList()); their state and start time are left empty.
    const known = [...this.settled.keys()].map((pid) => ({ pid, state: '', ppid: process.pid, pgid: pid, sid: pid, start: '' }));
    return [...read, ...known];
  }

  private scan(fresh: boolean): ProcScan {
    if (this.procCache && (this.procCacheThisTurn || (!fresh && this.now() - this.procCacheAt < PROC_TABLE_TTL_MS))) return this.procCache;
    const entries: ProcStat[] = [];
    const byLeader = new Map<number, number[]>();
    const file = (key: number, pid: number) => {
      const list = byLeader.get(key);
      if (list) list.push(pid);
      else byLeader.set(key, [pid]);
    };
    try {
      for (const p of scanProcStats(this.skipList())) {
        entries.push(p);
        file(p.pid, p.pid);
        if (p.sid !== p.pid) file(p.sid, p.pid);
        if (p.pgid !== p.pid && p.pgid !== p.sid) file(p.pgid, p.pid);
      }
    } catch (e) {
      if (!isLookFailure(e)) throw e;
      // Out of descriptors (a start that then fails for 'resources', as systemd's does): the last
      // table, stale but never claiming a process gone that svcd merely could not see. The next
      // call scans again.
      if (this.procCache) return this.procCache;
      return { entries: [], byLeader: new Map(), serial: 0 };
    }
    this.procCache = { entries, byLeader, serial: ++this.scans };
    // What was read of processes gone since (not svcd's children: a service's own children, reaped
    // by it) goes with them; byLeader files every pid read under itself.
    for (const pid of this.environ.keys()) if (!byLeader.has(pid)) this.environ.delete(pid);
    this.procCacheAt = this.now();
    this.reapedSinceScan.clear();
    if (!this.procCacheThisTurn) {
      this.procCacheThisTurn = true;
      setImmediate(() => (this.procCacheThisTurn = false));
    }
    return this.procCache;
  }

  /**
   * The processes a scan need not read: each unit's command svcd started in a session of its own
   * and has not reaped. Until it is reaped its pid is its own; it is svcd's child; a session leader
   * can change neither its session nor its process group (setsid(2), setpgid(2)); and its
   * INVOCATION_ID is the one it was started with (settled). So a restart's scan reads the stat
   * files of the other processes only, not those of a thousand services' main processes, and the
   * questions add these from what svcd knows.
   */
  private skipList(): Int32Array {
    return (this.skipping ??= Int32Array.from(this.settled.keys()).sort());
  }

  /**
   * The unit a process runs for, as journald reads it from the cgroup: without cgroups, the unit
   * whose started process is the pid itself, leads its session or process group, or is an
   * ancestor (a few levels up: `sh -c 'logger …'`). Undefined when svcd cannot tell.
   */
  unitOfProcess(pid: number): ProcessOwner | undefined {
    const inCgroup = this.cgroups?.unitOf(pid);
    if (inCgroup) {
      return this.owners.get(inCgroup) ?? { unit: inCgroup, invocationId: '', cgroup: this.cgroups?.has(inCgroup) ? this.cgroups.pathOf(inCgroup) : undefined };
    }
    let cur = pid;
    for (let depth = 0; depth < 8 && cur > 1; depth++) {
      const own = this.leaders.get(cur);
      if (own) return own;
      let st: ProcStat | undefined;
      try {
        st = readProcStat(cur);
      } catch {
        return undefined; // out of descriptors: the line is kept, its unit unknown
      }
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
