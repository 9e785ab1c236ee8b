/**
 * systemctl's verbs that talk to the running manager, through the control socket
 * (src/control/protocol.ts): job verbs, status, show, is-*, list-*, daemon-reload, kill,
 * reset-failed, is-system-running, exit/poweroff/halt/reboot. Output and exit codes follow
 * systemctl 252.
 */
import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import { call, controlSocketPath, ConnectionError, type Method, type Methods, type UnitRow } from '../../../control/protocol.js';
import { mangleUnitNamesNoisily } from '../mangle.js';
import { unitObjectRefusal } from '../../../unit/name.js';
import { SIGNALS } from '../../../shared/signal.js';
import { stringIsGlob } from '../../../shared/glob.js';
import { formatTimestamp, formatTimestampRelative } from '../../../shared/timestamp.js';
import { localZone } from '../../../shared/tzfile.js';
import { Collector, page, wantsPager } from '../pager.js';
import { socketTable } from './list-sockets.js';
import { pathPatterns, pathTable } from './list-paths.js';
import { listLegend } from './legend.js';
import { EXIT_FAILURE, EXIT_INVALIDARGUMENT, EXIT_NOTINSTALLED, EXIT_PROGRAM_NOT_RUNNING, type VerbContext } from '../context.js';
import { listOrder } from '../../../control/list-units.js';
import { warnTriggeringUnits } from './triggering.js';

/** systemctl's exit code for "unit not found" on job verbs (EXIT_NOTINSTALLED is 5 in LSB terms). */
const EXIT_UNIT_NOT_FOUND = 5;

class Failed extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
    /** The manager's error code, when the daemon refused the call. */
    readonly code?: string,
  ) {
    super(message);
  }
}

/**
 * systemctl's exit status for a refused call (translate_bus_error_to_exit_status): refusals by
 * policy are 4, an unknown unit 5, an inapplicable job 3; anything else 1 — a unit that failed to
 * load (LoadState=error) among them, whose refusal systemd names after the errno, not LoadFailed.
 */
const REFUSAL_EXIT: Readonly<Record<string, number>> = {
  refused: 4, destructive: 4, 'no-such-unit': EXIT_UNIT_NOT_FOUND, 'not-applicable': 3,
};
/** Refusals after which systemctl does not point at the logs: nothing ran that could have logged. */
const NO_LOG_HINT = new Set(['no-such-unit', 'masked', 'not-applicable']);

export function socketPath(ctx: VerbContext): string {
  return controlSocketPath(ctx.options.runtimeDir, ctx.env);
}

/** The control socket: in --runtime-dir, else $SVCD_RUNTIME_DIR, else svcd's default. */

async function rpc<M extends Method>(ctx: VerbContext, method: M, params: Methods[M]['params']): Promise<Methods[M]['result']> {
  let r;
  try {
    r = await call(socketPath(ctx), method, params);
  } catch (e) {
    if (e instanceof ConnectionError) throw new Failed(e.message, EXIT_FAILURE);
    throw e;
  }
  if (!r.ok) {
    throw new Failed(r.error.message, REFUSAL_EXIT[r.error.code] ?? EXIT_FAILURE, r.error.code);
  }
  return r.result;
}

const mangle = (ctx: VerbContext, suffix?: string) => mangleUnitNamesNoisily(ctx, ctx.args, suffix);

const JOB_VERBS: Record<string, { type: string; word: string }> = {
  start: { type: 'start', word: 'start' },
  stop: { type: 'stop', word: 'stop' },
  restart: { type: 'restart', word: 'restart' },
  'try-restart': { type: 'try-restart', word: 'try-restart' },
  'condrestart': { type: 'try-restart', word: 'try-restart' },
  reload: { type: 'reload', word: 'reload' },
  'reload-or-restart': { type: 'reload-or-restart', word: 'reload-or-restart' },
  'force-reload': { type: 'try-reload-or-restart', word: 'force-reload' },
  'try-reload-or-restart': { type: 'try-reload-or-restart', word: 'try-reload-or-restart' },
  isolate: { type: 'start', word: 'isolate' },
};

