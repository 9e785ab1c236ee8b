/**
 * The argument of tmpfiles' `t T` lines, as systemd-tmpfiles 252 reads it (parse_xattrs_from_arg()):
 * words unquoted and C-unescaped, each `name=value`, specifiers resolved in both; a word that is not
 * a pair, or has an empty name or value, is warned about and skipped (without the file and line,
 * as systemd says it), and the others apply.
 */
import { specifierPrintf, type SpecifierTable } from '../specifiers.js';
import { extractFirstWord } from '../values/words.js';
import type { Report } from './parse.js';

export type Xattr = readonly [name: string, value: string];

/** The pairs to set; undefined when a specifier cannot be resolved (the line is refused). */
export function parseXattrs(argument: string, specifiers: SpecifierTable, report: Report): Xattr[] | { readonly error: string } {
  const out: Xattr[] = [];
  let pos: number | null = 0;
  for (;;) {
    const r = extractFirstWord(argument, pos, undefined, { unquote: true, cunescape: true });
    if (!r.ok) {
      report('warning', `Failed to parse extended attribute '${argument.slice(pos ?? 0)}', ignoring: Invalid argument`);
      break;
    }
    if (r.value.word === null) break;
    pos = r.value.next;
    const word = r.value.word;
    const eq = word.indexOf('=');
    if (eq < 0) {
      report('warning', `Failed to parse extended attribute, ignoring: ${word}`);
      continue;
    }
    const name = word.slice(0, eq);
    const value = word.slice(eq + 1);
    if (name === '' || value === '') {
      report('warning', `Malformed extended attribute found, ignoring: ${word}`);
      continue;
    }
    const n = specifierPrintf(name, specifiers);
    const v = specifierPrintf(value, specifiers);
    if (!n.ok) return { error: n.error.reason };
    if (!v.ok) return { error: v.error.reason };
    out.push([n.value, v.value]);
  }
  return out;
}
