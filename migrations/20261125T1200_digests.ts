import { sql, type Kysely } from 'kysely';

/**
 * Weekly digests: per-channel schedules (a project channel, or a team-wide channel), and
 * the indexes the digest's few queries and the scheduler's top-up need.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('digest_settings')
    .addColumn('team_id', 'text', (c) => c.notNull())
    .addColumn('channel_id', 'text', (c) => c.notNull())
    .addColumn('project_id', 'integer', (c) => c.references('projects.id').onDelete('cascade'))
    .addColumn('weekday', 'smallint', (c) =>
      c
        .notNull()
        .defaultTo(5)
        .check(sql`weekday between 1 and 7`),
    )
    .addColumn('hour', 'smallint', (c) =>
      c
        .notNull()
        .defaultTo(16)
        .check(sql`hour between 0 and 23`),
    )
    .addColumn('minute', 'smallint', (c) =>
      c
        .notNull()
        .defaultTo(0)
        .check(sql`minute between 0 and 59`),
    )
    .addColumn('tz', 'text')
    .addColumn('enabled', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('stopped_reason', 'text')
    .addColumn('set_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('digest_settings_pk', ['team_id', 'channel_id'])
    .execute();
  await db.schema
    .createIndex('digest_settings_project')
    .on('digest_settings')
    .column('project_id')
    .unique()
    .execute();
  // The top-up asks "which channels have no digest waiting?" every sweep, and a digest
  // asks when the channel's last one went out.
  await db.schema
    .createIndex('deliveries_digests')
    .on('deliveries')
    .columns(['team_id', 'recipient_id', 'status', 'due_at'])
    .where(sql.ref('kind'), '=', 'digest')
    .execute();
  // The week's decisions, without reading the whole log.
  await db.schema
    .createIndex('experiment_log_project_kind_time')
    .on('experiment_log_entries')
    .columns(['project_id', 'kind', 'created_at'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('experiment_log_project_kind_time').ifExists().execute();
  await db.schema.dropIndex('deliveries_digests').ifExists().execute();
  await db.schema.dropTable('digest_settings').ifExists().execute();
}
