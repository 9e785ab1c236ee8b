/**
 * The system locale as systemd's PID 1 hands it to every service (locale_setup()): LANG=, LANGUAGE=
 * and LC_*= from /etc/locale.conf — or, as Debian's systemd does where that file is absent,
 * /etc/default/locale — and LANG=C.UTF-8 when neither sets anything. Not PID 1's own environment:
 * systemd 252's locale_setup() reads the kernel command line (which a container has none of) and
 * the file only, so a LANG a container runtime gives PID 1 reaches no service.
 */
import { readFileSync } from 'node:fs';

export const LOCALE_FILES = ['/etc/locale.conf', '/etc/default/locale'] as const;
/** systemd's compile-time default locale (SYSTEMD_DEFAULT_LOCALE) on Debian. */
export const DEFAULT_LOCALE = 'C.UTF-8';

const LOCALE_VARIABLES = new Set(['LANG', 'LANGUAGE', 'LC_CTYPE', 'LC_NUMERIC', 'LC_TIME', 'LC_COLLATE', 'LC_MONETARY', 'LC_MESSAGES',
  'LC_PAPER', 'LC_NAME', 'LC_ADDRESS', 'LC_TELEPHONE', 'LC_MEASUREMENT', 'LC_IDENTIFICATION']);

/** NAME=value words of the first locale file that exists (a shell-like env file: comments, quotes). */
export function systemLocale(files: readonly string[] = LOCALE_FILES): string[] {
  for (const f of files) {
    let text: string;
    try {
      text = readFileSync(f, 'utf8');
    } catch {
      continue;
    }
    const out: string[] = [];
    for (const line of text.split('\n')) {
      const m = /^\s*(?:export\s+)?([A-Z_]+)=(.*)$/.exec(line);
      if (!m || !LOCALE_VARIABLES.has(m[1]!)) continue;
      const value = m[2]!.trim().replace(/^(["'])(.*)\1$/, '$2');
      // An empty assignment leaves the variable unset, as systemd's locale_context_load skips empty ones.
      if (value !== '') out.push(`${m[1]}=${value}`);
    }
    return out.length > 0 ? out : [`LANG=${DEFAULT_LOCALE}`];
  }
  return [`LANG=${DEFAULT_LOCALE}`];
}
