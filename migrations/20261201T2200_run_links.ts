import { sql, type Kysely } from 'kysely';

/**
 * The evidence behind a hypothesis: links to its runs and artifacts, the dataset version
 * and random seed that reproduce it, and (when the tracker names the metric differently)
 * the key to read there. Columns on the hypothesis rather than a table: the links are
 * edited as one list in its modal and read wherever the hypothesis is shown.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('hypotheses')
    .addColumn('run_links', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'::text[]`))
    .addColumn('dataset_version', 'text')
    .addColumn('random_seed', 'text')
    .addColumn('tracker_metric_key', 'text')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('hypotheses')
    .dropColumn('run_links')
    .dropColumn('dataset_version')
    .dropColumn('random_seed')
    .dropColumn('tracker_metric_key')
    .execute();
}
