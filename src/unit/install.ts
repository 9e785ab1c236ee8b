/**
 * The [Install] verbs as `systemctl --root=DIR` performs them offline: enable, disable, reenable,
 * mask, unmask, is-enabled, list-unit-files, get-default, set-default. Like systemd's install.c,
 * this does its own lookup over the installer's search path (it does not use the manager's loader)
 * and acts only on symlinks in the config directories (/etc/systemd/system, or /run with --runtime).
 *
 * Every verb returns its output (stdout) and, in order, the changes it made and what it has to say
 * about them (InstallChange, as systemd's install.c reports to systemctl); the CLI words those
 * (src/cli/svcctl/verbs/install-changes.ts). The tests compare the words with systemctl's, byte
 * for byte.
 */
import { existsSync, lstatSync, mkdirSync, opendirSync, readFileSync, readlinkSync, rmdirSync, symlinkSync, unlinkSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { instantiate, isInstance, isTemplate, isValidUnitName, parseUnitName, templateOf } from './name.js';
import { parseUnitText } from './syntax.js';
import { parseStringList } from './values/index.js';
import { expandSpecifiers, systemContext } from './specifiers.js';
import { dirNamesFor } from './source.js';
import { presetFor, readPresets } from './install-presets.js';
import { fnmatch } from '../shared/glob.js';
import { SYSTEM_UNIT_PATH, UNIT_DIRS } from '../shared/lookup-paths.js';
import { BUILTIN_UNIT_DIR } from '../shared/package-root.js';
import { nativeUnitExists, SYSV_LOOKUP_PATH } from './sysv-generator.js';
import { isGeneratorDir } from './generators.js';

/** The installer's search path (systemd-analyze unit-paths on Debian 12), relative to the root. */
const INSTALL_SEARCH_PATH = SYSTEM_UNIT_PATH;
const PERSISTENT = UNIT_DIRS.persistentConfig;
const RUNTIME = UNIT_DIRS.runtimeConfig;
const TRANSIENT = UNIT_DIRS.transient;

export type UnitFileState =
  | 'enabled' | 'enabled-runtime' | 'linked' | 'linked-runtime' | 'alias' | 'masked' | 'masked-runtime'
  | 'static' | 'indirect' | 'disabled' | 'generated' | 'transient' | 'bad';

/** States `is-enabled` answers 0 for (systemctl's "enabled-ish"). */
const ENABLED_ISH = new Set<UnitFileState>(['enabled', 'enabled-runtime', 'static', 'alias', 'indirect', 'generated']);
/** States list-unit-files shows no preset for: nothing a preset could enable. */
const NO_PRESET = new Set<UnitFileState>(['static', 'alias', 'generated', 'transient']);
// UpheldBy= came to [Install] after 252: 252 warns about it as an unknown key, so do we.
const INSTALL_KEYS = new Set(['WantedBy', 'RequiredBy', 'Alias', 'Also', 'DefaultInstance']);

/**
 * One change an install verb made, or one thing it found on the way, in the order they happened:
 * systemd's InstallChange. Paths are as the user sees them (under --root when there is one).
 */
export type InstallChange =
  /** A link was made at `path`, pointing to `source`. */
  | { readonly type: 'symlink'; readonly path: string; readonly source: string }
  /** The link at `path` was removed. */
  | { readonly type: 'unlink'; readonly path: string }
  /** A unit pulled in by Also= is masked (its link at `path`): skipped. */
  | { readonly type: 'is-masked'; readonly path: string }
  /** A unit pulled in by Also= does not exist: skipped. */
  | { readonly type: 'auxiliary-failed'; readonly name: string }
  /** The unit file at `path` was linked into the .wants/ or .requires/ of `target`, which has no unit file. */
  | { readonly type: 'destination-not-present'; readonly path: string; readonly target: string }
  /** enable found no [Install] settings in any named unit. */
  | { readonly type: 'no-install-config' }
  /** An error or note, already in systemctl's words (the verb's exit status says which). */
  | { readonly type: 'message'; readonly text: string };

export interface InstallResult {
  readonly stdout: string;
  readonly changes: readonly InstallChange[];
  readonly status: number;
}

interface InstallSection {
  wantedBy: string[];
  requiredBy: string[];
  upheldBy: string[];
  alias: string[];
  also: string[];
  defaultInstance?: string;
}

/** What a name is on the installer's search path. */
type Found =
  | { kind: 'missing' }
  | { kind: 'masked'; linkPath: string; dir: string }
  | { kind: 'file'; unitName: string; path: string; dir: string; viaAlias: boolean; linked: boolean; linkDir?: string };

export interface InstallerOptions {
  /** --force: replace Alias= links (and set-default's) that point elsewhere. */
  readonly force?: boolean;
}

export class Installer {
  private readonly out: string[] = [];
  private readonly changes: InstallChange[] = [];
  private status = 0;
  /** The verb systemctl names in its "Failed to VERB unit, ..." messages. */
  private verb = 'enable';
  private readonly force: boolean;

  constructor(private readonly root: string, opts: InstallerOptions = {}) {
    this.force = Boolean(opts.force);
  }

  private abs(p: string): string {
    return this.root ? join(this.root, p) : p;
  }
  private show(p: string): string {
    return this.abs(p);
  }

  /** A link's target, resolved with absolute targets inside the root. Returns a root-relative path. */
  private linkTarget(relPath: string): string | undefined {
    try {
      const t = readlinkSync(this.abs(relPath));
      return t.startsWith('/') ? t : resolve(dirname(relPath), t);
    } catch {
      return undefined;
    }
  }
  private rawLinkTarget(relPath: string): string | undefined {
    try {
      return readlinkSync(this.abs(relPath));
    } catch {
      return undefined;
    }
  }
  private lstat(relPath: string) {
    try {
      return lstatSync(this.abs(relPath));
    } catch {
      return undefined;
    }
  }
  private say(text: string): void {
    this.changes.push({ type: 'message', text });
  }
  private fail(msg: string): void {
    this.say(msg);
    this.status = 1;
  }

  /**
   * Whether `name` has a unit file of its own, generators' output left out: the question systemctl's
   * SysV redirect asks, answered as the SysV generator answers it (both are unit_file_exists).
   */
  hasNativeUnit(name: string): boolean {
    return nativeUnitExists(name, SYSV_LOOKUP_PATH.map((d) => this.abs(d)), this.root);
  }

  /** Find `name` (following alias links by name, and instance → template). */
  find(name: string, depth = 0): Found {
    for (const dir of INSTALL_SEARCH_PATH) {
      const rel = join(dir, name);
      const st = this.lstat(rel);
      if (!st) continue;
      if (st.isSymbolicLink()) {
        const target = this.linkTarget(rel)!;
        if (target === '/dev/null') return { kind: 'masked', linkPath: rel, dir };
        const targetName = basename(target);
        if (targetName !== name && depth < 16) {
          const r = this.find(targetName, depth + 1);
          if (r.kind !== 'file') return r;
          // An instance reached through a template alias (u@x → u@ → t@) is the instance t@x.
          const p = parseUnitName(name);
          const q = parseUnitName(r.unitName);
          if (p && q && isInstance(p) && isTemplate(q)) return { ...r, unitName: instantiate(r.unitName, p.instance!), viaAlias: false };
          return { ...r, viaAlias: true };
        }
        const inSearchPath = INSTALL_SEARCH_PATH.includes(dirname(target));
        const tst = this.lstat(target);
        if (!tst) continue;
        if (tst.size === 0 && !tst.isSymbolicLink()) return { kind: 'masked', linkPath: target, dir };
        return { kind: 'file', unitName: name, path: target, dir, viaAlias: false, linked: !inSearchPath, linkDir: dir };
      }
      if (!st.isFile()) continue;
      if (st.size === 0) return { kind: 'masked', linkPath: rel, dir };
      return { kind: 'file', unitName: name, path: rel, dir, viaAlias: false, linked: false };
    }
    const t = templateOf(name);
    if (t) {
      const r = this.find(t, depth + 1);
      if (r.kind === 'file') {
        const q = parseUnitName(r.unitName);
        const inst = parseUnitName(name)!.instance!;
        return { ...r, unitName: q && isTemplate(q) ? instantiate(r.unitName, inst) : name, viaAlias: false };
      }
      return r;
    }
    return { kind: 'missing' };
  }

  /** The unit file and its drop-ins (NAME.d/*.conf over the search path, first directory wins per file name). */
  private installSources(relPath: string, unitName: string): string[] {
    const chosen = new Map<string, string>();
    const names = [...dirNamesFor(unitName)];
    const type = parseUnitName(unitName)?.type;
    if (type) names.push(type);
    for (const dir of INSTALL_SEARCH_PATH) {
      for (const n of names) {
        const d = join(dir, `${n}.d`);
        for (const e of this.readdirOrdered(d)) {
          if (!e.endsWith('.conf') || e.startsWith('.') || chosen.has(e)) continue;
          chosen.set(e, join(d, e));
        }
      }
    }
    const dropins = [...chosen.keys()].sort(cmp).map((k) => chosen.get(k)!);
    return [relPath, ...dropins];
  }

  /**
   * [Install] of a unit file and its drop-ins, with systemd's warnings for keys it does not know
   * there. DefaultInstance= expands against the name asked for; the other values against the name
   * the unit is enabled under (a template's default instance), so `%i` there is that instance.
   */
  private readInstall(relPath: string, unitName: string): InstallSection {
    const sec: InstallSection = { wantedBy: [], requiredBy: [], upheldBy: [], alias: [], also: [] };
    const raw: { key: string; value: string }[] = [];
    for (const src of this.installSources(relPath, unitName)) {
      let text: string;
      try {
        text = readFileSync(this.abs(src), 'utf8');
      } catch {
        continue;
      }
      for (const a of parseUnitText(this.show(src), text).assignments) {
        if (a.section !== 'Install') continue;
        if (a.key.startsWith('X-')) continue;
        if (!INSTALL_KEYS.has(a.key)) {
          this.say(`${a.loc.file}:${a.loc.line}: Unknown key '${a.key}' in section [Install], ignoring.`);
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

  // ---------- is-enabled / list-unit-files ----------

  state(name: string): UnitFileState | undefined {
    const f = this.find(name);
    if (f.kind === 'missing') return undefined;
    if (f.kind === 'masked') return f.dir === RUNTIME ? 'masked-runtime' : 'masked';
    if (isGeneratorDir(f.dir)) return 'generated';
    if (f.dir === TRANSIENT) return 'transient';
    if (f.viaAlias) return 'alias';
    const info = this.readInstall(f.path, f.unitName);
    const p = parseUnitName(f.unitName)!;
    const expected = isTemplate(p) ? (info.defaultInstance ? instantiate(f.unitName, info.defaultInstance) : undefined) : f.unitName;
    let enabled: UnitFileState | undefined;
    let indirect = false;
    for (const [dir, suffix] of [[PERSISTENT, ''], [RUNTIME, '-runtime']] as const) {
      for (const link of this.configLinks(dir)) {
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

  /** Symlinks directly in a config dir and in its *.wants/, *.requires/, *.upholds/ subdirs, in readdir order. */
  private configLinks(dir: string): { path: string; target: string }[] {
    const out: { path: string; target: string }[] = [];
    for (const e of this.readdirOrdered(dir)) {
      const rel = join(dir, e);
      const st = this.lstat(rel);
      if (!st) continue;
      if (st.isSymbolicLink()) {
        out.push({ path: rel, target: this.linkTarget(rel)! });
      } else if (st.isDirectory() && /\.(wants|requires|upholds)$/.test(e)) {
        for (const s of this.readdirOrdered(rel)) {
          const r = join(rel, s);
          if (this.lstat(r)?.isSymbolicLink()) out.push({ path: r, target: this.linkTarget(r)! });
        }
      }
    }
    return out;
  }

  /** Directory entries in the order the filesystem returns them (systemctl walks them so). */
  private readdirOrdered(dir: string): string[] {
    const names: string[] = [];
    let d;
    try {
      d = opendirSync(this.abs(dir));
    } catch {
      return names;
    }
    try {
      for (let e = d.readSync(); e; e = d.readSync()) names.push(e.name);
    } finally {
      d.closeSync();
    }
    return names;
  }

  isEnabled(names: readonly string[], quiet = false): InstallResult {
    this.verb = 'is-enabled';
    let any = false;
    for (const n of names) {
      const s = this.state(n);
      if (!s) {
        this.say(`Failed to get unit file state for ${n}: No such file or directory`);
        continue;
      }
      if (!quiet) this.out.push(s);
      if (ENABLED_ISH.has(s)) any = true;
    }
    this.status = any ? 0 : 1;
    return this.result();
  }

  listUnitFiles(patterns: readonly string[], types?: readonly string[], states?: readonly string[], legend = true): InstallResult {
    this.verb = 'list-unit-files';
    const split = (l?: readonly string[]) => (l ?? []).flatMap((x) => x.split(',')).filter((x) => x !== '');
    const typeList = split(types);
    const stateList = split(states);
    const seen = new Map<string, string>();
    for (const dir of INSTALL_SEARCH_PATH) {
      for (const e of this.readdirOrdered(dir).sort()) {
        if (seen.has(e) || !isValidUnitName(e)) continue;
        const st = this.lstat(join(dir, e));
        if (!st || !(st.isFile() || st.isSymbolicLink())) continue;
        seen.set(e, join(dir, e));
      }
    }
    const presets = readPresets(this.root, (r) => this.show(r));
    for (const w of presets.warnings) this.say(w);
    const rows: [string, string, string][] = [];
    for (const name of seen.keys()) {
      const p = parseUnitName(name)!;
      if (typeList.length > 0 && !typeList.includes(p.type)) continue;
      if (patterns.length > 0 && !patterns.some((g) => fnmatch(g, name, { noescape: true }))) continue;
      const s = this.state(name);
      if (!s) continue;
      if (stateList.length > 0 && !stateList.includes(s)) continue;
      rows.push([name, s, NO_PRESET.has(s) ? '-' : presetFor(presets, name)]);
    }
    const suffix = (n: string) => n.slice(n.lastIndexOf('.')).toLowerCase();
    rows.sort((a, b) => suffix(a[0]).localeCompare(suffix(b[0]), 'en') || cmp(a[0].toLowerCase(), b[0].toLowerCase()));
    const w1 = Math.max('UNIT FILE'.length, ...rows.map((r) => r[0].length));
    const w2 = Math.max('STATE'.length, ...rows.map((r) => r[1].length));
    const line = (a: string, b: string, c: string) => `${a.padEnd(w1)} ${b.padEnd(w2)} ${c}`;
    if (legend) this.out.push(line('UNIT FILE', 'STATE', 'PRESET'));
    for (const r of rows) this.out.push(line(...r));
    if (legend) this.out.push('', `${rows.length} unit files listed.`);
    // systemctl reports "nothing listed" through its exit status.
    if (rows.length === 0) this.status = 1;
    return this.result();
  }

  // ---------- enable / disable ----------

  /**
   * One symlink, as systemctl makes it: an identical link is left alone; one pointing elsewhere is
   * replaced only when forced (wants/requires links always are), and a real file is never replaced.
   */
  private createLink(rel: string, target: string, force = this.force): boolean {
    const st = this.lstat(rel);
    if (st?.isSymbolicLink()) {
      const dest = this.rawLinkTarget(rel)!;
      if (dest === target || this.linkTarget(rel) === target) return true;
      if (!force) {
        this.fail(`Failed to ${this.verb} unit, file "${this.show(rel)}" already exists and is a symlink to "${dest}".`);
        return false;
      }
      unlinkSync(this.abs(rel));
      symlinkSync(target, this.abs(rel));
      this.changes.push({ type: 'unlink', path: this.show(rel) }, { type: 'symlink', path: this.show(rel), source: target });
      return true;
    }
    if (st) {
      this.fail(`Failed to ${this.verb} unit, file "${this.show(rel)}" already exists.`);
      return false;
    }
    mkdirSync(this.abs(dirname(rel)), { recursive: true });
    symlinkSync(target, this.abs(rel));
    this.changes.push({ type: 'symlink', path: this.show(rel), source: target });
    return true;
  }

  /**
   * `enable /path/to/foo.service`: the file (inside the root) is linked into the config dir under its
   * own name first, then enabled like any unit; a file already on the search path needs no link.
   */
  private linkPath(arg: string, dir: string): string | undefined {
    const st = this.lstat(arg);
    const name = basename(arg);
    if (!st || !isValidUnitName(name)) {
      this.fail(`Failed to ${this.verb} unit, unit ${arg} does not exist.`);
      return undefined;
    }
    if (!INSTALL_SEARCH_PATH.includes(dirname(arg))) this.createLink(join(dir, name), arg);
    return name;
  }

  enable(names: readonly string[], runtime = false, verb = 'enable'): InstallResult {
    this.verb = verb;
    const dir = runtime ? RUNTIME : PERSISTENT;
    const visited = new Set<string>();
    let noInstall = false;
    let changed = false;
    const one = (name: string, auxiliary: boolean): boolean => {
      if (visited.has(name)) return true;
      visited.add(name);
      const f = this.find(name);
      if (f.kind === 'missing') {
        if (auxiliary) this.changes.push({ type: 'auxiliary-failed', name });
        else this.fail(`Failed to ${this.verb} unit, unit ${name} does not exist.`);
        return auxiliary;
      }
      if (f.kind === 'masked') {
        if (auxiliary) this.changes.push({ type: 'is-masked', path: this.show(f.linkPath) });
        else this.fail(`Failed to ${this.verb} unit, unit ${this.show(f.linkPath)} is masked.`);
        return auxiliary;
      }
      if (isGeneratorDir(f.dir) || f.dir === TRANSIENT) {
        this.fail(`Failed to ${this.verb} unit, unit ${this.show(f.path)} is transient or generated.`);
        return false;
      }
      const info = this.readInstall(f.path, f.unitName);
      const p = parseUnitName(f.unitName)!;
      let unitName = f.unitName;
      if (isTemplate(p)) {
        if (info.defaultInstance) unitName = instantiate(f.unitName, info.defaultInstance);
        else {
          const plainTarget = [...info.wantedBy, ...info.requiredBy, ...info.upheldBy].find((t) => { const q = parseUnitName(t); return q && !isTemplate(q); });
          if (plainTarget) {
            this.fail(`Failed to ${this.verb} ${f.unitName}, destination unit ${plainTarget} is a non-template unit.`);
            return false;
          }
        }
      }
      if (info.wantedBy.length + info.requiredBy.length + info.upheldBy.length + info.alias.length + info.also.length === 0) noInstall = true;
      for (const a of info.alias) {
        if (a === f.unitName) continue; // the unit's own name needs no link
        const q = parseUnitName(a);
        // An alias has the unit's shape: a template's alias is a template, a plain unit's plain.
        const sameShape = q && q.type === p.type && isInstance(q) === isInstance(p) && isTemplate(q) === isTemplate(p);
        if (!sameShape) {
          this.fail(`Failed to ${this.verb} unit, cannot alias ${unitName} as ${a}.`);
          continue;
        }
        if (this.createLink(join(dir, a), f.path)) changed = true;
      }
      for (const [list, suffix] of [[info.wantedBy, 'wants'], [info.requiredBy, 'requires'], [info.upheldBy, 'upholds']] as const) {
        for (const t of list) {
          if (!isValidUnitName(t)) {
            this.fail(`Failed to ${this.verb} unit, "${t}" is not a valid unit name.`);
            continue;
          }
          if (this.createLink(join(dir, `${t}.${suffix}`, unitName), f.path, true)) {
            changed = true;
            // On the running system svcd's own units/ (multi-user.target, …) come last in the search
            // path (src/unit/search-path.ts): a target only svcd ships exists too.
            const shipped = this.root === '' && existsSync(join(BUILTIN_UNIT_DIR, t));
            if (this.find(t).kind === 'missing' && !shipped) this.changes.push({ type: 'destination-not-present', path: this.show(f.path), target: t });
          }
        }
      }
      for (const a of info.also) one(a, true);
      return true;
    };
    // systemctl looks every named unit up before it writes anything: one it cannot enable leaves all untouched.
    for (const n of names) {
      if (n.includes('/')) {
        if (!this.lstat(n) || !isValidUnitName(basename(n))) return this.failResult(`Failed to ${this.verb} unit, unit ${n} does not exist.`);
        continue;
      }
      const f = this.find(n);
      if (f.kind === 'missing') return this.failResult(`Failed to ${this.verb} unit, unit ${n} does not exist.`);
      if (f.kind === 'masked') return this.failResult(`Failed to ${this.verb} unit, unit ${this.show(f.linkPath)} is masked.`);
      if (isGeneratorDir(f.dir) || f.dir === TRANSIENT) return this.failResult(`Failed to ${this.verb} unit, unit ${this.show(f.path)} is transient or generated.`);
    }
    for (const n of names) {
      let name = n;
      if (n.includes('/')) {
        const linked = this.linkPath(n, dir);
        if (linked === undefined) break;
        changed = true;
        name = linked;
      }
      if (!one(name, false)) break;
    }
    if (noInstall && this.status === 0 && !changed) this.changes.push({ type: 'no-install-config' });
    return this.result();
  }

  disable(names: readonly string[], runtime = false, verb = 'disable'): InstallResult {
    this.verb = verb;
    const dir = runtime ? RUNTIME : PERSISTENT;
    const markedNames = new Set<string>();
    const markedPaths = new Set<string>();
    const visited = new Set<string>();
    const mark = (name: string, top: boolean) => {
      if (visited.has(name)) return;
      visited.add(name);
      const f = this.find(name);
      if (f.kind === 'missing') {
        if (top) this.say(`Failed to ${this.verb} unit, unit ${name} does not exist.`);
        // Links are removed by name too, so a stale link to a vanished file goes as well.
        markedNames.add(name);
        return;
      }
      if (f.kind === 'masked') {
        this.changes.push({ type: 'is-masked', path: this.show(f.linkPath) });
        return;
      }
      // systemctl leaves generated and transient units alone: they are not its to disable.
      if (isGeneratorDir(f.dir) || f.dir === TRANSIENT) return;
      const info = this.readInstall(f.path, f.unitName);
      const p = parseUnitName(f.unitName)!;
      // An instance's links are its own; a plain unit's or a template's are found by their target.
      if (isInstance(p)) markedNames.add(f.unitName);
      else {
        markedNames.add(f.unitName);
        markedPaths.add(f.path);
      }
      for (const a of info.alias) markedNames.add(a);
      for (const a of info.also) mark(a, false);
    };
    for (const n of names) mark(n, true);
    this.removeMatching(dir, (link) => markedNames.has(basename(link.path)) || markedPaths.has(link.target));
    return this.result();
  }

  private removeMatching(dir: string, match: (l: { path: string; target: string }) => boolean): void {
    for (const link of this.configLinks(dir)) {
      if (link.target === '/dev/null' || !match(link)) continue;
      unlinkSync(this.abs(link.path));
      this.changes.push({ type: 'unlink', path: this.show(link.path) });
      const parent = dirname(link.path);
      if (parent !== dir) {
        try {
          rmdirSync(this.abs(parent));
        } catch {
          // not empty: other units are still linked there
        }
      }
    }
  }

  reenable(names: readonly string[], runtime = false): InstallResult {
    this.disable(names, runtime, 'reenable');
    return this.enable(names, runtime, 'reenable');
  }

  mask(names: readonly string[], runtime = false): InstallResult {
    this.verb = 'mask';
    const dir = runtime ? RUNTIME : PERSISTENT;
    for (const n of names) {
      const rel = join(dir, n);
      const st = this.lstat(rel);
      if (st) {
        if (st.isSymbolicLink() && this.linkTarget(rel) === '/dev/null') continue;
        this.fail(`Failed to mask unit, file "${this.show(rel)}" already exists.`);
        continue;
      }
      mkdirSync(this.abs(dir), { recursive: true });
      symlinkSync('/dev/null', this.abs(rel));
      this.changes.push({ type: 'symlink', path: this.show(rel), source: '/dev/null' });
    }
    return this.result();
  }

  unmask(names: readonly string[], runtime = false): InstallResult {
    this.verb = 'unmask';
    const dir = runtime ? RUNTIME : PERSISTENT;
    for (const n of names) {
      const rel = join(dir, n);
      if (this.lstat(rel)?.isSymbolicLink() && this.linkTarget(rel) === '/dev/null') {
        unlinkSync(this.abs(rel));
        this.changes.push({ type: 'unlink', path: this.show(rel) });
      }
    }
    return this.result();
  }

  getDefault(): InstallResult {
    this.verb = 'get-default';
    const f = this.find('default.target');
    if (f.kind !== 'file') {
      this.fail('Failed to get default target: No such file or directory');
    } else {
      this.out.push(basename(f.path));
    }
    return this.result();
  }

  setDefault(name: string): InstallResult {
    this.verb = 'set default';
    if (parseUnitName(name)?.type !== 'target') {
      this.fail('Failed to set default: Invalid argument.');
      return this.result();
    }
    const f = this.find(name);
    if (f.kind !== 'file') {
      this.fail(`Failed to set default unit, unit ${name} does not exist.`);
      return this.result();
    }
    if (this.createLink(join(PERSISTENT, 'default.target'), f.path, true)) {
      // systemctl reads the default back and says so when it is not the name given (an alias, or an override).
      const now = this.find('default.target');
      const shown = now.kind === 'file' ? basename(now.path) : undefined;
      if (shown !== undefined && shown !== name) this.say(`Note: "${shown}" is the default unit (possibly a runtime override).`);
    }
    return this.result();
  }

  private failResult(msg: string): InstallResult {
    this.fail(msg);
    return this.result();
  }

  private result(): InstallResult {
    return { stdout: this.out.length ? `${this.out.join('\n')}\n` : '', changes: [...this.changes], status: this.status };
  }
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** [Install] values expand the install set of specifiers; one that cannot be resolved stays as written. */
export function expandInstallSpecifiers(text: string, unitName: string): string {
  const r = expandSpecifiers(text, { name: unitName }, systemContext(), 'install');
  return r.ok ? r.value : text;
}
