/**
 * strerror()'s wording for the errno codes file reads meet, as systemd's tools print them (%m);
 * the one table every layer that reports a failed read takes its text from.
 */
const STRERROR: Readonly<Record<string, string>> = {
  ENOENT: 'No such file or directory',
  EACCES: 'Permission denied',
  EISDIR: 'Is a directory',
  ELOOP: 'Too many levels of symbolic links',
  ENOTDIR: 'Not a directory',
  EIO: 'Input/output error',
};

/** The text of a Node file-system error, as %m prints its errno. */
export function strerror(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code ?? '';
  return STRERROR[code] ?? (e as Error).message;
}
