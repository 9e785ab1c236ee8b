/**
 * `svcctl analyze dot [PATTERN…] [--order|--require] [--from-pattern=GLOB…] [--to-pattern=GLOB…]`:
 * the running manager's dependency graph in graphviz's language, as systemd-analyze 252 writes it —
 * one edge per (unit, dependency, kind), colored by kind, for every unit in memory; the legend goes
 * to stderr. A unit name among the patterns stands for the unit it names (an alias for its id).
 */
import { fnmatch } from '../../../shared/glob.js';
import { unitNameIsValid } from '../../../unit/name.js';
import type { VerbContext } from '../context.js';
import { AnalyzeError, guarded, rpc, showProperties } from './boot-times.js';

/** The dependency properties drawn, in the order systemd draws them, and their colors. */
const ORDER_EDGES = [['After', 'green']] as const;
const REQUIRE_EDGES = [['Requires', 'black'], ['Requisite', 'darkblue'], ['Wants', 'grey66'], ['Conflicts', 'red']] as const;

const LEGEND = '   Color legend: black     = Requires\n'
  + '                 dark blue = Requisite\n'
  + '                 dark grey = Wants\n'
  + '                 red       = Conflicts\n'
  + '                 green     = After\n';

const TTY_HINT = "-- You probably want to process this output with graphviz' dot tool.\n"
  + "-- Try a shell pipeline like 'systemd-analyze dot | dot -Tsvg > systemd.svg'!\n";

interface Patterns {
  readonly units: readonly string[];
  readonly from: readonly string[];
  readonly to: readonly string[];
}

const matchesAny = (patterns: readonly string[], name: string) => patterns.some((p) => fnmatch(p, name));

/** A pattern that names a loaded unit becomes that unit's id; any other stays a glob. */
async function expand(ctx: VerbContext, patterns: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const p of patterns) {
    let id: string | undefined;
    if (unitNameIsValid(p)) {
      const props = await showProperties(ctx, p, ['Id', 'LoadState']).catch((e: unknown) => {
        if (e instanceof AnalyzeError) return undefined;
        throw e;
      });
      if (props?.get('LoadState') !== 'not-found') id = props?.get('Id');
    }
    out.push(id || p);
  }
  return out;
}

/**
 * The edges of one unit's property: a unit outside the patterns and not matching --from-pattern
 * draws none; an edge to a unit outside both the patterns and --to-pattern is left out, and so is
 * one between two units neither of which the patterns name.
 */
function edges(id: string, deps: readonly string[], color: string, p: Patterns): string {
  const fromMatches = matchesAny(p.units, id);
  if (p.from.length > 0 && !fromMatches && !matchesAny(p.from, id)) return '';
  let out = '';
  for (const d of deps) {
    const toMatches = matchesAny(p.units, d);
    if (p.to.length > 0 && !toMatches && !matchesAny(p.to, d)) continue;
    if (p.units.length > 0 && !fromMatches && !toMatches) continue;
    out += `\t"${id}"->"${d}" [color="${color}"];\n`;
  }
  return out;
}

export async function run(ctx: VerbContext): Promise<number> {
  return guarded(ctx, async () => {
    const { order, require } = ctx.options;
    // Neither option, or both: every kind.
    const kinds = [...(order || !require ? ORDER_EDGES : []), ...(require || !order ? REQUIRE_EDGES : [])];
    const p: Patterns = {
      units: await expand(ctx, ctx.args),
      from: await expand(ctx, ctx.options.fromPattern ?? []),
      to: await expand(ctx, ctx.options.toPattern ?? []),
    };
    const units = await rpc(ctx, 'list-units', { all: true });
    let out = 'digraph systemd {\n';
    for (const u of units) {
      const props = await showProperties(ctx, u.id, kinds.map(([k]) => k));
      for (const [k, color] of kinds) {
        const v = props.get(k) ?? '';
        out += edges(u.id, v === '' ? [] : v.split(' '), color, p);
      }
    }
    ctx.stdout.write(`${out}}\n`);
    ctx.stderr.write(LEGEND);
    if (ctx.isTTY) ctx.stderr.write(TTY_HINT);
    return 0;
  });
}
