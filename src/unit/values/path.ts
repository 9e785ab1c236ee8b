/**
 * Path checks with systemd's definitions (path-util.c): directives such as WorkingDirectory= or
 * PIDFile= demand absolute and/or normalized paths and reject others at load time.
 */
import { type Result, ok, err } from '../../shared/result.js';

const PATH_MAX = 4096;
const NAME_MAX = 255;

export function pathIsAbsolute(p: string): boolean {
  return p.startsWith('/');
}

/**
 * path_is_valid(): non-empty, shorter than PATH_MAX bytes, no component longer than NAME_MAX;
 * ".." components are refused when `acceptDotDot` is false (path_is_safe()).
 */
export function pathIsValid(p: string, acceptDotDot = true): boolean {
  if (p === '' || p.includes('\0')) return false;
  if (Buffer.byteLength(p) >= PATH_MAX) return false;
  for (const c of p.split('/')) {
    if (c === '') continue;
    if (!acceptDotDot && c === '..') return false;
    if (Buffer.byteLength(c) > NAME_MAX) return false;
  }
  return true;
}

/** path_is_normalized(): valid, no "..", no "." component, no doubled slash. */
export function pathIsNormalized(p: string): boolean {
  if (!pathIsValid(p, false)) return false;
  if (p === '.' || p.startsWith('./') || p.endsWith('/.') || p.includes('/./')) return false;
  if (p.includes('//')) return false;
  return true;
}

/** filename_is_valid(): one path component, not "." or "..". */
export function filenameIsValid(p: string): boolean {
  if (p === '' || p === '.' || p === '..' || p.includes('/') || p.includes('\0')) return false;
  return Buffer.byteLength(p) <= NAME_MAX;
}

/**
 * path_simplify(): drops "." components and repeated or trailing slashes, keeps "..": what
 * systemd stores for a path it has accepted, so `show` prints the same.
 */
export function pathSimplify(p: string): string {
  if (p === '') return p;
  const abs = p.startsWith('/');
  const parts = p.split('/').filter((c) => c !== '' && c !== '.');
  const joined = parts.join('/');
  if (abs) return '/' + joined;
  return joined === '' ? '.' : joined;
}

/** Absolute and normalized, as e.g. RootDirectory= and PIDFile= want (config_parse_path()). */
export function parseAbsolutePath(text: string): Result<string, string> {
  if (!pathIsAbsolute(text)) return err(`Path '${text}' is not absolute`);
  if (!pathIsNormalized(text)) return err(`Path '${text}' is not normalized`);
  return ok(pathSimplify(text));
}
