import { sql, type Kysely } from 'kysely';

/**
 * A meeting ends in any of its real ways: some proposals chosen, or none (the line of work
 * stops); "none yet" reopens it for another round of proposals, so the round is counted
 * (each round invites again, and a delivery's dedupe key names its round). A plain reply
 * in the kickoff thread is a proposal only when its author says so (`meant`).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('decision_meetings')
    .addColumn('outcome', 'text', (c) => c.check(sql`outcome in ('chosen','stop')`))
    .addColumn('round', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await sql`update decision_meetings set outcome = 'chosen' where status = 'decided'`.execute(db);
  // A plain thread reply is discussion until its author says it is their proposal.
  await db.schema
    .alterTable('proposals')
    .addColumn('meant', 'text', (c) => c.check(sql`meant in ('asked','proposal','discussion')`))
    .execute();
  await sql`update proposals set meant = 'proposal' where kind = 'informal'`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('proposals').dropColumn('meant').execute();
  await db.schema.alterTable('decision_meetings').dropColumn('round').dropColumn('outcome').execute();
}
