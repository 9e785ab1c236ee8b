/**
 * The building blocks of the directive table's rows: what a row is (DirectiveRow, the context its
 * apply() gets), the behaviours rows are made of (scalar, list, custom, printf: each states its
 * parser, how it applies and what the empty value does, so the documented metadata cannot disagree
 * with what apply() does), systemd's rejection messages, specifier resolution in each directive's
 * own words, and RowList, which the parts of the table (unit-rows.ts, exec-rows.ts,
 * not-yet-rows.ts, fallback-rows.ts) write their rows into. Kept apart so each part holds only
 * what its section says.
 */
import type { SourceLocation, Severity } from '../../shared/diagnostic.js';
import type { Result } from '../../shared/result.js';
import { JOB_MODES } from '../../shared/job-mode.js';
import { isValidUnitName as checkUnitName } from '../name.js';
import { makeEnumParser, parseBoolean, parseEmergencyAction, parseKillMode, parseMode, parseTimeoutFailureMode, parseNice, parseNotifyAccess, parseOomScoreAdjust, parseSec, parseServiceRestart, parseServiceType, parseSignal, parseSignedNumber, parseStringList, parseCollectMode, parseUnsignedNumber, pathIsAbsolute } from '../values/index.js';
import { CATALOG } from './catalog.generated.js';
import type { Draft } from './draft.js';
import { isKeyNotice } from './notices.js';
import type { ExtractFlags } from '../values/words.js';

// The same few hundred names (sysinit.target, network.target…) recur across every unit of a tree.
const validNames = new Map<string, boolean>();
export function isValidUnitName(name: string): boolean {
  let v = validNames.get(name);
  if (v === undefined) {
    v = checkUnitName(name);
    if (validNames.size < 10_000) validNames.set(name, v);
  }
  return v;
}

export type DirectiveStatus = 'supported' | 'ignored' | 'not-yet';
/** How a value lands in the model: replaces the setting, adds to a list, or is kept verbatim in Unit.ignored. */
export type ApplyMode = 'set' | 'append' | 'keep';
/** What `Key=` (empty) does: back to the default, clears the list, is an invalid value, or is kept like any value. */
export type EmptyAssignment = 'resets' | 'clears' | 'invalid' | 'kept';

export interface ApplyContext {
  readonly draft: Draft;
  /** The unit being loaded (self-dependencies are dropped, some with a warning). */
  readonly unitId: string;
  /** Resolves specifiers (%i, %n…) for this unit; the error is strerror's words ("Invalid slot"). */
  expand(text: string, flavour: 'unit' | 'name'): Result<string, string>;
  readonly loc: SourceLocation;
  readonly section: string;
  readonly key: string;
  /**
   * Prefixed with the line ("file:line: …") by default; 'unit' names the unit instead ("u: …");
   * 'plain' has no prefix (systemd logs some notices without any).
   */
  report(severity: Severity, message: string, prefix?: 'line' | 'unit' | 'plain'): void;
}

export interface DirectiveRow {
  readonly section: string;
  readonly key: string;
  /** systemd's value-type hint (from --dump-configuration-items). */
  readonly hint: string;
  /** The value parser (from src/unit/values) or check applied, for the documentation. */
  readonly parser: string;
  readonly mode: ApplyMode;
  readonly empty: EmptyAssignment;
  readonly status: DirectiveStatus;
  readonly reason?: string;
  apply(value: string, ctx: ApplyContext): void;
}

/** A row's behaviour, built by the helpers below so the metadata cannot disagree with apply(). */
export interface Behaviour {
  readonly parser: string;
  readonly mode: ApplyMode;
  readonly empty: EmptyAssignment;
  apply(value: string, ctx: ApplyContext): void;
}


// systemd's own words for an invalid value of each key, '%v' standing for the value (the notices
// it says for any value, notices.ts, are said before the value is parsed, not here). Made at the
// first invalid value: every start of svcd paid for the table, and most boots reject nothing.
let invalidMessages: Map<string, readonly string[]> | undefined;

export function rejectValue(ctx: ApplyContext, value: string, shown = value, severity: Severity = 'warning'): void {
  invalidMessages ??= new Map(CATALOG.map(([section, key, , msgs]) => [`${section}.${key}`, msgs.filter((m) => !isKeyNotice(m))]));
  const msgs = invalidMessages.get(`${ctx.section}.${ctx.key}`) ?? [];
  const list = msgs.length > 0 ? msgs : [`Failed to parse ${ctx.key}= value, ignoring: %v`];
  for (const m of list) ctx.report(severity, m.replaceAll('%v', shown));
  void value;
}

export type Parser<T> = (text: string) => Result<T, unknown>;

