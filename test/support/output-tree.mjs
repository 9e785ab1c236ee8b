// A directory's content as data: every regular file's text and every symlink's target, by path
// relative to the root, sorted; `root` spelled @ROOT@ where it appears. What a generator wrote.
import { lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join, relative } from 'node:path';

export function readOutputTree(dir, root) {
  const files = {};
  const links = {};
  const walk = (d) => {
    for (const e of readdirSync(d).sort()) {
      const p = join(d, e);
      const st = lstatSync(p);
      if (st.isSymbolicLink()) links[relative(dir, p)] = readlinkSync(p).replaceAll(root, '@ROOT@');
      else if (st.isDirectory()) walk(p);
      else files[relative(dir, p)] = readFileSync(p, 'latin1').replaceAll(root, '@ROOT@');
    }
  };
  walk(dir);
  return { files, links };
}
