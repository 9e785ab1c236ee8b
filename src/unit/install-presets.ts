/**
 * Preset policy (systemd.preset(5)) as list-unit-files reports it in its PRESET column: *.preset
 * files from the preset directories, one file name overriding the same name in later directories,
 * read in file-name order; the first rule whose pattern matches a unit decides, and a unit no rule
 * mentions is "enabled" (the man page's documented default).
 */
import { lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { instantiate, isTemplate, parseUnitName, unitNameTemplate } from './name.js';
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
      // "enable PATTERN [INSTANCE…]" (instances only for a template); "disable" takes the rest of the line.
      const verb = /^(enable|disable)(?:\s+|$)/.exec(line);
      const rest = verb ? line.slice(verb[0].length) : '';
      if (verb?.[1] === 'enable' && rest !== '') {
        const [pattern = '', ...instances] = rest.split(/\s+/);
        const p = parseUnitName(pattern);
        if (instances.length === 0 || (p && isTemplate(p))) {
          rules.push({ action: 'enable', pattern, instances });
          return;
        }
      } else if (verb?.[1] === 'disable' && rest !== '') {
        rules.push({ action: 'disable', pattern: rest, instances: [] });
        return;
      }
      warnings.push(`${show(rel)}:${i + 1}: Couldn't parse line '${line}'. Ignoring.`);
    });
  }
  return { rules, warnings };
}

/** What the policy says of one unit: the first matching rule's action, and for an enable rule naming instances, those units. */
export interface PresetAnswer {
  readonly action: PresetRule['action'];
  /** `enable foo@.service a b` asked of the template: foo@a.service, foo@b.service. */
  readonly instances?: readonly string[];
}

/**
 * systemd's query_presets: the first rule that matches decides; no rule means enable. A rule with
 * instances matches its template (and, with `expand`, names the instances to enable) and those
 * instances; without `expand` (list-unit-files' PRESET column) it matches by pattern only.
 */
export function queryPreset(policy: PresetPolicy, name: string, expand: boolean): PresetAnswer {
  for (const r of policy.rules) {
    if (expand && r.instances.length > 0 && unitNameTemplate(name) === r.pattern) {
      const p = parseUnitName(name)!;
      if (isTemplate(p)) return { action: r.action, instances: r.instances.map((i) => instantiate(name, i)) };
      if (r.instances.includes(p.instance!)) return { action: r.action };
    }
    if (fnmatch(r.pattern, name, { noescape: true })) return { action: r.action };
  }
  return { action: 'enable' };
}

/** The preset list-unit-files shows for a unit file name. */
export function presetFor(policy: PresetPolicy, name: string): 'enabled' | 'disabled' {
  return queryPreset(policy, name, false).action === 'enable' ? 'enabled' : 'disabled';
}
