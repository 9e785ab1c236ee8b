/**
 * How the exec settings of exec-kept.ts are read into the draft, one setter per key with systemd
 * 252's parser rules (config_parse_exec_io_class, _cpu_sched_policy, _secure_bits, …). The keys
 * keep their directive rows in fallback-rows.ts (their value check, their "ignored"/"not-yet"
 * status and the warning that goes with it); a setter only adds the typed value, and says when the
 * value is one systemd would refuse. An empty value resets to exec_context_init()'s.
 */
import { readFileSync } from 'node:fs';
import { custom, rejectValue, resolveSpecifiers, QUOTED, RowList, type ApplyContext, type DirectiveRow } from './behaviour.js';
import { cunescape, parseBoolean, parseCpuSet, parseStringList, parseUnsignedNumber, pathIsAbsolute } from '../values/index.js';
import { parseCInteger } from '../../shared/c-integer.js';
import { parseTimespan } from '../../shared/timespan.js';
import { personalityDomain, type IgnorableString, type KeptExecSettings } from '../exec-kept.js';
import { isPaddedBase64 } from './own-word-checks.js';
import { journalFieldValid } from '../../shared/journal-field.js';
import { logFacilityFromString, logLevelFromString } from '../../shared/syslog.js';

/** false: systemd refuses the value (the row reports it in the key's own words). */
type Setter = (value: string, ctx: ApplyContext, kept: KeptMutable) => boolean;
type KeptMutable = { -readonly [K in keyof KeptExecSettings]: KeptExecSettings[K] };

const IOPRIO_CLASSES: Record<string, number> = { none: 0, realtime: 1, 'best-effort': 2, idle: 3 };
const IOPRIO_BE_4 = (2 << 13) | 4;
/** ioprio_normalize(): class "none" means best-effort at level 4. */
const ioprioNormalize = (v: number) => (v >> 13 === 0 ? IOPRIO_BE_4 : v);

/** SCHED_* numbers, and each policy's priority range (sched_get_priority_min/max). */
const SCHED_POLICIES: Record<string, number> = { other: 0, fifo: 1, rr: 2, batch: 3, idle: 5 };
const schedRange = (policy: number): [number, number] => (policy === 1 || policy === 2 ? [1, 99] : [0, 0]);

const MPOL: Record<string, number> = { default: 0, preferred: 1, bind: 2, interleave: 3, local: 4 };
const SECURE_BITS: Record<string, number> = {
  noroot: 1 << 0, 'noroot-locked': 1 << 1, 'no-setuid-fixup': 1 << 2, 'no-setuid-fixup-locked': 1 << 3, 'keep-caps': 1 << 4, 'keep-caps-locked': 1 << 5,
};
/** mount(2)'s propagation flags, as MountFlags= names them. */
export const MOUNT_PROPAGATION: Readonly<Record<string, bigint>> = { shared: 1n << 20n, slave: 1n << 19n, private: 1n << 18n };
/** coredump_filter's bits, in the kernel's order; "default" is the kernel's own default. */
export const COREDUMP_FILTER_BITS = ['private-anonymous', 'shared-anonymous', 'private-file-backed', 'shared-file-backed', 'elf-headers', 'private-huge', 'shared-huge', 'private-dax', 'shared-dax'];
const COREDUMP_DEFAULT = 0x33n;


/** NUMAMask=all: the nodes the kernel has online (node 0 where it says nothing, as on a machine without NUMA). */
function onlineNumaNodes(): string {
  try {
    return readFileSync('/sys/devices/system/node/online', 'utf8').trim();
  } catch {
    return '0';
  }
}

const level = logLevelFromString;

const bool = (set: (k: KeptMutable, v: boolean) => void): Setter => (value, _ctx, k) => {
  const r = parseBoolean(value);
  if (r.ok) set(k, r.value);
  return r.ok;
};

/** A string with specifiers, empty resets. */
const text = (set: (k: KeptMutable, v: string | undefined) => void): Setter => (value, ctx, k) => {
  const v = resolveSpecifiers(ctx, value, QUOTED);
  if (v !== undefined) set(k, v === '' ? undefined : v);
  return true;
};

