/**
 * `svcctl show`: the rows of property-table.ts printed as systemctl 252 prints D-Bus values — by
 * signature, with the few name-based rules systemctl applies (…Timestamp= as a date, …USec= as a
 * time span, UMask= in octal, "[not set]" for unset ids and exit statuses).
 */
import { readFileSync } from 'node:fs';
import type { ManagerStatus, UnitStatus } from '../engine/api.js';
import { CAPABILITY_NAMES } from '../unit/values/capability.js';
import { NAMESPACE_FLAGS, NAMESPACE_FLAGS_ALL } from '../unit/directives/seccomp-rows.js';
import { formatTimespan, USEC_INFINITY } from '../shared/timespan.js';
import { showExitText, sigchldCodeToString } from '../shared/exit-status.js';
import { signalToString } from '../shared/signal.js';
import { formatCpuSet } from '../unit/values/resource.js';
import { MOUNT_PROPAGATION } from '../unit/directives/exec-kept-rows.js';
import { MANAGER_PROPERTIES, unitRows, type BusValue, type ExecCommandValue, type PropertyRow } from './property-table.js';

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** systemd's FORMAT_TIMESTAMP: "Sun 2026-11-22 14:30:01 UTC", in local time. */
export function formatTimestamp(us: bigint): string {
  if (us === 0n || us >= USEC_INFINITY) return '';
  const d = new Date(Number(us / 1000n));
  const p = (n: number) => String(n).padStart(2, '0');
  const zone = new Intl.DateTimeFormat('en-US', { timeZoneName: 'short' }).formatToParts(d).find((x) => x.type === 'timeZoneName')?.value ?? 'UTC';
  return `${WEEKDAYS[d.getDay()]} ${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())} ${zone === 'GMT' ? 'UTC' : zone}`;
}

/** Characters that make systemd's shell_maybe_quote() put a word in double quotes. */
const NEEDS_QUOTES = `\\"\`$*?[ \t\n\r'()<>|&;!`;

/** shell_maybe_quote(): a word as is, or in double quotes with \ " ` $ escaped. */
export function shellMaybeQuote(w: string): string {
  const needs = [...w].some((c) => NEEDS_QUOTES.includes(c) || c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f);
  return needs ? `"${w.replace(/[\\"`$]/g, (c) => `\\${c}`)}"` : w;
}

/**
 * A capability mask as systemctl prints it: the names, lower case, of the bits set among those the
 * running kernel knows (up to /proc/sys/kernel/cap_last_cap), a number where svcd knows no name.
 */
export function capabilityNames(mask: bigint): string {
  let last = CAPABILITY_NAMES.length - 1;
  try {
    last = Number(readFileSync('/proc/sys/kernel/cap_last_cap', 'utf8'));
  } catch {
    // no /proc: the capabilities svcd knows
  }
  const out: string[] = [];
  for (let i = 0; i <= last && i < 64; i++) if (mask & (1n << BigInt(i))) out.push(CAPABILITY_NAMES[i]?.toLowerCase() ?? String(i));
  return out.join(' ');
}

/** RestrictNamespaces= as systemctl prints the types kept: "no" for all of them, "yes" for none, else their names. */
function namespaceNames(kept: bigint): string {
  if (kept === BigInt(NAMESPACE_FLAGS_ALL)) return 'no';
  if (kept === 0n) return 'yes';
  return NAMESPACE_FLAGS.filter(([, f]) => kept & BigInt(f)).map(([n]) => n).join(' ');
}

/** NUMAPolicy= by the kernel's MPOL_* number (systemd's mpol table). */
const NUMA_POLICIES = ['default', 'preferred', 'bind', 'interleave', 'local'];

/** The bits set in a little-endian mask (CPUAffinity=, NUMAMask=), ascending. */
function maskBits(mask: Uint8Array): number[] {
  const out: number[] = [];
  mask.forEach((byte, i) => {
    for (let b = 0; b < 8; b++) if (byte & (1 << b)) out.push(i * 8 + b);
  });
  return out;
}

function execLine(c: ExecCommandValue, ex: boolean): string {
  const r = c.run;
  const opts = ex ? `flags=${c.flags.join(' ')}` : `ignore_errors=${c.ignoreErrors ? 'yes' : 'no'}`;
  // A command that never ended has code 0: systemctl prints "code=(null) ; status=0/0".
  return `{ path=${c.path} ; argv[]=${c.argv.join(' ')} ; ${opts} ; start_time=[${formatTimestamp(r.start.realtimeUs) || 'n/a'}] ; stop_time=[${formatTimestamp(r.exit.realtimeUs) || 'n/a'}] ; pid=${r.pid} ; code=${sigchldCodeToString(r.code) ?? '(null)'} ; ${showExitText(r.code, r.status)} }`;
}

// systemctl's words for UINT64_MAX by property: "no such figure" for accounting and unset weights,
// "no limit" for limits.
const UNSET_WHEN_MAX = /^(MemoryCurrent|TasksCurrent|(Startup)?CPUWeight|(Startup)?IOWeight|(Startup)?CPUShares|.*NSec)$/;
const INFINITY_WHEN_MAX = /^((Default)?Limit.*|(Default)?Memory(Low|Min)|Memory(High|Max|SwapMax|Limit|Available)|(Default)?TasksMax)$/;

/**
 * A value as systemctl show prints it: one text per line it prints (struct arrays print a line per
 * element, none when empty); '' is an empty value, printed only with --all or -p.
 */
