/**
 * `svcctl analyze exit-status [STATUS...]`: `systemd-analyze exit-status` (252) from the shared
 * exit-status table. Without arguments, every known status; with arguments, one row each (an unnamed
 * number shows "-"), and the first argument that is neither a name nor a number 0…255 ends it with
 * exit status 1.
 */
import type { VerbContext } from '../context.js';
import { EXIT_STATUSES, exitStatusEntry, exitStatusFromString } from '../../../shared/exit-status.js';

/** systemd's table layout for these three columns: NAME left, STATUS right, CLASS last and unpadded. */
function table(rows: readonly (readonly [name: string, status: number, cls: string])[]): string {
  const nameWidth = Math.max(4, ...rows.map(([n]) => n.length));
  const statusWidth = Math.max(6, ...rows.map(([, s]) => String(s).length));
  const line = (n: string, s: string, c: string) => `${n.padEnd(nameWidth)} ${s.padStart(statusWidth)} ${c}\n`;
  return line('NAME', 'STATUS', 'CLASS') + rows.map(([n, s, c]) => line(n, String(s), c)).join('');
}

export async function run(ctx: VerbContext): Promise<number> {
  if (ctx.args.length === 0) {
    ctx.stdout.write(table(EXIT_STATUSES.map((e) => [e.name, e.status, e.class] as const)));
    return 0;
  }
  const rows: [string, number, string][] = [];
  for (const arg of ctx.args) {
    const r = exitStatusFromString(arg);
    if (!r.ok) {
      ctx.stderr.write(`Invalid exit status "${arg}".\n`);
      return 1;
    }
    const e = exitStatusEntry(r.value);
    rows.push([e?.name ?? '-', r.value, e?.class ?? '-']);
  }
  ctx.stdout.write(table(rows));
  return 0;
}
