// svcd as PID 1 of a PID + mount namespace booted by a shell script (which mounts its own /run and
// execs svcd), and the ways into it: commands and svcctl run inside the namespaces (the control
// socket lives in the private /run), files of that /run read from outside.
import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { join } from 'node:path';

const repo = join(__dirname, '../..');

export const until = async (pred: () => boolean, ms = 30000): Promise<boolean> => {
  for (let t = 0; t < ms && !pred(); t += 100) await new Promise((r) => setTimeout(r, 100));
  return pred();
};

export interface ScriptBoot {
  /** Everything unshare and svcd printed so far. */
  output(): string;
  /** svcd's exit status, forwarded by unshare. */
  readonly exit: Promise<number | null>;
  /** svcd's pid on the host (1 inside). */
  pid1(): number;
  inside(...args: string[]): SpawnSyncReturns<string>;
  svcctl(...args: string[]): SpawnSyncReturns<string>;
  /** A path of the namespace's private /run, as seen from the host. */
  runFile(p: string): string;
  kill(): void;
}

/** Starts `sh SCRIPT ...args` in new PID and mount namespaces; svcctl expects --runtime-dir /run/svcd. */
export function bootScript(script: string, args: readonly string[]): ScriptBoot {
  let out = '';
  const proc = spawn('unshare', ['--mount', '--pid', '--fork', '--mount-proc', '--kill-child', 'sh', script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exit = new Promise<number | null>((r) => proc.on('exit', r));
  // Looked up once svcd runs; a lookup that finds nothing fails the test instead of handing 0 (or
  // NaN) to nsenter or kill, which would act on the test runner itself.
  let found = 0;
  const pid1 = () => {
    if (found > 1) return found;
    const p = Number(spawnSync('pgrep', ['-P', String(proc.pid)], { encoding: 'utf8' }).stdout.trim());
    if (!(p > 1)) throw new Error(`svcd's pid not found under unshare ${proc.pid}: ${out}`);
    return (found = p);
  };
  const inside = (...a: string[]) => spawnSync('nsenter', ['-t', String(pid1()), '-m', '-p', '--', ...a], { encoding: 'utf8' });
  return {
    output: () => out,
    exit,
    pid1,
    inside,
    svcctl: (...a: string[]) => inside(process.execPath, join(repo, 'dist/cli/svcctl.js'), '--runtime-dir', '/run/svcd', ...a),
    runFile: (p: string) => join(`/proc/${pid1()}/root/run`, p),
    kill: () => {
      if (proc.exitCode === null) proc.kill('SIGKILL');
    },
  };
}
