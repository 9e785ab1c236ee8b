/**
 * An upstart job as a service unit: what svcd's upstart generator writes for /etc/init/NAME.conf.
 * Each stanza goes to the directive that gives the behaviour init(5) describes; where systemd has
 * no counterpart the job still loads and a warning says what is lost (docs/upstart.md lists both).
 *
 * The processes: `exec` runs as upstart runs it (straight when the line has no shell character,
 * else through `/bin/sh -e -c "exec …"`), a `script` through `/bin/sh -e`; pre-start is
 * ExecStartPre=, post-start ExecStartPost= (upstart, too, calls the job running only once it has
 * ended), pre-stop ExecStop= (run before the main process is signalled), post-stop ExecStopPost=.
 */
import { signalFromString, signalToString } from '../shared/signal.js';
import { emptyDeps, eventTarget, startOnDeps, stopOnDeps } from './upstart-events.js';
import type { UpstartJob, UpstartLimit, UpstartProcess, UpstartProcessName } from './upstart-job.js';
import { UPSTART_LOG_UNIT } from './upstart-log.js';
import { execCommandLine, quoteWord, specifierEscape } from './unit-file-quote.js';

/** Upstart's defaults (init(5)): respawn limit 10 in 5 s, kill timeout 5 s, reload by SIGHUP. */
const DEFAULT_RESPAWN = { count: 10, interval: 5 } as const;
const DEFAULT_KILL_TIMEOUT = 5;
const DEFAULT_RELOAD_SIGNAL = 'HUP';
/**
 * `expect stop`'s other half, as a post-start step: wait until the main process is stopped (state T
 * in /proc/PID/stat, after the command name's closing bracket), then SIGCONT it. A main process
 * that ends first fails the step, as the job would fail under upstart.
 */
