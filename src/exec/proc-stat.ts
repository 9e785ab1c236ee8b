/**
 * /proc/PID/stat, the fields svcd's process tracking reads (proc(5)). comm may hold spaces and
 * parentheses, so the fields are counted from after the last ')'.
 */
import { readFileSync } from 'node:fs';
import { errnoName, procScan } from './native.js';

export interface ProcStat {
  readonly pid: number;
  /** R, S, D, Z (zombie), T …; empty where none was read (the tracker's rows for the commands it started). */
  readonly state: string;
  readonly ppid: number;
  readonly pgid: number;
  readonly sid: number;
  /** Start time in clock ticks since boot: with the pid, names one process for good (empty as state). */
  readonly start: string;
}

/** Errors that say svcd could not look, not that the process is gone: out of descriptors or memory. */
const COULD_NOT_LOOK = new Set(['EMFILE', 'ENFILE', 'ENOMEM']);

/** Whether `e` is svcd's own want of resources rather than an answer about the process. */
export function isLookFailure(e: unknown): boolean {
  return COULD_NOT_LOOK.has((e as NodeJS.ErrnoException | undefined)?.code ?? '');
}

/**
 * The process's stat, or undefined when it is gone (or never was). Throws when svcd could not
 * look (isLookFailure): with no descriptor left, "gone" would be a lie a caller acts on.
 */
export function readProcStat(pid: number, procRoot = '/proc'): ProcStat | undefined {
  let stat: string;
  try {
    stat = readFileSync(`${procRoot}/${pid}/stat`, 'latin1');
  } catch (e) {
    if (isLookFailure(e)) throw e;
    return undefined;
  }
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { pid, state: f[0] ?? '', ppid: Number(f[1]), pgid: Number(f[2]), sid: Number(f[3]), start: f[19] ?? '' };
}

/**
 * Every process of /proc, as readProcStat reads each (those gone while looking left out), but
 * those in `skip` (pids in ascending order), which are not read at all. One native pass: a restart
 * after which the tracker must look for what is left of a unit reads a thousand stat files when a
 * thousand services run. Throws as readProcStat does when svcd could not look.
 */
export function scanProcStats(skip?: Int32Array): ProcStat[] {
  const rows = procScan(skip);
  if (typeof rows === 'number') throw Object.assign(new Error(`scanning /proc: ${errnoName(rows)}`), { code: errnoName(rows) });
  const out: ProcStat[] = [];
  for (let i = 0; i < rows.length; i += 6) {
    out.push({ pid: rows[i]!, state: String.fromCharCode(rows[i + 1]!), ppid: rows[i + 2]!, pgid: rows[i + 3]!, sid: rows[i + 4]!, start: String(rows[i + 5]!) });
  }
  return out;
}
