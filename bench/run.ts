/**
 * `npm run bench`: measurements, each against a baseline taken in the same run on the same
 * machine, reported as ratios (absolute numbers vary by machine; ratios travel).
 *
 *  1. Ack time of `/hypothesis new` and of a new-hypothesis submission under concurrent
 *     load, against a bare Bolt app that only acks.
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
import { mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { App, HTTPReceiver, LogLevel } from '@slack/bolt';
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
import { defaultFields, makeProject } from '../test/support/factories.js';
import { EmbeddedSlack } from '../src/sandbox/slack/embeddedSlack.js';
import { submit, viewOpenedBy } from '../test/support/modals.js';
import { blockAction, slashCommand, type SlackTarget } from '../src/sandbox/slack/requests.js';
import { insertMeeting, updateMeeting } from '../src/db/meetings.js';
import { digestBenchmarks } from './digests.js';
import { searchBenchmarks } from './search.js';
import { memoryBenchmark } from './memory.js';
import { sandboxPageBenchmark } from './sandboxPage.js';
import { burstBenchmark } from './burst.js';
import { slackAckDuration } from '../src/metrics/index.js';

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 400);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 20);
const quiet = createLogger({ level: 'error' });

// BENCH_ONLY=ack,memory runs only those sections (ack, preread, sweep, digest, search, memory, page, burst).
const only = process.env.BENCH_ONLY?.split(',');
const runs = (section: string) => !only || only.includes(section);

async function main() {
  const server = await databaseServer();
  try {
    const fake = await EmbeddedSlack.start({ teamId: TEAM, rateLimits: 'off' });
    fake.addUser({ id: 'U0ALICE', tz: 'Europe/Berlin' });
    if (runs('ack')) await ackBenchmark(server.url, fake);
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

// --- 1. ack time --------------------------------------------------------------------------

async function ackBenchmark(adminUrl: string, fake: EmbeddedSlack) {
  const url = await freshDatabase(adminUrl);
  const labbook = await startLabbook(loadConfig(testEnv(fake, url, { LOG_LEVEL: 'error' })), {
    logger: quiet,
  });
  const projects: Awaited<ReturnType<typeof makeProject>>[] = [];
  for (let i = 0; i < 20; i++) {
    projects.push(
      await makeProject(labbook.db, {
        teamId: TEAM,
        channelId: `C0BENCH${i}`,
        lead: 'U0LEAD',
        name: `Bench ${i}`,
      }),
    );
  }
  const project = projects[0]!;
  let turn = 0;
  const bare = await bareBolt(fake);
  const targets = {
    labbook: { url: `http://127.0.0.1:${labbook.port}/slack/events`, signingSecret: SIGNING_SECRET },
    bare: { url: `http://127.0.0.1:${bare.port}/slack/events`, signingSecret: SIGNING_SECRET },
  };
  const command = (target: SlackTarget) => () =>
    slashCommand(target, {
      text: 'new',
      userId: 'U0ALICE',
      teamId: TEAM,
      channelId: 'C0BENCH',
      responseUrl: fake.responseUrl(),
    });
  // The new-hypothesis modal as the app sends it, submitted again and again, filled by label.
  const modal = await viewOpenedBy(fake, ids.hypothesis.newModal, () =>
    slashCommand(targets.labbook, {
      text: 'new',
      userId: 'U0ALICE',
      teamId: TEAM,
      channelId: project.channel_id,
      responseUrl: fake.responseUrl(),
    }),
  );
  // H-numbers are per project, so submissions to one project take turns on its row lock:
  // the worst case. Teams rarely collide like that, so the spread case is measured too.
  const submission = (target: SlackTarget, spread: boolean) => () =>
    submit(target, { userId: 'U0ALICE', teamId: TEAM }, modal, {
      Project: String((spread ? projects[turn++ % projects.length]! : project).id),
      Hypothesis: defaultFields.statement,
      'Success criteria': defaultFields.successCriteria,
    });

  console.log(`\n## Ack time under load (${REQUESTS} requests, ${CONCURRENCY} at a time)\n`);
  console.log(
    '| request | bare Bolt p50 / p95 | Labbook p50 / p95 | ratio p50 | ratio p95 | of which inside Labbook, arrival to ack (mean) |',
  );
  console.log('|---|---|---|---|---|---|');
  for (const [name, make] of [
    ['/hypothesis new', command],
    ['submission, all into one project', (t: SlackTarget) => submission(t, false)],
    ['submission, spread over 20 projects', (t: SlackTarget) => submission(t, true)],
  ] as const) {
    await load(make(targets.bare), 50); // warm-up
    await load(make(targets.labbook), 50);
    const base = await load(make(targets.bare), REQUESTS);
    const inside = await ackTimeInside(name.startsWith('/') ? 'command' : 'view');
    const ours = await load(make(targets.labbook), REQUESTS);
    console.log(
      `| ${name} | ${ms(base.p50)} / ${ms(base.p95)} | ${ms(ours.p50)} / ${ms(ours.p95)} | ${(ours.p50 / base.p50).toFixed(2)}× | ${(ours.p95 / base.p95).toFixed(2)}× | ${ms(await inside())} |`,
    );
    if (ours.failures > 0) console.log(`  (${ours.failures} Labbook requests did not answer 200)`);
  }
  const { count } = await labbook.db
    .selectFrom('hypotheses')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .executeTakeFirstOrThrow();
  console.log(
    `\n${count} hypotheses were stored by the submissions above; Slack's limit for an ack is 3000 ms.`,
  );
  await bare.stop();
  await labbook.stop();
}

/**
 * The mean time from a request reaching Labbook's gate to its ack (the metrics' own
 * histogram), over the requests sent between this call and the returned one: what Labbook
 * adds before acking, apart from HTTP, signature checking and waiting for the event loop.
 */