/** systemctl's explanation of a failed job by the unit's Result= (check_wait_response). */
const RESULT_REASONS: Record<string, string> = {
  resources: 'of unavailable resources or another system error',
  protocol: 'the service did not take the steps required by its unit configuration',
  timeout: 'a timeout was exceeded',
  'exit-code': 'the control process exited with error code',
  signal: 'a fatal signal was delivered to the control process',
  'core-dump': 'a fatal signal was delivered causing the control process to dump core',
  watchdog: 'the service failed to send watchdog ping',
  'start-limit-hit': 'start of the service was attempted too often',
};

function jobFailureText(unit: string, result: string, unitResult?: string): string | undefined {
  switch (result) {
    case 'done':
    case 'skipped':
      return undefined;
    case 'canceled': return `Job for ${unit} canceled.`;
    case 'timeout': return `Job for ${unit} timed out.`;
    case 'dependency': return `A dependency job for ${unit} failed. See 'journalctl -xe' for details.`;
    case 'invalid': return `${unit} is not active, cannot reload.`;
    case 'assert': return `Assertion failed on job for ${unit}.`;
    case 'unsupported': return `Operation on or unit type of ${unit} not supported on this system.`;
    case 'collected': return `Queued job for ${unit} was garbage collected.`;
    case 'once': return `Unit ${unit} was started already once and can't be started again.`;
    default: {
      const reason = unitResult ? RESULT_REASONS[unitResult] : undefined;
      const see = `See "systemctl status ${unit}" and "journalctl -xeu ${unit}" for details.`;
      return reason ? `Job for ${unit} failed because ${reason}.\n${see}` : `Job for ${unit} failed.\n${see}`;
    }
  }
}

async function jobVerb(ctx: VerbContext): Promise<number> {
  const v = JOB_VERBS[ctx.verb]!;
  if (ctx.args.length === 0) {
    ctx.stderr.write(`Too few arguments.\n`);
    return EXIT_FAILURE;
  }
  // isolate is systemctl's start with .target for a name without a type: the same notices, the
  // same glob expansion and warning (systemctl 252 words it "start" for both).
  const isolate = ctx.verb === 'isolate';
  const expanded = await expandUnitNames(ctx, isolate ? '.target' : undefined);
  const units = expanded.names;
  // Only for start: a glob matches the units already loaded, which are mostly started already.
  if ((ctx.verb === 'start' || isolate) && expanded.globbed && !ctx.options.all && !ctx.options.quiet) ctx.stderr.write(GLOB_START_WARNING);
  const mode = ctx.verb === 'isolate' ? 'isolate' : ctx.options.jobMode ?? 'replace';
  const jobs = units.map(async (unit) => {
    try {
      const r = await rpc(ctx, 'enqueue', { unit, type: v.type, mode, wait: !ctx.options.noBlock });
      if (r.result === undefined) return 0;
      const text = jobFailureText(unit, r.result, r.unitResult);
      if (text) {
        ctx.stderr.write(`${text}\n`);
        return EXIT_FAILURE;
      }
      return 0;
    } catch (e) {
      if (!(e instanceof Failed)) throw e;
      const verbWord = v.word === 'isolate' ? 'start' : v.word;
      if (e.code === undefined) {
        ctx.stderr.write(`${e.message}\n`);
        return e.exitCode;
      }
      ctx.stderr.write(`Failed to ${verbWord} ${unit}: ${e.message}\n`);
      // A name that starts with a dash would read as an option: systemctl's hint puts "--" before it.
      if (!NO_LOG_HINT.has(e.code)) ctx.stderr.write(`See system logs and 'systemctl status ${unit.startsWith('-') ? '-- ' : ''}${unit}' for details.\n`);
      return e.exitCode;
    }
  });
  const codes = await Promise.all(jobs);
  if (v.type === 'stop') await warnTriggeringUnits(ctx, rpc, units);
  return codes.find((c) => c !== 0) ?? 0;
}

/**
 * systemctl show/status are refused, before anything is loaded, for a name that mangling could not
 * make a unit name (one too long, say) or that is a template: true when refused, with systemctl's words.
 */
function refusedName(ctx: VerbContext, unit: string): boolean {
  const refusal = unitObjectRefusal(unit);
  if (refusal === undefined) return false;
  ctx.stderr.write(`Failed to get properties: ${refusal}\n`);
  return true;
}

const GLOB_START_WARNING = 'Warning: systemctl start called with a glob pattern.\n'
  + 'Hint: unit globs expand to loaded units, so start will usually have no effect.\n'
  + '      Passing --all will also load units which are pulled in by other units.\n'
  + '      See systemctl(1) for more details.\n';

