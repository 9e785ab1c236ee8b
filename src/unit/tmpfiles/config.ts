/**
 * Which tmpfiles.d files apply and the items they declare. The files are `*.conf` of
 * /etc/tmpfiles.d, /run/tmpfiles.d, /usr/local/lib/tmpfiles.d and /usr/lib/tmpfiles.d (below
 * --root), one name taken from the first directory holding it — so an admin's file, or a link to
 * /dev/null, masks the vendor's — and all applied in file-name order. Items are kept per path, in
 * the order paths first appear, in two tables as systemd-tmpfiles keeps them: lines that create,
 * and lines whose path is a pattern (they alter what exists, so they run second). A second line
 * for a path that both own must say the same, or it is dropped as a duplicate.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { configFiles } from '../../config/conf-files.js';
import { compareLineTypes, LINE_TYPES } from './line-types.js';
import { parseLine, type Item, type ParseContext, type Report } from './parse.js';

export const TMPFILES_DIRS: readonly string[] = ['/etc/tmpfiles.d', '/run/tmpfiles.d', '/usr/local/lib/tmpfiles.d', '/usr/lib/tmpfiles.d'];

/** The items for one path, in the order they apply. */
export interface ItemArray {
  readonly path: string;
  readonly items: Item[];
}

export interface Config {
  readonly items: Map<string, ItemArray>;
  readonly globs: Map<string, ItemArray>;
}

/** The files that apply, in order; each as it is named on disk (below the root). */
export function tmpfilesConfigFiles(root: string | undefined): string[] {
  return configFiles('', TMPFILES_DIRS.map((d) => (root ? join(root, d) : d)));
}

/** item_compatible(): two owning lines for one path agree in everything they set. */
function compatible(a: Item, b: Item): boolean {
  if (!LINE_TYPES[a.type].owns || !LINE_TYPES[b.type].owns) return true;
  const same = <T>(x: T | undefined, y: T | undefined, eq: (p: T, q: T) => boolean): boolean => (x === undefined ? y === undefined : y !== undefined && eq(x, y));
  return (
    a.argument === b.argument &&
    same(a.uid, b.uid, (p, q) => p.value === q.value) &&
    same(a.gid, b.gid, (p, q) => p.value === q.value) &&
    same(a.mode, b.mode, (p, q) => p.value === q.value && p.mask === q.mask) &&
    same(a.age, b.age, (p, q) => p.usec === q.usec && p.keepFirstLevel === q.keepFirstLevel) &&
    same(a.device, b.device, (p, q) => p.major === q.major && p.minor === q.minor)
  );
}

/** Adds a parsed item to its table, unless it contradicts a line already there. */
export function addItem(config: Config, item: Item, report: Report): void {
  const table = LINE_TYPES[item.type].glob ? config.globs : config.items;
  let array = table.get(item.path);
  if (array) {
    if (!item.force && array.items.some((e) => !compatible(e, item))) {
      report('notice', `${item.loc.file}:${item.loc.line}: Duplicate line for path "${item.path}", ignoring.`);
      return;
    }
  } else {
    array = { path: item.path, items: [] };
    table.set(item.path, array);
  }
  array.items.push(item);
  array.items.sort((a, b) => compareLineTypes(a.type, b.type));
}

/** The lines of one file's text: trimmed, blank lines and comments left out, numbered from 1. */
export function configLines(text: string): { line: number; text: string }[] {
  return text.split('\n').flatMap((l, i) => {
    const t = l.trim();
    return t === '' || t.startsWith('#') ? [] : [{ line: i + 1, text: t }];
  });
}

/** Every file's items; `display` names a file in messages (without the root, as given). */
export function readConfig(files: readonly string[], ctx: ParseContext, report: Report): Config {
  const config: Config = { items: new Map(), globs: new Map() };
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      report('err', `Failed to open '${file}': ${(e as Error).message}`);
      continue;
    }
    for (const l of configLines(text)) {
      const item = parseLine(l.text, { file, line: l.line }, ctx, report);
      if (item) addItem(config, item, report);
    }
  }
  return config;
}

/** A passwd- or group-style file as name → id. */
export function readIds(path: string): Map<string, number> {
  const out = new Map<string, number>();
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return out;
  }
  for (const line of text.split('\n')) {
    const f = line.split(':');
    if (f.length >= 3 && f[0] && /^\d+$/.test(f[2]!)) out.set(f[0], Number(f[2]));
  }
  return out;
}
