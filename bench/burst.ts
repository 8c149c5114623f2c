/**
 * The Monday-morning burst for `npm run bench` (BENCH_ONLY=burst): check-ins all due at the
 * same minute, three replicas of Labbook on one database, against the embedded Slack at
 * Slack's rate limits.
 *
 *  - 2,000 check-ins for 2,000 people in one workspace. The floor is what the limits allow
 *    any client: chat.postMessage's workspace budget (a burst, then 300 a minute) for the
 *    2,000 DMs, each to its own DM channel (so the per-channel limit never binds), and one
 *    users.list page per 200 people (Tier 2, well inside its burst).
 *  - 200 workspaces × 10 check-ins: limits are per workspace, so the floor is nothing
 *    (each workspace's 10 fit in its burst); compared with one workspace of 10, and with
 *    the same 2,000 DMs sent with no limit anywhere (the machine's own pace).
 *
 * At Slack's real pace the first would take over six minutes, so the limits' clock (the
 * fake's and Labbook's pacing alike) runs BENCH_BURST_SCALE times faster (default 2): the
 * ratio of drain time to floor is what the scale leaves unchanged.
 */
import { readFileSync } from 'node:fs';
import { sql } from 'kysely';
import { ManualClock } from '../src/clock.js';
import type { Db } from '../src/db/index.js';
import { EmbeddedSlack } from '../src/sandbox/slack/embeddedSlack.js';
import { POST_PER_WORKSPACE, TIERS } from '../src/sandbox/slack/rateLimits.js';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { startLabbook, type Labbook } from '../src/runtime.js';
import { TEAM, testEnv } from '../test/support/app.js';
import { CLIENT_ID, CLIENT_SECRET, STATE_SECRET } from '../test/support/fakeOAuth.js';
import { makeProject } from '../test/support/factories.js';
import { install, newKey, startOAuthApp } from '../test/support/oauthApp.js';

const SCALE = Number(process.env.BENCH_BURST_SCALE ?? 2);
const USERS_PAGE = 200;

const teamOf = (t: number) => `T${String(t).padStart(4, '0')}X`;
const ownerOf = (team: string, i: number) => `U${team.slice(1)}P${String(i).padStart(5, '0')}`;

/** `count` check-ins due a minute ago in `team`, each owned by its own person, as the app schedules them. */
async function seed(db: Db, team: string, count: number): Promise<void> {
  const project = await makeProject(db, {
    teamId: team,
    channelId: `C${team.slice(1)}LOAD`,
    lead: `U${team.slice(1)}LEAD`,
  });
  await sql`
    insert into hypotheses (team_id, project_id, number, statement, success_criteria, timebox_days, owner_user_id, status, started_at, due_at, created_by)
    select ${team}, ${project.id}, g, 'H' || g || ' beats the baseline by 1%', '+1% over baseline', 7,
           ${`U${team.slice(1)}P`} || lpad(g::text, 5, '0'), 'running', now() - interval '8 days',
           date_trunc('milliseconds', now()) - interval '1 minute', ${project.lead_user_id}
    from generate_series(1, ${count}) g`.execute(db);
  await sql`
    insert into deliveries (team_id, kind, dedupe_key, recipient_id, project_id, hypothesis_id, due_at, next_attempt_at)
    select team_id, 'checkin', 'checkin:' || id || ':0:' || (extract(epoch from due_at) * 1000)::bigint,
           owner_user_id, project_id, id, due_at, due_at + interval '1 day'
    from hypotheses where project_id = ${project.id}`.execute(db);
}

/** Every seeded check-in falls due at once (they were held back while being written). */
async function fallDue(db: Db): Promise<void> {
  await sql`update deliveries set next_attempt_at = due_at where kind = 'checkin' and status = 'pending'`.execute(
    db,
  );
}

/** Any hour of any day is working time, so what is measured is claiming, pacing and sending. */
async function alwaysWorking(db: Db): Promise<void> {
  await db
    .updateTable('workspaces')
    .set({ working_hours_start: 0, working_hours_end: 24, working_days: [1, 2, 3, 4, 5, 6, 7] })
    .execute();
}

interface Drain {
  ms: number;
  /** The share of the machine's CPU time spent busy while draining (Linux), else undefined. */
  cpuBusy: number | undefined;
  lost: number;
  duplicated: number;
  refused: number;
  refusedAfterFirstSecond: number;
}

