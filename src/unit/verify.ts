/**
 * `svcctl analyze verify FILE…`, after systemd-analyze verify (252). For each file in turn, as
 * systemd does: load the unit and, depth-first, every unit it names (its directory searched before
 * the system path), printing each unit's diagnostics as it loads; then report the unit's load
 * state, try a start job (units it requires must load, and must not also be conflicted with), the
 * socket's service, and that every Exec command is executable. Returns the exit status.
 *
 * systemd's load queue is a stack: the units a unit names are pushed in file order and the last
 * pushed loads next; the same order here makes several files' messages come out in systemd's order.
 */
import { accessSync, constants } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { formatDiagnostic } from '../shared/diagnostic.js';
import { instantiate, isValidUnitName, parseUnitName } from './name.js';
import { resolveSpecifiers, systemContext } from './specifiers.js';
import { buildUnitFileMap, type UnitFileMap } from './unit-file-map.js';
import { loadUnit } from './load.js';
import { loadProblem } from './load-problem.js';
import { unitSearchPath } from './search-path.js';
import { DEPENDENCY_KINDS, type Unit } from './model.js';
import type { ExecCommand } from './values/index.js';
import { EXEC_SEARCH_PATH } from '../shared/lookup-paths.js';
import { strerrorName } from '../shared/strerror.js';

export interface VerifyOutput {
  readonly lines: readonly string[];
  readonly status: number;
}

/** Loaded units by name, as the manager keeps them: each loads (and prints) once per run. */
export class Loader {
  private readonly units = new Map<string, Unit>();
  constructor(private readonly map: UnitFileMap, private readonly lines: string[]) {}

  get(name: string): Unit {
    return this.units.get(name) ?? this.load(name);
  }

  private load(first: string): Unit {
    const stack = [first];
    while (stack.length > 0) {
      const name = stack.pop()!;
      if (this.units.has(name)) continue;
      const unit = loadUnit(this.map, name, true);
      for (const n of unit.names) this.units.set(n, unit);
      this.units.set(name, unit);
      for (const d of unit.diagnostics) this.lines.push(formatDiagnostic(d));
      for (const dep of namedUnits(unit)) if (!this.units.has(dep)) stack.push(dep);
    }
    return this.units.get(first)!;
  }
}

export function verifyFiles(files: readonly string[], env: Readonly<Record<string, string | undefined>> = process.env): VerifyOutput {
  const lines: string[] = [];
  let status = 0;
  for (const f of files) {
    if (!parseUnitName(basename(f))) return { lines: [...lines, `Failed to prepare filename ${f}: Invalid argument`], status: 1 };
  }
  const dirs = [...new Set(files.map((f) => dirname(resolve(f))))];
  const loader = new Loader(buildUnitFileMap([...dirs, ...unitSearchPath({ env })]), lines);

  // First every file is loaded (with the units it names); those that cannot be loaded are reported
  // and dropped. Then each loaded unit is verified: its start job, its socket's service, its commands.
  const loaded: Unit[] = [];
  for (const f of files) {
    const unit = loader.get(verifiedName(basename(f)));
    const problem = loadProblem(unit, unit.id);
    if (problem) {
      lines.push(problem);
      status = 1;
    } else {
      loaded.push(unit);
    }
  }
  for (const unit of loaded) {
    const name = unit.id;
    const jobProblem = startJobProblem(unit, loader);
    if (jobProblem) {
      if (jobProblem.startsWith('Transaction')) lines.push(`Requested transaction contains unmergeable jobs: ${jobProblem}`);
      lines.push(`${name}: Failed to create ${name}/start: ${jobProblem}`);
      status = 1;
    }
    if (unit.type === 'socket') {
      const svc = socketService(unit);
      if (loadProblem(loader.get(svc), svc)) {
        lines.push(`${name}: service ${svc} not loaded, socket cannot be started.`);
        status = 1;
      }
    }
    for (const cmd of executables(unit)) {
      const problem = notExecutable(cmd);
      if (problem) {
        lines.push(`${name}: Command ${cmd} is not executable: ${problem}`);
        status = 1;
      }
    }
  }
  return { lines, status };
}

