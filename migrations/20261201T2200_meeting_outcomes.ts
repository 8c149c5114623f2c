import { sql, type Kysely } from 'kysely';

/**
 * A meeting ends in any of its real ways: some proposals chosen, or none (the line of work
 * stops); "none yet" reopens it for another round of proposals, so the round is counted
 * (each round invites again, and a delivery's dedupe key names its round).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('decision_meetings')
    .addColumn('outcome', 'text', (c) => c.check(sql`outcome in ('chosen','stop')`))
    .addColumn('round', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await sql`update decision_meetings set outcome = 'chosen' where status = 'decided'`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('decision_meetings').dropColumn('round').dropColumn('outcome').execute();
}
