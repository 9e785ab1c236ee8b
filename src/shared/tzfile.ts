/**
 * Time zones as glibc reads them: the TZif files under /usr/share/zoneinfo (tzfile(5)) and the
 * POSIX TZ rule strings (their footer, or $TZ itself). systemd formats and parses time stamps with
 * localtime_r()/mktime() and prints the zone's abbreviation ("CET", "EDT", "IST", even "LMT"),
 * and it recognises the local zone's two tzname[] abbreviations as suffixes: both need the
 * zone's own data, which Intl does not expose, so the files are read here.
 */
import { closeSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { daysFromCivil, secondsToWall, weekdayOfDays } from './civil.js';

export const ZONEINFO_DIR = '/usr/share/zoneinfo';

/** One local time type: the offset east of UTC in seconds, whether it is daylight time, its abbreviation. */
export interface LocalTimeType {
  readonly utoff: number;
  readonly isdst: boolean;
  readonly abbr: string;
}

export interface Zone {
  /** What $TZ (or /etc/localtime) named, for messages. */
  readonly name: string;
  typeAt(sec: number): LocalTimeType;
  /** glibc's tzname[0] (standard) and tzname[1] (daylight; the standard one when the zone has none). */
  readonly tzname: readonly [string, string];
  /** glibc's `timezone == 0 && daylight == 0`: systemd then omits the "(in UTC)" line. */
  readonly isUtc: boolean;
}

const UTC_TYPE: LocalTimeType = { utoff: 0, isdst: false, abbr: 'UTC' };

export const UTC_ZONE: Zone = { name: 'UTC', typeAt: () => UTC_TYPE, tzname: ['UTC', 'UTC'], isUtc: true };

// --- POSIX TZ rule strings ("CET-1CEST,M3.5.0,M10.5.0/3") ---

type RuleDate =
  | { readonly kind: 'julian-no-leap'; readonly day: number }
  | { readonly kind: 'julian'; readonly day: number }
  | { readonly kind: 'month-week-day'; readonly month: number; readonly week: number; readonly weekday: number };

interface Rule {
  readonly date: RuleDate;
  /** Local wall-clock seconds after midnight (may be negative or past 24h). */
  readonly time: number;
}

interface PosixTz {
  readonly std: LocalTimeType;
  readonly dst?: { readonly type: LocalTimeType; readonly start: Rule; readonly end: Rule };
}

class Cursor {
  i = 0;
  constructor(readonly s: string) {}
  peek(): string | undefined {
    return this.s[this.i];
  }
  done(): boolean {
    return this.i >= this.s.length;
  }
}

function parseTzName(c: Cursor): string | undefined {
  if (c.peek() === '<') {
    const end = c.s.indexOf('>', c.i);
    if (end < 0) return undefined;
    const name = c.s.slice(c.i + 1, end);
    c.i = end + 1;
    return name.length >= 3 ? name : undefined;
  }
  const m = /^[A-Za-z]{3,}/.exec(c.s.slice(c.i));
  if (!m) return undefined;
  c.i += m[0].length;
  return m[0];
}

/** "[+-]hh[:mm[:ss]]" as seconds; hours up to 167 as glibc allows for rule times. */
function parseHms(c: Cursor): number | undefined {
  const m = /^([+-]?)(\d{1,3})(?::(\d{1,2})(?::(\d{1,2}))?)?/.exec(c.s.slice(c.i));
  if (!m) return undefined;
  c.i += m[0].length;
  const v = Number(m[2]) * 3600 + Number(m[3] ?? 0) * 60 + Number(m[4] ?? 0);
  return m[1] === '-' ? -v : v;
}

function parseRule(c: Cursor): Rule | undefined {
  let date: RuleDate;
  const rest = c.s.slice(c.i);
  let m: RegExpExecArray | null;
  if ((m = /^M(\d{1,2})\.(\d)\.(\d)/.exec(rest))) {
    date = { kind: 'month-week-day', month: Number(m[1]), week: Number(m[2]), weekday: Number(m[3]) };
  } else if ((m = /^J(\d{1,3})/.exec(rest))) {
    date = { kind: 'julian-no-leap', day: Number(m[1]) };
  } else if ((m = /^(\d{1,3})/.exec(rest))) {
    date = { kind: 'julian', day: Number(m[1]) };
  } else {
    return undefined;
  }
  c.i += m[0].length;
  let time = 7200;
  if (c.peek() === '/') {
    c.i++;
    const t = parseHms(c);
    if (t === undefined) return undefined;
    time = t;
  }
  return { date, time };
}

export function parsePosixTz(spec: string): PosixTz | undefined {
  const c = new Cursor(spec);
  const stdName = parseTzName(c);
  if (stdName === undefined) return undefined;
  const stdOff = parseHms(c);
  if (stdOff === undefined) return undefined;
  const std: LocalTimeType = { utoff: -stdOff, isdst: false, abbr: stdName };
  if (c.done()) return { std };
  const dstName = parseTzName(c);
  if (dstName === undefined) return undefined;
  let dstUtoff = std.utoff + 3600;
  if (!c.done() && c.peek() !== ',') {
    const o = parseHms(c);
    if (o === undefined) return undefined;
    dstUtoff = -o;
  }
  // glibc's default rules when a daylight zone names none: the US ones.
  let start: Rule | undefined = { date: { kind: 'month-week-day', month: 3, week: 2, weekday: 0 }, time: 7200 };
  let end: Rule | undefined = { date: { kind: 'month-week-day', month: 11, week: 1, weekday: 0 }, time: 7200 };
  if (c.peek() === ',') {
    c.i++;
    start = parseRule(c);
    if (start === undefined || c.peek() !== ',') return undefined;
    c.i++;
    end = parseRule(c);
    if (end === undefined) return undefined;
  }
  if (!c.done()) return undefined;
  return { std, dst: { type: { utoff: dstUtoff, isdst: true, abbr: dstName }, start, end } };
}

const isLeap = (y: number): boolean => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Local wall-clock seconds (as if UTC) at which a rule fires in a year. */
function ruleWallSeconds(rule: Rule, year: number): number {
  const d = rule.date;
  let days: number;
  if (d.kind === 'julian-no-leap') days = daysFromCivil(year, 1, 1) + d.day - 1 + (isLeap(year) && d.day >= 60 ? 1 : 0);
  else if (d.kind === 'julian') days = daysFromCivil(year, 1, 1) + d.day;
  else {
    const first = daysFromCivil(year, d.month, 1);
    let day = 1 + ((d.weekday - weekdayOfDays(first) + 7) % 7) + (d.week - 1) * 7;
    const length = MONTH_DAYS[d.month - 1]! + (d.month === 2 && isLeap(year) ? 1 : 0);
    while (day > length) day -= 7;
    days = first + day - 1;
  }
  return days * 86400 + rule.time;
}

function posixTypeAt(tz: PosixTz, sec: number): LocalTimeType {
  const dst = tz.dst;
  if (!dst) return tz.std;
  const year = secondsToWall(sec + tz.std.utoff).year;
  const start = ruleWallSeconds(dst.start, year) - tz.std.utoff;
  const end = ruleWallSeconds(dst.end, year) - dst.type.utoff;
  const inDst = start < end ? sec >= start && sec < end : !(sec >= end && sec < start);
  return inDst ? dst.type : tz.std;
}

function posixZone(name: string, tz: PosixTz): Zone {
  const dstType = tz.dst?.type;
  return {
    name,
    typeAt: (sec) => posixTypeAt(tz, sec),
    tzname: [tz.std.abbr, dstType ? dstType.abbr : tz.std.abbr],
    isUtc: tz.std.utoff === 0 && (dstType === undefined || dstType.utoff === 0),
  };
}

// --- TZif files ---

interface TzifData {
  readonly transitions: readonly number[];
  readonly typeIndex: readonly number[];
  readonly types: readonly LocalTimeType[];
  readonly footer?: PosixTz;
}

function parseTzif(buf: Buffer): TzifData | undefined {
  if (buf.length < 44 || buf.toString('latin1', 0, 4) !== 'TZif') return undefined;
  const version = buf[4]!;
  const counts = (at: number) => ({
    isutcnt: buf.readUInt32BE(at + 20),
    isstdcnt: buf.readUInt32BE(at + 24),
    leapcnt: buf.readUInt32BE(at + 28),
    timecnt: buf.readUInt32BE(at + 32),
    typecnt: buf.readUInt32BE(at + 36),
    charcnt: buf.readUInt32BE(at + 40),
  });
  let at = 0;
  let c = counts(0);
  let timeSize = 4;
  if (version >= 0x32) {
    // Skip the 32-bit block: the 64-bit one after it covers the full range.
    at = 44 + c.timecnt * 5 + c.typecnt * 6 + c.charcnt + c.leapcnt * 8 + c.isstdcnt + c.isutcnt;
    if (buf.length < at + 44 || buf.toString('latin1', at, at + 4) !== 'TZif') return undefined;
    c = counts(at);
    timeSize = 8;
  }
  let p = at + 44;
  const need = c.timecnt * (timeSize + 1) + c.typecnt * 6 + c.charcnt;
  if (buf.length < p + need || c.typecnt === 0) return undefined;
  const transitions: number[] = [];
  for (let i = 0; i < c.timecnt; i++, p += timeSize) transitions.push(timeSize === 8 ? Number(buf.readBigInt64BE(p)) : buf.readInt32BE(p));
  const typeIndex: number[] = [];
  for (let i = 0; i < c.timecnt; i++, p++) typeIndex.push(buf[p]!);
  const raw: Array<{ utoff: number; isdst: boolean; idx: number }> = [];
  for (let i = 0; i < c.typecnt; i++, p += 6) raw.push({ utoff: buf.readInt32BE(p), isdst: buf[p + 4] !== 0, idx: buf[p + 5]! });
  const chars = buf.subarray(p, p + c.charcnt);
  const abbrAt = (i: number) => {
    const end = chars.indexOf(0, i);
    return chars.toString('latin1', i, end < 0 ? chars.length : end);
  };
  const types = raw.map((t) => ({ utoff: t.utoff, isdst: t.isdst, abbr: abbrAt(t.idx) }));
  if (typeIndex.some((i) => i >= types.length)) return undefined;
  p += c.charcnt + c.leapcnt * (timeSize + 4) + c.isstdcnt + c.isutcnt;
  let footer: PosixTz | undefined;
  if (version >= 0x32 && buf[p] === 0x0a) {
    const end = buf.indexOf(0x0a, p + 1);
    if (end > p + 1) footer = parsePosixTz(buf.toString('latin1', p + 1, end));
  }
  return { transitions, typeIndex, types, footer };
}

function tzifZone(name: string, d: TzifData): Zone {
  const { transitions, typeIndex, types, footer } = d;
  // Before the first transition glibc uses the first standard-time type.
  const firstStd = types.find((t) => !t.isdst) ?? types[0]!;
  const typeAt = (sec: number): LocalTimeType => {
    const n = transitions.length;
    if (n === 0 || sec < transitions[0]!) return n === 0 ? types[0]! : firstStd;
    if (sec >= transitions[n - 1]! && footer) return posixTypeAt(footer, sec);
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (transitions[mid]! <= sec) lo = mid;
      else hi = mid - 1;
    }
    return types[typeIndex[lo]!]!;
  };
  // glibc's tzname[] and daylight: the last standard and daylight types transitioned to.
  let std: LocalTimeType | undefined;
  let dst: LocalTimeType | undefined;
  for (let i = typeIndex.length - 1; i >= 0 && !(std && dst); i--) {
    const t = types[typeIndex[i]!]!;
    if (t.isdst) dst ??= t;
    else std ??= t;
  }
  if (transitions.length === 0) std = types[0];
  const stdType = std ?? types[0]!;
  const stdOff = stdType.utoff;
  const dstOff = dst ? dst.utoff : stdOff;
  return {
    name,
    typeAt,
    tzname: [stdType.abbr, (dst ?? stdType).abbr],
    isUtc: stdOff === 0 && dstOff === 0,
  };
}

