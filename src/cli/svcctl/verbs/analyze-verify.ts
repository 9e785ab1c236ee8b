import type { VerbContext } from '../context.js';

// Placeholder: replaced by the owner of this verb.
export async function run(ctx: VerbContext): Promise<number> {
  ctx.stderr.write(`svcctl: '${ctx.verb}' is not implemented yet\n`);
  return 1;
}
