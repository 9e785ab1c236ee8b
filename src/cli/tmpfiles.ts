/**
 * svcd-tmpfiles' entry point (libexec/svcd-tmpfiles): the program of src/unit/tmpfiles-program.ts
 * with the xattr calls of svcd's native addon, which the unit layer cannot import.
 */
import type { Buffer } from 'node:buffer';
import { err, ok, type Result } from '../shared/result.js';
import { lgetxattr, lsetxattr } from '../exec/native.js';
import type { XattrCalls } from '../unit/tmpfiles/apply-attributes.js';
import { tmpfilesMain } from '../unit/tmpfiles-program.js';

/** The addon throws "syscall: strerror text": the text is what systemd's messages show (%m). */
const reason = (e: unknown): string => (e as Error).message.replace(/^[^:]*: /, '');

export const NATIVE_XATTR_CALLS: XattrCalls = {
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
};

export function svcdTmpfilesMain(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): number {
  return tmpfilesMain(argv, env, NATIVE_XATTR_CALLS);
}
