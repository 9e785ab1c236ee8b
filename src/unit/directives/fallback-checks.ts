/**
 * How the keys svcd keeps unapplied (fallback-rows.ts) have their values checked, so that a typo
 * is reported as systemd 252 reports it even where svcd does not act on the setting: a check per
 * value-type hint, and per key where systemd's parser for it is its own. Each check answers only
 * "does systemd's parser take this"; the words of the refusal are the catalog's (rejectValue).
 * The ranges and tables were read off `systemd-analyze verify` (scripts/verify-directive-mutations.mjs
 * compares every key).
 */
import { isIP } from 'node:net';
import type { Result } from '../../shared/result.js';
import { isValidUnitName, parserLabel, type Parser } from './behaviour.js';
import {
  EINVAL, ERANGE, makeEnumParser, parseBoolean, parseBytes, parseCInteger, parseCpuSet, parseEmergencyAction, parseKillMode, parseMode, parseNice, parseOomScoreAdjust,
  parsePermyriad, parseSec, parseSignal, parseSize, parseUnsignedNumber,
} from '../values/index.js';
import { logFacilityFromString, logLevelFromString } from '../../shared/syslog.js';

const ok = <T>(value: T): Result<T, string> => ({ ok: true, value });
const bad: Result<never, string> = { ok: false, error: 'invalid' };

/** C integer (base 0, as safe_atoi) within [lo, hi]. */
const intIn = (lo: bigint, hi: bigint, bits: 32 | 64 = 32) => (t: string): Result<bigint, string> => {
  const r = parseCInteger(t, { signed: true, bits });
  return r.ok && r.value >= lo && r.value <= hi ? r : bad;
};
/** A name of systemd's string table, or a number up to its fallback maximum (string_table_lookup_with_fallback). */
const nameOrNumber = (names: readonly string[], max: bigint) => {
  const number = intIn(0n, max);
  return (t: string): Result<string, string> => (names.includes(t) || number(t).ok ? ok(t) : bad);
};
const INT_MAX = 2147483647n;

const percent = (t: string) => parsePermyriad(t).ok;
const memoryLimit = (t: string): Result<string, string> =>
  t === 'infinity' || percent(t) || parseBytes(t).ok ? ok(t) : bad;
// cgroup v1's block I/O weight: 10…1000.
const blockIOWeight = (t: string): Result<number, string> => {
  const r = parseUnsignedNumber(t);
  return r.ok && r.value >= 10 && r.value <= 1000 ? r : bad;
};
const sliceName = (t: string): Result<string, string> => (isValidUnitName(t) ? ok(t) : bad);
const credential = (t: string): Result<string, string> => (/^[^:]*:./s.test(t) ? ok(t) : bad);
const cpuSet = (t: string): Result<string, string> => (parseCpuSet(t).ok ? ok(t) : bad);

// Named, as docs/units.md shows a check by its function's name.
const logLevel = (t: string): Result<string, string> => (logLevelFromString(t) !== undefined ? ok(t) : bad);
const logFacility = (t: string): Result<string, string> => (logFacilityFromString(t) !== undefined ? ok(t) : bad);

const BY_HINT: Record<string, Parser<unknown>> = {
  BOOLEAN: parseBoolean,
  SECONDS: parseSec,
  SIGNAL: parseSignal,
  MODE: parseMode,
  NICE: parseNice,
  OOMSCOREADJUST: parseOomScoreAdjust,
  KILLMODE: parseKillMode,
  UNSIGNED: parseUnsignedNumber,
  ACTION: parseEmergencyAction,
  LEVEL: logLevel,
  FACILITY: logFacility,
  CPUSCHEDPOLICY: nameOrNumber(['other', 'batch', 'idle', 'fifo', 'rr'], INT_MAX),
  CPUSCHEDPRIO: intIn(-INT_MAX - 1n, INT_MAX),
  IOCLASS: nameOrNumber(['none', 'realtime', 'best-effort', 'idle'], 8n),
  IOPRIORITY: intIn(0n, 7n),
  SERVICEEXITTYPE: makeEnumParser(['main', 'cgroup']),
  'MOUNTFLAG [...]': makeEnumParser(['shared', 'slave', 'private']),
  INTEGER: intIn(-INT_MAX - 1n, INT_MAX),
  LONG: intIn(-(1n << 63n), (1n << 63n) - 1n, 64),
  SIZE: (t) => parseSize(t),
  CPUAFFINITY: (t) => (t === 'numa' ? ok(t) : cpuSet(t)),
  TOS: nameOrNumber(['low-delay', 'throughput', 'reliability', 'low-cost'], 255n),
};
const BY_KEY: Record<string, Parser<unknown>> = {
  DefaultMemoryLow: memoryLimit, DefaultMemoryMin: memoryLimit, MemoryLimit: memoryLimit, Slice: sliceName,
  // KeyringMode=: systemd's keyring-mode table; nothing else, not even empty.
  KeyringMode: makeEnumParser(['inherit', 'private', 'shared']),
  DevicePolicy: makeEnumParser(['auto', 'closed', 'strict']),
  ManagedOOMSwap: makeEnumParser(['auto', 'kill']), ManagedOOMMemoryPressure: makeEnumParser(['auto', 'kill']),
  ManagedOOMPreference: makeEnumParser(['none', 'avoid', 'omit']), ManagedOOMMemoryPressureLimit: (t) => (percent(t) ? ok(t) : bad),
  BlockIOWeight: blockIOWeight, StartupBlockIOWeight: blockIOWeight,
  UtmpMode: makeEnumParser(['init', 'login', 'user']),
  NUMAPolicy: makeEnumParser(['default', 'preferred', 'bind', 'interleave', 'local']),
  NUMAMask: (t) => (t === 'all' ? ok(t) : cpuSet(t)),
  AllowedMemoryNodes: cpuSet, StartupAllowedCPUs: cpuSet, StartupAllowedMemoryNodes: cpuSet,
  TTYRows: parseUnsignedNumber, TTYColumns: parseUnsignedNumber,
  MountAPIVFS: parseBoolean,
  SocketProtocol: makeEnumParser(['udplite', 'sctp']),
  Timestamping: makeEnumParser(['off', 'us', 'usec', 'ns', 'nsec']),
  TimeoutSec: parseSec,
  // SetCredential=ID:DATA: without the colon or the data there is nothing to set.
  SetCredential: credential, SetCredentialEncrypted: credential,
};
const LABELS = new Map<unknown, string>([[memoryLimit, 'bytes, percentage or infinity'], [blockIOWeight, 'weight 10…1000'], [sliceName, 'unit name'], [cpuSet, 'CPU numbers and ranges']]);

