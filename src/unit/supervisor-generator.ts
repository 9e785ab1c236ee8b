/**
 * svcd's supervisord generator: a container moving from supervisord keeps its configuration.
 * supervisord's main file (/etc/supervisord.conf or /etc/supervisor/supervisord.conf, or
 * $SVCD_SUPERVISORD_CONF) and its includes become units in the generator's normal directory — below
 * /etc's units, above the vendor's, as the admin's supervisord.conf outranks a package's unit — with
 * autostart processes and groups wanted by multi-user.target. Like the SysV generator, it keeps the
 * engine ignorant of supervisord: what it writes are ordinary units.
 *
 * Reading is supervisor/programs.ts's job, writing a unit supervisor/units.ts's; this file resolves
 * commands as supervisord does and lays the files and links down.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { isExecutableFile } from '../shared/executable.js';
import { isAbsolute, join, resolve } from 'node:path';
import { unitNameIsValid, UNIT_NAME_PLAIN } from './name.js';
import { generatorProgram, linkWanted } from './generator-program.js';
import type { Logger } from './sysv-script.js';
import { readSupervisorConfig, type SupervisorProcess } from './supervisor/programs.js';
import { groupTargetText, processUnitText, serviceName, targetName } from './supervisor/units.js';

/** supervisord's default PATH when its own has none (supervisor/options.py get_path). */
const DEFAULT_PATH = '/bin:/usr/bin:/usr/local/bin';

/** argv[0] as supervisord finds it: with a slash, from the working directory; without, in its $PATH. */
export function resolveProgram(p: SupervisorProcess, path: string | undefined): string | undefined {
  const cmd = p.argv[0]!;
  if (cmd.includes('/')) return isAbsolute(cmd) ? cmd : resolve(p.directory ?? '/', cmd);
  for (const dir of (path || DEFAULT_PATH).split(':')) {
    if (dir !== '' && isExecutableFile(join(dir, cmd))) return join(dir, cmd);
  }
  return undefined;
}

/** Writes the units into `dest`. Returns the exit status (0: problems are warnings, the rest loads). */
export function runSupervisorGenerator(opts: { dest: string; env: Readonly<Record<string, string | undefined>>; log?: Logger }): number {
  const log = opts.log ?? (() => {});
  const config = readSupervisorConfig({
    main: opts.env.SVCD_SUPERVISORD_CONF || undefined,
    env: opts.env,
    warn: (at, text) => log('warning', `${typeof at === 'string' ? at : `${at.file}:${at.line}`}: ${text}`),
  });
  if (config.main === undefined) return 0;
  const written = new Map<string, SupervisorProcess>();
  for (const p of config.processes) {
    const unit = serviceName(p);
    if (!unitNameIsValid(unit, UNIT_NAME_PLAIN)) {
      log('warning', `${p.source}: process name "${p.name}" cannot be a unit name; program "${p.program}" process not loaded`);
      continue;
    }
    if (written.has(unit)) {
      log('warning', `${p.source}: a second process named "${p.name}" (program "${p.program}"); not loaded`);
      continue;
    }
    written.set(unit, p);
  }
  mkdirSync(opts.dest, { recursive: true, mode: 0o755 });
  const processes = [...written.values()];
  for (const [unit, p] of written) {
    const program = resolveProgram(p, opts.env.PATH);
    if (program === undefined) log('warning', `${p.source}: command "${p.argv[0]}" of program "${p.program}" not found in PATH; its unit will fail to start`);
    const lower = processes.filter((q) => q.priority < p.priority).map(serviceName);
    writeFileSync(join(opts.dest, unit), processUnitText(p, { program: program ?? p.argv[0]!, lower }), { mode: 0o644 });
    // A group's members start with the group; the others on their own at boot.
    if (p.autostart && !p.group) linkWanted(opts.dest, 'multi-user.target', unit, log);
  }
  for (const g of config.groups) {
    const members = processes.filter((p) => p.group === g.name);
    const target = targetName(g);
    writeFileSync(join(opts.dest, target), groupTargetText(g, members), { mode: 0o644 });
    linkWanted(opts.dest, 'multi-user.target', target, log);
  }
  log('debug', `${config.main}: ${written.size} process unit(s), ${config.groups.length} group target(s)`);
  return 0;
}

/** The program: `svcd-supervisord-generator [NORMAL EARLY LATE]`; messages to stderr up to $SYSTEMD_LOG_LEVEL. */
export function supervisorGeneratorMain(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): number {
  return generatorProgram('svcd-supervisord-generator', argv, env, (dirs, log) => runSupervisorGenerator({ dest: dirs.normal, env, log }));
}
