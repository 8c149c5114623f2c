import type { Hypothesis } from '../../db/schema/index.js';
import { DAY_MS } from '../../time.js';

/**
 * How long a hypothesis ran, counted the way people count: the timebox is the plan, each
 * extension adds to it, and the wait between the timebox's end and the owner's answer
 * (working hours, a weekend, a snooze) is not time the work took. So a check-in answered a
 * minute after the due time took 14 of 14 days, not 15; and an extended one took the days
 * of its plan plus its extensions, with both said.
 */
export type TimeboxFacts = Pick<
  Hypothesis,
  'timebox_days' | 'extension_count' | 'started_at' | 'due_at' | 'concluded_at'
>;

export interface TimeboxSpan {
  /** The timebox as first planned. */
  planned: number;
  extensions: number;
  /** The planned days plus every extension: start to the last due date. */
  total: number;
  /** Days it ran, at most `total`; null when it never started. */
  days: number | null;
  /** Concluded at least a day before its (last) timebox ended. */
  early: boolean;
  started: boolean;
}

export function timeboxSpan(h: TimeboxFacts): TimeboxSpan {
  const planned = h.timebox_days;
  const extensions = h.extension_count;
  if (!h.started_at || !h.due_at)
    return { planned, extensions, total: planned, days: null, early: false, started: false };
  const start = h.started_at.getTime();
  // Rounded, not ceiled: a due date set a few minutes after a whole day (an extension
  // entered from a late check-in) is still that day.
  const total = Math.max(1, Math.round((h.due_at.getTime() - start) / DAY_MS));
  if (!h.concluded_at || h.concluded_at.getTime() >= h.due_at.getTime())
    return { planned, extensions, total, days: h.concluded_at ? total : null, early: false, started: true };
  // Before the end: the day it was concluded on counts as a day of work.
  const days = Math.min(total, Math.max(1, Math.ceil((h.concluded_at.getTime() - start) / DAY_MS)));
  return { planned, extensions, total, days, early: days < total, started: true };
}

/** The days a concluded hypothesis counts in the statistics: the same figure its announcement says. */
export const daysTaken = (h: TimeboxFacts): number | null => timeboxSpan(h).days;
