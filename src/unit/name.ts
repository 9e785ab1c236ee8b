/**
 * Unit names as systemd.unit(5) defines them: "prefix[@instance].type". The rules are systemd
 * 252's (unit-name.c), checked against its tools: the characters allowed, the 255-byte limit, the
 * first "@" splitting prefix from instance (later ones belong to the instance), the last "." the
 * type. Invalid input gives undefined, never an exception, except in instantiate(), whose callers
 * have already checked the template.
 */

export const UNIT_TYPES = [
  'service', 'socket', 'target', 'device', 'mount', 'automount', 'swap', 'timer', 'path', 'slice', 'scope',
] as const;
export type UnitType = (typeof UNIT_TYPES)[number];

/** The longest valid unit name, in bytes (systemd's UNIT_NAME_MAX counts the NUL as well). */
export const UNIT_NAME_MAX = 255;

/** Which kinds of names a check accepts (systemd's UNIT_NAME_PLAIN/INSTANCE/TEMPLATE flags). */
export const UNIT_NAME_PLAIN = 1;
export const UNIT_NAME_INSTANCE = 2;
export const UNIT_NAME_TEMPLATE = 4;
export const UNIT_NAME_ANY = UNIT_NAME_PLAIN | UNIT_NAME_INSTANCE | UNIT_NAME_TEMPLATE;
export type UnitNameFlags = number;

// A unit name is pure ASCII; these are the bytes allowed before the type suffix ("@" aside).
const VALID_CHARS = new Set('0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ:-_.\\');
/** Characters a glob over unit names may use besides the name's own (systemd's VALID_CHARS_GLOB). */
export const GLOB_EXTRA_CHARS = '[]!-*?';

export function isValidUnitChar(ch: string, allowAt = false): boolean {
  return VALID_CHARS.has(ch) || (allowAt && ch === '@');
}

function inCharset(s: string, allowAt: boolean): boolean {
  for (const ch of s) if (!isValidUnitChar(ch, allowAt)) return false;
  return true;
}

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

/** unit_name_is_valid(): is `name` a unit name of one of the kinds in `flags`? */
export function unitNameIsValid(name: string, flags: UnitNameFlags = UNIT_NAME_ANY): boolean {
  if (flags === 0 || name === '') return false;
  // Non-ASCII is invalid anyway, so counting UTF-16 units would do; bytes say what we mean.
  if (Buffer.byteLength(name) > UNIT_NAME_MAX) return false;
  const dot = name.lastIndexOf('.');
  if (dot <= 0) return false;
  if (!unitTypeFromString(name.slice(dot + 1))) return false;
  const stem = name.slice(0, dot);
  if (!inCharset(stem, true)) return false;
  const at = stem.indexOf('@');
  if (at === 0) return false;
  if (flags & UNIT_NAME_PLAIN && at < 0) return true;
  if (flags & UNIT_NAME_INSTANCE && at >= 0 && at < stem.length - 1) return true;
  if (flags & UNIT_NAME_TEMPLATE && at >= 0 && at === stem.length - 1) return true;
  return false;
}

/** A prefix may not contain "@" and may not be empty. */
export function unitPrefixIsValid(prefix: string): boolean {
  return prefix !== '' && inCharset(prefix, false);
}

/** An instance may contain further "@"s; its length is only checked on the whole name. */
export function unitInstanceIsValid(instance: string): boolean {
  return instance !== '' && inCharset(instance, true);
}

/** A suffix is ".type" with a known type. */
export function unitSuffixIsValid(suffix: string): boolean {
  return suffix.startsWith('.') && unitTypeFromString(suffix.slice(1)) !== undefined;
}

/** Split and validate a unit name; undefined when it is not a valid unit name of any kind. */
export function parseUnitName(name: string): UnitNameParts | undefined {
  if (!unitNameIsValid(name, UNIT_NAME_ANY)) return undefined;
  const dot = name.lastIndexOf('.');
  const type = name.slice(dot + 1) as UnitType;
  const stem = name.slice(0, dot);
  const at = stem.indexOf('@');
  if (at < 0) return { prefix: stem, instance: null, type };
  return { prefix: stem.slice(0, at), instance: stem.slice(at + 1), type };
}

export const isTemplate = (p: UnitNameParts): boolean => p.instance === '';
export const isInstance = (p: UnitNameParts): boolean => p.instance !== null && p.instance !== '';

export function isValidUnitName(name: string): boolean {
  return unitNameIsValid(name, UNIT_NAME_ANY);
}

/** unit_name_to_type(): the type of a valid name. */
export function unitNameToType(name: string): UnitType | undefined {
  return parseUnitName(name)?.type;
}

/** unit_name_to_prefix(): "foo@bar.service" and "foo.service" both give "foo". */
export function unitNameToPrefix(name: string): string | undefined {
  return parseUnitName(name)?.prefix;
}

/**
 * unit_name_to_instance(): undefined for an invalid name, null for a plain one, '' for a
 * template, the instance otherwise.
 */
export function unitNameToInstance(name: string): string | null | undefined {
  const p = parseUnitName(name);
  return p ? p.instance : undefined;
}

