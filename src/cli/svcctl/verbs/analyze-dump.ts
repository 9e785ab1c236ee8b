/**
 * `svcctl analyze dump [PATTERN…]`: the manager's state in the layout of systemd-analyze 252's dump —
 * the manager's version and boot timestamps (not when PATTERNs are given), then for every unit (whose
 * id matches a PATTERN, when given)
 * the section systemd prints for any unit: its names, states and their times, where it was loaded
 * from, its condition results, its dependencies in systemd's order, and its unit-level settings.
 *
 * Built from what `show` answers, so what svcd does not track is left out: systemd's marks of where
 * each dependency came from ("(origin-file)"), References=/ReferencedBy=, cgroup masks, the type's
 * own section (a service's state, exec settings and command runs) and queued jobs. The format is
 * systemd's "subject to change" one: read it, do not parse it.
 */
import { DEPENDENCY_KINDS } from '../../../control/property-table.js';
import { fnmatch } from '../../../shared/glob.js';
import type { VerbContext } from '../context.js';
import { guarded, rpc, showProperties } from './boot-times.js';

/** The manager's boot timestamps dump names, in its order, by the show property that holds each. */
const MANAGER_TIMESTAMPS = [
  ['firmware', 'FirmwareTimestamp'], ['loader', 'LoaderTimestamp'], ['kernel', 'KernelTimestamp'], ['initrd', 'InitRDTimestamp'],
  ['userspace', 'UserspaceTimestamp'], ['finish', 'FinishTimestamp'], ['security-start', 'SecurityStartTimestamp'],
  ['security-finish', 'SecurityFinishTimestamp'], ['generators-start', 'GeneratorsStartTimestamp'],
  ['generators-finish', 'GeneratorsFinishTimestamp'], ['units-load-start', 'UnitsLoadStartTimestamp'],
  ['units-load-finish', 'UnitsLoadFinishTimestamp'],
] as const;

/** Unit types that run processes in a cgroup of their own (systemd's UNIT_HAS_CGROUP_CONTEXT). */
const CGROUP_TYPES = new Set(['service', 'socket', 'mount', 'swap', 'slice', 'scope']);

const TIMESTAMPS = [
  ['State Change Timestamp', 'StateChangeTimestamp'], ['Inactive Exit Timestamp', 'InactiveExitTimestamp'],
  ['Active Enter Timestamp', 'ActiveEnterTimestamp'], ['Active Exit Timestamp', 'ActiveExitTimestamp'],
  ['Inactive Enter Timestamp', 'InactiveEnterTimestamp'],
] as const;

const FLAGS = ['StopWhenUnneeded', 'RefuseManualStart', 'RefuseManualStop', 'DefaultDependencies', 'OnSuccessJobMode', 'OnFailureJobMode', 'IgnoreOnIsolate'] as const;

const PROPERTIES = [
  'Id', 'Names', 'Description', 'LoadState', 'ActiveState', ...TIMESTAMPS.map(([, p]) => p), 'NeedDaemonReload', 'Transient', 'Perpetual',
  'CollectMode', 'Slice', 'ControlGroup', 'InvocationID', 'Documentation', 'FragmentPath', 'SourcePath', 'DropInPaths', 'FailureAction',
  'FailureActionExitStatus', 'SuccessAction', 'SuccessActionExitStatus', 'JobTimeoutUSec', 'JobTimeoutAction', 'JobTimeoutRebootArgument',
  'ConditionTimestamp', 'ConditionResult', 'AssertTimestamp', 'AssertResult', ...DEPENDENCY_KINDS, ...FLAGS,
];

const PARALLEL_REQUESTS = 8;

const list = (v: string | undefined) => (v ? v.split(' ') : []);
const na = (v: string | undefined) => v || 'n/a';

/** systemd's unit_may_gc() before the reference sweep: nothing about the unit itself keeps it. */
function mayGc(p: ReadonlyMap<string, string>, hasJob: boolean): boolean {
  const state = p.get('ActiveState');
  const collectable = state === 'inactive' || (state === 'failed' && p.get('CollectMode') === 'inactive-or-failed');
  return collectable && !hasJob && p.get('Perpetual') !== 'yes';
}

