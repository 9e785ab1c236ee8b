/**
 * The [Install] verbs as `systemctl --root=DIR` performs them offline: enable, disable, reenable,
 * mask, unmask, preset, preset-all, link, revert, is-enabled, list-unit-files, get-default, set-default. Like systemd's install.c,
 * this does its own lookup over the installer's search path (it does not use the manager's loader)
 * and acts only on symlinks in the config directories (/etc/systemd/system, or /run with --runtime).
 *
 * The parts it reads through are modules of their own: install-root.ts (the lookup), install-section.ts
 * ([Install] and its specifiers), install-state.ts (is-enabled's state), install-presets.ts (presets);
 * install-run.ts (the record of changes, and making and removing one link), install-link.ts (link,
 * revert); this file is the other verbs, and the links they plan.
 *
 * Every verb returns its output (stdout) and, in order, the changes it made and what it has to say
 * about them (InstallChange, as systemd's install.c reports to systemctl); the CLI words those
 * (src/cli/svcctl/verbs/install-changes.ts). The tests compare the words with systemctl's, byte
 * for byte.
 */
import { existsSync, mkdirSync, symlinkSync, unlinkSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { instantiate, isInstance, isTemplate, isValidUnitName, parseUnitName } from './name.js';
import { INSTALL_SEARCH_PATH, PERSISTENT, RUNTIME, TRANSIENT, type LookupErrno } from './install-root.js';
import { readInstallSection, type InstallSection } from './install-section.js';
import { ENABLED_ISH, unitFileRows, unitFileState, type UnitFileState } from './install-state.js';
import { BUILTIN_UNIT_DIR } from '../shared/package-root.js';
import { strerrorOf } from '../shared/strerror.js';
import { nativeUnitExists, SYSV_LOOKUP_PATH } from './sysv-native-unit.js';
import { isGeneratorDir } from './generators.js';
import type { PresetMode } from './preset-mode.js';
import { InstallRun, type InstallResult } from './install-run.js';
import { linkFiles, revertUnits } from './install-link.js';
import { addDependency, type LinkDependency } from './install-dependency.js';

export type { InstallChange, InstallerOptions, InstallResult } from './install-run.js';
import { queryPreset, readPresets, type PresetPolicy } from './install-presets.js';

/** Why a unit cannot be preset; `fatal` when it stops preset-all too (systemd's errors outside its ignore list). */
interface PresetRefusal {
  readonly text: string;
  readonly fatal: boolean;
}

/** One enable pass: where links go, which units it has been through, and what it found. */
interface ApplyPlan {
  readonly dir: string;
  readonly visited: Set<string>;
  /** A unit with nothing in [Install] was met (enable then explains, if nothing changed). */
  noInstall: boolean;
  /** A unit with something in [Install] was met (D-Bus's carries_install_info for presets). */
  hasInstall: boolean;
  changed: boolean;
  /** preset's: a unit that cannot be enabled as it stands is passed over, not an error. */
  readonly ignoreFailures: boolean;
}
/**
 * A lookup error as preset words it. preset-all carries on past a self-link (ELOOP: systemd takes
 * an /etc link to the same name in the search path for a linked unit file); a dangling alias
 * (ENOLINK) or a link to a directory (EISDIR) stops it, as errors outside systemd's ignore list.
 */
function presetLookupRefusal(verb: string, name: string, error: Exclude<LookupErrno, 'ENOENT'>): PresetRefusal {
  if (error === 'ELOOP') return { text: `Failed to ${verb} unit, refusing to operate on linked unit file ${name}.`, fatal: false };
  return { text: `Failed to ${verb} unit, file "${name}": ${strerrorOf(error)}`, fatal: true };
}

const newPlan = (runtime: boolean, ignoreFailures = false): ApplyPlan => ({ dir: runtime ? RUNTIME : PERSISTENT, visited: new Set(), noInstall: false, hasInstall: false, changed: false, ignoreFailures });

export class Installer extends InstallRun {
  /**
   * Whether `name` has a unit file of its own, generators' output left out: the question systemctl's
   * SysV redirect asks, answered as the SysV generator answers it (both are unit_file_exists).
   */
  hasNativeUnit(name: string): boolean {
    return nativeUnitExists(name, SYSV_LOOKUP_PATH.map((d) => this.fs.abs(d)), this.fs.root);
  }

  // ---------- is-enabled / list-unit-files ----------

  /** UnitFileState= of one unit (systemd's unit_file_get_state), as is-enabled and show read it. */
  state(name: string): UnitFileState | undefined {
    return unitFileState(this.fs, name, (t) => this.say(t));
  }

  /** Why `name`'s unit file cannot be looked up (its state is then `bad`), if it cannot. */
  lookupError(name: string): LookupErrno | undefined {
    return this.fs.lookupError(name);
  }

  private readInstall(relPath: string, unitName: string): InstallSection {
    return readInstallSection(this.fs, relPath, unitName, (t) => this.say(t));
  }

  isEnabled(names: readonly string[], quiet = false): InstallResult {
    this.verb = 'is-enabled';
    let any = false;
    // systemctl prints the errno for a bad file, not the `bad` list-unit-files shows, and stops
    // there. A dangling alias fails earlier, while every name is looked up before any state is
    // asked: its message names no unit, and no state is printed at all.
    if (names.some((n) => this.fs.lookupError(n) === 'ENOLINK')) {
      this.say(`Failed to look up unit file state: ${strerrorOf('ENOLINK')}`);
      this.status = 1;
      return this.result();
    }
    for (const n of names) {
      const error = this.fs.lookupError(n);
      if (error) {
        this.say(`Failed to get unit file state for ${n}: ${strerrorOf(error)}`);
        this.status = 1;
        return this.result();
      }
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
    const rows = unitFileRows(this.fs, { patterns, types: typeList, states: stateList }, (t) => this.say(t));
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

  /**
   * ListUnitFiles' a(ss) for the D-Bus API: each unit file's path where the search path finds its
   * name (an alias's own link, as systemd lists it) and its state.
   */
  unitFiles(patterns: readonly string[], states: readonly string[]): [string, string][] {
    return unitFileRows(this.fs, { patterns, types: [], states }, (t) => this.say(t)).map(([name, state]) => {
      const rel = INSTALL_SEARCH_PATH.map((d) => join(d, name)).find((r) => this.fs.lstat(r) !== undefined) ?? name;
      return [this.fs.show(rel), state];
    });
  }

  // ---------- enable / disable ----------

  /**
   * `enable /path/to/foo.service`: the file (inside the root) is linked into the config dir under its
   * own name first, then enabled like any unit; a file already on the search path needs no link.
   */
  linkPath(arg: string, dir: string): string | undefined {
    const st = this.fs.lstat(arg);
    const name = basename(arg);
    if (!st || !isValidUnitName(name)) {
      this.fail(`Failed to ${this.verb} unit, unit ${arg} does not exist.`);
      return undefined;
    }
    if (!INSTALL_SEARCH_PATH.includes(dirname(arg))) this.createLink(join(dir, name), arg);
    return name;
  }

  /**
   * Makes the links one unit's [Install] asks for, then its Also= units' (systemd's
   * install_context_apply for one unit). An auxiliary unit (Also=, or every unit a preset enables)
   * that is missing or masked is reported and skipped; a named one fails the verb.
   */
  private applyInstall(name: string, auxiliary: boolean, plan: ApplyPlan): boolean {
    if (plan.visited.has(name)) return true;
    plan.visited.add(name);
    const f = this.fs.find(name);
    if (f.kind === 'missing') {
      if (auxiliary) this.changes.push({ type: 'auxiliary-failed', name });
      else this.fail(`Failed to ${this.verb} unit, unit ${name} does not exist.`);
      return auxiliary;
    }
    if (f.kind === 'masked') {
      if (auxiliary) this.changes.push({ type: 'is-masked', path: this.fs.show(f.linkPath) });
      else this.fail(`Failed to ${this.verb} unit, unit ${this.fs.show(f.linkPath)} is masked.`);
      return auxiliary;
    }
    // (Auxiliary units are not asked: systemd links a generated Also= or preset unit like any other.)
    if (!auxiliary && (isGeneratorDir(f.dir) || f.dir === TRANSIENT)) {
      this.fail(`Failed to ${this.verb} unit, unit ${this.fs.show(f.path)} is transient or generated.`);
      return false;
    }
    const info = this.readInstall(f.path, f.unitName);
    const p = parseUnitName(f.unitName)!;
    let unitName = f.unitName;
    if (isTemplate(p)) {
      if (info.defaultInstance) unitName = instantiate(f.unitName, info.defaultInstance);
      else {
        const plainTarget = [...info.wantedBy, ...info.requiredBy, ...info.upheldBy].find((t) => { const q = parseUnitName(t); return q && !isTemplate(q); });
        // A preset passes over such a template quietly (systemd's UNIT_FILE_IGNORE_AUXILIARY_FAILURE).
        if (plainTarget && plan.ignoreFailures) return true;
        if (plainTarget) {
          this.fail(`Failed to ${this.verb} ${f.unitName}, destination unit ${plainTarget} is a non-template unit.`);
          return false;
        }
      }
    }
    if (info.wantedBy.length + info.requiredBy.length + info.upheldBy.length + info.alias.length + info.also.length === 0) plan.noInstall = true;
    else plan.hasInstall = true;
    for (const a of info.alias) {
      if (a === f.unitName) continue; // the unit's own name needs no link
      const q = parseUnitName(a);
      // An alias has the unit's shape: a template's alias is a template, a plain unit's plain.
      const sameShape = q && q.type === p.type && isInstance(q) === isInstance(p) && isTemplate(q) === isTemplate(p);
      if (!sameShape) {
        this.fail(`Failed to ${this.verb} unit, cannot alias ${unitName} as ${a}.`);
        continue;
      }
      if (this.createLink(join(plan.dir, a), f.path)) plan.changed = true;
    }
    for (const [list, suffix] of [[info.wantedBy, 'wants'], [info.requiredBy, 'requires'], [info.upheldBy, 'upholds']] as const) {
      for (const t of list) {
        if (!isValidUnitName(t)) {
          this.fail(`Failed to ${this.verb} unit, "${t}" is not a valid unit name.`);
          continue;
        }
        if (this.createLink(join(plan.dir, `${t}.${suffix}`, unitName), f.path, true)) {
          plan.changed = true;
          // On the running system svcd's own units/ (multi-user.target, …) come last in the search
          // path (src/unit/search-path.ts): a target only svcd ships exists too.
          const shipped = this.fs.root === '' && existsSync(join(BUILTIN_UNIT_DIR, t));
          if (this.fs.find(t).kind === 'missing' && !shipped) this.changes.push({ type: 'destination-not-present', path: this.fs.show(f.path), target: t });
        }
      }
    }
    for (const a of info.also) this.applyInstall(a, true, plan);
    return true;
  }

  enable(names: readonly string[], runtime = false, verb = 'enable'): InstallResult {
    this.verb = verb;
    const plan = newPlan(runtime);
    // systemctl looks every named unit up before it writes anything: one it cannot enable leaves all untouched.
    for (const n of names) {
      if (n.includes('/')) {
        if (!this.fs.lstat(n) || !isValidUnitName(basename(n))) return this.failResult(`Failed to ${this.verb} unit, unit ${n} does not exist.`);
        continue;
      }
      const refusal = this.refusal(n);
      if (refusal !== undefined) return this.failResult(refusal);
    }
    for (const n of names) {
      let name = n;
      if (n.includes('/')) {
        const linked = this.linkPath(n, plan.dir);
        if (linked === undefined) break;
        plan.changed = true;
        name = linked;
      }
      if (!this.applyInstall(name, false, plan)) break;
    }
    if (plan.noInstall && this.status === 0 && !plan.changed) this.changes.push({ type: 'no-install-config' });
    return this.result();
  }

  /** Why a named unit cannot be enabled (missing, masked, generated or transient), in systemctl's words. */
  refusal(name: string): string | undefined {
    const f = this.fs.find(name);
    if (f.kind === 'missing') return `Failed to ${this.verb} unit, unit ${name} does not exist.`;
    if (f.kind === 'masked') return `Failed to ${this.verb} unit, unit ${this.fs.show(f.linkPath)} is masked.`;
    if (isGeneratorDir(f.dir) || f.dir === TRANSIENT) return `Failed to ${this.verb} unit, unit ${this.fs.show(f.path)} is transient or generated.`;
    return undefined;
  }

  /**
   * Removes, from the config dir, every link to the units named and their Also= units (systemd's
   * install_context_mark_for_removal, then remove_marked_symlinks).
   */
  private removeInstall(names: readonly string[], dir: string): void {
    const markedNames = new Set<string>();
    const markedPaths = new Set<string>();
    const visited = new Set<string>();
    const mark = (name: string, top: boolean) => {
      if (visited.has(name)) return;
      visited.add(name);
      const f = this.fs.find(name);
      if (f.kind === 'missing') {
        if (top) this.say(`Failed to ${this.verb} unit, unit ${name} does not exist.`);
        // Links are removed by name too, so a stale link to a vanished file goes as well.
        markedNames.add(name);
        return;
      }
      if (f.kind === 'masked') {
        this.changes.push({ type: 'is-masked', path: this.fs.show(f.linkPath) });
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
  }

  disable(names: readonly string[], runtime = false, verb = 'disable'): InstallResult {
    this.verb = verb;
    this.removeInstall(names, runtime ? RUNTIME : PERSISTENT);
    return this.result();
  }

  // ---------- preset / preset-all ----------

  /**
   * systemd's preset_prepare_one: sorts one unit into the units to enable (`plus`, the instances a
   * template rule names in its place) or to disable (`minus`). Returns the error that stops a
   * preset, in systemctl's words (`fatal`: preset-all too); the unit stays in `plus` even then, as in systemd.
   */
  private presetPrepare(name: string, policy: PresetPolicy, plus: Set<string>, minus: Set<string>): PresetRefusal | undefined {
    if (plus.has(name) || minus.has(name)) return undefined;
    // A name that cannot be looked up is refused before any preset is asked, whatever it says
    // and whatever --preset-mode allows (systemd's install_info_discover failing first).
    const error = this.fs.lookupError(name);
    if (error !== undefined && error !== 'ENOENT') return presetLookupRefusal(this.verb, name, error);
    const f = this.fs.find(name);
    // (A dangling link out of the search path is ENOENT, as a missing unit: see lookupError.)
    if (f.kind === 'missing') return { text: `Failed to ${this.verb} unit, unit ${name} does not exist.`, fatal: false };
    // An alias is preset as the unit it names, when that comes up.
    if (f.kind === 'file' && f.unitName !== name) return undefined;
    const q = queryPreset(policy, name, true);
    if (q.action === 'disable') {
      minus.add(name);
      return undefined;
    }
    for (const n of q.instances ?? [name]) {
      plus.add(n);
      // Kept in plus even when refused: preset-all carries on past the refusal and, like systemd,
      // then links a generated unit anyway.
      const refusal = this.refusal(n);
      if (refusal !== undefined) return { text: refusal, fatal: false };
    }
    return undefined;
  }

  /** The preset files, their unparsable lines reported first, as systemctl logs them while reading. */
  private readPolicy(): PresetPolicy {
    const policy = readPresets(this.fs.root, (r) => this.fs.show(r));
    for (const w of policy.warnings) this.say(w);
    return policy;
  }

  /** systemd's execute_preset: the disabling first, then the enabling, as --preset-mode allows. */
  private presetExecute(plus: ReadonlySet<string>, minus: ReadonlySet<string>, runtime: boolean, mode: PresetMode): boolean {
    const plan = newPlan(runtime, true);
    if (mode !== 'enable-only') this.removeInstall([...minus], plan.dir);
    // Every unit a preset enables is taken as an auxiliary one: masked or missing is skipped.
    if (mode !== 'disable-only') for (const n of plus) this.applyInstall(n, true, plan);
    return plan.hasInstall;
  }

  /** `preset UNIT…`: each unit enabled or disabled as the preset files say. */
  preset(names: readonly string[], runtime = false, mode: PresetMode = 'full'): InstallResult & { readonly carriesInstallInfo: boolean } {
    this.verb = 'preset';
    const policy = this.readPolicy();
    const plus = new Set<string>();
    const minus = new Set<string>();
    for (const n of names) {
      const refusal = this.presetPrepare(n, policy, plus, minus);
      if (refusal !== undefined) return { ...this.failResult(refusal.text), carriesInstallInfo: false };
    }
    const carries = this.presetExecute(plus, minus, runtime, mode);
    return { ...this.result(), carriesInstallInfo: carries };
  }

  /**
   * `preset-all`: every unit file on the search path, in directory order, as systemd walks them; a
   * unit it cannot preset (masked, generated, missing) is reported and passed over.
   */
  presetAll(runtime = false, mode: PresetMode = 'full'): InstallResult {
    this.verb = 'preset';
    const policy = this.readPolicy();
    const plus = new Set<string>();
    const minus = new Set<string>();
    for (const dir of INSTALL_SEARCH_PATH) {
      for (const n of this.fs.readdirOrdered(dir)) {
        const st = this.fs.lstat(join(dir, n));
        if (!isValidUnitName(n) || !st || !(st.isFile() || st.isSymbolicLink())) continue;
        const refusal = this.presetPrepare(n, policy, plus, minus);
        if (refusal?.fatal) return this.failResult(refusal.text);
        if (refusal !== undefined) this.changes.push({ type: 'message', text: refusal.text, failure: true });
      }
    }
    this.presetExecute(plus, minus, runtime, mode);
    return this.result();
  }

  // ---------- link / revert (install-link.ts) ----------

  link(paths: readonly string[], runtime = false): InstallResult {
    this.verb = 'link';
    return linkFiles(this, paths, runtime);
  }

  revert(names: readonly string[]): InstallResult {
    this.verb = 'revert';
    return revertUnits(this, names);
  }

  /** add-wants / add-requires (install-dependency.ts). */
  addDependency(target: string, units: readonly string[], dep: LinkDependency, runtime = false): InstallResult {
    this.verb = 'add dependency on';
    return addDependency(this, target, units, dep, runtime);
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
      const st = this.fs.lstat(rel);
      if (st) {
        if (st.isSymbolicLink() && this.fs.linkTarget(rel) === '/dev/null') continue;
        this.fail(`Failed to mask unit, file "${this.fs.show(rel)}" already exists.`);
        continue;
      }
      mkdirSync(this.fs.abs(dir), { recursive: true });
      symlinkSync('/dev/null', this.fs.abs(rel));
      this.changes.push({ type: 'symlink', path: this.fs.show(rel), source: '/dev/null' });
    }
    return this.result();
  }

  unmask(names: readonly string[], runtime = false): InstallResult {
    this.verb = 'unmask';
    const dir = runtime ? RUNTIME : PERSISTENT;
    for (const n of names) {
      const rel = join(dir, n);
      if (this.fs.lstat(rel)?.isSymbolicLink() && this.fs.linkTarget(rel) === '/dev/null') {
        unlinkSync(this.fs.abs(rel));
        this.changes.push({ type: 'unlink', path: this.fs.show(rel) });
      }
    }
    return this.result();
  }

  getDefault(): InstallResult {
    this.verb = 'get-default';
    const f = this.fs.find('default.target');
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
    const f = this.fs.find(name);
    if (f.kind !== 'file') {
      this.fail(`Failed to set default unit, unit ${name} does not exist.`);
      return this.result();
    }
    if (this.createLink(join(PERSISTENT, 'default.target'), f.path, true)) {
      // systemctl reads the default back and says so when it is not the name given (an alias, or an override).
      const now = this.fs.find('default.target');
      const shown = now.kind === 'file' ? basename(now.path) : undefined;
      if (shown !== undefined && shown !== name) this.say(`Note: "${shown}" is the default unit (possibly a runtime override).`);
    }
    return this.result();
  }
}
