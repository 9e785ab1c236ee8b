/**
 * `svcctl analyze verify FILE…`, after systemd-analyze verify: load each file as a unit (its
 * directory searched before the system path), print every diagnostic, then the checks verify adds:
 * executables exist, and the units a start would require can be found. Returns the exit status.
 */
import { accessSync, constants } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { formatDiagnostic } from '../shared/diagnostic.js';
import { parseUnitName } from './name.js';
import { buildUnitFileMap } from './unit-file-map.js';
import { loadUnit } from './load.js';
import { unitSearchPath } from './search-path.js';
import type { Unit } from './model.js';

export interface VerifyOutput {
  readonly lines: readonly string[];
  readonly status: number;
}

const ERRNO_TEXT: Record<string, string> = {
  ENOENT: 'No such file or directory',
  EACCES: 'Permission denied',
  ENOTDIR: 'Not a directory',
};

export function verifyFiles(files: readonly string[], env: Readonly<Record<string, string | undefined>> = process.env): VerifyOutput {
  const lines: string[] = [];
  let status = 0;
  for (const f of files) {
    const p = parseUnitName(basename(f));
    if (!p) {
      return { lines: [...lines, `Failed to prepare filename ${f}: Invalid argument`], status: 1 };
    }
  }
  const dirs = [...new Set(files.map((f) => dirname(resolve(f))))];
  const map = buildUnitFileMap([...dirs, ...unitSearchPath({ env })]);

  for (const f of files) {
    const name = basename(f);
    const unit = loadUnit(map, name, true);
    for (const d of unit.diagnostics) lines.push(formatDiagnostic(d));
    switch (unit.loadState) {
      case 'bad-setting':
        lines.push(`Unit ${name} has a bad unit file setting.`);
        status = 1;
        continue;
      case 'error':
        lines.push(`Unit ${name} failed to load properly, please adjust/correct and reload service manager: Bad message`);
        status = 1;
        continue;
      case 'not-found':
        lines.push(`Unit ${name} not found.`);
        status = 1;
        continue;
      case 'masked':
        continue;
      case 'loaded':
        break;
    }
    for (const cmd of executables(unit)) {
      try {
        accessSync(cmd, constants.X_OK);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code ?? 'EIO';
        lines.push(`${name}: Command ${cmd} is not executable: ${ERRNO_TEXT[code] ?? code}`);
        status = 1;
      }
    }
    const missing = requiredUnits(unit).find((dep) => loadUnit(map, dep).loadState === 'not-found');
    if (missing) {
      lines.push(`${name}: Failed to create ${name}/start: Unit ${missing} not found.`);
      status = 1;
    }
  }
  return { lines, status };
}

/** Exec paths verify checks: every command without "-" (a failing one is tolerated anyway). */
function executables(unit: Unit): string[] {
  const s = unit.service;
  if (!s) return [];
  const all = [s.execCondition, s.execStartPre, s.execStart, s.execStartPost, s.execReload, s.execStop, s.execStopPost].flat();
  return [...new Set(all.filter((c) => !c.flags.ignoreFailure).map((c) => c.path))];
}

/** Units a start job must find: Requires=, Requisite=, BindsTo= and .requires/ links. */
function requiredUnits(unit: Unit): string[] {
  const d = unit.unit.dependencies;
  return [...d.Requires, ...d.Requisite, ...d.BindsTo, ...unit.requiresDir];
}
