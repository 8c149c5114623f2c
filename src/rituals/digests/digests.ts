import { scheduleDelivery, type NewDelivery } from '../../db/deliveries.js';
import {
  digestAlreadySent,
  digestTargetsWithoutDelivery,
  lastDigestSentAt,
  loadDigestRows,
  projectsOfTeam,
  type DigestRows,
} from '../../db/digests.js';
import { latestReviewsOf } from '../../db/designReviews.js';
import type { Db } from '../../db/index.js';
import type { DigestSettings, Project } from '../../db/schema/index.js';
import type { Services } from '../../services.js';
import { reviewState } from '../designReview/review.js';
import type { Effort } from '../timeSpent/calibration.js';
import { loadEffort } from '../timeSpent/timeSpent.js';
import { noMetrics, type MetricReader } from '../../trackers/index.js';
import { awayDuringWeek } from './away.js';
import { buildDigest, type Digest, type TrackerNumbers } from './model.js';
import {
  DEFAULT_SCHEDULE,
  nextSlot,
  slotOnOrBefore,
  weekEndingAt,
  weekKey,
  type DigestSchedule,
  type Week,
} from './weeks.js';

/**
 * The digest ritual's small services: which schedule applies, what a digest holds, and
 * how the next one is scheduled. Slack is reached only through what callers pass in.
 */
export const DIGEST_KIND = 'digest';
export const DIGEST_NOTICE_KIND = 'digest_notice';

/** The channel's schedule, or the default (Friday 16:00) in `fallbackTz` (the lead's zone). */
export function scheduleOf(
  settings: Pick<DigestSettings, 'weekday' | 'hour' | 'minute' | 'tz'> | null | undefined,
  fallbackTz: string,
): DigestSchedule {
  return settings
    ? {
        weekday: settings.weekday,
        hour: settings.hour,
        minute: settings.minute,
        tz: settings.tz ?? fallbackTz,
      }
    : { ...DEFAULT_SCHEDULE, tz: fallbackTz };
}

export const isOn = (settings: DigestSettings | undefined) =>
  !settings || (settings.enabled && settings.stopped_reason === null);

/** `digest:<channel>:<Monday of the week>`: one digest per channel and week, however scheduled. */
export const digestKey = (channelId: string, slot: Date, tz: string) =>
  `${DIGEST_KIND}:${channelId}:${weekKey(slot, tz)}`;

export function parseDigestKey(key: string): { channelId: string; week: string } | undefined {
  const [kind, channelId, week] = key.split(':');
  return kind === DIGEST_KIND && channelId && week ? { channelId, week } : undefined;
}

/** How the digest ritual is run, decided where the mode is known (src/runtime.ts). */
export interface DigestOptions {
  /**
   * OAuth mode: only teams an installation serves get digests scheduled (an uninstalled
   * one would otherwise get them back every sweep). Single-workspace mode has no
   * installation rows, and its one team is always served.
   */
  installedOnly: boolean;
}

export interface DigestTargetRef {
  teamId: string;
  channelId: string;
  projectId: number | null;
}

/** The channel's digest for the first slot after `after`. */
export function nextDigestDelivery(
  target: DigestTargetRef,
  schedule: DigestSchedule,
  after: Date,
  at: Date,
): NewDelivery {
  const slot = nextSlot(after, schedule);
  return {
    teamId: target.teamId,
    kind: DIGEST_KIND,
    dedupeKey: digestKey(target.channelId, slot, schedule.tz),
    recipientId: target.channelId,
    dueAt: slot,
    projectId: target.projectId,
    at,
  };
}

export async function scheduleNextDigest(
  db: Db,
  target: DigestTargetRef,
  schedule: DigestSchedule,
  after: Date,
  at: Date,
): Promise<Date> {
  let d = nextDigestDelivery(target, schedule, after, at);
  // This week's already went out (the day was moved later in the week): the next is next week's.
  if (await digestAlreadySent(db, target.teamId, d.dedupeKey))
    d = nextDigestDelivery(target, schedule, d.dueAt, at);
  await scheduleDelivery(db, d);
  return d.dueAt;
}

/**
 * Every project gets a digest by default: each sweep schedules the next one for any
 * channel that should have one waiting and has none (a new project, one just migrated,
 * one whose last week was skipped). Idempotent by the dedupe key, so replicas running
 * it at once schedule each week once.
 */
export async function topUpDigests(services: Services, opts: DigestOptions): Promise<number> {
  const now = services.clock.now();
  const targets = await digestTargetsWithoutDelivery(services.db, 500, opts);
  for (const t of targets) {
    await scheduleNextDigest(services.db, t, scheduleOf(t.settings, t.fallbackTz), now, now);
  }
  return targets.length;
}

/**
 * The week a digest due now reports: the one ending at the latest slot. If the last digest
 * that went out is older than the week before (a week was missed while every replica
 * was down), this one covers everything since, up to five weeks.
 */
