// Compares `show --all` and `status` output of svcd with systemd's, after normalizing what differs
// between any two boots of the same units, and reads the documented differences (docs/differences.md).
//
// Normalizations, each because the value differs between two runs of the same system:
//  - wall-clock timestamps ("Mon 2026-12-07 04:16:50 UTC") and "…Monotonic=" values: when the run
//    happened. 0 (never) is kept: whether a thing happened is compared.
//  - pids (MainPID=, ControlPID=, ExecMainPID=, pid= of Exec lines, status' "Process: N", "Main PID: N",
//    "└─N", right-aligned to the group's widest): the kernel hands them out. 0 (none) is kept.
//  - InvocationID=: random per start. Empty (never started) is kept.
//  - the unit directory's path (FragmentPath=, status' Loaded:): a fresh temporary directory per run;
//    and the directory of each manager's own base units (targets, slices: systemd-ns's generated
//    tree, svcd's units/), which UnitPath= and the base units' FragmentPath= name.
//  - dependency lists (Requires=, After=, …, RequiresMountsFor=): systemd prints them in hash-table order; compared as sets.
//  - status' relative times ("; 2s ago"), "Duration:", "CPU:", "Memory:", "Tasks:" figures and
//    the journal lines: elapsed time, accounting and log text, not the page's structure.
// Everything inherently host-specific that svcd does not print at all (accounting figures, inherited
// resource limits) is not normalized but listed in docs/differences.md as missing.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export type DifferenceKind = 'missing' | 'extra' | 'value';

const DEPENDENCY_PROPERTIES = new Set([
  'Requires', 'Requisite', 'Wants', 'BindsTo', 'PartOf', 'Upholds', 'RequiredBy', 'RequisiteOf', 'WantedBy', 'BoundBy', 'UpheldBy',
  'ConsistsOf', 'Conflicts', 'ConflictedBy', 'Before', 'After', 'OnSuccess', 'OnSuccessOf', 'OnFailure', 'OnFailureOf', 'Triggers',
  'TriggeredBy', 'PropagatesReloadTo', 'ReloadPropagatedFrom', 'PropagatesStopTo', 'StopPropagatedFrom', 'JoinsNamespaceOf',
  'RequiresMountsFor',
]);
const PID_PROPERTIES = new Set(['MainPID', 'ControlPID', 'ExecMainPID']);
const TIMESTAMP = /\b(Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d{4}-\d\d-\d\d \d\d:\d\d:\d\d [A-Z]+\b/g;

/** Paths that differ per run or per manager, and the word each becomes. */
export type Paths = readonly (readonly [string, string])[];
const replacePaths = (text: string, paths: Paths) => paths.reduce((t, [from, to]) => t.split(from).join(to), text);

function normalizeValue(name: string, value: string, paths: Paths): string {
  let v = replacePaths(value, paths).replace(TIMESTAMP, '<time>');
  if (name.endsWith('Monotonic') && v !== '0') v = '<monotonic>';
  if (PID_PROPERTIES.has(name) && v !== '0') v = '<pid>';
  if (name === 'InvocationID' && v !== '') v = '<id>';
  if (DEPENDENCY_PROPERTIES.has(name)) v = v.split(' ').filter(Boolean).sort().join(' ');
  if (name.startsWith('Exec')) v = v.replace(/ pid=[1-9]\d* ;/, ' pid=<pid> ;');
  return v;
}

/** `show` output as name → its values (Exec lines and EnvironmentFiles= repeat a name). */
export function parseShow(text: string, paths: Paths): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const line of text.split('\n')) {
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    const name = line.slice(0, eq);
    out.set(name, [...(out.get(name) ?? []), normalizeValue(name, line.slice(eq + 1), paths)]);
  }
  return out;
}

