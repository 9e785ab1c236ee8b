/**
 * `svcctl analyze dump [PATTERN…]`: the manager's state in the layout of systemd-analyze 252's dump —
 * the manager's version and boot timestamps (not when PATTERNs are given), then for every unit in
 * memory (whose id matches a PATTERN, when given) the section systemd prints for any unit: its
 * names, states and their times, its slice and cgroup, where it was loaded from, its condition
 * results, each dependency with where it came from ("Before: app.target (destination-file
 * destination-default)", References=/ReferencedBy=, InSlice=/SliceOf=, RequiresMountsFor=), its
 * unit-level settings, a target's state and the type's own section with its exec, kill and cgroup
 * contexts (src/control/render-dump.ts).
 *
 * Built from `show` and the control request dump-dependencies, so what svcd does not track is
 * left out: the masks of a realized cgroup, a mount's and a device's own sections (docs/analyze.md).
 * The format is systemd's "subject to change" one: read it, do not parse it.
 */
import { unitCgroupPath } from '../../../shared/slice.js';
import { CGROUP_TYPES } from '../../../unit/cgroup-mask.js';
import type { Methods } from '../../../control/protocol.js';
import { jobDumpLines } from '../../../control/render-job.js';
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
  'ConditionTimestamp', 'ConditionResult', 'AssertTimestamp', 'AssertResult', 'SubState', ...FLAGS,
];

const PARALLEL_REQUESTS = 8;

const list = (v: string | undefined) => (v ? v.split(' ') : []);
/** The strings of a quoted list as `show` prints one (Documentation="a" "b"). */
const strings = (v: string | undefined) => [...(v ?? '').matchAll(/"((?:[^"\\]|\\.)*)"|(\S+)/g)].map((m) => (m[1] ?? m[2] ?? '').replace(/\\(.)/g, '$1'));
const na = (v: string | undefined) => v || 'n/a';

/** systemd's unit_may_gc() before the reference sweep: nothing about the unit itself keeps it. */
function mayGc(p: ReadonlyMap<string, string>, hasJob: boolean): boolean {
  const state = p.get('ActiveState');
  const collectable = state === 'inactive' || (state === 'failed' && p.get('CollectMode') === 'inactive-or-failed');
  return collectable && !hasJob && p.get('Perpetual') !== 'yes';
}

/**
 * A perpetual slice's or scope's cgroup: the root slice is the root (""), a slice nests in its
 * parents (a-b.slice at /a.slice/a-b.slice), the manager's scope sits in the root slice.
 */
function perpetualCgroup(id: string): string {
  return id === '-.slice' ? '' : unitCgroupPath(id, '/', '-.slice');
}

type DumpDependencies = Methods['dump-dependencies']['result'];

function unitSection(p: ReadonlyMap<string, string>, hasJob: boolean, deps: DumpDependencies): string {
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
    // The slice it is in, as the graph has it (show's Slice= is a service's only).
    const slice = deps.lines.find((d) => d.line === 'InSlice')?.unit;
    // The manager realizes its perpetual slices and its own scope at start-up, whatever runs in them.
    // A started socket has its cgroup's path picked (systemd looks for leftover processes in it
    // before it listens, and ControlGroup= names it) until it stops; the cgroup is made only when
    // a process of the socket's (ExecStartPre=, …) runs in it.
    const socket = id.endsWith('.socket');
    const ran = socket && ['ExecStartPre', 'ExecStartPost', 'ExecStopPre', 'ExecStopPost'].some((k) => /\bpid=[1-9]/.test(p.get(k) ?? ''));
    const realized = p.get('Perpetual') === 'yes' && /\.(slice|scope)$/.test(id) ? perpetualCgroup(id) : (!socket || ran ? p.get('ControlGroup') || undefined : undefined);
    const picked = socket && slice && /^(active|activating|deactivating)$/.test(p.get('ActiveState') ?? '') ? `${perpetualCgroup(slice)}/${id}` : undefined;
    add('Slice', slice ?? 'n/a');
    add('CGroup', realized ?? picked ?? 'n/a');
    add('CGroup realized', realized !== undefined ? 'yes' : 'no');
    lines.push(...deps.cgroupMasks);
  }
  if (p.get('InvocationID')) add('Invocation ID', p.get('InvocationID')!);
  for (const d of strings(p.get('Documentation'))) add('Documentation', d);
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
  lines.push(...deps.conditions);
  for (const [what, prop] of [['Condition', 'Condition'], ['Assert', 'Assert']] as const) {
    const ts = p.get(`${prop}Timestamp`);
    if (ts) {
      add(`${what} Timestamp`, ts);
      add(`${what} Result`, p.get(`${prop}Result`) ?? 'no');
    }
  }
  // Each dependency with where it came from, References=/ReferencedBy= and InSlice=/SliceOf= among them.
  for (const d of deps.lines) add(d.line, `${d.unit} (${d.origins})`);
  for (const m of deps.requiresMountsFor) add('RequiresMountsFor', `${m.path} (origin-${m.origin})`);
  if (p.get('LoadState') === 'loaded') for (const k of FLAGS) add(k, p.get(k) ?? '');
  // The type's own section, as far as svcd keeps it.
  if (id.endsWith('.target')) add('Target State', p.get('SubState') ?? '');
  lines.push(...deps.typeSection);
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
    const wanted = rows.filter((row) => ctx.args.length === 0 || ctx.args.some((pattern) => fnmatch(pattern, row.id)));
    const units: { row: (typeof rows)[number]; props: Map<string, string>; deps: DumpDependencies }[] = [];
    for (let i = 0; i < wanted.length; i += PARALLEL_REQUESTS) {
      const batch = wanted.slice(i, i + PARALLEL_REQUESTS);
      units.push(...(await Promise.all(batch.map(async (row) => ({
        row, props: await showProperties(ctx, row.id, PROPERTIES), deps: await rpc(ctx, 'dump-dependencies', { unit: row.id }),
      })))));
    }
    for (const u of units) out += unitSection(u.props, u.row.job !== undefined, u.deps);
    // Then every queued job (of a unit the patterns match), as the manager lists them.
    const matching = new Set(wanted.map((row) => row.id));
    for (const job of await rpc(ctx, 'list-jobs', {})) if (matching.has(job.unit)) out += `${jobDumpLines(job, '').join('\n')}\n`;
    ctx.stdout.write(out);
    return 0;
  });
}
