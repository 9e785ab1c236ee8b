/**
 * Proleptic Gregorian calendar arithmetic on whole days and seconds, without Date: time-stamp
 * parsing needs glibc's struct tm semantics (out-of-range fields that carry, years beyond
 * what a JS Date formats the same way) and exact integer seconds.
 */

/** Days since 1970-01-01 of a date; `month` is 1-12 but `day` may overflow (Feb 30 is Mar 2). */
export function daysFromCivil(year: number, month: number, day: number): number {
  // Shift the year to start in March so the leap day is the year's last day.
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

export interface CivilDate {
  readonly year: number;
  /** 1-12 */
  readonly month: number;
  /** 1-31 */
  readonly day: number;
}

export function civilFromDays(days: number): CivilDate {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: era * 400 + yoe + (month <= 2 ? 1 : 0), month, day };
}

/** 0 = Sunday, as struct tm's tm_wday. */
export function weekdayOfDays(days: number): number {
  return (((days + 4) % 7) + 7) % 7;
}

/** A broken-down wall-clock time, as struct tm with the year in full and the month 1-based. */
export interface WallTime {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
}

/** Seconds since the epoch of a wall time read as UTC; every field may be out of range and carries. */
export function wallToSeconds(w: WallTime): number {
  const monthIndex = w.month - 1;
  const year = w.year + Math.floor(monthIndex / 12);
  const month = (((monthIndex % 12) + 12) % 12) + 1;
  return (daysFromCivil(year, month, 1) + w.day - 1) * 86400 + w.hour * 3600 + w.minute * 60 + w.second;
}

export function secondsToWall(sec: number): WallTime & { readonly weekday: number } {
  const days = Math.floor(sec / 86400);
  const rest = sec - days * 86400;
  const d = civilFromDays(days);
  return {
    ...d,
    hour: Math.floor(rest / 3600),
    minute: Math.floor((rest % 3600) / 60),
    second: rest % 60,
    weekday: weekdayOfDays(days),
  };
}