/**
 * A single-valued setting. Whether the empty value resets it depends on systemd's parser for the
 * key: strings, paths, signals and numbers reset; booleans, enums and time spans reject it.
 */
export function scalar<T>(parse: Parser<T>, set: (d: Draft, v: T | undefined) => void, emptyResets = RESETTING.has(parse)): Behaviour {
  return {
    parser: parserLabel(parse),
    mode: 'set',
    empty: emptyResets ? 'resets' : 'invalid',
    apply(value, ctx) {
      if (value === '' && emptyResets) return set(ctx.draft, undefined);
      const r = parse(value);
      if (r.ok) set(ctx.draft, r.value);
      else rejectValue(ctx, value);
    },
  };
}

/**
 * A path systemd refuses the whole unit over when it is not absolute (its path parser with the fatal
 * flag, as for RootDirectory=): running it relative to wherever the manager stands would be wrong.
 */
export function fatalAbsolutePath(set: (d: Draft, v: string | undefined) => void): Behaviour {
  return {
    parser: 'absolute path, else unloadable',
    mode: 'set',
    empty: 'resets',
    apply(value, ctx) {
      if (value === '') return set(ctx.draft, undefined);
      if (pathIsAbsolute(value)) return set(ctx.draft, value);
      rejectValue(ctx, value, value, 'error');
      ctx.draft.badSetting = true;
    },
  };
}

/**
 * A setting systemd refuses the whole unit over when its value does not parse, the empty one too
 * (DynamicUser=, whose parser has the fatal flag): guessing which user a service runs as would be
 * worse than not running it. Nothing after it in the file is read.
 */
export function fatalScalar<T>(parse: Parser<T>, set: (d: Draft, v: T) => void): Behaviour {
  return {
    parser: `${parserLabel(parse)}, else unloadable`,
    mode: 'set',
    empty: 'invalid',
    apply(value, ctx) {
      const r = parse(value);
      if (r.ok) return set(ctx.draft, r.value);
      rejectValue(ctx, value, value, 'error');
      ctx.draft.badSetting = true;
    },
  };
}

/** A whitespace-separated list (with systemd's quoting); the empty value clears it. */
export function list(get: (d: Draft) => string[], check?: (word: string) => boolean, label = 'word list', spec?: Spec, split?: ExtractFlags): Behaviour {
  return {
    parser: spec ? `${label}; specifiers` : label,
    mode: 'append',
    empty: 'clears',
    apply(value, ctx) {
      const target = get(ctx.draft);
      if (value === '') return void target.splice(0);
      const r = parseStringList(value, split);
      if (!r.ok || r.value === null) return rejectValue(ctx, value);
      for (const word of r.value) {
        const w = spec ? resolveSpecifiers(ctx, word, spec) : word;
        if (w === undefined) continue;
        if (check && !check(w)) rejectValue(ctx, value, w);
        else if (!target.includes(w)) target.push(w);
      }
    },
  };
}

/** A row whose apply() is written out; the metadata is stated beside it. */
export function custom(parser: string, mode: ApplyMode, empty: EmptyAssignment, apply: Behaviour['apply']): Behaviour {
  return { parser, mode, empty, apply };
}

/**
 * How systemd words a failed specifier expansion differs by directive (its parsers each say it
 * their own way), and for a few (user names, directories, command lines) the unit is then unloadable.
 */
export type SpecStyle = 'quoted' | 'double' | 'bare' | 'env' | 'fatal-bare' | 'fatal-quoted' | 'fatal-workdir';
export interface Spec {
  readonly style: SpecStyle;
  readonly flavour?: 'unit' | 'name';
}
export const QUOTED: Spec = { style: 'quoted' };
export const NAME_QUOTED: Spec = { style: 'quoted', flavour: 'name' };
export const NAME_BARE: Spec = { style: 'bare', flavour: 'name' };

/** The text with specifiers resolved, or undefined after reporting why not in systemd's words. */
export function resolveSpecifiers(ctx: ApplyContext, text: string, spec: Spec): string | undefined {
  if (!text.includes('%')) return text;
  const r = ctx.expand(text, spec.flavour ?? 'unit');
  if (r.ok) return r.value;
  const fatal = spec.style.startsWith('fatal');
  const shown = {
    quoted: `'${text}'`, double: `"${text}"`, bare: text, env: text, 'fatal-bare': text, 'fatal-quoted': `'${text}'`,
    'fatal-workdir': `working directory path '${text}'`,
  }[spec.style];
  const what = spec.style === 'env' ? 'specifiers' : 'unit specifiers';
  ctx.report(fatal ? 'error' : 'warning', `Failed to resolve ${what} in ${shown}${fatal ? '' : ', ignoring'}: ${r.error}`);
  if (fatal) ctx.draft.badSetting = true;
  return undefined;
}