/** TTYRows=/TTYColumns=: up to 65534 (65535 is "unset"); empty resets. */
const ttySize = (set: (k: KeptMutable, v: number | undefined) => void): Setter => (value, _ctx, k) => {
  if (value === '') return set(k, undefined), true;
  const r = parseUnsignedNumber(value);
  if (!r.ok || r.value > 0xfffe) return false;
  set(k, r.value);
  return true;
};

/** SELinuxContext= and kin: "-" ignores a failure to apply it. */
const label = (set: (k: KeptMutable, v: IgnorableString | undefined) => void): Setter => (value, ctx, k) => {
  if (value === '') return set(k, undefined), true;
  const ignore = value.startsWith('-');
  const v = resolveSpecifiers(ctx, ignore ? value.slice(1) : value, QUOTED);
  if (v !== undefined) set(k, { ignore, value: v });
  return true;
};

/** parse_nsec(): a bare number is nanoseconds. */
function parseNsec(t: string): bigint | undefined {
  const s = t.trim();
  if (/^[0-9]+$/.test(s)) return BigInt(s);
  const ns = /^([0-9]+)\s*(ns|nsec)$/.exec(s);
  if (ns) return BigInt(ns[1]!);
  const r = parseTimespan(s, 1n);
  return r.ok ? r.value * 1000n : undefined;
}

/** StandardInputText=: specifiers, then C escapes resolved; a newline after each line. */
function inputText(value: string, ctx: ApplyContext, k: KeptMutable): boolean {
  if (value === '') return (k.stdinData = ''), true;
  const expanded = resolveSpecifiers(ctx, value, QUOTED);
  if (expanded === undefined) return true;
  const u = cunescape(expanded);
  if (!u.ok) return false;
  k.stdinData = Buffer.concat([Buffer.from(k.stdinData, 'base64'), Buffer.from(`${u.value}\n`)]).toString('base64');
  return true;
}

