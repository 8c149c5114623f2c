import { sql, type Kysely } from 'kysely';

/**
 * The chart file uploaded for a digest delivery. A digest retried after a failed post
 * reuses it instead of uploading another copy that nothing would ever show.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('digest_charts')
    .addColumn('delivery_id', 'integer', (c) =>
      c.primaryKey().references('deliveries.id').onDelete('cascade'),
    )
    .addColumn('team_id', 'text', (c) => c.notNull())
    .addColumn('file_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('digest_charts').execute();
}
