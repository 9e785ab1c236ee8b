/**
 * systemctl's SysV compatibility for enable, disable and is-enabled (enable_sysv_units): a
 * `.service` name with an /etc/init.d script has that script's rc links kept in step by
 * systemd-sysv-install — the only thing done when there is no native unit file, in addition to
 * the native links when there is one (is-enabled then asks the native unit only). The helper is
 * systemd's where the image has it, else svcd's own (libexec/), which calls update-rc.d likewise.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import { join } from 'node:path';
import type { VerbContext } from '../context.js';
import type { Installer } from '../../../unit/install.js';
import { BUILTIN_LIBEXEC_DIR } from '../../../shared/package-root.js';

const SYSV_VERBS = new Set(['enable', 'disable', 'is-enabled']);
const SYSTEMD_HELPER = '/lib/systemd/systemd-sysv-install';

export interface SysvOutcome {
  /** The names left for the native installer (those with no unit file of their own are done). */
  readonly units: string[];
  /** Set when the verb failed, or when nothing is left and this is the verb's result. */
  readonly status?: number;
  /** is-enabled: whether a script answered enabled. */
  readonly enabled: boolean;
}

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The helper to run and how it is named in "Executing: …" (a root's own helper runs chrooted by itself). */
function helper(root: string): string {
  return executable(join(root || '/', SYSTEMD_HELPER)) ? SYSTEMD_HELPER : join(BUILTIN_LIBEXEC_DIR, 'systemd-sysv-install');
}

export function syncSysv(ctx: VerbContext, inst: Installer, units: readonly string[]): SysvOutcome {
  const left = [...units];
  let enabled = false;
  if (!SYSV_VERBS.has(ctx.verb) || ctx.env.SYSTEMCTL_SKIP_SYSV === '1' || ctx.env.SYSTEMCTL_SKIP_SYSV === 'true') return { units: left, enabled };
  const root = ctx.options.root ?? '';
  for (const name of units) {
    if (!name.endsWith('.service') || name.includes('/')) continue;
    const native = inst.hasNativeUnit(name);
    if (native && ctx.verb === 'is-enabled') continue;
    const script = name.slice(0, -'.service'.length);
    if (!existsSync(join(root || '/', '/etc/init.d', script))) continue;
    const program = helper(root);
    // systemd's helper is run from the host with --root=; it chroots for update-rc.d itself.
    const argv = [program, ...(root ? [`--root=${root}`] : []), ctx.verb, script];
    if (!ctx.options.quiet) {
      ctx.stderr.write(native
        ? `Synchronizing state of ${name} with SysV service script with ${program}.\n`
        : `${name} is not a native service, redirecting to systemd-sysv-install.\n`);
      ctx.stderr.write(`Executing: ${argv.join(' ')}\n`);
    }
    const r = spawnSync(argv[0]!, argv.slice(1), { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, ...ctx.env } });
    const ok = r.status === 0;
    if (ctx.verb === 'is-enabled') {
      if (!ctx.options.quiet) ctx.stdout.write(ok ? 'enabled\n' : 'disabled\n');
      enabled ||= ok;
    } else if (!ok) {
      // systemctl says nothing more: the helper has explained itself.
      return { units: left, status: 1, enabled };
    }
    if (!native) left.splice(left.indexOf(name), 1);
  }
  return { units: left, enabled };
}