/** Waits until every owner has their DM (or the timeout), then counts. */
async function drain(
  fake: EmbeddedSlack,
  owners: string[],
  started: number,
  timeoutMs: number,
): Promise<Drain> {
  const wanted = new Set(owners);
  const perOwner = () => {
    const m = new Map<string, number>();
    for (const c of fake.calls)
      if (c.method === 'chat.postMessage' && c.ok && wanted.has(String(c.args.channel)))
        m.set(String(c.args.channel), (m.get(String(c.args.channel)) ?? 0) + 1);
    return m;
  };
  let last = started;
  const cpuAtStart = cpuTimes();
  while (Date.now() - started < timeoutMs) {
    const reached = perOwner();
    if (reached.size === owners.length) {
      last = Math.max(...fake.calls.filter((c) => c.method === 'chat.postMessage' && c.ok).map((c) => c.at));
      break;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const cpuAtEnd = cpuTimes();
  const reached = perOwner();
  const refused = fake.calls.filter((c) => c.ratelimited);
  return {
    ms: last - started,
    cpuBusy:
      cpuAtStart && cpuAtEnd
        ? (cpuAtEnd.busy - cpuAtStart.busy) / (cpuAtEnd.total - cpuAtStart.total)
        : undefined,
    lost: owners.length - reached.size,
    duplicated: [...reached.values()].reduce((n, k) => n + k - 1, 0),
    refused: refused.length,
    refusedAfterFirstSecond: refused.filter((c) => c.at - started > 1000).length,
  };
}

/** The machine's CPU time so far, busy and in all (jiffies, every core), from /proc/stat. */
function cpuTimes(): { busy: number; total: number } | undefined {
  try {
    const [user, nice, system, idle, iowait, irq, softirq, steal] = readFileSync('/proc/stat', 'utf8')
      .split('\n')[0]!
      .split(/\s+/)
      .slice(1, 9)
      .map(Number) as [number, number, number, number, number, number, number, number];
    const busy = user + nice + system + irq + softirq + steal;
    return { busy, total: busy + idle + iowait };
  } catch {
    return undefined;
  }
}

const env = { SCHEDULER_CRON: '* * * * * *', SLACK_PACING: String(SCALE), LOG_LEVEL: 'error' };
const quiet = createLogger({ level: 'error' });

/** A replica as deployed (logging errors only), sweeping every second, on the shared database. */
function replica(
  fake: EmbeddedSlack,
  databaseUrl: string,
  clock: ManualClock,
  extra: Record<string, string> = {},
): Promise<Labbook> {
  return startLabbook(loadConfig(testEnv(fake, databaseUrl, { ...env, ...extra })), { clock, logger: quiet });
}

const oauthEnv = (key: string) => ({
  SLACK_BOT_TOKEN: '',
  SLACK_CLIENT_ID: CLIENT_ID,
  SLACK_CLIENT_SECRET: CLIENT_SECRET,
  SLACK_STATE_SECRET: STATE_SECRET,
  LABBOOK_ENCRYPTION_KEY: key,
});

async function oneWorkspace(databaseUrl: string, count: number): Promise<Drain & { floorMs: number }> {
  const fake = await EmbeddedSlack.start({ teamId: TEAM, rateLimits: { scale: SCALE } });
  const owners = Array.from({ length: count }, (_, i) => ownerOf(TEAM, i + 1));
  for (const id of owners) fake.addUser({ id, tz: 'UTC' });
  const clock = new ManualClock(new Date());
  const apps: Labbook[] = [];
  try {
    // The replicas are up and sweeping every second when the burst falls due at once.
    for (let i = 0; i < 3; i++) apps.push(await replica(fake, databaseUrl, clock));
    const db = apps[0]!.db;
    await seed(db, TEAM, count);
    await alwaysWorking(db);
    await fallDue(db);
    const started = Date.now();
    const result = await drain(fake, owners, started, 30 * 60_000);
    return { ...result, floorMs: floorMs(count) };
  } finally {
    for (const a of apps) await a.stop();
    await fake.close();
  }
}

/** The least time Slack's limits allow for `count` DMs in one workspace, at the bench's scale. */
function floorMs(count: number): number {
  const posts = (Math.max(0, count - POST_PER_WORKSPACE.burst) / POST_PER_WORKSPACE.perMinute) * 60_000;
  const pages = Math.ceil(count / USERS_PAGE);
  const listing = (Math.max(0, pages - TIERS[2].burst) / TIERS[2].perMinute) * 60_000;
  return Math.max(posts, listing) / SCALE;
}

/**
 * `teams` workspaces of `each` check-ins. `limits: false` is the baseline: the fake enforces
 * no limit and Labbook paces nothing, so what is left is the machine's own throughput.
 */
async function manyWorkspaces(
  databaseUrl: string,
  teams: number,
  each: number,
  opts: { limits: boolean },
): Promise<Drain> {
  const fake = await EmbeddedSlack.start({ teamId: TEAM, rateLimits: 'off' });
  const key = newKey();
  const apps: Labbook[] = [];
  const owners: string[] = [];
  try {
    const installer = await startOAuthApp({ fake, databaseUrl, key, env: { ...env, SCHEDULER_CRON: 'off' } });
    for (let t = 1; t <= teams; t++) {
      const team = teamOf(t);
      const grant = { teamId: team, botToken: `xoxb-bench-${t}`, botUserId: `U${team.slice(1)}BOT` };
      fake.addWorkspace(grant);
      await install(installer, { ...grant, installerId: `U${team.slice(1)}ADMIN` });
      for (let i = 1; i <= each; i++) {
        const id = ownerOf(team, i);
        fake.addUser({ id, teamId: team, tz: 'UTC' });
        owners.push(id);
      }
    }
    await installer.stop();
    fake.reset();
    if (opts.limits) fake.rateLimits.configure({ scale: SCALE });
    const clock = new ManualClock(new Date());
    const pacing: Record<string, string> = opts.limits ? {} : { SLACK_PACING: 'off' };
    for (let i = 0; i < 3; i++)
      apps.push(await replica(fake, databaseUrl, clock, { ...oauthEnv(key), ...pacing }));
    const db = apps[0]!.db;
    for (let t = 1; t <= teams; t++) await seed(db, teamOf(t), each);
    await alwaysWorking(db);
    await fallDue(db);
    const started = Date.now();
    return await drain(fake, owners, started, 10 * 60_000);
  } finally {
    for (const a of apps) await a.stop();
    await fake.close();
  }
}

const row = (name: string, floor: number | undefined, d: Drain) =>
  `| ${name} | ${floor === undefined ? '0 (inside the burst)' : secs(floor)} | ${secs(d.ms)} | ${floor ? `${(d.ms / floor).toFixed(2)}×` : '—'} | ${d.refused} (${d.refusedAfterFirstSecond} after the first second) | ${d.lost} | ${d.duplicated} | ${d.cpuBusy === undefined ? '—' : `${Math.round(d.cpuBusy * 100)}%`} |`;
const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

export async function burstBenchmark(freshDatabase: () => Promise<string>): Promise<void> {
  const single = Number(process.env.BENCH_BURST_CHECKINS ?? 2000);
  const teams = Number(process.env.BENCH_BURST_TEAMS ?? 200);
  console.log(
    `\n## A burst of check-ins at Slack's rate limits (3 replicas; the limits' clock runs ×${SCALE}: at Slack's own pace each time below is ${SCALE}× longer)\n`,
  );
  console.log(
    '| burst | floor set by the limits | drain | drain / floor | 429s | lost | duplicated | machine CPU busy |',
  );
  console.log('|---|---|---|---|---|---|---|---|');
  const big = await oneWorkspace(await freshDatabase(), single);
  console.log(row(`${single} check-ins, one workspace`, big.floorMs, big));
  const small = await oneWorkspace(await freshDatabase(), 10);
  console.log(row('10 check-ins, one workspace', undefined, small));
  const many = await manyWorkspaces(await freshDatabase(), teams, 10, { limits: true });
  console.log(row(`${teams} workspaces × 10 check-ins`, undefined, many));
  const unlimited = await manyWorkspaces(await freshDatabase(), teams, 10, { limits: false });
  console.log(row(`the same without any limit (fake and pacing off)`, undefined, unlimited));
  console.log(
    `\n${teams} workspaces × 10 at Slack's limits take ${(many.ms / unlimited.ms).toFixed(2)}× the same burst with no limit at all: what the limits cost when they are per workspace.`,
  );
}
