/**
 * What every generator program svcd ships does around its work (systemd.generator(7)): takes zero
 * arguments (output to /tmp, for trying it by hand) or the three output directories, sets umask
 * 022, writes its messages to stderr prefixed by its name up to $SYSTEMD_LOG_LEVEL (a name or 0-7;
 * anything else: warning, as systemd's generators read it), and turns a thrown error into status 1.
 */
import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { parseLogLevel } from './values/enum.js';
import type { Logger } from './sysv-script.js';

/** `unit` wanted by `target`: the relative link TARGET.wants/UNIT → ../UNIT every generator writes (one already there is fine). */
export function linkWanted(dest: string, target: string, unit: string, log: Logger): void {
  const dir = join(dest, `${target}.wants`);
  mkdirSync(dir, { recursive: true, mode: 0o755 });
  try {
    symlinkSync(`../${unit}`, join(dir, unit));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') log('err', `cannot link ${join(dir, unit)}: ${(e as Error).message}`);
  }
}

/** The three output directories, as systemd passes them. */
export interface GeneratorDirs {
  readonly normal: string;
  readonly early: string;
  readonly late: string;
}

export function generatorProgram(
  name: string,
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  run: (dirs: GeneratorDirs, log: Logger) => number,
): number {
  if (argv.length !== 0 && argv.length !== 3) {
    process.stderr.write(`${name}: takes zero or three arguments\n`);
    return 1;
  }
  process.umask(0o022);
  const wanted = parseLogLevel(env.SYSTEMD_LOG_LEVEL ?? 'warning');
  const max = parseLogLevel.values.indexOf(wanted.ok ? wanted.value : 'warning');
  const log: Logger = (level, text) => {
    if (parseLogLevel.values.indexOf(level) <= max) process.stderr.write(`${name}: ${text}\n`);
  };
  try {
    return run({ normal: argv[0] ?? '/tmp', early: argv[1] ?? '/tmp', late: argv[2] ?? '/tmp' }, log);
  } catch (e) {
    log('err', (e as Error).message);
    return 1;
  }
}
