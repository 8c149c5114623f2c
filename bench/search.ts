/**
 * Search benchmark for `npm run bench`: `/hypothesis search` over a record of 100,000 log
 * entries and 10,000 hypotheses (plus a planted dead end), against the same queries on a
 * record of 1,000 rows, as p50/p95 and ratios; then EXPLAIN ANALYZE of one query on the
 * large record, which must read the GIN indexes.
 */
import { sql } from 'kysely';
import type { Db } from '../src/db/index.js';
import { searchQuery, searchRecord } from '../src/db/search.js';
import { TEAM } from '../test/support/app.js';
import { makeProject } from '../test/support/factories.js';
import { percentile } from './percentile.js';

const ROUNDS = 40;
const QUERIES = [
  '"label noise" -synthetic',
  'query expansion tail queries',
  'calibration',
  'distillation or pruning',
  'tok4242',
];
const PAGE = { offset: 0, limit: 10 };

/**
 * Words a team writes: one word in sixteen from this vocabulary of the team's subject (so
 * each such word is in about 1% of the entries, a thousand of the large record), the rest
 * from a skewed long tail (tokN, the smaller N the commoner), as in real text.
 */
const VOCABULARY = `{label,noise,synthetic,augmentation,calibration,distillation,pruning,recall,precision,
ranker,embedding,transformer,baseline,tail,queries,query,expansion,intent,click,logs,annotator,
drift,dataset,split,leakage,latency,budget,feature,store,threshold,ensemble,dropout,learning,rate,
warmup,batch,size,tokenizer,vocabulary,negatives,hard,mining,contrastive,loss,focal,smoothing,
cross,encoder,retrieval,rerank,ndcg,offline,online,metric,traffic,holdout,seed,variance}`;

/** `words` random words, per row of the generate_series `g` it is used in. */
const randomText = (words: number) => sql`(
  select string_agg(case when random() < 0.0625
                         then v.words[1 + floor(random() * cardinality(v.words))::int]
                         else 'tok' || floor(power(random(), 3) * 20000)::int end, ' ')
  from generate_series(1, ${words} + g * 0), (select ${VOCABULARY}::text[] as words) v)`;

async function seed(db: Db, channelId: string, hypotheses: number, notes: number): Promise<void> {
  const project = await makeProject(db, { teamId: TEAM, channelId, name: `Bench ${channelId}` });
  await sql`select setseed(0.42)`.execute(db);
  await sql`
    insert into hypotheses (team_id, project_id, number, statement, method, success_criteria, timebox_days,
                            owner_user_id, status, started_at, due_at, concluded_at, result, learnings, created_by)
    select ${TEAM}, ${project.id}, g, ${randomText(12)}, ${randomText(20)}, '+1% over baseline', 7, 'U0OWNER',
           (array['validated','disproven','inconclusive','abandoned','running'])[g % 5 + 1],
           timestamptz '2026-06-01T10:00:00Z', timestamptz '2026-06-08T10:00:00Z',
           case when g % 5 < 4 then timestamptz '2026-06-10T10:00:00Z' end,
           ${randomText(10)}, ${randomText(15)}, 'U0LEAD'
    from generate_series(1, ${hypotheses - 1}) g`.execute(db);
  // The dead end a search must find by its learning.
  await sql`
    insert into hypotheses (team_id, project_id, number, statement, success_criteria, timebox_days,
                            owner_user_id, status, started_at, due_at, concluded_at, learnings, created_by)
    values (${TEAM}, ${project.id}, ${hypotheses}, 'Query expansion will raise recall on tail queries', '+3%', 14,
            'U0OWNER', 'disproven', now(), now(), now(), 'query expansion adds noise on tail queries', 'U0LEAD')`.execute(
    db,
  );
  await sql`
    insert into experiment_log_entries (team_id, project_id, kind, author_user_id, text, created_at)
    select ${TEAM}, ${project.id}, case when g % 10 = 0 then 'decision' else 'note' end, 'U0LEAD',
           ${randomText(14)}, timestamptz '2026-11-27T14:00:00Z' - (g || ' minutes')::interval
    from generate_series(1, ${notes}) g`.execute(db);
  await sql`analyze`.execute(db);
}

interface Timing {
  p50: number;
  p95: number;
  byQuery: Map<string, number[]>;
}

async function time(db: Db): Promise<Timing> {
  for (const q of QUERIES) await searchRecord(db, TEAM, q, PAGE); // warm up
  const all: number[] = [];
  const byQuery = new Map<string, number[]>(QUERIES.map((q) => [q, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const q of QUERIES) {
      const started = performance.now();
      await searchRecord(db, TEAM, q, PAGE);
      const took = performance.now() - started;
      all.push(took);
      byQuery.get(q)!.push(took);
    }
  }
  return { p50: percentile(all, 0.5), p95: percentile(all, 0.95), byQuery };
}

const ms = (n: number) => `${n.toFixed(1)} ms`;

export async function searchBenchmarks(small: Db, large: Db): Promise<void> {
  await seed(small, 'C0SMALL', 100, 900);
  await seed(large, 'C0LARGE', 10_000, 100_000);
  const base = await time(small);
  const ours = await time(large);
  const n = ROUNDS * QUERIES.length;
  console.log(`\n## /hypothesis search, ${n} searches (${QUERIES.length} queries × ${ROUNDS})\n`);
  console.log('| record | p50 | p95 | ratio p95 |');
  console.log('|---|---|---|---|');
  console.log(`| 100 hypotheses + 900 log entries (baseline) | ${ms(base.p50)} | ${ms(base.p95)} | 1.00× |`);
  console.log(
    `| 10,000 hypotheses + 100,000 log entries | ${ms(ours.p50)} | ${ms(ours.p95)} | ${(ours.p95 / base.p95).toFixed(2)}× |`,
  );
  console.log('\n| query | p95 on 1,000 rows | p95 on 110,000 rows | ratio |');
  console.log('|---|---|---|---|');
  for (const q of QUERIES) {
    const b = percentile(base.byQuery.get(q)!, 0.95);
    const o = percentile(ours.byQuery.get(q)!, 0.95);
    console.log(`| \`${q}\` | ${ms(b)} | ${ms(o)} | ${(o / b).toFixed(2)}× |`);
  }
  console.log(`\nTarget p95 ≤ 50 ms on the large record: ${ours.p95 <= 50 ? 'met' : 'NOT MET'}`);

  const [first] = await searchRecord(large, TEAM, 'noise on tail queries', PAGE);
  const found = first?.source === 'hypothesis' && first.status === 'disproven';
  console.log(`The dead end found first by its learning ("noise on tail queries"): ${found ? 'yes' : 'NO'}`);

  const plan = await sql<{
    'QUERY PLAN': string;
  }>`explain (analyze, costs off) ${searchQuery(TEAM, QUERIES[0]!, PAGE)}`.execute(large);
  console.log(`\nEXPLAIN ANALYZE of \`${QUERIES[0]}\` on the large record:\n`);
  console.log(plan.rows.map((r) => `    ${r['QUERY PLAN']}`).join('\n'));
  const lines = plan.rows.map((r) => r['QUERY PLAN']);
  for (const index of ['hypotheses_search', 'experiment_log_search']) {
    const used = lines.some((l) => l.includes('Bitmap Index Scan') && l.includes(index));
    console.log(`Reads the GIN index ${index}: ${used ? 'yes' : 'NO'}`);
  }
}
