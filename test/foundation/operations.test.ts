import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { ids } from '../../blocks/ids.js';
import { createDb } from '../../src/db/index.js';
import type { Hypothesis, Project } from '../../src/db/schema/index.js';
import { scheduleCheckIn } from '../../src/rituals/checkins/checkins.js';
import { MAX_ATTEMPTS } from '../../src/scheduler/slackErrors.js';
import { startTestApp, TEAM, type TestApp } from '../support/app.js';
import { awayable, createTestDatabase } from '../support/db.js';
import { makeHypothesis, makeProject, withdrawAllPending } from '../support/factories.js';
import { pressInMessage } from '../support/messages.js';
import { slashCommand } from '../../src/sandbox/slack/requests.js';
import { APOLOGY } from '../../src/slack/tell.js';

/**
 * What the README promises about Slack trouble, one test per promise: 5xx and network
 * errors back off (30 s doubling, at most 30 min) and give up after the last attempt;
 * errors that will never pass stop at once and the lead (or the channel) is told; a 429
 * storm on scheduled DMs does not hold back answers to people clicking buttons.
 */
let t: TestApp;
let project: Project;
let CHANNEL: string;
let LEAD: string;
let OWNER: string;
let seq = 0;

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t?.stop());
beforeEach(async () => {
  t.fake.reset();
  // Whatever an earlier test left waiting must not be swept into this one.
  await withdrawAllPending(db());
  seq++;
  CHANNEL = `C0OPS${seq}`;
  LEAD = `U0OPSLEAD${seq}`;
  OWNER = `U0OPSOWNER${seq}`;
  t.fake.addUser({ id: OWNER, tz: 'UTC' });
  t.fake.addUser({ id: LEAD, tz: 'UTC' });
  project = await makeProject(db(), { teamId: TEAM, channelId: CHANNEL, lead: LEAD, members: [OWNER] });
});

const db = () => t.labbook.db;
const sweep = () => t.labbook.scheduler.sweep();
const postsTo = (channel: string) =>
  t.fake.callsTo('chat.postMessage').filter((c) => c.args.channel === channel);
const okPostsTo = (channel: string) => postsTo(channel).filter((c) => c.ok);

async function dueCheckIn(dueAt: string, owner = OWNER): Promise<Hypothesis> {
  t.clock.set(dueAt);
  const h = await makeHypothesis(db(), project, { ownerUserId: owner, dueAt: new Date(dueAt) });
  await scheduleCheckIn(db(), h, new Date(dueAt));
  return h;
}

const delivery = (h: Hypothesis, kind = 'checkin') =>
  db()
    .selectFrom('deliveries')
    .selectAll()
    .where('hypothesis_id', '=', h.id)
    .where('kind', '=', kind)
    .executeTakeFirstOrThrow();

const logNotes = (h: Hypothesis) =>
  db()
    .selectFrom('experiment_log_entries')
    .select('text')
    .where('hypothesis_id', '=', h.id)
    .where('kind', '=', 'note')
    .execute();

