import { sql, type Kysely } from 'kysely';

/**
 * Who is away and which days are holidays. An away range is two calendar dates in the
 * person's own zone (both days away), one range a person; the Slack status Labbook last
 * read is cached beside the time zone; holidays are a date-holidays region code
 * ("DE-BY"), the workspace's default or a person's own ('' for none). Snoozes of a check-in
 * round are counted in the experiment log; the workspace chooses how many reminders.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('away_periods')
    .addColumn('team_id', 'text', (c) => c.notNull().references('workspaces.team_id').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('starts_on', 'text', (c) => c.notNull())
    .addColumn('ends_on', 'text', (c) => c.notNull())
    .addColumn('set_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('away_periods_pk', ['team_id', 'user_id'])
    .addCheckConstraint(
      'away_periods_dates',
      sql`starts_on ~ '^\\d{4}-\\d{2}-\\d{2}$' and ends_on ~ '^\\d{4}-\\d{2}-\\d{2}$' and starts_on <= ends_on`,
    )
    .execute();
  await db.schema
    .alterTable('slack_users')
    .addColumn('status_emoji', 'text')
    .addColumn('status_text', 'text')
    .addColumn('status_expiration', 'timestamptz')
    .addColumn('status_fetched_at', 'timestamptz')
    .addColumn('holidays', 'text')
    .execute();
  await db.schema
    .alterTable('workspaces')
    .addColumn('holidays', 'text')
    .addColumn('away_emoji', sql`text[]`)
    // Reminders before the lead hears: one by default, the workspace may choose 0–2.
    .addColumn('reminder_count', 'smallint', (c) =>
      c
        .notNull()
        .defaultTo(1)
        .check(sql`reminder_count between 0 and 2`),
    )
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('workspaces')
    .dropColumn('holidays')
    .dropColumn('away_emoji')
    .dropColumn('reminder_count')
    .execute();
  await db.schema
    .alterTable('slack_users')
    .dropColumn('status_emoji')
    .dropColumn('status_text')
    .dropColumn('status_expiration')
    .dropColumn('status_fetched_at')
    .dropColumn('holidays')
    .execute();
  await db.schema.dropTable('away_periods').execute();
}
