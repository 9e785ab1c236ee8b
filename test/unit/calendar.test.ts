// The calendar module as timer units will call it (OnCalendar=): typed results rather than
// printed text. The expected instants are systemd-analyze 252's answers for the same inputs
// (test/fixtures/calendar has them in printed form); here they pin the API's units and zones.
import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { formatCalendarSpec, parseCalendarSpec, type CalendarSpec } from '../../src/shared/calendar.js';
import { nextElapse } from '../../src/shared/calendar-next.js';
import { newMktimeState } from '../../src/shared/mktime.js';
import { loadZoneFile, UTC_ZONE, type Zone } from '../../src/shared/tzfile.js';

// Without tzdata the zones fall back to UTC and the expected instants are wrong: skip then.
const haveTzdata = existsSync('/usr/share/zoneinfo/Europe/Berlin') && existsSync('/usr/share/zoneinfo/America/New_York');
const berlin = loadZoneFile('Europe/Berlin') ?? UTC_ZONE;
const newYork = loadZoneFile('America/New_York') ?? UTC_ZONE;
const usec = (iso: string): bigint => BigInt(Date.parse(iso)) * 1000n;

function spec(text: string, zone: Zone): CalendarSpec {
  const r = parseCalendarSpec(text, zone);
  if (!r.ok) throw new Error(`${text}: ${r.error}`);
  return r.value;
}

/** The next `n` elapses after `from`, as ISO strings in UTC. */
function elapses(text: string, zone: Zone, from: string, n: number): string[] {
  const s = spec(text, zone);
  const state = newMktimeState();
  const out: string[] = [];
  let t = usec(from);
  for (let i = 0; i < n; i++) {
    const r = nextElapse(s, t, zone, state);
    if (!r.ok) {
      out.push(r.error);
      break;
    }
    out.push(new Date(Number(r.value / 1000n)).toISOString());
    t = r.value;
  }
  return out;
}

describe.skipIf(!haveTzdata)('parseCalendarSpec', () => {
  it('normalises as systemd prints it', () => {
    expect(formatCalendarSpec(spec('Mon,Tue,Wed,Fri 9..17/2:0/15', UTC_ZONE), UTC_ZONE)).toBe('Mon..Wed,Fri *-*-* 09..17/2:00/15:00');
    expect(formatCalendarSpec(spec('quarterly', UTC_ZONE), UTC_ZONE)).toBe('*-01,04,07,10-01 00:00:00');
    expect(formatCalendarSpec(spec('*-*~1 23:59:59.5 UTC', UTC_ZONE), UTC_ZONE)).toBe('*-*~01 23:59:59.500000 UTC');
    expect(formatCalendarSpec(spec('daily CEST', berlin), berlin)).toBe('*-*-* 00:00:00 CEST');
  });

  it('returns the errno text systemd prints, not an exception', () => {
    expect(parseCalendarSpec('Fri..Mon', UTC_ZONE)).toEqual({ ok: false, error: 'Invalid argument' });
    expect(parseCalendarSpec('*:00/0', UTC_ZONE)).toEqual({ ok: false, error: 'Numerical result out of range' });
    const long = `*:${Array.from({ length: 242 }, () => '1').join(',')}`;
    expect(parseCalendarSpec(long, UTC_ZONE)).toEqual({ ok: false, error: 'No buffer space available' });
    // "CEST" is only an abbreviation of the local zone; elsewhere it is no zone at all.
    expect(parseCalendarSpec('daily CEST', UTC_ZONE).ok).toBe(false);
  });
});

describe.skipIf(!haveTzdata)('nextElapse', () => {
  it('skips a wall time that the spring-forward gap removes', () => {
    expect(elapses('*-*-* 02:30', berlin, '2024-03-30T12:00:00Z', 2)).toEqual(['2024-04-01T00:30:00.000Z', '2024-04-02T00:30:00.000Z']);
  });

  it('gives a zone named in the expression precedence over the local one', () => {
    expect(elapses('*-*-* 02:30 Europe/Berlin', UTC_ZONE, '2024-03-30T12:00:00Z', 2)).toEqual(['2024-04-01T00:30:00.000Z', '2024-04-02T00:30:00.000Z']);
    expect(elapses('*-*-* 12:00 UTC', newYork, '2024-03-30T12:00:00Z', 1)).toEqual(['2024-03-31T12:00:00.000Z']);
  });

  it('keeps local midnight across the fall-back change', () => {
    expect(elapses('daily', newYork, '2024-11-02T12:00:00Z', 3)).toEqual(['2024-11-03T04:00:00.000Z', '2024-11-04T05:00:00.000Z', '2024-11-05T05:00:00.000Z']);
  });

  it('says "never" when no date is left, and for impossible dates', () => {
    expect(elapses('2020-01-01', UTC_ZONE, '2024-03-30T12:00:00Z', 1)).toEqual(['never']);
    expect(elapses('*-02-30', UTC_ZONE, '2024-03-30T12:00:00Z', 1)).toEqual(['never']);
    expect(elapses('*-02-29', UTC_ZONE, '2024-03-30T12:00:00Z', 2)).toEqual(['2028-02-29T00:00:00.000Z', '2032-02-29T00:00:00.000Z']);
  });

  it('keeps microseconds of fractional seconds', () => {
    const s = spec('*:*:0/0.25', UTC_ZONE);
    const r = nextElapse(s, usec('2024-03-30T12:00:00Z'), UTC_ZONE, newMktimeState());
    expect(r).toEqual({ ok: true, value: usec('2024-03-30T12:00:00Z') + 250_000n });
  });
});
