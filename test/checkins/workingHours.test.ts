import { describe, expect, it } from 'vitest';
import {
  addWorkingDays,
  DEFAULT_WORKING_HOURS as HOURS,
  describeWorkingHours,
  nextWorkingMoment,
  parseWorkingHours,
} from '../../src/rituals/checkins/workingHours.js';

import { inZone, localDate, wallTime } from '../../src/time.js';

const iso = (d: Date) => d.toISOString();

describe('when a check-in is asked', () => {
  it('a timebox ending at 03:00 on a Saturday is asked about on Monday at 09:00, local time', () => {
    // Saturday 28 Nov 2026, 03:00 in Berlin (UTC+1).
    const due = new Date('2026-11-28T02:00:00Z');
    expect(iso(nextWorkingMoment(due, 'Europe/Berlin', HOURS))).toBe('2026-11-30T08:00:00.000Z');
  });

  it('uses the owner’s own zone: UTC+13 (Tonga) and UTC−10 (Honolulu)', () => {
    // The same instant, Friday 27 Nov 2026 20:00 UTC, is Saturday 09:00 in Tonga and
    // Friday 10:00 in Honolulu.
    const due = new Date('2026-11-27T20:00:00Z');
    expect(iso(nextWorkingMoment(due, 'Pacific/Tongatapu', HOURS))).toBe('2026-11-29T20:00:00.000Z'); // Mon 09:00 +13
    expect(iso(nextWorkingMoment(due, 'Pacific/Honolulu', HOURS))).toBe('2026-11-27T20:00:00.000Z'); // now: Fri 10:00 −10
  });

  it('waits for the start of the day before 09:00 and moves past 18:00 to the next working day', () => {
    expect(iso(nextWorkingMoment(new Date('2026-11-25T06:30:00Z'), 'UTC', HOURS))).toBe(
      '2026-11-25T09:00:00.000Z',
    );
    expect(iso(nextWorkingMoment(new Date('2026-11-25T18:00:00Z'), 'UTC', HOURS))).toBe(
      '2026-11-26T09:00:00.000Z',
    );
    expect(iso(nextWorkingMoment(new Date('2026-11-27T19:00:00Z'), 'UTC', HOURS))).toBe(
      '2026-11-30T09:00:00.000Z',
    );
  });

  it('keeps 09:00 local across a daylight-saving change', () => {
    // Europe/Berlin leaves summer time on Sunday 25 Oct 2026: Monday 09:00 is 08:00 UTC.
    const saturday = new Date('2026-10-24T10:00:00Z');
    expect(iso(nextWorkingMoment(saturday, 'Europe/Berlin', HOURS))).toBe('2026-10-26T08:00:00.000Z');
  });

  it('honours a workspace’s own hours and days', () => {
    const sundayShift = { startHour: 7, endHour: 15, days: [7, 1, 2, 3, 4] };
    // Friday 27 Nov 2026 12:00 UTC is outside a Sunday–Thursday week.
    expect(iso(nextWorkingMoment(new Date('2026-11-27T12:00:00Z'), 'UTC', sundayShift))).toBe(
      '2026-11-29T07:00:00.000Z',
    );
  });

  it('falls back to UTC for a zone Slack may send that the runtime does not know', () => {
    expect(iso(nextWorkingMoment(new Date('2026-11-28T02:00:00Z'), 'Mars/Olympus', HOURS))).toBe(
      '2026-11-30T09:00:00.000Z',
    );
  });
});

describe('one working day later', () => {
  it('follows Friday 10:00 with Monday 10:00', () => {
    expect(iso(addWorkingDays(new Date('2026-11-27T10:00:00Z'), 1, 'UTC', HOURS))).toBe(
      '2026-11-30T10:00:00.000Z',
    );
  });
  it('follows Tuesday 17:30 with Wednesday 17:30', () => {
    expect(iso(addWorkingDays(new Date('2026-11-24T17:30:00Z'), 1, 'UTC', HOURS))).toBe(
      '2026-11-25T17:30:00.000Z',
    );
  });
});

describe('a workspace’s working hours, as typed', () => {
  it.each([
    ['9-18 mon-fri', { startHour: 9, endHour: 18, days: [1, 2, 3, 4, 5] }, '09:00–18:00, Mon–Fri'],
    [
      '08:00-17:00 sun-thu',
      { startHour: 8, endHour: 17, days: [1, 2, 3, 4, 7] },
      '08:00–17:00, Mon, Tue, Wed, Thu, Sun',
    ],
    ['10-16 mon,wed,fri', { startHour: 10, endHour: 16, days: [1, 3, 5] }, '10:00–16:00, Mon, Wed, Fri'],
    ['0-24 mon-sun', { startHour: 0, endHour: 24, days: [1, 2, 3, 4, 5, 6, 7] }, '00:00–24:00, every day'],
  ])('reads %j', (text, hours, described) => {
    const parsed = parseWorkingHours(text);
    expect(parsed).toEqual({ ok: true, value: hours });
    expect(describeWorkingHours(hours)).toBe(described);
  });

  it.each(['18-9 mon-fri', '9-18', 'mornings', '9-18 funday'])(
    'refuses %j with a way to write it',
    (text) => {
      const parsed = parseWorkingHours(text);
      expect(parsed.ok).toBe(false);
      expect(!parsed.ok && parsed.error).toMatch(/`9-18`|`9-18 mon-fri`/);
    },
  );
});

describe('the wall clock in a person’s zone', () => {
  // wallTime answers what scheduling asks (which day is it there, what hour) with one kept
  // formatter per zone; it must agree with dayjs's own conversion, which it replaced.
  it.each([
    ['Europe/Berlin', '2026-03-29T00:59:00Z'], // 01:59, just before the spring-forward gap
    ['Europe/Berlin', '2026-03-29T01:00:00Z'], // 03:00, just after it
    ['Europe/Berlin', '2026-10-25T00:30:00Z'], // 02:30 the first time (CEST)
    ['Europe/Berlin', '2026-10-25T01:30:00Z'], // 02:30 the second time (CET)
    ['America/New_York', '2026-12-01T05:00:00Z'], // midnight: hour 0, not 24
    ['Pacific/Tongatapu', '2026-12-31T11:00:00Z'], // already the new year there
    ['Asia/Kolkata', '2026-06-15T18:45:00Z'], // a half-hour offset
    ['Not/AZone', '2026-06-15T18:45:00Z'], // an unknown name reads as UTC
  ])('in %s at %s', (tz, at) => {
    const instant = new Date(at);
    const expected = inZone(instant, tz);
    expect(wallTime(instant, tz)).toEqual({
      date: expected.format('YYYY-MM-DD'),
      hour: expected.hour(),
      minute: expected.minute(),
    });
    expect(localDate(instant, tz)).toBe(expected.format('YYYY-MM-DD'));
  });
});
