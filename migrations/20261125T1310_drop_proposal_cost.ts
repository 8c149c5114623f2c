import type { Kysely } from 'kysely';

/**
 * `proposals.cost` (free text from the first schema) was superseded by `cost_days`, which
 * the pre-read and the decision read; nothing read the text copy, so it goes.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('proposals').dropColumn('cost').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('proposals').addColumn('cost', 'text').execute();
}
