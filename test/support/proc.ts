// What /proc says about the processes a test started (in whatever PID namespace they run).
import { readFileSync, readdirSync } from 'node:fs';

/** Host pids of live (not zombie) processes whose command line contains `needle`. */
export function processesMatching(needle: string): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const cmd = readFileSync(`/proc/${name}/cmdline`, 'latin1').split('\0').join(' ');
      const st = readFileSync(`/proc/${name}/stat`, 'latin1');
      if (cmd.includes(needle) && st.slice(st.lastIndexOf(')') + 2, st.lastIndexOf(')') + 3) !== 'Z') out.push(Number(name));
    } catch {
      // gone
    }
  }
  return out;
}

/**
 * kill(2) for a pid a test looked up: refuses 0 and 1 (and NaN), which a lookup that found nothing
 * would give, and which would signal the test runner's own process group or the whole machine.
 */
export function signalPid(pid: number, signal: NodeJS.Signals | number): void {
  if (!Number.isInteger(pid) || pid <= 1) throw new Error(`refusing to send ${signal} to pid ${pid}: the lookup found no process`);
  process.kill(pid, signal);
}