function unitSection(p: ReadonlyMap<string, string>, hasJob: boolean, sliceOf: readonly string[]): string {
  const id = p.get('Id')!;
  const lines: string[] = [`-> Unit ${id}:`];
  const add = (k: string, v: string) => lines.push(`\t${k}: ${v}`);
  for (const n of list(p.get('Names'))) if (n !== id) add('Alias', n);
  const at = id.indexOf('@');
  add('Description', p.get('Description') || id);
  add('Instance', at >= 0 && at < id.lastIndexOf('.') - 1 ? id.slice(at + 1, id.lastIndexOf('.')) : 'n/a');
  add('Unit Load State', p.get('LoadState') ?? '');
  add('Unit Active State', p.get('ActiveState') ?? '');
  for (const [label, prop] of TIMESTAMPS) add(label, na(p.get(prop)));
  add('May GC', mayGc(p, hasJob) ? 'yes' : 'no');
  add('Need Daemon Reload', p.get('NeedDaemonReload') ?? 'no');
  add('Transient', p.get('Transient') ?? 'no');
  add('Perpetual', p.get('Perpetual') ?? 'no');
  add('Garbage Collection Mode', p.get('CollectMode') ?? 'inactive');
  if (CGROUP_TYPES.has(id.slice(id.lastIndexOf('.') + 1))) {
    add('Slice', na(p.get('Slice')));
    add('CGroup', na(p.get('ControlGroup')));
    add('CGroup realized', p.get('ControlGroup') ? 'yes' : 'no');
  }
  if (p.get('InvocationID')) add('Invocation ID', p.get('InvocationID')!);
  for (const d of list(p.get('Documentation'))) add('Documentation', d);
  if (p.get('FragmentPath')) add('Fragment Path', p.get('FragmentPath')!);
  if (p.get('SourcePath')) add('Source Path', p.get('SourcePath')!);
  for (const d of list(p.get('DropInPaths'))) add('DropIn Path', d);
  for (const [label, prop] of [['Failure Action', 'FailureAction'], ['Success Action', 'SuccessAction']] as const) {
    const action = p.get(prop);
    if (action && action !== 'none') add(label, action);
    const status = p.get(`${prop}ExitStatus`);
    if (status && /^\d+$/.test(status)) add(`${label} Exit Status`, status);
  }
  const jobTimeout = p.get('JobTimeoutUSec');
  if (jobTimeout && jobTimeout !== 'infinity') add('Job Timeout', jobTimeout);
  const jobTimeoutAction = p.get('JobTimeoutAction');
  if (jobTimeoutAction && jobTimeoutAction !== 'none') add('Job Timeout Action', jobTimeoutAction);
  if (p.get('JobTimeoutRebootArgument')) add('Job Timeout Reboot Argument', p.get('JobTimeoutRebootArgument')!);
  for (const [what, prop] of [['Condition', 'Condition'], ['Assert', 'Assert']] as const) {
    const ts = p.get(`${prop}Timestamp`);
    if (ts) {
      add(`${what} Timestamp`, ts);
      add(`${what} Result`, p.get(`${prop}Result`) ?? 'no');
    }
  }
  for (const k of DEPENDENCY_KINDS) for (const other of list(p.get(k))) add(k, other);
  if (p.get('Slice')) add('InSlice', p.get('Slice')!);
  for (const member of sliceOf) add('SliceOf', member);
  if (p.get('LoadState') === 'loaded') for (const k of FLAGS) add(k, p.get(k) ?? '');
  return `${lines.join('\n')}\n`;
}

export async function run(ctx: VerbContext): Promise<number> {
  return guarded(ctx, async () => {
    let out = '';
    // Patterns ask about units only: the manager's lines are left out, as systemd leaves them.
    if (ctx.args.length === 0) {
      const manager = await showProperties(ctx, undefined, ['Version', 'Features', ...MANAGER_TIMESTAMPS.map(([, p]) => p)]);
      out += `Manager: svcd ${manager.get('Version') ?? ''}\nFeatures: ${manager.get('Features') ?? ''}\n`;
      for (const [label, prop] of MANAGER_TIMESTAMPS) if (manager.get(prop)) out += `Timestamp ${label}: ${manager.get(prop)}\n`;
    }
    const rows = await rpc(ctx, 'list-units', { all: true });
    // A few requests at a time: svcd refuses connections past its cap (256), so not one per unit at once.
    const units: { row: (typeof rows)[number]; props: Map<string, string> }[] = [];
    for (let i = 0; i < rows.length; i += PARALLEL_REQUESTS) {
      const batch = rows.slice(i, i + PARALLEL_REQUESTS);
      units.push(...(await Promise.all(batch.map(async (row) => ({ row, props: await showProperties(ctx, row.id, PROPERTIES) })))));
    }
    const sliceOf = new Map<string, string[]>();
    for (const u of units) {
      const slice = u.props.get('Slice');
      if (slice) sliceOf.set(slice, [...(sliceOf.get(slice) ?? []), u.row.id]);
    }
    for (const u of units) {
      if (ctx.args.length > 0 && !ctx.args.some((pattern) => fnmatch(pattern, u.row.id))) continue;
      out += unitSection(u.props, u.row.job !== undefined, sliceOf.get(u.row.id) ?? []);
    }
    ctx.stdout.write(out);
    return 0;
  });
}
