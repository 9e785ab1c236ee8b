/**
 * The words for what an install verb did (unit/install.ts's InstallChange list), as systemctl
 * prints them on stderr: one line per change, in order, with its glyphs chosen by the locale.
 */
import type { InstallChange } from '../../../unit/install.js';

/**
 * systemd 252 prints Unicode glyphs unless the locale in force is C or POSIX, and even then when no
 * locale variable is set at all (an empty LANG= counts as set). A locale that is not installed makes
 * setlocale() fail, which it also takes as UTF-8; an installed non-UTF-8 locale (de_DE.ISO-8859-1
 * with its files present) would select ASCII there and does not here: containers rarely carry one.
 */
export function localeIsUtf8(env: Readonly<Record<string, string | undefined>>): boolean {
  const vars = [env.LC_ALL, env.LC_CTYPE, env.LANG];
  const loc = vars.find((v) => v !== undefined && v !== '') ?? 'C';
  if (loc !== 'C' && loc !== 'POSIX') return true;
  return vars.every((v) => v === undefined);
}


/** All the changes, worded, each on its own line. */
export function wordInstallChanges(changes: readonly InstallChange[], env: Readonly<Record<string, string | undefined>>): string {
  const utf8 = localeIsUtf8(env);
  const arrow = utf8 ? '\u2192' : '->';
  const bullet = utf8 ? '\u2022' : '*';
  return changes.map((c) => `${wordChange(c, arrow, bullet)}\n`).join('');
}

function wordChange(c: InstallChange, arrow: string, bullet: string): string {
  switch (c.type) {
    case 'symlink': return `Created symlink ${c.path} ${arrow} ${c.source}.`;
    case 'unlink': return `Removed "${c.path}".`;
    case 'is-masked': return `Unit ${c.path} is masked, ignoring.`;
    case 'auxiliary-failed': return `Failed to enable auxiliary unit ${c.name}, ignoring.`;
    case 'destination-not-present': return `Unit ${c.path} is added as a dependency to a non-existent unit ${c.target}.`;
    case 'no-install-config': return NO_INSTALL_CONFIG.replaceAll('\u2022', bullet);
    case 'message': return c.text;
  }
}

// systemctl's explanation when enable finds nothing to do; users compare it with systemctl's, so
// it is kept word for word.
const NO_INSTALL_CONFIG = `The unit files have no installation config (WantedBy=, RequiredBy=, Also=,
Alias= settings in the [Install] section, and DefaultInstance= for template
units). This means they are not meant to be enabled using systemctl.
 
Possible reasons for having this kind of units are:
\u2022 A unit may be statically enabled by being symlinked from another unit's
  .wants/ or .requires/ directory.
\u2022 A unit's purpose may be to act as a helper for some other unit which has
  a requirement dependency on it.
\u2022 A unit may be started when needed via activation (socket, path, timer,
  D-Bus, udev, scripted systemctl call, ...).
\u2022 In case of template units, the unit is meant to be enabled with some
  instance name specified.`;

