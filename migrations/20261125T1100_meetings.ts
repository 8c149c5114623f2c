import { sql, type Kysely } from 'kysely';

/**
 * The decide-the-next-model ritual: what a meeting and its proposals hold beyond the
 * first schema. Columns are only added (the digest reads the original ones); the
 * one-proposal-per-author constraint becomes a partial index, so a withdrawn proposal can
 * be followed by a new one and plain thread replies (informal proposals) can be many.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('decision_meetings')
    .addColumn('proposal_deadline', 'timestamptz')
    .addColumn('participants', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'::text[]`))
    .addColumn('metric', 'text')
    .addColumn('closed_at', 'timestamptz')
    .addColumn('preread_ts', 'text')
    .addColumn('why_not', 'text')
    .addColumn('revision', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('cancelled_by', 'text')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex('decision_meetings_thread')
    .on('decision_meetings')
    .columns(['team_id', 'channel_id', 'thread_ts'])
    .execute();

  await db.schema.alterTable('proposals').dropConstraint('proposals_one_per_author').execute();
  await db.schema
    .alterTable('proposals')
    .addColumn('kind', 'text', (c) =>
      c
        .notNull()
        .defaultTo('formal')
        .check(sql`kind in ('formal','informal')`),
    )
    .addColumn('no_reading', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('cost_days', 'integer')
    .addColumn('option_kind', 'text', (c) => c.check(sql`option_kind in ('simple','sota')`))
    .addColumn('late', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('withdrawn_at', 'timestamptz')
    .addColumn('chosen', 'boolean')
    .addColumn('not_chosen_reason', 'text')
    .addColumn('hypothesis_id', 'integer', (c) => c.references('hypotheses.id').onDelete('set null'))
    .execute();
  // One live formal proposal per author; informal ones are keyed by the reply they came from.
  await sql`create unique index proposals_one_formal_per_author on proposals (meeting_id, author_user_id)
            where kind = 'formal' and withdrawn_at is null`.execute(db);
  await sql`create unique index proposals_informal_message on proposals (meeting_id, message_ts)
            where kind = 'informal'`.execute(db);
  await db.schema
    .createIndex('deliveries_meeting')
    .on('deliveries')
    .columns(['meeting_id', 'kind'])
    .where(sql.ref('meeting_id'), 'is not', null)
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('deliveries_meeting').execute();
  await db.schema.dropIndex('proposals_informal_message').execute();
  await db.schema.dropIndex('proposals_one_formal_per_author').execute();
  await sql`delete from proposals where kind = 'informal' or withdrawn_at is not null`.execute(db);
  for (const column of [
    'kind',
    'no_reading',
    'cost_days',
    'option_kind',
    'late',
    'withdrawn_at',
    'chosen',
    'not_chosen_reason',
    'hypothesis_id',
  ]) {
    await db.schema.alterTable('proposals').dropColumn(column).execute();
  }
  await db.schema
    .alterTable('proposals')
    .addUniqueConstraint('proposals_one_per_author', ['meeting_id', 'author_user_id'])
    .execute();
  await db.schema.dropIndex('decision_meetings_thread').execute();
  for (const column of [
    'proposal_deadline',
    'participants',
    'metric',
    'closed_at',
    'preread_ts',
    'why_not',
    'revision',
    'cancelled_by',
    'updated_at',
  ]) {
    await db.schema.alterTable('decision_meetings').dropColumn(column).execute();
  }
}
