/**
 * Upstart's commands, for the job scripts and admins that call them: svcctl installed as `start`,
 * `stop`, `restart`, `reload`, `status` and `initctl` (initctl(8): the same tool behaves as the
 * command it is named after). Jobs are svcd's services (the upstart generator made NAME.service
 * of /etc/init/NAME.conf), so these ask the manager through the control socket, and answer with
 * upstart 1.x's words and exit codes: `nova-compute start/running, process 1234`, `stop/waiting`,
 * "status: Unknown job: libvirt-bin" and 1.
 *
 * Called without JOB from inside a job's own script, they act on $UPSTART_JOB, as upstart's do;
 * `stop` there (pre-start cancelling its start) does not wait, or it would wait for itself.
 */
import { readdirSync } from 'node:fs';
import { call, ConnectionError, type Method, type Methods } from '../../control/protocol.js';
import { instanceOf, unitNameEscape, unitNameUnescape } from '../../unit/escape.js';
import { unitNameIsValid } from '../../unit/name.js';
import { UPSTART_JOB_DIR } from '../../unit/upstart-generator.js';
import { eventTarget } from '../../unit/upstart-events.js';
import { VERSION } from '../../shared/version.js';
import { controlSocketPath } from '../../control/protocol.js';
import { isInstance, statusLine, STATE_PROPERTIES, type ServiceState } from './upstart-state.js';

