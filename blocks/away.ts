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
