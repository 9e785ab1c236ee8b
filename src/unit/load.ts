/**
 * UnitSource → Unit: applies every assignment through the directive table, then the checks
 * systemd makes when it loads a unit (service_verify and friends). Never throws: a bad value is
 * a warning and the default stays; a fatal problem gives LoadState=bad-setting (or error), and
 * the unit is still returned so the caller can report it and load everything else.
 */
import type { Diagnostic, Severity } from '../shared/diagnostic.js';
import { parseUnitName, type UnitType } from './name.js';
import { loadUnitSource, type UnitSource } from './source.js';
import type { UnitFileMap } from './unit-file-map.js';
import type { ExecContext, KillContext, LoadState, ServiceSection, Unit } from './model.js';
import { newDraft, type Draft } from './directives/draft.js';
import { findDirective, TYPE_SECTIONS } from './directives/table.js';

const EXEC_TYPES = new Set<UnitType>(['service', 'socket', 'mount', 'swap']);

/** The sections a unit of this type may have; others draw "Unknown section". */
export function knownSections(type: UnitType): ReadonlySet<string> {
  const s = new Set(['Unit', 'Install']);
  const t = TYPE_SECTIONS[type];
  if (t) s.add(t);
  return s;
}

/** `allowTemplate`: load a template's own file (verify does; the manager only loads instances). */
export function loadUnit(map: UnitFileMap, name: string, allowTemplate = false): Unit {
  const type = parseUnitName(name)?.type ?? 'service';
  return buildUnit(loadUnitSource(map, name, { knownSections: knownSections(type) }, allowTemplate));
}

export function buildUnit(src: UnitSource): Unit {
  const type: UnitType = parseUnitName(src.id)?.type ?? 'service';
  const diagnostics: Diagnostic[] = [];
  const draft = newDraft();
  let loadState: LoadState = src.masked ? 'masked' : src.fragmentPath ? 'loaded' : 'not-found';

  for (const file of src.files) {
    diagnostics.push(...file.diagnostics);
    if (file.fatal) loadState = 'error';
    for (const a of file.assignments) {
      if (a.section.startsWith('X-') || a.key.startsWith('X-')) {
        draft.extensions.push({ section: a.section, key: a.key, value: a.value });
        continue;
      }
      const row = findDirective(a.section, a.key);
      if (!row) {
        diagnostics.push({ severity: 'warning', loc: a.loc, message: `Unknown key '${a.key}' in section [${a.section}], ignoring.` });
        continue;
      }
      row.apply(a.value, {
        draft,
        loc: a.loc,
        section: a.section,
        key: a.key,
        report: (severity: Severity, message: string) => diagnostics.push({ severity, loc: a.loc, message }),
      });
    }
  }

  if (loadState === 'loaded') {
    if (draft.badSetting) {
      diagnostics.push({ severity: 'error', unit: src.id, message: 'Unit configuration has fatal error, unit will not be started.' });
      loadState = 'bad-setting';
    } else if (type === 'service') {
      const problem = verifyService(draft);
      if (problem) {
        diagnostics.push({ severity: 'error', unit: src.id, message: problem });
        loadState = 'bad-setting';
      }
    }
  }

  const hasExec = EXEC_TYPES.has(type);
  const unit: Unit = {
    id: src.id,
    type,
    names: src.names,
    loadState,
    fragmentPath: src.fragmentPath,
    dropinPaths: src.dropinPaths,
    unit: draft.unit,
    install: draft.install,
    exec: hasExec ? (draft.exec as ExecContext) : undefined,
    kill: hasExec ? (draft.kill as KillContext) : undefined,
    service: type === 'service' ? serviceSection(draft) : undefined,
    wantsDir: src.wants,
    requiresDir: src.requires,
    upholdsDir: src.upholds,
    ignored: draft.ignored,
    extensions: draft.extensions,
    diagnostics,
  };
  return deepFreeze(unit);
}

/** The service type when Type= is not set: simple with an ExecStart=, oneshot without (252). */
function effectiveType(d: Draft): string {
  return d.service.type ?? (d.service.execStart.length > 0 ? 'simple' : 'oneshot');
}

function serviceSection(d: Draft): ServiceSection {
  return { ...d.service, type: effectiveType(d) };
}

/** systemd's service_verify(): settings that make a service unloadable, with its words. */
function verifyService(d: Draft): string | undefined {
  const s = d.service;
  const type = effectiveType(d);
  if (s.execStart.length === 0 && s.execStop.length === 0 && d.unit.successAction === 'none') {
    return 'Service has no ExecStart=, ExecStop=, or SuccessAction=. Refusing.';
  }
  if (type !== 'oneshot' && s.execStart.length === 0) {
    return 'Service has no ExecStart= setting, which is only allowed for Type=oneshot services. Refusing.';
  }
  if (!s.remainAfterExit && s.execStart.length === 0 && type === 'oneshot' && s.execStop.length > 0) {
    return 'Service has no ExecStart= and no RemainAfterExit=yes, but has ExecStop=. Refusing.';
  }
  if (type !== 'oneshot' && s.execStart.length > 1) {
    return 'Service has more than one ExecStart= setting, which is only allowed for Type=oneshot services. Refusing.';
  }
  if (type === 'oneshot' && (s.restart === 'always' || s.restart === 'on-success')) {
    return "Service has Restart= set to either always or on-success, which isn't allowed for Type=oneshot services. Refusing.";
  }
  if (type === 'dbus' && !s.busName) {
    return 'Service is of type D-Bus but no D-Bus service name has been specified. Refusing.';
  }
  return undefined;
}

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object' && !Object.isFrozen(o)) {
    Object.freeze(o);
    for (const v of Object.values(o as Record<string, unknown>)) deepFreeze(v);
  }
  return o;
}
