/**
 * Whitespace-separated lists with quoting (systemd.syntax(7): "Quoting"), for directives such as
 * Wants=, Alias=, SupplementaryGroups=. Empty assignment resets the list, as everywhere in systemd.
 */
import { type Result, ok, err } from '../../shared/result.js';
import { splitWords, type ExtractFlags } from './words.js';

/**
 * Returns null for the empty (resetting) value. `cunescape` defaults on because most list
 * directives pass EXTRACT_CUNESCAPE; a few (e.g. dependency lists) use plain unquoting.
 */
export function parseStringList(text: string, flags: ExtractFlags = { unquote: true, cunescape: true }): Result<string[] | null, string> {
  if (text.trim() === '') return ok(null);
  const r = splitWords(text, flags);
  if (!r.ok) return err(`Invalid syntax: ${r.error}`);
  return ok(r.value);
}

/** string_is_safe(): no control characters, quotes or backslashes (an executable's name, a section's). */
export function stringIsSafe(s: string): boolean {
  // eslint-disable-next-line no-control-regex
  return !/[\x00-\x1f\x7f"'\\]/.test(s);
}
