import type { TimeboxSpan } from '../src/rituals/checkins/timeboxSpan.js';
import { count, times } from './text.js';

/**
 * A timebox in words, the same everywhere it is shown (announcement, check-in DM, log):
 * "14 days, on time", "concluded early, 4 of 10 days", "31 days: planned 14, extended twice".
 */
export function timeboxPhrase(span: TimeboxSpan): string {
  if (!span.started) return `never started (timebox ${count(span.planned, 'day')})`;
  if (span.extensions > 0) {
    const days = span.days ?? span.total;
    return `${count(days, 'day')}: planned ${span.planned}, extended ${times(span.extensions)}${span.early ? ', concluded early' : ''}`;
  }
  if (span.days === null) return count(span.total, 'day');
  if (span.early) return `concluded early, ${span.days} of ${count(span.total, 'day')}`;
  return `${count(span.days, 'day')}, on time`;
}
