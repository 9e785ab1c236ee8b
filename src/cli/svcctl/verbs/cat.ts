/**
 * `svcctl cat UNIT…`: the fragment and drop-ins of each unit, formatted as systemd 252's
 * `systemctl cat` prints them (recorded from a booted systemd: systemctl refuses `cat` with --root).
 * svcd allows --root (offline inspection of an image tree). Without it the running svcd is asked
 * for each unit's FragmentPath=/DropInPaths= (its search path, generators' output included, as
 * systemctl asks systemd); with no svcd answering, the default search path is read directly.
 */
import { openSync, readFileSync, closeSync } from 'node:fs';
import type { VerbContext } from '../context.js';
import { EXIT_FAILURE, EXIT_SUCCESS } from '../context.js';
import { unitSearchPath } from '../../../unit/search-path.js';
import { buildUnitFileMap, readablePath } from '../../../unit/unit-file-map.js';
import { loadUnitSource } from '../../../unit/source.js';
import { mangleUnitName } from '../mangle.js';
import { call, ConnectionError } from '../../../control/protocol.js';
import { socketPath } from './online.js';
import { strerror } from '../../../shared/strerror.js';

interface UnitFiles {
  readonly masked: boolean;
  readonly fragmentPath?: string;
  readonly dropinPaths: readonly string[];
}

/** The unit's files as the running svcd loaded them; undefined when no svcd answers (or it cannot say). */
export async function filesFromDaemon(ctx: VerbContext, name: string): Promise<UnitFiles | undefined> {
  let r;
  try {
    r = await call(socketPath(ctx), 'show', { unit: name, properties: ['LoadState', 'FragmentPath', 'DropInPaths'] });
  } catch (e) {
    if (e instanceof ConnectionError) return undefined;
    throw e;
  }
  if (!r.ok) return undefined;
  const p = new Map(r.result.properties);
  const dropins = p.get('DropInPaths') ?? '';
  return { masked: p.get('LoadState') === 'masked', fragmentPath: p.get('FragmentPath') || undefined, dropinPaths: dropins === '' ? [] : dropins.split(' ') };
}

function readForCat(path: string): { text: string } | { error: string } {
  let fd: number;
  try {
    // Opened before the header is printed: a file that cannot be opened gets no header.
    fd = openSync(path, 'r');
  } catch (e) {
    return { error: strerror(e) };
  }
  try {
    return { text: readFileSync(fd, 'utf8') };
  } catch (e) {
    return { error: strerror(e) };
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
    // A template has no unit of its own, yet systemctl shows its files (read from the path).
    const online = root || name.includes('@.') ? undefined : await filesFromDaemon(ctx, name);
    const src: UnitFiles = online ?? loadUnitSource(map, name, {}, true);
    if (src.masked) {
      // The note comes before (and without) the blank line that separates units.
      ctx.stdout.write(`# Unit ${name} is masked.\n`);
      continue;
    }
    // A unit that exists without a file (system.slice) may still have drop-ins: those are shown.
    if (!src.fragmentPath && src.dropinPaths.length === 0) {
      ctx.stderr.write(`No files found for ${name}.\n`);
      rc = EXIT_FAILURE;
      continue;
    }
    if (!first) ctx.stdout.write('\n');
    first = false;
    const paths = [...(src.fragmentPath ? [src.fragmentPath] : []), ...src.dropinPaths];
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
