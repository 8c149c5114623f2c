import type { OptionKind } from '../../db/schema/meetings.js';
import { concludedEarly } from '../checkins/stats.js';
import { daysTaken } from '../checkins/timeboxSpan.js';
import { ACTIVITY_IDS, byActivity, type Activity } from './activities.js';

/**
 * Planned against actual, by kind of option: "how long do our state-of-the-art attempts
 * really take?". A hypothesis' kind is the one its meeting proposal declared; one that
 * came from no proposal (written down directly) is counted apart, not guessed.
 */
export type KindOfOption = OptionKind | 'unstated';
export const KINDS_OF_OPTION: { kind: KindOfOption; label: string }[] = [
  { kind: 'sota', label: 'State of the art' },
  { kind: 'simple', label: 'Simple/standard' },
  { kind: 'unstated', label: 'Not from a meeting proposal' },
];

/** What each hypothesis cost: the kind it was proposed as, and the time logged on it. */
export interface Effort {
  optionKind: OptionKind | null;
  minutes: Record<Activity, number>;
}

export interface EffortRecord {
  id: number;
  status: string;
  timebox_days: number;
  started_at: Date | null;
  concluded_at: Date | null;
  due_at: Date | null;
  extension_count: number;
}

export interface KindCalibration {
  kind: KindOfOption;
  label: string;
  /**
   * Concluded with a start and an end, and not early: the ones that say how long a timebox of
   * this kind really takes (in the days their announcements said).
   */
  concluded: number;
  meanPlannedDays: number;
  meanActualDays: number;
  /** Actual ÷ planned days, summed over the kind. */
  ratio: number;
  extended: number;
  /** Time logged on those hypotheses, by activity. */
  minutes: Record<Activity, number>;
}

const OUTCOMES = ['validated', 'disproven', 'inconclusive'];
const NO_EFFORT: Effort = { optionKind: null, minutes: byActivity([]) };

/** One figure per kind of option that has a concluded hypothesis, state of the art first. */
export function calibrateByKind(rows: EffortRecord[], effort: Map<number, Effort>): KindCalibration[] {
  const timed = rows.filter(
    (r) => OUTCOMES.includes(r.status) && daysTaken(r) !== null && !concludedEarly(r),
  );
  const out: KindCalibration[] = [];
  for (const { kind, label } of KINDS_OF_OPTION) {
    const of = timed.filter((r) => (effort.get(r.id)?.optionKind ?? 'unstated') === kind);
    if (of.length === 0) continue;
    const planned = of.reduce((sum, r) => sum + r.timebox_days, 0);
    const actual = of.reduce((sum, r) => sum + daysTaken(r)!, 0);
    out.push({
      kind,
      label,
      concluded: of.length,
      meanPlannedDays: planned / of.length,
      meanActualDays: actual / of.length,
      ratio: planned > 0 ? actual / planned : 0,
      extended: of.filter((r) => r.extension_count > 0).length,
      minutes: totalMinutes(of.map((r) => effort.get(r.id) ?? NO_EFFORT)),
    });
  }
  return out;
}

/** Minutes by activity summed over several hypotheses. */
export function totalMinutes(efforts: Effort[]): Record<Activity, number> {
  return byActivity(
    efforts.flatMap((e) => ACTIVITY_IDS.map((activity) => ({ activity, minutes: e.minutes[activity] }))),
  );
}

/** Rows as the database gives them (minutes per hypothesis and activity, kinds) → effort per hypothesis. */
export function effortByHypothesis(
  minutes: { hypothesis_id: number; activity: string; minutes: number }[],
  kinds: { hypothesis_id: number; option_kind: OptionKind | null }[],
): Map<number, Effort> {
  const out = new Map<number, Effort>();
  const at = (id: number) => {
    let e = out.get(id);
    if (!e) out.set(id, (e = { optionKind: null, minutes: byActivity([]) }));
    return e;
  };
  for (const m of minutes) {
    const e = at(m.hypothesis_id);
    if (m.activity in e.minutes) e.minutes[m.activity as Activity] += m.minutes;
  }
  for (const k of kinds) if (k.option_kind) at(k.hypothesis_id).optionKind = k.option_kind;
  return out;
}
