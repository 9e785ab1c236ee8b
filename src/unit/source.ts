/**
 * A unit's files, assembled as systemd assembles them: the fragment, then the drop-ins, plus the
 * units listed by NAME.wants/, NAME.requires/ and NAME.upholds/ directories.
 *
 * Drop-in directories are looked up in every search directory, for every name of the unit (its id
 * and aliases), the template of an instance, every dash prefix ("a-b-c.service" → "a-b-.service.d",
 * "a-.service.d") and the type ("service.d"). A .conf name found in a higher-priority directory
 * hides the same name further down, a /dev/null link masks it, and the survivors are applied in
 * file-name order. A drop-in linked to /dev/null is kept in the list (systemctl cat shows it)
 * but reads as empty.
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { instantiate, isInstance, parseUnitName, templateOf } from './name.js';
import { parseUnitText, type ParsedFile, type ParseOptions } from './syntax.js';
import { namesOf, resolveName, type UnitFileMap } from './unit-file-map.js';

export interface UnitSource {
  /** The name asked for. */
  readonly requested: string;
  /** The canonical name after aliases. */
  readonly id: string;
  /** id first, then every alias. */
  readonly names: readonly string[];
  readonly fragmentPath?: string;
  /** Symlinked to /dev/null, or an empty fragment. */
  readonly masked: boolean;
  readonly dropinPaths: readonly string[];
  readonly wants: readonly string[];
  readonly requires: readonly string[];
  readonly upholds: readonly string[];
  /** Fragment first, then drop-ins in order; empty when masked or not found. */
  readonly files: readonly ParsedFile[];
}

/** Names whose NAME.d/ (and .wants/…) directories apply to a unit, in priority order. */
export function dropinNames(names: readonly string[]): string[] {
  const out: string[] = [];
  const add = (n: string) => {
    if (!out.includes(n)) out.push(n);
  };
  for (const n of names) {
    add(n);
    const t = templateOf(n);
    if (t) add(t);
  }
  for (const n of [...out]) {
    const p = parseUnitName(n);
    if (!p) continue;
    const stem = n.slice(0, n.length - p.type.length - 1);
    // Dash prefixes apply from the longest to the shortest.
    for (let i = stem.length - 1; i > 0; i--) {
      if (stem[i] === '-' && i < stem.length - 1) add(`${stem.slice(0, i + 1)}.${p.type}`);
    }
  }
  const type = parseUnitName(names[0] ?? '')?.type;
  if (type) out.push(type);
  return out;
}


export function findDropins(map: UnitFileMap, names: readonly string[]): string[] {
  const chosen = new Map<string, string>();
  for (const dir of map.searchPath) {
    for (const n of dropinNames(names)) {
      const d = join(dir, `${n}.d`);
      for (const f of map.listDir(d)) {
        if (!f.endsWith('.conf') || chosen.has(f)) continue;
        const path = join(d, f);
        // A /dev/null link still takes the name (hiding lower ones) and reads as empty.
        chosen.set(f, path);
      }
    }
  }
  return [...chosen.entries()]
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map((e) => e[1]);
}

/** Units named in NAME.<suffix>/ directories; template entries get the instance's instance. */
export function findDependencyLinks(map: UnitFileMap, names: readonly string[], suffix: 'wants' | 'requires' | 'upholds'): string[] {
  const out: string[] = [];
  const instance = (() => {
    const p = parseUnitName(names[0] ?? '');
    return p && isInstance(p) ? p.instance! : null;
  })();
  const lookup: string[] = [];
  for (const n of names) {
    lookup.push(n);
    const t = templateOf(n);
    if (t) lookup.push(t);
  }
  for (const dir of map.searchPath) {
    for (const n of lookup) {
      for (const f of map.listDir(join(dir, `${n}.${suffix}`))) {
        const p = parseUnitName(f);
        if (!p) continue;
        const dep = p.instance === '' && instance !== null ? instantiate(f, instance) : f;
        if (!out.includes(dep)) out.push(dep);
      }
    }
  }
  return out;
}

function isEmptyFile(path: string): boolean {
  try {
    return statSync(path).size === 0;
  } catch {
    return false;
  }
}

export function loadUnitSource(map: UnitFileMap, name: string, parse: ParseOptions = {}, allowTemplate = false): UnitSource {
  const r = resolveName(map, name);
  const names = namesOf(map, r.id);
  const entry = r.entry;
  const masked = entry?.kind === 'masked' || (entry?.kind === 'file' && isEmptyFile(entry.path));
  // A unit with no fragment is "not found" whatever drop-ins exist (systemd 252 reads drop-ins
  // only for units it found), and a template itself is never loadable, only its instances.
  const p = parseUnitName(r.id);
  const notFound = !entry || (!allowTemplate && p !== undefined && p.instance === '');
  const fragmentPath = entry && entry.kind === 'file' && !notFound ? entry.path : undefined;
  const dropinPaths = masked || notFound ? [] : findDropins(map, names);
  const files: ParsedFile[] = [];
  if (!masked) {
    for (const path of fragmentPath ? [fragmentPath, ...dropinPaths] : dropinPaths) {
      let text: string;
      try {
        text = readFileSync(path, 'utf8');
      } catch (e) {
        files.push({ path, assignments: [], sections: [], fatal: true, diagnostics: [{ severity: 'error', loc: { file: path, line: 0 }, message: `Failed to read: ${(e as Error).message}` }] });
        continue;
      }
      files.push(parseUnitText(path, text, parse));
    }
  }
  return {
    requested: name,
    id: r.id,
    names,
    fragmentPath,
    masked,
    dropinPaths,
    wants: findDependencyLinks(map, names, 'wants'),
    requires: findDependencyLinks(map, names, 'requires'),
    upholds: findDependencyLinks(map, names, 'upholds'),
    files,
  };
}