const CONTINUE_WHEN_STOPPED = 'while :; do [ -e /proc/$MAINPID ] || exit 1; s=$(sed "s/.*) //" /proc/$MAINPID/stat); if [ "${s%% *}" = T ]; then kill -CONT $MAINPID; exit 0; fi; sleep 0.05; done';
/** Characters for which upstart hands an `exec` line to the shell (its SHELL_CHARS). */
const SHELL_CHARS = /[~`!$^&*()=|\\{}[\];"'<>?]/;
/** The shell upstart runs scripts with, and its option (init(5): "The -e shell option is always used"). */
export const UPSTART_SHELL = ['/bin/sh', '-e'] as const;

const LIMIT_DIRECTIVES: Readonly<Record<UpstartLimit, string>> = {
  as: 'LimitAS', core: 'LimitCORE', cpu: 'LimitCPU', data: 'LimitDATA', fsize: 'LimitFSIZE', memlock: 'LimitMEMLOCK', msgqueue: 'LimitMSGQUEUE',
  nice: 'LimitNICE', nofile: 'LimitNOFILE', nproc: 'LimitNPROC', rss: 'LimitRSS', rtprio: 'LimitRTPRIO', sigpending: 'LimitSIGPENDING', stack: 'LimitSTACK',
};

const PROCESS_DIRECTIVES: Readonly<Record<UpstartProcessName, string>> = {
  'pre-start': 'ExecStartPre',
  main: 'ExecStart',
  'post-start': 'ExecStartPost',
  'pre-stop': 'ExecStop',
  'post-stop': 'ExecStopPost',
};


/** The argv a job process is run with, as upstart runs it. */
export function processArgv(p: UpstartProcess): string[] {
  if (p.kind === 'script') return [...UPSTART_SHELL, '-c', p.body];
  if (!SHELL_CHARS.test(p.command)) return p.command.split(/[ \t\n]+/).filter((w) => w !== '');
  return [...UPSTART_SHELL, '-c', `exec ${p.command}`];
}

/** A signal's name as KillSignal= writes it (SIGTERM). */
const sigName = (s: string): string => {
  const r = signalFromString(s);
  return r.ok ? `SIG${signalToString(r.value)}` : s;
};

/** `$VAR` or `${VAR}` alone: an instance systemd can name with %i. */
function instanceVariable(instance: string): string | undefined {
  return /^\$(?:([A-Za-z_][A-Za-z0-9_]*)|\{([A-Za-z_][A-Za-z0-9_]*)\})$/.exec(instance)?.slice(1).find((v) => v !== undefined);
}

/** What the generator writes for a job. */
export interface UpstartUnit {
  /** NAME.service, or NAME@.service for a job with `instance $VAR`. */
  readonly name: string;
  readonly text: string;
  /** Units whose .wants/ links to it. */
  readonly wantedBy: readonly string[];
  /** The emitted events it starts or stops on (each an eventTarget() to write). */
  readonly events: readonly string[];
  /** `console log`: its output is also copied to /var/log/upstart (by UPSTART_LOG_UNIT). */
  readonly logged: boolean;
  readonly warnings: readonly string[];
}

/** The unit for job `name` read from `sourcePath`; `tasks`: the other jobs that are tasks. */
export function upstartUnit(name: string, sourcePath: string, job: UpstartJob, tasks: ReadonlySet<string> = new Set()): UpstartUnit {
  const warnings: string[] = [];
  const unit: [string, string][] = [['Documentation', 'man:svcd-upstart-generator(8)'], ['SourcePath', specifierEscape(sourcePath)]];
  const service: [string, string][] = [];
  const comments: string[] = [];
  if (job.description !== undefined) unit.push(['Description', specifierEscape(job.description)]);
  for (const k of ['author', 'version', 'usage'] as const) if (job[k] !== undefined) comments.push(`# upstart ${k}: ${job[k]!.replaceAll('\n', ' ')}`);
  if (job.emits.length) comments.push(`# upstart emits: ${job.emits.join(' ')}`);

  // Instances: `instance $VAR` is a template whose instance name is VAR's value.
  const variable = job.instance !== undefined ? instanceVariable(job.instance) : undefined;
  if (job.instance !== undefined && variable === undefined && /\$/.test(job.instance)) {
    warnings.push(`instance "${job.instance}": only an instance named by one variable ($VAR) can be a template instance; the job has a single instance`);
  }
  const template = variable !== undefined;

  // Dependencies from the events.
  const deps = emptyDeps();
  if (job.startOn && !job.manual) {
    if (template) warnings.push('start on: an instance job is started by hand (start JOB VAR=VALUE), never at boot');
    else startOnDeps(job.startOn.text, deps, tasks);
  }
  if (job.stopOn) stopOnDeps(job.stopOn.text, deps);
  warnings.push(...deps.warnings);
  for (const [k, set] of [['Wants', deps.wants], ['After', deps.after], ['Before', deps.before], ['PartOf', deps.partOf], ['Conflicts', deps.conflicts]] as const) {
    for (const u of set) unit.push([k, u]);
  }

  // Kind: a task runs to its end (oneshot); expect fork/daemon is a daemon that forks away (forking);
  // a job without a main process is a state, "running" until stopped (oneshot that remains).
  const main = job.processes.main;
  let type: string;
  if (!main) type = 'oneshot';
  else if (job.task) type = 'oneshot';
  else if (job.expect === 'fork' || job.expect === 'daemon') type = 'forking';
  else type = 'simple';
  service.push(['Type', type]);
  if (!main && !job.task) service.push(['RemainAfterExit', 'yes']);

  // Respawning: upstart respawns a service on every end but stop(8) (exit 0 too), a task on a failure.
  const normal = job.normalExit.map((s) => (typeof s === 'number' ? String(s) : `SIG${s}`));
  if (job.respawn && main) {
    service.push(['Restart', type === 'oneshot' ? 'on-failure' : 'always'], ['RestartSec', '0']);
    const limit = job.respawnLimit ?? DEFAULT_RESPAWN;
    // "respawned more than COUNT times in INTERVAL seconds": COUNT respawns after the first start.
    if (limit === 'unlimited') unit.push(['StartLimitIntervalSec', '0']);
    else unit.push(['StartLimitIntervalSec', `${limit.interval}s`], ['StartLimitBurst', String(limit.count + 1)]);
    if (normal.length) service.push(['RestartPreventExitStatus', normal.join(' ')]);
  } else if (job.respawn) {
    warnings.push('respawn: the job has no main process to respawn');
  }
  // A job stopped while one of its scripts runs (a pre-start that calls `stop` on its own job, the
  // usual way to cancel a start) is stop/waiting under upstart, never failed: the kill signal that
  // ends the script is a clean end, as SuccessExitStatus= makes it for control processes too.
  const killedCleanly = sigName(job.killSignal ?? 'TERM');
  service.push(['SuccessExitStatus', [...normal.filter((s) => s !== killedCleanly), killedCleanly].join(' ')]);

  // Processes.
  if (!main) service.push(['ExecStart', '/bin/true']);
  for (const [proc, directive] of Object.entries(PROCESS_DIRECTIVES) as [UpstartProcessName, string][]) {
    const p = job.processes[proc];
    if (p) service.push([directive, execCommandLine(processArgv(p))]);
    // expect stop: the job is started once its main process has stopped itself (SIGSTOP), and
    // upstart then continues it; before the job's own post-start.
    if (proc === 'main' && p && job.expect === 'stop') service.push(['ExecStartPost', execCommandLine([...UPSTART_SHELL, '-c', CONTINUE_WHEN_STOPPED])]);
  }
  if (main && !job.task) service.push(['ExecReload', `/bin/kill -${job.reloadSignal ?? DEFAULT_RELOAD_SIGNAL} $MAINPID`]);

  // Stopping.
  if (job.killSignal !== undefined) service.push(['KillSignal', sigName(job.killSignal)]);
  service.push(['TimeoutStopSec', `${job.killTimeout ?? DEFAULT_KILL_TIMEOUT}s`]);

  // Environment: upstart's own variables, then the job's.
  service.push(['Environment', quoteWord(`UPSTART_JOB=${name}`)]);
  service.push(['Environment', template ? `"UPSTART_INSTANCE=%I" "${variable}=%I"` : quoteWord('UPSTART_INSTANCE=')]);
  for (const [k, v] of job.env) {
    if (v === null) service.push(['PassEnvironment', k]);
    else service.push(['Environment', quoteWord(`${k}=${v}`)]);
  }
  if (job.export.length) comments.push(`# upstart export: ${job.export.join(' ')} (there are no events to export them into)`);

  // The process environment.
  if (job.chdir !== undefined) service.push(['WorkingDirectory', specifierEscape(job.chdir)]);
  if (job.chroot !== undefined) service.push(['RootDirectory', specifierEscape(job.chroot)]);
  if (job.umask !== undefined) service.push(['UMask', job.umask.toString(8).padStart(4, '0')]);
  if (job.nice !== undefined) service.push(['Nice', String(job.nice)]);
  if (job.oomScore !== undefined) service.push(['OOMScoreAdjust', job.oomScore === 'never' ? '-1000' : String(job.oomScore)]);
  for (const [res, [soft, hard]] of job.limits) {
    const v = (x: string) => (x === 'unlimited' ? 'infinity' : x);
    service.push([LIMIT_DIRECTIVES[res], `${v(soft)}:${v(hard)}`]);
  }
  if (job.setuid !== undefined) service.push(['User', specifierEscape(job.setuid)]);
  if (job.setgid !== undefined) service.push(['Group', specifierEscape(job.setgid)]);

  // Output. `console log` (upstart's default since 1.4) is svcd's journal, copied into the job's
  // file by the log follower, which stops after the job (so it sees its last lines); output/owner
  // the console too.
  const logged = (job.console ?? 'log') === 'log';
  switch (job.console ?? 'log') {
    case 'log':
      service.push(['StandardInput', 'null'], ['StandardOutput', 'journal'], ['StandardError', 'inherit']);
      unit.push(['Wants', UPSTART_LOG_UNIT], ['After', UPSTART_LOG_UNIT]);
      break;
    case 'output':
    case 'owner':
      service.push(['StandardInput', 'null'], ['StandardOutput', 'journal+console'], ['StandardError', 'inherit']);
      break;
    case 'none':
      service.push(['StandardInput', 'null'], ['StandardOutput', 'null'], ['StandardError', 'null']);
      break;
  }

  const section = (title: string, lines: [string, string][]) => `[${title}]\n${lines.map(([k, v]) => `${k}=${v}\n`).join('')}`;
  const text = `# Automatically generated by svcd-upstart-generator from ${sourcePath}\n${comments.map((c) => `${c}\n`).join('')}\n${section('Unit', unit)}\n${section('Service', service)}`;
  return { name: template ? `${name}@.service` : `${name}.service`, text, wantedBy: template ? [] : [...deps.wantedBy], events: [...deps.events], logged, warnings };
}

/** The target an emitted event becomes: started by `initctl emit NAME`, it starts and stops the jobs waiting for NAME. */
export function eventTargetText(event: string): { name: string; text: string } {
  const name = eventTarget(event);
  return { name, text: `# Automatically generated by svcd-upstart-generator: started by \`initctl emit ${event}\`\n\n[Unit]\nDescription=upstart event ${specifierEscape(event)}\nDocumentation=man:svcd-upstart-generator(8)\n` };
}
