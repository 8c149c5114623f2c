import { CONCLUDED } from '../plan/hypotheses.js';
import { daysTaken, type TimeboxFacts } from './timeboxSpan.js';

/**
 * The team's own record, for estimating the next timebox: how many hypotheses were
 * concluded (abandoned ones too, as everywhere), how they came out, and how long they
 * really took against their timebox, in the days their announcements said.
 */
export type ConcludedRecord = TimeboxFacts & { status: string };

export interface Stats {
  concluded: number;
  validated: number;
  disproven: number;
  inconclusive: number;
  abandoned: number;
  /**
   * Concluded before their timebox (as planned) ended. Counted as early, and kept out of the figures
   * below: finding the answer sooner says nothing about how long a timebox should be.
   */
  early: number;
  /** Mean planned and actual days over those that ran their timebox, with a start and an end. */
  meanPlannedDays: number | null;
  meanActualDays: number | null;
  /** Actual ÷ planned, summed over all: 1.4 means things take 40% longer than boxed. */
  overrun: number | null;
}

/**
 * Concluded before its timebox, as planned, ended (counted in days as the announcement counts
 * them): early, which says nothing about how long a timebox should be, so every estimate
 * leaves it out. One concluded inside an extension overran its plan and is not early.
 */
export function concludedEarly(r: TimeboxFacts): boolean {
  const days = daysTaken(r);
  return days !== null && days < r.timebox_days;
}

export function computeStats(rows: ConcludedRecord[]): Stats {
  const outcomes = rows.filter((r) => (CONCLUDED as readonly string[]).includes(r.status));
  const timed = outcomes.flatMap((r) => {
    const days = daysTaken(r);
    return days === null || concludedEarly(r) ? [] : [{ planned: r.timebox_days, days }];
  });
  const planned = timed.reduce((sum, r) => sum + r.planned, 0);
  const actual = timed.reduce((sum, r) => sum + r.days, 0);
  const count = (s: string) => outcomes.filter((r) => r.status === s).length;
  return {
    concluded: outcomes.length,
    validated: count('validated'),
    disproven: count('disproven'),
    inconclusive: count('inconclusive'),
    abandoned: count('abandoned'),
    early: outcomes.filter(concludedEarly).length,
    meanPlannedDays: timed.length ? planned / timed.length : null,
    meanActualDays: timed.length ? actual / timed.length : null,
    overrun: planned > 0 ? actual / planned : null,
  };
}
