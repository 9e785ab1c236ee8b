/**
 * Preset policy (systemd.preset(5)) as list-unit-files reports it in its PRESET column: *.preset
 * files from the preset directories, one file name overriding the same name in later directories,
 * read in file-name order; the first rule whose pattern matches a unit decides, and a unit no rule
 * mentions is "enabled" (the man page's documented default).
 */
import { lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { templateOf } from './name.js';
import { nullOrEmptyPath } from './source.js';
import { fnmatch } from '../shared/glob.js';
import { strcmp } from '../shared/strcmp.js';

/** Preset directories in priority order, relative to the root (split-usr Debian adds /lib). */
export const PRESET_DIRS = [
  '/etc/systemd/system-preset', '/run/systemd/system-preset', '/usr/local/lib/systemd/system-preset',
  '/usr/lib/systemd/system-preset', '/lib/systemd/system-preset',
];

export interface PresetRule {
  readonly action: 'enable' | 'disable';
  readonly pattern: string;
  /** For `enable foo@.service a b`: the instances to enable; empty otherwise. */
  readonly instances: readonly string[];
}

export interface PresetPolicy {
  readonly rules: readonly PresetRule[];
  /** Lines that could not be parsed, already worded as systemctl logs them. */
  readonly warnings: readonly string[];
}


/**
 * Reads the policy below `root` ('' for the running system). `show` maps a root-relative path to
 * what messages print (the root kept, as systemctl prints it).
 */
export function readPresets(root: string, show: (rel: string) => string = (r) => join(root, r)): PresetPolicy {
  const chosen = new Map<string, string>();
  for (const dir of PRESET_DIRS) {
    let names: string[];
    try {
      names = readdirSync(join(root, dir));
    } catch {
      continue;
    }
    for (const n of names) {
      if (!n.endsWith('.preset') || n.startsWith('.') || chosen.has(n)) continue;
      try {
        lstatSync(join(root, dir, n));
      } catch {
        continue;
      }
      chosen.set(n, join(dir, n));
    }
  }
  const rules: PresetRule[] = [];
  const warnings: string[] = [];
  for (const name of [...chosen.keys()].sort(strcmp)) {
    const rel = chosen.get(name)!;
    // A masked preset file (empty, or a link to /dev/null) and one that cannot be stat'ed are skipped.
    if (nullOrEmptyPath(join(root, rel)) ?? true) continue;
    let text: string;
    try {
      text = readFileSync(join(root, rel), 'utf8');
    } catch {
      continue;
    }
    text.split('\n').forEach((raw, i) => {
      const line = raw.trim();
      if (line === '' || line.startsWith('#') || line.startsWith(';')) return;
      const words = line.split(/\s+/);
      const [verb, pattern, ...rest] = words;
      if ((verb === 'enable' || verb === 'disable') && pattern !== undefined) {
        rules.push({ action: verb, pattern, instances: verb === 'enable' ? rest : [] });
        return;
      }
      warnings.push(`${show(rel)}:${i + 1}: Couldn't parse line '${line}'. Ignoring.`);
    });
  }
  return { rules, warnings };
}

/** The preset a unit file name gets: a template matches a rule naming it with instances too. */
export function presetFor(policy: PresetPolicy, name: string): 'enabled' | 'disabled' {
  for (const r of policy.rules) {
    if (r.instances.length === 0) {
      if (fnmatch(r.pattern, name, { noescape: true })) return r.action === 'enable' ? 'enabled' : 'disabled';
      continue;
    }
    // "enable foo@.service a b" speaks for the template and for the instances it lists.
    const tpl = templateOf(name);
    if (r.pattern === name) return r.action === 'enable' ? 'enabled' : 'disabled';
    if (tpl && r.pattern === tpl) {
      const inst = name.slice(name.indexOf('@') + 1, name.lastIndexOf('.'));
      if (r.instances.includes(inst)) return 'enabled';
    }
  }
  return 'enabled';
}
