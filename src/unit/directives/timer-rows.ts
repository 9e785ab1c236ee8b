/**
 * The directive table's [Timer] rows (systemd.timer(5)), as systemd 252's config_parse_timer and
 * its neighbours read them: OnCalendar= is checked by the calendar parser when the unit loads, so
 * an impossible expression is reported at its file:line and the unit is refused if nothing else is
 * left to elapse, instead of a timer that silently never fires.
 */
import { parseCalendarSpec } from '../../shared/calendar.js';
import { localZone } from '../../shared/tzfile.js';
import { parseBoolean, parseSec } from '../values/index.js';
import { TIMER_TRIGGER_KEYS } from '../model.js';
import { unitNameToType } from '../name.js';
import { custom, NAME_BARE, printf, QUOTED, rejectValue, resolveSpecifiers, RowList, scalar, type DirectiveRow } from './behaviour.js';

const table = new RowList();
const { supported } = table;

for (const key of TIMER_TRIGGER_KEYS) {
  const calendar = key === 'OnCalendar';
  supported('Timer', key, custom(calendar ? 'calendar spec (systemd.time(7))' : 'parseSec (time span)', 'append', 'clears', (value, ctx) => {
    // Any of them empty drops every value set so far (timer_free_values()).
    if (value === '') return void ctx.draft.timer.triggers.splice(0);
    const spec = resolveSpecifiers(ctx, value, QUOTED);
    if (spec === undefined) return;
    const ok = calendar ? parseCalendarSpec(spec, localZone(process.env)).ok : parseSec(spec).ok;
    if (!ok) return rejectValue(ctx, spec);
    ctx.draft.timer.triggers.push({ value: { kind: key, spec }, loc: ctx.loc });
  }));
}
supported('Timer', 'OnClockChange', scalar(parseBoolean, (d, v) => (d.timer.onClockChange = v ?? false)));
supported('Timer', 'OnTimezoneChange', scalar(parseBoolean, (d, v) => (d.timer.onTimezoneChange = v ?? false)));
supported('Timer', 'Persistent', scalar(parseBoolean, (d, v) => (d.timer.persistent = v ?? false)));
supported('Timer', 'WakeSystem', scalar(parseBoolean, (d, v) => (d.timer.wakeSystem = v ?? false)));
supported('Timer', 'RemainAfterElapse', scalar(parseBoolean, (d, v) => (d.timer.remainAfterElapse = v ?? true)));
supported('Timer', 'FixedRandomDelay', scalar(parseBoolean, (d, v) => (d.timer.fixedRandomDelay = v ?? false)));
supported('Timer', 'AccuracySec', scalar(parseSec, (d, v) => (d.timer.accuracyUSec = v ?? 60_000_000n)));
supported('Timer', 'RandomizedDelaySec', scalar(parseSec, (d, v) => (d.timer.randomizedDelayUSec = v ?? 0n)));
// config_parse_trigger_unit(): the first Unit= wins; a unit never triggers itself.
supported('Timer', 'Unit', printf(NAME_BARE, custom('unit name', 'set', 'invalid', (value, ctx) => {
  if (ctx.draft.timer.unit !== undefined) return ctx.report('warning', `Multiple units to trigger specified, ignoring: ${value}`);
  if (unitNameToType(value) === undefined) return rejectValue(ctx, value);
  if (value === ctx.unitId) return ctx.report('warning', `Units cannot trigger themselves, ignoring: ${value}`);
  ctx.draft.timer.unit = value;
})));

export const TIMER_ROWS: readonly DirectiveRow[] = table.rows;
