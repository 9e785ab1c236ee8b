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
