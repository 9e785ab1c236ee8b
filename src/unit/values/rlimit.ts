/**
 * Resource limits as LimitXXX= takes them (systemd.exec(5), "Process Properties", Table 1): one
 * value for both limits or "soft:hard"; "infinity"; bytes with K/M/G… suffixes for size limits;
 * time spans for LimitCPU= (seconds, rounded up) and LimitRTTIME= (microseconds); for LimitNICE=
 * a "+N"/"-N" nice level or the raw 0..40 value.
 */
import { type Result, ok, err } from '../../shared/result.js';
import { parseTimespan, USEC_INFINITY, USEC_PER_SEC } from '../../shared/timespan.js';
import { extractFirstWord } from './words.js';
import { EINVAL, ERANGE, parseCInteger, parseSize } from './numbers.js';

/** RLIM_INFINITY on Linux: all bits set. */
export const RLIM_INFINITY = (1n << 64n) - 1n;

export const RLIMIT_NAMES = [
  'CPU',
  'FSIZE',
  'DATA',
  'STACK',
  'CORE',
  'RSS',
  'NOFILE',
  'AS',
  'NPROC',
  'MEMLOCK',
  'LOCKS',
  'SIGPENDING',
  'MSGQUEUE',
  'NICE',
  'RTPRIO',
  'RTTIME',
] as const;
export type RlimitName = (typeof RLIMIT_NAMES)[number];

export interface Rlimit {
  readonly soft: bigint;
  readonly hard: bigint;
}

type OneParser = (text: string) => Result<bigint, string>;

function withInfinity(inner: OneParser): OneParser {
  return (text) => (text === 'infinity' ? ok(RLIM_INFINITY) : inner(text));
}

const parseCount: OneParser = withInfinity((text) => {
  const r = parseCInteger(text, { signed: false, bits: 64 });
  if (!r.ok) return r;
  return r.value >= RLIM_INFINITY ? err(ERANGE) : r;
});

const parseBytes: OneParser = withInfinity((text) => {
  const r = parseSize(text, 1024);
  if (!r.ok) return r;
  return r.value >= RLIM_INFINITY ? err(ERANGE) : r;
});

const parseSeconds: OneParser = withInfinity((text) => {
  const r = parseTimespan(text, USEC_PER_SEC);
  if (!r.ok) return err(r.error);
  if (r.value === USEC_INFINITY) return ok(RLIM_INFINITY);
  return ok((r.value + USEC_PER_SEC - 1n) / USEC_PER_SEC);
});

const parseMicroseconds: OneParser = withInfinity((text) => {
  const r = parseTimespan(text, 1n);
  if (!r.ok) return err(r.error);
  return ok(r.value === USEC_INFINITY ? RLIM_INFINITY : r.value);
});

// Linux stores RLIMIT_NICE as 20 - nice (1..40); the kernel default 0 maps to no nice level, so
// the raw form permits 0..40 while the signed forms permit nice levels -20..19.
const parseNiceLimit: OneParser = (text) => {
  const unsigned = (t: string): Result<bigint, string> => parseCInteger(t, { signed: false, bits: 64 });
  if (text.startsWith('+')) {
    const r = unsigned(text.slice(1));
    if (!r.ok) return r;
    return r.value >= 20n ? err(ERANGE) : ok(20n - r.value);
  }
  if (text.startsWith('-')) {
    const r = unsigned(text.slice(1));
    if (!r.ok) return r;
    return r.value > 20n ? err(ERANGE) : ok(20n + r.value);
  }
  const r = unsigned(text);
  if (!r.ok) return r;
  return r.value > 40n ? err(ERANGE) : r;
};

const PARSERS: Record<RlimitName, OneParser> = {
  CPU: parseSeconds,
  FSIZE: parseBytes,
  DATA: parseBytes,
  STACK: parseBytes,
  CORE: parseBytes,
  RSS: parseBytes,
  NOFILE: parseCount,
  AS: parseBytes,
  NPROC: parseCount,
  MEMLOCK: parseBytes,
  LOCKS: parseCount,
  SIGPENDING: parseCount,
  MSGQUEUE: parseBytes,
  NICE: parseNiceLimit,
  RTPRIO: parseCount,
  RTTIME: parseMicroseconds,
};

/** Reason text systemd logs when the soft limit exceeds the hard one. */
export const SOFT_ABOVE_HARD = 'Soft resource limit chosen higher than hard limit';

export function parseRlimit(resource: RlimitName, text: string): Result<Rlimit, string> {
  const parseOne = PARSERS[resource];
  const first = extractFirstWord(text, 0, ':', { dontCoalesceSeparators: true });
  if (!first.ok) return err(EINVAL);
  if (first.value.word === null) return err(EINVAL);
  const soft = parseOne(first.value.word);
  if (!soft.ok) return soft;
  const second = extractFirstWord(text, first.value.next, ':', { dontCoalesceSeparators: true });
  if (!second.ok) return err(EINVAL);
  const rest = second.value.next === null ? '' : text.slice(second.value.next);
  if (rest !== '') return err(EINVAL);
  if (second.value.word === null) return ok({ soft: soft.value, hard: soft.value });
  const hard = parseOne(second.value.word);
  if (!hard.ok) return hard;
  if (soft.value > hard.value) return err(SOFT_ABOVE_HARD);
  return ok({ soft: soft.value, hard: hard.value });
}

/** Maps "LimitNOFILE" / "DefaultLimitNOFILE" to the resource name. */
export function rlimitFromDirective(key: string): RlimitName | undefined {
  const name = key.replace(/^Default/, '').replace(/^Limit/, '');
  return (RLIMIT_NAMES as readonly string[]).includes(name) ? (name as RlimitName) : undefined;
}

/** rlimit_format(): how `systemctl show` would print the pair. */
export function formatRlimit(r: Rlimit): string {
  const inf = (v: bigint): boolean => v >= RLIM_INFINITY;
  if (inf(r.soft) && inf(r.hard)) return 'infinity';
  if (inf(r.soft)) return `infinity:${r.hard}`;
  if (inf(r.hard)) return `${r.soft}:infinity`;
  if (r.soft === r.hard) return `${r.soft}`;
  return `${r.soft}:${r.hard}`;
}

export { EINVAL };
