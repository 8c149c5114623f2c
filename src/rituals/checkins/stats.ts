/**
 * The team's own record, for estimating the next timebox: how many hypotheses were
 * concluded, how they came out, and how long they really took against their timebox.
 */
export interface ConcludedRecord {
  status: string;
  timebox_days: number;
  started_at: Date | null;
  concluded_at: Date | null;
}

export interface Stats {
  concluded: number;
  validated: number;
  disproven: number;
  inconclusive: number;
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

const DAY = 86_400_000;

/**
 * Concluded before its timebox, as planned, ended: early, which says nothing about how long a
 * timebox should be, so every estimate leaves it out. One concluded inside an extension
 * overran its plan and is not early.
 */
export function concludedEarly(
  r: Pick<ConcludedRecord, 'timebox_days' | 'started_at' | 'concluded_at'>,
): boolean {
  return (
    !!r.started_at &&
    !!r.concluded_at &&
    r.concluded_at.getTime() - r.started_at.getTime() < r.timebox_days * DAY
  );
}

export function computeStats(rows: ConcludedRecord[]): Stats {
  const outcomes = rows.filter((r) => ['validated', 'disproven', 'inconclusive'].includes(r.status));
  const isEarly = concludedEarly;
  const timed = outcomes.filter((r) => r.started_at && r.concluded_at && !isEarly(r));
  const planned = timed.reduce((sum, r) => sum + r.timebox_days, 0);
  const actual = timed.reduce(
    (sum, r) => sum + (r.concluded_at!.getTime() - r.started_at!.getTime()) / DAY,
    0,
  );
  const count = (s: string) => outcomes.filter((r) => r.status === s).length;
  return {
    concluded: outcomes.length,
    validated: count('validated'),
    disproven: count('disproven'),
    inconclusive: count('inconclusive'),
    early: outcomes.filter(isEarly).length,
    meanPlannedDays: timed.length ? planned / timed.length : null,
    meanActualDays: timed.length ? actual / timed.length : null,
    overrun: planned > 0 ? actual / planned : null,
  };
}
