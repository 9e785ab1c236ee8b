/**
 * Environment= (systemd.exec(5), "Environment"): a space-separated list of VAR=value words with
 * quoting and C escapes. Invalid assignments are skipped with a warning, later assignments of a
 * name replace earlier ones, and a syntax error stops the line but keeps what came before it —
 * systemd applies each word as it goes.
 */
import { type Result, ok } from '../../shared/result.js';
import { extractFirstWord } from './words.js';

export interface EnvironmentParse {
  /** "NAME=value" strings in first-assignment order; null for the empty (resetting) assignment. */
  readonly assignments: readonly string[] | null;
  readonly warnings: readonly string[];
}

/** env_name_is_valid(): shell-compatible names, not starting with a digit. */
export function envNameIsValid(name: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) && name.length < 2 * 1024 * 1024;
}

/** env_value_is_valid(): valid UTF-8 (always, for a JS string without lone surrogates), no control chars but \t and \n. */
export function envValueIsValid(value: string): boolean {
  // A lone surrogate is the JS form of invalid UTF-8.
  if (/\p{Cs}/u.test(value)) return false;
  // eslint-disable-next-line no-control-regex
  return !/[\x00-\x08\x0b-\x1f\x7f]/.test(value);
}

export function envAssignmentIsValid(assignment: string): boolean {
  const eq = assignment.indexOf('=');
  if (eq < 0) return false;
  return envNameIsValid(assignment.slice(0, eq)) && envValueIsValid(assignment.slice(eq + 1));
}

/**
 * Replaces or appends NAME=value, as strv_env_replace() does. `index` (each name's position in
 * `list`, kept by this function) spares a scan of the list per assignment: a unit may set 100,000
 * names, and the scan made loading it quadratic.
 */
export function envReplace(list: string[], assignment: string, index?: Map<string, number>): void {
  const name = assignment.slice(0, assignment.indexOf('='));
  const idx = index ? (index.get(name) ?? -1) : list.findIndex((a) => a.startsWith(`${name}=`));
  if (idx >= 0) {
    list[idx] = assignment;
  } else {
    index?.set(name, list.length);
    list.push(assignment);
  }
}

export function parseEnvironment(text: string, expand?: (word: string) => Result<string, string>): Result<EnvironmentParse, string> {
  if (text === '') return ok({ assignments: null, warnings: [] });
  const out: string[] = [];
  const index = new Map<string, number>();
  const warnings: string[] = [];
  let pos: number | null = 0;
  for (;;) {
    const r = extractFirstWord(text, pos, undefined, { unquote: true, cunescape: true });
    if (!r.ok) {
      warnings.push(`Invalid syntax, ignoring: ${text}`);
      break;
    }
    if (r.value.word === null) break;
    pos = r.value.next;
    let word = r.value.word;
    if (expand) {
      const x = expand(word);
      if (!x.ok) {
        warnings.push(`Failed to resolve specifiers in ${word}, ignoring: ${x.error}`);
        continue;
      }
      word = x.value;
    }
    if (!envAssignmentIsValid(word)) {
      warnings.push(`Invalid environment assignment, ignoring: ${word}`);
      continue;
    }
    envReplace(out, word, index);
  }
  return ok({ assignments: out, warnings });
}
