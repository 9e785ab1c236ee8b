/**
 * svcd-tmpfiles: svcd's own systemd-tmpfiles, for images without systemd — `[--root=DIR]
 * [--create] [--clean] [--remove] [--boot] [--prefix=P] [--exclude-prefix=P] [CONFIG…]`, tmpfiles.d(5) applied as systemd-tmpfiles 252
 * applies it (tmpfiles/run.ts; --clean's ages in tmpfiles/clean.ts). Messages go to stderr
 * up to $SYSTEMD_LOG_LEVEL (info by default). The system calls Node lacks are made by coreutils'
 * mkfifo and mknod (this program is a process of its own, not the manager, so spawning them steals
 * no child from svcd's reaper), and the xattr and inode-flag calls by the native addon, which the
 * caller passes in (a later layer: src/cli/tmpfiles.ts).
 */
import { spawnSync } from 'node:child_process';
import { isAbsolute, resolve } from 'node:path';
import { err, ok, type Result } from '../shared/result.js';
import { parseLogLevel } from './values/enum.js';
import type { SpecialFiles } from './tmpfiles/apply.js';
import type { XattrCalls } from './tmpfiles/apply-attributes.js';
import type { InodeFlagCalls } from './tmpfiles/inode-flags.js';

/** What the native addon does for this program (file attributes, xattrs, ACLs). */
export type NativeCalls = XattrCalls & InodeFlagCalls;
import type { Report } from './tmpfiles/parse.js';
import { runTmpfiles } from './tmpfiles/run.js';

const USAGE = 'svcd-tmpfiles [--root=DIR] [--create] [--clean] [--remove] [--boot] [--prefix=PATH] [--exclude-prefix=PATH] [CONFIG_FILE...]\n';

function tool(argv: string[]): Result<void, string> {
  const r = spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'] });
  if (r.error) return err(r.error.message);
  return r.status === 0 ? ok(undefined) : err(r.stderr.trim() || `${argv[0]} exited with status ${r.status}`);
}

const octal = (mode: number): string => mode.toString(8).padStart(4, '0');

/** The node-making calls, by coreutils; the xattr and inode-flag calls are the caller's (src/cli/tmpfiles.ts). */
export const SPAWNED_SPECIAL_FILES: Omit<SpecialFiles, keyof NativeCalls> = {
  mkfifo: (path, mode) => tool(['mkfifo', '-m', octal(mode), path]),
  mknod: (path, kind, major, minor, mode) => tool(['mknod', '-m', octal(mode), path, kind, String(major), String(minor)]),
};

/** A report to stderr, up to the level $SYSTEMD_LOG_LEVEL names. */
export function stderrReport(env: Readonly<Record<string, string | undefined>>, write: (s: string) => void): Report {
  const wanted = parseLogLevel(env.SYSTEMD_LOG_LEVEL ?? 'info');
  const max = parseLogLevel.values.indexOf(wanted.ok ? wanted.value : 'info');
  return (level, text) => {
    if (parseLogLevel.values.indexOf(level) <= max) write(`${text}\n`);
  };
}

export function tmpfilesMain(argv: readonly string[], env: Readonly<Record<string, string | undefined>>, native: NativeCalls): number {
  let root: string | undefined;
  let create = false;
  let remove = false;
  let clean = false;
  let boot = false;
  const files: string[] = [];
  const prefixes: string[] = [];
  const excludePrefixes: string[] = [];
  for (const a of argv) {
    if (a.startsWith('--root=')) root = resolve(a.slice('--root='.length));
    else if (a.startsWith('--prefix=')) prefixes.push(a.slice('--prefix='.length));
    else if (a.startsWith('--exclude-prefix=')) excludePrefixes.push(a.slice('--exclude-prefix='.length));
    else if (a === '--create') create = true;
    else if (a === '--remove') remove = true;
    else if (a === '--clean') clean = true;
    else if (a === '--boot') boot = true;
    else if (a === '--help' || a === '-h') {
      process.stdout.write(USAGE);
      return 0;
    } else if (a.startsWith('-')) {
      process.stderr.write(`svcd-tmpfiles: unsupported option ${a}\n${USAGE}`);
      return 1;
    } else files.push(isAbsolute(a) ? a : resolve(a));
  }
  if (!create && !remove && !clean) {
    process.stderr.write('You need to specify at least one of --clean, --create or --remove.\n');
    return 1;
  }
  process.umask(0o022);
  return runTmpfiles({
    root, create, remove, clean, boot, env, prefixes, excludePrefixes,
    files: files.length > 0 ? files : undefined,
    special: { ...SPAWNED_SPECIAL_FILES, ...native },
    report: stderrReport(env, (s) => process.stderr.write(s)),
  });
}
