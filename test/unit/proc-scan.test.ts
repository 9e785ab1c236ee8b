// scanProcStats(): every process of /proc in one native pass, as readProcStat reads each one —
// what the process tracker reads to find what is left of a unit without cgroups.
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { readProcStat, scanProcStats } from '../../src/exec/proc-stat.js';

describe('scanProcStats', () => {
  it('lists a child in a session of its own with its parent, group, session and start time; a reaped one goes', async () => {
    const child = spawn('setsid', ['sleep', '30'], { stdio: 'ignore' });
    const pid = child.pid!;
    // setsid(1) forks when it leads a group already; the session leader is then its child.
    let leader = 0;
    for (let i = 0; i < 200 && !leader; i++) {
      leader = scanProcStats().find((p) => (p.pid === pid || p.ppid === pid) && p.sid === p.pid)?.pid ?? 0;
      if (!leader) await new Promise((r) => setTimeout(r, 10));
    }
    const row = scanProcStats().find((p) => p.pid === leader);
    // The state may change between the two reads (R while setsid execs sleep, then S): the rest may not.
    expect({ ...row, state: undefined }).toEqual({ ...readProcStat(leader), state: undefined });
    expect(['R', 'S', 'D']).toContain(row!.state);
    expect(row).toMatchObject({ sid: leader, pgid: leader });
    expect(Number(row!.start)).toBeGreaterThan(0);
    expect(scanProcStats().find((p) => p.pid === process.pid)).toMatchObject({ state: 'R', ppid: process.ppid });
    process.kill(leader, 'SIGKILL');
    if (leader !== pid) process.kill(pid, 'SIGKILL');
    await new Promise((r) => child.on('exit', r));
    for (let i = 0; i < 200 && scanProcStats().some((p) => p.pid === leader); i++) await new Promise((r) => setTimeout(r, 10));
    expect(scanProcStats().some((p) => p.pid === leader)).toBe(false);
  });
});

describe('scanProcStats with pids to skip', () => {
  it('leaves out exactly those pids and reads every other', async () => {
    const a = spawn('sleep', ['30'], { stdio: 'ignore' });
    const b = spawn('sleep', ['30'], { stdio: 'ignore' });
    const [lo, hi] = [a.pid!, b.pid!].sort((x, y) => x - y);
    const pids = (skip?: Int32Array) => new Set(scanProcStats(skip).map((p) => p.pid));
    try {
      const none = pids(new Int32Array(0));
      expect([lo, hi, process.pid].every((p) => none.has(p))).toBe(true);
      const withoutLo = pids(Int32Array.of(lo!));
      expect(withoutLo.has(lo!)).toBe(false);
      expect(withoutLo.has(hi!)).toBe(true);
      const withoutBoth = pids(Int32Array.of(lo!, hi!));
      expect([withoutBoth.has(lo!), withoutBoth.has(hi!), withoutBoth.has(process.pid)]).toEqual([false, false, true]);
    } finally {
      a.kill('SIGKILL');
      b.kill('SIGKILL');
    }
  });
});