export interface UpstartIo {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** The job commands (initctl's and its links'). */
type JobCommand = 'start' | 'stop' | 'restart' | 'reload' | 'status';

/** An error of upstart's tools: "PROGRAM: MESSAGE" on stderr, exit status 1. */
class UpstartError extends Error {}
/** A usage error: the message, then the hint to --help that upstart's tools print under it. */
class UsageError extends UpstartError {}

/** A control-socket client for one command. */
function client(io: UpstartIo) {
  const path = controlSocketPath(undefined, io.env);
  return async <M extends Method>(method: M, params: Methods[M]['params']): Promise<Methods[M]['result']> => {
    let r;
    try {
      r = await call(path, method, params);
    } catch (e) {
      // initctl's words when it cannot reach init.
      if (e instanceof ConnectionError) throw new UpstartError(`Unable to connect to Upstart: ${e.message}`);
      throw e;
    }
    if (!r.ok) throw new UpstartError(r.error.message);
    return r.result;
  };
}
type Rpc = ReturnType<typeof client>;

/** The job a command names: JOB and, for an instance job, the first KEY=VALUE's value. */
interface JobRef {
  readonly job: string;
  readonly instance?: string;
  readonly unit: string;
}

async function stateOf(rpc: Rpc, unit: string): Promise<(ServiceState & { loaded: boolean }) | undefined> {
  const r = await rpc('show', { unit, properties: [...STATE_PROPERTIES] });
  const p = new Map(r.properties);
  if (p.get('LoadState') !== 'loaded') return undefined;
  return {
    loaded: true,
    activeState: p.get('ActiveState') ?? 'inactive',
    subState: p.get('SubState') ?? 'dead',
    mainPid: Number(p.get('MainPID') ?? 0),
    controlPid: Number(p.get('ControlPID') ?? 0),
  };
}

/** JOB (or $UPSTART_JOB) and its instance from the arguments; undefined when no job is named. */
function jobRef(args: readonly string[], env: UpstartIo['env']): JobRef | undefined {
  const named = args.find((a) => !a.includes('='));
  const job = named ?? env.UPSTART_JOB;
  if (job === undefined || job === '') return undefined;
  const value = args.find((a) => a.includes('='))?.split('=').slice(1).join('=') ?? (named === undefined ? env.UPSTART_INSTANCE : undefined);
  const instance = value ? value : undefined;
  return { job, instance, unit: instance ? `${job}@${unitNameEscape(instance)}.service` : `${job}.service` };
}

/** One of start/stop/restart/reload/status on a job. */
async function jobCommand(cmd: JobCommand, ref: JobRef, rpc: Rpc, io: UpstartIo, opts: { noWait: boolean; quiet: boolean }): Promise<void> {
  if (!unitNameIsValid(ref.unit)) throw new UpstartError(`Unknown job: ${ref.job}`);
  const before = await stateOf(rpc, ref.unit);
  if (!before) throw new UpstartError(`Unknown job: ${ref.job}`);
  const print = (s: ServiceState) => {
    if (!opts.quiet) io.stdout.write(`${statusLine(ref.job, ref.instance, s)}\n`);
  };
  if (cmd === 'status') return print(before);
  if (cmd === 'start' && isInstance(before)) throw new UpstartError(`Job is already running: ${ref.job}`);
  if (cmd !== 'start' && !isInstance(before)) throw new UpstartError(`Unknown instance: ${ref.instance ?? ''}`);
  // A job stopping itself from its own script must not wait for its own end.
  const self = io.env.UPSTART_JOB === ref.job && (io.env.UPSTART_INSTANCE ?? '') === (ref.instance ?? '');
  const wait = !opts.noWait && !self;
  const r = await rpc('enqueue', { unit: ref.unit, type: cmd, mode: 'replace', wait });
  if (cmd === 'reload') return;
  if (wait && r.result !== undefined && r.result !== 'done') throw new UpstartError(cmd === 'stop' ? 'Job failed while stopping' : 'Job failed to start');
  const after = await stateOf(rpc, ref.unit);
  if (after) print(after);
}

/** The jobs /etc/init holds ($SVCD_UPSTART_PATH), as `initctl list` enumerates its configuration. */
function configuredJobs(env: UpstartIo['env']): string[] {
  try {
    return readdirSync(env.SVCD_UPSTART_PATH || UPSTART_JOB_DIR).filter((n) => n.endsWith('.conf')).map((n) => n.slice(0, -5)).sort();
  } catch {
    return [];
  }
}

/**
 * `initctl list`'s lines for one job: its state; for an instance job (NAME@.service), one line per
 * running instance, or `stop/waiting` when none runs, as upstart lists a job it knows.
 */
async function listLines(rpc: Rpc, job: string): Promise<string[]> {
  const single = await stateOf(rpc, `${job}.service`);
  if (single) return [statusLine(job, undefined, single)];
  const lines: string[] = [];
  for (const row of await rpc('list-units', { patterns: [`${job}@*.service`] })) {
    const s = await stateOf(rpc, row.id);
    const escaped = instanceOf(row.id);
    const instance = escaped !== undefined ? unitNameUnescape(escaped) : undefined;
    if (s && isInstance(s) && instance?.ok) lines.push(statusLine(job, instance.value, s));
  }
  return lines.length ? lines : [`${job} stop/waiting`];
}

/**
 * `initctl emit EVENT`: the generator made the event a target wanting the jobs that start on it and
 * conflicting with those that stop on it; starting it is the event happening (waiting, as emit
 * waits, until those jobs have started or stopped), stopping it again lets it happen once more.
 * An event no job waits for has no target and is accepted all the same, as upstart accepts it.
 * (The boot's own events were turned into dependencies: they need no emitting.)
 */
async function emit(args: readonly string[], rpc: Rpc): Promise<void> {
  const event = args[0];
  if (event === undefined || event.includes('=')) throw new UsageError('missing event name');
  const target = eventTarget(event);
  if (!(await stateOf(rpc, target))) return;
  const r = await rpc('enqueue', { unit: target, type: 'start', mode: 'replace', wait: true });
  await rpc('enqueue', { unit: target, type: 'stop', mode: 'replace', wait: false });
  if (r.result !== undefined && r.result !== 'done') throw new UpstartError('Event failed');
}

async function initctl(args: readonly string[], rpc: Rpc, io: UpstartIo, opts: { noWait: boolean; quiet: boolean }): Promise<void> {
  const [command, ...rest] = args;
  switch (command) {
    case undefined:
      throw new UsageError('missing command');
    case 'start':
    case 'stop':
    case 'restart':
    case 'reload':
    case 'status': {
      const ref = jobRef(rest, io.env);
      if (!ref) throw new UsageError('missing job name');
      return jobCommand(command, ref, rpc, io, opts);
    }
    case 'list':
      for (const job of configuredJobs(io.env)) for (const line of await listLines(rpc, job)) io.stdout.write(`${line}\n`);
      return;
    case 'emit':
      return emit(rest, rpc);
    case 'reload-configuration':
      // Upstart rereads /etc/init; svcd reruns the generators that read it.
      await rpc('daemon-reload', {});
      return;
    case 'version':
      // Not "upstart": Ubuntu's init scripts take an initctl whose version says upstart for upstart
      // itself, and then leave their work to upstart jobs that may not exist.
      io.stdout.write(`init (svcd ${VERSION})\n`);
      return;
    default:
      throw new UsageError(`invalid command: ${command}`);
  }
}

/** Runs `name` (start, stop, restart, reload, status or initctl) with its arguments; returns the exit status. */
export async function runUpstartCommand(name: string, argv: readonly string[], io: UpstartIo): Promise<number> {
  const opts = { noWait: false, quiet: false };
  const args: string[] = [];
  const rpc = client(io);
  try {
    for (const a of argv) {
      if (a === '-n' || a === '--no-wait') opts.noWait = true;
      else if (a === '-q' || a === '--quiet') opts.quiet = true;
      else if (a === '--system') continue;
      else if (a.startsWith('-')) throw new UsageError(`invalid option: ${a}`);
      else args.push(a);
    }
    if (name === 'initctl') await initctl(args, rpc, io, opts);
    else {
      const ref = jobRef(args, io.env);
      if (!ref) throw new UsageError('missing job name');
      await jobCommand(name as JobCommand, ref, rpc, io, opts);
    }
    return 0;
  } catch (e) {
    if (!(e instanceof UpstartError)) throw e;
    io.stderr.write(`${name}: ${e.message}\n`);
    if (e instanceof UsageError) io.stderr.write(`Try \`${name} --help' for more information.\n`);
    return 1;
  }
}