export function printValue(name: string, value: BusValue): readonly string[] {
  switch (value.sig) {
    case 's': return [value.v];
    case 'b': return [value.v ? 'yes' : 'no'];
    case 'u':
      if (name === 'UMask' || name.endsWith('Mode')) return [value.v.toString(8).padStart(4, '0')];
      return [(name === 'UID' || name === 'GID') && value.v === 0xffff_ffff ? '[not set]' : String(value.v)];
    case 'i':
      if (name === 'NUMAPolicy') return [NUMA_POLICIES[value.v] ?? 'n/a'];
      return [name.endsWith('ActionExitStatus') && value.v < 0 ? '[not set]' : String(value.v)];
    case 't':
      // systemctl's list of the few …USec properties that are points in time, not spans.
      if (name.endsWith('Timestamp') || name === 'NextElapseUSecRealtime' || name === 'LastTriggerUSec') return [formatTimestamp(value.v)];
      // systemctl's strstr(name, "USec"): NextElapseUSecMonotonic= and LastTriggerUSecMonotonic= are spans too.
      if (name.includes('USec')) return [formatTimespan(value.v, 0n)];
      if (name === 'CapabilityBoundingSet' || name === 'AmbientCapabilities') return [capabilityNames(value.v)];
      if (name === 'RestrictNamespaces') return [namespaceNames(value.v)];
      if (name === 'CoredumpFilter') return [`0x${value.v.toString(16)}`];
      if (name === 'MountFlags') return [Object.keys(MOUNT_PROPAGATION).find((k) => MOUNT_PROPAGATION[k] === value.v) ?? ''];
      if (value.v === USEC_INFINITY && UNSET_WHEN_MAX.test(name)) return ['[not set]'];
      if (value.v === USEC_INFINITY && INFINITY_WHEN_MAX.test(name)) return ['infinity'];
      return [String(value.v)];
    case 'd': return [String(value.v)];
    case 'x': return [String(value.v)];
    // systemctl has no printer for a byte: it says so.
    case 'y': return ['[unprintable]'];
    case 'as': return [value.v.map(shellMaybeQuote).join(' ')];
    // systemctl prints bytes as hex (an id128 as its 32 digits).
    case 'ay':
      if (name === 'CPUAffinity' || name === 'NUMAMask') return [formatCpuSet(maskBits(value.v)).replaceAll(',', ' ')];
      if (name === 'StandardInputData') return [Buffer.from(value.v).toString('base64')];
      return [Buffer.from(value.v).toString('hex')];
    // LogExtraFields=: the fields, space-separated.
    case 'aay': return [value.v.map((b) => Buffer.from(b).toString()).join(' ')];
    // SELinuxContext= and kin as written, "-" first where a failure is ignored.
    case '(bs)': return [`${value.v[0] ? '-' : ''}${value.v[1]}`];
    // LoadError=: NAME "MESSAGE", nothing for a unit that loaded.
    case '(ss)': return [value.v[0] === '' ? '' : `${value.v[0]} "${value.v[1]}"`];
    // As for 'y': systemctl 252 has no printer for a uint16.
    case 'q': return ['[unprintable]'];
    case 'a(sb)': return value.v.map(([path, ignore]) => `${path} (ignore_errors=${ignore ? 'yes' : 'no'})`);
    case 'a(sasbttttuii)': return value.v.map((c) => execLine(c, false));
    case 'a(sasasttttuii)': return value.v.map((c) => execLine(c, true));
    case '(uo)': return [value.v[0] > 0 ? String(value.v[0]) : ''];
    // A socket's Listen= and a path unit's Paths=: VALUE (TYPE) per line.
    // TemporaryFileSystem= on one line, as systemctl prints it: PATH[:OPTIONS] …
    case 'a(ss)': return name === 'TemporaryFileSystem' ? [value.v.map(([path, options]) => (options ? `${path}:${options}` : path)).join(' ')] : value.v.map(([type, text]) => `${text} (${type})`);
    // BindPaths=, BindReadOnlyPaths=: [-]SOURCE:DESTINATION[:rbind] …
    case '(bas)': return [`${value.v[0] ? '' : '~'}${value.v[1].join(' ')}`];
    case 'a(ssbt)': return [value.v.map(([src, dst, ignore, flags]) => `${ignore ? '-' : ''}${src}:${dst}${flags & 16384n ? ':rbind' : ''}`).join(' ')];
    case '(aiai)': return [[...value.v[0].map(String), ...value.v[1].map(signalToString)].join(' ')];
    case 'a(stt)': return value.v.map(([base, usec, next]) => `{ ${base}=${formatTimespan(usec, 0n)} ; next_elapse=${formatTimespan(next, 0n)} }`);
    // An elapse never computed prints as systemctl prints a NULL string.
    case 'a(sst)': return value.v.map(([base, spec, next]) => `{ ${base}=${spec} ; next_elapse=${formatTimestamp(next) || '(null)'} }`);
  }
}

/**
 * systemctl show's selection: every property, empty ones only with --all; with -p, the named ones
 * (empty ones too) in the object's order, not the order asked, as systemctl filters what the bus returns.
 */
function select<S>(rows: readonly PropertyRow<S>[], obj: S, names: readonly string[] | undefined, all: boolean): [string, string][] {
  const wanted = names && names.length > 0 ? new Set(names) : undefined;
  const out: [string, string][] = [];
  for (const r of rows) {
    if (wanted && !wanted.has(r.name)) continue;
    const value = r.read(obj);
    if (value === undefined) continue;
    for (const text of printValue(r.name, value)) if (wanted || all || text !== '') out.push([r.name, text]);
  }
  return out;
}

export function showUnit(st: UnitStatus, names: readonly string[] | undefined, all: boolean): [string, string][] {
  return select(unitRows(st), st, names, all);
}

export function showManager(ms: ManagerStatus, names: readonly string[] | undefined, all: boolean): [string, string][] {
  return select(MANAGER_PROPERTIES, ms, names, all);
}
