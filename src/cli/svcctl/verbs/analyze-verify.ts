import type { VerbContext } from '../context.js';
import { EXIT_FAILURE } from '../context.js';
import { verifyFiles } from '../../../unit/verify.js';

/** `svcctl analyze verify FILE…`: systemd-analyze verify's messages (on stderr) and exit code. */
export async function run(ctx: VerbContext): Promise<number> {
  if (ctx.args.length === 0) {
    ctx.stderr.write('Too few arguments.\n');
    return EXIT_FAILURE;
  }
  const out = verifyFiles(ctx.args, ctx.env);
  for (const l of out.lines) ctx.stderr.write(`${l}\n`);
  return out.status;
}
