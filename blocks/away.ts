import dayjs from 'dayjs';
import utc from 'dayjs/plugin/utc.js';

dayjs.extend(utc);

/**
 * "away until Mon 4 Jan" for a last day away ('YYYY-MM-DD', a calendar date in the
 * person's own zone, so written as a date, not a moment); "away" when a Slack status says
 * so with no end.
 */
export function awayUntil(lastDay: string | null): string {
  return lastDay ? `away until ${dayjs.utc(lastDay).format('ddd D MMM')}` : 'away';
}
