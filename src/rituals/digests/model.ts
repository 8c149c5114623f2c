import type { DigestDecision, DigestHypothesis, DigestMeeting } from '../../db/digests.js';
import { DAY_MS, elapsedDays } from '../../time.js';
import { concludedEarly } from '../checkins/stats.js';
import { daysTaken } from '../checkins/timeboxSpan.js';
import type { ReviewState } from '../designReview/review.js';
import type { Activity } from '../timeSpent/activities.js';
import {
  calibrateByKind,
  totalMinutes,
  type Effort,
  type KindCalibration,
} from '../timeSpent/calibration.js';
import { weeksBack, type DigestSchedule, type Week } from './weeks.js';

/**
 * The digest of one project's week, as plain data: what the blocks, the chart and the
 * tests read. Built by a pure function from rows already loaded.
 */
export interface Concluded {
  number: number;
  statement: string;
  ownerUserId: string;
  result: string | null;
  learnings: string | null;
  /** Days from start to conclusion: what it really took. */
  days: number | null;
  /** Its run links, dataset version and seed. */
  evidence: { run_links: string[]; dataset_version: string | null; random_seed: string | null };
  /** The trackers' latest numbers for its metric, and the bar they are read against. */
  metrics?: TrackerNumbers;
}

export interface TrackerNumbers {
  hints: string[];
  bar: string;
}

export interface Running {
  number: number;
  statement: string;
  ownerUserId: string;
  dueAt: Date;
  /** Whole days past due, 0 when not overdue. */
  overdueDays: number;
  metrics?: TrackerNumbers;
}

export interface Calibration {
  concluded: number;
  /** Median of actual ÷ planned days; null when none had a start. */
  medianRatio: number | null;
  extended: number;
  /** Concluded before their timebox ended: counted, and left out of the median. */
  early: number;
  /** Time logged on them by activity, when any was. */
  minutes?: Record<Activity, number>;
  /** Planned against actual per kind of option, when some came from proposals that said. */
  byKind?: KindCalibration[];
}

export interface WeekOutcomes {
  /** The week's last day (its slot), for the chart's axis. */
  end: Date;
  validated: number;
  disproven: number;
  inconclusive: number;
  abandoned: number;
}

export type DigestKind = 'full' | 'quiet' | 'silent';

export interface Digest {
  kind: DigestKind;
  projectId: number;
  projectName: string;
  channelId: string;
  tz: string;
  week: Week;
  counts: { validated: number; disproven: number; inconclusive: number; abandoned: number };
  /** Weeks in a row, ending with this one, in which a hypothesis was concluded. */
  streak: number;
  /** Disproven since the project started: dead ends the team no longer has to walk. */
  deadEnds: number;
  knowledge: Concluded[];
  validated: Concluded[];
  inconclusive: Concluded[];
  abandoned: Concluded[];
  running: Running[];
  decisions: DigestDecision[];
  meetings: DigestMeeting[];
  /** Actual against planned days over the last four weeks (this one included). */
  calibration: Calibration;
  /** The last 12 weeks, oldest first, none from before the project began. */
  chart: WeekOutcomes[];
  /** Where the design doc's review stands. */
  designReview?: ReviewState;
  /** Who of the project was away during the week; shown in one line, left out when nobody. */
  away?: { userId: string; lastDay: string | null }[];
}

export interface DigestInput {
  project: { id: number; name: string; channel_id: string; created_at?: Date };
  schedule: DigestSchedule;
  week: Week;
  /** The preview's "so far": the week may end now rather than at its slot. */
  now: Date;
  hypotheses: DigestHypothesis[];
  decisions: DigestDecision[];
  meetings: DigestMeeting[];
  designReview?: ReviewState;
  /** Time logged and kind of option per hypothesis id, for the calibration. */
  effort?: Map<number, Effort>;
}

const CHART_WEEKS = 12;
const STREAK_WEEKS_MAX = 260;
const OUTCOME_STATUSES = ['validated', 'disproven', 'inconclusive'] as const;

