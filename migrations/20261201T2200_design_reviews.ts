import { sql, type Kysely } from 'kysely';

/**
 * Design review with sign-off: a review asks named reviewers by a date; each reviewer's
 * latest answer is one row (approve, or request changes), and each comment is kept with
 * the section version it was written against, so a newer version shows it addressed.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('design_reviews')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('team_id', 'text', (c) => c.notNull())
    .addColumn('project_id', 'integer', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('requested_by', 'text', (c) => c.notNull())
    // A calendar date: "by Friday" means Friday wherever each reviewer is.
    .addColumn('due_date', 'text', (c) => c.notNull().check(sql`due_date ~ '^\\d{4}-\\d{2}-\\d{2}$'`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex('design_reviews_latest')
    .on('design_reviews')
    .columns(['team_id', 'project_id', 'id desc'])
    .execute();

  await db.schema
    .createTable('design_review_reviewers')
    .addColumn('team_id', 'text', (c) => c.notNull())
    .addColumn('review_id', 'integer', (c) => c.notNull().references('design_reviews.id').onDelete('cascade'))
    .addColumn('reviewer_user_id', 'text', (c) => c.notNull())
    .addColumn('verdict', 'text', (c) =>
      c
        .notNull()
        .defaultTo('pending')
        .check(sql`verdict in ('pending','approved','changes_requested')`),
    )
    .addColumn('answered_at', 'timestamptz')
    .addPrimaryKeyConstraint('design_review_reviewers_pk', ['review_id', 'reviewer_user_id'])
    .execute();

  await db.schema
    .createTable('design_review_comments')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('team_id', 'text', (c) => c.notNull())
    .addColumn('review_id', 'integer', (c) => c.notNull().references('design_reviews.id').onDelete('cascade'))
    .addColumn('reviewer_user_id', 'text', (c) => c.notNull())
    // null: a comment on the doc as a whole.
    .addColumn('section', 'text')
    .addColumn('text', 'text', (c) => c.notNull())
    // The section's version the comment was written against (null: it was not written yet).
    .addColumn('revision_id', 'integer', (c) => c.references('design_doc_revisions.id').onDelete('set null'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex('design_review_comments_review')
    .on('design_review_comments')
    .columns(['review_id', 'section'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('design_review_comments').ifExists().execute();
  await db.schema.dropTable('design_review_reviewers').ifExists().execute();
  await db.schema.dropTable('design_reviews').ifExists().execute();
}
