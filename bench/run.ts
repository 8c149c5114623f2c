/**
 * `npm run bench`: measurements, each against a baseline taken in the same run on the same
 * machine, reported as ratios (absolute numbers vary by machine; ratios travel).
 *
 *  1. Ack time of `/hypothesis new` and of a new-hypothesis submission under concurrent
 *     load, against a bare Bolt app that only acks, each in its own process, with where
 *     Labbook's CPU goes (bench/ack.ts).
 *  2. One sweep finding and claiming 1,000 due check-ins among 100,000 deliveries, against
 *     the same claim on a table holding only the 1,000; plus EXPLAIN of the due query.
 *  3. The pre-read of a decision meeting with 30 proposals of 3,000 characters each (Close
 *     proposals now until the kickoff is redrawn): time and messages used, against the
 *     pre-read of 3 short proposals.
 *  4–5. The weekly digest: building it for 10,000 log entries, and rendering its chart
 *     (bench/digests.ts).
 *  6. `/hypothesis search` over 10,000 hypotheses and 100,000 log entries, against 1,000
 *     rows, with EXPLAIN showing the GIN indexes (bench/search.ts).
 *  7. Memory of the built app, idle and after one digest (bench/memory.ts).
 *  8. A burst of check-ins at Slack's rate limits, three replicas (bench/burst.ts).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { LogLevel } from '@slack/bolt';
import { WebClient } from '@slack/web-api';
import { sql } from 'kysely';
import pg from 'pg';
import { ids } from '../blocks/ids.js';
import { loadConfig } from '../src/config.js';
import { claimDue, dueQuery } from '../src/db/deliveries.js';
import { startEmbeddedPostgres } from '../src/db/embedded.js';
import { createDb, type Db } from '../src/db/index.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { createLogger } from '../src/logger.js';
import { startLabbook } from '../src/runtime.js';
import { BOT_TOKEN, SIGNING_SECRET, TEAM, testEnv } from '../test/support/app.js';
import { makeProject } from '../test/support/factories.js';
import { EmbeddedSlack } from '../src/sandbox/slack/embeddedSlack.js';
import { blockAction } from '../src/sandbox/slack/requests.js';
import { insertMeeting, updateMeeting } from '../src/db/meetings.js';
import { ackBenchmark } from './ack.js';
import { digestBenchmarks } from './digests.js';
import { searchBenchmarks } from './search.js';
import { memoryBenchmark } from './memory.js';
import { sandboxPageBenchmark } from './sandboxPage.js';
import { burstBenchmark } from './burst.js';
import { ROOT } from '../test/support/process.js';

const quiet = createLogger({ level: 'error' });

// BENCH_ONLY=ack,memory runs only those sections (ack, preread, sweep, digest, search, memory, page, burst).
const only = process.env.BENCH_ONLY?.split(',');
const runs = (section: string) => !only || only.includes(section);

async function main() {
  const server = await databaseServer();
  try {
    const fake = await EmbeddedSlack.start({ teamId: TEAM, rateLimits: 'off' });
    fake.addUser({ id: 'U0ALICE', tz: 'Europe/Berlin' });
    if (runs('ack') || runs('memory')) await promisify(execFile)('npm', ['run', 'build'], { cwd: ROOT });
    if (runs('ack')) await ackBenchmark(await freshDatabase(server.url), fake);
    if (runs('preread')) await prereadBenchmark(server.url, fake);
    await fake.close();
    if (runs('sweep')) await sweepBenchmark(server.url);
    if (runs('digest')) await digestBench(server.url);
    if (runs('search')) await searchBench(server.url);
    if (runs('memory')) await memoryBenchmark(await freshDatabase(server.url));
    if (runs('page')) await sandboxPageBenchmark(await freshDatabase(server.url));
    if (runs('burst')) await burstBenchmark(() => freshDatabase(server.url));
  } finally {
    await server.stop();
  }
}

// --- 3. the pre-read ----------------------------------------------------------------------

async function prereadBenchmark(adminUrl: string, fake: EmbeddedSlack) {
  const url = await freshDatabase(adminUrl);
  const labbook = await startLabbook(loadConfig(testEnv(fake, url, { LOG_LEVEL: 'error' })), {
    logger: quiet,
  });
  const target = { url: `http://127.0.0.1:${labbook.port}/slack/events`, signingSecret: SIGNING_SECRET };
  const project = await makeProject(labbook.db, { teamId: TEAM, channelId: 'C0PREREAD', lead: 'U0LEAD' });
  const slack = new WebClient(BOT_TOKEN, { slackApiUrl: fake.apiUrl, logLevel: LogLevel.ERROR });

  /** A meeting with `count` proposals of `chars` characters, closed by the lead; time and messages. */
  async function preread(count: number, chars: number) {
    const at = new Date();
    const m = await insertMeeting(labbook.db, {
      teamId: TEAM,
      projectId: project.id,
      channelId: project.channel_id,
      question: 'Which model do we try next for ranking?',
      scheduledAt: new Date(at.getTime() + 3 * 86_400_000),
      deadline: new Date(at.getTime() + 2 * 86_400_000),
      participants: Array.from({ length: count }, (_, i) => `U0P${i}`),
      metric: 'recall@10',
      createdBy: 'U0LEAD',
      at,
    });
    // The kickoff as Slack holds it: the strict fake only updates messages it has seen posted.
    const kickoff = await slack.chat.postMessage({ channel: project.channel_id, text: 'Decision meeting' });
    const kickoffTs = kickoff.ts!;
    await updateMeeting(labbook.db, TEAM, m.id, { thread_ts: kickoffTs });
    const text = (what: string, i: number) => `${what} ${i} `.padEnd(chars, 'x');
    await labbook.db
      .insertInto('proposals')
      .values(
        Array.from({ length: count }, (_, i) => ({
          team_id: TEAM,
          meeting_id: m.id,
          author_user_id: `U0P${i}`,
          approach: text('Approach', i),
          related_work: text('Read', i),
          expected_gain: text('recall@10 +', i).slice(0, 500),
          risks: text('Risk', i),
          cost_days: i + 1,
          option_kind: i % 2 ? ('simple' as const) : ('sota' as const),
          created_at: at,
          updated_at: at,
        })),
      )
      .execute();
    const before = fake.calls.length;
    const started = performance.now();
    await blockAction(target, {
      userId: 'U0LEAD',
      teamId: TEAM,
      actionId: ids.meeting.close,
      value: String(m.id),
      channelId: project.channel_id,
      messageTs: kickoffTs,
      responseUrl: fake.responseUrl(),
    });
    await fake.waitFor('chat.update', (c) => c.args.ts === kickoffTs, { timeoutMs: 30_000 });
    const elapsed = performance.now() - started;
    const posted = fake.calls.slice(before).filter((c) => c.method === 'chat.postMessage');
    const rejected = posted.filter((c) => !c.ok).length;
    return { ms: elapsed, messages: posted.length, rejected };
  }

  const median = async (count: number, chars: number) => {
    await preread(count, chars); // warm-up
    const runs = [];
    for (let i = 0; i < 5; i++) runs.push(await preread(count, chars));
    runs.sort((a, b) => a.ms - b.ms);
    return runs[2]!;
  };
  const base = await median(3, 200);
  const ours = await median(30, 3000);
  console.log('\n## Pre-read of a decision meeting (Close proposals now until the kickoff is redrawn)\n');
  console.log('| proposals | time (median of 5) | messages | rejected by Slack | ratio |');
  console.log('|---|---|---|---|---|');
  console.log(`| 3 of 200 chars (baseline) | ${ms(base.ms)} | ${base.messages} | ${base.rejected} | 1.00× |`);
  console.log(
    `| 30 of 3,000 chars | ${ms(ours.ms)} | ${ours.messages} | ${ours.rejected} | ${(ours.ms / base.ms).toFixed(2)}× |`,
  );
  if (fake.violations.length > 0) console.log(`Block Kit violations: ${fake.violations.length}`);
  await labbook.stop();
}

