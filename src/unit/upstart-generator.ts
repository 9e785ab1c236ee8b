/**
 * svcd's upstart generator: each upstart job in /etc/init ($SVCD_UPSTART_PATH) whose name has no
 * unit of its own becomes NAME.service, as the SysV generator wraps init scripts, so the engine
 * never learns upstart. Its units go to the normal generator directory: above the SysV
 * generator's (late), because a package that ships both a job and an init script (Ubuntu's
 * nova-compute) meant the job — its init script defers to upstart where upstart runs.
 *
 * This file walks the directory and writes; the job is read in upstart-job.ts and becomes a unit
 * in upstart-unit.ts. Problems in a job are warnings with file:line, and the rest of the job loads.
 */
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { unitNameIsValid } from './name.js';
import { parseUpstartJob, type JobDiagnostic, type UpstartJob } from './upstart-job.js';
import { eventTargetText, upstartUnit } from './upstart-unit.js';
import { UPSTART_LOG_DIR, UPSTART_LOG_UNIT, upstartLogUnitText } from './upstart-log.js';
import { nativeUnitExists, SYSV_LOOKUP_PATH } from './sysv-native-unit.js';
import { hiddenOrBackupFile } from '../shared/hidden-file.js';
import type { Logger } from './sysv-script.js';
import { generatorProgram, linkWanted } from './generator-program.js';

/** Where upstart 1.x reads system jobs (init(5)). */
export const UPSTART_JOB_DIR = '/etc/init';

interface UpstartGeneratorOptions {
  readonly dest: string;
  /** $SVCD_UPSTART_PATH (the job directory), $SYSTEMD_UNIT_PATH (where native units are looked for). */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly log?: Logger;
}

const readText = (path: string): string | undefined => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
};

const diagnosticText = (d: JobDiagnostic): string => `${d.file}:${d.line}: ${d.message}`;

/** Runs the generator into `dest`; returns the exit status (0: every readable job written). */
export function runUpstartGenerator(opts: UpstartGeneratorOptions): number {
  const log = opts.log ?? (() => {});
  const dir = opts.env.SVCD_UPSTART_PATH || UPSTART_JOB_DIR;
  const lookup = opts.env.SYSTEMD_UNIT_PATH ? opts.env.SYSTEMD_UNIT_PATH.split(':').filter((c) => c !== '') : [...SYSV_LOOKUP_PATH];
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.conf') && !hiddenOrBackupFile(n)).sort();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') log('warning', `cannot read ${dir}: ${(e as Error).message}`);
    return 0;
  }
  let status = 0;
  /** The emitted events the jobs start or stop on: one target each, written once. */
  const events = new Set<string>();
  /** Every job read (with its override), before any is written: a job's unit depends on what the others are. */
  const jobs: { job: string; conf: string; merged: UpstartJob }[] = [];
  for (const file of names) {
    const conf = join(dir, file);
    const job = file.slice(0, -'.conf'.length);
    try {
      if (!statSync(conf).isFile()) continue;
    } catch {
      continue;
    }
    if (!unitNameIsValid(`${job}.service`)) {
      log('warning', `${conf}: "${job}" cannot be a unit name, job ignored`);
      continue;
    }
    if (nativeUnitExists(`${job}.service`, lookup)) {
      log('debug', `${job}.service has a unit file: ${conf} not used`);
      continue;
    }
    const text = readText(conf);
    if (text === undefined) {
      log('err', `cannot read ${conf}`);
      status = 1;
      continue;
    }
    const parsed = parseUpstartJob(text, conf);
    // An override's stanzas win (init(5)); an override that does not parse cleanly is ignored whole.
    const overridePath = join(dir, `${job}.override`);
    const override = readText(overridePath);
    let merged = parsed.job;
    const problems = [...parsed.diagnostics];
    if (override !== undefined) {
      const trial = parseUpstartJob(override, overridePath, structuredClone(parsed.job));
      if (trial.diagnostics.length === 0) merged = trial.job;
      else problems.push(...trial.diagnostics, { file: overridePath, line: 0, message: 'the override has errors and is ignored' });
    }
    for (const d of problems) log('warning', diagnosticText(d));
    jobs.push({ job, conf, merged });
  }
  // The tasks: a job that starts when one of them has stopped runs after it (see startOnDeps).
  const tasks = new Set(jobs.filter((j) => j.merged.task).map((j) => j.job));
  /** The jobs whose output goes to /var/log/upstart too (a template's name with its "@"). */
  const logged: string[] = [];
  if (jobs.length > 0) mkdirSync(opts.dest, { recursive: true, mode: 0o755 });
  for (const { job, conf, merged } of jobs) {
    const unit = upstartUnit(job, conf, merged, tasks);
    for (const w of unit.warnings) log('warning', `${conf}: ${w}`);
    try {
      writeFileSync(join(opts.dest, unit.name), unit.text, { mode: 0o644 });
    } catch (e) {
      log('err', `cannot write ${join(opts.dest, unit.name)}: ${(e as Error).message}`);
      status = 1;
      continue;
    }
    for (const target of unit.wantedBy) linkWanted(opts.dest, target, unit.name, log);
    for (const e of unit.events) events.add(e);
    if (unit.logged) logged.push(unit.name.endsWith('@.service') ? `${job}@` : job);
    log('info', `${conf}: upstart job wrapped in ${unit.name}`);
  }
  for (const e of events) {
    const target = eventTargetText(e);
    try {
      writeFileSync(join(opts.dest, target.name), target.text, { mode: 0o644 });
    } catch (err) {
      log('err', `cannot write ${join(opts.dest, target.name)}: ${(err as Error).message}`);
      status = 1;
    }
  }
  if (logged.length) {
    const path = join(opts.dest, UPSTART_LOG_UNIT);
    try {
      writeFileSync(path, upstartLogUnitText(logged, opts.env.UPSTART_LOGDIR || UPSTART_LOG_DIR), { mode: 0o644 });
    } catch (err) {
      log('err', `cannot write ${path}: ${(err as Error).message}`);
      status = 1;
    }
  }
  return status;
}

/** The program: `svcd-upstart-generator [NORMAL EARLY LATE]`; messages to stderr up to $SYSTEMD_LOG_LEVEL (warning). */
export function upstartGeneratorMain(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): number {
  return generatorProgram('svcd-upstart-generator', argv, env, (dirs, log) => runUpstartGenerator({ dest: dirs.normal, env, log }));
}
