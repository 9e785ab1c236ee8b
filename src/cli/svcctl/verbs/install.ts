/**
 * The [Install] verbs (enable disable reenable is-enabled mask unmask list-unit-files get-default
 * set-default), acting on the unit files under --root (or the real system's). When a daemon is
 * running, the online variant will follow each change with a daemon-reload (not yet: see docs).
 */
import type { VerbContext } from '../context.js';
import { EXIT_FAILURE } from '../context.js';
import { Installer, type InstallResult } from '../../../unit/install.js';
import { mangleUnitName } from '../mangle.js';

export async function run(ctx: VerbContext): Promise<number> {
  const inst = new Installer(ctx.options.root ?? '');
  const units = ctx.args.map(mangleUnitName);
  const runtime = Boolean(ctx.options.runtime);
  const needsArgs = ['enable', 'disable', 'reenable', 'is-enabled', 'mask', 'unmask', 'set-default'];
  if (needsArgs.includes(ctx.verb) && ctx.args.length === 0) {
    ctx.stderr.write('Too few arguments.\n');
    return EXIT_FAILURE;
  }
  let r: InstallResult;
  switch (ctx.verb) {
    case 'enable': r = inst.enable(units, runtime); break;
    case 'disable': r = inst.disable(units, runtime); break;
    case 'reenable': r = inst.reenable(units, runtime); break;
    case 'is-enabled': r = inst.isEnabled(units, ctx.options.quiet); break;
    case 'mask': r = inst.mask(units, runtime); break;
    case 'unmask': r = inst.unmask(units, runtime); break;
    case 'list-unit-files': r = inst.listUnitFiles(ctx.args, ctx.options.type, ctx.options.state, !ctx.options.noLegend); break;
    case 'get-default': r = inst.getDefault(); break;
    case 'set-default': r = inst.setDefault(mangleTarget(ctx.args[0]!)); break;
    default: return EXIT_FAILURE;
  }
  ctx.stdout.write(r.stdout);
  ctx.stderr.write(r.stderr);
  return r.status;
}

/** set-default takes a target; a bare name is not turned into a .service. */
function mangleTarget(name: string): string {
  return /\.[a-z]+$/.test(name) ? name : `${name}.target`;
}
