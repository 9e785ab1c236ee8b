/** Time-span values of directives (systemd.time(7)), wrapping the shared parser. */
import { type Result, ok, err } from '../../shared/result.js';
import { parseTimespan, USEC_INFINITY, USEC_PER_SEC, type Usec } from '../../shared/timespan.js';

export { USEC_INFINITY, USEC_PER_SEC, type Usec };

export interface TimespanOptions {
  /** Unit of a bare number; seconds unless the directive says otherwise. */
  defaultUnit?: Usec;
  /** parse_sec_fix_0(): "0" means no limit (RuntimeMaxSec=, TimeoutSec= and friends). */
  zeroIsInfinity?: boolean;
  /** parse_sec_def_infinity(): an empty value means no limit. */
  emptyIsInfinity?: boolean;
}

export function parseTimespanValue(text: string, opts: TimespanOptions = {}): Result<Usec, string> {
  if (opts.emptyIsInfinity && text.trim() === '') return ok(USEC_INFINITY);
  const r = parseTimespan(text, opts.defaultUnit ?? USEC_PER_SEC);
  if (!r.ok) return err(r.error);
  if (opts.zeroIsInfinity && r.value === 0n) return ok(USEC_INFINITY);
  return ok(r.value);
}

/** The common case: seconds by default. */
export const parseSec = (text: string): Result<Usec, string> => parseTimespanValue(text);
/** TimeoutStartSec=, TimeoutStopSec=, RuntimeMaxSec=: 0 disables the timeout. */
export const parseSecFix0 = (text: string): Result<Usec, string> => parseTimespanValue(text, { zeroIsInfinity: true });
