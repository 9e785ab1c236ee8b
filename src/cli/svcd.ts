/**
 * svcd, the manager: loads the units, boots the default unit through the Engine, supervises its
 * services, and on SIGTERM, SIGINT or SIGRTMIN+3/+4/+5 (docker stop, Ctrl-C, systemd's container
 * halt/poweroff/reboot) stops everything in reverse dependency order, sweeps what is left and
 * exits (0, or the code `svcctl exit N` / SuccessAction=/FailureAction=exit set). SIGHUP reloads.
 * `--plan` only prints what a boot would start.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadManagerConfig } from '../config/system-conf.js';
import { formatDiagnostic } from '../shared/diagnostic.js';
import { buildUnitFileMap } from '../unit/unit-file-map.js';
import { loadUnit } from '../unit/load.js';
import { parseLogLevel } from '../unit/values/index.js';
import { unitSearchPath } from '../unit/search-path.js';
import { planStart } from '../graph/boot-plan.js';
import type { Unit } from '../unit/model.js';
import { Manager, decodeState, encodeState, type SerializedManager } from '../engine/manager.js';
import type { Timestamp } from '../engine/api.js';
import { timestamp } from '../engine/kind-context.js';
import { jobStatusConsoleLine, jobStatusFields } from '../engine/job-status.js';
import { CgroupTree, unifiedMounted } from '../exec/cgroup.js';
import { V1Controllers } from '../exec/cgroup-v1.js';
import { systemTasksMax } from '../exec/cgroup-limits.js';
import { adoptDynamicUsers, heldDynamicUsers, type HeldDynamicUser } from '../exec/dynamic-users.js';
import { adoptIpcOwners, heldIpcOwners, type IpcOwner } from '../exec/ipc-owners.js';
import { createManagerLog } from '../journal/manager-log.js';
import { detectContainer } from '../exec/conditions.js';
import { isBuiltinGenerator, runBuiltinGenerator } from '../unit/builtin-generators.js';
import { findGenerators, generatorDirs, generatorEnvironment, GENERATOR_OUTPUT, outcomeProblem, runGenerators } from '../unit/generators.js';
import { NativeSystem } from '../host/native-system.js';
import { execve, keepAcrossExec, kill, mallocTrim, stopWatching, watchSignals } from '../exec/native.js';
import { SIGNALS, SIGRTMIN } from '../shared/signal.js';
import { UNIT_DIRS } from '../shared/lookup-paths.js';
import { evaluateConditions } from '../exec/conditions.js';
import { startControlServer } from '../control/server.js';
import { serveManagerBus } from '../dbus/index.js';
import { Journal, type StreamHandOver } from '../journal/journal.js';
import { journalDirectory, journalLimits } from '../journal/directory.js';
import { randomId128, readBootId, readMachineId } from '../journal/format.js';
import { parseDaemonOptions, USAGE, type DaemonOptions } from './svcd/options.js';
import { bootTmpfilesCommand } from '../unit/tmpfiles/boot.js';
import { VERSION, VERSION_TEXT } from '../shared/version.js';
import { isTelinitRequest } from '../unit/runlevel.js';
import { DEFAULT_PATH, ManagerEnvironment } from '../engine/manager-environment.js';
import { systemLocale } from '../config/locale-conf.js';

/** systemd's limit for a generator run (DEFAULT_TIMEOUT_USEC). */
const GENERATOR_TIMEOUT_MS = 90_000;
const ms = (usec: bigint): number => (usec >= 2n ** 63n ? Infinity : Number(usec / 1000n));

function printPlan(opts: DaemonOptions, load: (n: string) => Unit, searchPath: string[]): void {
  const tty = Boolean(process.stdout.isTTY);
  const paint = (code: string, s: string) => (tty ? `\x1b[${code}m${s}\x1b[0m` : s);
  process.stdout.write(`svcd ${VERSION}: planning the start of ${opts.defaultUnit}; unit path ${searchPath.join(':')}\n`);
  const plan = planStart(opts.defaultUnit, load);
  for (const { unit, level } of plan.units) {
    const what = unit.type === 'target' ? 'Reach target' : 'Start';
    const desc = unit.unit.description ? ` - ${unit.unit.description}` : '';
    process.stdout.write(`[${paint('1;36', ' PLAN ')}] step ${String(level + 1).padStart(2)}: ${what} ${unit.id}${desc}\n`);
  }
  for (const p of plan.problems) {
    const why = p.loadState === 'not-found' ? 'not found' : p.loadState;
    process.stdout.write(`[${paint('1;33', ' SKIP ')}] ${p.id}: ${why}${p.wantedBy ? `, wanted by ${p.wantedBy}` : ''}\n`);
  }
  for (const c of plan.cycles) process.stdout.write(`[${paint('1;31', 'CYCLE ')}] ordering cycle: ${c.join(' → ')}\n`);
  process.stdout.write(`svcd: ${plan.units.length} units would start.\n`);
}

