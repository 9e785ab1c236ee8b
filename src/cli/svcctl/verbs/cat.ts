/**
 * `svcctl cat UNIT…`: the fragment and drop-ins of each unit, formatted as systemd 252's
 * `systemctl cat` prints them (recorded from a booted systemd: systemctl refuses `cat` with --root).
 * svcd allows --root (offline inspection of an image tree); without it the files of the running
 * system's search path are read directly, until the daemon can be asked.
 */
import { openSync, readFileSync, closeSync } from 'node:fs';
import type { VerbContext } from '../context.js';
import { EXIT_FAILURE, EXIT_SUCCESS } from '../context.js';
import { unitSearchPath } from '../../../unit/search-path.js';
import { buildUnitFileMap, readablePath } from '../../../unit/unit-file-map.js';
import { loadUnitSource } from '../../../unit/source.js';
import { mangleUnitName } from '../mangle.js';

/** strerror() wording for the errors a read can meet, as systemctl prints them (%m). */
const STRERROR: Record<string, string> = {
  ENOENT: 'No such file or directory',
  EACCES: 'Permission denied',
  EISDIR: 'Is a directory',
  ELOOP: 'Too many levels of symbolic links',
  ENOTDIR: 'Not a directory',
  EIO: 'Input/output error',
};

function readForCat(path: string): { text: string } | { error: string } {
  let fd: number;
  try {
    // Opened before the header is printed: a file that cannot be opened gets no header.
    fd = openSync(path, 'r');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? '';
    return { error: STRERROR[code] ?? (e as Error).message };
  }
  try {
    return { text: readFileSync(fd, 'utf8') };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? '';
    return { error: STRERROR[code] ?? (e as Error).message };
  } finally {
    closeSync(fd);
  }
}

export async function run(ctx: VerbContext): Promise<number> {
  if (ctx.args.length === 0) {
    ctx.stderr.write('Too few arguments.\n');
    return EXIT_FAILURE;
  }
  const root = ctx.options.root ?? '';
  const map = buildUnitFileMap(unitSearchPath({ root: root || undefined, env: ctx.env }), root);
  let rc = EXIT_SUCCESS;
  let first = true;
  for (const arg of ctx.args) {
    const name = mangleUnitName(arg);
    // A template has no unit of its own, yet systemctl shows its files.
    const src = loadUnitSource(map, name, {}, true);
    if (src.masked) {
      // The note comes before (and without) the blank line that separates units.
      ctx.stdout.write(`# Unit ${name} is masked.\n`);
      continue;
    }
    if (!src.fragmentPath) {
      ctx.stderr.write(`No files found for ${name}.\n`);
      rc = EXIT_FAILURE;
      continue;
    }
    if (!first) ctx.stdout.write('\n');
    first = false;
    const paths = [src.fragmentPath, ...src.dropinPaths];
    for (let i = 0; i < paths.length; i++) {
      const p = paths[i]!;
      const r = readForCat(readablePath(map, p));
      if ('error' in r) {
        // systemctl gives up on the first file it cannot read, with the units after it unprinted.
        ctx.stderr.write(`Failed to cat ${p}: ${r.error}\n`);
        return EXIT_FAILURE;
      }
      const text = r.text !== '' && !r.text.endsWith('\n') ? `${r.text}\n` : r.text;
      ctx.stdout.write(`${i > 0 ? '\n' : ''}# ${p}\n${text}`);
    }
  }
  return rc;
}
