/**
 * The Manager's unit-file methods (enable, disable, mask, …): the same Installer svcctl's
 * enable/disable use, its changes handed over as systemd's a(sss) (type, path, source) for
 * systemctl to print. Like systemd, the manager only writes the links: the caller asks for the
 * Reload afterwards (systemctl does).
 */
import { Installer, type InstallChange, type InstallResult } from '../unit/install.js';
import { BusError, DBUS_ERROR } from './errors.js';
import { method, notSupported, type Method } from './method.js';
import { checkedName } from './manager-methods.js';
import { MANAGER_IFACE, MANAGER_PATH } from './paths.js';

function change(c: InstallChange): [string, string, string] | undefined {
  switch (c.type) {
    case 'symlink': return ['symlink', c.path, c.source];
    case 'unlink': return ['unlink', c.path, ''];
    case 'is-masked': return ['is-masked', c.path, ''];
    case 'destination-not-present': return ['destination-not-present', c.path, c.target];
    case 'auxiliary-failed': return ['auxiliary-failed', c.name, ''];
    default: return undefined;
  }
}

/** An Installer refusal as systemd's manager answers it ("Unit file X does not exist." and kin). */
function refusal(r: InstallResult): BusError {
  const text = r.changes.flatMap((c) => (c.type === 'message' ? [c.text] : [])).join('\n') || 'Operation failed.';
  const missing = /unit (\S+) does not exist\.$/.exec(text);
  if (missing) return new BusError('org.freedesktop.systemd1.NoSuchUnit', `Unit file ${missing[1]} does not exist.`);
  const masked = /unit (\S+) is masked\.$/.exec(text);
  if (masked) return new BusError('org.freedesktop.systemd1.UnitMasked', `Unit file ${masked[1]} is masked.`);
  return new BusError(DBUS_ERROR.failed, text.replace(/^Failed to [^,:]+[,:] ?/, ''));
}

const changes = (r: InstallResult): unknown[][] => {
  if (r.status !== 0) throw refusal(r);
  return r.changes.flatMap((c) => { const x = change(c); return x ? [x] : []; });
};
const carriesInstallInfo = (r: InstallResult): boolean => !r.changes.some((c) => c.type === 'no-install-config');

const names = (files: readonly string[]): string[] => files.map((f) => (f.startsWith('/') ? f : checkedName(f)));

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
    const s = new Installer('').state(checkedName(name));
    if (s === undefined) throw new BusError('org.freedesktop.DBus.Error.FileNotFound', 'No such file or directory');
    return [s];
  }),
  method('ListUnitFiles', '', 'a(ss)', false, () => [unitFiles([], [])]),
  method<[string[], string[]]>('ListUnitFilesByPatterns', 'asas', 'a(ss)', false, ([states, patterns]) => [unitFiles(states, patterns)]),
  notSupported('LinkUnitFiles', 'asbb', 'a(sss)'),
  notSupported('PresetUnitFiles', 'asbb', 'ba(sss)'),
  notSupported('PresetUnitFilesWithMode', 'assbb', 'ba(sss)'),
  notSupported('RevertUnitFiles', 'as', 'a(sss)'),
  notSupported('PresetAllUnitFiles', 'sbb', 'a(sss)'),
  notSupported('AddDependencyUnitFiles', 'asssbb', 'a(sss)'),
];

function unitFiles(states: readonly string[], patterns: readonly string[]): [string, string][] {
  return new Installer('').unitFiles(patterns, states);
}