// --- 2. the due query ---------------------------------------------------------------------

async function sweepBenchmark(adminUrl: string) {
  console.log('\n## Finding and claiming 1,000 due check-ins\n');
  const small = await deliveriesTable(adminUrl, 1_000, 1_000);
  const large = await deliveriesTable(adminUrl, 100_000, 1_000);
  const base = await timeClaims(small.db);
  const ours = await timeClaims(large.db);
  console.log('| table | claims (50 each) | time | ratio |');
  console.log('|---|---|---|---|');
  console.log(`| 1,000 deliveries, all due (baseline) | ${base.claims} | ${ms(base.ms)} | 1.00× |`);
  console.log(
    `| 100,000 deliveries, 1,000 due | ${ours.claims} | ${ms(ours.ms)} | ${(ours.ms / base.ms).toFixed(2)}× |`,
  );
  const due = dueQuery(large.db, new Date(), 50).compile();
  const plan = await sql<{ 'QUERY PLAN': string }>`explain ${sql.raw(
    due.sql.replace(/\$(\d+)/g, (_, n: string) => literal(due.parameters[Number(n) - 1])),
  )}`.execute(large.db);
  console.log('\nEXPLAIN of the due query on the 100,000-row table:\n');
  console.log(plan.rows.map((r) => `    ${r['QUERY PLAN']}`).join('\n'));
  const usesIndex = plan.rows.some((r) => r['QUERY PLAN'].includes('deliveries_due'));
  console.log(`\nUses the partial index deliveries_due: ${usesIndex ? 'yes' : 'NO'}`);
  await small.db.destroy();
  await large.db.destroy();
}