/** unit_name_to_prefix_and_instance(): the name without its type suffix ("%N"). */
export function unitNameToPrefixAndInstance(name: string): string | undefined {
  return unitNameIsValid(name) ? name.slice(0, name.lastIndexOf('.')) : undefined;
}

/** unit_name_change_suffix(): suffix includes its dot (".socket"). */
export function unitNameChangeSuffix(name: string, suffix: string): string | undefined {
  if (!unitNameIsValid(name) || !unitSuffixIsValid(suffix)) return undefined;
  const out = name.slice(0, name.lastIndexOf('.')) + suffix;
  return unitNameIsValid(out) ? out : undefined;
}

/** unit_name_build(): prefix, optional instance and ".type" into a name. */
export function unitNameBuild(prefix: string, instance: string | null, suffix: string): string | undefined {
  if (!unitPrefixIsValid(prefix) || !unitSuffixIsValid(suffix)) return undefined;
  if (instance !== null && !unitInstanceIsValid(instance)) return undefined;
  const out = instance === null ? prefix + suffix : `${prefix}@${instance}${suffix}`;
  return unitNameIsValid(out) ? out : undefined;
}

/**
 * unit_name_replace_instance(): put `instance` into a template or instance name. The result must
 * itself be a valid instance name, so an instance that makes it longer than 255 bytes is refused.
 */
export function unitNameReplaceInstance(name: string, instance: string): string | undefined {
  if (!unitNameIsValid(name, UNIT_NAME_INSTANCE | UNIT_NAME_TEMPLATE)) return undefined;
  if (!unitInstanceIsValid(instance)) return undefined;
  const out = `${name.slice(0, name.indexOf('@') + 1)}${instance}${name.slice(name.lastIndexOf('.'))}`;
  return unitNameIsValid(out, UNIT_NAME_INSTANCE) ? out : undefined;
}

/** unit_name_template(): "foo@bar.service" (or "foo@.service") → "foo@.service". */
export function unitNameTemplate(name: string): string | undefined {
  if (!unitNameIsValid(name, UNIT_NAME_INSTANCE | UNIT_NAME_TEMPLATE)) return undefined;
  return `${name.slice(0, name.indexOf('@') + 1)}${name.slice(name.lastIndexOf('.'))}`;
}

/** "foo@bar.service" → "foo@.service"; undefined for non-instances. */
export function templateOf(name: string): string | undefined {
  return unitNameIsValid(name, UNIT_NAME_INSTANCE) ? unitNameTemplate(name) : undefined;
}

/**
 * "foo@.service" + "bar" → "foo@bar.service". Throws when `template` is not a template. The
 * instance is not checked (callers pass instances taken from valid names, or report a bad
 * DefaultInstance= themselves); unitNameReplaceInstance() is the checking form.
 */
export function instantiate(template: string, instance: string): string {
  if (!unitNameIsValid(template, UNIT_NAME_TEMPLATE)) throw new Error(`not a template: ${template}`);
  return `${template.slice(0, template.indexOf('@') + 1)}${instance}${template.slice(template.lastIndexOf('.'))}`;
}

/** slice_name_is_valid(): "-.slice", or dash-separated non-empty parts ("a-b.slice"). */
export function sliceNameIsValid(name: string): boolean {
  if (!unitNameIsValid(name, UNIT_NAME_PLAIN)) return false;
  if (name === '-.slice') return true;
  if (!name.endsWith('.slice')) return false;
  const stem = name.slice(0, -'.slice'.length);
  return stem.split('-').every((part) => part !== '');
}

/**
 * What the manager answers when a client names something that cannot be a unit (systemd's
 * manager_load_unit_prepare): undefined for a valid name. Refused before anything is loaded, so
 * a name that is not a unit never enters the unit table; the length limit above bounds the rest.
 */
export function unitNameRefusal(name: string): string | undefined {
  return unitNameIsValid(name) ? undefined : `Unit name ${name} is not valid.`;
}

/**
 * What the manager answers when asked to load (start, stop, LoadUnit…) a name that is a template:
 * it names no unit until it has an instance. Otherwise unitNameRefusal().
 */
export function unitLoadRefusal(name: string): string | undefined {
  return unitNameIsValid(name, UNIT_NAME_TEMPLATE) ? `Unit name ${name} is missing the instance name.` : unitNameRefusal(name);
}

/**
 * What the manager answers for a unit object path whose name is no unit's (a template's among
 * them): systemctl show, status and is-active read properties there, and say this.
 */
export function unitObjectRefusal(name: string): string | undefined {
  return unitNameIsValid(name, UNIT_NAME_PLAIN | UNIT_NAME_INSTANCE) ? undefined : `Unit name ${name} is neither a valid invocation ID nor unit name.`;
}

/** The refusal for the first invalid name among a request's `unit` and `units` parameters. */
export function requestUnitNamesRefusal(params: { readonly unit?: unknown; readonly units?: unknown } | undefined): string | undefined {
  const names = [params?.unit, ...(Array.isArray(params?.units) ? (params.units as unknown[]) : [])];
  for (const n of names) if (typeof n === 'string') {
    const refusal = unitNameRefusal(n);
    if (refusal !== undefined) return refusal;
  }
  return undefined;
}
