/**
 * What systemctl does to a name a user typed: a name without a unit suffix means a .service
 * (unit_name_mangle). Delegates to src/unit/name.ts when it provides unitNameMangle.
 */
import * as names from '../../unit/name.js';

type Mangler = (s: string) => string;

export function mangleUnitName(input: string): string {
  const m = (names as unknown as { unitNameMangle?: Mangler }).unitNameMangle;
  if (m) return m(input);
  return names.isValidUnitName(input) ? input : `${input}.service`;
}
