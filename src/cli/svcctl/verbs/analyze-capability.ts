/**
 * `svcctl analyze capability [CAPABILITY…]`: systemd-analyze 252's table of capability names and
 * numbers, from the capability table unit values use. Without arguments, every capability systemd
 * 252 was built to know; with arguments, one row each (a name in any case, or a number), sorted by
 * number as systemd's table is; the first unknown one ends it with exit status 1 and nothing printed.
 */
import { CAPABILITY_NAMES, capabilityFromName } from '../../../unit/values/capability.js';
import type { VerbContext } from '../context.js';

function table(rows: readonly number[]): string {
  const names = rows.map((n) => CAPABILITY_NAMES[n]!.toLowerCase());
  const nameWidth = Math.max(4, ...names.map((n) => n.length));
  const numberWidth = Math.max(6, ...rows.map((n) => String(n).length));
  const line = (name: string, num: string) => `${name.padEnd(nameWidth)} ${num.padStart(numberWidth)}\n`;
  return line('NAME', 'NUMBER') + rows.map((n, i) => line(names[i]!, String(n))).join('');
}

export async function run(ctx: VerbContext): Promise<number> {
  if (ctx.args.length === 0) {
    ctx.stdout.write(table(CAPABILITY_NAMES.map((_, i) => i)));
    return 0;
  }
  const rows: number[] = [];
  for (const arg of ctx.args) {
    const cap = capabilityFromName(arg);
    // A number past the table is a valid bit for unit files but no capability this table names.
    if (cap === undefined || cap >= CAPABILITY_NAMES.length) {
      ctx.stderr.write(`Capability "${arg}" not known.\n`);
      return 1;
    }
    rows.push(cap);
  }
  ctx.stdout.write(table(rows.sort((a, b) => a - b)));
  return 0;
}
