/**
 * Values as the generators write them into unit files, so that systemd's parser (and svcd's, which
 * reads the same way) gives back exactly what was meant. One module for every generator: the SysV,
 * upstart and supervisord ones each had their own copy, and the copies disagreed on tabs, newlines
 * and `$` in the executable.
 *
 * - Unquoted values (Description=, paths, user names): the parser takes the rest of the line as it
 *   is, resolving specifiers, so only `%` needs doubling (systemd's specifier_escape()).
 * - Words of Environment= and Exec*= lines are read by extract_first_word() with unquoting and C
 *   unescaping, then their specifiers resolved: in double quotes, with `\` `"` and control characters
 *   C-escaped (a newline would end the line), spaces and quotes survive; `%` is doubled.
 * - Exec*= arguments are also expanded at spawn (`$VAR`, `${VAR}`, `$$`): their `$` is doubled so a
 *   `$` reaches the program. The executable (the first word) is never expanded, so its `$` stays.
 *   Its leading `-@:+!` would be read as command prefixes even in quotes (systemd strips them after
 *   unquoting): an executable named so cannot be written, and callers pass absolute paths or names.
 */

/** specifier_escape(): a value written unquoted, with its `%` doubled so that no specifier is resolved in it. */
export const specifierEscape = (s: string): string => s.replaceAll('%', '%%');

// C escapes the unit parser's cunescape() reads back; other control characters as \xNN.
const C_ESCAPES: Readonly<Record<string, string>> = { '\\': '\\\\', '"': '\\"', '\x07': '\\a', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\v': '\\v' };
const cEscape = (s: string): string => {
  let out = '';
  for (const c of s) {
    const code = c.charCodeAt(0);
    out += C_ESCAPES[c] ?? (code < 0x20 || code === 0x7f ? `\\x${code.toString(16).padStart(2, '0')}` : c);
  }
  return out;
};

/** One word of an Environment= (or any unquoting) line: double-quoted, C-escaped, `%` doubled. */
export function quoteWord(value: string): string {
  return `"${specifierEscape(cEscape(value))}"`;
}

/** An Exec*= command line that runs exactly `argv` (argv[0] the executable): every word quoted, the arguments' `$` doubled. */
export function execCommandLine(argv: readonly string[]): string {
  return argv.map((w, i) => (i === 0 ? quoteWord(w) : quoteWord(w).replaceAll('$', '$$$$'))).join(' ');
}