async function ackTimeInside(surface: 'command' | 'view') {
  const read = async () => {
    const { values } = await slackAckDuration.get();
    const of = (name: string) =>
      values.find((v) => v.metricName === name && v.labels.surface === surface)?.value ?? 0;
    return {
      sum: of('labbook_slack_ack_duration_seconds_sum'),
      count: of('labbook_slack_ack_duration_seconds_count'),
    };
  };
  const before = await read();
  return async () => {
    const after = await read();
    return ((after.sum - before.sum) / Math.max(1, after.count - before.count)) * 1000;
  };
}

/** The baseline: Bolt on the same receiver, acking and nothing else. */
async function bareBolt(fake: EmbeddedSlack) {
  const receiver = new HTTPReceiver({ signingSecret: SIGNING_SECRET, logLevel: LogLevel.ERROR });
  const app = new App({
    token: BOT_TOKEN,
    botId: 'B0',
    botUserId: 'U0',
    receiver,
    logLevel: LogLevel.ERROR,
    clientOptions: { slackApiUrl: fake.apiUrl },
  });
  app.command('/hypothesis', async ({ ack }) => ack());
  app.view(ids.hypothesis.newModal, async ({ ack }) => ack());
  const server = (await app.start(0)) as Server;
  const address = server.address();
  return { port: typeof address === 'object' && address ? address.port : 0, stop: () => app.stop() };
}

async function load(send: () => Promise<{ status: number }>, total: number) {
  const latencies: number[] = [];
  let failures = 0;
  let next = 0;
  const worker = async () => {
    while (next < total) {
      next++;
      const started = performance.now();
      const res = await send();
      latencies.push(performance.now() - started);
      if (res.status !== 200) failures++;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!;
  return { p50: at(0.5), p95: at(0.95), failures };
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
  const plan = await sql<{ 'QUERY PLAN': string }>`explain ${sql.raw(
    dueQuery(large.db, new Date(), 50)
      .compile()
      .sql.replace(/\$(\d+)/g, (_, n: string) => placeholder(Number(n))),
  )}`.execute(large.db);
  console.log('\nEXPLAIN of the due query on the 100,000-row table:\n');
  console.log(plan.rows.map((r) => `    ${r['QUERY PLAN']}`).join('\n'));
  const usesIndex = plan.rows.some((r) => r['QUERY PLAN'].includes('deliveries_due'));
  console.log(`\nUses the partial index deliveries_due: ${usesIndex ? 'yes' : 'NO'}`);
  await small.db.destroy();
  await large.db.destroy();
}

// The due query's parameters, in order: status, now, limit.
function placeholder(n: number): string {
  return ["'pending'", 'now()', '50'][n - 1] ?? 'null';
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