/**
 * What sd_booted() and Debian's init-functions look for (/run/systemd/system/), and the container
 * type (/run/systemd/container). Only as PID 1: on a host, /run/systemd belongs to the host's manager.
 */
function announceManager(force: boolean): void {
  if (process.pid !== 1 && !force) return;
  try {
    // The runtime unit directory: systemd has it because it is in the search path.
    mkdirSync(UNIT_DIRS.runtimeConfig, { recursive: true, mode: 0o755 });
    if (!existsSync('/run/systemd/container')) writeFileSync('/run/systemd/container', `${process.env.container ?? 'svcd'}\n`);
    // Upstart's container-detect job left the same in /run/container_type, which upstart jobs test
    // (the nova-compute seed's pre-start runs modprobe unless it exists).
    if (!existsSync('/run/container_type')) writeFileSync('/run/container_type', `${process.env.container ?? 'svcd'}\n`);
  } catch (e) {
    process.stderr.write(`svcd: could not create ${UNIT_DIRS.runtimeConfig}: ${(e as Error).message}\n`);
  }
}

/** What daemon-reexec hands over: the manager's state and the journal streams kept open. */
interface ReexecState {
  readonly manager: SerializedManager;
  readonly streams: readonly StreamHandOver[];
  /** The D-Bus private socket, listening all along (absent from a state written before it existed). */
  readonly bus?: number;
  /** DynamicUser=: the uids running units hold (absent from a state written before they were kept). */
  readonly dynamicUsers?: readonly HeldDynamicUser[];
  /** The users' ids each run holds, and which RemoveIPC= will clean (exec/ipc-owners.ts). */
  readonly ipcOwners?: readonly IpcOwner[];
}

function readReexecState(path: string): ReexecState | undefined {
  try {
    const state = decodeState<ReexecState>(readFileSync(path, 'utf8'));
    rmSync(path, { force: true });
    return state;
  } catch (e) {
    process.stderr.write(`svcd: cannot take over from ${path}: ${(e as Error).message}; booting afresh.\n`);
    return undefined;
  }
}

