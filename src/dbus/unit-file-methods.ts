/**
 * The Manager's unit-file methods (enable, disable, mask, …): the same Installer svcctl's
 * enable/disable use, its changes handed over as systemd's a(sss) (type, path, source) for
 * systemctl to print. Like systemd, the manager only writes the links: the caller asks for the
 * Reload afterwards (systemctl does).
 */
import { Installer, type InstallChange, type InstallResult } from '../unit/install.js';
import { isPresetMode, type PresetMode } from '../unit/preset-mode.js';
import { BusError, DBUS_ERROR } from './errors.js';
import { strerrorOf } from '../shared/strerror.js';
import { method, type Method } from './method.js';
import { checkedName } from './manager-methods.js';
import { MANAGER_IFACE, MANAGER_PATH } from './paths.js';

function change(c: InstallChange): [string, string, string] | undefined {
  switch (c.type) {
    case 'symlink': return ['symlink', c.path, c.source];
    case 'unlink': return ['unlink', c.path, ''];
    // systemd's install_change_type strings, which systemctl parses back (anything else it calls unknown).
    case 'is-masked': return ['masked', c.path, ''];
    case 'destination-not-present': return ['destination not present', c.target, c.path];
    case 'auxiliary-failed': return ['auxiliary unit failed', c.name, ''];
    default: return undefined;
  }
}

/**
 * systemctl's words for an install error, and the D-Bus error systemd's manager answers instead
 * (install_error()): matched on the words, the one place the Installer keeps them.
 */
const REFUSALS: readonly [RegExp, string, (m: RegExpExecArray) => string][] = [
  [/unit (\S+) does not exist\.$/, 'org.freedesktop.systemd1.NoSuchUnit', (m) => `Unit file ${m[1]} does not exist.`],
  [/unit (\S+) is masked\.$/, 'org.freedesktop.systemd1.UnitMasked', (m) => `Unit file ${m[1]} is masked.`],
  [/unit (\S+) is transient or generated\.$/, 'org.freedesktop.systemd1.UnitGenerated', (m) => `Unit ${m[1]} is transient or generated.`],
  [/unit, "(.+)" is not a valid unit name\.$/, 'org.freedesktop.systemd1.BadUnitSetting', (m) => `"${m[1]}" is not a valid unit name.`],
  [/refusing to operate on linked unit file (\S+)\.$/, 'org.freedesktop.systemd1.UnitLinked', (m) => `Refusing to operate on alias name or linked unit file: ${m[1]}`],
  [/file "(.+)" already exists and is a symlink to "(.+)"\.$/, 'org.freedesktop.systemd1.UnitExists', (m) => `File ${m[1]} already exists and is a symlink to ${m[2]}.`],
  [/file "(.+)" already exists\.$/, 'org.freedesktop.systemd1.UnitExists', (m) => `File ${m[1]} already exists.`],
  [/file "(.+)": Is a directory$/, 'System.Error.EISDIR', (m) => `File ${m[1]}: Is a directory`],
  [/file "(.+)": Invalid argument$/, 'System.Error.EINVAL', (m) => `File ${m[1]}: Invalid argument`],
  [/file "(.+)": Link has been severed$/, 'System.Error.ENOLINK', (m) => `File ${m[1]}: Link has been severed`],
  [/destination unit (\S+) is a non-template unit\.$/, 'org.freedesktop.systemd1.BadUnitSetting', (m) => `Destination unit ${m[1]} is a non-template unit.`],
];

/**
 * An Installer refusal as systemd's manager answers it ("Unit file X does not exist." and kin):
 * `error` is the message that says it (warnings may come before it).
 */
function refusal(messages: readonly string[], error = messages[messages.length - 1]): BusError {
  const text = messages.join('\n') || 'Operation failed.';
  for (const [re, name, words] of REFUSALS) {
    const m = re.exec(error ?? '');
    if (m) return new BusError(name, words(m));
  }
  return new BusError(DBUS_ERROR.failed, text.replace(/^Failed to [^,:]+[,:] ?/, ''));
}

const changes = (r: InstallResult): unknown[][] => {
  const messages = (failure: boolean) => r.changes.flatMap((c) => (c.type === 'message' && Boolean(c.failure) === failure ? [c.text] : []));
  if (r.status !== 0) throw refusal(messages(false));
  const out = r.changes.flatMap((c) => { const x = change(c); return x ? [x] : []; });
  // What preset-all passed over is no change; with nothing else done, the first is the answer (as systemd's).
  const passedOver = messages(true);
  if (out.length === 0 && passedOver.length > 0) throw refusal(passedOver, passedOver[0]);
  return out;
};
const carriesInstallInfo = (r: InstallResult): boolean => !r.changes.some((c) => c.type === 'no-install-config');

const names = (files: readonly string[]): string[] => files.map((f) => (f.startsWith('/') ? f : checkedName(f)));

/** A preset mode argument: empty means full; anything else not a mode is refused (EINVAL), as by systemd. */
function presetMode(mode: string): PresetMode {
  if (mode === '') return 'full';
  if (!isPresetMode(mode)) throw new BusError('System.Error.EINVAL', 'Invalid argument');
  return mode;
}

/** DisableUnitFilesWithFlags's flags: bit 0 runtime (SD_SYSTEMD_UNIT_RUNTIME). */
const RUNTIME_FLAG = 1n;

