/**
 * errno's names and strerror()'s words, the one table every layer takes them from: systemd's
 * tools print strerror() of the errno a call failed with (%m), so each message here must read as
 * glibc words it. Node errors carry the name (`code`); the native addon hands back the number.
 */
import { constants as osConstants } from 'node:os';

/** glibc's strerror() text by errno name, for the codes svcd's messages meet. */
const STRERROR = {
  EPERM: 'Operation not permitted',
  ENOENT: 'No such file or directory',
  EIO: 'Input/output error',
  EACCES: 'Permission denied',
  EBUSY: 'Device or resource busy',
  EEXIST: 'File exists',
  ENOTDIR: 'Not a directory',
  EISDIR: 'Is a directory',
  EINVAL: 'Invalid argument',
  ENOSPC: 'No space left on device',
  EROFS: 'Read-only file system',
  ENAMETOOLONG: 'File name too long',
  ENOTEMPTY: 'Directory not empty',
  ELOOP: 'Too many levels of symbolic links',
  ENOMEDIUM: 'No medium found',
  EBADSLT: 'Invalid slot',
  ERANGE: 'Numerical result out of range',
  EBADMSG: 'Bad message',
  ENOBUFS: 'No buffer space available',
  ENOLINK: 'Link has been severed',
} as const satisfies Readonly<Record<string, string>>;

/** An errno whose strerror() text the table holds. */
export type KnownErrno = keyof typeof STRERROR;

/** strerror() of an errno the caller knows the table holds. */
export function strerrorOf<K extends KnownErrno>(code: K): (typeof STRERROR)[K] {
  return STRERROR[code];
}

/** strerror() of an errno name, or undefined for a name outside the table. */
export function strerrorName(code: string): string | undefined {
  return Object.hasOwn(STRERROR, code) ? STRERROR[code as KnownErrno] : undefined;
}

/** The text of a Node file-system error, as %m prints its errno (Node's own message for codes outside the table). */
export function strerror(e: unknown): string {
  return strerrorName((e as NodeJS.ErrnoException | undefined)?.code ?? '') ?? (e as Error).message;
}

const ERRNO_NAMES: ReadonlyMap<number, string> = (() => {
  const m = new Map<number, string>();
  // Aliases share a number; keep the names glibc's strerrorname_np gives.
  const preferred = new Set(['EAGAIN', 'EDEADLK', 'EOPNOTSUPP']);
  for (const [name, n] of Object.entries(osConstants.errno)) {
    if (!m.has(n) || preferred.has(name)) m.set(n, name);
  }
  return m;
})();

/** "ENOENT" for 2; "errno N" for numbers Node does not know. */
export function errnoName(errno: number): string {
  return ERRNO_NAMES.get(errno) ?? `errno ${errno}`;
}
