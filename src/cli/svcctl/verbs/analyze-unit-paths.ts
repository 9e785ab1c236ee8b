/**
 * `svcctl analyze unit-paths`: the system manager's unit search path as systemd-analyze 252 prints it
 * (the directories systemd.unit(5) lists, the shared table svcd's own lookup is cut from).
 * SYSTEMD_UNIT_PATH replaces it, and a trailing ":" appends it; relative entries are made absolute
 * and repeated ones dropped, as systemd's lookup_paths_init() does.
 */
import { resolve } from 'node:path';
import { SYSTEM_UNIT_PATH } from '../../../shared/lookup-paths.js';
import type { VerbContext } from '../context.js';
import { noArguments } from './boot-times.js';

export function unitPaths(env: Readonly<Record<string, string | undefined>>): string[] {
  const e = env.SYSTEMD_UNIT_PATH;
  if (e === undefined || e === '') return [...SYSTEM_UNIT_PATH];
  const given = e.split(':').filter((p) => p !== '').map((p) => resolve(p));
  return [...new Set(e.endsWith(':') ? [...given, ...SYSTEM_UNIT_PATH] : given)];
}

export async function run(ctx: VerbContext): Promise<number> {
  if (!noArguments(ctx)) return 1;
  ctx.stdout.write(unitPaths(ctx.env).map((p) => `${p}\n`).join(''));
  return 0;
}
