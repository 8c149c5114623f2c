import type { Db } from './index.js';

export interface NewTimeEntry {
  teamId: string;
  projectId: number;
  hypothesisId: number;
  userId: string;
  activity: string;
  minutes: number;
  source: 'command' | 'home' | 'checkin';
  at: Date;
}

export async function addTimeEntries(db: Db, entries: NewTimeEntry[]): Promise<void> {
  if (entries.length === 0) return;
  await db
    .insertInto('time_entries')
    .values(
      entries.map((e) => ({
        team_id: e.teamId,
        project_id: e.projectId,
        hypothesis_id: e.hypothesisId,
        user_id: e.userId,
        activity: e.activity,
        minutes: e.minutes,
        source: e.source,
        created_at: e.at,
      })),
    )
    .execute();
}

/** Minutes per activity, per project of the workspace (or one project). */
export async function minutesByActivity(
  db: Db,
  teamId: string,
  projectId?: number,
): Promise<{ project_id: number; activity: string; minutes: number }[]> {
  let q = db
    .selectFrom('time_entries')
    .select(['project_id', 'activity'])
    .select((eb) => eb.fn.sum<string>('minutes').as('minutes'))
    .where('team_id', '=', teamId)
    .groupBy(['project_id', 'activity']);
  if (projectId !== undefined) q = q.where('project_id', '=', projectId);
  const rows = await q.execute();
  return rows.map((r) => ({ ...r, minutes: Number(r.minutes) }));
}

/** Minutes per hypothesis and activity, for the projects given (or the whole workspace). */
export async function minutesByHypothesis(
  db: Db,
  teamId: string,
  projectIds?: number[],
): Promise<{ hypothesis_id: number; activity: string; minutes: number }[]> {
  if (projectIds?.length === 0) return [];
  let q = db
    .selectFrom('time_entries')
    .select(['hypothesis_id', 'activity'])
    .select((eb) => eb.fn.sum<string>('minutes').as('minutes'))
    .where('team_id', '=', teamId)
    .groupBy(['hypothesis_id', 'activity']);
  if (projectIds) q = q.where('project_id', 'in', projectIds);
  const rows = await q.execute();
  return rows.map((r) => ({ ...r, minutes: Number(r.minutes) }));
}
