/**
 * svcd's own generators (generators/ in the package): one table of their names and programs, read
 * by the small scripts in generators/ (which anyone can run by hand, as systemd's) and by the
 * manager, which runs them inside its own process instead. Why: each is a Node program, and a
 * Node process costs 60-90 ms of CPU to start before it does any work; a container booting with
 * svcd as PID 1 ran three of them at every boot and every daemon-reload (docs/performance.md).
 * A generator found in another directory — systemd's own, a package's — is always a process.
 */
import { basename, dirname } from 'node:path';
import { BUILTIN_GENERATOR_DIR } from '../shared/package-root.js';

/** A generator program's body: its arguments and environment in, its exit status out. */
export type GeneratorMain = (argv: readonly string[], env: Readonly<Record<string, string | undefined>>) => number;

/** By file name in generators/, loaded only when run. */
const BUILTIN_GENERATORS: Readonly<Record<string, () => Promise<GeneratorMain>>> = {
  'systemd-sysv-generator': async () => (await import('./sysv-generator.js')).sysvGeneratorMain,
  'svcd-upstart-generator': async () => (await import('./upstart-generator.js')).upstartGeneratorMain,
  'svcd-supervisord-generator': async () => (await import('./supervisor-generator.js')).supervisorGeneratorMain,
};

/** The program of one of svcd's generators, by its file name. */
export async function builtinGeneratorMain(name: string): Promise<GeneratorMain | undefined> {
  const load = Object.hasOwn(BUILTIN_GENERATORS, name) ? BUILTIN_GENERATORS[name] : undefined;
  return load?.();
}

/** Whether a generator path findGenerators() chose is one of svcd's own, which the manager may run in-process. */
export function isBuiltinGenerator(path: string): boolean {
  return dirname(path) === BUILTIN_GENERATOR_DIR && Object.hasOwn(BUILTIN_GENERATORS, basename(path));
}

/**
 * Runs one of svcd's generators in this process with the argv and environment a spawned one would
 * get. What a process would have kept to itself is restored: the umask (systemd.generator(7)'s
 * 022, which the program sets). Its messages go to this process's stderr, where a spawned
 * generator's go too. A throw is its exit status 1, as the program's own handler makes it.
 */
export async function runBuiltinGenerator(argv: readonly string[], envp: readonly string[]): Promise<{ code: number; signal: number }> {
  const env: Record<string, string> = {};
  for (const kv of envp) {
    const eq = kv.indexOf('=');
    if (eq > 0) env[kv.slice(0, eq)] = kv.slice(eq + 1);
  }
  const umask = process.umask();
  try {
    const main = await builtinGeneratorMain(basename(argv[0] ?? ''));
    return { code: main ? main(argv.slice(1), env) : 1, signal: 0 };
  } catch {
    return { code: 1, signal: 0 };
  } finally {
    process.umask(umask);
  }
}
