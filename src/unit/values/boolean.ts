/** Booleans as systemd's parse_boolean() reads them (systemd.syntax(7), "boolean"). */
import { type Result, ok, err } from '../../shared/result.js';
import { EINVAL } from '../../shared/c-integer.js';

const TRUE_WORDS = ['yes', 'y', 'true', 't', 'on'];
const FALSE_WORDS = ['no', 'n', 'false', 'f', 'off'];

/** "1"/"0" are compared exactly; the words case-insensitively, as systemd does. */
export function parseBoolean(text: string): Result<boolean, string> {
  if (text === '1') return ok(true);
  if (text === '0') return ok(false);
  const lower = text.toLowerCase();
  // toLowerCase() folds non-ASCII too; systemd's strcaseeq() only folds ASCII.
  if (/[^ -~]/.test(text)) return err(EINVAL);
  if (TRUE_WORDS.includes(lower)) return ok(true);
  if (FALSE_WORDS.includes(lower)) return ok(false);
  return err(EINVAL);
}
