import { sql } from 'kysely';
import type { Db } from './index.js';
import { servedByInstallation } from './installations.js';
import type { DigestSettings, Hypothesis, Project } from './schema/index.js';

/** UTC+14: Friday 16:00 comes here first. */
export const EARLIEST_ZONE = 'Pacific/Kiritimati';

/** A channel's digest schedule; undefined = the default for a project channel. */
export async function digestSettingsFor(
  db: Db,
  teamId: string,
  channelId: string,
): Promise<DigestSettings | undefined> {
  return db
    .selectFrom('digest_settings')
    .selectAll()
    .where('team_id', '=', teamId)
    .where('channel_id', '=', channelId)
    .executeTakeFirst();
}

export interface DigestSettingsPatch {
  teamId: string;
  channelId: string;
  projectId: number | null;
  weekday?: number;
  hour?: number;
  minute?: number;
  tz?: string | null;
  enabled?: boolean;
  stoppedReason?: string | null;
  setBy: string;
  at: Date;
}

/** Creates or changes a channel's schedule; fields not given keep their value (or the default). */
export async function saveDigestSettings(db: Db, p: DigestSettingsPatch): Promise<DigestSettings> {
  const set = {
    ...(p.weekday !== undefined ? { weekday: p.weekday } : {}),
    ...(p.hour !== undefined ? { hour: p.hour } : {}),
    ...(p.minute !== undefined ? { minute: p.minute } : {}),
    ...(p.tz !== undefined ? { tz: p.tz } : {}),
    ...(p.enabled !== undefined ? { enabled: p.enabled } : {}),
    ...(p.stoppedReason !== undefined ? { stopped_reason: p.stoppedReason } : {}),
  };
  return db
    .insertInto('digest_settings')
    .values({
      team_id: p.teamId,
      channel_id: p.channelId,
      project_id: p.projectId,
      tz: null,
      stopped_reason: null,
      set_by: p.setBy,
      created_at: p.at,
      updated_at: p.at,
      ...set,
    })
    .onConflict((oc) =>
      oc.columns(['team_id', 'channel_id']).doUpdateSet({ ...set, set_by: p.setBy, updated_at: p.at }),
    )
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** A channel that should have a digest waiting and has none: what the top-up schedules. */
export interface DigestTarget {
  teamId: string;
  channelId: string;
  projectId: number | null;
  settings: Pick<DigestSettings, 'weekday' | 'hour' | 'minute' | 'tz'> | null;
  /**
   * The zone to assume until the lead's is looked up: their cached Slack zone, else the
   * earliest zone on Earth, so the delivery falls due no later than the lead's real slot
   * and is deferred to it once their zone is known (see planDigest).
   */
  fallbackTz: string;
}

/** The channel has no digest pending (served by the partial index deliveries_digests). */
const noDigestWaiting = (teamId: string, channelId: string) =>
  sql<boolean>`not exists (select 1 from deliveries d where d.kind = 'digest' and d.status = 'pending'
    and d.team_id = ${sql.ref(teamId)} and d.recipient_id = ${sql.ref(channelId)})`;

/**
 * Every project (by default) and every team-wide channel with digests on and not stopped
 * that has no digest pending. Two indexed anti-joins; empty in the steady state.
 * `installedOnly` (OAuth mode) leaves out teams no installation serves: an uninstalled
 * workspace's digests stay cancelled rather than coming back every sweep.
 */
export async function digestTargetsWithoutDelivery(
  db: Db,
  limit: number,
  { installedOnly }: { installedOnly: boolean },
): Promise<DigestTarget[]> {
  const projects = await db
    .selectFrom('projects as p')
    .leftJoin('digest_settings as s', (j) => j.onRef('s.project_id', '=', 'p.id'))
    .leftJoin('slack_users as u', (j) =>
      j.onRef('u.team_id', '=', 'p.team_id').onRef('u.user_id', '=', 'p.lead_user_id'),
    )
    .select([
      'p.team_id',
      'p.channel_id',
      'p.id',
      's.weekday',
      's.hour',
      's.minute',
      's.tz',
      'u.tz as lead_tz',
    ])
    .where((eb) =>
      eb.or([
        eb('s.project_id', 'is', null),
        eb.and([eb('s.enabled', '=', true), eb('s.stopped_reason', 'is', null)]),
      ]),
    )
    .where(noDigestWaiting('p.team_id', 'p.channel_id'))
    .$if(installedOnly, (q) => q.where(servedByInstallation('p.team_id')))
    .limit(limit)
    .execute();
  const teamWide = await db
    .selectFrom('digest_settings as s')
    .selectAll('s')
    .where('s.project_id', 'is', null)
    .where('s.enabled', '=', true)
    .where('s.stopped_reason', 'is', null)
    .where(noDigestWaiting('s.team_id', 's.channel_id'))
    .$if(installedOnly, (q) => q.where(servedByInstallation('s.team_id')))
    .limit(limit)
    .execute();
  return [
    ...projects.map((r) => ({
      teamId: r.team_id,
      channelId: r.channel_id,
      projectId: r.id,
      settings:
        r.weekday !== null && r.hour !== null && r.minute !== null
          ? { weekday: r.weekday, hour: r.hour, minute: r.minute, tz: r.tz }
          : null,
      fallbackTz: r.lead_tz ?? EARLIEST_ZONE,
    })),
    ...teamWide.map((s) => ({
      teamId: s.team_id,
      channelId: s.channel_id,
      projectId: null,
      settings: s,
      fallbackTz: s.tz ?? 'UTC',
    })),
  ];
}

/** The columns of a hypothesis a digest reads. */
export type DigestHypothesis = Pick<
  Hypothesis,
  | 'id'
  | 'project_id'
  | 'number'
  | 'statement'
  | 'status'
  | 'owner_user_id'
  | 'started_at'
  | 'due_at'
  | 'concluded_at'
  | 'timebox_days'
  | 'extension_count'
  | 'result'
  | 'learnings'
  | 'run_links'
  | 'dataset_version'
  | 'random_seed'
  | 'metric'
  | 'tracker_metric_key'
  | 'success_criteria'
>;

export interface DigestDecision {
  projectId: number;
  text: string;
  at: Date;
}

export interface DigestMeeting {
  projectId: number;
  question: string;
  scheduledAt: Date;
}

export interface DigestRows {
  hypotheses: DigestHypothesis[];
  decisions: DigestDecision[];
  meetings: DigestMeeting[];
}

/**
 * Everything the digests of `projects` need for the week (since, until], in three indexed
 * queries whatever the number of projects (no query per project or per hypothesis):
 * every hypothesis that ran (proposed ones are not reported), the week's decisions (log
 * entries of kind `decision` and meetings decided), and meetings still to come.
 */
export async function loadDigestRows(
  db: Db,
  teamId: string,
  projects: Pick<Project, 'id'>[],
  week: { since: Date; until: Date },
): Promise<DigestRows> {
  const ids = projects.map((p) => p.id);
  if (ids.length === 0) return { hypotheses: [], decisions: [], meetings: [] };
  const [hypotheses, logged, meetings] = await Promise.all([
    db
      .selectFrom('hypotheses')
      .select([
        'id',
        'project_id',
        'number',
        'statement',
        'status',
        'owner_user_id',
        'started_at',
        'due_at',
        'concluded_at',
        'timebox_days',
        'extension_count',
        'result',
        'learnings',
        'run_links',
        'dataset_version',
        'random_seed',
        'metric',
        'tracker_metric_key',
        'success_criteria',
      ])
      .where('team_id', '=', teamId)
      .where('project_id', 'in', ids)
      .where('status', '<>', 'proposed')
      .execute(),
    db
      .selectFrom('experiment_log_entries')
      .select(['project_id', 'text', 'created_at'])
      .where('team_id', '=', teamId)
      .where('project_id', 'in', ids)
      .where('kind', '=', 'decision')
      .where('created_at', '>', week.since)
      .where('created_at', '<=', week.until)
      .orderBy('created_at')
      .execute(),
    db
      .selectFrom('decision_meetings')
      .select(['id', 'project_id', 'question', 'scheduled_at', 'status', 'decision', 'decided_at'])
      .where('team_id', '=', teamId)
      .where('project_id', 'in', ids)
      .where((eb) =>
        eb.or([
          eb.and([eb('status', '=', 'collecting'), eb('scheduled_at', '>', week.until)]),
          eb.and([
            eb('status', '=', 'decided'),
            eb('decided_at', '>', week.since),
            eb('decided_at', '<=', week.until),
          ]),
        ]),
      )
      .orderBy('scheduled_at')
      .execute(),
  ]);
  // A decided meeting usually also logs a `decision` entry; show it once.
  const decisions: DigestDecision[] = logged.map((e) => ({
    projectId: e.project_id,
    text: e.text,
    at: e.created_at,
  }));
  for (const m of meetings) {
    if (m.status !== 'decided' || !m.decision || !m.decided_at) continue;
    const text = `${m.question}: ${m.decision}`;
    if (!decisions.some((d) => d.projectId === m.project_id && d.text.includes(m.decision!)))
      decisions.push({ projectId: m.project_id, text, at: m.decided_at });
  }
  return {
    hypotheses,
    decisions,
    meetings: meetings
      .filter((m) => m.status === 'collecting')
      .map((m) => ({ projectId: m.project_id, question: m.question, scheduledAt: m.scheduled_at })),
  };
}

export async function digestAlreadySent(db: Db, teamId: string, dedupeKey: string): Promise<boolean> {
  const row = await db
    .selectFrom('deliveries')
    .select('status')
    .where('team_id', '=', teamId)
    .where('dedupe_key', '=', dedupeKey)
    .executeTakeFirst();
  return row?.status === 'sent';
}

/**
 * When the channel's last digest went out (sent_at: due_at is when it was first due, up to
 * a day before its real slot for one scheduled under the fallback zone).
 */
export async function lastDigestSentAt(db: Db, teamId: string, channelId: string): Promise<Date | undefined> {
  const row = await db
    .selectFrom('deliveries')
    .select('sent_at')
    .where('team_id', '=', teamId)
    .where('recipient_id', '=', channelId)
    .where('kind', '=', 'digest')
    .where('status', '=', 'sent')
    .where('sent_at', 'is not', null)
    .orderBy('sent_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row?.sent_at ?? undefined;
}

export async function projectsOfTeam(db: Db, teamId: string): Promise<Project[]> {
  return db.selectFrom('projects').selectAll().where('team_id', '=', teamId).orderBy('name').execute();
}

/** A project's whole record for the export: hypotheses, extensions, meetings and the log, oldest first. */
export async function projectRecord(db: Db, teamId: string, projectId: number) {
  const [hypotheses, extensions, meetings, log] = await Promise.all([
    db
      .selectFrom('hypotheses')
      .selectAll()
      .where('team_id', '=', teamId)
      .where('project_id', '=', projectId)
      .orderBy('number')
      .execute(),
    db
      .selectFrom('hypothesis_extensions as e')
      .innerJoin('hypotheses as h', 'h.id', 'e.hypothesis_id')
      .selectAll('e')
      .where('h.team_id', '=', teamId)
      .where('h.project_id', '=', projectId)
      .orderBy('e.hypothesis_id')
      .orderBy('e.extension_number')
      .execute(),
    db
      .selectFrom('decision_meetings')
      .select(['id', 'question', 'scheduled_at', 'status', 'decision', 'decided_at'])
      .where('team_id', '=', teamId)
      .where('project_id', '=', projectId)
      .orderBy('scheduled_at')
      .execute(),
    db
      .selectFrom('experiment_log_entries')
      .selectAll()
      .where('team_id', '=', teamId)
      .where('project_id', '=', projectId)
      .orderBy('id')
      .execute(),
  ]);
  return { hypotheses, extensions, meetings, log };
}

/** The chart already uploaded for this digest delivery, if an earlier attempt got that far. */
export async function digestChartOf(db: Db, teamId: string, deliveryId: number): Promise<string | undefined> {
  const row = await db
    .selectFrom('digest_charts')
    .select('file_id')
    .where('team_id', '=', teamId)
    .where('delivery_id', '=', deliveryId)
    .executeTakeFirst();
  return row?.file_id;
}

export async function rememberDigestChart(
  db: Db,
  c: { teamId: string; deliveryId: number; fileId: string; at: Date },
): Promise<void> {
  await db
    .insertInto('digest_charts')
    .values({ team_id: c.teamId, delivery_id: c.deliveryId, file_id: c.fileId, created_at: c.at })
    .onConflict((oc) => oc.column('delivery_id').doUpdateSet({ file_id: c.fileId }))
    .execute();
}