export const KEPT_SETTERS: Readonly<Record<string, Setter>> = {
  IOSchedulingClass(value, _ctx, k) {
    if (value === '') return (k.ioprio = undefined), true;
    const c = IOPRIO_CLASSES[value] ?? (/^[0-3]$/.test(value) ? Number(value) : undefined);
    if (c === undefined) return false;
    k.ioprio = ioprioNormalize((c << 13) | ((k.ioprio ?? IOPRIO_BE_4) & 0x1fff));
    return true;
  },
  IOSchedulingPriority(value, _ctx, k) {
    if (value === '') return (k.ioprio = undefined), true;
    if (!/^[0-7]$/.test(value)) return false;
    k.ioprio = ioprioNormalize(((k.ioprio ?? IOPRIO_BE_4) & ~0x1fff) | Number(value));
    return true;
  },
  CPUSchedulingPolicy(value, _ctx, k) {
    if (value === '') return (k.cpuSched = undefined), true;
    const policy = SCHED_POLICIES[value] ?? (/^[0-9]+$/.test(value) ? Number(value) : undefined);
    if (policy === undefined || ![0, 1, 2, 3, 5].includes(policy)) return false;
    // Moving to or from a real-time policy brings the priority into the new policy's range.
    const [lo, hi] = schedRange(policy);
    k.cpuSched = { policy, priority: Math.min(hi, Math.max(lo, k.cpuSched?.priority ?? 0)) };
    return true;
  },
  CPUSchedulingPriority(value, ctx, k) {
    const n = parseCInteger(value, { signed: true, bits: 32 });
    if (!n.ok) return false;
    // systemd's own words for a number outside the real-time range; the caller's for the rest.
    if (n.value < 0n || n.value > 99n) return ctx.report('warning', `CPU scheduling priority is out of range, ignoring: ${value}`), true;
    k.cpuSched = { policy: k.cpuSched?.policy ?? 0, priority: Number(n.value) };
    return true;
  },
  CPUSchedulingResetOnFork: bool((k, v) => (k.cpuSchedResetOnFork = v)),
  CPUAffinity(value, _ctx, k) {
    if (value === '') return (k.cpuAffinity = [], k.cpuAffinityFromNUMA = false), true;
    if (value === 'numa') return (k.cpuAffinity = [], k.cpuAffinityFromNUMA = true), true;
    const r = parseCpuSet(value);
    if (!r.ok) return false;
    k.cpuAffinity = [...new Set([...k.cpuAffinity, ...r.value])].sort((a, b) => a - b);
    k.cpuAffinityFromNUMA = false;
    return true;
  },
  NUMAPolicy(value, _ctx, k) {
    // Empty resets to the kernel's policy (unset), as systemd 252 takes it.
    if (value === '') return (k.numaPolicy = undefined), true;
    const p = MPOL[value];
    if (p === undefined) return false;
    k.numaPolicy = p;
    return true;
  },
  NUMAMask(value, _ctx, k) {
    if (value === '') return (k.numaMask = []), true;
    const r = parseCpuSet(value === 'all' ? onlineNumaNodes() : value);
    if (!r.ok) return false;
    k.numaMask = r.value;
    return true;
  },
  TimerSlackNSec(value, _ctx, k) {
    const v = value === '' ? undefined : parseNsec(value);
    if (v === undefined) return false;
    k.timerSlackNSec = v;
    return true;
  },
  NonBlocking: bool((k, v) => (k.nonBlocking = v)),
  SyslogLevel(value, _ctx, k) {
    const l = level(value);
    if (l === undefined) return false;
    k.syslogLevel = l;
    return true;
  },
  SyslogFacility(value, _ctx, k) {
    const f = logFacilityFromString(value);
    if (f === undefined) return false;
    k.syslogFacility = f;
    return true;
  },
  LogLevelMax(value, _ctx, k) {
    if (value === '') return (k.logLevelMax = undefined), true;
    const l = level(value);
    if (l === undefined) return false;
    k.logLevelMax = l;
    return true;
  },
  // Word by word: a bad field is named and skipped, the good ones of the line are still kept.
  LogExtraFields(value, ctx, k) {
    if (value === '') return (k.logExtraFields = []), true;
    const words = parseStringList(value);
    if (!words.ok || !words.value) return ctx.report('warning', `Invalid syntax, ignoring: ${value}`), true;
    const good = words.value.filter((w) => {
      const eq = w.indexOf('=');
      if (eq < 0) ctx.report('warning', `Log field lacks '=' character, ignoring: ${w}`);
      else if (!journalFieldValid(w.slice(0, eq))) ctx.report('warning', `Log field name is invalid, ignoring: ${w}`);
      else return true;
      return false;
    });
    k.logExtraFields = [...k.logExtraFields, ...good];
    return true;
  },
  LogNamespace: text((k, v) => (k.logNamespace = v)),
  SecureBits(value, _ctx, k) {
    if (value === '') return (k.secureBits = 0), true;
    let bits = 0;
    // secure_bits_from_string() passes over names it does not know: nothing is refused.
    for (const w of value.split(/\s+/).filter(Boolean)) bits |= SECURE_BITS[w] ?? 0;
    // Each line sets the bits anew: systemd 252 does not add them up.
    k.secureBits = bits;
    return true;
  },
  Personality(value, _ctx, k) {
    if (value === '') return (k.personality = undefined), true;
    if (personalityDomain(value) === undefined) return false;
    k.personality = value;
    return true;
  },
  KeyringMode(value, _ctx, k) {
    if (value !== 'inherit' && value !== 'private' && value !== 'shared') return false;
    k.keyringMode = value;
    return true;
  },
  MountFlags(value, _ctx, k) {
    if (value === '') return (k.mountFlags = 0n), true;
    const f = MOUNT_PROPAGATION[value];
    if (f === undefined) return false;
    k.mountFlags = f;
    return true;
  },
  IgnoreSIGPIPE: bool((k, v) => (k.ignoreSIGPIPE = v)),
  UtmpIdentifier: text((k, v) => (k.utmpIdentifier = v)),
  UtmpMode(value, _ctx, k) {
    if (value !== 'init' && value !== 'login' && value !== 'user') return false;
    k.utmpMode = value;
    return true;
  },
  // Empty resets: the default then depends on RootDirectory=/RootImage= again.
  MountAPIVFS: (value, ctx, k) => (value === '' ? ((k.mountAPIVFS = undefined), true) : bool((kk, v) => (kk.mountAPIVFS = v))(value, ctx, k)),
  PAMName: text((k, v) => (k.pamName = v)),
  TTYReset: bool((k, v) => (k.ttyReset = v)),
  TTYVHangup: bool((k, v) => (k.ttyVHangup = v)),
  TTYVTDisallocate: bool((k, v) => (k.ttyVTDisallocate = v)),
  TTYRows: ttySize((k, v) => (k.ttyRows = v)),
  TTYColumns: ttySize((k, v) => (k.ttyColumns = v)),
  StandardInputData(value, _ctx, k) {
    if (value === '') return (k.stdinData = ''), true;
    if (!isPaddedBase64(value)) return false;
    const compact = value.replace(/\s+/g, '');
    k.stdinData = Buffer.concat([Buffer.from(k.stdinData, 'base64'), Buffer.from(compact, 'base64')]).toString('base64');
    return true;
  },
  StandardInputText: inputText,
  CoredumpFilter(value, _ctx, k) {
    if (value === '') return (k.coredumpFilter = undefined), true;
    let mask = 0n;
    const words = value.split(/\s+/).filter(Boolean);
    for (const w of words) {
      const bit = COREDUMP_FILTER_BITS.indexOf(w);
      if (bit >= 0) mask |= 1n << BigInt(bit);
      else if (w === 'default') mask |= COREDUMP_DEFAULT;
      else if (w === 'all') mask |= (1n << BigInt(COREDUMP_FILTER_BITS.length)) - 1n;
      else if (/^(0x)?[0-9a-fA-F]+$/.test(w)) mask |= BigInt(w.startsWith('0x') ? w : `0x${w}`);
      else return false;
    }
    k.coredumpFilter = mask;
    return true;
  },
  ExecSearchPath(value, ctx, k) {
    if (value === '') return (k.execSearchPath = []), true;
    const expanded = resolveSpecifiers(ctx, value, QUOTED);
    if (expanded === undefined) return true;
    const paths = expanded.split(':').filter((p) => p !== '');
    if (!paths.every(pathIsAbsolute)) return false;
    k.execSearchPath = [...k.execSearchPath, ...paths];
    return true;
  },
  SELinuxContext: label((k, v) => (k.selinuxContext = v)),
  AppArmorProfile: label((k, v) => (k.appArmorProfile = v)),
  SmackProcessLabel: label((k, v) => (k.smackProcessLabel = v)),
  // Both checked (absolute once specifiers are resolved) by the fallback row that calls this.
  NetworkNamespacePath: (value, _ctx, k) => ((k.networkNamespacePath = value === '' ? undefined : value), true),
  IPCNamespacePath: (value, _ctx, k) => ((k.ipcNamespacePath = value === '' ? undefined : value), true),
};

