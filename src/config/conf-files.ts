/**
 * Which files make up the manager's configuration, in the order they apply: the main file, then
 * the drop-ins `*.conf` of every drop-in directory, sorted by file name across all directories
 * (systemd-system.conf(5), "Configuration Directories and Precedence"). A name found in several
 * directories is taken from the first one listed, so /etc masks /run masks /usr: a drop-in in /etc
 * that is empty or a link to /dev/null disables the vendor's drop-in of the same name.
 */
import { readdirSync, type Dirent } from 'node:fs';

export const DEFAULT_CONFIG_PATH = '/etc/svcd/system.conf';

/**
 * Where drop-ins for the default configuration live: systemd 252 reads system.conf.d/ in /etc,
 * /run, /usr/local/lib and /usr/lib (highest priority first); svcd keeps its files in svcd/
 * there, beside systemd's own, so the two managers' settings never mix.
 */
export const DEFAULT_DROPIN_DIRS: readonly string[] = ['/etc', '/run', '/usr/local/lib', '/usr/lib'].map(
  (d) => `${d}/svcd/system.conf.d`,
);

/**
 * The drop-in directories of a main file: the search directories above for the default file; for
 * another file (svcd --config FILE, a test or a container's own layout) only FILE.d beside it.
 */
export function dropinDirsFor(mainPath: string): readonly string[] {
  return mainPath === DEFAULT_CONFIG_PATH ? DEFAULT_DROPIN_DIRS : [`${mainPath}.d`];
}

/** systemd takes files and links with the suffix, and skips hidden ones. */
function isDropin(entry: Dirent): boolean {
  return entry.name.endsWith('.conf') && !entry.name.startsWith('.') && (entry.isFile() || entry.isSymbolicLink());
}

/** The main file followed by the drop-ins in the order they apply. Absent directories are normal. */
export function configFiles(mainPath: string, dropinDirs: readonly string[] = dropinDirsFor(mainPath)): string[] {
  const byName = new Map<string, string>();
  for (const dir of dropinDirs) {
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const e of entries) if (isDropin(e) && !byName.has(e.name)) byName.set(e.name, `${dir}/${e.name}`);
  }
  // strcmp order, as systemd sorts: byte-wise, not locale-aware.
  const sorted = [...byName.keys()].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  return [mainPath, ...sorted.map((n) => byName.get(n)!)];
}
