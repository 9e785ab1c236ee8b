/**
 * Reading a unit's [Install] section for the installer: the unit file and its drop-ins as the
 * installer finds them (its own search path, not the manager's loader), systemd's warning for
 * each key [Install] does not know, and the install set of specifiers expanded. Kept apart from
 * the link making because is-enabled, enable and disable all read it, and none of them needs to
 * know how.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { instantiate, isTemplate, parseUnitName } from './name.js';
import { parseUnitText } from './syntax.js';
import { parseStringList } from './values/index.js';
import { expandSpecifiers, systemContext } from './specifiers.js';
import { dirNamesFor } from './source.js';
import { cmp, INSTALL_SEARCH_PATH, type InstallRoot } from './install-root.js';

// UpheldBy= came to [Install] after 252: 252 warns about it as an unknown key, so do we.
const INSTALL_KEYS = new Set(['WantedBy', 'RequiredBy', 'Alias', 'Also', 'DefaultInstance']);

export interface InstallSection {
  wantedBy: string[];
  requiredBy: string[];
  upheldBy: string[];
  alias: string[];
  also: string[];
  defaultInstance?: string;
}

/** The unit file and its drop-ins (NAME.d/*.conf over the search path, first directory wins per file name). */
function installSources(fs: InstallRoot, relPath: string, unitName: string): string[] {
  const chosen = new Map<string, string>();
  const names = [...dirNamesFor(unitName)];
  const type = parseUnitName(unitName)?.type;
  if (type) names.push(type);
  for (const dir of INSTALL_SEARCH_PATH) {
    for (const n of names) {
      const d = join(dir, `${n}.d`);
      for (const e of fs.readdirOrdered(d)) {
        if (!e.endsWith('.conf') || e.startsWith('.') || chosen.has(e)) continue;
        chosen.set(e, join(d, e));
      }
    }
  }
  const dropins = [...chosen.keys()].sort(cmp).map((k) => chosen.get(k)!);
  return [relPath, ...dropins];
}

/**
 * [Install] of a unit file and its drop-ins, with systemd's warnings (through `say`) for keys it
 * does not know there. DefaultInstance= expands against the name asked for; the other values
 * against the name the unit is enabled under (a template's default instance), so `%i` there is
 * that instance.
 */
export function readInstallSection(fs: InstallRoot, relPath: string, unitName: string, say: (text: string) => void): InstallSection {
  const sec: InstallSection = { wantedBy: [], requiredBy: [], upheldBy: [], alias: [], also: [] };
  const raw: { key: string; value: string }[] = [];
  for (const src of installSources(fs, relPath, unitName)) {
    // Bytes, as the unit loader reads them: the reader itself refuses what is not UTF-8.
    let text: Buffer;
    try {
      text = readFileSync(fs.abs(src));
    } catch {
      continue;
    }
    for (const a of parseUnitText(fs.show(src), text).assignments) {
      if (a.section !== 'Install') continue;
      if (a.key.startsWith('X-')) continue;
      if (!INSTALL_KEYS.has(a.key)) {
        say(`${a.loc.file}:${a.loc.line}: Unknown key '${a.key}' in section [Install], ignoring.`);
        continue;
      }
      raw.push({ key: a.key, value: a.value });
    }
  }
  for (const { key, value } of raw) {
    if (key === 'DefaultInstance') sec.defaultInstance = value === '' ? undefined : expandInstallSpecifiers(value, unitName);
  }
  const p = parseUnitName(unitName);
  const enabledAs = p && isTemplate(p) && sec.defaultInstance ? instantiate(unitName, sec.defaultInstance) : unitName;
  const lists: Record<string, string[]> = { WantedBy: sec.wantedBy, RequiredBy: sec.requiredBy, UpheldBy: sec.upheldBy, Alias: sec.alias, Also: sec.also };
  for (const { key, value } of raw) {
    const list = lists[key];
    if (!list) continue;
    if (value === '') {
      list.splice(0);
      continue;
    }
    const words = parseStringList(value);
    if (words.ok && words.value) for (const w of words.value) list.push(expandInstallSpecifiers(w, enabledAs));
  }
  return sec;
}

/** [Install] values expand the install set of specifiers; one that cannot be resolved stays as written. */
export function expandInstallSpecifiers(text: string, unitName: string): string {
  const r = expandSpecifiers(text, { name: unitName }, systemContext(), 'install');
  return r.ok ? r.value : text;
}
