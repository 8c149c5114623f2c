import { sql, type Kysely } from 'kysely';

/**
 * The whole domain of ../shared/DOMAIN.md in one schema. Every table carries the Slack
 * team id so no query can cross workspaces by accident, and timestamps are timestamptz
 * (stored UTC, rendered in each person's own Slack time zone).
 */
// Migrations are frozen history: they use Kysely<unknown> rather than the live schema type.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('workspaces')
    .addColumn('team_id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text')
    .addColumn('bot_user_id', 'text')
    // Check-ins go out in each owner's working hours; a workspace may change them.
    .addColumn('working_hours_start', 'smallint', (c) =>
      c
        .notNull()
        .defaultTo(9)
        .check(sql`working_hours_start between 0 and 23`),
    )
    .addColumn('working_hours_end', 'smallint', (c) =>
      c
        .notNull()
        .defaultTo(18)
        .check(sql`working_hours_end between 1 and 24`),
    )
    .addColumn('working_days', sql`smallint[]`, (c) => c.notNull().defaultTo(sql`'{1,2,3,4,5}'`))
    .addColumn('digest_weekday', 'smallint', (c) =>
      c
        .notNull()
        .defaultTo(5)
        .check(sql`digest_weekday between 1 and 7`),
    )
    .addColumn('digest_hour', 'smallint', (c) =>
      c
        .notNull()
        .defaultTo(16)
        .check(sql`digest_hour between 0 and 23`),
    )
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('workspaces_hours_order', sql`working_hours_start < working_hours_end`)
    .execute();

  await db.schema
    .createTable('slack_users')
    .addColumn('team_id', 'text', (c) => c.notNull().references('workspaces.team_id').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('tz', 'text', (c) => c.notNull().defaultTo('UTC'))
    .addColumn('real_name', 'text')
    .addColumn('deleted', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('fetched_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('slack_users_pk', ['team_id', 'user_id'])
    .execute();

  await db.schema
    .createTable('projects')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('team_id', 'text', (c) => c.notNull().references('workspaces.team_id').onDelete('cascade'))
    .addColumn('channel_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('lead_user_id', 'text', (c) => c.notNull())
    .addColumn('phase', 'text', (c) =>
      c
        .notNull()
        .defaultTo('discover')
        .check(sql`phase in ('discover','define','develop','deliver','deployment')`),
    )
    .addColumn('stage', 'text', (c) =>
      c
        .notNull()
        .defaultTo('crawl')
        .check(sql`stage in ('crawl','walk','run')`),
    )
    // H-numbers are per project and never reused; the counter lives on the row so the
    // next number is taken under the project's row lock.
    .addColumn('hypothesis_seq', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('projects_channel_unique', ['team_id', 'channel_id'])
    .execute();

  await db.schema
    .createTable('project_members')
    .addColumn('team_id', 'text', (c) => c.notNull())
    .addColumn('project_id', 'integer', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('added_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('project_members_pk', ['project_id', 'user_id'])
    .execute();
  await db.schema
    .createIndex('project_members_user')
    .on('project_members')
    .columns(['team_id', 'user_id'])
    .execute();

  // Every edit of a design-doc section is a new row: the latest row per section is the
  // current text and earlier rows are its history.
  await db.schema
    .createTable('design_doc_revisions')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('team_id', 'text', (c) => c.notNull())
    .addColumn('project_id', 'integer', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('section', 'text', (c) => c.notNull())
    .addColumn('content', 'text', (c) => c.notNull())
    .addColumn('author_user_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex('design_doc_revisions_latest')
    .on('design_doc_revisions')
    .columns(['project_id', 'section', 'id desc'])
    .execute();

  await db.schema
    .createTable('hypotheses')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('team_id', 'text', (c) => c.notNull())
    .addColumn('project_id', 'integer', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('number', 'integer', (c) => c.notNull())
    .addColumn('statement', 'text', (c) => c.notNull())
    .addColumn('method', 'text')
    .addColumn('metric', 'text')
    .addColumn('baseline', 'text')
    .addColumn('success_criteria', 'text', (c) => c.notNull())
    .addColumn('timebox_days', 'integer', (c) => c.notNull().check(sql`timebox_days between 1 and 90`))
    .addColumn('next_on_failure', 'text')
    .addColumn('next_on_success', 'text')
    .addColumn('owner_user_id', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) =>
      c
        .notNull()
        .check(sql`status in ('proposed','running','validated','disproven','inconclusive','abandoned')`),
    )
    .addColumn('started_at', 'timestamptz')
    .addColumn('due_at', 'timestamptz')
    .addColumn('concluded_at', 'timestamptz')
    .addColumn('concluded_by', 'text')
    .addColumn('result', 'text')
    .addColumn('learnings', 'text')
    .addColumn('next_step', 'text')
    .addColumn('extension_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('overdue_since', 'timestamptz')
    // Where the hypothesis card was posted, so edits and outcomes can update it in place.
    .addColumn('card_channel_id', 'text')
    .addColumn('card_ts', 'text')
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('hypotheses_number_unique', ['project_id', 'number'])
    .addCheckConstraint('hypotheses_running_has_due', sql`status <> 'running' or due_at is not null`)
    .execute();
  await db.schema
    .createIndex('hypotheses_owner')
    .on('hypotheses')
    .columns(['team_id', 'owner_user_id', 'status'])
    .execute();
  await db.schema
    .createIndex('hypotheses_project_status')
    .on('hypotheses')
    .columns(['project_id', 'status'])
    .execute();

  await db.schema
    .createTable('hypothesis_extensions')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('team_id', 'text', (c) => c.notNull())
    .addColumn('hypothesis_id', 'integer', (c) => c.notNull().references('hypotheses.id').onDelete('cascade'))
    .addColumn('extension_number', 'integer', (c) => c.notNull())
    .addColumn('previous_due_at', 'timestamptz', (c) => c.notNull())
    .addColumn('new_due_at', 'timestamptz', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('extended_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('hypothesis_extensions_number_unique', ['hypothesis_id', 'extension_number'])
    .execute();

  await db.schema
    .createTable('decision_meetings')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('team_id', 'text', (c) => c.notNull())
    .addColumn('project_id', 'integer', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('question', 'text', (c) => c.notNull())
    .addColumn('scheduled_at', 'timestamptz', (c) => c.notNull())
    .addColumn('channel_id', 'text', (c) => c.notNull())
    .addColumn('thread_ts', 'text')
    .addColumn('status', 'text', (c) =>
      c
        .notNull()
        .defaultTo('collecting')
        .check(sql`status in ('collecting','decided','cancelled')`),
    )
    .addColumn('decision', 'text')
    .addColumn('decided_by', 'text')
    .addColumn('decided_at', 'timestamptz')
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex('decision_meetings_project')
    .on('decision_meetings')
    .columns(['project_id', 'status'])
    .execute();

  await db.schema
    .createTable('proposals')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('team_id', 'text', (c) => c.notNull())
    .addColumn('meeting_id', 'integer', (c) =>
      c.notNull().references('decision_meetings.id').onDelete('cascade'),
    )
    .addColumn('author_user_id', 'text', (c) => c.notNull())
    .addColumn('approach', 'text', (c) => c.notNull())
    .addColumn('related_work', 'text')
    .addColumn('expected_gain', 'text')
    .addColumn('cost', 'text')
    .addColumn('risks', 'text')
    .addColumn('message_ts', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('proposals_one_per_author', ['meeting_id', 'author_user_id'])
    .execute();

  // Append-only: rows are only ever inserted (see the trigger below).
  await db.schema
    .createTable('experiment_log_entries')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('team_id', 'text', (c) => c.notNull())
    .addColumn('project_id', 'integer', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('hypothesis_id', 'integer', (c) => c.references('hypotheses.id').onDelete('cascade'))
    .addColumn('meeting_id', 'integer', (c) => c.references('decision_meetings.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('author_user_id', 'text', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('details', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('permalink', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex('experiment_log_project_order')
    .on('experiment_log_entries')
    .columns(['project_id', 'id desc'])
    .execute();
  await sql`
    create function experiment_log_is_append_only() returns trigger language plpgsql as $$
    begin
      raise exception 'the experiment log is append-only';
    end $$`.execute(db);
  // Cascading deletes of a whole project still go through (TRUNCATE/DELETE on the parent
  // is the uninstall path); only row-level UPDATE is refused.
  await sql`
    create trigger experiment_log_no_update before update on experiment_log_entries
    for each row execute function experiment_log_is_append_only()`.execute(db);

  // Outbound scheduled messages (check-ins, reminders, escalations, digests). The unique
  // key makes each delivery exist once however many replicas schedule it; a claim pushes
  // next_attempt_at forward by a lease, so a crashed replica's work becomes due again.
  await db.schema
    .createTable('deliveries')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('team_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('dedupe_key', 'text', (c) => c.notNull())
    .addColumn('project_id', 'integer', (c) => c.references('projects.id').onDelete('cascade'))
    .addColumn('hypothesis_id', 'integer', (c) => c.references('hypotheses.id').onDelete('cascade'))
    .addColumn('meeting_id', 'integer', (c) => c.references('decision_meetings.id').onDelete('cascade'))
    .addColumn('recipient_id', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) =>
      c
        .notNull()
        .defaultTo('pending')
        .check(sql`status in ('pending','sent','failed','cancelled')`),
    )
    .addColumn('due_at', 'timestamptz', (c) => c.notNull())
    .addColumn('next_attempt_at', 'timestamptz', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('claimed_by', 'text')
    .addColumn('last_error', 'text')
    .addColumn('sent_at', 'timestamptz')
    .addColumn('channel_id', 'text')
    .addColumn('message_ts', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('deliveries_dedupe', ['team_id', 'dedupe_key'])
    .execute();
  await db.schema
    .createIndex('deliveries_due')
    .on('deliveries')
    .column('next_attempt_at')
    .where(sql.ref('status'), '=', 'pending')
    .execute();
  await db.schema
    .createIndex('deliveries_hypothesis')
    .on('deliveries')
    .columns(['hypothesis_id', 'kind'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'deliveries',
    'experiment_log_entries',
    'proposals',
    'decision_meetings',
    'hypothesis_extensions',
    'hypotheses',
    'design_doc_revisions',
    'project_members',
    'projects',
    'slack_users',
    'workspaces',
  ]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
  await sql`drop function if exists experiment_log_is_append_only()`.execute(db);
}
