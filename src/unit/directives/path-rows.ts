/**
 * The directive table's [Path] rows (systemd.path(5)), as systemd 252's config_parse_path_spec and
 * its neighbours read them: each watched path must be absolute and is kept simplified (what the
 * watches are set on), Unit= is the first unit named and never the path unit itself.
 */
import { parseBoolean, parseMode, parseSec, parseUnsignedNumber, pathIsAbsolute, pathIsNormalized, pathSimplify } from '../values/index.js';
import { PATH_WATCH_KEYS } from '../model.js';
import { unitNameToType } from '../name.js';
import { custom, NAME_BARE, printf, rejectValue, resolveSpecifiers, RowList, scalar, type DirectiveRow } from './behaviour.js';

const table = new RowList();
const { supported } = table;

for (const key of PATH_WATCH_KEYS) {
  supported('Path', key, custom('absolute path', 'append', 'clears', (value, ctx) => {
    if (value === '') return void ctx.draft.path.watches.splice(0);
    const path = resolveSpecifiers(ctx, value, { style: 'bare' });
    if (path === undefined) return;
    if (!pathIsAbsolute(path)) return rejectValue(ctx, path);
    // path_simplify(): "//" and "/./" folded, no trailing slash — the path the watches name; a ".."
    // left after that is refused, as systemd refuses it.
    const simple = pathSimplify(path);
    if (!pathIsNormalized(simple)) return ctx.report('warning', `${key}= path is not normalized, ignoring: ${path}`);
    ctx.draft.path.watches.push({ value: { kind: key, path: simple }, loc: ctx.loc });
  }));
}
// config_parse_trigger_unit(), as for timers: the first Unit= wins; a unit never triggers itself.
supported('Path', 'Unit', printf(NAME_BARE, custom('unit name', 'set', 'invalid', (value, ctx) => {
  if (ctx.draft.path.unit !== undefined) return ctx.report('warning', `Multiple units to trigger specified, ignoring: ${value}`);
  if (unitNameToType(value) === undefined) return rejectValue(ctx, value);
  if (value === ctx.unitId) return ctx.report('warning', `Units cannot trigger themselves, ignoring: ${value}`);
  ctx.draft.path.unit = value;
})));
supported('Path', 'MakeDirectory', scalar(parseBoolean, (d, v) => (d.path.makeDirectory = v ?? false)));
supported('Path', 'DirectoryMode', scalar(parseMode, (d, v) => (d.path.directoryMode = v ?? 0o755)));
supported('Path', 'TriggerLimitIntervalSec', scalar(parseSec, (d, v) => (d.path.triggerLimitIntervalUSec = v)));
// As in [Socket]: systemd's unsigned parser has no empty case for it, an empty value is warned about.
supported('Path', 'TriggerLimitBurst', scalar(parseUnsignedNumber, (d, v) => (d.path.triggerLimitBurst = v), false));

export const PATH_ROWS: readonly DirectiveRow[] = table.rows;