/** A zone file by name ("Europe/Berlin") or absolute path; undefined when it cannot be read. */
export function loadZoneFile(name: string): Zone | undefined {
  const path = name.startsWith('/') ? name : `${ZONEINFO_DIR}/${name}`;
  let stamp: string;
  let buf: Buffer;
  try {
    // A calendar's next elapse asks for its zone at every iteration (and a timer at every elapse):
    // the file is parsed again only when it changed on disk (a tzdata update), not at each call.
    const st = statSync(path);
    stamp = `${st.mtimeMs}:${st.size}:${st.ino}`;
    const cached = zoneCache.get(name);
    if (cached && cached.stamp === stamp) return cached.zone;
    buf = readFileSync(path);
  } catch {
    return undefined;
  }
  const d = parseTzif(buf);
  const zone = d ? tzifZone(name, d) : undefined;
  if (zoneCache.size >= ZONE_CACHE_MAX) zoneCache.delete(zoneCache.keys().next().value!);
  zoneCache.set(name, { stamp, zone });
  return zone;
}

/** Parsed zone files by name, with the stat that says whether they are still current; bounded. */
const zoneCache = new Map<string, { readonly stamp: string; readonly zone: Zone | undefined }>();
const ZONE_CACHE_MAX = 64;

/**
 * The local zone as glibc's tzset() picks it: $TZ unset means /etc/localtime, empty means
 * UTC, a leading ':' is dropped, a zone file wins over a rule string of the same text, and
 * anything unusable falls back to UTC (named as far as the text named it).
 */