/**
 * systemctl's expand_unit_names() for show and status: a name with glob characters stands for the
 * loaded units it matches (the manager's list, sorted as systemctl sorts it: by type, then name),
 * every other name for itself, mangled.
 */
async function expandUnitNames(ctx: VerbContext, suffix?: string): Promise<{ names: string[]; globbed: boolean }> {
  const names = mangle(ctx, suffix);
  const globs = names.filter(stringIsGlob);
  if (globs.length === 0) return { names, globbed: false };
  const rows = await rpc(ctx, 'list-units', { all: true, patterns: globs });
  // unit_info_compare(), list-units' order.
  const matched = rows.map((r) => r.id).sort(listOrder);
  return { names: [...names.filter((n) => !stringIsGlob(n)), ...matched], globbed: true };
}

async function show(ctx: VerbContext): Promise<number> {
  const names = ctx.args.length === 0 ? [undefined] : (await expandUnitNames(ctx)).names;
  let first = true;
  let code = 0;
  for (const unit of names) {
    if (unit !== undefined && refusedName(ctx, unit)) {
      code = EXIT_FAILURE;
      continue;
    }
    const r = await rpc(ctx, 'show', { unit, properties: ctx.options.property, all: ctx.options.all });
    if (!first && !ctx.options.value) ctx.stdout.write('\n');
    first = false;
    for (const [k, val] of r.properties) ctx.stdout.write(ctx.options.value ? `${val}\n` : `${k}=${val}\n`);
  }
  return code;
}

async function status(ctx: VerbContext): Promise<number> {
  if (ctx.args.length === 0) {
    ctx.stdout.write((await rpc(ctx, 'status-overview', { color: ctx.isTTY })).text);
    return 0;
  }
  let code = 0;
  let first = true;
  for (const unit of (await expandUnitNames(ctx)).names) {
    if (refusedName(ctx, unit)) {
      code = code || EXIT_FAILURE;
      continue;
    }
    const r = await rpc(ctx, 'status-page', { unit, color: ctx.isTTY, lines: ctx.options.lines });
    if (!r.found) {
      ctx.stderr.write(`Unit ${unit} could not be found.\n`);
      code = code || EXIT_NOTINSTALLED;
      continue;
    }
    if (!first) ctx.stdout.write('\n');
    first = false;
    ctx.stdout.write(r.text);
    // systemctl's warn_unit_file_changed(): last, on stderr.
    if (r.needDaemonReload) ctx.stderr.write(`Warning: The unit file, source configuration file or drop-ins of ${unit} changed on disk. Run 'systemctl daemon-reload' to reload units.\n`);
    if (r.active !== 'active' && r.active !== 'reloading' && code === 0) code = EXIT_PROGRAM_NOT_RUNNING;
  }
  return code;
}

async function isState(ctx: VerbContext): Promise<number> {
  if (ctx.args.length === 0) {
    ctx.stderr.write('Too few arguments.\n');
    return EXIT_FAILURE;
  }
  const units = mangle(ctx);
  // systemctl answers name by name and stops at the first it cannot look up (a template, say).
  const refused = units.findIndex((u) => unitObjectRefusal(u) !== undefined);
  const rows = await rpc(ctx, 'unit-states', { units: refused < 0 ? units : units.slice(0, refused) });
  let hit = false;
  for (const r of rows) {
    if (!ctx.options.quiet) ctx.stdout.write(`${r.active}\n`);
    if (ctx.verb === 'is-active' ? r.active === 'active' || r.active === 'reloading' : r.active === 'failed') hit = true;
  }
  if (refused >= 0) {
    ctx.stderr.write(`Failed to retrieve unit state: ${unitObjectRefusal(units[refused]!)}\n`);
    return EXIT_FAILURE;
  }
  if (hit) return 0;
  return ctx.verb === 'is-active' ? EXIT_PROGRAM_NOT_RUNNING : EXIT_FAILURE;
}

function table(rows: string[][], header: string[], ctx: VerbContext): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const fmt = (r: string[]) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join(' ').trimEnd();
  const head = fmt(header);
  const lines = ctx.options.noLegend ? [] : [ctx.isTTY ? `\x1b[4;1m${head}\x1b[0m` : head];
  for (const r of rows) lines.push(fmt(r));
  return lines.join('\n');
}

