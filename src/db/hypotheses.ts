import { sql, type Updateable } from 'kysely';
import type { Db } from './index.js';
import type { Hypothesis, HypothesesTable, HypothesisStatus, Project } from './schema/index.js';

export interface HypothesisFields {
  statement: string;
  method: string | null;
  metric: string | null;
  baseline: string | null;
  successCriteria: string;
  timeboxDays: number;
  nextOnFailure: string | null;
  nextOnSuccess: string | null;
  ownerUserId: string;
  /** The evidence: left as it is when a caller (a meeting's decision) does not ask for it. */
  evidence?: Evidence;
}

export interface Evidence {
  runLinks: string[];
  datasetVersion: string | null;
  randomSeed: string | null;
  trackerMetricKey: string | null;
}

export type HypothesisWithProject = Hypothesis & {
  project_name: string;
  project_channel_id: string;
  lead_user_id: string;
};

/**
 * Inserts a hypothesis with the project's next H-number. Must run inside a transaction:
 * bumping the counter locks the project row, so two hypotheses created at once in one
 * project get H4 and H5, never two H4s.
 */
export async function insertHypothesis(
  trx: Db,
  project: Pick<Project, 'id' | 'team_id'>,
  fields: HypothesisFields,
  opts: { status: 'proposed' | 'running'; createdBy: string; at: Date; dueAt: Date | null },
): Promise<Hypothesis> {
  const { hypothesis_seq: number } = await trx
    .updateTable('projects')
    .set((eb) => ({ hypothesis_seq: eb('hypothesis_seq', '+', 1) }))
    .where('id', '=', project.id)
    .where('team_id', '=', project.team_id)
    .returning('hypothesis_seq')
    .executeTakeFirstOrThrow();
  return trx
    .insertInto('hypotheses')
    .values({
      team_id: project.team_id,
      project_id: project.id,
      number,
      ...columnsOf(fields),
      status: opts.status,
      started_at: opts.status === 'running' ? opts.at : null,
      due_at: opts.dueAt,
      created_by: opts.createdBy,
      created_at: opts.at,
      updated_at: opts.at,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function columnsOf(f: HypothesisFields) {
  return {
    statement: f.statement,
    method: f.method,
    metric: f.metric,
    baseline: f.baseline,
    success_criteria: f.successCriteria,
    timebox_days: f.timeboxDays,
    next_on_failure: f.nextOnFailure,
    next_on_success: f.nextOnSuccess,
    owner_user_id: f.ownerUserId,
    ...(f.evidence ? evidenceColumns(f.evidence) : {}),
  };
}

export const evidenceColumns = (e: Evidence) => ({
  run_links: e.runLinks,
  dataset_version: e.datasetVersion,
  random_seed: e.randomSeed,
  tracker_metric_key: e.trackerMetricKey,
});

function withProject(db: Db) {
  return db
    .selectFrom('hypotheses')
    .innerJoin('projects', 'projects.id', 'hypotheses.project_id')
    .selectAll('hypotheses')
    .select([
      'projects.name as project_name',
      'projects.channel_id as project_channel_id',
      'projects.lead_user_id',
    ]);
}

export async function findHypothesis(
  db: Db,
  teamId: string,
  id: number,
): Promise<HypothesisWithProject | undefined> {
  return withProject(db)
    .where('hypotheses.team_id', '=', teamId)
    .where('hypotheses.id', '=', id)
    .executeTakeFirst();
}

/** Locks the row for the rest of the transaction: one decision about it at a time. */
export async function lockHypothesis(trx: Db, teamId: string, id: number): Promise<Hypothesis | undefined> {
  return trx
    .selectFrom('hypotheses')
    .selectAll()
    .where('team_id', '=', teamId)
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
}

export async function updateHypothesis(
  trx: Db,
  teamId: string,
  id: number,
  patch: Updateable<HypothesesTable>,
): Promise<Hypothesis> {
  return trx
    .updateTable('hypotheses')
    .set(patch)
    .where('team_id', '=', teamId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Running first (soonest due), then proposed, then concluded (latest first). */
const statusOrder = (status: HypothesisStatus): number =>
  status === 'running' ? 0 : status === 'proposed' ? 1 : 2;

export function sortForList<T extends Hypothesis>(rows: T[]): T[] {
  return [...rows].sort(
    (a, b) =>
      statusOrder(a.status) - statusOrder(b.status) ||
      (a.status === 'running' ? time(a.due_at) - time(b.due_at) : 0) ||
      (a.status === 'proposed' ? a.number - b.number : 0) ||
      time(b.concluded_at ?? b.updated_at) - time(a.concluded_at ?? a.updated_at),
  );
}

const time = (d: Date | null): number => (d ? d.getTime() : 0);

export async function hypothesesOfProject(
  db: Db,
  teamId: string,
  projectId: number,
): Promise<HypothesisWithProject[]> {
  const rows = await withProject(db)
    .where('hypotheses.team_id', '=', teamId)
    .where('hypotheses.project_id', '=', projectId)
    .execute();
  return sortForList(rows);
}

/** Every hypothesis of the workspace that ran, with what its calibration needs. */
export async function hypothesesOfTeam(db: Db, teamId: string) {
  return db
    .selectFrom('hypotheses')
    .select([
      'id',
      'project_id',
      'status',
      'timebox_days',
      'started_at',
      'concluded_at',
      'due_at',
      'extension_count',
    ])
    .where('team_id', '=', teamId)
    .where('status', '<>', 'proposed')
    .execute();
}

export async function hypothesesOfOwner(
  db: Db,
  teamId: string,
  userId: string,
  statuses?: HypothesisStatus[],
): Promise<HypothesisWithProject[]> {
  let query = withProject(db)
    .where('hypotheses.team_id', '=', teamId)
    .where('hypotheses.owner_user_id', '=', userId);
  if (statuses) query = query.where('hypotheses.status', 'in', statuses);
  return sortForList(await query.execute());
}

/**
 * A person's running hypotheses, soonest due first, at most `limit`, with how many there
 * are in all: what the Home tab shows, without loading a long history.
 */
export async function runningOfOwner(
  db: Db,
  teamId: string,
  userId: string,
  /** `dueBy`: only those due by then; `dueAfter`: only those still inside their timebox. */
  opts: { limit: number; dueBy?: Date; dueAfter?: Date },
): Promise<{ rows: HypothesisWithProject[]; total: number }> {
  let base = withProject(db)
    .where('hypotheses.team_id', '=', teamId)
    .where('hypotheses.owner_user_id', '=', userId)
    .where('hypotheses.status', '=', 'running');
  if (opts.dueBy) base = base.where('hypotheses.due_at', '<=', opts.dueBy);
  if (opts.dueAfter) base = base.where('hypotheses.due_at', '>', opts.dueAfter);
  const [rows, { total }] = await Promise.all([
    base.orderBy('hypotheses.due_at').limit(opts.limit).execute(),
    base
      .clearSelect()
      .select((eb) => eb.fn.countAll<number>().as('total'))
      .executeTakeFirstOrThrow(),
  ]);
  return { rows, total };
}

/**
 * The team's usual timebox: the median of the project's timeboxes (the workspace's when
 * the project has none yet), or null before there is any. Shown as a hint, never filled in.
 */
export async function usualTimebox(db: Db, teamId: string, projectId?: number): Promise<number | null> {
  const median = (scoped: boolean) =>
    db
      .selectFrom('hypotheses')
      .select(sql<number | null>`percentile_disc(0.5) within group (order by timebox_days)`.as('days'))
      .where('team_id', '=', teamId)
      .$if(scoped, (q) => q.where('project_id', '=', projectId!))
      .executeTakeFirst();
  const days = (projectId ? (await median(true))?.days : null) ?? (await median(false))?.days ?? null;
  return days === null ? null : Number(days);
}
