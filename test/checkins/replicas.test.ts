import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type Db } from '../../src/db/index.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { createLogger } from '../../src/logger.js';
import { TEAM, testEnv } from '../support/app.js';
import { createTestDatabase } from '../support/db.js';
import { makeProject } from '../support/factories.js';
import { FakeSlack } from '../support/fakeSlack.js';
import { spawnLabbook, type LabbookProcess } from '../support/process.js';

const OWNERS = 1000;
const BATCH = 50;
let fake: FakeSlack;
const running: LabbookProcess[] = [];

beforeAll(async () => {
  fake = await FakeSlack.start({ teamId: TEAM });
  for (let i = 1; i <= OWNERS; i++) fake.addUser({ id: owner(i), tz: 'UTC' });
});
afterAll(async () => {
  for (const p of running) p.child.kill('SIGKILL');
  await fake.close();
});

const owner = (i: number) => `U0P${String(i).padStart(4, '0')}`;

/** A fresh database with 1,000 running hypotheses, each owned by someone else, all due now. */
async function dueAtOnce(): Promise<{ url: string; db: Db }> {
  const url = await createTestDatabase();
  const db = createDb(url, { max: 2 });
  await migrateToLatest(db, url, createLogger({ level: 'warn' }));
  const project = await makeProject(db, { teamId: TEAM, channelId: 'C0LOAD', lead: 'U0LEAD' });
  // Times are kept to the millisecond, as the app writes them from JavaScript dates.
  // Any hour of any day is working time here, so the real clock of the child processes
  // never defers a check-in and the test measures only the claiming.
  await db
    .updateTable('workspaces')
    .set({ working_hours_start: 0, working_hours_end: 24, working_days: [1, 2, 3, 4, 5, 6, 7] })
    .execute();
  await sql`
    insert into hypotheses (team_id, project_id, number, statement, success_criteria, timebox_days, owner_user_id, status, started_at, due_at, created_by)
    select ${TEAM}, ${project.id}, g, 'H' || g || ' beats the baseline by 1%', '+1% over baseline', 7,
           'U0P' || lpad(g::text, 4, '0'), 'running', now() - interval '8 days',
           date_trunc('milliseconds', now()) - interval '1 minute', 'U0LEAD'
    from generate_series(1, ${OWNERS}) g`.execute(db);
  await sql`
    insert into deliveries (team_id, kind, dedupe_key, recipient_id, project_id, hypothesis_id, due_at, next_attempt_at)
    select team_id, 'checkin', 'checkin:' || id || ':0:' || (extract(epoch from due_at) * 1000)::bigint,
           owner_user_id, project_id, id, due_at, due_at
    from hypotheses`.execute(db);
  return { url, db };
}

function start(url: string): LabbookProcess {
  const p = spawnLabbook(
    testEnv(fake, url, { SCHEDULER_CRON: '* * * * * *', SCHEDULER_LEASE_MS: '3000', LOG_LEVEL: 'info' }),
  );
  running.push(p);
  return p;
}

const checkInsTo = () => {
  const perOwner = new Map<string, number>();
  for (const c of fake.okCallsTo('chat.postMessage')) {
    if (
      typeof c.args.channel === 'string' &&
      c.args.channel.startsWith('U0P') &&
      String(c.args.text).startsWith('Check-in')
    ) {
      perOwner.set(c.args.channel, (perOwner.get(c.args.channel) ?? 0) + 1);
    }
  }
  return perOwner;
};

async function until(check: () => boolean, timeoutMs: number, what: () => string) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('three replicas sharing one database', () => {
  it('send each of 1,000 owners exactly one check-in DM', async () => {
    fake.reset();
    const { url, db } = await dueAtOnce();
    const replicas = [start(url), start(url), start(url)];
    await Promise.all(replicas.map((r) => r.ready));
    await until(
      () => checkInsTo().size === OWNERS,
      60_000,
      () => `${checkInsTo().size} of ${OWNERS} owners`,
    );
    // Give any would-be duplicate a few more sweeps to show itself.
    await new Promise((r) => setTimeout(r, 2_500));
    const counts = [...checkInsTo().values()];
    expect(counts).toHaveLength(OWNERS);
    expect(counts.every((n) => n === 1)).toBe(true);
    const { sent } = await db
      .selectFrom('deliveries')
      .select((eb) => eb.fn.countAll<number>().as('sent'))
      .where('kind', '=', 'checkin')
      .where('status', '=', 'sent')
      .executeTakeFirstOrThrow();
    expect(sent).toBe(OWNERS);
    // The work really was shared.
    const byWorker = await db
      .selectFrom('deliveries')
      .select('claimed_by')
      .where('kind', '=', 'checkin')
      .distinct()
      .execute();
    expect(byWorker.length).toBeGreaterThan(1);
    for (const r of replicas) r.child.kill('SIGTERM');
    expect((await Promise.all(replicas.map((r) => r.exited))).map((e) => e.code)).toEqual([0, 0, 0]);
    await db.destroy();
  }, 120_000);

  it('lose none when one is killed mid-run and restarted; duplicates come only from the kill', async () => {
    fake.reset();
    const { url, db } = await dueAtOnce();
    const replicas = [start(url), start(url), start(url)];
    await Promise.all(replicas.map((r) => r.ready));
    await until(
      () => checkInsTo().size >= 200,
      60_000,
      () => `200 owners, saw ${checkInsTo().size}`,
    );
    replicas[0]!.child.kill('SIGKILL');
    await replicas[0]!.exited;
    const restarted = start(url);
    await restarted.ready;
    await until(
      () => checkInsTo().size === OWNERS,
      60_000,
      () => `${checkInsTo().size} of ${OWNERS} owners`,
    );
    await new Promise((r) => setTimeout(r, 4_000)); // past the 3 s lease of anything the killed one held
    const counts = [...checkInsTo().values()];
    const duplicates = counts.reduce((sum, n) => sum + n - 1, 0);
    console.log(`SIGKILL mid-run: ${OWNERS} owners reached, ${duplicates} duplicate DM(s) from the kill`);
    expect(counts).toHaveLength(OWNERS);
    // Only what the killed replica had claimed but not yet marked sent can go out twice:
    // at most one batch.
    expect(duplicates).toBeLessThanOrEqual(BATCH);
    const pending = await db
      .selectFrom('deliveries')
      .select('id')
      .where('kind', '=', 'checkin')
      .where('status', '<>', 'sent')
      .execute();
    expect(pending).toEqual([]);
    for (const r of [replicas[1]!, replicas[2]!, restarted]) r.child.kill('SIGTERM');
    await Promise.all([replicas[1]!, replicas[2]!, restarted].map((r) => r.exited));
    await db.destroy();
  }, 120_000);
});