async function listUnits(ctx: VerbContext): Promise<number> {
  const units: UnitRow[] = await rpc(ctx, 'list-units', { all: ctx.options.all, types: ctx.options.type, states: ctx.options.state, patterns: ctx.args.length ? [...ctx.args] : undefined });
  const withJobs = units.some((u) => u.job);
  // --plain drops the column of marks (systemctl 252 prints none there, even for a unit not found).
  const plain = ctx.options.plain ?? false;
  const header = [plain ? 'UNIT' : '  UNIT', 'LOAD', 'ACTIVE', 'SUB', ...(withJobs ? ['JOB'] : []), 'DESCRIPTION'];
  const rows = units.map((u) => {
    const mark = plain ? '' : u.active === 'failed' || u.load !== 'loaded' ? '● ' : '  ';
    return [`${mark}${u.id}`, u.load, u.active, u.sub, ...(withJobs ? [u.job ? u.job.type : ''] : []), u.description];
  });
  // Coloured after padding: escape codes take no room on the screen.
  let text = table(rows, header, ctx);
  if (ctx.isTTY) text = text.replace(/^● /gm, '\x1b[0;1;31m●\x1b[0m ');
  ctx.stdout.write(`${text}\n`);
  if (!ctx.options.noLegend) {
    ctx.stdout.write('\nLOAD   = Reflects whether the unit definition was properly loaded.\nACTIVE = The high-level unit activation state, i.e. generalization of SUB.\nSUB    = The low-level unit activation state, values depend on unit type.\n');
    if (withJobs) ctx.stdout.write('JOB    = Pending job for the unit.\n');
    ctx.stdout.write(`${units.length} loaded units listed.${ctx.options.all ? '' : ' Pass --all to see loaded but inactive units, too.'}\nTo show all installed unit files use 'systemctl list-unit-files'.\n`);
  }
  return 0;
}

/** list-timers as systemctl 252 prints it: NEXT LEFT LAST PASSED UNIT ACTIVATES, "-" where a time is unset. */
async function listTimers(ctx: VerbContext): Promise<number> {
  const rows = await rpc(ctx, 'list-timers', { all: ctx.options.all, patterns: ctx.args.length ? [...ctx.args] : undefined });
  const now = BigInt(Date.now()) * 1000n;
  const when = (us: string) => formatTimestamp(BigInt(us), localZone(ctx.env)) ?? '-';
  const rel = (us: string) => formatTimestampRelative(BigInt(us), now) ?? '-';
  const text = table(rows.map((r) => [when(r.next), rel(r.next), when(r.last), rel(r.last), r.id, r.activates.join(' ')]), ['NEXT', 'LEFT', 'LAST', 'PASSED', 'UNIT', 'ACTIVATES'], ctx);
  if (text) ctx.stdout.write(`${text}\n`);
  if (!ctx.options.noLegend) ctx.stdout.write(listLegend('timer', rows.length, ctx.options.all ?? false));
  return 0;
}

/** list-paths (systemd 254's verb): PATH CONDITION UNIT ACTIVATES, one row per PathXxx= line. */
async function listPaths(ctx: VerbContext): Promise<number> {
  const rows = await rpc(ctx, 'list-paths', { all: ctx.options.all, states: ctx.options.state, patterns: ctx.args.length ? pathPatterns(ctx.args) : undefined });
  const { header, cells } = pathTable(rows);
  ctx.stdout.write(`${table(cells, header, ctx)}\n`);
  if (!ctx.options.noLegend) ctx.stdout.write(listLegend('path', rows.length, ctx.options.all ?? false));
  return 0;
}

async function listSockets(ctx: VerbContext): Promise<number> {
  const rows = await rpc(ctx, 'list-sockets', { all: ctx.options.all, states: ctx.options.state, patterns: ctx.args.length ? [...ctx.args] : undefined });
  const { header, cells } = socketTable(rows, ctx.options.showTypes ?? false);
  ctx.stdout.write(`${table(cells, header, ctx)}\n`);
  if (!ctx.options.noLegend) ctx.stdout.write(listLegend('socket', rows.length, ctx.options.all ?? false));
  return 0;
}

