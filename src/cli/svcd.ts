/**
 * svcd, the manager: loads the units, boots the default unit, supervises its services, and on
 * SIGTERM, SIGINT or SIGRTMIN+3/+4 (docker stop, Ctrl-C, systemd's container halt/poweroff) stops
 * everything in reverse order and exits 0. `--plan` only prints what a boot would start.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadManagerConfig } from '../config/system-conf.js';
import { formatDiagnostic } from '../shared/diagnostic.js';
import { buildUnitFileMap } from '../unit/unit-file-map.js';
import { loadUnit } from '../unit/load.js';
import { unitSearchPath } from '../unit/search-path.js';
import { planStart } from '../graph/boot-plan.js';
import type { Unit } from '../unit/model.js';
import { Manager } from '../engine/manager.js';
import { NativeSystem } from '../exec/system.js';
import { SIGRTMIN, signalName, stopWatching, watchSignals } from '../exec/native.js';
import { parseDaemonOptions, USAGE, type DaemonOptions } from './svcd/options.js';

const ms = (usec: bigint): number => (usec >= 2n ** 63n ? Number.MAX_SAFE_INTEGER : Number(usec / 1000n));

function printPlan(opts: DaemonOptions, load: (n: string) => Unit, searchPath: string[]): void {
  const tty = Boolean(process.stdout.isTTY);
  const paint = (code: string, s: string) => (tty ? `\x1b[${code}m${s}\x1b[0m` : s);
  process.stdout.write(`svcd 0.1.0: planning the start of ${opts.defaultUnit}; unit path ${searchPath.join(':')}\n`);
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

function main(): void {
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
  const opts = parsed.value;
  const { config, diagnostics: confDiags } = loadManagerConfig(opts.configPath);
  for (const d of confDiags) process.stderr.write(`svcd: ${formatDiagnostic(d)}\n`);

  const searchPath = unitSearchPath({ unitPath: opts.unitPath, env: process.env });
  const map = buildUnitFileMap(searchPath);
  const cache = new Map<string, Unit>();
  const load = (name: string): Unit => {
    let u = cache.get(name);
    if (!u) {
      u = loadUnit(map, name);
      cache.set(name, u);
      for (const d of u.diagnostics) process.stderr.write(`svcd: ${formatDiagnostic(d)}\n`);
    }
    return u;
  };
  if (opts.plan) return printPlan(opts, load, searchPath);

  const m = config.manager;
  mkdirSync(opts.runtimeDir, { recursive: true, mode: 0o755 });
  const manager = new Manager({
    system: new NativeSystem(),
    load,
    console: (line) => process.stdout.write(`${line}\n`),
    color: Boolean(process.stdout.isTTY),
    defaults: {
      timeoutStartMs: ms(m.defaultTimeoutStartUSec),
      timeoutStopMs: ms(m.defaultTimeoutStopUSec),
      restartMs: ms(m.defaultRestartUSec),
      startLimitIntervalMs: ms(m.defaultStartLimitIntervalUSec),
      startLimitBurst: m.defaultStartLimitBurst,
    },
    outputFds: [1, 2],
    notifySocket: join(opts.runtimeDir, 'notify'),
  });
  let stopping = false;
  watchSignals([15, 2, SIGRTMIN + 3, SIGRTMIN + 4], (sig) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`svcd: ${signalName(sig)} received, stopping.\n`);
    manager.shutdown().then(() => {
      stopWatching();
      process.exit(0);
    });
  });
  process.stdout.write(`svcd 0.1.0 (pid ${process.pid}): starting ${opts.defaultUnit}\n`);
  manager.start(opts.defaultUnit);
}

main();