/** After a change to the unit files, subscribers hear UnitFilesChanged, as from systemd. */
const announcing = (m: Method): Method => ({
  ...m,
  call: (args, ctx) => {
    const out = m.call(args, ctx);
    ctx.emit(MANAGER_PATH, MANAGER_IFACE, 'UnitFilesChanged', '', []);
    return out;
  },
});

const CHANGING_METHODS: readonly Method[] = [
  method<[string[], boolean, boolean]>('EnableUnitFiles', 'asbb', 'ba(sss)', true, ([files, runtime, force]) => {
    const r = new Installer('', { force }).enable(names(files), runtime);
    return [carriesInstallInfo(r), changes(r)];
  }),
  method<[string[], bigint]>('EnableUnitFilesWithFlags', 'ast', 'ba(sss)', true, ([files, flags]) => {
    const r = new Installer('').enable(names(files), (BigInt(flags) & RUNTIME_FLAG) !== 0n);
    return [carriesInstallInfo(r), changes(r)];
  }),
  method<[string[], boolean, boolean]>('ReenableUnitFiles', 'asbb', 'ba(sss)', true, ([files, runtime, force]) => {
    const r = new Installer('', { force }).reenable(names(files), runtime);
    return [carriesInstallInfo(r), changes(r)];
  }),
  method<[string[], boolean]>('DisableUnitFiles', 'asb', 'a(sss)', true, ([files, runtime]) => [changes(new Installer('').disable(names(files), runtime))]),
  method<[string[], bigint]>('DisableUnitFilesWithFlags', 'ast', 'a(sss)', true, ([files, flags]) => [changes(new Installer('').disable(names(files), (BigInt(flags) & RUNTIME_FLAG) !== 0n))]),
  method<[string[], boolean, boolean]>('MaskUnitFiles', 'asbb', 'a(sss)', true, ([files, runtime]) => [changes(new Installer('').mask(names(files), runtime))]),
  method<[string[], boolean]>('UnmaskUnitFiles', 'asb', 'a(sss)', true, ([files, runtime]) => [changes(new Installer('').unmask(names(files), runtime))]),
  method<[string[], boolean, boolean]>('LinkUnitFiles', 'asbb', 'a(sss)', true, ([files, runtime, force]) => [changes(new Installer('', { force }).link(files, runtime))]),
  method<[string[], boolean, boolean]>('PresetUnitFiles', 'asbb', 'ba(sss)', true, ([files, runtime, force]) => {
    const r = new Installer('', { force }).preset(names(files), runtime);
    return [r.carriesInstallInfo, changes(r)];
  }),
  method<[string[], string, boolean, boolean]>('PresetUnitFilesWithMode', 'assbb', 'ba(sss)', true, ([files, mode, runtime, force]) => {
    const r = new Installer('', { force }).preset(names(files), runtime, presetMode(mode));
    return [r.carriesInstallInfo, changes(r)];
  }),
  method<[string[]]>('RevertUnitFiles', 'as', 'a(sss)', true, ([files]) => [changes(new Installer('').revert(names(files)))]),
  method<[string, boolean, boolean]>('PresetAllUnitFiles', 'sbb', 'a(sss)', true, ([mode, runtime, force]) => [changes(new Installer('', { force }).presetAll(runtime, presetMode(mode)))]),
  method<[string[], string, string, boolean, boolean]>('AddDependencyUnitFiles', 'asssbb', 'a(sss)', true, ([files, target, dep, runtime, force]) => {
    // systemd takes the dependency by its unit-file words and only the two links can express.
    if (dep !== 'Wants' && dep !== 'Requires') throw new BusError('System.Error.EINVAL', 'Invalid argument');
    return [changes(new Installer('', { force }).addDependency(checkedName(target), names(files), dep, runtime))];
  }),
  method<[string, boolean]>('SetDefaultTarget', 'sb', 'a(sss)', true, ([name, force]) => [changes(new Installer('', { force }).setDefault(checkedName(name)))]),
];

export const UNIT_FILE_METHODS: readonly Method[] = [
  ...CHANGING_METHODS.map(announcing),
  method('GetDefaultTarget', '', 's', false, () => {
    const r = new Installer('').getDefault();
    if (r.status !== 0) throw new BusError('org.freedesktop.DBus.Error.FileNotFound', 'No such file or directory');
    return [r.stdout.trim()];
  }),
  method<[string]>('GetUnitFileState', 's', 's', false, ([name]) => {
    const installer = new Installer('');
    const error = installer.lookupError(checkedName(name));
    // systemd answers a bad file's errno, which sd-bus names System.Error.* (ENOENT: FileNotFound).
    if (error) throw new BusError(error === 'ENOENT' ? 'org.freedesktop.DBus.Error.FileNotFound' : `System.Error.${error}`, strerrorOf(error));
    const s = installer.state(checkedName(name));
    if (s === undefined) throw new BusError('org.freedesktop.DBus.Error.FileNotFound', 'No such file or directory');
    return [s];
  }),
  method('ListUnitFiles', '', 'a(ss)', false, () => [unitFiles([], [])]),
  method<[string[], string[]]>('ListUnitFilesByPatterns', 'asas', 'a(ss)', false, ([states, patterns]) => [unitFiles(states, patterns)]),
];

function unitFiles(states: readonly string[], patterns: readonly string[]): [string, string][] {
  return new Installer('').unitFiles(patterns, states);
}