async function listJobs(ctx: VerbContext): Promise<number> {
  const jobs = await rpc(ctx, 'list-jobs', {});
  if (jobs.length === 0) {
    if (!ctx.options.noLegend) ctx.stdout.write('No jobs running.\n');
    return 0;
  }
  const text = table(jobs.map((j) => [String(j.id), j.unit, j.type, j.state]), ['JOB', 'UNIT', 'TYPE', 'STATE'], ctx);
  ctx.stdout.write(`${text}\n`);
  if (!ctx.options.noLegend) ctx.stdout.write(`\n${jobs.length} jobs listed.\n`);
  return 0;
}

async function listDependencies(ctx: VerbContext): Promise<number> {
  // Each unit named (patterns match loaded units) gets its tree, a blank line between two.
  const units = ctx.args.length === 0 ? ['default.target'] : (await expandUnitNames(ctx)).names;
  for (const [i, unit] of units.entries()) {
    const r = await rpc(ctx, 'list-dependencies', { unit, dependency: ctx.options.dependency, all: ctx.options.all, color: ctx.isTTY, plain: ctx.options.plain });
    ctx.stdout.write(i > 0 ? `\n${r.text}` : r.text);
  }
  return 0;
}

async function isSystemRunning(ctx: VerbContext): Promise<number> {
  let state = (await rpc(ctx, 'manager-status', {})).systemState;
  if (ctx.options.wait) {
    while (state === 'initializing' || state === 'starting') {
      await new Promise((r) => setTimeout(r, 100));
      state = (await rpc(ctx, 'manager-status', {})).systemState;
    }
  }
  if (!ctx.options.quiet) ctx.stdout.write(`${state}\n`);
  return state === 'running' ? 0 : EXIT_FAILURE;
}

async function kill(ctx: VerbContext): Promise<number> {
  const signal = ctx.options.signal ?? SIGNALS.SIGTERM;
  let code = 0;
  for (const unit of mangle(ctx)) {
    try {
      await rpc(ctx, 'kill', { unit, whom: ctx.options.kill_whom ?? 'all', signal });
    } catch (e) {
      if (!(e instanceof Failed)) throw e;
      ctx.stderr.write(`Failed to kill unit ${unit}: ${e.message}\n`);
      code = EXIT_FAILURE;
    }
  }
  return code;
}

async function resetFailed(ctx: VerbContext): Promise<number> {
  if (ctx.args.length === 0) {
    await rpc(ctx, 'reset-failed', {});
    return 0;
  }
  let code = 0;
  for (const unit of mangle(ctx)) {
    try {
      await rpc(ctx, 'reset-failed', { unit });
    } catch (e) {
      if (!(e instanceof Failed)) throw e;
      ctx.stderr.write(`Failed to reset failed state of unit ${unit}: ${e.message}\n`);
      code = EXIT_FAILURE;
    }
  }
  return code;
}

async function shutdownVerb(ctx: VerbContext): Promise<number> {
  const how = ctx.verb === 'exit' ? 'exit' : ctx.verb === 'poweroff' ? 'poweroff' : ctx.verb === 'reboot' ? 'reboot' : 'halt';
  let code: number | undefined;
  if (ctx.verb === 'exit' && ctx.args[0] !== undefined) {
    code = Number(ctx.args[0]);
    if (!Number.isInteger(code) || code < 0 || code > 255) {
      ctx.stderr.write(`Invalid exit code: ${ctx.args[0]}\n`);
      return EXIT_INVALIDARGUMENT;
    }
  }
  await rpc(ctx, 'shutdown', { how, code });
  return 0;
}

async function cancel(ctx: VerbContext): Promise<number> {
  let code = 0;
  for (const a of ctx.args) {
    try {
      await rpc(ctx, 'cancel-job', { id: Number(a) });
    } catch (e) {
      if (!(e instanceof Failed)) throw e;
      ctx.stderr.write(`Failed to cancel job ${a}: ${e.message}\n`);
      code = EXIT_FAILURE;
    }
  }
  return code;
}

/**
 * After enable/disable/mask/… changed links on the running system (no --root): a running svcd
 * re-reads its unit files unless --no-reload, and --now then starts (enable, reenable) or stops
 * (disable, mask) the units named, as systemctl does. With no svcd running the change stays on disk
 * for the next boot, as with systemctl in a chroot; --now then fails, having nothing to ask.
 */