describe('5xx and network errors', () => {
  it('back off 30 s, doubling, at most 30 min, and give up after the last attempt, telling the lead', async () => {
    const h = await dueCheckIn('2026-12-01T09:00:00Z');
    // Every attempt fails, alternating the ways Slack's edge fails.
    const faults = [
      { kind: 'reset' as const },
      { kind: 'http' as const, status: 503 },
      { kind: 'http' as const, status: 500 },
    ];
    t.fake.fail(
      'chat.postMessage',
      ...Array.from({ length: MAX_ATTEMPTS }, (_, i) => faults[i % faults.length]!),
    );
    const errors = ['network error', 'http 503', 'http 500'];
    // The README's promise, written out: 30 s, 1, 2, 4, 8, 16 min, then 30 min each time.
    const promised = (attempt: number) => Math.min(30 * 2 ** (attempt - 1), 30 * 60) * 1000;
    const gaps: number[] = [];
    for (let attempt = 1; attempt < MAX_ATTEMPTS; attempt++) {
      await sweep();
      const d = await delivery(h);
      expect(d).toMatchObject({ status: 'pending', attempts: attempt });
      expect(d.last_error).toBe(
        attempt % 3 === 1 ? 'network error' : attempt % 3 === 2 ? 'http 503' : 'http 500',
      );
      const gap = d.next_attempt_at.getTime() - t.clock.now().getTime();
      gaps.push(gap);
      expect(gap).toBe(promised(attempt));
      // Nothing happens before it is due again.
      t.clock.advance(gap - 1_000);
      await sweep();
      expect(postsTo(OWNER)).toHaveLength(attempt);
      t.clock.advance(1_000);
    }
    // The cap was really reached, more than once, before giving up.
    expect(gaps.filter((g) => g === 30 * 60_000).length).toBeGreaterThanOrEqual(2);

    await sweep(); // the last attempt fails too
    expect(await delivery(h)).toMatchObject({
      status: 'failed',
      attempts: MAX_ATTEMPTS,
      last_error: errors[(MAX_ATTEMPTS - 1) % 3],
    });
    expect(postsTo(OWNER)).toHaveLength(MAX_ATTEMPTS);
    const toLead = okPostsTo(LEAD);
    expect(toLead).toHaveLength(1);
    expect(String(toLead[0]!.args.text)).toContain(`*H${h.number}*`);
    expect(String(toLead[0]!.args.text)).toContain(`Slack says \`${errors[(MAX_ATTEMPTS - 1) % 3]}\``);
    // And it stays given up.
    t.clock.advance(24 * 3_600_000);
    await sweep();
    expect(postsTo(OWNER)).toHaveLength(MAX_ATTEMPTS);
    expect(t.fake.violations).toEqual([]);
  });
  it('a Slack that never answers costs one client timeout, then the DM backs off like any network error', async () => {
    const h = await dueCheckIn('2026-12-01T14:00:00Z');
    t.fake.fail('chat.postMessage', { kind: 'timeout' });
    const startedAt = performance.now();
    await sweep();
    const ms = performance.now() - startedAt;
    // The scheduled client gives up after its own 10 s timeout; the sweep does not hang.
    expect(ms).toBeGreaterThanOrEqual(9_000);
    expect(ms).toBeLessThan(20_000);
    const d = await delivery(h);
    expect(d).toMatchObject({ status: 'pending', attempts: 1 });
    expect(d.next_attempt_at.getTime() - t.clock.now().getTime()).toBe(30_000);
    t.clock.advance(30_000);
    await sweep();
    expect(await delivery(h)).toMatchObject({ status: 'sent' });
    expect(okPostsTo(OWNER)).toHaveLength(1);
  }, 40_000);
});

describe('errors that will never pass', () => {
  it.each(['user_not_found', 'channel_not_found', 'not_in_channel'])(
    '%s stops the retries at once, is logged, and the lead is told',
    async (error) => {
      const h = await dueCheckIn('2026-12-02T09:00:00Z');
      t.fake.fail('chat.postMessage', { kind: 'error', error });
      await sweep();
      expect(await delivery(h)).toMatchObject({ status: 'failed', attempts: 1, last_error: error });
      const toLead = okPostsTo(LEAD);
      expect(toLead).toHaveLength(1);
      expect(String(toLead[0]!.args.text)).toContain(`Slack says \`${error}\``);
      expect(await logNotes(h)).toEqual([
        { text: `A check-in could not be delivered to its recipient: ${error}.` },
      ]);
      t.clock.advance(6 * 3_600_000);
      await sweep();
      expect(postsTo(OWNER)).toHaveLength(1);
      expect(t.fake.violations).toEqual([]);
    },
  );

  it('when the lead is the one who cannot be reached, the project channel is told', async () => {
    const h = await dueCheckIn('2026-12-03T09:00:00Z', LEAD);
    t.fake.fail('chat.postMessage', { kind: 'error', error: 'user_not_found' });
    await sweep();
    expect(await delivery(h)).toMatchObject({ status: 'failed', last_error: 'user_not_found' });
    const inChannel = okPostsTo(CHANNEL);
    expect(inChannel).toHaveLength(1);
    expect(String(inChannel[0]!.args.text)).toContain('Slack says `user_not_found`');
    expect(postsTo(LEAD)).toHaveLength(1); // the check-in itself, nothing more
  });

  it('a notice that cannot reach the channel either ends there: no retries, no notice about the notice', async () => {
    // A private channel the bot was removed from: Slack answers channel_not_found.
    t.fake.addChannel({ id: CHANNEL, private: true, botMember: false });
    const h = await dueCheckIn('2026-12-04T09:00:00Z', LEAD);
    t.fake.fail('chat.postMessage', { kind: 'error', error: 'user_not_found' });
    await sweep();
    expect(await delivery(h, 'failure_notice')).toMatchObject({
      status: 'failed',
      last_error: 'channel_not_found',
    });
    t.clock.advance(6 * 3_600_000);
    await sweep();
    expect(postsTo(CHANNEL)).toHaveLength(1);
    expect(t.fake.callsTo('chat.postMessage')).toHaveLength(2);
  });
});

