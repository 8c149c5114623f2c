import { localDate } from '../../time.js';
import dayjs from 'dayjs';
import { nextWorkingMoment, type WorkingHours } from '../checkins/workingHours.js';

/** An away range: calendar dates in the person's own zone, both days away. */
export interface AwayRange {
  startsOn: string;
  endsOn: string;
}

/** The longest range one command sets: a sabbatical is a conversation, not a command. */
const MAX_AWAY_DAYS = 366;
const EXAMPLE = 'e.g. `/hypothesis away 2026-12-21 2027-01-04`, `away until 2027-01-04` or `away off`';

export type AwayCommand =
  { type: 'show' } | { type: 'off' } | { type: 'set'; range: AwayRange } | { type: 'invalid'; error: string };

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const validDate = (s: string) => DATE.test(s) && dayjs.utc(s).format('YYYY-MM-DD') === s;

/**
 * Reads what follows `/hypothesis away` (after any @member): nothing (show), `off`,
 * `until 2027-01-04` (from today) or `2026-12-21 2027-01-04`. Dates are the person's own,
 * so today is today in `tz`; a range that has already ended is refused.
 */
export function parseAway(text: string, now: Date, tz: string): AwayCommand {
  const words = text.trim().toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return { type: 'show' };
  if (words.length === 1 && words[0] === 'off') return { type: 'off' };
  const today = localDate(now, tz);
  const [from, to] = words[0] === 'until' && words.length === 2 ? [today, words[1]!] : words;
  if (words.length !== 2 || !from || !to || !validDate(from) || !validDate(to)) {
    return { type: 'invalid', error: `Write the first and last day away as dates, ${EXAMPLE}.` };
  }
  if (to < from) return { type: 'invalid', error: `The last day comes after the first, ${EXAMPLE}.` };
  if (to < today)
    return { type: 'invalid', error: `That range is already over (today is ${today}), ${EXAMPLE}.` };
  if (dayjs.utc(to).diff(dayjs.utc(from), 'day') >= MAX_AWAY_DAYS) {
    return { type: 'invalid', error: `Away is at most a year at a time, ${EXAMPLE}.` };
  }
  return { type: 'set', range: { startsOn: from < today ? today : from, endsOn: to } };
}

export const isAwayOn = (range: AwayRange | undefined, date: string): boolean =>
  !!range && range.startsOn <= date && date <= range.endsOn;

/** Emoji that mean away unless the workspace chose its own list. */
export const DEFAULT_AWAY_EMOJI = [
  ':palm_tree:',
  ':airplane:',
  ':beach_with_umbrella:',
  ':face_with_thermometer:',
  ':baby:',
] as const;

const AWAY_WORDS = /\b(vacation|holidays?|ooo|out of (the )?office|pto|sick|leave)\b/i;

export interface SlackStatus {
  emoji: string | null;
  text: string | null;
  /** When Slack clears it; null when it stays until changed. */
  expiration: Date | null;
}

/**
 * Whether a Slack status says the person is away, and until when: an away emoji or a
 * word such as "vacation" or "OOO", until the status expires. `until: null` means no
 * expiry: the status is read again at each delivery.
 */
export function statusAway(
  status: SlackStatus | undefined,
  awayEmoji: readonly string[],
  now: Date,
): { until: Date | null } | undefined {
  if (!status) return undefined;
  if (status.expiration && status.expiration.getTime() <= now.getTime()) return undefined;
  const byEmoji = !!status.emoji && awayEmoji.includes(status.emoji);
  const byText = !!status.text && AWAY_WORDS.test(status.text);
  return byEmoji || byText ? { until: status.expiration } : undefined;
}

/**
 * Whether someone is away from `from` through `deadline`: their first working moment
 * comes only after it, and the reason is an away range or an away Slack status (a weekend
 * or a public holiday alone makes nobody "away"). At or after the deadline it asks whether
 * they are away on the deadline's day. `lastDay` is their last day away ('YYYY-MM-DD', in
 * their zone), or null when a Slack status says away with no end.
 */
export function awayThrough(p: {
  from: Date;
  deadline: Date;
  tz: string;
  /** Their working calendar, the away range and public holidays among its days off. */
  hours: WorkingHours;
  range: AwayRange | undefined;
  status: { until: Date | null } | undefined;
}): { lastDay: string | null } | undefined {
  const from = p.from.getTime() < p.deadline.getTime() ? p.from : p.deadline;
  const dayOf = (d: Date) => localDate(d, p.tz);
  if (p.status && (p.status.until === null || p.status.until.getTime() >= p.deadline.getTime())) {
    const statusEnd = p.status.until && dayOf(new Date(p.status.until.getTime() - 1));
    const rangeEnd = p.range && isAwayOn(p.range, dayOf(p.deadline)) ? p.range.endsOn : null;
    if (!statusEnd) return { lastDay: rangeEnd };
    return { lastDay: rangeEnd && rangeEnd > statusEnd ? rangeEnd : statusEnd };
  }
  if (!p.range) return undefined;
  const start = p.status?.until && p.status.until.getTime() > from.getTime() ? p.status.until : from;
  if (nextWorkingMoment(start, p.tz, p.hours).getTime() < p.deadline.getTime()) return undefined;
  if (p.range.endsOn < dayOf(start) || p.range.startsOn > dayOf(p.deadline)) return undefined;
  return { lastDay: p.range.endsOn };
}
