/**
 * A timer's settings as the engine's timer kind acts on them (systemd.timer(5)), made from the
 * loaded model by model-adapter.ts: calendar expressions parsed, time spans in µs.
 */
import type { CalendarSpec } from '../../../shared/calendar.js';

/** The monotonic bases (systemd's TimerBase), each counting from its own moment. */
export type MonotonicBase = 'OnActiveSec' | 'OnBootSec' | 'OnStartupSec' | 'OnUnitActiveSec' | 'OnUnitInactiveSec';

export type TimerValue =
  | { readonly base: MonotonicBase; readonly usec: bigint; readonly text: string }
  | { readonly base: 'OnCalendar'; readonly calendar: CalendarSpec; readonly text: string };

export interface TimerSpec {
  /** In file order, as TimersMonotonic=/TimersCalendar= list them. */
  readonly values: readonly TimerValue[];
  /** The unit it starts (Unit=, else NAME.service). */
  readonly unit: string;
  readonly accuracyUs: bigint;
  readonly randomizedDelayUs: bigint;
  readonly fixedRandomDelay: boolean;
  readonly persistent: boolean;
  readonly remainAfterElapse: boolean;
  readonly wakeSystem: boolean;
  readonly onClockChange: boolean;
  readonly onTimezoneChange: boolean;
}