describe('a 429 storm on scheduled DMs', () => {
  it('does not hold back the answer to someone pressing a check-in button', async () => {
    // One check-in already out, whose owner is about to press Validated.
    const asked = await dueCheckIn('2026-12-07T09:00:00Z');
    await sweep();
    const dm = okPostsTo(OWNER).at(-1)!;

    // 100 more check-ins fall due, and Slack answers every DM with 429, Retry-After 30 s.
    const STORM_S = 30;
    const owners = Array.from({ length: 100 }, (_, i) => `U0STORM${seq}X${i}`);
    for (const o of owners) {
      t.fake.addUser({ id: o, tz: 'UTC' });
      const h = await makeHypothesis(db(), project, { ownerUserId: o, dueAt: t.clock.now() });
      await scheduleCheckIn(db(), h, t.clock.now());
    }
    t.fake.failUntil('chat.postMessage', { kind: 'ratelimited', retryAfter: STORM_S }, Date.now() + 120_000);

    const sweepStarted = performance.now();
    const sweeping = sweep().then((report) => ({ report, ms: performance.now() - sweepStarted }));
    // Press while the sweep is meeting the storm.
    while (t.fake.callsTo('chat.postMessage').filter((c) => c.fault === 'ratelimited').length < 5)
      await new Promise((r) => setTimeout(r, 5));
    const pressedAt = performance.now();
    const ack = await pressInMessage(t, { userId: OWNER, teamId: TEAM }, dm, ids.checkin.validated);
    const ackMs = performance.now() - pressedAt;
    await t.fake.waitFor('views.open', () => true, { timeoutMs: STORM_S * 1000 });
    const modalMs = performance.now() - pressedAt;
    const { report, ms: sweepMs } = await sweeping;

    console.log(
      `429 storm (Retry-After ${STORM_S} s) on ${owners.length} DMs: sweep ${sweepMs.toFixed(0)} ms; button ack ${ackMs.toFixed(0)} ms, modal open ${modalMs.toFixed(0)} ms`,
    );
    expect(ack.status).toBe(200);
    // The storm was real and the sweep met it: every DM rescheduled after Retry-After.
    expect(report.retried).toBe(owners.length);
    const waiting = await db()
      .selectFrom('deliveries')
      .select(['next_attempt_at', 'last_error'])
      .where('recipient_id', 'in', owners)
      .execute();
    expect(waiting).toHaveLength(owners.length);
    for (const w of waiting) {
      expect(w.last_error).toBe('ratelimited');
      expect(w.next_attempt_at.getTime()).toBe(t.clock.now().getTime() + STORM_S * 1000);
    }
    // Neither the sweep nor the person waited for the storm: had scheduled traffic shared
    // the interactive client (or honoured Retry-After in-process), each would take 30 s or more.
    expect(sweepMs).toBeLessThan((STORM_S * 1000) / 2);
    expect(modalMs).toBeLessThan((STORM_S * 1000) / 2);
    expect(t.fake.okCallsTo('views.open')).toHaveLength(1);
    expect(asked.id).toBeGreaterThan(0);
  }, 90_000);
});

