/**
 * What systemd 252 says about some keys whatever their value, the empty one included, before (or
 * instead of) parsing it: a deprecation ("Unit uses CPUShares=; please use CPUWeight= instead…"),
 * an obsolete dependency type (RequiresOverridable=), or a key this unit type does not take
 * (Delegate= in a socket: "Delegate= setting not supported for this unit type, ignoring.", and
 * the value is not looked at). These are the catalog's messages without the value in them
 * (catalog.generated.ts records them from `systemd-analyze verify`), so the table is systemd's,
 * kept apart from the invalid-value messages rejectValue() prints.
 */
import { CATALOG } from './catalog.generated.js';

export interface KeyNotice {
  readonly message: string;
  /** The key means nothing for this unit type: its value is ignored unread. */
  readonly ignoresValue: boolean;
}

const NOT_SUPPORTED = /not supported for this unit type/;
const notices = new Map<string, KeyNotice[]>();
for (const [section, key, , msgs] of CATALOG) {
  const own = msgs.filter(isKeyNotice).map((message) => ({ message, ignoresValue: NOT_SUPPORTED.test(message) }));
  if (own.length > 0) notices.set(`${section}.${key}`, own);
}

/** A catalog message said for every assignment of its key (it does not quote the value). */
export function isKeyNotice(message: string): boolean {
  return !message.includes('%v');
}

/** The notices for [section] key= in the order systemd says them; empty for most keys. */
export function keyNotices(section: string, key: string): readonly KeyNotice[] {
  return notices.get(`${section}.${key}`) ?? [];
}
