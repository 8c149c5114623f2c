import { type Kysely } from 'kysely';

/**
 * What every replica shares to stay within Slack's rate limits: a budget per workspace and
 * rate-limited key (a method, or chat.postMessage in one channel), kept as the time its
 * next call is due (GCRA); and when each workspace's people were last listed (users.list),
 * with the lease of the replica listing them now.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('slack_rate_budgets')
    .addColumn('team_id', 'text', (c) => c.notNull())
    .addColumn('bucket', 'text', (c) => c.notNull())
    .addColumn('tat', 'timestamptz', (c) => c.notNull())
    .addColumn('interval_ms', 'double precision', (c) => c.notNull())
    .addColumn('tolerance_ms', 'double precision', (c) => c.notNull())
    .addPrimaryKeyConstraint('slack_rate_budgets_pk', ['team_id', 'bucket'])
    .execute();
  await db.schema.createIndex('slack_rate_budgets_tat').on('slack_rate_budgets').column('tat').execute();
  await db.schema
    .createTable('slack_directories')
    .addColumn('team_id', 'text', (c) => c.primaryKey())
    .addColumn('synced_at', 'timestamptz')
    .addColumn('syncing_until', 'timestamptz')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('slack_directories').execute();
  await db.schema.dropTable('slack_rate_budgets').execute();
}
