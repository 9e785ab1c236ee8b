import { fileURLToPath } from 'node:url';
import { dirname, resolve } from 'node:path';

/** The checkout/package root, found from this module's location (src/shared or dist/shared). */
export const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** svcd's own unit directory: the standard targets, searched last so they always exist. */
export const BUILTIN_UNIT_DIR = resolve(PACKAGE_ROOT, 'units');

/**
 * svcd's own generators (systemd.generator(7)): searched after systemd's directories, so that a
 * generator of the same name shipped by systemd (where it is installed) takes precedence.
 */
export const BUILTIN_GENERATOR_DIR = resolve(PACKAGE_ROOT, 'generators');

/** svcd's helper programs (its systemd-sysv-install, for images without systemd). */
export const BUILTIN_LIBEXEC_DIR = resolve(PACKAGE_ROOT, 'libexec');
