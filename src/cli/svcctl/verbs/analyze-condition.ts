/**
 * `svcctl analyze condition EXPRESSION…` or `--unit=UNIT`: tests Condition*=/Assert*= here and now, with
 * the evaluator the manager uses (src/exec/conditions.ts), and reports as systemd-analyze 252 does, on
 * stderr: each condition tested ("test.service: ConditionPathExists=/etc succeeded."), then "Asserts
 * succeeded/failed." and "Conditions succeeded/failed."; exit status 0 only if both hold.
 *
 * Expressions are read by the unit file parser as lines of a [Unit] section of "test.service", so
 * prefixes, specifiers and refusals are the unit files'. systemd keeps each list in reverse (its
 * parser prepends): the last one written is tested first, and a failing regular one ends the list.
 */
import { testConditionList } from '../../../exec/conditions.js';
import { CATALOG } from '../../../unit/directives/catalog.generated.js';
import { buildUnit, loadUnit } from '../../../unit/load.js';
import type { Condition, Unit } from '../../../unit/model.js';
import { unitSearchPath } from '../../../unit/search-path.js';
import { parseUnitText } from '../../../unit/syntax.js';
import { buildUnitFileMap } from '../../../unit/unit-file-map.js';
import type { VerbContext } from '../context.js';

const CONDITION_KEYS = new Set(CATALOG.filter(([section, , hint]) => section === 'Unit' && hint === 'CONDITION').map(([, key]) => key));
const CMDLINE = '(cmdline)';

/** The expressions as the [Unit] lines of test.service; a string on failure (what to print). */
function unitOfExpressions(exprs: readonly string[]): Unit | string {
  for (const e of exprs) {
    const eq = e.indexOf('=');
    // One directive per argument: a line break would smuggle in another.
    if (eq < 0 || !CONDITION_KEYS.has(e.slice(0, eq)) || /[\n\r]/.test(e)) return `Cannot parse "${e}".`;
  }
  return buildUnit({
    name: 'test.service', id: 'test.service', names: ['test.service'], fragmentPath: CMDLINE, masked: false,
    dropinPaths: [], wants: [], requires: [], upholds: [],
    files: exprs.map((e) => parseUnitText(CMDLINE, `[Unit]\n${e}\n`)),
  });
}

function testList(ctx: VerbContext, id: string, list: readonly Condition[]): boolean {
  return testConditionList([...list].reverse(), undefined, (c, held) => {
    ctx.stderr.write(`${id}: ${c.kind}=${c.trigger ? '|' : ''}${c.negate ? '!' : ''}${c.parameter} ${held ? 'succeeded' : 'failed'}.\n`);
  }).holds;
}

export async function run(ctx: VerbContext): Promise<number> {
  const name = ctx.options.unit;
  if (name !== undefined && ctx.args.length > 0) {
    ctx.stderr.write('No conditions can be passed if --unit= is used.\n');
    return 1;
  }
  if (name === undefined && ctx.args.length === 0) {
    ctx.stderr.write('Too few arguments for condition\n');
    return 1;
  }
  let u: Unit;
  if (name !== undefined) {
    u = loadUnit(buildUnitFileMap(unitSearchPath({ env: ctx.env, root: ctx.options.root, builtin: ctx.options.root === undefined })), name);
    if (u.loadState === 'not-found') {
      ctx.stderr.write(`Unit ${name} not found.\n`);
      return 1;
    }
  } else {
    const r = unitOfExpressions(ctx.args);
    if (typeof r === 'string') {
      ctx.stderr.write(`${r}\n`);
      return 1;
    }
    u = r;
    // systemd names the command line without a line number.
    for (const d of u.diagnostics) if (d.loc?.file === CMDLINE) ctx.stderr.write(`${CMDLINE}: ${d.message}\n`);
  }
  const asserts = testList(ctx, u.id, u.unit.asserts);
  if (u.unit.asserts.length > 0) ctx.stderr.write(`Asserts ${asserts ? 'succeeded' : 'failed'}.\n`);
  const conditions = testList(ctx, u.id, u.unit.conditions);
  if (u.unit.conditions.length > 0) ctx.stderr.write(`Conditions ${conditions ? 'succeeded' : 'failed'}.\n`);
  return asserts && conditions ? 0 : 1;
}

