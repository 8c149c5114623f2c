import dayjs from 'dayjs';
import { safeZone, localDate } from '../../time.js';

/** Why a weekday of someone's week is not a working day. */
export interface DaysOff {
  isHoliday(date: string): boolean;
  isAway(date: string): boolean;
}

/**
 * The working days in a timebox, for the person who owns it: the days from the start's
 * up to (not including) the due day, in their zone, on their working weekdays, less public
 * holidays and days away. The days lost to each are kept as runs of dates ("Thu 24 – Fri
 * 25 Dec"), a weekend in between not breaking a run.
 */
export interface TimeboxDays {
  workingDays: number;
  holidays: string[][];
  away: string[][];
}

/** A timebox longer than any the forms accept is never walked further than this. */
const MAX_DAYS = 400;

export function timeboxWorkingDays(
  start: Date,
  due: Date,
  tz: string,
  weekdays: readonly number[],
  off: DaysOff,
): TimeboxDays {
  const zone = safeZone(tz);
  const last = localDate(due, zone);
  const out: TimeboxDays = { workingDays: 0, holidays: [], away: [] };
  let run: { kind: 'holidays' | 'away'; dates: string[] } | undefined;
  let date = localDate(start, zone);
  for (let i = 0; date < last && i < MAX_DAYS; i++) {
    if (weekdays.length === 0 || weekdays.includes(dayjs.utc(date).day() || 7)) {
      // A day both away and a holiday is a holiday: it is one for everyone in the region.
      const kind = off.isHoliday(date) ? 'holidays' : off.isAway(date) ? 'away' : undefined;
      if (!kind) out.workingDays++;
      if (kind && run?.kind === kind) run.dates.push(date);
      else {
        run = kind && { kind, dates: [date] };
        if (run) out[run.kind].push(run.dates);
      }
    }
    date = dayjs.utc(date).add(1, 'day').format('YYYY-MM-DD');
  }
  return out;
}