describe('the database going away', () => {
  it('a connection cut while a transaction holds it is reported, not fatal, and the pool recovers', async () => {
    const url = await createTestDatabase();
    const name = new URL(url).pathname.slice(1);
    const errors: string[] = [];
    const pool = createDb(url, { max: 2, onError: (e) => errors.push(e.message) });
    const admin = new pg.Client({ connectionString: inject('adminDatabaseUrl') });
    await admin.connect();
    // Between two statements of a transaction the client is checked out and idle: the
    // moment a server restart (here: its backends terminated) has nobody to tell.
    const outcome = await pool
      .transaction()
      .execute(async (trx) => {
        await sql`select 1`.execute(trx);
        await admin.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1', [
          name,
        ]);
        await new Promise((r) => setTimeout(r, 300));
        await sql`select 1`.execute(trx);
      })
      .then(
        () => 'committed',
        () => 'failed',
      );
    expect(outcome).toBe('failed');
    expect(errors[0]).toContain('terminating connection');
    // The broken client was dropped; the next query gets a fresh connection.
    const { rows } = await sql<{ one: number }>`select 1 as one`.execute(pool);
    expect(rows).toEqual([{ one: 1 }]);
    await admin.end();
    await pool.destroy();
  });

  it('a DM that went out while the database was away is recorded once it is back, and never sent again', async () => {
    const h = await dueCheckIn('2026-12-21T09:00:00Z');
    const database = await awayable(t.databaseUrl);
    try {
      // Slack takes a second over the DM; meanwhile the database goes away, as in a restart.
      t.fake.fail('chat.postMessage', { kind: 'slow', delayMs: 1_000 });
      const sweeping = sweep();
      while (postsTo(OWNER).length === 0) await new Promise((r) => setTimeout(r, 10));
      await database.away();
      // The DM is answered while nothing can reach the database; it stays away a while longer.
      await new Promise((r) => setTimeout(r, 1_800));
      await database.back();
      await sweeping;
    } finally {
      await database.end();
    }
    // The record really waited for the database (it did not simply land before it went).
    const said = t.logs.map((line) => JSON.parse(line) as { msg: string; deliveryId?: number });
    const id = (await delivery(h)).id;
    expect(said).toContainEqual(
      expect.objectContaining({
        msg: 'delivery sent; recording it once the database answers',
        deliveryId: id,
      }),
    );
    expect(said).toContainEqual(
      expect.objectContaining({ msg: 'delivery recorded now that the database answers', deliveryId: id }),
    );
    expect(okPostsTo(OWNER)).toHaveLength(1);
    expect(await delivery(h)).toMatchObject({
      status: 'sent',
      message_ts: okPostsTo(OWNER)[0]!.response?.ts,
    });
    // Long after any lease, nothing is due again.
    t.clock.advance(60 * 60_000);
    await sweep();
    expect(okPostsTo(OWNER)).toHaveLength(1);
  });

  it('a command while the database is away is acknowledged with an apology, not "out of date"', async () => {
    // An app of its own, so its first request is the one that records the workspace.
    const fresh = await startTestApp();
    const database = await awayable(fresh.databaseUrl);
    try {
      await database.away();
      const responseUrl = fresh.fake.responseUrl();
      const reply = await slashCommand(fresh.target, {
        text: 'list',
        userId: OWNER,
        teamId: TEAM,
        channelId: CHANNEL,
        responseUrl,
      });
      expect(reply.status).toBe(200);
      const answer = await fresh.fake.answerTo(responseUrl);
      expect(answer.body).toMatchObject({ response_type: 'ephemeral', text: APOLOGY });
    } finally {
      await database.end();
      await fresh.stop();
    }
  });
});