/** The row with its value's specifiers resolved first (systemd's *_printf parsers). */
export function printf(spec: Spec, b: Behaviour): Behaviour {
  return {
    ...b,
    parser: `${b.parser}; specifiers`,
    apply(value, ctx) {
      if (value === '') return b.apply(value, ctx);
      const v = resolveSpecifiers(ctx, value, spec);
      if (v !== undefined) b.apply(v, ctx);
    },
  };
}

export const str = (t: string): Result<string, never> => ({ ok: true, value: t });
export const absolutePath = (t: string): Result<string, string> => (pathIsAbsolute(t) ? { ok: true, value: t } : { ok: false, error: 'not absolute' });

export const parseJobMode = makeEnumParser(JOB_MODES);
export const parsePreserve = makeEnumParser(['no', 'yes', 'restart'] as const);
export const exitCode = (t: string): Result<number, string> => {
  const r = parseUnsignedNumber(t);
  return r.ok && r.value <= 255 ? r : { ok: false, error: 'out of range' };
};
export const parseStdIO = (t: string): Result<string, string> =>
  /^(inherit|null|tty|tty-force|tty-fail|journal|kmsg|journal\+console|kmsg\+console|socket|data|syslog|syslog\+console)$/.test(t) ||
  /^(file|append|truncate|fd):./.test(t)
    ? { ok: true, value: t }
    : { ok: false, error: 'invalid' };

export const serviceUnitName = (t: string): Result<string, string> =>
  isValidUnitName(t) && t.endsWith('.service') ? str(t) : { ok: false, error: 'not a service' };
export const triggeredUnit = (t: string): Result<string, string> => (isValidUnitName(t) ? str(t) : { ok: false, error: 'invalid unit name' });

// Signals are not among them: KillSignal= and its kin warn about an empty value.
const RESETTING = new Set<Parser<unknown>>([str, absolutePath, parseNice, parseOomScoreAdjust, exitCode, parseUnsignedNumber]);

const PARSER_LABELS = new Map<unknown, string>([
  [str, 'string'], [absolutePath, 'absolute path'], [parseBoolean, 'parseBoolean'], [parseSec, 'parseSec (time span)'],
  [parseSignal, 'parseSignal'], [parseNice, 'parseNice'], [parseOomScoreAdjust, 'parseOomScoreAdjust'], [exitCode, 'exit code 0…255'],
  [parseUnsignedNumber, 'parseUnsignedNumber'], [parseMode, 'parseMode'], [parseKillMode, 'parseKillMode'], [parseTimeoutFailureMode, 'terminate/abort/kill'],
  [parseEmergencyAction, 'parseEmergencyAction'], [parseServiceType, 'parseServiceType'], [parseServiceRestart, 'parseServiceRestart'],
  [parseNotifyAccess, 'parseNotifyAccess'], [parseCollectMode, 'parseCollectMode'], [parseJobMode, 'job mode'],
  [parsePreserve, 'no/yes/restart'], [serviceUnitName, 'service unit name'], [triggeredUnit, 'unit name'], [parseStdIO, 'standard input/output'], [parseSignedNumber, 'parseSignedNumber'],
]);
export function parserLabel(p: (text: string) => unknown): string {
  return PARSER_LABELS.get(p) ?? (p.name || 'value');
}

const HINTS = new Map(CATALOG.map(([section, key, hint]) => [`${section}.${key}`, hint]));
/** systemd's value-type hint for a catalog key ('OTHER' for one the catalog does not have). */
export function hintOf(section: string, key: string): string {
  return HINTS.get(`${section}.${key}`) ?? 'OTHER';
}

/** The rows one part of the table writes, in the order it writes them (the order docs/units.md lists them in). */
export class RowList {
  readonly rows: DirectiveRow[] = [];

  /** Typed into the model and acted on, in each of `sections`. */
  readonly supported = (sections: readonly string[] | string, key: string, b: Behaviour): void => {
    for (const section of typeof sections === 'string' ? [sections] : sections) {
      this.rows.push({ section, key, hint: hintOf(section, key), status: 'supported', ...b });
    }
  };

  /**
   * Typed into the model for the unit types svcd cannot start yet (socket, timer, path, mount,
   * automount, swap): load-time checks use the typed value, and the assignment is also kept in
   * Unit.ignored, since nothing acts on it.
   */
  readonly typedNotYet = (section: string, key: string, b: Behaviour): void => {
    this.rows.push({
      section, key, hint: hintOf(section, key), status: 'not-yet', parser: b.parser, mode: b.mode, empty: b.empty,
      apply(value, ctx) {
        ctx.draft.ignored.push({ section, key, value, loc: ctx.loc, status: 'not-yet' });
        b.apply(value, ctx);
      },
    });
  };
}
