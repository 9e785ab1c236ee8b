/**
 * `link` and `revert` (systemd's unit_file_link and unit_file_revert): a unit file from outside the
 * search path linked into the config dir, and a unit put back to its vendor state. They make and
 * remove links through InstallRun, as the other verbs do.
 */
import { rmSync } from 'node:fs';
import { basename, dirname, isAbsolute, join } from 'node:path';
import { isValidUnitName } from './name.js';
import { INSTALL_SEARCH_PATH, PERSISTENT, RUNTIME } from './install-root.js';
import { isGeneratorDir } from './generators.js';
import { pathSimplify } from './values/path.js';
import type { InstallResult, InstallRun } from './install-run.js';

/**
 * Where revert finds a unit's vendor version: below /usr (and /lib, split-usr Debian's), or a
 * generator's output, which under --root systemd 252 compares with its root-prefixed generator
 * paths, never equal, and so does not count.
 */
const isVendorDir = (dir: string, root: string): boolean => dir.startsWith('/usr/') || dir.startsWith('/lib/') || (root === '' && isGeneratorDir(dir));

/**
 * `link PATH…`: each unit file outside the search path linked into the config dir under its own
 * name. Every path is checked before anything is linked.
 */
export function linkFiles(run: InstallRun, paths: readonly string[], runtime: boolean): InstallResult {
  const dir = runtime ? RUNTIME : PERSISTENT;
  const todo: string[] = [];
  for (const p of paths) {
    // The link points at the path as given; messages show it simplified, as systemd's do.
    const shown = pathSimplify(p);
    if (!isAbsolute(p)) return run.failResult(`Failed to link unit, file "${shown}": Invalid argument`);
    if (!isValidUnitName(basename(p))) return run.failResult(`Failed to link unit, "${shown}" is not a valid unit name.`);
    const st = run.fs.lstat(p);
    if (!st) return run.failResult(`Failed to link unit, unit ${shown} does not exist.`);
    if (st.isSymbolicLink()) return run.failResult(`Failed to link unit, refusing to operate on linked unit file ${shown}.`);
    if (st.isDirectory()) return run.failResult(`Failed to link unit, file "${shown}": Is a directory`);
    if (!st.isFile()) return run.failResult(`Failed to link unit, file "${shown}": Invalid argument`);
    // A file already on the search path needs no link; under --root systemd 252 compares the
    // path given with the root-prefixed search path, never equal, and so links it anyway.
    if (run.fs.root === '' && INSTALL_SEARCH_PATH.includes(dirname(shown))) continue;
    if (!todo.includes(p)) todo.push(p);
  }
  for (const p of todo) run.createLink(join(dir, basename(p)), p, run.force, pathSimplify(p));
  return run.result();
}

/**
 * `revert UNIT…` (systemd's unit_file_revert): the units' drop-in directories in /etc and /run
 * go, and, where a vendor file (/usr) exists, the /etc and /run files that override it; then the
 * links in the config dirs that pointed at what went.
 */
export function revertUnits(run: InstallRun, names: readonly string[]): InstallResult {
  const todo: string[] = [];
  const isConfig = (dir: string) => dir === PERSISTENT || dir === RUNTIME;
  for (const n of names) {
    if (!isValidUnitName(n)) return run.failResult('Failed to revert: Invalid argument.');
    let vendor = false;
    for (const dir of INSTALL_SEARCH_PATH) {
      const rel = join(dir, n);
      if (run.fs.lstat(rel)?.isFile() && isVendorDir(dir, run.fs.root)) vendor = true;
      if (run.fs.lstat(`${rel}.d`)?.isDirectory() && isConfig(dir)) todo.push(`${rel}.d`);
    }
    if (!vendor) continue;
    for (const dir of INSTALL_SEARCH_PATH) {
      const st = run.fs.lstat(join(dir, n));
      if (st && (st.isFile() || st.isSymbolicLink()) && isConfig(dir)) todo.push(join(dir, n));
    }
  }
  const removed = new Set<string>();
  for (const rel of new Set(todo)) {
    const files = run.fs.lstat(rel)?.isDirectory() ? run.fs.readdirOrdered(rel).filter((e) => !e.startsWith('.')) : [];
    rmSync(run.fs.abs(rel), { recursive: true, force: true });
    for (const f of files) run.note({ type: 'unlink', path: run.fs.show(join(rel, f)) });
    run.note({ type: 'unlink', path: run.fs.show(rel) });
    removed.add(rel);
  }
  // Links to what went go too; under --root systemd 252 compares their root-prefixed targets with
  // the root-relative paths removed, never equal, and leaves them.
  if (run.fs.root === '') for (const dir of [RUNTIME, PERSISTENT]) run.removeMatching(dir, (link) => removed.has(link.target));
  return run.result();
}