export function buildDigest(input: DigestInput): Digest {
  const { week, schedule } = input;
  const concluded = input.hypotheses.filter(
    (h) => h.concluded_at && h.status !== 'running' && h.status !== 'proposed',
  );
  const inWeek = (h: DigestHypothesis) => within(h.concluded_at!, week);
  const thisWeek = concluded
    .filter(inWeek)
    .sort((a, b) => a.concluded_at!.getTime() - b.concluded_at!.getTime());
  const of = (status: string) => thisWeek.filter((h) => h.status === status).map(toConcluded);
  const running = input.hypotheses
    .filter((h) => h.status === 'running' && h.due_at)
    .sort((a, b) => a.due_at!.getTime() - b.due_at!.getTime() || a.number - b.number)
    .map((h) => ({
      number: h.number,
      statement: h.statement,
      ownerUserId: h.owner_user_id,
      dueAt: h.due_at!,
      overdueDays: h.due_at!.getTime() < input.now.getTime() ? elapsedDays(h.due_at!, input.now) : 0,
    }));

  const weeks = weeksBack(week, CHART_WEEKS, schedule);
  const began = input.project.created_at?.getTime() ?? -Infinity;
  // A week that ended before the project began is not drawn as a week with nothing done.
  const chart = weeks.filter((w) => w.end.getTime() > began).map((w) => outcomesIn(concluded, w));
  const counts = outcomesIn(concluded, week);
  const streak = streakOf(concluded, week, schedule);
  const fourWeeks = { start: weeks[weeks.length - 4]!.start, end: week.end };
  const lastFour = concluded.filter((h) => within(h.concluded_at!, fourWeeks));
  const quiet = thisWeek.length === 0 && input.decisions.length === 0;
  const kind: DigestKind =
    quiet && running.length === 0 && lastFour.length === 0 ? 'silent' : quiet ? 'quiet' : 'full';

  return {
    kind,
    projectId: input.project.id,
    projectName: input.project.name,
    channelId: input.project.channel_id,
    ...(input.designReview ? { designReview: input.designReview } : {}),
    tz: schedule.tz,
    week,
    counts: {
      validated: counts.validated,
      disproven: counts.disproven,
      inconclusive: counts.inconclusive,
      abandoned: counts.abandoned,
    },
    streak,
    deadEnds: concluded.filter((h) => h.status === 'disproven' && h.concluded_at! <= week.end).length,
    knowledge: of('disproven'),
    validated: of('validated'),
    inconclusive: of('inconclusive'),
    abandoned: of('abandoned'),
    running,
    decisions: input.decisions,
    meetings: input.meetings,
    calibration: calibrate(lastFour, input.effort),
    chart,
  };
}

function within(at: Date, w: Week): boolean {
  return at.getTime() > w.start.getTime() && at.getTime() <= w.end.getTime();
}

function toConcluded(h: DigestHypothesis): Concluded {
  return {
    number: h.number,
    statement: h.statement,
    ownerUserId: h.owner_user_id,
    result: h.result,
    learnings: h.learnings,
    days: daysTaken(h),
    evidence: { run_links: h.run_links, dataset_version: h.dataset_version, random_seed: h.random_seed },
  };
}

function outcomesIn(concluded: DigestHypothesis[], w: Week): WeekOutcomes {
  const out: WeekOutcomes = { end: w.end, validated: 0, disproven: 0, inconclusive: 0, abandoned: 0 };
  for (const h of concluded) {
    if (!within(h.concluded_at!, w)) continue;
    if (
      h.status === 'validated' ||
      h.status === 'disproven' ||
      h.status === 'inconclusive' ||
      h.status === 'abandoned'
    )
      out[h.status]++;
  }
  return out;
}

/** Counts back week by week (local weeks, DST-aware) while each had a hypothesis concluded. */
function streakOf(concluded: DigestHypothesis[], week: Week, s: DigestSchedule): number {
  const times = concluded
    .filter((h) => (OUTCOME_STATUSES as readonly string[]).includes(h.status))
    .map((h) => h.concluded_at!.getTime())
    .sort((a, b) => b - a);
  let streak = 0;
  let w = week;
  let i = 0;
  while (streak < STREAK_WEEKS_MAX) {
    while (i < times.length && times[i]! > w.end.getTime()) i++;
    if (i >= times.length || times[i]! <= w.start.getTime()) break;
    streak++;
    w = { start: weeksBack(w, 2, s)[0]!.start, end: w.start };
  }
  return streak;
}

function calibrate(rows: DigestHypothesis[], effort = new Map<number, Effort>()): Calibration {
  const outcomes = rows.filter((h) => (OUTCOME_STATUSES as readonly string[]).includes(h.status));
  const ratios = outcomes
    .filter((h) => h.started_at && h.concluded_at && !concludedEarly(h))
    .map((h) => (h.concluded_at!.getTime() - h.started_at!.getTime()) / DAY_MS / h.timebox_days)
    .sort((a, b) => a - b);
  const minutes = totalMinutes(outcomes.flatMap((h) => effort.get(h.id) ?? []));
  const byKind = calibrateByKind(outcomes, effort);
  return {
    concluded: outcomes.length,
    medianRatio: ratios.length ? median(ratios) : null,
    extended: outcomes.filter((h) => h.extension_count > 0).length,
    early: outcomes.filter(concludedEarly).length,
    ...(Object.values(minutes).some((m) => m > 0) ? { minutes } : {}),
    // Kinds are worth a line only when some hypothesis came from a proposal that said its kind.
    ...(byKind.some((k) => k.kind !== 'unstated') ? { byKind } : {}),
  };
}

function median(sorted: number[]): number {
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
