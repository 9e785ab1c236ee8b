// ProcessTracker without cgroups: a unit's processes are those in the sessions and groups its
// commands lead, and those carrying its INVOCATION_ID. The commands svcd started itself (in a
// session of their own, not reaped) are not read from /proc but known; these real processes check
// that the answers stay what reading them gave: the command, what it forked into its session, what
// escaped into a new session with the unit's INVOCATION_ID, and nothing of another unit's.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { ProcessTracker } from '../../src/host/process-tracker.js';
import { scanProcStats } from '../../src/exec/proc-stat.js';
import { liveHeapBytes } from '../support/heap.js';

const children: ChildProcess[] = [];
/** Processes in sessions of their own besides the commands' (killed by pid). */
const escapees: number[] = [];
afterEach(() => {
  for (const target of [...children.splice(0).map((c) => -c.pid!), ...escapees.splice(0)]) {
    try {
      process.kill(target, 'SIGKILL');
    } catch {
      // gone
    }
  }
});

/** A command as svcd starts one: in a session of its own, with its unit's INVOCATION_ID. */
function command(script: string, invocationId: string): number {
  const c = spawn('/bin/sh', ['-c', script], { stdio: 'ignore', detached: true, env: { PATH: process.env.PATH, INVOCATION_ID: invocationId } });
  children.push(c);
  return c.pid!;
}

const num = (x: number, y: number): number => x - y;

async function until(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 300 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
}

describe('ProcessTracker without cgroups', () => {
  it("finds a unit's command, its session and its escaped INVOCATION_ID carriers, and none of another unit's", async () => {
    const tracker = new ProcessTracker(undefined, () => performance.now());
    // a: a shell with a child in its session, and a setsid'd grandchild (a daemon's double fork).
    const [invA, invB] = [randomUUID(), randomUUID()];
    const a = command('sleep 31 & setsid sleep 32 & wait', invA);
    const b = command('sleep 33 & wait', invB);
    for (const [pid, unit, inv] of [[a, 'a.service', invA], [b, 'b.service', invB]] as const) {
      tracker.started(pid, true);
      tracker.owned(pid, { unit, invocationId: inv });
      tracker.noteInvocation(unit, inv);
    }
    const byParent = () => scanProcStats().filter((p) => p.ppid === a || p.ppid === b);
    await until(() => byParent().length === 3);
    const rows = byParent();
    const inSession = rows.find((p) => p.ppid === a && p.sid === a)!.pid;
    const escaped = rows.find((p) => p.ppid === a && p.sid !== a)!.pid;
    escapees.push(escaped);
    const ofB = rows.find((p) => p.ppid === b)!.pid;

    const ofA = tracker.unitProcesses('a.service', [a], true);
    expect([...ofA].sort(num)).toEqual([a, inSession, escaped].sort(num));
    expect([...tracker.unitProcesses('b.service', [b], true)].sort(num)).toEqual([b, ofB].sort(num));
    // Asked with no pid (a command svcd no longer names): the INVOCATION_ID alone finds them all.
    expect([...tracker.unitProcesses('a.service', [], true)].sort(num)).toEqual([a, inSession, escaped].sort(num));
    // A command known by pid only (no INVOCATION_ID noted for its unit) is still its unit's.
    const c = command('exec sleep 34', '');
    tracker.started(c, true);
    tracker.owned(c, { unit: 'c.service', invocationId: '' });
    expect(tracker.unitProcesses('c.service', [c], true)).toEqual([c]);
    // The shutdown's sweep and the stray check see the known commands as svcd's children.
    expect(tracker.descendants(process.pid)).toEqual(expect.arrayContaining([a, b, inSession, escaped, ofB]));
    expect(tracker.strayProcesses()).not.toContain(a);
  });

  it("forgets the INVOCATION_IDs of runs no process carries, and keeps those of a run's leftovers", async () => {
    let now = 0;
    const tracker = new ProcessTracker(undefined, () => now);
    // A run's leftover (KillMode=process): it carries the run's id, its command is gone.
    const old = randomUUID();
    tracker.noteInvocation('r.service', old);
    const leftover = command('exec sleep 35', old);
    await until(() => tracker.unitProcesses('r.service', [], true).includes(leftover));
    // Thousands of runs whose commands have all exited (Restart=always): each read of /proc after
    // a batch is a later one (another turn of the event loop, past the scan's time to live), as
    // the restarts' are.
    const batches = 20;
    const perBatch = 500;
    const before = liveHeapBytes();
    for (let b = 0; b < batches; b++) {
      for (let i = 0; i < perBatch; i++) tracker.noteInvocation('r.service', randomUUID());
      await new Promise(setImmediate);
      now += 1000;
      expect(tracker.unitProcesses('r.service', [])).toEqual([leftover]);
    }
    await new Promise(setImmediate);
    now += 1000;
    expect(tracker.unitProcesses('r.service', [])).toEqual([leftover]);
    const perRun = (liveHeapBytes() - before) / (batches * perBatch);
    // Filed for good, an id with its two table entries costs some 200 bytes.
    expect(perRun).toBeLessThan(60);
    // The leftover is still the unit's, and so not a stray child of svcd's.
    expect(tracker.strayProcesses()).not.toContain(leftover);
    expect(tracker.unitProcesses('r.service', [], true)).toEqual([leftover]);
  });
});
