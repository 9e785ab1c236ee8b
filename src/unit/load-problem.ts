/**
 * systemd's words for a unit that cannot be started because of how it loaded (its
 * bus_unit_validate_load_state()): the same sentence in `systemctl start`'s refusal, status'
 * `Loaded: … (Reason: …)`, LoadError= and analyze verify.
 */
import type { LoadState } from './model.js';
import { EBADMSG_TEXT } from './syntax.js';

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
