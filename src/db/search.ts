import { sql } from 'kysely';
import type { Db } from './index.js';
import type { HypothesisStatus } from './schema/index.js';

/**
 * Full-text search over a workspace's record: hypotheses, proposals, and the log's notes
 * and decisions (a decision's entries carry the decision and each reason a proposal was
 * not chosen). Each table keeps a generated `search` tsvector with a GIN index
 * (migrations/20261201T2200_search.ts); queries here read it through raw refs, since the
 * column is the database's, never written by the app.
 */
export type SearchSource = 'hypothesis' | 'proposal' | 'note' | 'decision';

export interface SearchHit {
  source: SearchSource;
  id: number;
  projectName: string;
  projectChannelId: string;
  /** The hypothesis the hit is, or the one it led to / speaks of. */
  hypothesisNumber: number | null;
  /** A hypothesis' status, or the status of the hypothesis a proposal became. */
  status: HypothesisStatus | null;
  /** For a proposal: chosen, not chosen, or not decided yet (null). */
  chosen: boolean | null;
  text: string;
  /** Learnings (or result) of a hypothesis; the reason a proposal was not chosen. */
  detail: string | null;
  /** Where the hit was said in Slack: a stored permalink, or a message to ask one for. */
  permalink: string | null;
  channelId: string | null;
  ts: string | null;
  at: Date;
  rank: number;
}

/** PostgreSQL text cannot hold NUL, and no control character is a word: they become spaces. */
// eslint-disable-next-line no-control-regex
const printable = (text: string) => text.replace(/[\u0000-\u001f\u007f]/g, ' ');

/** websearch syntax never raises: quotes, `-`, `or` and stray punctuation are all taken as words or ignored. */
const query = (text: string) => sql`websearch_to_tsquery('english', ${printable(text)})`;

/** True when the words hold something to search for (not only stop words or punctuation). */
export async function hasSearchTerms(db: Db, words: string): Promise<boolean> {
  const { rows } = await sql<{ n: number }>`select numnode(${query(words)}) as n`.execute(db);
  return (rows[0]?.n ?? 0) > 0;
}

/**
 * One page of hits, dead ends first (a disproven hypothesis, or a proposal that became
 * one: what the team no longer has to walk), then by rank. Asks for `limit + 1` rows so
 * the caller knows whether there is more.
 */
export async function searchRecord(
  db: Db,
  teamId: string,
  words: string,
  page: { offset: number; limit: number },
): Promise<SearchHit[]> {
  const { rows } = await searchQuery(teamId, words, page).execute(db);
  return rows.map(({ deadEnd: _, ...hit }) => ({ ...hit, rank: Number(hit.rank) }));
}

/** The search as one statement, for searchRecord and for EXPLAIN in `npm run bench`. */
export function searchQuery(teamId: string, words: string, page: { offset: number; limit: number }) {
  return sql<SearchHit & { deadEnd: boolean }>`
    with q as (select ${query(words)} as q)
    select r.*, p.name as "projectName", p.channel_id as "projectChannelId",
           coalesce(r.status = 'disproven', false) as "deadEnd"
    from (
      select 'hypothesis' as source, h.id, h.project_id, h.number as "hypothesisNumber", h.status,
             null::boolean as chosen, h.statement as text, coalesce(h.learnings, h.result) as detail,
             null as permalink, h.card_channel_id as "channelId", h.card_ts as ts,
             coalesce(h.concluded_at, h.created_at) as at, ts_rank(h.search, q.q) as rank
      from hypotheses h, q
      where h.team_id = ${teamId} and h.search @@ q.q
      union all
      select 'proposal', pr.id, m.project_id, ph.number, ph.status,
             pr.chosen, pr.approach, pr.not_chosen_reason,
             null, m.channel_id, coalesce(pr.message_ts, m.thread_ts),
             pr.created_at, ts_rank(pr.search, q.q)
      from proposals pr
      join decision_meetings m on m.id = pr.meeting_id
      left join hypotheses ph on ph.id = pr.hypothesis_id
      cross join q
      where pr.team_id = ${teamId} and pr.withdrawn_at is null and pr.search @@ q.q
      union all
      select e.kind, e.id, e.project_id, eh.number, eh.status,
             null, e.text, null,
             e.permalink, m.channel_id, m.thread_ts,
             e.created_at, ts_rank(e.search, q.q)
      from experiment_log_entries e
      left join hypotheses eh on eh.id = e.hypothesis_id
      left join decision_meetings m on m.id = e.meeting_id
      cross join q
      where e.team_id = ${teamId} and e.kind in ('note', 'decision') and e.search @@ q.q
    ) r
    join projects p on p.id = r.project_id
    order by "deadEnd" desc, r.rank desc, r.at desc, r.source, r.id
    limit ${page.limit + 1} offset ${page.offset}`;
}

export interface SimilarHypothesis {
  id: number;
  number: number;
  projectName: string;
  status: HypothesisStatus;
  statement: string;
  result: string | null;
  learnings: string | null;
  concludedAt: Date | null;
  cardChannelId: string | null;
  cardTs: string | null;
  /** Share of the new text's words (stemmed, stop words aside) found in the old hypothesis, 0–1. */
  similarity: number;
}

/** Below this share of shared words a past hypothesis is not "the same idea". */
export const MIN_SIMILARITY = 0.34;

/** The words of free text, for a query that matches any of them (websearch's `or`). */
export function anyOf(text: string): string {
  const words = new Set((text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).filter((w) => w !== 'or'));
  return [...words].slice(0, 64).join(' or ');
}

/**
 * Concluded or abandoned hypotheses of the workspace closest to `text` (a new statement,
 * a proposal's approach): candidates sharing any word, by the GIN index, then the share of
 * the text's words each one holds. At most `limit`, most similar first, none under
 * MIN_SIMILARITY. Shared by the new-hypothesis modal and the meeting pre-read.
 */
export async function similarPastHypotheses(
  db: Db,
  teamId: string,
  text: string,
  limit: number,
): Promise<SimilarHypothesis[]> {
  const any = anyOf(text);
  if (!any) return [];
  const { rows } = await sql<SimilarHypothesis>`
    with q as (select ${query(any)} as q,
                      tsvector_to_array(to_tsvector('english', ${printable(text)})) as lexemes),
    candidates as (
      select h.*, ts_rank(h.search, q.q) as rank
      from hypotheses h, q
      where h.team_id = ${teamId}
        and h.status in ('validated', 'disproven', 'inconclusive', 'abandoned')
        and h.search @@ q.q
      order by rank desc
      limit 50
    )
    select c.id, c.number, p.name as "projectName", c.status, c.statement, c.result, c.learnings,
           c.concluded_at as "concludedAt", c.card_channel_id as "cardChannelId", c.card_ts as "cardTs",
           (select count(*) from unnest(q.lexemes) l where l = any(tsvector_to_array(c.search)))::float
             / greatest(cardinality(q.lexemes), 1) as similarity
    from candidates c
    join projects p on p.id = c.project_id
    cross join q
    order by similarity desc, c.rank desc, c.id desc`.execute(db);
  return rows.filter((r) => r.similarity >= MIN_SIMILARITY).slice(0, limit);
}
