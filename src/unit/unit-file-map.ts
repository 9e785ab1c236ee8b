/**
 * Which file is which unit: the name map systemd 252 builds over the search path (unit-file.c's
 * unit_file_build_name_map / unit_file_find_fragment), built once per path with one readdir per
 * directory, and the directory lookups the drop-in code needs (dropin.c's path cache).
 *
 * Per name, the first directory in search order that has a usable entry decides:
 *  - a regular file: the unit's fragment;
 *  - a symlink whose target (its directories resolved, its last component not) lies in a search
 *    directory: an alias of the target's name — unless it names itself (ignored: the next
 *    directory decides) or breaks the alias rules (ignored likewise);
 *  - any other symlink: a "linked" unit file, read through the link but reported under the
 *    link's own path (what `systemctl cat` prints), from any directory of the path;
 *  - a link to /dev/null (or to a character device): masked.
 * Instances without an entry of their own use their template's ("foo@bar" → "foo@").
 */
import { lstatSync, readdirSync, readlinkSync, statSync, type Dirent } from 'node:fs';
import { basename, isAbsolute, join, normalize, resolve, sep } from 'node:path';
import { instantiate, isInstance, parseUnitName, templateOf, type UnitNameParts, type UnitType } from './name.js';

export type NameEntry =
  /** `path` is where the name was found; `linked` is where the content lives when that differs. */
  | { readonly kind: 'file'; readonly path: string; readonly linked?: string }
  | { readonly kind: 'masked'; readonly path: string }
  | { readonly kind: 'alias'; readonly target: string; readonly path: string };

export interface DirEntryInfo {
  readonly name: string;
  /** 'file' and 'link' may be drop-ins; 'dir' never is. */
  readonly type: 'file' | 'link' | 'dir' | 'other';
}

export interface UnitFileMap {
  readonly searchPath: readonly string[];
  /** Offline root the search path lies under ('' for the running system). */
  readonly root: string;
  /** The entry per name that decides it, in search order. */
  readonly names: ReadonlyMap<string, NameEntry>;
  /** Final name (a file or mask) → every name that leads to it, itself included. */
  readonly aliases: ReadonlyMap<string, readonly string[]>;
  /** Directory listing, cached; [] when the directory does not exist. */
  listDir(dir: string): readonly DirEntryInfo[];
  /** Whether a directory of the search path has an entry of that name (no I/O after the build). */
  hasEntry(searchDir: string, name: string): boolean;
  /** The path of an existing directory with every symlink resolved (inside the root), cached. */
  canonicalDir(dir: string): string | undefined;
}

const MAX_HOPS = 64;

/** Resolve `path`'s symlinks inside `root` (absolute link targets restart at the root); chase_symlinks() with CHASE_NONEXISTENT. */
export function chase(relOrAbs: string, rootDir: string, followLast: boolean): string | undefined {
  // Search paths may be relative (--unit-path units); links are resolved against the real cwd.
  const path = resolve(relOrAbs);
  const root = rootDir && path.startsWith(rootDir + '/') ? rootDir : '';
  const base = root || '/';
  let rel = normalize(path.slice(root.length)).split(sep).filter((c) => c !== '' && c !== '.');
  let done: string[] = [];
  let hops = 0;
  while (rel.length > 0) {
    const c = rel.shift()!;
    if (c === '..') {
      done.pop();
      continue;
    }
    const candidate = join(base, ...done, c);
    if (rel.length === 0 && !followLast) {
      done.push(c);
      break;
    }
    let target: string | undefined;
    try {
      if (lstatSync(candidate).isSymbolicLink()) target = readlinkSync(candidate);
    } catch {
      // Missing components stay as they are, as CHASE_NONEXISTENT does.
    }
    if (target === undefined) {
      done.push(c);
      continue;
    }
    // Masks are links to the host's /dev/null even in an offline tree (systemctl --root mask).
    if (target === '/dev/null' && rel.length === 0) return target;
    if (++hops > MAX_HOPS) return undefined;
    const parts = target.split(sep).filter((p) => p !== '' && p !== '.');
    if (isAbsolute(target)) done = [];
    rel = [...parts, ...rel];
  }
  return join(base, ...done);
}

/**
 * Where to read a path found in the map: under an offline root, absolute symlink targets (a linked
 * unit file, a drop-in linked elsewhere) mean paths inside the root, so the kernel cannot follow them.
 */
