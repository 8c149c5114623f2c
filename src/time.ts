import dayjs, { type Dayjs } from 'dayjs';
import timezone from 'dayjs/plugin/timezone.js';
import utc from 'dayjs/plugin/utc.js';
import { wallClock } from './wallClock.js';

dayjs.extend(utc);
dayjs.extend(timezone);

/**
 * All time arithmetic in one place. Instants are stored and passed as UTC `Date`s; a
 * person's Slack time zone (an IANA name from users.info) is applied only to render or
 * to decide what "Monday 09:00" means for them.
 */
export const DAY_MS = 24 * 60 * 60 * 1000;

export function addDays(instant: Date, days: number): Date {
  return new Date(instant.getTime() + days * DAY_MS);
}

export function inZone(instant: Date, tz: string): Dayjs {
  return dayjs(instant).tz(safeZone(tz));
}

/**
 * The wall clock in the zone at `instant`: its calendar date ('YYYY-MM-DD'), hour and
 * minute. Scheduling asks this far more than anything else about time, and dayjs's tz()
 * builds a new formatter on every call; wallClock keeps one per zone.
 */
export function wallTime(instant: Date, tz: string): { date: string; hour: number; minute: number } {
  const w = wallClock(instant, safeZone(tz));
  const pad = (n: number) => String(n).padStart(2, '0');
  return { date: `${w.year}-${pad(w.month)}-${pad(w.day)}`, hour: w.hour, minute: w.minute };
}

/** The calendar date ('YYYY-MM-DD') in the zone at `instant`. */
export function localDate(instant: Date, tz: string): string {
  return wallTime(instant, tz).date;
}

/** "Fri 12 Dec 2026" in the given zone. */
export function formatDay(instant: Date, tz: string): string {
  return inZone(instant, tz).format('ddd D MMM YYYY');
}

/**
 * "Fri 12 Dec 2026, 09:00 London time" in the given zone: a time written without its zone
 * is read in the reader's own and is wrong for everyone elsewhere, so the zone is named.
 */
export function formatMoment(instant: Date, tz: string): string {
  return `${localMoment(instant, tz)} ${zoneName(tz)}`;
}

/** "Fri 12 Dec 2026, 09:00", only for a sentence that names the zone once already. */
export function localMoment(instant: Date, tz: string): string {
  return inZone(instant, tz).format('ddd D MMM YYYY, HH:mm');
}

/** "London time", "New York time", "UTC": an IANA zone as people say it. */
export function zoneName(tz: string): string {
  const zone = safeZone(tz);
  if (zone === 'UTC' || zone === 'Etc/UTC') return 'UTC';
  return `${(zone.split('/').pop() ?? zone).replace(/_/g, ' ')} time`;
}

/** Whole days from `from` to `to`, rounded up: how long something really took. */
export function elapsedDays(from: Date, to: Date): number {
  return Math.max(0, Math.ceil((to.getTime() - from.getTime()) / DAY_MS));
}

/** Slack sends IANA names, but an unknown one must not crash scheduling. */
export function safeZone(tz: string | null | undefined): string {
  if (!tz) return 'UTC';
  let zone = checkedZones.get(tz);
  if (zone === undefined) {
    zone = 'UTC';
    try {
      new Intl.DateTimeFormat('en', { timeZone: tz });
      zone = tz;
    } catch {
      // not a zone Intl knows
    }
    // Zone names are few; the bound only stops a stream of invented ones growing the map.
    if (checkedZones.size >= 1_000) checkedZones.clear();
    checkedZones.set(tz, zone);
  }
  return zone;
}

// Building an Intl.DateTimeFormat to check a name cost more than the rest of a check-in's
// scheduling (a Monday burst checks the same few zones thousands of times), so each name
// is checked once.
const checkedZones = new Map<string, string>();
