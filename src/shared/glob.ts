/**
 * fnmatch(3), the one glob matcher every layer uses: unit patterns of list-units, list-unit-files
 * and `logs -u` (FNM_NOESCAPE, as systemctl and journalctl pass it), preset rules (FNM_NOESCAPE),
 * ConditionHost= (FNM_CASEFOLD), ConditionKernelVersion=/OSRelease= (no flags), and each path
 * component of ConditionPathExistsGlob= and PathExistsGlob= (glob(3) matches components with FNM_PERIOD),
 * and glob(3) itself (expandGlob) for tmpfiles' lines and supervisord's [include] files=.
 */
import { existsSync, lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export interface FnmatchFlags {
  /** FNM_NOESCAPE: a backslash is an ordinary character. */
  readonly noescape?: boolean;
  /** FNM_CASEFOLD: letters match either case. */
  readonly casefold?: boolean;
  /** FNM_PERIOD: a leading "." is matched only by a literal "." (not by *, ? or a bracket). */
  readonly period?: boolean;
}

/** string_is_glob(): whether fnmatch() would treat the text as a pattern. */
export const stringIsGlob = (s: string): boolean => /[*?[]/.test(s);

// POSIX classes glibc knows inside brackets, as JS class bodies.
const CLASSES: Readonly<Record<string, string>> = {
  alpha: 'a-zA-Z', digit: '0-9', alnum: 'a-zA-Z0-9', upper: 'A-Z', lower: 'a-z', space: ' \\t\\n\\v\\f\\r',
  blank: ' \\t', xdigit: '0-9a-fA-F', punct: '!-\\/:-@\\[-`{-~', cntrl: '\\x00-\\x1f\\x7f', print: ' -~', graph: '!-~',
};

const escapeRe = (c: string): string => c.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');

/** A literal character; under FNM_CASEFOLD a letter stands for both of its cases. */
function literal(c: string, casefold: boolean): string {
  const lo = c.toLowerCase();
  const up = c.toUpperCase();
  return casefold && lo !== up ? `${escapeRe(lo)}${escapeRe(up)}` : escapeRe(c);
}

/** A range's members as a class body; a reversed range matches nothing, as in glibc. */
function range(from: string, to: string, casefold: boolean): string {
  if (from > to) return '';
  const body = `${escapeRe(from)}-${escapeRe(to)}`;
  const letters = /^[a-z]$/i;
  if (!casefold || !letters.test(from) || !letters.test(to)) return body;
  return `${body}${escapeRe(from.toLowerCase())}-${escapeRe(to.toLowerCase())}${escapeRe(from.toUpperCase())}-${escapeRe(to.toUpperCase())}`;
}

/**
 * The bracket expression starting at pattern[i] === '[': its RegExp and where it ends, or undefined
 * when it is not closed (then "[" is an ordinary character). POSIX classes test the character as it
 * is, even under FNM_CASEFOLD, as glibc does.
 */
function bracket(pattern: string, i: number, flags: FnmatchFlags): { re: string; end: number } | undefined {
  const casefold = flags.casefold ?? false;
  let j = i + 1;
  const negate = pattern[j] === '!' || pattern[j] === '^';
  if (negate) j++;
  let body = '';
  let first = true;
  // One member character (escaped or not) at j; returns it and the index after it.
  const member = (k: number): [string, number] | undefined => {
    if (pattern[k] === '\\' && !flags.noescape) return k + 1 < pattern.length ? [pattern[k + 1]!, k + 2] : undefined;
    return k < pattern.length ? [pattern[k]!, k + 1] : undefined;
  };
  while (j < pattern.length) {
    if (pattern[j] === ']' && !first) return { re: body === '' && !negate ? '(?!)' : `[${negate ? '^' : ''}${body}]`, end: j };
    first = false;
    if (pattern[j] === '[' && pattern[j + 1] === ':') {
      const close = pattern.indexOf(':]', j + 2);
      const cls = close < 0 ? undefined : CLASSES[pattern.slice(j + 2, close)];
      if (close >= 0 && cls === undefined) return { re: '(?!)', end: pattern.indexOf(']', close + 2) < 0 ? pattern.length - 1 : pattern.indexOf(']', close + 2) };
      if (cls !== undefined) {
        body += cls;
        j = close + 2;
        continue;
      }
    }
    const m = member(j);
    if (m === undefined) return undefined;
    const [c, next] = m;
    if (pattern[next] === '-' && next + 1 < pattern.length && pattern[next + 1] !== ']') {
      const to = member(next + 1);
      if (to === undefined) return undefined;
      body += range(c, to[0], casefold);
      j = to[1];
    } else {
      body += literal(c, casefold);
      j = next;
    }
  }
  return undefined;
}

/**
 * One step of a compiled pattern: a "*" or a test of exactly one character. A bracket or a
 * case-folded letter is a one-character class tested alone (no quantifier, so nothing to backtrack).
 */
type Step = { readonly star: true } | { readonly star: false; readonly test: (c: string) => boolean };

const STAR: Step = { star: true };
const NEVER: Step = { star: false, test: () => false };
const oneOf = (cls: string): Step => {
  const re = new RegExp(`^${cls}$`);
  return { star: false, test: (c) => re.test(c) };
};
const char = (c: string, casefold: boolean): Step => {
  if (casefold && c.toLowerCase() !== c.toUpperCase()) return oneOf(`[${literal(c, true)}]`);
  return { star: false, test: (x) => x === c };
};

/** The pattern as its steps; an unclosed "[" is an ordinary character, as in glibc. */
function compile(pattern: string, flags: FnmatchFlags): Step[] {
  const casefold = flags.casefold ?? false;
  const steps: Step[] = [];
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') {
      // Consecutive stars are one star: keeps the matcher's work proportional to the text.
      if (steps.at(-1) !== STAR) steps.push(STAR);
    } else if (c === '?') steps.push({ star: false, test: () => true });
    else if (c === '\\' && !flags.noescape) {
      // A trailing backslash escapes nothing: glibc reports an error, which matches nothing.
      steps.push(i + 1 >= pattern.length ? NEVER : char(pattern[++i]!, casefold));
    } else if (c === '[') {
      const b = bracket(pattern, i, flags);
      if (b === undefined) steps.push(char('[', casefold));
      else {
        steps.push(oneOf(b.re));
        i = b.end;
      }
    } else steps.push(char(c, casefold));
  }
  return steps;
}

