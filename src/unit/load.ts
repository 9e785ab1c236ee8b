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
import { listenAllAccepting, type ExecContext, type KillContext, type LoadState, type ServiceSection, type Unit, type UnitBase } from './model.js';
import { unitNameFromPath } from './escape.js';
import { resolveSpecifiers, systemContext } from './specifiers.js';
import type { Result } from '../shared/result.js';
import { newDraft, type Draft } from './directives/draft.js';
import { builtinDescription, loadsWithoutFragment, perpetualUnit } from './perpetual.js';
import { findDirective, TYPE_SECTIONS } from './directives/table.js';
import { patchDynamicUser } from './dynamic-user.js';
import { keyNotices } from './directives/notices.js';
import { freezeModel } from './frozen-model.js';
import { USEC_INFINITY } from '../shared/timespan.js';
import { parseSec } from './values/index.js';
import { sliceNameIsValid } from '../shared/slice.js';
import { strerrorOf } from '../shared/strerror.js';

/** strerror(EINVAL), systemd's reason for a slice with no place in the hierarchy. */
const EINVAL_TEXT = strerrorOf('EINVAL');

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
  const unitContext = { name: src.id, fragmentPath: src.fragmentPath };
  // Deprecated specifiers (%c, %r, %R) are reported once per unit, after its own messages, as systemd does.
  const deprecated = new Set<string>();
  const expand = (text: string, flavour: 'unit' | 'name'): Result<string, string> => {
    const r = resolveSpecifiers(text, unitContext, systemContext(), flavour);
    if (!r.ok) return { ok: false, error: r.error.reason };
    for (const w of r.value.warnings) deprecated.add(w);
    return { ok: true, value: r.value.value };
  };
  // Scopes exist only when created at runtime (systemd.scope(5)); a scope file is never read. The
  // perpetual units and slices load without a file, with what systemd gives them (perpetual.ts).
  const withoutFile = loadsWithoutFragment(src.id, type);
  let loadState: LoadState = src.masked ? 'masked' : (src.fragmentPath && type !== 'scope') || withoutFile ? 'loaded' : 'not-found';
  if (perpetualUnit(src.id)) draft.unit.defaultDependencies = false;
  // Slices are never stopped by an isolate (their units would go with them), perpetual units never stop.
  if (type === 'slice' || perpetualUnit(src.id)) draft.unit.ignoreOnIsolate = true;

  let loadError: string | undefined;
  for (const file of loadState === 'not-found' ? [] : src.files) {
    // A syntax error fatal in the fragment fails the unit; in a drop-in it only ends that file
    // (load-dropin.c ignores config_parse()'s result). A file that cannot be read (no fatalError) fails it.
    if (file.fatal && (file.path === src.fragmentPath || file.fatalError === undefined)) {
      loadState = 'error';
      loadError ??= file.fatalError;
    }
    // The file's messages in line order, syntax and values interleaved, as systemd reads it.
    const said: { line: number; d: Diagnostic }[] = file.diagnostics.map((d) => ({ line: d.loc?.line ?? 0, d }));
    const say = (line: number, d: Diagnostic) => said.push({ line, d });
    let stopAt = Infinity;
    for (const a of file.assignments) {
      const line = a.loc.line;
      if (a.section.startsWith('X-') || a.key.startsWith('X-')) {
        draft.extensions.push({ section: a.section, key: a.key, value: a.value });
        continue;
      }
      if (a.key === '') {
        say(line, { severity: 'warning', loc: a.loc, message: "Missing key name before '=', ignoring line." });
        continue;
      }
      const row = findDirective(a.section, a.key);
      if (!row) {
        say(line, { severity: 'warning', loc: a.loc, message: `Unknown key '${a.key}' in section [${a.section}], ignoring.` });
        continue;
      }
      // Said whatever the value (a deprecation, a key this unit type does not take), as systemd does first.
      const notices = keyNotices(a.section, a.key);
      for (const n of notices) say(line, { severity: 'warning', loc: a.loc, message: n.message });
      if (notices.some((n) => n.ignoresValue)) continue;
      row.apply(a.value, {
        draft,
        loc: a.loc,
        section: a.section,
        key: a.key,
        unitId: src.id,
        expand,
        report: (severity: Severity, message: string, prefix = 'line') =>
          say(line, prefix === 'unit' ? { severity, unit: src.id, message } : prefix === 'plain' ? { severity, message } : { severity, loc: a.loc, message }),
      });
      // A fatal value ends the parse there: systemd reads no further line, nor any drop-in.
      if (draft.badSetting) {
        stopAt = line;
        break;
      }
    }
    diagnostics.push(...said.filter((e) => e.line <= stopAt).sort((x, y) => x.line - y.line).map((e) => e.d));
    if (draft.badSetting) break;
  }

  for (const message of deprecated) diagnostics.push({ severity: 'warning', message });
  // A slice with no place in the hierarchy has no parent to be filed in: systemd's slice_load()
  // fails it (EINVAL) after reading its files, and nothing can start in it. It says so only at
  // debug level: what users see is the refusal to start (unit/load-problem.ts).
  if (type === 'slice' && loadState === 'loaded' && !sliceNameIsValid(src.id)) {
    loadState = 'error';
    loadError = EINVAL_TEXT;
  }
  if (loadState === 'loaded') draft.unit.description ??= builtinDescription(src.id, type);
  const builtin = perpetualUnit(src.id);
  if (loadState === 'loaded' && builtin && draft.unit.documentation.length === 0) draft.unit.documentation.push(...builtin.documentation);
  if (loadState === 'loaded') patchDynamicUser(draft, src.id);

  // A unit loaded without a file (perpetual.ts) is what systemd makes it: nothing to check.
  if (loadState === 'loaded' && src.fragmentPath !== undefined) {
    const problem = draft.badSetting ? 'Unit configuration has fatal error, unit will not be started.' : verifyType(type, src.id, draft);
    if (problem) {
      diagnostics.push({ severity: 'error', unit: src.id, message: problem });
      loadState = 'bad-setting';
    } else if (type === 'service') {
      for (const message of serviceWarnings(draft)) diagnostics.push({ severity: 'warning', unit: src.id, message });
    }
  }

  const base: UnitBase = {
    id: src.id,
    names: src.names,
    loadState,
    ...(loadState === 'error' && loadError !== undefined ? { loadError } : {}),
    fragmentPath: src.fragmentPath,
    dropinPaths: src.dropinPaths,
    unit: draft.unit,
    install: draft.install,
    wantsDir: src.wants,
    requiresDir: src.requires,
    upholdsDir: src.upholds,
    resources: draft.resources,
    ignored: draft.ignored,
    extensions: draft.extensions,
    diagnostics,
  };
  return freezeModel(typed(type, base, draft));
}

