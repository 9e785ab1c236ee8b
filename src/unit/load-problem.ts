/**
 * systemd's words for a unit that cannot be started because of how it loaded (its
 * bus_unit_validate_load_state()): the same sentence in `systemctl start`'s refusal, status'
 * `Loaded: … (Reason: …)`, LoadError= and analyze verify.
 */
import type { LoadState } from './model.js';
import { EBADMSG_TEXT } from './syntax.js';
import { strerrorOf } from '../shared/strerror.js';

export interface LoadedAs {
  readonly type: string;
  readonly loadState: LoadState;
  /** With LoadState=error: strerror() of why (a fragment that could not be read, a slice with no place in the hierarchy). */
  readonly loadError?: string;
}

/** The reason, or undefined for a unit that loaded (and a device or slice without a file, which needs none). */
export function loadProblem(unit: LoadedAs, name: string): string | undefined {
  if (unit.loadState === 'not-found' && (unit.type === 'device' || unit.type === 'slice')) return undefined;
  switch (unit.loadState) {
    case 'bad-setting': return `Unit ${name} has a bad unit file setting.`;
    case 'error': return `Unit ${name} failed to load properly, please adjust/correct and reload service manager: ${unit.loadError ?? EBADMSG_TEXT}`;
    case 'not-found': return `Unit ${name} not found.`;
    case 'masked': return `Unit ${name} is masked.`;
    case 'loaded': return undefined;
  }
}

/** systemd's bus error names for the load states that refuse a start with a name of their own (BUS_ERROR_*). */
export const LOAD_STATE_BUS_ERRORS = {
  'not-found': 'org.freedesktop.systemd1.NoSuchUnit',
  masked: 'org.freedesktop.systemd1.UnitMasked',
  'bad-setting': 'org.freedesktop.systemd1.BadUnitSetting',
} as const;

/**
 * The D-Bus error systemd's LoadError= (and its refusal) names a LoadState=error after: sd-bus's
 * name for the errno (EINVAL: a slice with no place in the hierarchy; EBADMSG: a fragment with a
 * fatal syntax error), the generic one for any other.
 */
const LOAD_ERRNO_BUS_NAMES: ReadonlyMap<string, string> = new Map([
  [strerrorOf('EINVAL'), 'org.freedesktop.DBus.Error.InvalidArgs'],
  [strerrorOf('EBADMSG'), 'org.freedesktop.DBus.Error.InconsistentMessage'],
]);

/** The bus error name of a LoadState=error unit's refusal, by its strerror() text. */
export function loadErrnoBusName(loadError: string | undefined): string {
  return LOAD_ERRNO_BUS_NAMES.get(loadError ?? EBADMSG_TEXT) ?? 'org.freedesktop.DBus.Error.Failed';
}