export function localZone(env: Readonly<Record<string, string | undefined>>): Zone {
  const tz = env.TZ;
  if (tz === undefined) return loadZoneFile('/etc/localtime') ?? UTC_ZONE;
  if (tz === '') return loadZoneFile('Universal') ?? UTC_ZONE;
  const name = tz.startsWith(':') ? tz.slice(1) : tz;
  const file = loadZoneFile(name);
  if (file) return file;
  const rule = parsePosixTz(name);
  if (rule) return posixZone(name, rule);
  // glibc keeps what it could read: a leading name makes UTC under that name ("Nowhere/Zone" is
  // "Nowhere"), with no name at all the abbreviation is empty, and systemd prints it as such.
  const abbr = parseTzName(new Cursor(name)) ?? '';
  const type: LocalTimeType = { utoff: 0, isdst: false, abbr };
  return { name, typeAt: () => type, tzname: [abbr, ''], isUtc: true };
}

/**
 * systemd's timezone_is_valid(): "UTC", or a relative name of plain characters naming a regular
 * TZif file under /usr/share/zoneinfo.
 */
export function timezoneIsValid(name: string): boolean {
  if (name === '') return false;
  if (name === 'UTC') return true;
  if (!/^[A-Za-z0-9_+/-]+$/.test(name) || name.startsWith('/') || name.endsWith('/') || name.includes('//')) return false;
  const path = `${ZONEINFO_DIR}/${name}`;
  try {
    if (!statSync(path).isFile()) return false;
    // The magic is all that is asked: four bytes, not the whole file.
    const fd = openSync(path, 'r');
    try {
      const magic = Buffer.alloc(4);
      return readSync(fd, magic, 0, 4, 0) === 4 && magic.toString('latin1') === 'TZif';
    } finally {
      closeSync(fd);
    }
  } catch {
    return false;
  }
}
