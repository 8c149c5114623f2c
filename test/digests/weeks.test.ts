import { describe, expect, it } from 'vitest';
import {
  nextSlot,
  parseSchedule,
  slotOnOrBefore,
  weekEndingAt,
  weekKey,
  weeksBack,
  type DigestSchedule,
} from '../../src/rituals/digests/weeks.js';

const berlin: DigestSchedule = { weekday: 5, hour: 16, minute: 0, tz: 'Europe/Berlin' };
const utc: DigestSchedule = { ...berlin, tz: 'UTC' };
const at = (iso: string) => new Date(iso);
const hours = (w: { start: Date; end: Date }) => (w.end.getTime() - w.start.getTime()) / 3_600_000;
const inWeek = (instant: Date, w: { start: Date; end: Date }) => instant > w.start && instant <= w.end;

describe('digest weeks, in the digest time zone', () => {
  it('the slot is Friday 16:00 on the Berlin wall clock (15:00 UTC in winter)', () => {
    expect(slotOnOrBefore(at('2026-11-25T12:00:00Z'), berlin)).toEqual(at('2026-11-20T15:00:00Z'));
    expect(nextSlot(at('2026-11-25T12:00:00Z'), berlin)).toEqual(at('2026-11-27T15:00:00Z'));
    // Exactly at the slot, that slot is the latest; a millisecond before, the week before's.
    expect(slotOnOrBefore(at('2026-11-27T15:00:00Z'), berlin)).toEqual(at('2026-11-27T15:00:00Z'));
    expect(slotOnOrBefore(at('2026-11-27T14:59:59.999Z'), berlin)).toEqual(at('2026-11-20T15:00:00Z'));
    expect(nextSlot(at('2026-11-27T15:00:00Z'), berlin)).toEqual(at('2026-12-04T15:00:00Z'));
  });

  it('in summer the same wall-clock slot is 14:00 UTC', () => {
    expect(nextSlot(at('2026-07-01T00:00:00Z'), berlin)).toEqual(at('2026-07-03T14:00:00Z'));
  });

  it('the week across the late-March change to summer time is 167 hours, and 16:00 stays 16:00', () => {
    // Berlin moves its clocks forward on Sunday 28 March 2027.
    const week = weekEndingAt(at('2027-04-02T14:00:00Z'), berlin);
    expect(week.start).toEqual(at('2027-03-26T15:00:00Z'));
    expect(hours(week)).toBe(167);
    expect(nextSlot(at('2027-03-27T00:00:00Z'), berlin)).toEqual(at('2027-04-02T14:00:00Z'));
  });

  it('the week across the late-October change back is 169 hours', () => {
    // Berlin moves its clocks back on Sunday 25 October 2026.
    const week = weekEndingAt(at('2026-10-30T15:00:00Z'), berlin);
    expect(week.start).toEqual(at('2026-10-23T14:00:00Z'));
    expect(hours(week)).toBe(169);
    const twelve = weeksBack(week, 12, berlin);
    expect(twelve).toHaveLength(12);
    for (let i = 1; i < twelve.length; i++) expect(twelve[i]!.start).toEqual(twelve[i - 1]!.end);
  });

  it('a slot on the night of the change still lands on the right local day', () => {
    const sunday: DigestSchedule = { weekday: 7, hour: 9, minute: 30, tz: 'Europe/Berlin' };
    expect(nextSlot(at('2026-10-24T12:00:00Z'), sunday)).toEqual(at('2026-10-25T08:30:00Z'));
    expect(nextSlot(at('2027-03-27T12:00:00Z'), sunday)).toEqual(at('2027-03-28T07:30:00Z'));
  });

  it('a conclusion at 23:30 on Friday in Berlin is in that Friday’s week; at 00:30 Saturday, in the next', () => {
    const satMidnight: DigestSchedule = { weekday: 6, hour: 0, minute: 0, tz: 'Europe/Berlin' };
    const week = weekEndingAt(nextSlot(at('2026-11-25T00:00:00Z'), satMidnight), satMidnight);
    expect(inWeek(at('2026-11-27T22:30:00Z'), week)).toBe(true); // Fri 23:30 Berlin
    // Sat 00:30 in Berlin is still Friday 23:30 in UTC; it belongs to the next week here.
    expect(inWeek(at('2026-11-27T23:30:00Z'), week)).toBe(false);
    const utcWeek = weekEndingAt(nextSlot(at('2026-11-25T00:00:00Z'), { ...satMidnight, tz: 'UTC' }), {
      ...satMidnight,
      tz: 'UTC',
    });
    expect(inWeek(at('2026-11-27T23:30:00Z'), utcWeek)).toBe(true);
  });

  it('16:30 on the Berlin Friday is after the Berlin slot but before the UTC one', () => {
    const concluded = at('2026-11-27T15:30:00Z');
    expect(inWeek(concluded, weekEndingAt(at('2026-11-27T15:00:00Z'), berlin))).toBe(false);
    expect(inWeek(concluded, weekEndingAt(at('2026-11-27T16:00:00Z'), utc))).toBe(true);
  });

  it('the week key is the Monday of the slot’s local week, so a moved day keeps one digest a week', () => {
    expect(weekKey(at('2026-11-27T15:00:00Z'), 'Europe/Berlin')).toBe('2026-11-23');
    expect(weekKey(at('2026-11-29T22:30:00Z'), 'Europe/Berlin')).toBe('2026-11-23'); // Sun 23:30 local
    expect(weekKey(at('2026-11-29T23:30:00Z'), 'Europe/Berlin')).toBe('2026-11-30'); // Mon 00:30 local
    expect(weekKey(at('2026-11-29T23:30:00Z'), 'UTC')).toBe('2026-11-23');
  });

  it('reads "fri 16:00 [Zone]" and explains anything else with an example', () => {
    expect(parseSchedule('fri 16:00')).toEqual({ ok: true, weekday: 5, hour: 16, minute: 0, tz: null });
    expect(parseSchedule('Monday 9 America/New_York')).toEqual({
      ok: true,
      weekday: 1,
      hour: 9,
      minute: 0,
      tz: 'America/New_York',
    });
    for (const bad of ['', 'funday 16:00', 'fri 25:00', 'fri 16:00 Mars/Olympus', 'fri 16:00 UTC extra']) {
      const parsed = parseSchedule(bad);
      expect(parsed.ok).toBe(false);
      if (!parsed.ok) expect(parsed.error).toContain('/hypothesis digest weekly fri 16:00');
    }
  });
});
