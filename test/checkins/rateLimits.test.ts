import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { EmbeddedSlack } from '../../src/sandbox/slack/embeddedSlack.js';
import { startTestApp, TEAM, type TestApp } from '../support/app.js';
import { createTestDatabase } from '../support/db.js';
import { checkInsPerOwner, dueOwner, seedDueCheckIns } from '../support/dueCheckIns.js';
import { ids } from '../../blocks/ids.js';
import { pressInMessage } from '../support/messages.js';

/**
 * A burst of check-ins against Slack's rate limits (the embedded Slack's, their clock
 * scaled so the burst takes a fraction of a second): Labbook's replicas share one
 * workspace's budget and stay under it, people come from users.list, and a burst without
 * pacing meets 429s that /metrics counts.
 */
const SCALE = 40;
const OWNERS = 120;
const METRICS_TOKEN = 'metrics-token-0123456789abcdef';

let fake: EmbeddedSlack;
beforeAll(async () => {
  fake = await EmbeddedSlack.start({ teamId: TEAM, rateLimits: { scale: SCALE } });
  for (let i = 1; i <= OWNERS; i++) fake.addUser({ id: dueOwner(i), tz: 'UTC' });
});
afterAll(() => fake.close());

/** `count` replicas of Labbook on one fresh database where OWNERS check-ins are due. */
async function replicas(count: number, env: Record<string, string>): Promise<TestApp[]> {
  fake.reset();
  fake.rateLimits.configure({ scale: SCALE });
  const clock = new ManualClock(new Date());
  const databaseUrl = await createTestDatabase();
  const apps: TestApp[] = [];
  for (let i = 0; i < count; i++) apps.push(await startTestApp({ fake, clock, databaseUrl, env }));
  await seedDueCheckIns(apps[0]!.labbook.db, TEAM, OWNERS);
  return apps;
}

const sweepAll = (apps: TestApp[]) => Promise.all(apps.map((a) => a.labbook.scheduler.sweep()));
const refused = () => fake.calls.filter((c) => c.ratelimited);

describe('a burst of check-ins under Slack’s rate limits', { timeout: 60_000 }, () => {
  it('three replicas share the workspace’s budget: every owner asked once, no 429, people listed in pages', async () => {
    const apps = await replicas(3, { SLACK_PACING: String(SCALE) });
    try {
      const started = Date.now();
      await sweepAll(apps);
      const took = Date.now() - started;
      const perOwner = checkInsPerOwner(fake.calls);
      expect(perOwner.size).toBe(OWNERS);
      expect([...perOwner.values()].every((n) => n === 1)).toBe(true);
      expect(refused()).toEqual([]);
      // One page of users.list for everyone, not a users.info or users.profile.get per DM.
      expect(fake.okCallsTo('users.list')).toHaveLength(1);
      expect(fake.callsTo('users.info')).toHaveLength(0);
      expect(fake.callsTo('users.profile.get')).toHaveLength(0);
      // Paced: 120 posts where Slack allows a burst of 30 then 300 a minute (here 40× faster)
      // cannot all go out at once.
      const floorMs = ((OWNERS - 30) / (300 * SCALE)) * 60_000;
      expect(took).toBeGreaterThanOrEqual(floorMs);
    } finally {
      for (const a of apps) await a.stop();
    }
  });

  it('a button pressed during the burst is answered at once, never queued behind it', async () => {
    // Labbook at Slack's own pace (a post every ~210 ms after a burst of 15).
    const [app] = await replicas(1, { SLACK_PACING: '1' });
    const sweep = app!.labbook.scheduler.sweep();
    try {
      const [dm] = await fake.waitFor('chat.postMessage', () => true, { count: 16, timeoutMs: 20_000 });
      const owner = String(dm!.args.channel);
      const before = fake.okCallsTo('chat.postMessage').length;
      const started = Date.now();
      await pressInMessage(app!, { userId: owner, teamId: TEAM }, dm!, ids.checkin.validated);
      await fake.waitFor('views.open');
      const answeredIn = Date.now() - started;
      const sentMeanwhile = fake.okCallsTo('chat.postMessage').length - before;
      // The form opened while the burst was still waiting for its slots.
      expect(answeredIn).toBeLessThan(1_000);
      expect(sentMeanwhile).toBeLessThan(10);
      expect(refused()).toEqual([]);
    } finally {
      // Hands the rest of the burst back unsent.
      await app!.stop();
    }
    await expect(sweep).resolves.toBeDefined();
  });

  it('without pacing the same burst meets 429s, each counted in labbook_slack_api_calls_total', async () => {
    const apps = await replicas(3, { SLACK_PACING: 'off', METRICS_PORT: '0', METRICS_TOKEN });
    // Slack's own numbers: 300 posts a minute after a burst of 30, far slower than the replicas.
    fake.rateLimits.configure({});
    try {
      const count429 = async () => {
        const res = await fetch(`http://127.0.0.1:${apps[0]!.labbook.metricsPort}/metrics`, {
          headers: { authorization: `Bearer ${METRICS_TOKEN}` },
        });
        const line = (await res.text())
          .split('\n')
          .find((l) =>
            l.startsWith('labbook_slack_api_calls_total{method="chat.postMessage",outcome="429"}'),
          );
        return Number(line?.split(' ').at(-1) ?? 0);
      };
      const before = await count429();
      await sweepAll(apps);
      const limited = refused().filter((c) => c.method === 'chat.postMessage');
      expect(limited.length).toBeGreaterThan(0);
      // The three replicas are one process here, so one registry counts all of them.
      expect((await count429()) - before).toBe(limited.length);
      // Each refused check-in waits for its Retry-After; none is lost.
      const pending = await apps[0]!.labbook.db
        .selectFrom('deliveries')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('status', '=', 'pending')
        .where('kind', '=', 'checkin')
        .executeTakeFirstOrThrow();
      expect(pending.n + checkInsPerOwner(fake.calls).size).toBe(OWNERS);
    } finally {
      for (const a of apps) await a.stop();
    }
  });
});
