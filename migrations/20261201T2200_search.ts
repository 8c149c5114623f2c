import { sql, type Kysely } from 'kysely';

/**
 * `/hypothesis search` and "tried before?": the record's text kept searchable by the
 * database itself. Each searched table gets a stored generated `search` tsvector (so no
 * write path can forget to keep it current, and the append-only log needs no UPDATE) and
 * a GIN index on it. English stemming: "noisy labels" finds "label noise".
 * Weights rank a hit in what a thing *is* (statement, approach, learning) above a hit in
 * its surroundings (method, risks).
 */
const HYPOTHESIS_DOCUMENT = sql`
  setweight(to_tsvector('english', coalesce(statement, '')), 'A') ||
  setweight(to_tsvector('english', coalesce(learnings, '') || ' ' || coalesce(result, '')), 'A') ||
  setweight(to_tsvector('english', coalesce(method, '') || ' ' || coalesce(next_step, '')), 'B') ||
  setweight(to_tsvector('english', coalesce(metric, '') || ' ' || coalesce(baseline, '') || ' ' ||
    coalesce(success_criteria, '')), 'C')`;

const PROPOSAL_DOCUMENT = sql`
  setweight(to_tsvector('english', coalesce(approach, '')), 'A') ||
  setweight(to_tsvector('english', coalesce(not_chosen_reason, '')), 'A') ||
  setweight(to_tsvector('english', coalesce(expected_gain, '') || ' ' || coalesce(related_work, '')), 'B') ||
  setweight(to_tsvector('english', coalesce(risks, '')), 'C')`;

const LOG_DOCUMENT = sql`to_tsvector('english', text)`;

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const [table, document] of [
    ['hypotheses', HYPOTHESIS_DOCUMENT],
    ['proposals', PROPOSAL_DOCUMENT],
    ['experiment_log_entries', LOG_DOCUMENT],
  ] as const) {
    await db.schema
      .alterTable(table)
      .addColumn('search', sql`tsvector`, (c) => c.generatedAlwaysAs(document).stored())
      .execute();
  }
  await db.schema.createIndex('hypotheses_search').on('hypotheses').using('gin').column('search').execute();
  await db.schema.createIndex('proposals_search').on('proposals').using('gin').column('search').execute();
  // Only notes and decisions are searched in the log: its other entries restate a
  // hypothesis or a project, which are searched themselves.
  await db.schema
    .createIndex('experiment_log_search')
    .on('experiment_log_entries')
    .using('gin')
    .column('search')
    .where(sql.ref('kind'), 'in', ['note', 'decision'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const index of ['experiment_log_search', 'proposals_search', 'hypotheses_search'])
    await db.schema.dropIndex(index).execute();
  for (const table of ['experiment_log_entries', 'proposals', 'hypotheses'])
    await db.schema.alterTable(table).dropColumn('search').execute();
}
