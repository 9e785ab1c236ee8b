/**
 * The [Install] verbs (enable disable reenable is-enabled mask unmask list-unit-files get-default
 * set-default preset preset-all link revert add-wants add-requires), acting on the unit files under --root, or on the running system's own files without
 * it. Messages and exit codes are systemctl's (see docs/install.md).
 */
import type { VerbContext } from '../context.js';
import { EXIT_FAILURE } from '../context.js';
import { Installer, type InstallResult } from '../../../unit/install.js';
import { wordInstallChanges } from './install-changes.js';
import { mangleNoisily, mangleUnitName } from '../mangle.js';
import { syncSysv } from './sysv-install.js';

/** Verbs that change links: after them, a running manager has to re-read its unit files. */
const CHANGING = new Set(['enable', 'disable', 'reenable', 'mask', 'unmask', 'set-default', 'preset', 'preset-all', 'link', 'revert', 'add-wants', 'add-requires']);

/**
 * Without --root the links changed under a possibly running svcd: it is told (verbs/online.ts:
 * reload unless --no-reload, then --now's start or stop). Loaded only then, so the offline verbs
 * never load the control client. Offline (--root) there is no manager to ask.
 */
async function tellManager(ctx: VerbContext): Promise<number> {
  return (await import('./online.js')).afterInstallChange(ctx);
}

export async function run(ctx: VerbContext): Promise<number> {
  const inst = new Installer(ctx.options.root ?? '', { force: ctx.options.force });
  const needsArgs = ['enable', 'disable', 'reenable', 'is-enabled', 'mask', 'unmask', 'set-default', 'preset', 'link', 'revert'];
  const needsTwo = ctx.verb === 'add-wants' || ctx.verb === 'add-requires';
  if ((needsArgs.includes(ctx.verb) && ctx.args.length === 0) || (needsTwo && ctx.args.length < 2)) {
    ctx.stderr.write('Too few arguments.\n');
    return EXIT_FAILURE;
  }
  const maxArgs: Record<string, number> = { 'get-default': 0, 'set-default': 1, 'preset-all': 0 };
  if (ctx.verb in maxArgs && ctx.args.length > maxArgs[ctx.verb]!) {
    ctx.stderr.write('Too many arguments.\n');
    return EXIT_FAILURE;
  }
  if (needsTwo) {
    // The target is a target unless it says otherwise; the units may be files given by path.
    const target = mangleInstallName(ctx, ctx.args[0]!, 'as target', '.target');
    const units = ctx.args.slice(1).map((a) => (a.includes('/') ? a : mangleInstallName(ctx, a, 'as dependency')));
    return finish(ctx, inst.addDependency(target, units, ctx.verb === 'add-wants' ? 'Wants' : 'Requires', Boolean(ctx.options.runtime)));
  }
  // enable, reenable and link take unit file paths as they are; every other argument is a unit name.
  const keepPaths = ctx.verb === 'enable' || ctx.verb === 'reenable' || ctx.verb === 'link';
  const operation = INSTALL_OPERATION[ctx.verb];
  const named = ctx.args.map((a) => (keepPaths && a.includes('/') ? a : operation ? mangleInstallName(ctx, a, operation) : mangleUnitName(a)));
  if (ctx.verb === 'link') {
    const paths = linkPaths(ctx, named);
    if (paths === undefined) return EXIT_FAILURE;
    return finish(ctx, inst.link(paths, Boolean(ctx.options.runtime)));
  }
  // Init scripts first, as systemctl: a name with only a script is done there and then.
  const sysv = syncSysv(ctx, inst, named);
  if (sysv.status !== undefined) return sysv.status;
  const units = sysv.units;
  if (named.length > 0 && units.length === 0) {
    if (ctx.verb === 'is-enabled') return sysv.enabled ? 0 : 1;
    if (ctx.options.root === undefined) return tellManager(ctx);
    return 0;
  }
  const runtime = Boolean(ctx.options.runtime);
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
    case 'set-default': r = inst.setDefault(mangleTarget(ctx, ctx.args[0]!)); break;
    case 'preset': r = inst.preset(units, runtime, ctx.options.presetMode); break;
    case 'preset-all': r = inst.presetAll(runtime, ctx.options.presetMode); break;
    case 'revert': r = inst.revert(units); break;
    default: return EXIT_FAILURE;
  }
  return finish(ctx, r, sysv.enabled);
}

/** Prints what the verb did; after a change, tells the running manager (or, offline, refuses --now). */
async function finish(ctx: VerbContext, r: InstallResult, sysvEnabled = false): Promise<number> {
  ctx.stdout.write(r.stdout);
  // --quiet keeps only the errors and warnings: what was linked or removed, and the notes, go unsaid.
  ctx.stderr.write(wordInstallChanges(ctx.options.quiet ? r.changes.filter((c) => c.type === 'message') : r.changes, ctx.env));
  if (ctx.verb === 'is-enabled' && sysvEnabled) return 0;
  if (r.status !== 0 || !CHANGING.has(ctx.verb)) return r.status;
  if (ctx.options.root === undefined) return tellManager(ctx);
  if (ctx.options.now) {
    // systemctl --root --now writes the links, then fails for want of a manager; so do we.
    ctx.stderr.write(`--now needs a running manager; the unit files were changed, no unit was ${ctx.verb.includes('dis') || ctx.verb === 'mask' ? 'stopped' : 'started'}.\n`);
    return EXIT_FAILURE;
  }
  return r.status;
}

/**
 * The words systemctl's install verbs put in "Glob pattern passed OPERATION, but globs are not
 * supported for this." (mangle_names' operation): the verbs that take unit names and no patterns.
 */
const INSTALL_OPERATION: Readonly<Record<string, string>> = {
  enable: 'to enable', disable: 'to disable', reenable: 'to reenable', 'is-enabled': 'to check', mask: 'to mask',
  unmask: 'to unmask', preset: 'to preset', revert: 'to revert', link: 'to link',
};

/**
 * A unit name mangled as systemctl's install verbs mangle theirs: globs are no patterns here but
 * escaped like any other foreign byte, and each escape is noted on stderr ("Invalid unit name … escaped
 * as …"; --quiet silences it, as in systemctl).
 */
function mangleInstallName(ctx: VerbContext, name: string, operation: string, suffix = '.service'): string {
  return mangleNoisily(ctx, name, { operation, suffix });
}

/** set-default takes a target: a bare name gets .target, not .service (systemctl names the operation without "to"). */
function mangleTarget(ctx: VerbContext, name: string): string {
  return mangleInstallName(ctx, name, 'set-default', '.target');
}

/**
 * link's arguments as systemctl takes them: a path is made absolute against the working directory; a bare name is a unit name, refused, since link wants a file.
 */
function linkPaths(ctx: VerbContext, named: readonly string[]): string[] | undefined {
  const out: string[] = [];
  for (const name of named) {
    if (name.includes('/')) {
      out.push(name.startsWith('/') ? name : `${process.cwd()}/${name}`);
      continue;
    }
    if (ctx.options.root !== undefined) ctx.stderr.write(`Non-absolute paths are not allowed when --root is used: ${name}\n`);
    else ctx.stderr.write(`Link argument must contain at least one directory separator.\nIf you intended to link a file in the current directory, try ./${name} instead.\n`);
    return undefined;
  }
  return out;
}
