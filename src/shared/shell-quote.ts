/**
 * A value as a POSIX shell reads it back, the way systemctl show-environment prints values
 * (systemd's shell_maybe_quote() with ESCAPE_POSIX): as it is when no character in it means
 * anything to the shell, else in `$'…'` with C escapes. Characters outside ASCII stay as they are.
 */

/** Characters after which a word is not the same word to the shell any more. */
// eslint-disable-next-line no-control-regex
const NEEDS_QUOTES = /[\x00-\x1f\x7f"\\`$*?['()<>|&;! ]/;

const NAMED_ESCAPES: Readonly<Record<string, string>> = {
  '\x07': '\\a', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\v': '\\v', '\\': '\\\\', "'": "\\'",
};

export function shellQuotePosix(value: string): string {
  if (!NEEDS_QUOTES.test(value)) return value;
  // eslint-disable-next-line no-control-regex
  const body = value.replace(/[\x00-\x1f\x7f\\']/g, (c) => NAMED_ESCAPES[c] ?? `\\${c.charCodeAt(0).toString(8).padStart(3, '0')}`);
  return `$'${body}'`;
}