/** A template file is verified as an instance of it, "i" (systemd-analyze does the same). */
export function verifiedName(file: string): string {
  const p = parseUnitName(file);
  return p && p.instance === '' ? instantiate(file, 'i') : file;
}


/** Why a command cannot be run (strerror's words), or undefined; a bare name is looked up on the search path. */
function notExecutable(cmd: string): string | undefined {
  const candidates = cmd.includes('/') ? [cmd] : EXEC_SEARCH_PATH.map((d) => `${d}/${cmd}`);
  let first: string | undefined;
  for (const c of candidates) {
    try {
      accessSync(c, constants.X_OK);
      return undefined;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code ?? 'EIO';
      first ??= strerrorName(code) ?? code;
    }
  }
  return first;
}


/**
 * Why a start job for the unit cannot be built: a unit it requires (depth-first through
 * Requires=, BindsTo= and .requires/; Requisite= one level, as a verify-active job does not pull
 * further) does not load, or is both required and conflicted with.
 */
function startJobProblem(root: Unit, loader: Loader): string | undefined {
  const seen = new Set<string>([root.id]);
  const walk = (u: Unit): string | undefined => {
    const d = u.unit.dependencies;
    // Slice= is an implicit Requires=: a slice that fails to load (a--b.slice) fails the start job too.
    const pulled = [...d.Requires, ...d.BindsTo, ...u.requiresDir, ...(u.resources.slice !== undefined ? [u.resources.slice] : [])];
    for (const dep of [...pulled, ...d.Requisite]) {
      if (seen.has(dep)) continue;
      seen.add(dep);
      const other = loader.get(dep);
      const problem = loadProblem(other, dep);
      if (problem) return problem;
      if (d.Conflicts.includes(dep) && pulled.includes(dep)) {
        return `Transaction contains conflicting jobs 'stop' and 'start' for ${dep}. Probably contradicting requirement dependencies configured.`;
      }
      if (!d.Requisite.includes(dep) || pulled.includes(dep)) {
        const deeper = walk(other);
        if (deeper) return deeper;
      }
    }
    return undefined;
  };
  return walk(root);
}

/** Every unit a unit names, which systemd loads with it (explicit dependencies and the triggered unit). */
function namedUnits(u: Unit): string[] {
  const names: string[] = [];
  for (const kind of DEPENDENCY_KINDS) names.push(...u.unit.dependencies[kind]);
  names.push(...u.wantsDir, ...u.requiresDir, ...u.upholdsDir);
  if (u.resources.slice !== undefined) names.push(u.resources.slice);
  if (u.type === 'socket') names.push(socketService(u));
  if (u.type === 'timer' && u.timer.unit) names.push(u.timer.unit);
  if (u.type === 'path' && u.path.unit) names.push(u.path.unit);
  return names.filter((n) => isValidUnitName(n));
}

/** The service a socket activates: Service=, else NAME.service, or NAME@internal.service with Accept=yes. */
function socketService(u: Unit & { type: 'socket' }): string {
  if (u.socket.service) return u.socket.service;
  const prefix = u.id.slice(0, -'.socket'.length);
  return u.socket.accept ? `${prefix.replace(/@$/, '')}@internal.service` : `${prefix}.service`;
}

/** Exec paths verify checks: every command without "-" (a failing one is tolerated anyway). */
function executables(unit: Unit): string[] {
  let all: readonly ExecCommand[] = [];
  if (unit.type === 'service') {
    const s = unit.service;
    all = [s.execCondition, s.execStartPre, s.execStart, s.execStartPost, s.execReload, s.execStop, s.execStopPost].flat();
  } else if (unit.type === 'socket') {
    const s = unit.socket;
    all = [s.execStartPre, s.execStartPost, s.execStopPre, s.execStopPost].flat();
  }
  const expand = (path: string) => {
    const r = resolveSpecifiers(path, { name: unit.id, fragmentPath: unit.fragmentPath }, systemContext());
    return r.ok ? r.value.value : path;
  };
  return [...new Set(all.filter((c) => !c.flags.ignoreFailure).map((c) => expand(c.path)))];
}
