/**
 * A unit's files, assembled as systemd 252 assembles them (dropin.c, load-dropin.c): the fragment,
 * the drop-ins, and the units listed by NAME.wants/, NAME.requires/ and NAME.upholds/.
 *
 * Directory order decides which of two same-named files wins, so it follows systemd's exactly: for
 * the unit's id and then each alias, in every search directory: NAME.d, then (for an instance) the
 * template's directories, then the dash prefixes ("a-b-c.service" → "a-b-.service", "a-.service",
 * keeping the instance: "a-b@i.service" → "a-@i.service"); and last, in every search directory, the
 * type's own directory ("service.d"). A file name seen in an earlier directory hides the same name
 * later; the survivors apply in file-name order. A drop-in linked to /dev/null still takes its
 * name (that is how a drop-in is masked) and stays in the list: `systemctl cat` shows it, empty.
 * Directory paths are reported with their symlinks resolved, as systemd reports them.
 */
import { readFileSync, lstatSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { instantiate, isInstance, parseUnitName, templateOf, UNIT_TYPES, type UnitType } from './name.js';
import { loadsWithoutFragment } from './perpetual.js';
import { parseUnitText, type ParsedFile, type ParseOptions } from './syntax.js';
import { readablePath, resolveName, type UnitFileMap } from './unit-file-map.js';
import { strcmp } from '../shared/strcmp.js';

export interface UnitSource {
  /** The name asked for. */
  readonly name: string;
  /** The canonical name after aliases. */
  readonly id: string;
  /** id first, then every alias. */
  readonly names: readonly string[];
  /** Where the unit's file was found (for a linked unit file, the link). */
  readonly fragmentPath?: string;
  /** Symlinked to /dev/null, or an empty fragment. */
  readonly masked: boolean;
  readonly dropinPaths: readonly string[];
  /** Units named in NAME.wants/, NAME.requires/, NAME.upholds/ (template entries instantiated). */
  readonly wants: readonly string[];
  readonly requires: readonly string[];
  readonly upholds: readonly string[];
  /** Fragment first, then drop-ins in order; empty when masked or not found. */
  readonly files: readonly ParsedFile[];
}

const isTypeName = (n: string): n is UnitType => (UNIT_TYPES as readonly string[]).includes(n);
const VALID_PREFIX = /^[A-Za-z0-9:\-_.\\]+$/;

/** The next shorter dash prefix of a unit name prefix, as dropin.c derives it, or undefined. */
export function dashPrefix(prefix: string): string | undefined {
  let s = prefix;
  let chopped = false;
  for (;;) {
    const dash = s.lastIndexOf('-');
    if (dash <= 0) return undefined;
    if (dash + 1 < s.length || chopped) {
      s = s.slice(0, dash + 1);
      break;
    }
    // A trailing dash is dropped once, so "a-b-" continues with "a-".
    s = s.slice(0, dash);
    chopped = true;
  }
  return VALID_PREFIX.test(s) ? s : undefined;
}

/** Names whose NAME<suffix> directories apply to a unit called `name`, in lookup order. */
export function dirNamesFor(name: string): string[] {
  const out: string[] = [];
  const walk = (n: string) => {
    out.push(n);
    if (isTypeName(n)) return;
    const p = parseUnitName(n);
    if (!p) return;
    const t = templateOf(n);
    if (t) walk(t);
    const shorter = dashPrefix(p.prefix);
    if (shorter === undefined) return;
    walk(isInstance(p) ? `${shorter}@${p.instance!}.${p.type}` : `${shorter}.${p.type}`);
  };
  walk(name);
  return out;
}

/** The existing directories, canonical paths, in systemd's lookup order (see the header). */
export function findUnitDirs(map: UnitFileMap, names: readonly string[], suffix: string): string[] {
  const dirs: string[] = [];
  const add = (dir: string, n: string) => {
    if (!map.hasEntry(dir, n + suffix)) return;
    const c = map.canonicalDir(join(dir, n + suffix));
    if (c !== undefined && !dirs.includes(c)) dirs.push(c);
  };
  const expanded = names.map(dirNamesFor);
  for (const list of expanded) {
    for (const dir of map.searchPath) for (const n of list) add(dir, n);
  }
  const type = parseUnitName(names[0] ?? '')?.type;
  if (type) for (const dir of map.searchPath) add(dir, type);
  return dirs;
}

/** conf_files_list over directories: first directory wins per file name; result in name order. */
export function listConfFiles(map: UnitFileMap, dirs: readonly string[], ext: string | null): string[] {
  const chosen = new Map<string, string>();
  for (const d of dirs) {
    for (const e of map.listDir(d)) {
      if (e.name.startsWith('.') || (ext !== null && !e.name.endsWith(ext))) continue;
      if (e.type !== 'file' && e.type !== 'link') continue;
      if (!chosen.has(e.name)) chosen.set(e.name, join(d, e.name));
    }
  }
  return [...chosen.keys()].sort(strcmp).map((k) => chosen.get(k)!);
}

export function findDropins(map: UnitFileMap, names: readonly string[]): string[] {
  return listConfFiles(map, findUnitDirs(map, names, '.d'), '.conf');
}

/**
 * null_or_empty_path: what masks a unit file, a dependency link or a preset file (a character
 * device such as /dev/null, or an empty file). Undefined when the path cannot be stat'ed: the
 * callers differ on what that means (the loader reads on; the preset reader skips the file).
 */
export function nullOrEmptyPath(path: string): boolean | undefined {
  try {
    const st = statSync(path);
    return st.isCharacterDevice() || (st.isFile() && st.size === 0);
  } catch {
    return undefined;
  }
}

function maskedPath(path: string): boolean {
  return nullOrEmptyPath(path) ?? false;
}

/** Units named in NAME.<suffix>/ directories; template entries get the instance's instance. */
export function findDependencyLinks(map: UnitFileMap, names: readonly string[], suffix: 'wants' | 'requires' | 'upholds'): string[] {
  const own = parseUnitName(names[0] ?? '');
  const instance = own && isInstance(own) ? own.instance! : null;
  const out: string[] = [];
  for (const path of listConfFiles(map, findUnitDirs(map, names, `.${suffix}`), null)) {
    const entry = path.slice(path.lastIndexOf('/') + 1);
    if (maskedPath(readablePath(map, path))) continue;
    try {
      if (!lstatSync(path).isSymbolicLink()) continue;
    } catch {
      continue;
    }
    const p = parseUnitName(entry);
    if (!p) continue;
    let dep = entry;
    if (p.instance === '') {
      // A template cannot be a dependency; only an instance can fill it in.
      if (instance === null) continue;
      dep = instantiate(entry, instance);
    }
    if (!out.includes(dep)) out.push(dep);
  }
  return out;
}

/**
 * Everything systemd reads for a unit name. `allowTemplate` lets a template itself be looked up
 * (as `systemctl cat foo@.service` does); the manager never loads a template as a unit.
 */
export function loadUnitSource(map: UnitFileMap, name: string, parse: ParseOptions = {}, allowTemplate = false): UnitSource {
  const r = resolveName(map, name);
  const entry = r.entry;
  const p = parseUnitName(name);
  const notFound = !entry || (!allowTemplate && p !== undefined && p.instance === '');
  const masked = !notFound && (entry.kind === 'masked' || maskedPath(readablePath(map, entry.path)));
  const usable = !notFound && !masked && entry.kind === 'file';
  // A linked file whose target is gone is no file at all.
  const fragmentPath = usable && (!entry.linked || exists(readablePath(map, entry.path))) ? entry.path : undefined;
  const names = masked ? [name] : r.names.length > 0 ? r.names : [name];
  // A unit that exists without a file (a slice, system.slice among them) still reads its drop-ins
  // (system.slice.d/*.conf), as systemd loads such units' drop-ins whether a fragment is there or not.
  const readsDropins = fragmentPath !== undefined || (!masked && p !== undefined && loadsWithoutFragment(name, p.type));
  const dropinPaths = readsDropins ? findDropins(map, names) : [];
  const files: ParsedFile[] = [];
  for (const path of fragmentPath ? [fragmentPath, ...dropinPaths] : dropinPaths) {
    // Bytes, not text: a statement that is not UTF-8 clean must be seen to be refused (syntax.ts).
    let bytes: Buffer;
    try {
      bytes = readFileSync(readablePath(map, path));
    } catch (e) {
      files.push({ path, assignments: [], sections: [], fatal: true, diagnostics: [{ severity: 'error', loc: { file: path, line: 0 }, message: `Failed to read: ${(e as Error).message}` }] });
      continue;
    }
    files.push(parseUnitText(path, bytes, parse));
  }
  const deps = (suffix: 'wants' | 'requires' | 'upholds') => (fragmentPath ? findDependencyLinks(map, names, suffix) : []);
  return {
    name,
    id: masked ? name : r.id,
    names,
    fragmentPath,
    masked,
    dropinPaths,
    wants: deps('wants'),
    requires: deps('requires'),
    upholds: deps('upholds'),
    files,
  };
}

function exists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}
