/**
 * svcd's version, with one source: package.json's "version", read when the program starts, so a
 * release changes one file and every program that prints a version agrees with the package.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from './package-root.js';

export const VERSION: string = (JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version;

/** The answer of `svcd --version` and `svcctl --version`. */
export const VERSION_TEXT = `svcd ${VERSION} (systemd 252 compatible)\n`;
