/**
 * The directive table's rows for the unit types svcd cannot start yet (socket, mount,
 * automount, swap): typed into the model so load-time checks can use them, and kept in
 * Unit.ignored as "not-yet" since nothing acts on them. Their own part, to be moved into the
 * supported parts as each type comes to run.
 */
import { rejectValue, scalar, custom, QUOTED, resolveSpecifiers, printf, str, absolutePath, RowList, type DirectiveRow } from './behaviour.js';
import { parseSec, parseSignedNumber, pathIsAbsolute } from '../values/index.js';

const table = new RowList();
const { typedNotYet } = table;

// ---- unit types svcd cannot start yet: the settings their load-time checks need ----
// ListenUSBFunction=: kept as written; the socket kind does not open FunctionFS endpoints.
typedNotYet('Socket', 'ListenUSBFunction', custom('absolute path', 'append', 'clears', (value, ctx) => {
  if (value === '') return void ctx.draft.socket.listen.splice(0);
  const address = resolveSpecifiers(ctx, value, QUOTED);
  if (address === undefined) return;
  if (!pathIsAbsolute(address)) return rejectValue(ctx, address);
  ctx.draft.socket.listen.push({ value: { kind: 'ListenUSBFunction', address }, loc: ctx.loc });
}));

typedNotYet('Mount', 'What', printf(QUOTED, scalar(str, (d, v) => (d.mount.what = v))));
typedNotYet('Mount', 'Where', printf(QUOTED, scalar(absolutePath, (d, v) => (d.mount.where = v))));
typedNotYet('Mount', 'Type', scalar(str, (d, v) => (d.mount.fsType = v)));
typedNotYet('Mount', 'Options', scalar(str, (d, v) => (d.mount.options = v)));
typedNotYet('Automount', 'Where', printf(QUOTED, scalar(absolutePath, (d, v) => (d.automount.where = v))));
typedNotYet('Automount', 'TimeoutIdleSec', scalar(parseSec, (d, v) => (d.automount.timeoutIdleUSec = v)));
typedNotYet('Swap', 'What', printf(QUOTED, scalar(absolutePath, (d, v) => (d.swap.what = v))));
typedNotYet('Swap', 'Priority', custom('parseSignedNumber, -1…32767', 'set', 'resets', (value, ctx) => {
  if (value === '') return void (ctx.draft.swap.priority = undefined);
  const r = parseSignedNumber(value);
  if (!r.ok || r.value > 32767) return rejectValue(ctx, value);
  if (r.value < -1) return ctx.report('warning', `Sorry, swap priorities smaller than -1 may only be assigned by the kernel itself, ignoring: ${value}`);
  ctx.draft.swap.priority = r.value;
}));
typedNotYet('Swap', 'Options', scalar(str, (d, v) => (d.swap.options = v)));

export const NOT_YET_ROWS: readonly DirectiveRow[] = table.rows;
