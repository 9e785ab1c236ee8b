// svcd as PID 1 of a fresh PID namespace, driven by svcctl: the harness the e2e differential tests
// share. Output is collected for failure messages; stop() asks svcd to exit and kills what is left.
import { execFile, spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const repo = join(__dirname, '../..');
const execFileP = promisify(execFile);
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface SvcctlResult { readonly rc: number; readonly stdout: string; readonly stderr: string }
export interface SvcdInNamespace {
  readonly run: string;
  /** Everything svcd printed so far. */
  console(): string;
  svcctl(...args: string[]): Promise<SvcctlResult>;
  /** svcd's pid on the host (it is 1 inside). */
  readonly hostPid: number;
  /** svcd's exit status, once it has exited. */
  readonly exited: Promise<number | null>;
  stop(): Promise<void>;
}

/**
 * Boots `unit` from `unitDir` (then svcd's own units/); resolves once the boot has settled.
 * `runtimeDir`: svcd's runtime directory as svcd sees it, for a `wrapper` that mounts a /run of the
 * namespace's own (as a container has): default, DIR/run on the host.
 */
export function bootInNamespace(dir: string, unitDir: string, unit: string, config = '/nonexistent', wrapper: readonly string[] = [], runtimeDir?: string): Promise<SvcdInNamespace> {
  return bootSearchPathInNamespace(dir, `${unitDir}:${join(repo, 'units')}`, unit, config, wrapper, runtimeDir);
}

/** Boots `unit` with exactly this --unit-path (colon-separated): no unit of svcd's own is added. */
export async function bootSearchPathInNamespace(dir: string, unitPath: string, unit: string, config = '/nonexistent', wrapper: readonly string[] = [], runtimeDir?: string): Promise<SvcdInNamespace> {
  let output = '';
  // `wrapper`: a command svcd runs under (e.g. setpriv, to boot it in a container with fewer capabilities).
  const p = spawn('unshare', ['--pid', '--fork', '--mount-proc', '--kill-child', ...wrapper, process.execPath, join(repo, 'dist/cli/svcd.js'),
    '--unit-path', unitPath, '--unit', unit, '--config', config,
    '--runtime-dir', runtimeDir ?? join(dir, 'run'), '--journal-dir', join(dir, 'journal')], { stdio: ['ignore', 'pipe', 'pipe'] });
  // The wrapper execs svcd, so the pid found is svcd's once it runs (the wrapper's before): a
  // runtime directory inside the namespace's own /run is reached from the host through its root.
  const findPid = () => Number(spawnSync('pgrep', ['-P', String(p.pid)], { encoding: 'utf8' }).stdout.trim());
  for (let t = 0; runtimeDir && t < 20000 && !(findPid() > 1); t += 50) await sleep(50);
  const run = runtimeDir ? join(`/proc/${findPid()}/root`, runtimeDir) : join(dir, 'run');
  p.stdout.on('data', (d: Buffer) => (output += d.toString()));
  p.stderr.on('data', (d: Buffer) => (output += d.toString()));
  // unshare forwards svcd's exit status (as 128+N for a signal).
  const exited = new Promise<number | null>((r) => p.on('exit', (code) => r(code)));
  const svcctl = async (...args: string[]): Promise<SvcctlResult> => {
    try {
      const r = await execFileP(process.execPath, [join(repo, 'dist/cli/svcctl.js'), '--runtime-dir', run, ...args], { encoding: 'utf8' });
      return { rc: 0, stdout: r.stdout, stderr: r.stderr };
    } catch (e) {
      const x = e as { code?: number; stdout?: string; stderr?: string };
      return { rc: typeof x.code === 'number' ? x.code : -1, stdout: x.stdout ?? '', stderr: x.stderr ?? '' };
    }
  };
  for (let t = 0; t < 20000 && !existsSync(join(run, 'control.sock')); t += 50) await sleep(50);
  // Looked up while svcd surely runs (its socket is there): a boot that ends in SuccessAction=exit
  // may be over by the time is-system-running --wait answers.
  const hostPid = findPid();
  await svcctl('is-system-running', '--wait');
  // 0 or NaN here would later signal the test runner's own process group.
  if (!(hostPid > 1)) {
    p.kill('SIGKILL');
    throw new Error(`svcd's pid not found under unshare ${p.pid}: ${output}`);
  }
  return {
    run,
    hostPid,
    exited,
    console: () => output,
    svcctl,
    stop: async () => {
      await svcctl('exit');
      await Promise.race([exited, sleep(10000)]);
      p.kill('SIGKILL');
    },
  };
}

/**
 * Runs a shell script in svcd's namespaces (nsenter `flags`: -m mount, -p pid, -n net, …); resolves
 * to its stdout. A process entered with -p has the pid svcd sees (SO_PEERCRED, MAINPID=).
 */
export function shellInside(svcd: SvcdInNamespace, script: string, flags: readonly string[] = ['-m', '-p']): Promise<string> {
  return new Promise((resolve) => {
    const p = spawn('nsenter', ['-t', String(svcd.hostPid), ...flags, 'sh', '-c', script], { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.on('close', () => resolve(out));
  });
}