/**
 * The discriminated union: each type gets its own sections, and only those. They are added to
 * `base` itself rather than spread into a copy: a copy made by spreading at a site that sees every
 * unit type got a hidden class of its own in V8, per unit (a map and its descriptors, some 500
 * bytes each), where added fields follow one shared chain of shapes per type.
 */
function typed(type: UnitType, base: UnitBase, d: Draft): Unit {
  const exec = d.exec as ExecContext;
  const kill = d.kill as KillContext;
  switch (type) {
    case 'service': return Object.assign(base, { type, exec, kill, service: serviceSection(d) });
    case 'socket': return Object.assign(base, { type, exec, kill, socket: d.socket });
    case 'mount': return Object.assign(base, { type, exec, kill, mount: d.mount });
    case 'swap': return Object.assign(base, { type, exec, kill, swap: d.swap });
    case 'timer': return Object.assign(base, { type, timer: d.timer });
    case 'path': return Object.assign(base, { type, path: d.path });
    case 'automount': return Object.assign(base, { type, automount: d.automount });
    case 'target': case 'slice': case 'scope': case 'device': return Object.assign(base, { type });
  }
}

/**
 * The checks systemd makes once a unit's files are applied (service_verify, socket_verify,
 * timer_verify, path_verify, mount_verify, automount_verify, swap_verify): a message in its
 * words when the unit cannot be loaded.
 */
function verifyType(type: UnitType, id: string, d: Draft): string | undefined {
  const nameOf = (path: string, suffix: string) => {
    const r = unitNameFromPath(path, suffix);
    return r.ok ? r.value : undefined;
  };
  switch (type) {
    case 'service':
      return verifyService(d);
    case 'socket':
      if (d.socket.listen.length === 0) return 'Unit has no Listen setting (ListenStream=, ListenDatagram=, ListenFIFO=, ...). Refusing.';
      return verifySocket(d);
    case 'timer':
      return d.timer.triggers.length === 0 && !d.timer.onClockChange && !d.timer.onTimezoneChange ? 'Timer unit lacks value setting. Refusing.' : undefined;
    case 'path':
      return d.path.watches.length === 0 ? 'Path unit lacks path setting. Refusing.' : undefined;
    case 'mount':
      if (d.mount.where !== undefined && nameOf(d.mount.where, '.mount') !== id) return "Where= setting doesn't match unit name. Refusing.";
      if (d.mount.what === undefined) return 'What= setting is missing. Refusing.';
      return undefined;
    case 'automount':
      if (d.automount.where !== undefined && nameOf(d.automount.where, '.automount') !== id) return "Where= setting doesn't match unit name. Refusing.";
      return undefined;
    case 'swap':
      if (d.swap.what !== undefined && nameOf(d.swap.what, '.swap') !== id) return 'Value of What= and unit name do not match, not loading.';
      return undefined;
    default:
      return undefined;
  }
}