export async function afterInstallChange(ctx: VerbContext): Promise<number> {
  if (!existsSync(socketPath(ctx))) {
    if (!ctx.options.now) return 0;
    ctx.stderr.write(`--now needs a running manager; the unit files were changed, no unit was ${/^(disable|mask)$/.test(ctx.verb) ? 'stopped' : 'started'}.\n`);
    return EXIT_FAILURE;
  }
  try {
    if (!ctx.options.noReload) await rpc(ctx, 'daemon-reload', {});
  } catch (e) {
    if (!(e instanceof Failed)) throw e;
    ctx.stderr.write(`Failed to reload daemon: ${e.message}\n`);
    return EXIT_FAILURE;
  }
  if (!ctx.options.now || !/^(enable|reenable|disable|mask)$/.test(ctx.verb)) return 0;
  const verb = /^(enable|reenable)$/.test(ctx.verb) ? 'start' : 'stop';
  return jobVerb({ ...ctx, verb, args: ctx.args.map((a) => basename(a)) });
}

/**
 * After `edit` wrote files on the running system: a running svcd re-reads its units, as systemctl
 * reloads systemd. With no svcd running the files wait for the next boot, as with systemctl in a chroot.
 */
export async function reloadAfterEdit(ctx: VerbContext): Promise<number> {
  if (!existsSync(socketPath(ctx))) return 0;
  try {
    await rpc(ctx, 'daemon-reload', {});
    return 0;
  } catch (e) {
    if (!(e instanceof Failed)) throw e;
    ctx.stderr.write(`Failed to reload daemon: ${e.message}\n`);
    return EXIT_FAILURE;
  }
}

/**
 * daemon-reexec: svcd answers, then replaces itself; like systemctl, wait until the new one
 * answers on the control socket before returning, so the next command finds it.
 */
async function daemonReexec(ctx: VerbContext): Promise<number> {
  await rpc(ctx, 'daemon-reexec', {});
  for (let waited = 0; waited < 30000; waited += 50) {
    await new Promise((r) => setTimeout(r, 50));
    try {
      const r = await call(socketPath(ctx), 'manager-status', {});
      if (r.ok) return 0;
    } catch (e) {
      if (!(e instanceof ConnectionError)) throw e;
    }
  }
  ctx.stderr.write('Failed to reexecute: svcd did not come back within 30 s.\n');
  return EXIT_FAILURE;
}

/** The verbs systemctl pages (pager_open): their output goes through less on a terminal. */
const PAGED = new Set(['show', 'status', 'list-units', 'list-jobs', 'list-dependencies', 'list-timers', 'list-sockets', 'list-paths']);

export async function run(ctx: VerbContext): Promise<number> {
  if (!PAGED.has(ctx.verb) || !wantsPager(ctx, ctx.options.noPager)) return runVerb(ctx);
  const collected = new Collector();
  const code = await runVerb({ ...ctx, stdout: collected });
  const text = collected.text();
  if (text) await page(text, ctx);
  return code;
}

async function runVerb(ctx: VerbContext): Promise<number> {
  try {
    if (ctx.verb in JOB_VERBS) return await jobVerb(ctx);
    switch (ctx.verb) {
      case 'show': return await show(ctx);
      case 'status': return await status(ctx);
      case 'is-active':
      case 'is-failed': return await isState(ctx);
      case 'list-units': return await listUnits(ctx);
      case 'list-jobs': return await listJobs(ctx);
      case 'list-sockets': return await listSockets(ctx);
      case 'list-timers': return await listTimers(ctx);
      case 'list-paths': return await listPaths(ctx);
      case 'list-dependencies': return await listDependencies(ctx);
      case 'is-system-running': return await isSystemRunning(ctx);
      case 'kill': return await kill(ctx);
      case 'reset-failed': return await resetFailed(ctx);
      case 'daemon-reload':
        await rpc(ctx, 'daemon-reload', {});
        return 0;
      case 'daemon-reexec': return await daemonReexec(ctx);
      case 'exit':
      case 'poweroff':
      case 'halt':
      case 'reboot': return await shutdownVerb(ctx);
      case 'cancel': return await cancel(ctx);
      default:
        ctx.stderr.write(`Unknown command verb '${ctx.verb}'.\n`);
        return EXIT_INVALIDARGUMENT;
    }
  } catch (e) {
    if (e instanceof Failed) {
      ctx.stderr.write(`${e.message}\n`);
      return e.exitCode;
    }
    throw e;
  }
}
