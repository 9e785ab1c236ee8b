/**
 * `add-wants` and `add-requires` (systemd's unit_file_add_dependency): links in TARGET.wants/ or
 * TARGET.requires/ to each unit, as if the unit's [Install] said WantedBy=/RequiredBy=TARGET, and
 * nothing else of its [Install] (no Alias=, no Also=, no other WantedBy=). The target and every
 * unit are looked up before anything is written: one that is missing, masked, generated or
 * transient leaves all untouched.
 */
import { basename, join } from 'node:path';
import { isTemplate, parseUnitName } from './name.js';
import { PERSISTENT, RUNTIME } from './install-root.js';
import type { InstallResult, InstallRun } from './install-run.js';

/** The dependency a link in TARGET.wants/ or TARGET.requires/ makes (D-Bus AddDependencyUnitFiles' "Wants"/"Requires"). */
export type LinkDependency = 'Wants' | 'Requires';

/** What the installer lends this verb: its lookup refusals and enable's linking of a unit file by path. */
export interface DependencyInstaller extends InstallRun {
  refusal(name: string): string | undefined;
  linkPath(arg: string, dir: string): string | undefined;
}

export function addDependency(run: DependencyInstaller, target: string, units: readonly string[], dep: LinkDependency, runtime: boolean): InstallResult {
  const dir = runtime ? RUNTIME : PERSISTENT;
  for (const n of [target, ...units.filter((u) => !u.includes('/'))]) {
    const refusal = run.refusal(n);
    if (refusal !== undefined) return run.failResult(refusal);
  }
  for (const u of units) if (u.includes('/') && !run.fs.lstat(u)) return run.failResult(`Failed to ${run.verb} unit, unit ${u} does not exist.`);
  const t = run.fs.find(target);
  if (t.kind !== 'file') return run.result();
  // The links go under the target's own name: an alias of a target stands for the target.
  const depDir = join(dir, `${t.unitName}.${dep === 'Wants' ? 'wants' : 'requires'}`);
  const targetIsTemplate = isTemplate(parseUnitName(t.unitName)!);
  for (const u of units) {
    const name = u.includes('/') ? run.linkPath(u, dir) : u;
    if (name === undefined) break;
    const f = run.fs.find(name);
    if (f.kind !== 'file') break;
    // A template is linked as itself, into a template target only: its DefaultInstance= is not asked.
    if (isTemplate(parseUnitName(f.unitName)!) && !targetIsTemplate) {
      run.fail(`Failed to ${run.verb} ${f.unitName}, destination unit ${t.unitName} is a non-template unit.`);
      break;
    }
    // As enable's, a wants/requires link pointing elsewhere is replaced, --force or not.
    run.createLink(join(depDir, basename(f.unitName)), f.path, true);
  }
  return run.result();
}
