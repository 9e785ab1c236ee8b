/**
 * Signals and exit statuses as KillSignal= and SuccessExitStatus= take them (systemd.kill(5),
 * systemd.service(5)). The names and numbers themselves are the shared tables'
 * (src/shared/signal.ts, src/shared/exit-status.ts); this module only adds the unit-file wording.
 */
import { type Result, ok, err } from '../../shared/result.js';
import { exitStatusFromString } from '../../shared/exit-status.js';
import { signalFromString } from '../../shared/signal.js';
import { splitWords } from './words.js';

/** KillSignal=, FinalKillSignal=, …: systemd refuses 0 too ("Failed to parse signal name"). */
export function parseSignal(text: string): Result<number, string> {
  const r = signalFromString(text);
  if (!r.ok) return err(`Failed to parse signal name: ${r.error}`);
  return r;
}

export interface ExitStatusSet {
  readonly statuses: readonly number[];
  readonly signals: readonly number[];
}

export interface ExitStatusParse {
  /** null: the empty assignment, which resets the list. */
  readonly set: ExitStatusSet | null;
  /** One "Failed to parse value, ignoring: WORD" per bad word; the good words still count. */
  readonly warnings: readonly string[];
}

/**
 * SuccessExitStatus=, RestartPreventExitStatus=, RestartForceExitStatus=: numbers are tried as
 * exit statuses before signals, so "9" is status 9, not SIGKILL.
 */
export function parseExitStatusSet(text: string): Result<ExitStatusParse, string> {
  const words = splitWords(text, {});
  if (!words.ok) return err(`Invalid syntax: ${words.error}`);
  if (words.value.length === 0) return ok({ set: null, warnings: [] });
  const statuses = new Set<number>();
  const signals = new Set<number>();
  const warnings: string[] = [];
  for (const w of words.value) {
    const st = exitStatusFromString(w);
    if (st.ok) {
      statuses.add(st.value);
      continue;
    }
    const sig = signalFromString(w);
    if (sig.ok) signals.add(sig.value);
    else warnings.push(`Failed to parse value, ignoring: ${w}`);
  }
  const sorted = (s: Set<number>): number[] => [...s].sort((a, b) => a - b);
  return ok({ set: { statuses: sorted(statuses), signals: sorted(signals) }, warnings });
}
