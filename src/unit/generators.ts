/**
 * Generators (systemd.generator(7)): programs run before units are loaded, at boot and at each
 * daemon-reload, that write units, drop-ins and .wants/ links into three directories of the search
 * path — postgresql-common's makes postgresql.service want each cluster's postgresql@V-NAME.service,
 * systemd-sysv-generator wraps /etc/init.d scripts that have no unit. Which generators exist and
 * where their output goes is decided here; running them is the caller's (the daemon spawns through
 * its native spawner, never child_process).
 */
import { lstatSync, mkdirSync, readlinkSync, rmSync, statSync } from 'node:fs';
import { BUILTIN_GENERATOR_DIR } from '../shared/package-root.js';
import { hiddenOrBackupFile } from '../shared/hidden-file.js';
import { GENERATOR_UNIT_DIRS, UNIT_DIRS } from '../shared/lookup-paths.js';
import { firstPerName } from '../config/conf-files.js';

/**
 * Where system generators live, earlier overriding later by name (note: /run before /etc), then
 * svcd's own (its systemd-sysv-generator for images without systemd): last, so systemd's program
 * of the same name wins where systemd is installed.
 */
export const SYSTEM_GENERATOR_DIRS: readonly string[] = [
  '/run/systemd/system-generators',
  '/etc/systemd/system-generators',
  '/usr/local/lib/systemd/system-generators',
  '/lib/systemd/system-generators',
  '/usr/lib/systemd/system-generators',
  BUILTIN_GENERATOR_DIR,
];

/** Their output: normal (below /etc, above vendor units), early (above everything), late (below everything). */
export const GENERATOR_OUTPUT = {
  normal: UNIT_DIRS.generator,
  early: UNIT_DIRS.generatorEarly,
  late: UNIT_DIRS.generatorLate,
} as const;

/** One of the three generator output directories. */
export function isGeneratorDir(dir: string): boolean {
  return GENERATOR_UNIT_DIRS.includes(dir);
}

/** Whether a unit file is a generator's output (its UnitFileState is "generated"). */
export function isGeneratedPath(path: string): boolean {
  return Object.values(GENERATOR_OUTPUT).some((d) => path.startsWith(`${d}/`));
}

/**
 * The generator directories: $SYSTEMD_GENERATOR_PATH when set (colon-separated; an empty component
 * stands for the defaults, as in SYSTEMD_UNIT_PATH), else the defaults.
 */
export function generatorDirs(env: Readonly<Record<string, string | undefined>>): string[] {
  const set = env.SYSTEMD_GENERATOR_PATH;
  if (set === undefined || set === '') return [...SYSTEM_GENERATOR_DIRS];
  return [...new Set(set.split(':').flatMap((c) => (c === '' ? SYSTEM_GENERATOR_DIRS : [c])))];
}

/**
 * The generators to run, in name order: per name the first directory that has it decides, and a
 * symlink to /dev/null or an empty file there masks it. Directories that do not exist are skipped.
 */
export function findGenerators(dirs: readonly string[]): string[] {
  // Hidden entries and package managers' leftovers (foo.dpkg-old) are not generators, as for systemd;
  // a masked or non-executable one still hides the same name further down.
  return firstPerName(dirs, (name) => !hiddenOrBackupFile(name)).filter((path) => !isMasked(path) && isExecutableFile(path));
}

function isMasked(path: string): boolean {
  try {
    if (lstatSync(path).isSymbolicLink() && readlinkSync(path) === '/dev/null') return true;
    return statSync(path).size === 0;
  } catch {
    return true; // a dangling link: nothing to run
  }
}

function isExecutableFile(path: string): boolean {
  try {
    const st = statSync(path);
    return st.isFile() && (st.mode & 0o111) !== 0;
  } catch {
    return false;
  }
}

/** Empties (or makes) the three output directories: a generator's output lasts one run. */
function resetGeneratorOutput(): void {
  for (const dir of Object.values(GENERATOR_OUTPUT)) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true, mode: 0o755 });
  }
}

/**
 * The environment systemd.generator(7) promises a system generator, on top of the manager's own
 * (systemd's generators inherit PID 1's environment, so a container's $SYSTEMD_SYSVINIT_PATH or
 * $SYSTEMD_LOG_LEVEL reaches them).
 */
export function generatorEnvironment(opts: { path: string; virtualization?: string; firstBoot: boolean; base?: Readonly<Record<string, string | undefined>> }): string[] {
  const env = new Map<string, string>();
  for (const [k, v] of Object.entries(opts.base ?? process.env)) if (v !== undefined) env.set(k, v);
  env.set('PATH', opts.path);
  env.set('SYSTEMD_SCOPE', 'system');
  env.set('SYSTEMD_IN_INITRD', '0');
  env.set('SYSTEMD_FIRST_BOOT', opts.firstBoot ? '1' : '0');
  if (opts.virtualization) env.set('SYSTEMD_VIRTUALIZATION', opts.virtualization);
  const arch = ({ x64: 'x86-64', arm64: 'arm64', ia32: 'x86', arm: 'arm', ppc64: 'ppc64-le', s390x: 's390x', riscv64: 'riscv64' } as Record<string, string>)[process.arch];
  if (arch) env.set('SYSTEMD_ARCHITECTURE', arch);
  return [...env].map(([k, v]) => `${k}=${v}`);
}

/** How one generator ended. */
export type GeneratorOutcome = { readonly code: number; readonly signal: number } | 'timeout' | { readonly error: string };

/** What went wrong, as svcd logs it after the generator's path ("" for a clean exit). */
export function outcomeProblem(o: GeneratorOutcome): string {
  if (o === 'timeout') return 'timed out';
  if ('error' in o) return `could not be started: ${o.error}`;
  if (o.signal) return `was terminated by signal ${o.signal}`;
  return o.code !== 0 ? `failed with exit status ${o.code}` : '';
}

/**
 * Runs every generator at once (as systemd does) after emptying the output directories, waits for
 * all, and returns what each did. `run` starts one process and resolves when it has exited.
 */
export async function runGenerators(
  generators: readonly string[],
  env: readonly string[],
  run: (argv: readonly string[], env: readonly string[]) => Promise<GeneratorOutcome>,
): Promise<Map<string, GeneratorOutcome>> {
  resetGeneratorOutput();
  const { normal, early, late } = GENERATOR_OUTPUT;
  const outcomes = await Promise.all(generators.map((g) => run([g, normal, early, late], env)));
  return new Map(generators.map((g, i) => [g, outcomes[i]!]));
}
