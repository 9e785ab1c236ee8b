// Every symlink below a root, as {relative path: link text}, sorted: the state install verbs change.
import { lstatSync, readdirSync, readlinkSync } from 'node:fs';
import { join, relative } from 'node:path';

export function listSymlinks(root) {
  const out = {};
  const walk = (dir) => {
    for (const e of readdirSync(dir)) {
      const p = join(dir, e);
      const st = lstatSync(p);
      if (st.isSymbolicLink()) out[relative(root, p)] = readlinkSync(p).replaceAll(root, '@R@');
      else if (st.isDirectory()) walk(p);
    }
  };
  walk(root);
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : 1)));
}
