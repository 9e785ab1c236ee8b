/**
 * `svcctl analyze critical-chain [UNIT…] [--fuzz=SPAN]`: the tree of units each one waited for, as
 * systemd-analyze 252 draws it. From a unit, the chain goes on through its After= units that came up
 * last (within --fuzz of the last, default 0) before the boot finished; a unit seen before in the same
 * tree is not followed again ("..."). Without a unit, the boot unit's chain (systemd's default.target).
 */
import { formatTimespan, parseTimespan, USEC_INFINITY, USEC_PER_MSEC } from '../../../shared/timespan.js';
import type { VerbContext } from '../context.js';
import { colorsEnabled } from './analyze-timespan.js';
import { acquireTimeData, AnalyzeError, guarded, rpc, showProperties, type BootTimes, type UnitTimes } from './boot-times.js';

const HIGHLIGHT_RED = '\x1b[0;1;31m';
const NORMAL = '\x1b[0m';

const HEADER = 'The time when unit became active or started is printed after the "@" character.\n'
  + 'The time the unit took to start is printed after the "+" character.\n\n';

interface Chain {
  readonly boot: BootTimes;
  readonly times: ReadonlyMap<string, UnitTimes>;
  readonly fuzz: bigint;
  readonly color: boolean;
  readonly out: string[];
}

const span = (us: bigint) => formatTimespan(us, USEC_PER_MSEC);
const isSet = (us: bigint) => us > 0n && us !== USEC_INFINITY;

function red(c: Chain, text: string): string {
  return c.color ? `${HIGHLIGHT_RED}${text}${NORMAL}` : text;
}

/** One line of the tree: the branches of the levels above, this one's, the unit and its times. */
function printLine(c: Chain, name: string, level: number, branches: number, last: boolean, t: UnitTimes | undefined): void {
  let line = '';
  for (let i = level; i > 0; i--) line += branches & (1 << (i - 1)) ? '│ ' : '  ';
  line += last ? '└─' : '├─';
  if (t && t.activating >= c.boot.userspace) {
    line += isSet(t.time) ? red(c, `${name} @${span(t.activating - c.boot.userspace)} +${span(t.time)}`) : `${name} @${span(t.activated - c.boot.userspace)}`;
  } else line += name;
  c.out.push(`${line}\n`);
}

/** Came up, and before the boot finished. */
const inRange = (c: Chain, t: UnitTimes | undefined): t is UnitTimes => t !== undefined && t.activated > 0n && t.activated <= c.boot.finish;

function follow(c: Chain, after: readonly string[], level: number, seen: Set<string>, branches: number): void {
  // The latest first; equal times keep their order (a stable sort, as glibc's qsort is here).
  const activated = (n: string) => c.times.get(n)?.activated ?? 0n;
  const deps = [...after].sort((a, b) => (activated(a) === activated(b) ? 0 : activated(a) > activated(b) ? -1 : 1));
  let longest = 0n;
  for (const d of deps) {
    const t = c.times.get(d);
    if (inRange(c, t) && t.activated >= longest) longest = t.activated;
  }
  if (longest === 0n) return;
  const chosen = deps.filter((d) => {
    const t = c.times.get(d);
    return inRange(c, t) && longest - t.activated <= c.fuzz;
  });
  let toPrint = chosen.length;
  for (const d of chosen) {
    toPrint--;
    printLine(c, d, level, branches, toPrint === 0, c.times.get(d));
    const next = (branches << 1) | (toPrint > 0 ? 1 : 0);
    if (seen.has(d)) {
      printLine(c, '...', level + 1, next, true, undefined);
      continue;
    }
    seen.add(d);
    follow(c, c.times.get(d)?.after ?? [], level + 1, seen, next);
  }
}

async function chainOf(ctx: VerbContext, c: Chain, name: string): Promise<void> {
  let props;
  try {
    props = await showProperties(ctx, name, ['Id', 'After']);
  } catch (e) {
    // systemd-analyze goes on with the next unit when one cannot be asked about.
    if (e instanceof AnalyzeError) return void ctx.stderr.write(`Failed to get ID: ${e.text ?? ''}\n`);
    throw e;
  }
  const id = props.get('Id') ?? name;
  const t = c.times.get(id);
  if (t) {
    if (t.time > 0n) c.out.push(`${red(c, `${id} +${span(t.time)}`)}\n`);
    else if (t.activated > c.boot.userspace) c.out.push(`${id} @${span(t.activated - c.boot.userspace)}\n`);
    else c.out.push(`${id}\n`);
  }
  const after = (props.get('After') ?? '').split(' ').filter((x) => x !== '');
  follow(c, after, 0, new Set([name]), 0);
}

export async function run(ctx: VerbContext): Promise<number> {
  return guarded(ctx, async () => {
    let fuzz = 0n;
    if (ctx.options.fuzz !== undefined) {
      const r = parseTimespan(ctx.options.fuzz);
      // systemd-analyze 252 fails here without a word.
      if (!r.ok) throw new AnalyzeError(undefined);
      fuzz = r.value;
    }
    const { boot, units } = await acquireTimeData(ctx, true);
    if (units.length === 0) return 0;
    const c: Chain = { boot, times: new Map(units.map((u) => [u.id, u])), fuzz, color: colorsEnabled(ctx), out: [HEADER] };
    const names = ctx.args.length > 0 ? ctx.args : [(await rpc(ctx, 'manager-status', {})).bootUnit];
    for (const n of names) await chainOf(ctx, c, n);
    ctx.stdout.write(c.out.join(''));
    return 0;
  });
}