export function readablePath(map: UnitFileMap, path: string): string {
  return map.root ? (chase(path, map.root, true) ?? path) : path;
}

/** unit-file.c's alias rules: what a symlink SRC → DST may be and still count as an alias. */
function mayAlias(type: UnitType): boolean {
  return type === 'service' || type === 'socket' || type === 'target' || type === 'device' || type === 'timer' || type === 'path';
}
function mayTemplate(type: UnitType): boolean {
  return type === 'service' || type === 'socket' || type === 'target' || type === 'timer' || type === 'path';
}
const nameKind = (p: UnitNameParts): 'plain' | 'template' | 'instance' =>
  p.instance === null ? 'plain' : p.instance === '' ? 'template' : 'instance';

export function isValidAlias(src: string, dst: string): boolean {
  const s = parseUnitName(src);
  const d = parseUnitName(dst);
  if (!s || !d || src === dst) return false;
  if (!mayAlias(s.type)) return false;
  if (nameKind(s) !== 'plain' && !mayTemplate(s.type)) return false;
  const sk = nameKind(s);
  const dk = nameKind(d);
  if (!(sk === dk || (sk === 'instance' && dk === 'template'))) return false;
  if (dk === 'instance' && s.instance !== d.instance) return false;
  return s.type === d.type;
}

function isNullDevice(path: string): boolean {
  try {
    return statSync(path).isCharacterDevice();
  } catch {
    return false;
  }
}

