/**
 * A unit file's enablement state (systemd's unit_file_get_state): what is-enabled prints and
 * list-unit-files lists. It is computed from the links in the config directories and the unit's
 * [Install] section, and never changes anything, so it lives apart from the verbs that make links.
 * list-unit-files' rows are here too: they are this state for every unit file, with its preset.
 */
import { basename, dirname, join } from 'node:path';
import { instantiate, isInstance, isTemplate, isValidUnitName, parseUnitName } from './name.js';
import { isGeneratorDir } from './generators.js';
import { cmp, INSTALL_SEARCH_PATH, PERSISTENT, RUNTIME, TRANSIENT, type InstallRoot } from './install-root.js';
import { presetFor, readPresets } from './install-presets.js';
import { fnmatch } from '../shared/glob.js';
import { readInstallSection } from './install-section.js';

export type UnitFileState =
  | 'enabled' | 'enabled-runtime' | 'linked' | 'linked-runtime' | 'alias' | 'masked' | 'masked-runtime'
  | 'static' | 'indirect' | 'disabled' | 'generated' | 'transient' | 'bad';

/** States `is-enabled` answers 0 for (systemctl's "enabled-ish"). */
export const ENABLED_ISH: ReadonlySet<UnitFileState> = new Set<UnitFileState>(['enabled', 'enabled-runtime', 'static', 'alias', 'indirect', 'generated']);
/** States list-unit-files shows no preset for: nothing a preset could enable. */
const NO_PRESET: ReadonlySet<UnitFileState> = new Set<UnitFileState>(['static', 'alias', 'generated', 'transient']);

/** The state of `name`, undefined when there is no such unit file; `say` takes [Install]'s warnings. */
export function unitFileState(fs: InstallRoot, name: string, say: (text: string) => void): UnitFileState | undefined {
  // A file that cannot be looked up is `bad` (systemctl lists it so; is-enabled asks lookupError).
  if (fs.lookupError(name)) return 'bad';
  const f = fs.find(name);
  if (f.kind === 'missing') return undefined;
  if (f.kind === 'masked') return f.dir === RUNTIME ? 'masked-runtime' : 'masked';
  if (isGeneratorDir(f.dir)) return 'generated';
  if (f.dir === TRANSIENT) return 'transient';
  if (f.viaAlias) return 'alias';
  const info = readInstallSection(fs, f.path, f.unitName, say);
  const p = parseUnitName(f.unitName)!;
  const expected = isTemplate(p) ? (info.defaultInstance ? instantiate(f.unitName, info.defaultInstance) : undefined) : f.unitName;
  let enabled: UnitFileState | undefined;
  let indirect = false;
  for (const [dir, suffix] of [[PERSISTENT, ''], [RUNTIME, '-runtime']] as const) {
    for (const link of fs.configLinks(dir)) {
      if (link.target === '/dev/null') continue;
      const points = link.target === f.path || basename(link.target) === basename(f.path);
      if (!points) continue;
      const name = basename(link.path);
      const topLevel = dirname(link.path) === dir;
      if (topLevel && name === f.unitName) continue; // the linked unit's own link
      const aliasLink = topLevel && info.alias.includes(name);
      if ((!topLevel && name === expected) || aliasLink) enabled ??= `enabled${suffix}` as UnitFileState;
      // Another instance's link says nothing about this instance; for a plain unit or a
      // template, a link under another name means the file is in use indirectly.
      else if (!isInstance(p)) indirect = true;
    }
  }
  if (enabled) return enabled;
  if (f.linked) return f.linkDir === RUNTIME ? 'linked-runtime' : 'linked';
  if (indirect) return 'indirect';
  // DefaultInstance= alone installs nothing: such a template is static, as systemctl says.
  if (info.wantedBy.length + info.requiredBy.length + info.upheldBy.length + info.alias.length > 0) return 'disabled';
  if (info.also.length > 0) return 'indirect';
  return 'static';
}

/** What list-unit-files lists: globs on the name, and unit types and states (empty: all). */
export interface UnitFileFilter {
  readonly patterns: readonly string[];
  readonly types: readonly string[];
  readonly states: readonly string[];
}

/**
 * Every unit file on the installer's search path (the first of each name) that passes `filter`, as
 * [name, state, preset] in systemctl's order: by type suffix, then by name.
 */
export function unitFileRows(fs: InstallRoot, filter: UnitFileFilter, say: (text: string) => void): [string, string, string][] {
  const seen = new Map<string, string>();
  for (const dir of INSTALL_SEARCH_PATH) {
    for (const e of fs.readdirOrdered(dir).sort()) {
      if (seen.has(e) || !isValidUnitName(e)) continue;
      const st = fs.lstat(join(dir, e));
      if (!st || !(st.isFile() || st.isSymbolicLink())) continue;
      seen.set(e, join(dir, e));
    }
  }
  const presets = readPresets(fs.root, (r) => fs.show(r));
  for (const w of presets.warnings) say(w);
  const rows: [string, string, string][] = [];
  for (const name of seen.keys()) {
    const p = parseUnitName(name)!;
    if (filter.types.length > 0 && !filter.types.includes(p.type)) continue;
    if (filter.patterns.length > 0 && !filter.patterns.some((g) => fnmatch(g, name, { noescape: true }))) continue;
    const s = unitFileState(fs, name, say);
    if (!s) continue;
    if (filter.states.length > 0 && !filter.states.includes(s)) continue;
    rows.push([name, s, NO_PRESET.has(s) ? '-' : presetFor(presets, name)]);
  }
  const suffix = (n: string) => n.slice(n.lastIndexOf('.')).toLowerCase();
  rows.sort((a, b) => suffix(a[0]).localeCompare(suffix(b[0]), 'en') || cmp(a[0].toLowerCase(), b[0].toLowerCase()));
  return rows;
}
