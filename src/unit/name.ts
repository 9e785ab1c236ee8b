/**
 * Unit names as systemd.unit(5) defines them: "prefix[@instance].type". Validation rules and
 * limits follow systemd's unit-name.c (allowed characters, 255-byte limit).
 */

export const UNIT_TYPES = [
  'service', 'socket', 'target', 'device', 'mount', 'automount', 'swap', 'timer', 'path', 'slice', 'scope',
] as const;
export type UnitType = (typeof UNIT_TYPES)[number];

export const UNIT_NAME_MAX = 255;
const VALID_CHAR = /^[A-Za-z0-9:\-_.\\]$/;

export interface UnitNameParts {
  /** The text before '@' (or before the type suffix for plain names). */
  readonly prefix: string;
  /** null for plain names; '' for templates ("foo@.service"); the instance otherwise. */
  readonly instance: string | null;
  readonly type: UnitType;
}

export function unitTypeFromString(s: string): UnitType | undefined {
  return (UNIT_TYPES as readonly string[]).includes(s) ? (s as UnitType) : undefined;
}

function validChars(s: string): boolean {
  for (const ch of s) if (!VALID_CHAR.test(ch)) return false;
  return true;
}

/** Split and validate a unit name; undefined when it is not a valid unit name of any kind. */
export function parseUnitName(name: string): UnitNameParts | undefined {
  if (name.length === 0 || Buffer.byteLength(name) > UNIT_NAME_MAX) return undefined;
  const dot = name.lastIndexOf('.');
  if (dot <= 0) return undefined;
  const type = unitTypeFromString(name.slice(dot + 1));
  if (!type) return undefined;
  const stem = name.slice(0, dot);
  const at = stem.indexOf('@');
  if (at < 0) {
    return validChars(stem) ? { prefix: stem, instance: null, type } : undefined;
  }
  const prefix = stem.slice(0, at);
  const instance = stem.slice(at + 1);
  if (prefix === '' || !validChars(prefix)) return undefined;
  // Instances may contain '@' (systemd allows it after the first one).
  if (!validChars(instance.replace(/@/g, '_'))) return undefined;
  return { prefix, instance, type };
}

export const isTemplate = (p: UnitNameParts): boolean => p.instance === '';
export const isInstance = (p: UnitNameParts): boolean => p.instance !== null && p.instance !== '';

export function isValidUnitName(name: string): boolean {
  return parseUnitName(name) !== undefined;
}

/** "foo@bar.service" → "foo@.service"; undefined for non-instances. */
export function templateOf(name: string): string | undefined {
  const p = parseUnitName(name);
  if (!p || !isInstance(p)) return undefined;
  return `${p.prefix}@.${p.type}`;
}

/** "foo@.service" + "bar" → "foo@bar.service". */
export function instantiate(template: string, instance: string): string {
  const p = parseUnitName(template);
  if (!p || !isTemplate(p)) throw new Error(`not a template: ${template}`);
  return `${p.prefix}@${instance}.${p.type}`;
}
