import type { KnownBlock } from '@slack/types';
import dayjs from 'dayjs';
import utc from 'dayjs/plugin/utc.js';

import { md, mention } from './text.js';

dayjs.extend(utc);

/**
 * "away until Mon 4 Jan" for a last day away ('YYYY-MM-DD', a calendar date in the
 * person's own zone, so written as a date, not a moment); "away" when a Slack status says
 * so with no end.
 */
export function awayUntil(lastDay: string | null): string {
  return lastDay ? `away until ${dayjs.utc(lastDay).format('ddd D MMM')}` : 'away';
}

/** The digest's one line of who was away this week; none when nobody was. */
export function awayThisWeekBlocks(
  away: { userId: string; lastDay: string | null }[] | undefined,
): KnownBlock[] {
  if (!away?.length) return [];
  const shown = away.slice(0, 30).map((a) => `${mention(a.userId)} (${awayUntil(a.lastDay)})`);
  const more = away.length > shown.length ? `, and ${away.length - shown.length} more` : '';
  return [{ type: 'context', elements: [md(`:palm_tree: Away this week: ${shown.join(', ')}${more}`)] }];
}

/** "Thu 24 Dec", "Thu 24 – Fri 25 Dec", "Mon 28 Dec – Fri 1 Jan". */
export function dateRun(dates: string[]): string {
  const first = dayjs.utc(dates[0]);
  const last = dayjs.utc(dates.at(-1));
  if (dates.length === 1) return first.format('ddd D MMM');
  return first.month() === last.month()
    ? `${first.format('ddd D')} – ${last.format('ddd D MMM')}`
    : `${first.format('ddd D MMM')} – ${last.format('ddd D MMM')}`;
}

/**
 * "8 working days for you (public holidays in DE: Fri 25 Dec, Fri 1 Jan; away Mon 28 – Thu
 * 31 Dec)": said only when holidays or days away fall in the timebox, as the timebox itself
 * stays in calendar days.
 */
export function workingDaysNote(
  days: { workingDays: number; holidays: string[][]; away: string[][] },
  o: { forYou: boolean; region: string | null },
): string | undefined {
  if (days.holidays.length === 0 && days.away.length === 0) return undefined;
  const runs = (r: string[][]) =>
    r.length > 4 ? `${r.slice(0, 4).map(dateRun).join(', ')} and more` : r.map(dateRun).join(', ');
  const why = [
    days.holidays.length
      ? `public holidays${o.region ? ` in ${o.region}` : ''}: ${runs(days.holidays)}`
      : null,
    days.away.length ? `away ${runs(days.away)}` : null,
  ].filter(Boolean);
  const n = days.workingDays;
  return `${n} working day${n === 1 ? '' : 's'} for ${o.forYou ? 'you' : 'its owner'} (${why.join('; ')})`;
}
