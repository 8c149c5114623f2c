import dayjs from 'dayjs';
import { safeZone, localDate } from '../../time.js';

/**
 * A digest's week, in its own time zone. A digest goes out at a weekly slot (weekday and
 * time in a zone) and reports the week that ends at that slot: (previous slot, slot]. Slots
 * are built from the local date and time, so a week across a daylight-saving change is
 * 167 or 169 hours long, and "Friday 16:00" stays 16:00 on the wall clock.
 */
export interface DigestSchedule {
  /** ISO weekday, 1 = Monday … 7 = Sunday. */
  weekday: number;
  hour: number;
  minute: number;
  tz: string;
}

export interface Week {
  start: Date;
  end: Date;
}

export const DEFAULT_SCHEDULE = { weekday: 5, hour: 16, minute: 0 } as const;

const pad = (n: number) => String(n).padStart(2, '0');

/** The instant of `hh:mm` on the local calendar date `date` (YYYY-MM-DD) in `tz`. */
function localMoment(date: string, s: DigestSchedule): Date {
  return dayjs.tz(`${date} ${pad(s.hour)}:${pad(s.minute)}`, safeZone(s.tz)).toDate();
}

/** Calendar arithmetic on a local date string, free of any zone. */
const shiftDate = (date: string, days: number) => dayjs.utc(date).add(days, 'day').format('YYYY-MM-DD');

const isoWeekday = (date: string) => dayjs.utc(date).day() || 7;

/** The latest slot at or before `instant`. */
export function slotOnOrBefore(instant: Date, s: DigestSchedule): Date {
  const today = localDate(instant, s.tz);
  const date = shiftDate(today, -((isoWeekday(today) - s.weekday + 7) % 7));
  const slot = localMoment(date, s);
  return slot.getTime() <= instant.getTime() ? slot : localMoment(shiftDate(date, -7), s);
}

/** The first slot strictly after `instant`. */
export function nextSlot(instant: Date, s: DigestSchedule): Date {
  const last = slotOnOrBefore(instant, s);
  const date = localDate(last, s.tz);
  return localMoment(shiftDate(date, 7), s);
}

/** The week a digest sent at `slot` reports. */
export function weekEndingAt(slot: Date, s: DigestSchedule): Week {
  return { start: slotOnOrBefore(new Date(slot.getTime() - 1), s), end: slot };
}

/** `n` consecutive weeks ending with `week`, oldest first. */
export function weeksBack(week: Week, n: number, s: DigestSchedule): Week[] {
  const weeks = [week];
  while (weeks.length < n) weeks.unshift(weekEndingAt(weeks[0]!.start, s));
  return weeks;
}

/**
 * The calendar week (its Monday, local date) a slot falls in: the dedupe key's stem, so a
 * project gets one digest per week even if its day is moved within the week.
 */
export function weekKey(slot: Date, tz: string): string {
  const date = localDate(slot, tz);
  return shiftDate(date, 1 - isoWeekday(date));
}

const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
const WEEKDAY_NAMES = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

export const weekdayName = (weekday: number) => WEEKDAY_NAMES[weekday - 1] ?? '?';

export function describeSchedule(s: DigestSchedule): string {
  return `every ${weekdayName(s.weekday)} at ${pad(s.hour)}:${pad(s.minute)} (${s.tz})`;
}

export type ParsedSchedule =
  | { ok: true; weekday: number; hour: number; minute: number; tz: string | null }
  | { ok: false; error: string };

const EXAMPLE = 'For example `/hypothesis digest weekly fri 16:00 Europe/Berlin` (the zone is optional).';

/** `fri 16:00 [Europe/Berlin]`, as typed after `/hypothesis digest weekly`. */
export function parseSchedule(args: string): ParsedSchedule {
  const [day = '', time = '', zone, ...rest] = args.trim().split(/\s+/);
  const weekday = WEEKDAYS.findIndex((d) => day.toLowerCase().startsWith(d)) + 1;
  if (weekday === 0 || day.length < 3)
    return { ok: false, error: `Start with a weekday (mon … sun). ${EXAMPLE}` };
  const hm = /^([01]?\d|2[0-3])(?::([0-5]\d))?$/.exec(time);
  if (!hm) return { ok: false, error: `Give the time as HH:MM on a 24-hour clock. ${EXAMPLE}` };
  if (rest.length > 0) return { ok: false, error: `That is more than a day, a time and a zone. ${EXAMPLE}` };
  if (zone !== undefined && safeZone(zone) !== zone)
    return { ok: false, error: `I do not know the time zone \`${zone}\`; use an IANA name. ${EXAMPLE}` };
  return { ok: true, weekday, hour: Number(hm[1]), minute: Number(hm[2] ?? 0), tz: zone ?? null };
}
