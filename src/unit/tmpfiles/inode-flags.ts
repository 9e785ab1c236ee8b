/**
 * tmpfiles' `h H` (chattr(1)'s file attributes), as systemd-tmpfiles 252 reads and applies them: the
 * argument `+dA`, `-i`, `=a` parsed against the letters it knows (an unknown one refuses the line);
 * at --create the flags go on each regular file and directory matched (H: and below it) through
 * FS_IOC_GETFLAGS/SETFLAGS — flags the file system refuses together are tried one by one, as
 * systemd's chattr_full() falls back; what still cannot be set is a warning, not a failure.
 */
import type { Result } from '../../shared/result.js';
import type { Item, Report } from './parse.js';
import { expandGlob } from '../../shared/glob.js';
import { lstatOrUndefined } from './paths.js';

/** The letters and their FS_*_FL bits (<linux/fs.h>), as systemd-tmpfiles 252 lists them. */
const FLAGS: Readonly<Record<string, number>> = {
  A: 0x80, S: 0x8, D: 0x10000, a: 0x20, c: 0x4, d: 0x40, e: 0x80000, i: 0x10, j: 0x4000, s: 0x1, u: 0x2, t: 0x8000, T: 0x20000, C: 0x800000, P: 0x20000000,
};
const DIRSYNC = FLAGS.D!;
/** "=": every flag above is set or cleared (systemd's CHATTR_ALL_FL). */
const ALL = Object.values(FLAGS).reduce((a, b) => a | b, 0);

export interface InodeFlagSpec {
  readonly value: number;
  readonly mask: number;
}

/** A system call's failure: errno's name, and C's strerror() text for messages. */
export interface SysError {
  readonly code: string;
  readonly text: string;
}

export interface InodeFlagCalls {
  getInodeFlags(path: string): Result<number, SysError>;
  setInodeFlags(path: string, flags: number): Result<void, SysError>;
}

/** parse_attribute_from_arg(): the flags to set and which ones the line decides; else systemd's message. */
export function parseInodeFlags(argument: string, path: string): InodeFlagSpec | { readonly error: string } {
  let op = '+';
  let rest = argument;
  if ('+-='.includes(argument[0] ?? '')) {
    op = argument[0]!;
    rest = argument.slice(1);
  }
  if (rest === '' && op !== '=') return { error: `Setting file attribute on '${path}' needs an attribute specification.` };
  let value = 0;
  let mask = 0;
  for (const c of rest) {
    const bit = FLAGS[c];
    if (bit === undefined) return { error: `Unknown file attribute '${c}' on '${path}'.` };
    if (op !== '-') value |= bit;
    mask |= bit;
  }
  if (op === '=') mask |= ALL;
  return { value, mask };
}

/** ERRNO_IS_NOT_SUPPORTED(): the file system has no such flag. */
const notSupported = (code: string): boolean => ['EOPNOTSUPP', 'ENOTSUP', 'ENOTTY', 'ENOSYS', 'EAFNOSUPPORT', 'EPFNOSUPPORT', 'EPROTONOSUPPORT', 'ESOCKTNOSUPPORT'].includes(code);

type Outcome = { readonly kind: 'done' } | { readonly kind: 'partial'; readonly previous: number; readonly current: number } | { readonly kind: 'failed'; readonly error: SysError };

/** chattr_full() with its bit-by-bit fallback: the flags under `mask` made those of `value`. */
function chattr(path: string, value: number, mask: number, calls: InodeFlagCalls, report: Report): Outcome {
  const got = calls.getInodeFlags(path);
  if (!got.ok) return { kind: 'failed', error: got.error };
  const old = got.value;
  const wanted = ((old & ~mask) | (value & mask)) >>> 0;
  if (wanted === old) return { kind: 'done' };
  const set = calls.setInodeFlags(path, wanted);
  if (set.ok) {
    // Some file systems drop a flag silently: look again.
    const now = calls.getInodeFlags(path);
    if (!now.ok) return { kind: 'failed', error: now.error };
    if (now.value === wanted) return { kind: 'done' };
  } else if (set.error.code !== 'EINVAL' && !notSupported(set.error.code)) {
    return { kind: 'failed', error: set.error };
  }
  let current = old;
  let last: SysError | undefined;
  for (let i = 0; i < 32; i++) {
    const bit = (1 << i) >>> 0;
    if (!(mask & bit)) continue;
    const one = (value & bit ? current | bit : current & ~bit) >>> 0;
    if (one === current) continue;
    const r = calls.setInodeFlags(path, one);
    if (!r.ok) {
      if (r.error.code !== 'EINVAL' && !notSupported(r.error.code)) return { kind: 'failed', error: r.error };
      report('debug', `Unable to set file attribute 0x${bit.toString(16)} on ${path}, ignoring: ${r.error.text}`);
      last = r.error;
      continue;
    }
    const now = calls.getInodeFlags(path);
    if (!now.ok) return { kind: 'failed', error: now.error };
    current = now.value;
  }
  if (current === wanted) return { kind: 'done' };
  // Nothing of it could be set: the file system's own answer (systemd 252 words it so).
  return current === old && last ? { kind: 'failed', error: last } : { kind: 'partial', previous: old, current };
}

const hex = (n: number): string => `0x${(n >>> 0).toString(16).padStart(8, '0')}`;

/** h H. false: a path that is neither a regular file nor a directory (the line fails). */
export function setInodeFlags(item: Item, calls: InodeFlagCalls, report: Report, below: (path: string) => string[]): boolean {
  const spec = item.inodeFlags;
  if (!spec) return true;
  let done = true;
  for (const path of expandGlob(item.path).flatMap((p) => (item.type === 'H' ? [p, ...below(p)] : [p]))) {
    const st = lstatOrUndefined(path);
    if (!st) continue;
    if (!st.isFile() && !st.isDirectory()) {
      report('err', `Setting file flags is only supported on regular files and directories, cannot set on '${path}'.`);
      done = false;
      continue;
    }
    // FS_DIRSYNC_FL means something on directories only.
    const value = st.isDirectory() ? spec.value : spec.value & ~DIRSYNC;
    const r = chattr(path, value, spec.mask, calls, report);
    if (r.kind === 'partial') {
      const expected = (r.previous & ~spec.mask) | (value & spec.mask);
      report('warning', `Cannot set file attributes for '${path}', maybe due to incompatibility in specified attributes, previous=${hex(r.previous)}, current=${hex(r.current)}, expected=${hex(expected)}, ignoring.`);
    } else if (r.kind === 'failed') {
      report(notSupported(r.error.code) ? 'debug' : 'warning', `Cannot set file attributes for '${path}', value=${hex(spec.value)}, mask=${hex(spec.mask)}, ignoring: ${r.error.text}`);
    }
  }
  return done;
}