/** Property name → how svcd's answer differs from systemd's. */
export function diffShow(systemd: Map<string, string[]>, svcd: Map<string, string[]>): Map<string, { kind: DifferenceKind; systemd?: string[]; svcd?: string[] }> {
  const out = new Map<string, { kind: DifferenceKind; systemd?: string[]; svcd?: string[] }>();
  for (const [name, want] of systemd) {
    const got = svcd.get(name);
    if (!got) out.set(name, { kind: 'missing', systemd: want });
    else if (JSON.stringify(got) !== JSON.stringify(want)) out.set(name, { kind: 'value', systemd: want, svcd: got });
  }
  for (const [name, got] of svcd) if (!systemd.has(name)) out.set(name, { kind: 'extra', svcd: got });
  return out;
}

/**
 * A status page as field → its normalized lines: "Loaded", "Active", "Main PID", "Process", …;
 * continuation lines belong to the field above; the journal lines after the blank line are left out.
 */
export function parseStatus(text: string, paths: Paths): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const [head = ''] = text.split('\n\n');
  let field = 'title';
  for (const raw of head.split('\n')) {
    if (raw === '') continue;
    const m = /^\s*([A-Z][A-Za-z ]*?): (.*)$/.exec(raw);
    if (m && !raw.startsWith('             ')) field = m[1]!;
    let line = replacePaths(raw, paths).replace(TIMESTAMP, '<time>').replace(/; [^;]* ago$/, '; <ago>');
    line = line.replace(/^(\s*(?:Process|Main PID): )\d+/, '$1<pid>').replace(/([└├]─) *\d+ /, '$1<pid> ');
    if (field === 'Duration' || field === 'CPU' || field === 'Memory' || field === 'Tasks') line = `${field}: <figure>`;
    out.set(field, [...(out.get(field) ?? []), line.trim()]);
  }
  return out;
}

export function diffStatus(systemd: Map<string, string[]>, svcd: Map<string, string[]>): Map<string, DifferenceKind> {
  const out = new Map<string, DifferenceKind>();
  for (const [field, want] of systemd) {
    const got = svcd.get(field);
    if (!got) out.set(`status:${field}`, 'missing');
    else if (JSON.stringify(got) !== JSON.stringify(want)) out.set(`status:${field}`, 'value');
  }
  for (const field of svcd.keys()) if (!systemd.has(field)) out.set(`status:${field}`, 'extra');
  return out;
}

export interface DocumentedDifference {
  /** "manager", "services" (every service compared), or unit names. */
  readonly objects: readonly string[];
  readonly kind: DifferenceKind;
  readonly properties: readonly string[];
}

/** The table between the show-differences markers of docs/differences.md. */
export function documentedDifferences(repo: string): DocumentedDifference[] {
  const text = readFileSync(join(repo, 'docs/differences.md'), 'utf8');
  const begin = text.indexOf('<!-- show-differences:begin -->');
  const end = text.indexOf('<!-- show-differences:end -->');
  if (begin < 0 || end < begin) throw new Error('docs/differences.md: show-differences markers not found');
  const rows: DocumentedDifference[] = [];
  for (const line of text.slice(begin, end).split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    if (cells.length < 5 || cells[1] === 'Objects' || /^-+$/.test(cells[1]!)) continue;
    rows.push({
      objects: cells[1]!.split(/[ ,]+/).filter(Boolean),
      kind: cells[2] as DifferenceKind,
      properties: cells[3]!.replace(/`/g, '').split(/\s+/).filter(Boolean),
    });
  }
  return rows;
}

/** What the documented rows say differs on `object`: "Property kind" strings. */
export function expectedFor(rows: readonly DocumentedDifference[], object: string): Set<string> {
  const out = new Set<string>();
  for (const r of rows) {
    // "services" and "sockets" stand for every unit of the type: they share the exec, kill and cgroup contexts' rows.
    const applies = r.objects.includes(object) || (object.endsWith('.service') && r.objects.includes('services')) || (object.endsWith('.socket') && r.objects.includes('sockets'));
    if (applies) for (const p of r.properties) out.add(`${p} ${r.kind}`);
  }
  return out;
}
