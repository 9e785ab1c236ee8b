/**
 * The directive table's [Unit] and [Install] rows (systemd.unit(5)): description, dependencies,
 * conditions and asserts, job and start-limit settings, and the [Install] keys kept for `show`.
 * These are the settings every unit type has, so they are one part of the table.
 */
import { isValidUnitName, rejectValue, scalar, list, custom, QUOTED, NAME_QUOTED, resolveSpecifiers, printf, str, absolutePath, parseJobMode, exitCode, RowList, type DirectiveRow } from './behaviour.js';
import { parseBoolean, parseEmergencyAction, parseSec, parseCollectMode, parseUnsignedNumber, pathIsAbsolute } from '../values/index.js';
import type { DependencyKind } from '../model.js';
import { CATALOG } from './catalog.generated.js';
import type { Draft } from './draft.js';

const table = new RowList();
const { supported } = table;

// ---- [Unit] (systemd.unit(5)) ----
supported('Unit', 'Description', printf(QUOTED, scalar(str, (d, v) => (d.unit.description = v))));
/** systemd takes http(s):, file:/, info: and man: documentation URLs, each with something after the scheme. */
const documentationUrl = (u: string): boolean => /^(https?:\/\/|file:\/|info:|man:)./.test(u) && /^[\x20-\x7e]+$/.test(u);
supported('Unit', 'Documentation', list((d) => d.unit.documentation, documentationUrl, 'documentation URLs', QUOTED));
supported('Unit', 'SourcePath', scalar(absolutePath, (d, v) => (d.unit.sourcePath = v)));
const DEP_KEYS: Record<string, DependencyKind> = {
  Requires: 'Requires', Requisite: 'Requisite', Wants: 'Wants', BindsTo: 'BindsTo', BindTo: 'BindsTo', PartOf: 'PartOf',
  Upholds: 'Upholds', Conflicts: 'Conflicts', Before: 'Before', After: 'After', OnFailure: 'OnFailure', OnSuccess: 'OnSuccess',
  PropagatesReloadTo: 'PropagatesReloadTo', PropagateReloadTo: 'PropagatesReloadTo', ReloadPropagatedFrom: 'ReloadPropagatedFrom',
  PropagateReloadFrom: 'ReloadPropagatedFrom', PropagatesStopTo: 'PropagatesStopTo', StopPropagatedFrom: 'StopPropagatedFrom',
  JoinsNamespaceOf: 'JoinsNamespaceOf',
  // Obsolete spellings systemd still honours, after saying so (notices.ts).
  RequiresOverridable: 'Requires', RequisiteOverridable: 'Requisite',
};
// systemd drops a dependency of a unit on itself; for these kinds it says so (the others are silent).
const WARN_ON_SELF = new Set<DependencyKind>(['After', 'Before', 'Conflicts', 'OnFailure', 'OnSuccess']);
for (const [key, kind] of Object.entries(DEP_KEYS)) {
  // Split as systemd's config_parse_unit_deps does (EXTRACT_RETAIN_ESCAPE): quotes and backslashes
  // stay in the word, so `Wants="a\nb.service"` names no unit with a newline in it (it is refused,
  // quotes and all) and a warning never carries a line break of the file's making.
  const b = list((d) => d.unit.dependencies[kind], isValidUnitName, 'unit names', NAME_QUOTED, { retainEscape: true });
  supported('Unit', key, custom(b.parser, b.mode, b.empty, (value, ctx) => {
    const deps = ctx.draft.unit.dependencies[kind];
    const before = deps.length;
    b.apply(value, ctx);
    const self = deps.indexOf(ctx.unitId, before);
    if (self < 0) return;
    deps.splice(self, 1);
    if (WARN_ON_SELF.has(kind)) ctx.report('warning', `Dependency ${kind}=${ctx.unitId} is dropped.`, 'unit');
  }));
}
supported('Unit', 'RequiresMountsFor', list((d) => d.unit.requiresMountsFor, pathIsAbsolute, 'absolute paths', QUOTED));
const unitBool = (key: string, set: (d: Draft, v: boolean) => void, dflt: boolean) =>
  supported('Unit', key, scalar(parseBoolean, (d, v) => set(d, v ?? dflt)));
