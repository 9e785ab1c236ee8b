/**
 * Which files make up the manager's configuration, in the order they apply: the main file, then
 * the drop-ins `*.conf` of every drop-in directory, sorted by file name across all directories
 * (systemd-system.conf(5), "Configuration Directories and Precedence"). A name found in several
 * directories is taken from the first one listed, so /etc masks /run masks /usr: a drop-in in /etc
 * that is empty or a link to /dev/null disables the vendor's drop-in of the same name.
 */
import { existsSync, readdirSync } from 'node:fs';
import { CONF_DIRS_USR } from '../shared/lookup-paths.js';
import { strcmp } from '../shared/strcmp.js';

export const DEFAULT_CONFIG_PATH = '/etc/svcd/system.conf';

/**
 * Where drop-ins for the default configuration live: systemd 252 reads system.conf.d/ in /etc,
 * /run, /usr/local/lib and /usr/lib (highest priority first); svcd keeps its files in svcd/
 * there, beside systemd's own, so the two managers' settings never mix.
 */
export const DEFAULT_DROPIN_DIRS: readonly string[] = CONF_DIRS_USR.map(
  (d) => `${d}/svcd/system.conf.d`,
);

/**
 * The drop-in directories of a main file: the search directories above for the default file; for
 * another file (svcd --config FILE, a test or a container's own layout) only FILE.d beside it.
 */
export function dropinDirsFor(mainPath: string): readonly string[] {
  return mainPath === DEFAULT_CONFIG_PATH ? DEFAULT_DROPIN_DIRS : [`${mainPath}.d`];
}

/**
 * systemd takes every name with the suffix but hidden ones — even a directory, which then fails to
 * read (a warning) rather than being skipped.
 */
function isDropin(name: string, suffix: string): boolean {
  return name.endsWith(suffix) && !name.startsWith('.');
}

/**
 * conf_files_list()'s core, for every list of files where the first directory masks the later
 * ones: per name that `take` accepts, the path in the first of `dirs` (highest priority first) that
 * has it, in strcmp order of the names (byte-wise, not locale-aware, as systemd sorts). A directory
 * that cannot be read is skipped: absent directories are normal.
 */
export function firstPerName(dirs: readonly string[], take: (name: string) => boolean): string[] {
  const byName = new Map<string, string>();
  for (const dir of dirs) {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      continue;
    }
    for (const n of names) if (!byName.has(n) && take(n)) byName.set(n, `${dir}/${n}`);
  }
  return [...byName.keys()].sort(strcmp).map((n) => byName.get(n)!);
}

/**
 * systemd's conf_files_list(): the files with `suffix` in `dirs` (highest priority first), one per
 * name — the first directory's — in strcmp order of their names. Absent directories are normal.
 */
export function confFilesList(dirs: readonly string[], suffix = '.conf'): string[] {
  return firstPerName(dirs, (n) => isDropin(n, suffix));
}

/** The main file (when it exists) followed by the drop-ins in the order they apply. */
export function configFiles(mainPath: string, dropinDirs: readonly string[] = dropinDirsFor(mainPath)): string[] {
  const dropins = confFilesList(dropinDirs);
  return existsSync(mainPath) ? [mainPath, ...dropins] : dropins;
}