/** The service type when Type= is not set (252): dbus with a BusName=, else simple with an ExecStart=, oneshot without. */
function effectiveType(d: Draft): string {
  return d.service.type ?? (d.service.busName ? 'dbus' : d.service.execStart.length > 0 ? 'simple' : 'oneshot');
}

function serviceSection(d: Draft): ServiceSection {
  // An fd store is filled over sd_notify: a service that asks for one is heard from its main
  // process unless NotifyAccess= says otherwise (systemd's service_add_extras).
  const notifyAccess = d.service.notifyAccess ?? (d.service.fileDescriptorStoreMax > 0 ? 'main' : undefined);
  // Set on the draft's own section, not spread into a copy: see typed().
  return Object.assign(d.service, { type: effectiveType(d), notifyAccess });
}

/** systemd's socket_verify(): settings that make a socket unloadable, with its words. */
function verifySocket(d: Draft): string | undefined {
  const s = d.socket;
  if (s.accept && !listenAllAccepting(s.listen)) return 'Unit configured for accepting sockets, but sockets are non-accepting. Refusing.';
  if (s.accept && s.maxConnections <= 0) return 'MaxConnection= setting too small. Refusing.';
  if (s.accept && s.service) return 'Explicit service configuration for accepting socket units not supported. Refusing.';
  // Symlinks= point at the one file system node the socket has (a unix path or a FIFO…).
  const nodes = s.listen.filter((l) => (l.value.socket ? l.value.socket.family === 'unix' && !l.value.socket.path.startsWith('@') : l.value.kind !== 'ListenNetlink'));
  if (s.symlinks.length > 0 && nodes.length !== 1) return 'Unit has symlinks set but none or more than one node in the file system. Refusing.';
  return undefined;
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
  if (!s.remainAfterExit && s.execStart.length === 0 && d.unit.successAction === 'none') {
    return 'Service has no ExecStart= and no SuccessAction= settings and does not have RemainAfterExit=yes set. Refusing.';
  }
  if (type !== 'oneshot' && s.execStart.length > 1) {
    return 'Service has more than one ExecStart= setting, which is only allowed for Type=oneshot services. Refusing.';
  }
  if (type === 'oneshot' && (s.restart === 'always' || s.restart === 'on-success')) {
    return "Service has Restart= set to either always or on-success, which isn't allowed for Type=oneshot services. Refusing.";
  }
  if (type === 'oneshot' && (s.restartForceExitStatus.status.length > 0 || s.restartForceExitStatus.signal.length > 0)) {
    return "Service has RestartForceExitStatus= set, which isn't allowed for Type=oneshot services. Refusing.";
  }
  if (type === 'dbus' && !s.busName) {
    return 'Service is of type D-Bus but no D-Bus service name has been specified. Refusing.';
  }
  return undefined;
}

/** The last value a kept key was given ('' when reset or never set): what systemd's parser left in place. */
function keptValue(d: Draft, key: string): string {
  return [...d.ignored].reverse().find((a) => a.key === key)?.value ?? '';
}
/**
 * service_verify()'s warnings for a service it loads, in its order: USB function descriptors and
 * strings (for FunctionFS) make sense only together; a runtime limit means nothing to a oneshot
 * (its start never ends in "active"), and its random extra nothing without the limit.
 */
function serviceWarnings(d: Draft): string[] {
  const out: string[] = [];
  const descriptors = keptValue(d, 'USBFunctionDescriptors') !== '';
  const strings = keptValue(d, 'USBFunctionStrings') !== '';
  if (descriptors && !strings) out.push('Service has USBFunctionDescriptors= setting, but no USBFunctionStrings=. Ignoring.');
  if (!descriptors && strings) out.push('Service has USBFunctionStrings= setting, but no USBFunctionDescriptors=. Ignoring.');
  const limited = d.service.runtimeMaxUSec !== USEC_INFINITY;
  const extra = parseSec(keptValue(d, 'RuntimeRandomizedExtraSec'));
  if (limited && effectiveType(d) === 'oneshot') out.push('RuntimeMaxSec= has no effect in combination with Type=oneshot. Ignoring.');
  if (!limited && extra.ok && extra.value !== 0n) {
    out.push('Service has RuntimeRandomizedExtraSec= setting, but no RuntimeMaxSec=. Ignoring.');
  }
  return out;
}
