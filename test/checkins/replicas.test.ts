import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { createDb, type Db } from '../../src/db/index.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { createLogger } from '../../src/logger.js';
import { TEAM, testEnv } from '../support/app.js';
import { createTestDatabase } from '../support/db.js';
import { checkInsPerOwner, dueOwner, seedDueCheckIns } from '../support/dueCheckIns.js';
import { EmbeddedSlack } from '../../src/sandbox/slack/embeddedSlack.js';
import { buildOnce, logLines, spawnLabbook, type LabbookProcess } from '../support/process.js';

const OWNERS = 1000;
let fake: EmbeddedSlack;
const running: LabbookProcess[] = [];

beforeAll(async () => {
  fake = await EmbeddedSlack.start({ teamId: TEAM, rateLimits: 'off' });
  for (let i = 1; i <= OWNERS; i++) fake.addUser({ id: dueOwner(i), tz: 'UTC' });
  await buildOnce(inject('databasePrefix'));
  // The build (tsc and esbuild) can take a while on a loaded machine.
}, 180_000);
// A test that fails half-way leaves its replicas sending; the next test, sharing the fake
// Slack, would count their DMs as its own.
afterEach(async () => {
  const left = running.splice(0);
  for (const p of left) p.child.kill('SIGKILL');
  await Promise.all(left.map((p) => p.exited));
});
afterAll(async () => {
  await fake.close();
});

/** A fresh database with 1,000 running hypotheses, each owned by someone else, all due now. */
async function dueAtOnce(): Promise<{ url: string; db: Db }> {
  const url = await createTestDatabase();
  const db = createDb(url, { max: 2 });
  await migrateToLatest(db, url, createLogger({ level: 'warn' }));
  await seedDueCheckIns(db, TEAM, OWNERS);
  return { url, db };
}

/** A replica of the built app (what the Dockerfile runs), sweeping every second. */
function start(url: string): LabbookProcess {
  const p = spawnLabbook(
    testEnv(fake, url, { SCHEDULER_CRON: '* * * * * *', SCHEDULER_LEASE_MS: '3000', LOG_LEVEL: 'info' }),
    { built: true },
  );
  running.push(p);
  return p;
}

const checkInsTo = () => checkInsPerOwner(fake.calls);

/** The id a replica's scheduler claims under, from its start-up log. */
const workerIdOf = (p: LabbookProcess) =>
  String(logLines(p).find((l) => l.msg === 'scheduler started')?.workerId ?? '');

/**
 * Check-ins a worker has claimed and not sent yet. A worker gives back what it does not
 * reach (claimed_by null), and another takes a row only once its lease has run out, so
 * after a kill this is what the dead worker held, for at least the rest of the lease.
 */
async function heldBy(db: Db, workerId: string): Promise<number> {
  const { n } = await db
    .selectFrom('deliveries')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('kind', '=', 'checkin')
    .where('status', '=', 'pending')
    .where('claimed_by', '=', workerId)
    .executeTakeFirstOrThrow();
  return Number(n);
}

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

  it('lose none when one is killed while it holds claims and is restarted; at most the DM on its way goes twice', async () => {
    fake.reset();
    const { url, db } = await dueAtOnce();
    // Slack answers each DM after 20 ms, so a claimed batch takes a while to send.
    fake.failUntil('chat.postMessage', { kind: 'slow', delayMs: 20 }, Date.now() + 120_000);
    const replicas = [start(url), start(url), start(url)];
    await Promise.all(replicas.map((r) => r.ready));
    const victim = replicas[0]!;
    const workerId = workerIdOf(victim);
    expect(workerId).not.toBe('');
    // Wait until the victim holds claims and has sent some, then kill it at once.
    await until(
      () => checkInsTo().size >= 100,
      60_000,
      () => `100 owners, saw ${checkInsTo().size}`,
    );
    // A replica holds nothing for a moment between one batch and the next. Ten held, each
    // DM taking 20 ms or more, leave 200 ms before the victim could reach that moment: the
    // kill comes well inside it, even on a loaded machine.
    const deadline = Date.now() + 30_000;
    while ((await heldBy(db, workerId)) < 10) {
      if (Date.now() > deadline) throw new Error('the victim never held a claim');
    }
    victim.child.kill('SIGKILL');
    await victim.exited;
    // Nobody releases a dead worker's claims: what it still holds now is what it held when killed.
    const inFlight = await heldBy(db, workerId);
    expect(inFlight).toBeGreaterThan(0);

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
    console.log(
      `SIGKILL while holding ${inFlight} claimed check-in(s): ${OWNERS} owners reached, ${duplicates} duplicate DM(s)`,
    );
    expect(counts).toHaveLength(OWNERS);
    // A replica sends one claimed delivery at a time, so only the DM it was sending when
    // killed (answered by Slack, never marked sent) can go out twice.
    expect(duplicates).toBeLessThanOrEqual(1);
    const { rows: notSent } = await sql<{ n: string }>`
      select count(*)::text as n from deliveries where kind = 'checkin' and status <> 'sent'`.execute(db);
    expect(notSent[0]!.n).toBe('0');
    for (const r of [replicas[1]!, replicas[2]!, restarted]) r.child.kill('SIGTERM');
    await Promise.all([replicas[1]!, replicas[2]!, restarted].map((r) => r.exited));
    await db.destroy();
  }, 120_000);
});
