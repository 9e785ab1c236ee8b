/**
 * Where the daemon looks units up, in precedence order (first match wins), as systemd.unit(5)
 * "Unit File Load Path" describes for the system manager (the directories themselves:
 * src/shared/lookup-paths.ts), restricted to the directories a container has (docs/loading.md): no
 * transient or attached ones, which only D-Bus clients and portable images write; the system
 * manager (with generators) has the control ones, where SetUnitProperties writes. svcd's own
 * units/ come last.
 */
import { join } from 'node:path';
import { BUILTIN_UNIT_DIR } from '../shared/package-root.js';
import { UNIT_DIRS, VENDOR_UNIT_DIRS } from '../shared/lookup-paths.js';

export const SYSTEM_UNIT_DIRS: readonly string[] = [UNIT_DIRS.persistentConfig, UNIT_DIRS.runtimeConfig, ...VENDOR_UNIT_DIRS];

export interface SearchPathOptions {
  /** --unit-path: used verbatim (empty components stand for the default path, as in the env var). */
  readonly unitPath?: readonly string[];
  /** Environment to read SYSTEMD_UNIT_PATH from. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Offline root (--root): every default directory is looked up below it. */
  readonly root?: string;
  /** Whether to append svcd's builtin units/ directory (not for --root, where systemctl has none). */
  readonly builtin?: boolean;
  /**
   * Whether the generators' output directories are part of the default path, where systemd puts
   * them (generator.early first, generator after /run/systemd/system, generator.late last).
   */
  readonly generators?: boolean;
}

function defaults(opts: SearchPathOptions): string[] {
  const root = opts.root ?? '';
  const base = opts.generators
    ? [UNIT_DIRS.persistentControl, UNIT_DIRS.runtimeControl, UNIT_DIRS.generatorEarly, UNIT_DIRS.persistentConfig, UNIT_DIRS.runtimeConfig, UNIT_DIRS.generator, ...VENDOR_UNIT_DIRS, UNIT_DIRS.generatorLate]
    : SYSTEM_UNIT_DIRS;
  const dirs = base.map((d) => (root ? join(root, d) : d));
  if (opts.builtin ?? !opts.root) dirs.push(BUILTIN_UNIT_DIR);
  return dirs;
}

/**
 * SYSTEMD_UNIT_PATH semantics: colon-separated list; an empty component (e.g. a trailing ':')
 * is replaced by the default search path. Duplicates keep their first position.
 */
export function expandUnitPath(components: readonly string[], opts: SearchPathOptions): string[] {
  const out: string[] = [];
  for (const c of components) {
    if (c === '') out.push(...defaults(opts));
    else out.push(c);
  }
  return [...new Set(out)];
}

export function unitSearchPath(opts: SearchPathOptions = {}): string[] {
  if (opts.unitPath) return expandUnitPath(opts.unitPath, opts);
  const env = opts.env?.SYSTEMD_UNIT_PATH;
  if (env !== undefined && env !== '') return expandUnitPath(env.split(':'), opts);
  return defaults(opts);
}
