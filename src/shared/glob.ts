/**
 * fnmatch(3), the one glob matcher every layer uses: unit patterns of list-units, list-unit-files
 * and `logs -u` (FNM_NOESCAPE, as systemctl and journalctl pass it), preset rules (FNM_NOESCAPE),
 * ConditionHost= (FNM_CASEFOLD), ConditionKernelVersion=/OSRelease= (no flags), and each path
 * component of ConditionPathExistsGlob= (glob(3) matches components with FNM_PERIOD).
 */

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

const cache = new Map<string, RegExp>();

/** The pattern as an anchored RegExp (compiled once per pattern and flags). */
export function globRegExp(pattern: string, flags: FnmatchFlags = {}): RegExp {
  const key = `${flags.noescape ? 'n' : ''}${flags.casefold ? 'i' : ''}\0${pattern}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const casefold = flags.casefold ?? false;
  let re = '^';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') re += '[^]*';
    else if (c === '?') re += '[^]';
    else if (c === '\\' && !flags.noescape) {
      // A trailing backslash escapes nothing: glibc reports an error, which matches nothing.
      if (i + 1 >= pattern.length) re += '(?!)';
      else re += `[${literal(pattern[++i]!, casefold)}]`;
    } else if (c === '[') {
      const b = bracket(pattern, i, flags);
      if (b === undefined) re += '\\[';
      else {
        re += b.re;
        i = b.end;
      }
    } else re += `[${literal(c, casefold)}]`;
  }
  const compiled = new RegExp(`${re}$`);
  cache.set(key, compiled);
  return compiled;
}

/** fnmatch(pattern, s, flags) == 0. */
export function fnmatch(pattern: string, s: string, flags: FnmatchFlags = {}): boolean {
  if (flags.period && s.startsWith('.') && !pattern.startsWith('.')) return false;
  return globRegExp(pattern, flags).test(s);
}