export function buildUnitFileMap(searchPath: readonly string[], root = ''): UnitFileMap {
  const listings = new Map<string, readonly DirEntryInfo[]>();
  const entrySets = new Map<string, ReadonlySet<string>>();
  const canon = new Map<string, string | undefined>();

  const canonicalDir = (dir: string): string | undefined => {
    if (canon.has(dir)) return canon.get(dir);
    let c = chase(dir, root, true);
    try {
      if (c === undefined || !statSync(c).isDirectory()) c = undefined;
    } catch {
      c = undefined;
    }
    canon.set(dir, c);
    return c;
  };
  const typeOf = (d: Dirent): DirEntryInfo['type'] =>
    d.isFile() ? 'file' : d.isSymbolicLink() ? 'link' : d.isDirectory() ? 'dir' : 'other';
  const listDir = (dir: string): readonly DirEntryInfo[] => {
    let cached = listings.get(dir);
    if (cached) return cached;
    try {
      cached = readdirSync(dir, { withFileTypes: true }).map((d) => ({ name: d.name, type: typeOf(d) }));
    } catch {
      cached = [];
    }
    listings.set(dir, cached);
    return cached;
  };
  const hasEntry = (searchDir: string, name: string): boolean => {
    let set = entrySets.get(searchDir);
    if (!set) {
      set = new Set(listDir(searchDir).map((e) => e.name));
      entrySets.set(searchDir, set);
    }
    return set.has(name);
  };

  // A link's target counts as "inside the search path" by either spelling of a search directory.
  const prefixes = [...new Set(searchPath.flatMap((d) => [resolve(d), canonicalDir(d) ?? resolve(d)]))].map((d) => d.replace(/\/*$/, '/'));
  const inSearchPath = (p: string) => prefixes.some((d) => p.startsWith(d));

  const names = new Map<string, NameEntry>();
  for (const dir of searchPath) {
    for (const de of listDir(dir)) {
      const file = de.name;
      if (names.has(file) || !parseUnitName(file)) continue;
      const path = join(dir, file);
      let type = de.type;
      if (type === 'other') {
        try {
          const st = lstatSync(path);
          type = st.isSymbolicLink() ? 'link' : st.isFile() ? 'file' : 'other';
        } catch {
          continue;
        }
      }
      if (type === 'file') {
        names.set(file, { kind: 'file', path });
        continue;
      }
      if (type !== 'link') continue;
      let target: string;
      try {
        target = readlinkSync(path);
      } catch {
        continue;
      }
      if (target === '/dev/null') {
        names.set(file, { kind: 'masked', path });
        continue;
      }
      const abs = isAbsolute(target) ? join(root || '/', target) : join(dir, target);
      const simplified = chase(abs, root, false);
      if (simplified === undefined) continue;
      if (inSearchPath(simplified)) {
        const dst = basename(simplified);
        // A link to its own name, or one breaking the alias rules, leaves the name to later directories.
        if (dst === file || !isValidAlias(file, dst)) continue;
        names.set(file, { kind: 'alias', target: dst, path });
      } else if (isNullDevice(simplified)) {
        names.set(file, { kind: 'masked', path });
      } else {
        names.set(file, { kind: 'file', path, linked: simplified });
      }
    }
  }

  const aliases = new Map<string, string[]>();
  for (const src of names.keys()) {
    const r = follow(names, src);
    if (!r || r.entry.kind === 'masked') continue;
    // An instance linked to its template is that template's instance, not one of its names.
    const s = parseUnitName(src);
    const d = parseUnitName(r.name);
    if (s && d && isInstance(s) && d.instance === '') continue;
    let list = aliases.get(r.name);
    if (!list) aliases.set(r.name, (list = []));
    list.push(src);
  }
  for (const list of aliases.values()) list.sort();
  return { searchPath, root, names, aliases, listDir, hasEntry, canonicalDir };
}

/** Follow alias entries from `name` to a file or mask entry (unit_ids_map_get). */
export function follow(names: ReadonlyMap<string, NameEntry>, name: string): { name: string; entry: Exclude<NameEntry, { kind: 'alias' }> } | undefined {
  let current = name;
  for (let hops = 0; hops < MAX_HOPS; hops++) {
    const e = names.get(current);
    if (!e) return undefined;
    if (e.kind !== 'alias') return { name: current, entry: e };
    current = e.target;
  }
  return undefined;
}

export interface FoundFragment {
  /** The entry that supplies the unit (a file or a mask), and the name it is filed under. */
  readonly entry?: Exclude<NameEntry, { kind: 'alias' }>;
  readonly entryName?: string;
  /** Every name of the unit: the one asked for (unless a template) and the aliases of its file. */
  readonly names: readonly string[];
}

/** unit_file_find_fragment: the file for a name and the unit's names. */
export function findFragment(map: UnitFileMap, name: string): FoundFragment {
  const p = parseUnitName(name);
  if (!p) return { names: [] };
  const out = new Set<string>();
  if (p.instance !== '') out.add(name);
  const direct = follow(map.names, name);
  if (direct) {
    for (const a of map.aliases.get(direct.name) ?? []) {
      out.add(isInstance(p) && parseUnitName(a)?.instance === '' ? instantiate(a, p.instance!) : a);
    }
    return { entry: direct.entry, entryName: direct.name, names: [...out] };
  }
  const tmpl = templateOf(name);
  const viaTemplate = tmpl ? follow(map.names, tmpl) : undefined;
  if (!viaTemplate) return { names: [...out] };
  for (const a of map.aliases.get(viaTemplate.name) ?? []) {
    const inst = instantiate(a, p.instance!);
    // An instance name that leads elsewhere is another unit, not a name of this one.
    const other = follow(map.names, inst);
    if (other && other.name !== viaTemplate.name) continue;
    out.add(inst);
  }
  return { entry: viaTemplate.entry, entryName: viaTemplate.name, names: [...out] };
}

export interface ResolvedName {
  /** The unit's canonical name: its file's name (instantiated) when that is one of its names. */
  readonly id: string;
  readonly entry?: Exclude<NameEntry, { kind: 'alias' }>;
  readonly entryName?: string;
  /** id first, then the other names, sorted. */
  readonly names: readonly string[];
}

export function resolveName(map: UnitFileMap, name: string): ResolvedName {
  const f = findFragment(map, name);
  let id = name;
  if (f.entry && f.entry.kind !== 'masked' && f.entryName) {
    const p = parseUnitName(name);
    const candidate = p && isInstance(p) && parseUnitName(f.entryName)?.instance === '' ? instantiate(f.entryName, p.instance!) : f.entryName;
    if (f.names.includes(candidate)) id = candidate;
  }
  const rest = f.names.filter((n) => n !== id).sort();
  return { id, entry: f.entry, entryName: f.entryName, names: [id, ...rest] };
}

/** Every name of the unit `id` (the id first, then aliases in sorted order). */
export function namesOf(map: UnitFileMap, id: string): string[] {
  return [...resolveName(map, id).names];
}
