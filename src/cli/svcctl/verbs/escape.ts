/**
 * `svcctl escape`: systemd-escape(1), same flags, output and messages (an svcd extension of the
 * CLI contract, documented in docs/names.md).
 */
import type { VerbContext } from '../context.js';
import { EXIT_FAILURE, EXIT_SUCCESS } from '../context.js';
import { instantiate, isTemplate, parseUnitName, templateOf, unitTypeFromString } from '../../../unit/name.js';
import { unitNameEscape, unitNameMangle, unitNamePathEscape, unitNamePathUnescape, unitNameUnescape } from '../../../unit/escape.js';

export async function run(ctx: VerbContext): Promise<number> {
  const o = ctx.options;
  const fail = (msg: string) => {
    ctx.stderr.write(`${msg}\n`);
    return EXIT_FAILURE;
  };
  if (o.suffix !== undefined && !unitTypeFromString(o.suffix)) return fail(`Invalid unit suffix type "${o.suffix}".`);
  if (o.template !== undefined) {
    const t = parseUnitName(o.template);
    if (!t || !isTemplate(t)) return fail(`Template name ${o.template} is not valid.`);
    if (o.suffix !== undefined) return fail('--suffix= and --template= may not be combined.');
  }
  if (o.unescape && o.suffix !== undefined) return fail('--suffix is not compatible with --unescape.');
  if (o.mangle && o.path) return fail('--path may not be combined with --mangle.');
  if (o.instance && !o.unescape) return fail('--instance must be used in conjunction with --unescape.');
  if (o.instance && o.template !== undefined) return fail('--instance may not be combined with --template.');

  const out: string[] = [];
  for (const arg of ctx.args) {
    if (o.unescape) {
      let s = arg;
      if (o.template !== undefined || o.instance) {
        const p = parseUnitName(arg);
        if (!p || p.instance === null) return fail(`Input ${arg} is not a template instance.`);
        if (o.template !== undefined && templateOf(arg) !== o.template) {
          return fail(`Unit ${arg} template ${templateOf(arg)} does not match specified template ${o.template}.`);
        }
        s = p.instance;
      }
      const r = o.path ? unitNamePathUnescape(s) : unitNameUnescape(s);
      if (!r.ok) return fail(`Failed to unescape string: ${r.error}`);
      out.push(r.value);
    } else if (o.mangle) {
      out.push(unitNameMangle(arg));
    } else {
      let e: string;
      if (o.path) {
        if (arg === '') ctx.stderr.write(`Input '${arg}' is not a valid file system path, escaping is likely not going be reversible.\n`);
        else if (!arg.startsWith('/')) ctx.stderr.write(`Input '${arg}' is not an absolute file system path, escaping is likely not going to be reversible.\n`);
        const r = unitNamePathEscape(arg);
        if (!r.ok) return fail(`Input '${arg}' is not a normalized file system path, failed to escape.`);
        e = r.value;
      } else e = unitNameEscape(arg);
      if (o.template !== undefined) e = instantiate(o.template, e);
      else if (o.suffix !== undefined) e = `${e}.${o.suffix}`;
      out.push(e);
    }
  }
  ctx.stdout.write(`${out.join(' ')}\n`);
  return EXIT_SUCCESS;
}
