/**
 * svcd, the manager. For now it loads the units, computes what booting the default unit would start
 * and in which order, and prints that plan with every unit file problem it found. Supervising the
 * processes (the engine, the native spawner and reaper) is the next stage: see docs/cli.md.
 */
import { loadManagerConfig } from '../config/system-conf.js';
import { formatDiagnostic } from '../shared/diagnostic.js';
import { buildUnitFileMap } from '../unit/unit-file-map.js';
import { loadUnit } from '../unit/load.js';
import { unitSearchPath } from '../unit/search-path.js';
import { planStart } from '../graph/boot-plan.js';
import type { Unit } from '../unit/model.js';
import { parseDaemonOptions, USAGE } from './svcd/options.js';

function main(): number {
  const parsed = parseDaemonOptions(process.argv.slice(2), process.env);
  if (!parsed.ok) {
    process.stderr.write(`svcd: ${parsed.error}\n${USAGE}`);
    return 2;
  }
  if (parsed.value === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  const opts = parsed.value;
  const { diagnostics: confDiags } = loadManagerConfig(opts.configPath);
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
    const wanted = p.wantedBy ? `, wanted by ${p.wantedBy}` : '';
    process.stdout.write(`[${paint('1;33', ' SKIP ')}] ${p.id}: ${why}${wanted}\n`);
  }
  for (const c of plan.cycles) process.stdout.write(`[${paint('1;31', 'CYCLE ')}] ordering cycle: ${c.join(' → ')}\n`);
  process.stdout.write(
    `svcd: ${plan.units.length} units would start. Process supervision (the job engine, spawning and reaping) ` +
      'is not implemented yet; nothing was started.\n',
  );
  return 0;
}

process.exitCode = main();
