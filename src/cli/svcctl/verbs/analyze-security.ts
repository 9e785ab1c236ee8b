/**
 * `svcctl analyze security [UNIT…]` and `--offline=yes UNIT-FILE…`: systemd-analyze security (252).
 * Each unit gets the table of checks (✓/✗, the setting, what it means, the exposure it adds) and
 * its overall exposure; named units are asked of the running svcd, unit files are loaded here.
 * Without names, the summary of every long-running service svcd has loaded. The judgement itself
 * is src/unit/security-assess.ts; this module loads, orders and prints.
 */
import { basename, dirname, resolve } from 'node:path';
import { instantiate, parseUnitName, unitNameIsValid } from '../../../unit/name.js';
import { Loader, verifiedName } from '../../../unit/verify.js';
import { loadProblem } from '../../../unit/load-problem.js';
import { unitSearchPath } from '../../../unit/search-path.js';
import { buildUnitFileMap } from '../../../unit/unit-file-map.js';
import { assessSecurity, type Assessment, type ExposureLevel, type Mark } from '../../../unit/security-assess.js';
import { securityInfo, type SecurityInfo } from '../../../unit/security-info.js';
import { parseBoolean } from '../../../unit/values/index.js';
import type { VerbContext } from '../context.js';
import { localeIsUtf8 } from './analyze-timespan.js';
import { AnalyzeError, guarded, rpc } from './boot-times.js';
import { formatTable, type Column } from './text-table.js';
import { strcmp } from '../../../shared/strcmp.js';

/** systemd's glyphs, and the ASCII it prints instead outside a UTF-8 locale. */
const GLYPHS = {
  utf8: { good: '✓', bad: '✗', arrow: '→', depressed: '🤢', unhappy: '😨', 'slightly-unhappy': '🙁', neutral: '😐', 'slightly-happy': '🙂', happy: '😀', ecstatic: '😇' },
  ascii: { good: '+', bad: '-', arrow: '->', depressed: ':-[', unhappy: ':-{', 'slightly-unhappy': ':-(', neutral: ':-|', 'slightly-happy': ':-)', happy: ':-}', ecstatic: ':-]' },
} as const;
type Glyphs = (typeof GLYPHS)[keyof typeof GLYPHS];

const tenths = (x: number) => `${Math.floor(x / 10)}.${x % 10}`;
const markGlyph = (g: Glyphs, m: Mark) => (m === 'na' ? ' ' : g[m]);

const DETAIL_COLUMNS: readonly Column[] = [{ header: ' ' }, { header: 'NAME' }, { header: 'DESCRIPTION' }, { header: 'EXPOSURE', alignRight: true }];
const OVERVIEW_COLUMNS: readonly Column[] = [{ header: 'UNIT' }, { header: 'EXPOSURE', alignRight: true }, { header: 'PREDICATE' }, { header: 'HAPPY' }];

function details(info: SecurityInfo, a: Assessment, g: Glyphs): string {
  const table = formatTable(DETAIL_COLUMNS, a.rows.map((r) => [markGlyph(g, r.mark), r.id, r.description, r.exposure === undefined ? '' : tenths(r.exposure)]));
  return `${table}\n${g.arrow} Overall exposure level for ${info.id}: ${tenths(a.exposure)} ${a.level.name} ${g[a.level.smiley]}\n`;
}

const overviewRow = (info: SecurityInfo, level: ExposureLevel, exposure: number, g: Glyphs) => [info.id, tenths(exposure), level.name, g[level.smiley]];

/**
 * Loads unit files as systemd-analyze --offline does, with verify's loader: their directories
 * first on the search path, a template as its instance "i", every unit they name loaded too (and
 * each one's warnings printed as it loads).
 */
