import { sql, type Kysely } from 'kysely';

/**
 * The calendar file each participant was sent for a decision meeting: when the meeting
 * moves or is cancelled, the new file replaces it in their DM and this one is deleted.
 * One row per meeting and person; it goes with the meeting.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('meeting_calendar_files')
    .addColumn('team_id', 'text', (c) => c.notNull())
    .addColumn('meeting_id', 'integer', (c) =>
      c.notNull().references('decision_meetings.id').onDelete('cascade'),
    )
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('file_id', 'text', (c) => c.notNull())
    .addColumn('revision', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('meeting_calendar_files_pk', ['team_id', 'meeting_id', 'user_id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('meeting_calendar_files').execute();
}
