/**
 * Shell quoting as systemd prints it: `shellMaybeQuote` for a command line's words (journald's
 * _CMDLINE=, systemctl status' CGroup: tree), `shellQuotePosix` for show-environment's values.
 *
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

/**
 * One word of a command line as systemd shows it (shell_maybe_quote() with SHELL_ESCAPE_EMPTY):
 * as it is when nothing in it means anything to the shell, else in double quotes with " \ ` $
 * escaped; the empty word as "" (so `-pa ""` keeps its empty argument visible).
 */
export function shellMaybeQuote(arg: string): string {
  if (arg === '') return '""';
  let i = 0;
  for (; i < arg.length; i++) {
    const c = arg.charCodeAt(i);
    if (c <= 0x20 || c >= 0x7f || `"\\\`$*?['()<>|&;!`.includes(arg[i]!)) break;
  }
  if (i === arg.length) return arg;
  return `"${arg.slice(0, i)}${arg.slice(i).replace(/["\\`$]/g, '\\$&')}"`;
}

/** A process's command line (/proc/PID/cmdline: words ended by NULs) as systemd shows it, word by word. */
export function quoteCommandLine(nulSeparated: string): string {
  // Trailing NULs end the last word, or pad an area a daemon rewrote ("nginx: worker process"
  // followed by the NULs of its old arguments): no empty words of their own. Inner ones stay ("").
  const end = nulSeparated.search(/\0*$/);
  return end === 0 ? '' : nulSeparated.slice(0, end).split('\0').map(shellMaybeQuote).join(' ');
}