/** Applies KEY's setter to the draft's exec context; false when systemd refuses the value. */
export function applyKept(key: string, value: string, ctx: ApplyContext): boolean {
  const set = KEPT_SETTERS[key];
  return set === undefined || set(value, ctx, ctx.draft.exec.kept);
}


const EXEC_SECTIONS = ['Service', 'Socket', 'Mount', 'Swap'] as const;
const table = new RowList();
/**
 * The kept settings the spawner applies (exec-context.ts): their rows are supported, not "ignored"
 * or "not-yet". Each with systemd 252's empty-value rule: CPUAffinity= lines add up
 * (an empty one clears), the scheduling priority, reset-on-fork and timer slack refuse an empty value.
 */
const APPLIED: readonly (readonly [string, string, 'set' | 'append', 'resets' | 'clears' | 'invalid'])[] = [
  ['SecureBits', 'secure bit names (keep-caps, noroot, …)', 'set', 'resets'],
  ['Personality', 'architecture name (x86-64, x86, …)', 'set', 'resets'],
  ['IOSchedulingClass', 'realtime, best-effort, idle or 0…3', 'set', 'resets'],
  ['IOSchedulingPriority', '0…7', 'set', 'resets'],
  ['CPUSchedulingPolicy', 'other, batch, idle, fifo, rr', 'set', 'resets'],
  ['CPUSchedulingPriority', '0…99, clamped to the policy', 'set', 'invalid'],
  ['CPUSchedulingResetOnFork', 'parseBoolean', 'set', 'invalid'],
  ['CPUAffinity', 'CPU numbers and ranges', 'append', 'clears'],
  ['TimerSlackNSec', 'time span, nanoseconds by default', 'set', 'invalid'],
];
for (const [key, parser, mode, empty] of APPLIED) {
  table.supported(EXEC_SECTIONS, key, custom(parser, mode, empty, (value, ctx) => {
    if (!applyKept(key, value, ctx)) rejectValue(ctx, value);
  }));
}
export const EXEC_KEPT_ROWS: readonly DirectiveRow[] = table.rows;
