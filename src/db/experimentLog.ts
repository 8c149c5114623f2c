import type { Db } from './index.js';
import type { ExperimentLogEntry, LogKind } from './schema/index.js';

export interface NewLogEntry {
  teamId: string;
  projectId: number;
  hypothesisId?: number | null;
  meetingId?: number | null;
  kind: LogKind;
  authorUserId: string;
  text: string;
  details?: Record<string, unknown>;
  permalink?: string | null;
  at: Date;
}

/** The experiment log only grows: entries are appended, never edited (a trigger enforces it). */
export async function appendLog(db: Db, e: NewLogEntry): Promise<ExperimentLogEntry> {
  return db
    .insertInto('experiment_log_entries')
    .values({
      team_id: e.teamId,
      project_id: e.projectId,
      hypothesis_id: e.hypothesisId ?? null,
      meeting_id: e.meetingId ?? null,
      kind: e.kind,
      author_user_id: e.authorUserId,
      text: e.text,
      details: JSON.stringify(e.details ?? {}),
      permalink: e.permalink ?? null,
      created_at: e.at,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Newest first; `beforeId` pages back through older entries. */
export async function latestLog(
  db: Db,
  teamId: string,
  projectId: number,
  opts: { limit: number; beforeId?: number },
): Promise<ExperimentLogEntry[]> {
  let query = db
    .selectFrom('experiment_log_entries')
    .selectAll()
    .where('team_id', '=', teamId)
    .where('project_id', '=', projectId);
  if (opts.beforeId !== undefined) query = query.where('id', '<', opts.beforeId);
  // Paged by id, the order entries were appended in: two entries written at once can carry
  // clock times in the other order, and paging by time could then skip one.
  return query.orderBy('id', 'desc').limit(opts.limit).execute();
}