export async function reportedWeek(
  db: Db,
  target: DigestTargetRef,
  schedule: DigestSchedule,
  slot: Date,
): Promise<Week> {
  const week = weekEndingAt(slot, schedule);
  const sentAt = await lastDigestSentAt(db, target.teamId, target.channelId);
  // The last digest reported up to its slot: the latest at or before it went out, however
  // late (a missed week) or deferred (scheduled under the fallback zone) it was sent.
  const last = sentAt && slotOnOrBefore(sentAt, schedule);
  const floor = slot.getTime() - 35 * 86_400_000;
  if (last && last.getTime() < week.start.getTime() && last.getTime() >= floor)
    return { start: last, end: slot };
  return week;
}

/** This week so far, for the preview and `digest post`. */
export function weekSoFar(schedule: DigestSchedule, now: Date): Week {
  return { start: slotOnOrBefore(now, schedule), end: now };
}

function digestsFrom(
  projects: Pick<Project, 'id' | 'name' | 'channel_id' | 'created_at'>[],
  rows: DigestRows,
  reviews: Awaited<ReturnType<typeof latestReviewsOf>>,
  schedule: DigestSchedule,
  week: Week,
  now: Date,
  effort: Map<number, Effort>,
): Digest[] {
  return projects.map((project) =>
    buildDigest({
      project,
      schedule,
      week,
      now,
      hypotheses: rows.hypotheses.filter((h) => h.project_id === project.id),
      decisions: rows.decisions.filter((d) => d.projectId === project.id),
      meetings: rows.meetings.filter((m) => m.projectId === project.id),
      designReview: reviewState(reviews.get(project.id)),
      effort,
    }),
  );
}

export async function projectDigest(
  db: Db,
  project: Pick<Project, 'id' | 'team_id' | 'name' | 'channel_id' | 'created_at' | 'lead_user_id'>,
  schedule: DigestSchedule,
  week: Week,
  now: Date,
  metrics: MetricReader = noMetrics,
): Promise<Digest> {
  const [rows, reviews, effort, away] = await Promise.all([
    loadDigestRows(db, project.team_id, [project], { since: week.start, until: week.end }),
    latestReviewsOf(db, project.team_id, [project.id]),
    loadEffort(db, project.team_id, [project.id]),
    awayDuringWeek(db, project, week, schedule.tz, now),
  ]);
  const digest = digestsFrom([project], rows, reviews, schedule, week, now, effort)[0]!;
  return withTrackerNumbers({ ...digest, away }, rows, metrics);
}

/**
 * Puts the trackers' latest numbers beside the entries that have tracked runs. All are
 * asked at once, each bounded by the trackers' timeout, so a silent tracker costs the
 * digest at most that, once.
 */
async function withTrackerNumbers(digest: Digest, rows: DigestRows, metrics: MetricReader): Promise<Digest> {
  const byNumber = new Map(
    rows.hypotheses.filter((h) => h.project_id === digest.projectId).map((h) => [h.number, h]),
  );
  const add = async <E extends { number: number; metrics?: TrackerNumbers }>(entry: E): Promise<E> => {
    const h = byNumber.get(entry.number);
    const hints = h ? await metrics.hints(h) : [];
    return hints.length && h ? { ...entry, metrics: { hints, bar: h.success_criteria } } : entry;
  };
  const [knowledge, validated, inconclusive, running] = await Promise.all([
    Promise.all(digest.knowledge.map(add)),
    Promise.all(digest.validated.map(add)),
    Promise.all(digest.inconclusive.map(add)),
    Promise.all(digest.running.map(add)),
  ]);
  return { ...digest, knowledge, validated, inconclusive, running };
}

/** Every project of the workspace, loaded together (a fixed few queries, whatever their number). */
export async function teamDigests(
  db: Db,
  teamId: string,
  schedule: DigestSchedule,
  week: Week,
  now: Date,
): Promise<Digest[]> {
  const projects = await projectsOfTeam(db, teamId);
  const [rows, reviews, effort] = await Promise.all([
    loadDigestRows(db, teamId, projects, { since: week.start, until: week.end }),
    latestReviewsOf(
      db,
      teamId,
      projects.map((p) => p.id),
    ),
    loadEffort(db, teamId),
  ]);
  return digestsFrom(projects, rows, reviews, schedule, week, now, effort);
}

/** What the lead reads when Slack refused the channel for good, with how to fix it. */
export function stoppedText(channelId: string, error: string, what: string): string {
  const fix =
    error === 'is_archived'
      ? `Unarchive <#${channelId}>`
      : error === 'channel_not_found'
        ? `The channel is gone or private to me; create or pick a channel, invite me with \`/invite @Labbook\``
        : `Invite me back to <#${channelId}> with \`/invite @Labbook\``;
  return `:no_entry: I stopped the weekly digest of ${what} in <#${channelId}>: Slack says \`${error}\`. ${fix}, then run \`/hypothesis digest weekly fri 16:00\` there to start it again.`;
}
