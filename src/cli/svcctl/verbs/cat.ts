/**
 * `svcctl cat UNIT…`: the fragment and drop-ins of each unit, formatted as `systemctl cat` does.
 * systemctl refuses `--root` for cat; svcd allows it (offline inspection of an image tree).
 */
import { readFileSync } from 'node:fs';
import type { VerbContext } from '../context.js';
import { EXIT_FAILURE, EXIT_SUCCESS } from '../context.js';
import { unitSearchPath } from '../../../unit/search-path.js';
import { buildUnitFileMap } from '../../../unit/unit-file-map.js';
import { loadUnitSource } from '../../../unit/source.js';
import { mangleUnitName } from '../mangle.js';

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
    const src = loadUnitSource(map, mangleUnitName(arg));
    if (!src.masked && !src.fragmentPath && src.dropinPaths.length === 0) {
      ctx.stderr.write(`No files found for ${src.id}.\n`);
      rc = EXIT_FAILURE;
      continue;
    }
    // systemctl prints the masked note before (and without) the separator between units.
    if (src.masked) {
      ctx.stdout.write(`# Unit ${src.id} is masked.\n`);
      continue;
    }
    if (!first) ctx.stdout.write('\n');
    first = false;
    const paths = src.fragmentPath ? [src.fragmentPath, ...src.dropinPaths] : src.dropinPaths;
    paths.forEach((p, i) => {
      let text = readFileSync(p, 'utf8');
      if (text !== '' && !text.endsWith('\n')) text += '\n';
      ctx.stdout.write(`${i > 0 ? '\n' : ''}# ${p}\n${text}`);
    });
  }
  return rc;
}
