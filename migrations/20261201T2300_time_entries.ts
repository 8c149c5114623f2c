import { sql, type Kysely } from 'kysely';

/**
 * Time spent on a hypothesis, by activity: logged as it happens (`/hypothesis spent`, the
 * Home tab) or when its check-in is answered. Minutes, so "90m" is kept exactly.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('time_entries')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('team_id', 'text', (c) => c.notNull())
    .addColumn('project_id', 'integer', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('hypothesis_id', 'integer', (c) => c.notNull().references('hypotheses.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('activity', 'text', (c) => c.notNull())
    .addColumn('minutes', 'integer', (c) => c.notNull().check(sql`minutes > 0`))
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex('time_entries_project')
    .on('time_entries')
    .columns(['team_id', 'project_id'])
    .execute();
  await db.schema.createIndex('time_entries_hypothesis').on('time_entries').column('hypothesis_id').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('time_entries').execute();
}