/** Absolute, or made so by a specifier (%t/x): systemd resolves those first. */
const absoluteOrSpecifier = (w: string): boolean => w.startsWith('/') || w.startsWith('%');
const IP_WORDS = new Set(['any', 'localhost', 'link-local', 'multicast']);
/** IPAddressAllow=/IPAddressDeny=: a named set, or an address with an optional prefix length that fits it. */
function addressPrefix(w: string): boolean {
  if (IP_WORDS.has(w)) return true;
  const [addr = '', len, ...more] = w.split('/');
  const family = isIP(addr);
  if (family === 0 || more.length > 0) return false;
  return len === undefined || (/^\d+$/.test(len) && Number(len) <= (family === 4 ? 32 : 128));
}
/**
 * Keys whose value is a list checked word by word (each refusal names the word): how it is split
 * and what a good word is. Path lists may mark a word optional with '-' (ExtensionImages=).
 */
export interface WordCheck { readonly separator: 'space' | 'colon'; readonly good: (word: string) => boolean }
const paths: WordCheck = { separator: 'space', good: (w) => absoluteOrSpecifier(w.replace(/^-/, '')) };
const WORD_CHECKS: Record<string, WordCheck> = {
  ExecSearchPath: { separator: 'colon', good: absoluteOrSpecifier },
  NetworkNamespacePath: paths, IPCNamespacePath: paths, IPIngressFilterPath: paths, IPEgressFilterPath: paths,
  USBFunctionDescriptors: paths, USBFunctionStrings: paths, ExtensionDirectories: paths, ExtensionImages: paths,
  IPAddressAllow: { separator: 'space', good: addressPrefix }, IPAddressDeny: { separator: 'space', good: addressPrefix },
};
export function fallbackWordCheck(key: string): WordCheck | undefined {
  return WORD_CHECKS[key];
}
/** RootImage=, RootVerity=: a relative path makes the unit unloadable (the parser's fatal flag), as RootDirectory= does. */
const FATAL_PATHS = new Set(['RootImage', 'RootVerity']);
export function fatalIfRelative(key: string, value: string): boolean {
  return FATAL_PATHS.has(key) && value !== '' && !absoluteOrSpecifier(value);
}

/** What is wrong with the value after the device of a per-device setting, in systemd's words (undefined: nothing). */
type DeviceValueProblem = (rest: string) => string | undefined;
const ioLimit: DeviceValueProblem = (r) => (r === 'infinity' || parseSize(r).ok ? undefined : `Invalid IO limit '${r}', ignoring.`);
const weightIn = (lo: number, hi: number, say: (r: string, why: string) => string): DeviceValueProblem => (r) => {
  const n = parseCInteger(r, { signed: false, bits: 64 });
  if (!n.ok) return say(r, EINVAL);
  return n.value < BigInt(lo) || n.value > BigInt(hi) ? say(r, ERANGE) : undefined;
};
const blockIOBandwidth: DeviceValueProblem = (r) => (parseSize(r).ok ? undefined : `Invalid Block IO Bandwidth '${r}', ignoring.`);
const DEVICE_VALUES: Record<string, DeviceValueProblem> = {
  IOReadBandwidthMax: ioLimit, IOWriteBandwidthMax: ioLimit, IOReadIOPSMax: ioLimit, IOWriteIOPSMax: ioLimit,
  IODeviceWeight: weightIn(1, 10000, (r, why) => `IO weight '${r}' invalid, ignoring: ${why}`),
  BlockIODeviceWeight: weightIn(10, 1000, (r, why) => `Invalid block IO weight '${r}', ignoring: ${why}`),
  IODeviceLatencyTargetSec: (r) => (parseSec(r).ok ? undefined : `Failed to parse timer value, ignoring: ${r}`),
  BlockIOReadBandwidth: blockIOBandwidth, BlockIOWriteBandwidth: blockIOBandwidth,
};
/**
 * "DEVICE VALUE" settings (IOReadBandwidthMax=, IODeviceWeight=, …): 'missing' when there is no
 * value after the device (the catalog's words), else what is wrong with the value, else undefined.
 * systemd does not check the device path itself here.
 */
export function deviceValueProblem(key: string, value: string): string | 'missing' | undefined {
  const problem = DEVICE_VALUES[key];
  if (!problem) return undefined;
  const m = /^\s*\S+\s+(\S.*)$/.exec(value);
  return m ? problem(m[1]!) : 'missing';
}

/** The check for a kept key's value (undefined: any value is kept as written). */
export function fallbackCheck(key: string, hint: string): Parser<unknown> | undefined {
  return BY_KEY[key] ?? BY_HINT[hint];
}

/** The check's name for docs/units.md. */
export function fallbackCheckLabel(check: Parser<unknown>): string {
  return LABELS.get(check) ?? parserLabel(check);
}
