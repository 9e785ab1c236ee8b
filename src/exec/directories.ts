/**
 * RuntimeDirectory=, StateDirectory=, CacheDirectory=, LogsDirectory=, ConfigurationDirectory=
 * (systemd.exec(5)): created below /run, /var/lib, /var/cache, /var/log and /etc before the first
 * command runs, with their *Mode= (default 0755), owned by User=/Group= (ConfigurationDirectory=
 * stays root's). RuntimeDirectory= is removed again when the unit stops, unless
 * RuntimeDirectoryPreserve=yes.
 */
import { chmodSync, chownSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { ExecContext } from '../unit/model.js';
import { resolveCredentials } from './exec-context.js';

const ROOTS = [
  ['runtimeDirectory', 'runtimeDirectoryMode', '/run'],
  ['stateDirectory', 'stateDirectoryMode', '/var/lib'],
  ['cacheDirectory', 'cacheDirectoryMode', '/var/cache'],
  ['logsDirectory', 'logsDirectoryMode', '/var/log'],
  ['configurationDirectory', 'configurationDirectoryMode', '/etc'],
] as const;

/** Creates the directories; returns an error text (systemd's step 233–241 failures) or undefined. */
export function prepareDirectories(ctx: ExecContext): string | undefined {
  const cred = ctx.user !== undefined || ctx.group !== undefined ? resolveCredentials(ctx.user, ctx.group, []) : undefined;
  if (typeof cred === 'string') return cred;
  for (const [list, modeKey, root] of ROOTS) {
    for (const rel of ctx[list]) {
      const path = join(root, rel);
      try {
        mkdirSync(path, { recursive: true });
        chmodSync(path, ctx[modeKey] ?? 0o755);
        if (cred && list !== 'configurationDirectory') chownSync(path, cred.uid, cred.gid);
      } catch (e) {
        return `Failed to set up ${list.replace('Directory', '')} directory ${path}: ${(e as Error).message}`;
      }
    }
  }
  return undefined;
}

export function removeRuntimeDirectories(ctx: ExecContext): void {
  if (ctx.runtimeDirectoryPreserve === 'yes') return;
  for (const rel of ctx.runtimeDirectory) rmSync(join('/run', rel), { recursive: true, force: true });
}
