// Processes a test looks up, signals, or runs as another user.
import { chmodSync, cpSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

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

/**
 * What a test runs as another user (uid 65534) must be readable by it, and a checkout may sit under
 * a private directory (CI clones into `mktemp -d`, mode 0700). This copies the built programs —
 * dist/, the native addon, package.json, and the given extra paths — into a fresh world-readable
 * directory laid out like the repository, and returns it.
 */
export function readableBuild(repo: string, extra: readonly string[] = []): string {
  const dir = mkdtempSync(join(tmpdir(), 'svcd-readable-'));
  chmodSync(dir, 0o755);
  for (const p of ['dist', 'build/Release/svcd_native.node', 'package.json', ...extra]) cpSync(join(repo, p), join(dir, p), { recursive: true });
  return dir;
}
