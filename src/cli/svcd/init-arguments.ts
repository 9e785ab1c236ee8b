/**
 * The words a container runtime or the kernel hands to /sbin/init besides options (`docker run IMAGE
 * /sbin/init 3`, `systemd-nspawn -b -- single`, the kernel's unknown command-line words). systemd as
 * PID 1 reads them as kernel command-line words: a runlevel or its name chooses the boot target,
 * systemd.unit=NAME names it (the last such word wins), anything else is ignored — an init that
 * refused them would end the container (or panic the kernel). svcd, linked as an image's /sbin/init,
 * does the same.
 */
import { parseRunlevel, RUNLEVEL_TARGETS } from '../../unit/runlevel.js';

/** Words that only name a boot target (systemd's runlevel map besides the runlevel digits 1-5 and S). */
const TARGET_WORDS: Readonly<Record<string, string>> = {
  emergency: 'emergency.target',
  '-b': 'emergency.target',
  rescue: 'rescue.target',
  single: 'rescue.target',
  '-s': 'rescue.target',
};

/** The dash-words, which an option parser would take for unknown options. */
export const DASH_WORDS: ReadonlySet<string> = new Set(Object.keys(TARGET_WORDS).filter((w) => w.startsWith('-')));

/** The boot target the words choose, if any. */
export function initWordsTarget(words: readonly string[]): string | undefined {
  let target: string | undefined;
  for (const w of words) {
    if (w.startsWith('systemd.unit=') && w.length > 'systemd.unit='.length) target = w.slice('systemd.unit='.length);
    else if (Object.hasOwn(TARGET_WORDS, w)) target = TARGET_WORDS[w];
    else {
      // Runlevels 0 and 6 (power off, reboot) are no boot target: systemd ignores them here too.
      const level = parseRunlevel(w);
      if (level !== undefined && level !== '0' && level !== '6') target = RUNLEVEL_TARGETS[level];
    }
  }
  return target;
}
