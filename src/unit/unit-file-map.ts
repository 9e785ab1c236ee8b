/**
 * Which file is which unit: the name map systemd builds over the search path (unit-file.c's
 * name map), built once per path with one readdir per directory.
 *
 * Per name, the first directory in search order decides what the name is:
 *  - a regular file: the unit's fragment;
 *  - a symlink to /dev/null: masked;
 *  - a symlink whose target lies in a search directory: an alias of the target's name;
 *  - a symlink pointing elsewhere: a "linked" unit file, loaded from the target — honoured only
 *    in the config directories (/etc/systemd/system, /run/systemd/system), ignored elsewhere.
 * Instances without a file of their own use their template's ("foo@bar" → "foo@").
 */
import { lstatSync, readdirSync, readlinkSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { instantiate, isInstance, parseUnitName, templateOf } from './name.js';

export type NameEntry =
  | { readonly kind: 'file'; readonly path: string }
  | { readonly kind: 'masked'; readonly path: string }
  | { readonly kind: 'alias'; readonly target: string; readonly path: string };

export interface UnitFileMap {
  readonly searchPath: readonly string[];
  /** Offline root the search path lies under ('' for the running system). */
  readonly root: string;
  /** First entry per name, in search order. */
  readonly names: ReadonlyMap<string, NameEntry>;
  /** Directory listings, cached: dir → entry names (sorted). */
  listDir(dir: string): readonly string[];
}

/**
 * Follow a symlink chain to its final path without requiring the target to exist. Under an
 * offline root (--root), absolute link targets are inside the root, as systemctl reads them.
 */
export function resolveLink(path: string, root = '', depth = 0): string {
  let target: string;
  try {
    target = readlinkSync(path);
  } catch {
    return path;
  }
  if (target === '/dev/null') return target;
  const abs = target.startsWith('/') ? join(root || '/', target) : resolve(dirname(path), target);
  if (depth > 32) return abs;
  return resolveLink(abs, root, depth + 1);
}

/** Directories where links to unit files outside the search path are honoured (systemctl link). */
export function configDirs(root = ''): string[] {
  return ['/etc/systemd/system', '/run/systemd/system'].map((d) => join(root || '/', d));
}

export function buildUnitFileMap(searchPath: readonly string[], root = ''): UnitFileMap {
  const linkDirs = new Set(configDirs(root));
  const dirCache = new Map<string, readonly string[]>();
  const entrySets = new Map<string, ReadonlySet<string>>();
  const read = (dir: string): readonly string[] => {
    try {
      return readdirSync(dir).sort();
    } catch {
      return [];
    }
  };
  // Drop-in and .wants/ lookups ask for many directories that do not exist; the parent's
  // listing answers that without a failing readdir per name.
  const listDir = (dir: string): readonly string[] => {
    let cached = dirCache.get(dir);
    if (!cached) {
      const parent = dirname(dir);
      const parentEntries = entrySets.get(parent) ?? (dirCache.has(parent) ? new Set(dirCache.get(parent)) : undefined);
      cached = parentEntries && !parentEntries.has(basename(dir)) ? [] : read(dir);
      dirCache.set(dir, cached);
      entrySets.set(dir, new Set(cached));
    }
    return cached;
  };

  const searchDirs = new Set(searchPath.map((d) => resolve(d)));
  const names = new Map<string, NameEntry>();
  for (const dir of searchPath) {
    for (const file of listDir(dir)) {
      if (names.has(file) || !parseUnitName(file)) continue;
      const path = join(dir, file);
      let isLink: boolean;
      try {
        isLink = lstatSync(path).isSymbolicLink();
      } catch {
        continue;
      }
      if (!isLink) {
        // Only regular files are fragments; NAME.d/ and NAME.wants/ are not names.
        try {
          if (!statSync(path).isFile()) continue;
        } catch {
          continue;
        }
        names.set(file, { kind: 'file', path });
        continue;
      }
      const final = resolveLink(path, root);
      if (final === '/dev/null') {
        names.set(file, { kind: 'masked', path });
        continue;
      }
      const targetName = basename(final);
      if (searchDirs.has(dirname(final)) && targetName !== file) {
        names.set(file, { kind: 'alias', target: targetName, path });
      } else if (linkDirs.has(resolve(dir))) {
        // A linked unit file (systemctl link): its content lives where the link points.
        names.set(file, { kind: 'file', path: final });
      }
      // Elsewhere a link leading out of the search path is ignored, as systemd does.
    }
  }
  return { searchPath, root, names, listDir };
}

export interface ResolvedName {
  /** The unit's canonical name after aliases. */
  readonly id: string;
  /** The entry that supplies the unit's file (the template's for an instance), if any. */
  readonly entry?: NameEntry;
  /** The name under which the entry was found (id, or its template). */
  readonly entryName?: string;
}

/** Follow aliases from `name` to the canonical unit; alias chains of a different type are refused. */
export function resolveName(map: UnitFileMap, name: string): ResolvedName {
  const type = parseUnitName(name)?.type;
  let current = name;
  const seen = new Set<string>();
  for (;;) {
    const e = map.names.get(current);
    if (e?.kind === 'alias' && !seen.has(current) && parseUnitName(e.target)?.type === type) {
      seen.add(current);
      // An alias of a template names the instance of the aliased template.
      const p = parseUnitName(name);
      const t = parseUnitName(e.target);
      current = p && t && isInstance(p) && t.instance === '' ? instantiate(e.target, p.instance!) : e.target;
      continue;
    }
    if (e && e.kind !== 'alias') return { id: current, entry: e, entryName: current };
    break;
  }
  // No file under this name: an instance falls back to its template (and the template's aliases).
  const tmpl = templateOf(current);
  if (tmpl) {
    const instance = parseUnitName(current)!.instance!;
    const r = resolveName(map, tmpl);
    if (r.entry) return { id: instantiate(r.id, instance), entry: r.entry, entryName: r.entryName };
  }
  return { id: current };
}

const aliasIndex = new WeakMap<UnitFileMap, [string, NameEntry][]>();

/** Every name that resolves to `id` (the id first, then aliases in sorted order). */
export function namesOf(map: UnitFileMap, id: string): string[] {
  const out = [id];
  const p = parseUnitName(id);
  const instance = p && isInstance(p) ? p.instance! : null;
  let aliases = aliasIndex.get(map);
  if (!aliases) {
    aliases = [...map.names].filter(([, e]) => e.kind === 'alias');
    aliasIndex.set(map, aliases);
  }
  for (const [n] of aliases) {
    if (n === id) continue;
    const candidate = instance !== null && parseUnitName(n)?.instance === '' ? instantiate(n, instance) : n;
    if (candidate !== id && resolveName(map, candidate).id === id) out.push(candidate);
  }
  return [id, ...out.slice(1).sort()];
}