/**
 * Whether the steps match all of s. Every step but "*" takes exactly one character, so the
 * leftmost-shortest choice for each star is enough once the later star has been tried: on a
 * mismatch only the most recent star takes one character more (one backtrack point, never a
 * tree of them). At most |s| retries of at most |pattern| steps each: a pattern like
 * "*l*l*l*l*X" is as quick as any other, where a backtracking RegExp takes |s|^4.
 */
function run(steps: readonly Step[], s: string): boolean {
  let p = 0;
  let i = 0;
  let starP = -1;
  let starI = 0;
  while (i < s.length) {
    const step = steps[p];
    if (step?.star) {
      starP = p++;
      starI = i;
    } else if (step?.test(s[i]!)) {
      p++;
      i++;
    } else if (starP >= 0) {
      p = starP + 1;
      i = ++starI;
    } else return false;
  }
  while (steps[p]?.star) p++;
  return p === steps.length;
}

// Compiled patterns, bounded: the patterns come from clients, and each new one must not stay forever.
const CACHE_MAX = 256;
const cache = new Map<string, Step[]>();

/** The pattern compiled once (per pattern and flags), as a test of a whole string. */
export function globMatcher(pattern: string, flags: FnmatchFlags = {}): (s: string) => boolean {
  const key = `${flags.noescape ? 'n' : ''}${flags.casefold ? 'i' : ''}\0${pattern}`;
  let steps = cache.get(key);
  if (!steps) {
    steps = compile(pattern, flags);
    if (cache.size >= CACHE_MAX) cache.clear();
    cache.set(key, steps);
  }
  const compiled = steps;
  return (s) => run(compiled, s);
}

/** fnmatch(pattern, s, flags) == 0. */
export function fnmatch(pattern: string, s: string, flags: FnmatchFlags = {}): boolean {
  if (flags.period && s.startsWith('.') && !pattern.startsWith('.')) return false;
  return globMatcher(pattern, flags)(s);
}

/**
 * glob_exists(): whether some path matches `pattern` (*, ? and [...] within one component, as
 * glob(3) matches them). `at` maps a path to where it is read (a root directory prefixed).
 */
export function globExists(pattern: string, at: (p: string) => string = (p) => p): boolean {
  const parts = pattern.split('/').filter(Boolean);
  const list = (dir: string): string[] => {
    try {
      return readdirSync(at(dir || '/'));
    } catch {
      return [];
    }
  };
  const walk = (dir: string, i: number): boolean => {
    if (i === parts.length) return true;
    const part = parts[i]!;
    if (!stringIsGlob(part)) return existsSync(at(`${dir}/${part}`)) && walk(`${dir}/${part}`, i + 1);
    return list(dir).some((e) => fnmatch(part, e, { period: true }) && walk(`${dir}/${e}`, i + 1));
  };
  return walk('', 0);
}

const exists = (path: string): boolean => {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
};

/**
 * glob(3) of an absolute pattern: every existing path it matches (a dangling symlink counts), each
 * wildcard component matched with FNM_PERIOD against its directory, sorted per directory as glob(3)
 * sorts. A pattern without wildcards is itself, if it exists.
 */
export function expandGlob(pattern: string): string[] {
  if (!stringIsGlob(pattern)) return exists(pattern) ? [pattern] : [];
  let found = ['/'];
  for (const part of pattern.split('/').filter((p) => p !== '')) {
    const next: string[] = [];
    for (const dir of found) {
      if (!stringIsGlob(part)) {
        const p = join(dir, part);
        if (exists(p)) next.push(p);
        continue;
      }
      let names: string[];
      try {
        names = readdirSync(dir).sort();
      } catch {
        continue;
      }
      for (const n of names) if (fnmatch(part, n, { period: true })) next.push(join(dir, n));
    }
    found = next;
  }
  return found;
}