unitBool('DefaultDependencies', (d, v) => (d.unit.defaultDependencies = v), true);
unitBool('StopWhenUnneeded', (d, v) => (d.unit.stopWhenUnneeded = v), false);
unitBool('RefuseManualStart', (d, v) => (d.unit.refuseManualStart = v), false);
unitBool('RefuseManualStop', (d, v) => (d.unit.refuseManualStop = v), false);
unitBool('AllowIsolate', (d, v) => (d.unit.allowIsolate = v), false);
unitBool('IgnoreOnIsolate', (d, v) => (d.unit.ignoreOnIsolate = v), false);
supported('Unit', 'OnFailureJobMode', scalar(parseJobMode, (d, v) => (d.unit.onFailureJobMode = v ?? 'replace')));
supported('Unit', 'OnSuccessJobMode', scalar(parseJobMode, (d, v) => (d.unit.onSuccessJobMode = v ?? 'fail')));
supported('Unit', 'JobTimeoutSec', scalar(parseSec, (d, v) => (d.unit.jobTimeoutUSec = v ?? d.unit.jobTimeoutUSec)));
supported('Unit', 'JobRunningTimeoutSec', scalar(parseSec, (d, v) => (d.unit.jobRunningTimeoutUSec = v ?? d.unit.jobRunningTimeoutUSec)));
supported('Unit', 'JobTimeoutAction', scalar(parseEmergencyAction, (d, v) => (d.unit.jobTimeoutAction = v ?? 'none')));
supported('Unit', 'StartLimitIntervalSec', scalar(parseSec, (d, v) => (d.unit.startLimitIntervalUSec = v)));
supported('Service', 'StartLimitInterval', scalar(parseSec, (d, v) => (d.unit.startLimitIntervalUSec = v)));
supported(['Unit', 'Service'], 'StartLimitBurst', scalar(parseUnsignedNumber, (d, v) => (d.unit.startLimitBurst = v), false));
supported(['Unit', 'Service'], 'StartLimitAction', scalar(parseEmergencyAction, (d, v) => (d.unit.startLimitAction = v ?? 'none')));
supported('Unit', 'SuccessAction', scalar(parseEmergencyAction, (d, v) => (d.unit.successAction = v ?? 'none')));
supported('Unit', 'FailureAction', scalar(parseEmergencyAction, (d, v) => (d.unit.failureAction = v ?? 'none')));
supported('Unit', 'SuccessActionExitStatus', scalar(exitCode, (d, v) => (d.unit.successActionExitStatus = v)));
supported('Unit', 'FailureActionExitStatus', scalar(exitCode, (d, v) => (d.unit.failureActionExitStatus = v)));
supported('Unit', 'CollectMode', scalar(parseCollectMode, (d, v) => (d.unit.collectMode = v ?? 'inactive')));

// Conditions and asserts: "|" triggers and "!" negation, as systemd.unit(5) describes.
const PATH_CONDITIONS = new Set(['PathExists', 'PathExistsGlob', 'PathIsDirectory', 'PathIsSymbolicLink', 'PathIsMountPoint',
  'PathIsReadWrite', 'PathIsEncrypted', 'DirectoryNotEmpty', 'FileNotEmpty', 'FileIsExecutable', 'NeedsUpdate']);
for (const [section, key, hint] of CATALOG) {
  if (section !== 'Unit' || hint !== 'CONDITION') continue;
  const isAssert = key.startsWith('Assert');
  const name = key.replace(/^(Condition|Assert)/, '');
  supported('Unit', key, custom(PATH_CONDITIONS.has(name) ? "'|', '!' prefixes, absolute path" : "'|', '!' prefixes", 'append', 'clears', (value, ctx) => {
    const list = isAssert ? ctx.draft.unit.asserts : ctx.draft.unit.conditions;
    if (value === '') {
      // The empty assignment resets every condition (or assert) of this unit.
      list.splice(0);
      return;
    }
    let p = value;
    const trigger = p.startsWith('|');
    if (trigger) p = p.slice(1).trimStart();
    const negate = p.startsWith('!');
    if (negate) p = p.slice(1).trimStart();
    const parameter = resolveSpecifiers(ctx, p, { style: PATH_CONDITIONS.has(name) ? 'bare' : 'quoted' });
    if (parameter === undefined) return;
    if (PATH_CONDITIONS.has(name) && !pathIsAbsolute(parameter)) return rejectValue(ctx, value, parameter);
    list.push({ kind: key, trigger, negate, parameter, loc: ctx.loc });
  }));
}

// ---- [Install] (read by enable/disable; kept on the unit for `show`) ----
supported('Install', 'WantedBy', list((d) => d.install.wantedBy));
supported('Install', 'RequiredBy', list((d) => d.install.requiredBy));
supported('Install', 'Alias', list((d) => d.install.alias));
supported('Install', 'Also', list((d) => d.install.also));
supported('Install', 'DefaultInstance', scalar(str, (d, v) => (d.install.defaultInstance = v)));

export const UNIT_ROWS: readonly DirectiveRow[] = table.rows;
