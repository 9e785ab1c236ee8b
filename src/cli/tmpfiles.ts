/**
 * svcd-tmpfiles' entry point (libexec/svcd-tmpfiles): the program of src/unit/tmpfiles-program.ts
 * with the xattr and inode-flag calls of svcd's native addon, which the unit layer cannot import.
 */
import type { Buffer } from 'node:buffer';
import { err, ok, type Result } from '../shared/result.js';
import { errnoName, inodeFlags, lgetxattr, lsetxattr, setInodeFlags } from '../exec/native.js';
import type { SysError } from '../unit/tmpfiles/inode-flags.js';
import { tmpfilesMain, type NativeCalls } from '../unit/tmpfiles-program.js';

/** The addon throws "syscall: strerror text": the text is what systemd's messages show (%m). */
const reason = (e: unknown): string => (e as Error).message.replace(/^[^:]*: /, '');

const sysError = (e: unknown): SysError => ({ code: errnoName((e as { errno?: number }).errno ?? 5), text: reason(e) });

export const NATIVE_CALLS: NativeCalls = {
  getxattr(path: string, name: string): Result<Buffer | undefined, string> {
    try {
      return ok(lgetxattr(path, name) ?? undefined);
    } catch (e) {
      return err(reason(e));
    }
  },
  setxattr(path: string, name: string, value: Buffer): Result<void, string> {
    try {
      lsetxattr(path, name, value);
      return ok(undefined);
    } catch (e) {
      return err(reason(e));
    }
  },
  getInodeFlags(path: string): Result<number, SysError> {
    try {
      return ok(inodeFlags(path));
    } catch (e) {
      return err(sysError(e));
    }
  },
  setInodeFlags(path: string, flags: number): Result<void, SysError> {
    try {
      setInodeFlags(path, flags);
      return ok(undefined);
    } catch (e) {
      return err(sysError(e));
    }
  },
};

export function svcdTmpfilesMain(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): number {
  return tmpfilesMain(argv, env, NATIVE_CALLS);
}