function offlineInfos(ctx: VerbContext): { infos: SecurityInfo[]; status: number } {
  const lines: string[] = [];
  let status = 0;
  const infos: SecurityInfo[] = [];
  // Every argument's directory goes on the search path, as systemd builds it before looking at names.
  const dirs = [...new Set(ctx.args.map((f) => dirname(resolve(f))))];
  const loader = new Loader(buildUnitFileMap([...dirs, ...unitSearchPath({ env: ctx.env })]), lines);
  for (const file of ctx.args) {
    if (!parseUnitName(basename(file))) {
      lines.push(`Failed to prepare filename ${file}: Invalid argument`);
      status = 1;
      continue;
    }
    const unit = loader.get(verifiedName(basename(file)));
    const problem = loadProblem(unit, unit.id);
    if (problem) {
      lines.push(problem);
      status = 1;
    } else infos.push(securityInfo(unit, false));
  }
  ctx.stderr.write(lines.map((l) => `${l}\n`).join(''));
  return { infos, status };
}

/** The refusal online mode prints for a unit that is not loaded. */
function notLoaded(info: SecurityInfo, name: string): string {
  if (info.loadState === 'not-found') return `Unit ${name} not found, cannot analyze.`;
  if (info.loadState === 'masked') return `Unit ${name} is masked, cannot analyze.`;
  return `Unit ${name} not loaded properly, cannot analyze.`;
}

/** A name as systemd-analyze takes it: a bare word becomes a service; a template its instance "test-instance". */
function serviceName(arg: string): string | AnalyzeError {
  const name = unitNameIsValid(arg) ? arg : `${arg}.service`;
  const p = parseUnitName(name);
  if (!p || p.type !== 'service') return new AnalyzeError(`Unit ${arg} is not a service unit, refusing.`);
  return p.instance === '' ? instantiate(name, 'test-instance') : name;
}

async function online(ctx: VerbContext, g: Glyphs): Promise<number> {
  let status = 0;
  const overview: string[][] = [];
  if (ctx.args.length === 0) {
    // Every long-running service svcd has loaded, by name.
    const units = (await rpc(ctx, 'list-units', { all: true })).map((u) => u.id).filter((id) => id.endsWith('.service'));
    units.sort(strcmp);
    for (const id of units) {
      const info = await rpc(ctx, 'security-info', { unit: id });
      if (info.loadState !== 'loaded' || info.serviceType === 'oneshot') continue;
      const a = assessSecurity(info);
      overview.push(overviewRow(info, a.level, a.exposure, g));
    }
    ctx.stdout.write(formatTable(OVERVIEW_COLUMNS, overview));
    return 0;
  }
  for (const [i, arg] of ctx.args.entries()) {
    if (i > 0) ctx.stdout.write('\n');
    const name = serviceName(arg);
    if (name instanceof AnalyzeError) throw name;
    const info = await rpc(ctx, 'security-info', { unit: name });
    if (info.loadState !== 'loaded') {
      ctx.stderr.write(`${notLoaded(info, name)}\n`);
      status = 1;
      continue;
    }
    const a = assessSecurity(info);
    ctx.stdout.write(details(info, a, g));
    overview.push(overviewRow(info, a.level, a.exposure, g));
  }
  if (ctx.args.length > 1) ctx.stdout.write(`\n${formatTable(OVERVIEW_COLUMNS, overview)}`);
  return status;
}

export async function run(ctx: VerbContext): Promise<number> {
  const g = localeIsUtf8(ctx.env) ? GLYPHS.utf8 : GLYPHS.ascii;
  const offlineOption = ctx.options.offline;
  let offline = false;
  if (offlineOption !== undefined) {
    const b = parseBoolean(offlineOption);
    if (!b.ok) {
      ctx.stderr.write(`Failed to parse boolean argument to --offline: ${offlineOption}.\n`);
      return 1;
    }
    offline = b.value;
  }
  if (!offline) return guarded(ctx, () => online(ctx, g));
  const { infos, status } = offlineInfos(ctx);
  for (const info of infos) ctx.stdout.write(details(info, assessSecurity(info), g));
  return status;
}
