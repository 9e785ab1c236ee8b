/**
 * The system manager's unit directories (systemd.unit(5) "Unit File Load Path", systemd's
 * path-lookup.c), named by the role each plays: the one place their paths are spelled. The
 * installer, the loader's search path, the generators' output and the SysV generator's native-unit
 * check all derive their lists from here.
 */

/** Each directory by its role (systemd's lookup_paths fields). */
export const UNIT_DIRS = {
  /** Written by D-Bus SetProperty (persistent and runtime). */
  persistentControl: '/etc/systemd/system.control',
  runtimeControl: '/run/systemd/system.control',
  transient: '/run/systemd/transient',
  generatorEarly: '/run/systemd/generator.early',
  /** The admin's units and links: where `enable` writes (`--runtime`: runtimeConfig). */
  persistentConfig: '/etc/systemd/system',
  persistentAttached: '/etc/systemd/system.attached',
  runtimeConfig: '/run/systemd/system',
  runtimeAttached: '/run/systemd/system.attached',
  generator: '/run/systemd/generator',
  generatorLate: '/run/systemd/generator.late',
} as const;

/**
 * Packages' units, local first. /lib/systemd/system comes before /usr/lib/systemd/system because
 * Debian's systemd 252 (the oracle) is built that way; on a merged-/usr system both are one
 * directory, and the first spelling is the one reported.
 */
export const VENDOR_UNIT_DIRS: readonly string[] = ['/usr/local/lib/systemd/system', '/lib/systemd/system', '/usr/lib/systemd/system'];

/** The whole search path in precedence order: what `systemd-analyze unit-paths` prints. */
export const SYSTEM_UNIT_PATH: readonly string[] = [
  UNIT_DIRS.persistentControl, UNIT_DIRS.runtimeControl, UNIT_DIRS.transient, UNIT_DIRS.generatorEarly,
  UNIT_DIRS.persistentConfig, UNIT_DIRS.persistentAttached, UNIT_DIRS.runtimeConfig, UNIT_DIRS.runtimeAttached,
  UNIT_DIRS.generator, ...VENDOR_UNIT_DIRS, UNIT_DIRS.generatorLate,
];

/** The generators' three output directories. */
export const GENERATOR_UNIT_DIRS: readonly string[] = [UNIT_DIRS.generatorEarly, UNIT_DIRS.generator, UNIT_DIRS.generatorLate];

/**
 * Where configuration files and their drop-in directories live, highest priority first (systemd's
 * CONF_PATHS): Debian's systemd 252 is built for a split /usr, so /lib comes last.
 */
export const CONF_DIRS: readonly string[] = ['/etc', '/run', '/usr/local/lib', '/usr/lib', '/lib'];

/** systemd's own configuration (system.conf, journald.conf, environment.d …) is never looked for in /lib. */
export const CONF_DIRS_USR: readonly string[] = CONF_DIRS.filter((d) => d !== '/lib');

/**
 * Where the manager looks for a command named without a slash (`ExecStart=systemd-tmpfiles …`, as
 * systemd's own units write them): systemd 252's fixed search path, what `systemd-path
 * search-binaries-default` prints — never the manager's $PATH.
 */
export const EXEC_SEARCH_PATH: readonly string[] = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];
