import { unitNameMangle } from '../../unit/escape.js';

/** What systemctl does to a name a user typed (globs kept, for patterns). */
export function mangleUnitName(input: string): string {
  return unitNameMangle(input, { allowGlobs: true });
}
