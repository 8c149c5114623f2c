import type { Db } from './index.js';

/** The calendar file a participant was last sent for a meeting, if any. */
export async function calendarFileOf(
  db: Db,
  teamId: string,
  meetingId: number,
  userId: string,
): Promise<{ file_id: string; revision: number } | undefined> {
  return db
    .selectFrom('meeting_calendar_files')
    .select(['file_id', 'revision'])
    .where('team_id', '=', teamId)
    .where('meeting_id', '=', meetingId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
}

/** Records the file just sent, in place of the one before. */
export async function recordCalendarFile(
  db: Db,
  row: { teamId: string; meetingId: number; userId: string; fileId: string; revision: number; at: Date },
): Promise<void> {
  await db
    .insertInto('meeting_calendar_files')
    .values({
      team_id: row.teamId,
      meeting_id: row.meetingId,
      user_id: row.userId,
      file_id: row.fileId,
      revision: row.revision,
      created_at: row.at,
    })
    .onConflict((oc) =>
      oc.columns(['team_id', 'meeting_id', 'user_id']).doUpdateSet({
        file_id: row.fileId,
        revision: row.revision,
        created_at: row.at,
      }),
    )
    .execute();
}

/** Everyone sent a calendar file for the meeting, with the revision it shows. */
export async function calendarFilesOf(
  db: Db,
  teamId: string,
  meetingId: number,
): Promise<{ user_id: string; file_id: string; revision: number }[]> {
  return db
    .selectFrom('meeting_calendar_files')
    .select(['user_id', 'file_id', 'revision'])
    .where('team_id', '=', teamId)
    .where('meeting_id', '=', meetingId)
    .orderBy('user_id')
    .execute();
}