/** A parameter of the due query as SQL text, for EXPLAIN: 'pending', now, a limit. */
function literal(value: unknown): string {
  if (value instanceof Date) return 'now()';
  return typeof value === 'string' ? `'${value}'` : String(value);
}

async function deliveriesTable(adminUrl: string, total: number, due: number): Promise<{ db: Db }> {
  const url = await freshDatabase(adminUrl);
  const db = createDb(url, { max: 4 });
  await migrateToLatest(db, url, quiet);
  await db.insertInto('workspaces').values({ team_id: TEAM }).execute();
  // Due ones first fell due an hour ago; the rest fall due over the next 90 days, and
  // half of those were already sent (the table a long-lived workspace accumulates).
  await sql`
    insert into deliveries (team_id, kind, dedupe_key, recipient_id, status, due_at, next_attempt_at)
    select ${TEAM}, 'checkin', 'bench:' || g, 'U' || g,
           case when g > ${due} and g % 2 = 0 then 'sent' else 'pending' end,
           t, t
    from generate_series(1, ${total}) g,
         lateral (select case when g <= ${due} then now() - interval '1 hour'
                              else now() + (g % 90 + 1) * interval '1 day' end as t) times`.execute(db);
  await sql`analyze deliveries`.execute(db);
  return { db };
}

async function timeClaims(db: Db) {
  const started = performance.now();
  let claims = 0;
  for (;;) {
    const claimed = await claimDue(db, { now: new Date(), limit: 50, leaseMs: 60_000, workerId: 'bench' });
    if (claimed.length === 0) break;
    claims++;
  }
  return { claims, ms: performance.now() - started };
}

// --- 3–4. the weekly digest -----------------------------------------------------------------

async function digestBench(adminUrl: string) {
  const url = await freshDatabase(adminUrl);
  const db = createDb(url, { max: 4 });
  await migrateToLatest(db, url, quiet);
  try {
    await digestBenchmarks(db);
  } finally {
    await db.destroy();
  }
}

// --- 6. search -----------------------------------------------------------------------------

async function searchBench(adminUrl: string) {
  const dbs: Db[] = [];
  try {
    for (let i = 0; i < 2; i++) {
      const url = await freshDatabase(adminUrl);
      const db = createDb(url, { max: 4 });
      dbs.push(db);
      await migrateToLatest(db, url, quiet);
    }
    await searchBenchmarks(dbs[0]!, dbs[1]!);
  } finally {
    for (const db of dbs) await db.destroy();
  }
}

// --- plumbing -----------------------------------------------------------------------------

async function databaseServer(): Promise<{ url: string; stop: () => Promise<void> }> {
  if (process.env.DATABASE_URL) return { url: process.env.DATABASE_URL, stop: async () => undefined };
  const dir = await mkdtemp(path.join(os.tmpdir(), 'labbook-bench-'));
  const embedded = await startEmbeddedPostgres(dir, quiet);
  return {
    url: embedded.url,
    stop: async () => {
      await embedded.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

const created: string[] = [];
async function freshDatabase(adminUrl: string): Promise<string> {
  const name = `labbook_bench_${process.pid}_${created.length}`;
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  await client.query(`drop database if exists ${name} with (force)`);
  await client.query(`create database ${name}`);
  await client.end();
  created.push(name);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

const ms = (n: number) => `${n.toFixed(1)} ms`;

await main();
process.exit(0);