async function main(): Promise<void> {
  // /proc/PID/comm says svcd (what ps, journald's _COMM and systemctl status show).
  process.title = 'svcd';
  // `init N` (svcd linked as /sbin/init) run outside PID 1 is telinit, as systemd's init hands it on.
  if (process.pid !== 1 && isTelinitRequest(process.argv.slice(2))) {
    const { runTelinit } = await import('./svcctl/runlevel.js');
    process.exitCode = await runTelinit('init', process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env });
    return;
  }
  const parsed = parseDaemonOptions(process.argv.slice(2), process.env);
  if (!parsed.ok) {
    process.stderr.write(`svcd: ${parsed.error}\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  if (parsed.value === 'help') {
    process.stdout.write(USAGE);
    return;
  }
  if (parsed.value === 'version') {
    process.stdout.write(VERSION_TEXT);
    return;
  }
  const opts = parsed.value;
  const { config, diagnostics: confDiags } = loadManagerConfig(opts.configPath);
  for (const d of confDiags) process.stderr.write(`svcd: ${formatDiagnostic(d)}\n`);

  // The generators' output joins the default path as PID 1 (a container's init): on a host, /run/systemd/generator is systemd's.
  const searchPath = unitSearchPath({ unitPath: opts.unitPath, env: process.env, generators: process.pid === 1 });
  if (opts.plan) {
    const map = buildUnitFileMap(searchPath);
    return printPlan(opts, (n) => loadUnit(map, n), searchPath);
  }

  const m = config.manager;
  mkdirSync(opts.runtimeDir, { recursive: true, mode: 0o755 });
  // systemd's private bus is the system manager's place: PID 1's unless a test shares the host's
  // /run (--journal-dir says so, as for journald's sockets) or --manager-bus asks for it.
  const ownsSystemdPaths = opts.managerBus || (process.pid === 1 && opts.journalDir === undefined);
  announceManager(opts.managerBus);
  const notifySocket = join(opts.runtimeDir, 'notify');
  // The block show-environment prints: PATH, the locale, DefaultEnvironment=, then set-environment's.
  // Nothing else of svcd's own environment: systemd 252 as a container's PID 1 hands its container=
  // to no service (they learn where they run from /run/systemd/container), and neither does svcd.
  const environment = new ManagerEnvironment([`PATH=${DEFAULT_PATH}`, ...systemLocale(), ...m.defaultEnvironment]);
  const managerEnv = () => environment.record();
  const machineId = readMachineId() ?? randomId128();
  // journald's places belong to the host's journald unless svcd is PID 1 (a container's init): as an
  // ordinary process without --journal-dir, svcd keeps its journal in its runtime directory.
  const override = opts.journalDir ?? (process.pid === 1 ? undefined : join(opts.runtimeDir, 'journal'));
  const where = journalDirectory({ storage: config.journal.storage, machineId, override });
  let journal: Journal | undefined;
  try {
    journal = new Journal({
      dir: where?.dir,
      machineId,
      bootId: readBootId() ?? randomId128(),
      limits: where ? journalLimits(config.journal, where.dir, where.persistent) : undefined,
      consoleOutput: config.journal.consoleOutput,
      console: process.stdout,
      level: (text) => process.stderr.write(`svcd: ${text}\n`),
      rateLimit: { intervalUsec: Number(config.journal.rateLimitIntervalUSec >= 2n ** 53n ? 0n : config.journal.rateLimitIntervalUSec), burst: config.journal.rateLimitBurst },
      forwardToSyslog: config.journal.forwardToSyslog,
      maxLevelSyslog: parseLogLevel.values.indexOf(config.journal.maxLevelSyslog),
    });
  } catch (e) {
    process.stderr.write(`svcd: journal disabled: ${(e as Error).message}\n`);
  }
  // The console may go away (a closed log pipe, a hung-up terminal): from then on svcd logs to the journal only.
  let consoleGone = false;
  const log = createManagerLog({ journal, stderr: (line) => process.stderr.write(line), consoleOpen: () => !consoleGone });
  const inherited = opts.deserialize ? readReexecState(opts.deserialize) : undefined;
  for (const h of inherited?.streams ?? []) journal?.adopt(h);
  const cgroups = CgroupTree.setUp();
  if (cgroups.ok) log.debug({ cgroup: cgroups.tree.root }, `Tracking unit processes with cgroup v2 under ${cgroups.tree.root}.`);
  else log.debug(`Tracking unit processes by session and INVOCATION_ID (no cgroup of its own: ${cgroups.reason}).`);
  // Limits: the v1 controllers of a hybrid host, where svcd has cgroups of its own in them.
  const v1 = V1Controllers.setUp('/proc', cgroups.ok ? { own: true, path: cgroups.tree.root } : !unifiedMounted() ? { own: true } : { own: false, reason: cgroups.reason });
  if (v1.tree) log.info(`Resource control through the cgroup v1 controllers ${v1.tree.controllers.join(', ')}.`);
  for (const s of v1.skipped) log.debug(`cgroup v1 controller ${s.controller} not used: ${s.reason}.`);
  const noResourceControl = v1.tree ? undefined : `no writable cgroup controller: ${cgroups.ok ? 'the cgroup v2 tree has none enabled' : cgroups.reason}`;
  const tasksLimit = systemTasksMax((f) => {
    try {
      return readFileSync(f, 'utf8');
    } catch {
      return undefined;
    }
  });
  // The manager is made below, with the system; the system asks it whether the boot is still under way (Startup*= weights).
  const managerRef: { current?: Manager } = {};
  const system = new NativeSystem({
    notifySocket, outputFds: [1, 2], managerEnv, journal,
    // The detail first, journal only (debug), so the one line naming them all comes last.
    notice: (unit, n) => {
      for (const d of n.detail ?? []) log.debug({ unit, directive: d.directive }, d.text);
      log.info({ unit }, n.text);
    },
    cgroups: cgroups.ok ? cgroups.tree : undefined,
    v1: v1.tree,
    noResourceControl,
    sliceResources: (slice) => {
      try {
        return managerRef.current?.unit(slice).model.resources;
      } catch {
        return undefined; // the slice cannot be loaded: its cgroup keeps the kernel's defaults
      }
    },
    limitContext: () => ({ systemTasksMax: tasksLimit, defaultTasksMax: m.defaultTasksMax, startup: managerRef.current?.status().systemState === 'starting' }),
    timerStampDir: join(opts.stateDir, 'timers'),
  });
  const container = detectContainer();
  const generatorEnv = generatorEnvironment({
    path: process.env.PATH ?? '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    virtualization: container ? `container:${container}` : undefined,
    firstBoot: false,
  });
  const generate = searchPath.includes(GENERATOR_OUTPUT.normal)
    ? async () => {
        const t0 = Date.now();
        const outcomes = await runGenerators(findGenerators(generatorDirs(process.env)), generatorEnv, (argv, envp) =>
          // svcd's own generators run in this process: a Node process each would cost more than their work.
          isBuiltinGenerator(argv[0] ?? '') ? runBuiltinGenerator(argv, envp) : system.runHelper(argv, envp, GENERATOR_TIMEOUT_MS),
        );
        for (const [g, o] of outcomes) {
          const problem = outcomeProblem(o);
          if (problem) log.warn({ generator: g }, `${g} ${problem}.`);
        }
        log.debug(`Ran ${outcomes.size} generator${outcomes.size === 1 ? '' : 's'} in ${Date.now() - t0} ms.`);
      }
    : undefined;
  // tmpfiles.d before any unit, as systemd-tmpfiles-setup.service early in sysinit.target
  // (docs/tmpfiles.md). Only when asked: its --remove empties /tmp (tmp.conf's D line), which must
  // never happen to a host whose file system svcd shares — and PID 1 alone does not tell a real
  // container from a namespace on the host's /tmp.
  if (opts.tmpfiles === true && !inherited) {
    const argv = bootTmpfilesCommand();
    const outcome = await system.runHelper(argv, generatorEnv, GENERATOR_TIMEOUT_MS);
    const problem = outcomeProblem(outcome);
    if (problem) log.warn(`${argv.join(' ')} ${problem}.`);
    else log.debug(`Applied tmpfiles.d with ${argv[0]}.`);
  }
  const generatorsStart = timestamp(system);
  if (generate && !inherited) await generate();
  const generatorsFinish = timestamp(system);
  // journald's sockets are the system manager's to serve: as PID 1 keeping its journal in journald's
  // place (a --journal-dir run is a test or bench sharing the host's /run and /dev), or when asked.
  if (journal && ((process.pid === 1 && opts.journalDir === undefined) || opts.journalSockets)) journal.listen((pid) => system.unitOfProcess(pid));

  const sweep = (signal: number): number => {
    const pids = process.pid === 1 ? system.processTable().map((p) => p.pid).filter((p) => p !== 1) : system.descendants(process.pid);
    for (const p of pids) if (signal !== 0) kill(p, signal);
    return pids.length;
  };

  const manager = new Manager({
    system,
    searchPath,
    bootUnit: opts.defaultUnit,
    runtimeDir: opts.runtimeDir,
    journalDir: journal?.dir,
    defaults: {
      timeoutStartMs: ms(m.defaultTimeoutStartUSec),
      timeoutStopMs: ms(m.defaultTimeoutStopUSec),
      timeoutAbortMs: m.defaultTimeoutAbortUSec === null ? undefined : ms(m.defaultTimeoutAbortUSec),
      restartMs: ms(m.defaultRestartUSec),
      startLimitIntervalMs: ms(m.defaultStartLimitIntervalUSec),
      startLimitBurst: m.defaultStartLimitBurst,
      notifySocket,
      oomPolicy: m.defaultOOMPolicy,
      systemTasksMax: tasksLimit,
      defaultTasksMax: m.defaultTasksMax,
      limits: m.defaultLimits,
    },
    console: (line, unit) => {
      process.stdout.write(`${line}\n`);
      journal?.log(line, unit);
    },
    // One record, two renderings: the console line and the journal entry with systemd's fields.
    jobStatus: (r) => {
      const line = jobStatusConsoleLine(r, Boolean(process.stdout.isTTY));
      if (line !== undefined) process.stdout.write(`${line}\n`);
      if (line !== undefined && r.hint) process.stdout.write(`${r.hint}\n`);
      journal?.log(r.message, r.unit, r.priority, jobStatusFields(r));
    },
    log: (text: string, unit?: string) => log.unitInfo(text, unit),
    debug: (text: string, unit?: string) => log.debug({ unit }, text),
    conditions: (u) => evaluateConditions(u),
    sweep,
    generate,
    // The generator phase is recorded where none run too (svcd not PID 1), as systemd's with no generators.
    startup: { userspace: processStart(), generatorsStart, generatorsFinish },
    environment,
    bootFailure: m.defaultTargetFailureAction === 'exit' ? { action: 'exit', code: m.defaultTargetFailureExitStatus } : { action: 'none' },
    onReexec: (state) => {
      // The state file and the kept pipes are all the next svcd needs; everything else closes on exec.
      const file = join(opts.runtimeDir, 'reexec.state');
      try {
        // The console too: something on the way (libuv, the spawner) marks stdio close-on-exec.
        for (const fd of [0, 1, 2]) keepAcrossExec(fd);
        const streams = journal?.handOver() ?? [];
        writeFileSync(file, encodeState({ manager: state, streams, bus: bus.handOver(), dynamicUsers: heldDynamicUsers(), ipcOwners: heldIpcOwners() } satisfies ReexecState), { mode: 0o600 });
        control.close();
        stopWatching();
        journal?.close();
        const args = process.argv.slice(2).filter((a, i, all) => a !== '--deserialize' && all[i - 1] !== '--deserialize' && !a.startsWith('--deserialize='));
        execve(process.execPath, [process.execPath, ...process.execArgv, process.argv[1]!, ...args, '--deserialize', file], Object.entries(process.env).map(([k, v]) => `${k}=${v ?? ''}`));
      } catch (e) {
        // Nothing was replaced: this svcd goes on, with what it has.
        log.error(`daemon-reexec failed: ${(e as Error).message}`);
      }
    },
    onExit: (code) => {
      stopWatching();
      control.close();
      bus.close();
      journal?.close();
      process.stdout.write(`svcd: exiting with status ${code}.\n`);
      process.exit(code);
    },
  });
  managerRef.current = manager;
  const control = startControlServer(join(opts.runtimeDir, 'control.sock'), manager, (text) => log.warn(text));
  const bus = serveManagerBus({ path: ownsSystemdPaths ? '/run/systemd/private' : join(opts.runtimeDir, 'systemd', 'private'), systemBus: ownsSystemdPaths, inheritedFd: inherited?.bus }, manager, (text) => log.warn(text));

  watchSignals(['SIGTERM', 'SIGINT', 'SIGHUP', 'SIGRTMIN+3', 'SIGRTMIN+4', 'SIGRTMIN+5'], (sig, name) => {
    if (sig === SIGNALS.SIGHUP) {
      process.stdout.write('svcd: SIGHUP received, reloading.\n');
      void manager.reload();
      return;
    }
    process.stdout.write(`svcd: ${name} received, stopping.\n`);
    manager.shutdown(sig === SIGRTMIN + 3 ? 'halt' : sig === SIGRTMIN + 5 ? 'reboot' : sig === SIGRTMIN + 4 ? 'poweroff' : 'exit');
  });
  // PID 1 must not die when the console goes away, nor spin reporting that it cannot report.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (consoleGone) return;
      consoleGone = true;
      log.warn(`Console output failed (${e.code ?? e.message}); svcd's and the services' output goes on into the journal only.`);
    });
  }
  const contained = (what: string) => log.error(`internal error (contained): ${what}`);
  process.on('uncaughtException', (e) => contained(e.stack ?? String(e)));
  process.on('unhandledRejection', (e) => contained(String(e)));
  if (inherited) {
    adoptDynamicUsers(inherited.dynamicUsers ?? []);
    adoptIpcOwners(inherited.ipcOwners ?? []);
    manager.restore(inherited.manager);
    process.stdout.write(`svcd ${VERSION} (pid ${process.pid}): re-executed, took over ${inherited.manager.units.length} units from svcd ${inherited.manager.version}\n`);
    return;
  }
  process.stdout.write(`svcd ${VERSION} (pid ${process.pid}): starting ${opts.defaultUnit}\n`);
  // A boot frees most of what it malloc'd, and glibc keeps those pages mapped: once the system is
  // up they go back (with 1,000 services about 8 MiB of svcd's RSS; docs/performance.md).
  const trimAfterBoot = manager.subscribe({
    systemStateChanged: (state) => {
      if (state !== 'running' && state !== 'degraded') return;
      trimAfterBoot();
      setImmediate(mallocTrim);
    },
  });
  manager.boot();
}

/**
 * When this process began, on both clocks: systemd's UserspaceTimestamp= is PID 1's start, and
 * Node's time origin is ours (its own start-up counts, as systemd's would).
 */
function processStart(): Timestamp {
  const sinceOriginUs = BigInt(Math.round(performance.now() * 1000));
  return { realtimeUs: BigInt(Math.round(performance.timeOrigin * 1000)), monotonicUs: process.hrtime.bigint() / 1000n - sinceOriginUs };
}

void main().catch((e: unknown) => {
  process.stderr.write(`svcd: ${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
  process.exitCode = 1;
});
