import dayjs from 'dayjs';
import { localDate, safeZone, wallTime } from '../../time.js';

/** When a workspace wants people asked things: by default 09:00–18:00, Monday to Friday. */
export interface WorkingHours {
  startHour: number;
  endHour: number;
  /** ISO weekdays, 1 = Monday … 7 = Sunday. */
  days: readonly number[];
  /** A day this person does not work although it is one of `days`: away, a public holiday. */
  isDayOff?: (date: string) => boolean;
}

export const DEFAULT_WORKING_HOURS: WorkingHours = { startHour: 9, endHour: 18, days: [1, 2, 3, 4, 5] };

// Calendar dates are handled as 'YYYY-MM-DD' strings and turned into instants with the
// zone's own rules for that day, so a DST change between two dates cannot shift 09:00.
const nextDate = (date: string) => dayjs.utc(date).add(1, 'day').format('YYYY-MM-DD');
const isoWeekday = (date: string) => dayjs.utc(date).day() || 7;
const isWorkingDay = (date: string, hours: WorkingHours) =>
  hours.days.includes(isoWeekday(date)) && !hours.isDayOff?.(date);
/** Far enough to step over the longest away range (a year) and the weekends around it. */
const MAX_DAYS_AHEAD = 400;
const pad = (n: number) => String(n).padStart(2, '0');
/** The instant a clock in `tz` reads `hour`:`minute` on `date` ('YYYY-MM-DD'). */
const atWallClock = (date: string, hour: number, tz: string, minute = 0) =>
  dayjs.tz(`${date} ${pad(hour)}:${pad(minute)}`, tz).toDate();

/**
 * The first moment at or after `from` that falls in the person's working hours, in their
 * own time zone: a timebox ending at 03:00 on a Saturday is asked about at 09:00 on Monday.
 */
export function nextWorkingMoment(from: Date, tz: string, hours: WorkingHours): Date {
  if (hours.days.length === 0) return from;
  const zone = safeZone(tz);
  const local = wallTime(from, zone);
  let date = local.date;
  if (isWorkingDay(date, hours)) {
    if (local.hour < hours.startHour) return atWallClock(date, hours.startHour, zone);
    if (local.hour < hours.endHour) return from;
  }
  for (let i = 0; i < MAX_DAYS_AHEAD; i++) {
    date = nextDate(date);
    if (isWorkingDay(date, hours)) return atWallClock(date, hours.startHour, zone);
  }
  return from;
}

/**
 * `hours` of working time after `from`, in the person's zone: four working hours after
 * 16:00 on a Friday (a 09:00–18:00 week) is 11:00 on Monday.
 */
export function addWorkingHours(from: Date, hours: number, tz: string, working: WorkingHours): Date {
  const zone = safeZone(tz);
  let at = nextWorkingMoment(from, zone, working);
  let remaining = hours * 3_600_000;
  if (working.days.length === 0) return new Date(at.getTime() + remaining);
  for (let guard = 0; guard < 400; guard++) {
    const endOfDay = atWallClock(localDate(at, zone), working.endHour, zone);
    if (at.getTime() + remaining <= endOfDay.getTime()) return new Date(at.getTime() + remaining);
    remaining -= endOfDay.getTime() - at.getTime();
    at = nextWorkingMoment(endOfDay, zone, working);
  }
  return at;
}

/**
 * Working days from the day of `from` up to and including the day of `to`, in the
 * person's zone: how many days of a timebox they can actually work on.
 */
export function workingDaysBetween(from: Date, to: Date, tz: string, hours: WorkingHours): number {
  const zone = safeZone(tz);
  const last = localDate(to, zone);
  let n = 0;
  for (let date = localDate(from, zone), i = 0; date <= last && i < 4000; i++) {
    if (hours.days.length === 0 || isWorkingDay(date, hours)) n++;
    date = nextDate(date);
  }
  return n;
}

/**
 * `n` working days after `from`, at the same local time, moved into working hours: a
 * check-in sent on Friday at 10:00 is followed up on Monday at 10:00, not on Saturday.
 */
export function addWorkingDays(from: Date, n: number, tz: string, hours: WorkingHours): Date {
  const zone = safeZone(tz);
  const local = wallTime(from, zone);
  let date = local.date;
  let remaining = n;
  for (let guard = 0; remaining > 0 && guard < MAX_DAYS_AHEAD + 7 * n; guard++) {
    date = nextDate(date);
    if (hours.days.length === 0 || isWorkingDay(date, hours)) remaining--;
  }
  return nextWorkingMoment(atWallClock(date, local.hour, zone, local.minute), zone, hours);
}

const DAY_NAMES = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

/** "09:00–18:00, Mon–Fri". */
export function describeWorkingHours(h: WorkingHours): string {
  const pad = (n: number) => `${String(n).padStart(2, '0')}:00`;
  const days = [...h.days].sort((a, b) => a - b);
  const consecutive = days.every((d, i) => i === 0 || d === days[i - 1]! + 1);
  const name = (d: number) => DAY_NAMES[d - 1]![0]!.toUpperCase() + DAY_NAMES[d - 1]!.slice(1);
  const dayText =
    days.length === 7
      ? 'every day'
      : consecutive && days.length > 2
        ? `${name(days[0]!)}–${name(days.at(-1)!)}`
        : days.map(name).join(', ');
  return `${pad(h.startHour)}–${pad(h.endHour)}, ${dayText}`;
}

/**
 * Reads "9-18 mon-fri", "08:00-17:00 sun-thu" or "10-16 mon,wed,fri". Ranges of days wrap
 * round the week ("sun-thu"); hours are whole, end after start.
 */
export function parseWorkingHours(
  text: string,
): { ok: true; value: WorkingHours } | { ok: false; error: string } {
  const match = /^\s*(\d{1,2})(?::00)?\s*-\s*(\d{1,2})(?::00)?\s+([a-z,\- ]+?)\s*$/i.exec(text);
  const usage = 'Write the hours and days like `9-18 mon-fri`, `8-17 sun-thu` or `10-16 mon,wed,fri`.';
  if (!match) return { ok: false, error: usage };
  const startHour = Number(match[1]);
  const endHour = Number(match[2]);
  if (startHour > 23 || endHour > 24 || endHour <= startHour) {
    return { ok: false, error: 'The day must end after it starts, between 0 and 24 (e.g. `9-18`).' };
  }
  const days = new Set<number>();
  for (const part of match[3]!.toLowerCase().split(/[ ,]+/).filter(Boolean)) {
    const [from, to] = part
      .split('-')
      .map((d) => DAY_NAMES.indexOf(d.slice(0, 3) as (typeof DAY_NAMES)[number]) + 1);
    if (!from || (part.includes('-') && !to)) return { ok: false, error: usage };
    for (let d = from, n = 0; n < 7; d = (d % 7) + 1, n++) {
      days.add(d);
      if (d === (to ?? from)) break;
    }
  }
  return { ok: true, value: { startHour, endHour, days: [...days].sort((a, b) => a - b) } };
}
