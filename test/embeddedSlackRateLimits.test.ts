import { ErrorCode, LogLevel, WebClient } from '@slack/web-api';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_BOT_TOKEN, EmbeddedSlack } from '../src/sandbox/slack/embeddedSlack.js';
import { POST_PER_CHANNEL, POST_PER_WORKSPACE, RateLimiter, TIERS } from '../src/sandbox/slack/rateLimits.js';

/**
 * The embedded Slack's rate limits, as Slack applies them: per workspace and method, by
 * tier; chat.postMessage per channel and per workspace; HTTP 429 with Retry-After.
 */
let fake: EmbeddedSlack;
/** Fails fast on a 429, as Labbook's scheduled client does, so a test sees each one. */
const clientFor = (token: string) =>
  new WebClient(token, {
    slackApiUrl: fake.apiUrl,
    logLevel: LogLevel.ERROR,
    rejectRateLimitedCalls: true,
    retryConfig: { retries: 0 },
  });
let client: WebClient;

beforeAll(async () => {
  fake = await EmbeddedSlack.start();
  fake.addUser({ id: 'U1', tz: 'Europe/Paris' });
  fake.addWorkspace({ teamId: 'T0OTHER', botToken: 'xoxb-other', botUserId: 'U0OTHERBOT' });
  client = clientFor(DEFAULT_BOT_TOKEN);
});
afterAll(() => fake.close());
beforeEach(() => {
  fake.reset();
  // Buckets start full, on a clock all but stopped, so a slow machine refills nothing
  // mid-test; the refill itself is tested on the limiter with a clock of the test's.
  fake.rateLimits.configure({ scale: 1e-6 });
});

const rateLimited = { code: ErrorCode.RateLimitedError };

describe('the embedded Slack’s rate limits', () => {
  it('lets a Tier 4 method burst, then answers 429 with Retry-After and ratelimited', async () => {
    for (let i = 0; i < TIERS[4].burst; i++) await client.users.info({ user: 'U1' });
    await expect(client.users.info({ user: 'U1' })).rejects.toMatchObject(rateLimited);
    const [refused] = fake.calls.filter((c) => c.ratelimited);
    expect(refused).toMatchObject({ method: 'users.info', ok: false, response: { error: 'ratelimited' } });
    // The raw answer, as Slack's limiter words it.
    const res = await fetch(`${fake.apiUrl}users.info`, {
      method: 'POST',
      headers: { authorization: `Bearer ${DEFAULT_BOT_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ user: 'U1' }),
    });
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toMatch(/^[1-9]\d*$/);
    expect(await res.json()).toEqual({ ok: false, error: 'ratelimited' });
  });

  it('counts each method and each workspace on its own', async () => {
    for (let i = 0; i < TIERS[2].burst; i++) await client.users.list({ limit: 200 });
    await expect(client.users.list({ limit: 200 })).rejects.toMatchObject(rateLimited);
    const tier2 = fake.calls.find((c) => c.ratelimited);
    expect(tier2?.method).toBe('users.list');
    await expect(client.users.info({ user: 'U1' })).resolves.toMatchObject({ ok: true });
    await expect(clientFor('xoxb-other').users.list({ limit: 200 })).resolves.toMatchObject({ ok: true });
  });

  it('takes about one chat.postMessage a second in a channel, after a short burst', async () => {
    for (let i = 0; i < POST_PER_CHANNEL.burst; i++)
      await client.chat.postMessage({ channel: 'C1', text: 'hi' });
    await expect(client.chat.postMessage({ channel: 'C1', text: 'hi' })).rejects.toMatchObject(rateLimited);
    await expect(client.chat.postMessage({ channel: 'C2', text: 'hi' })).resolves.toMatchObject({ ok: true });
    // A DM is one channel whether it is named by the user or the D-id.
    for (let i = 0; i < POST_PER_CHANNEL.burst; i++)
      await client.chat.postMessage({ channel: 'U1', text: 'hi' });
    await expect(client.chat.postMessage({ channel: 'DU1', text: 'hi' })).rejects.toMatchObject(rateLimited);
  });

  it('limits chat.postMessage across the whole workspace too', async () => {
    for (let i = 0; i < POST_PER_WORKSPACE.burst; i++)
      await client.chat.postMessage({ channel: `C${i}`, text: 'hi' });
    await expect(client.chat.postMessage({ channel: 'C999', text: 'hi' })).rejects.toMatchObject(rateLimited);
    await expect(
      clientFor('xoxb-other').chat.postMessage({ channel: 'C999', text: 'hi' }),
    ).resolves.toMatchObject({
      ok: true,
    });
  });

  it('refills at the tier’s rate, on a clock a test may scale', async () => {
    let now = 0;
    const limiter = new RateLimiter({ scale: 60 }, () => now);
    for (let i = 0; i < TIERS[3].burst; i++) expect(limiter.take('T1', 'chat.update')).toBeUndefined();
    // 50 a minute is one per 1.2 s of Slack's time: 20 ms of a clock running 60 times faster.
    expect(limiter.take('T1', 'chat.update')).toBe(1);
    now += 19;
    expect(limiter.take('T1', 'chat.update')).toBe(1);
    now += 1;
    expect(limiter.take('T1', 'chat.update')).toBeUndefined();
    expect(limiter.take('T1', 'chat.update')).toBe(1);
  });

  it('says how long to wait in whole seconds, as Slack does', () => {
    let now = 0;
    const limiter = new RateLimiter({}, () => now);
    for (let i = 0; i < TIERS[1].burst; i++) limiter.take('T1', 'apps.connections.open');
    expect(limiter.take('T1', 'apps.connections.open')).toBe(60);
    now += 45_500;
    expect(limiter.take('T1', 'apps.connections.open')).toBe(15);
  });

  it('can be turned off for a test that is not about them', async () => {
    fake.rateLimits.configure('off');
    for (let i = 0; i < TIERS[4].burst * 2; i++) await client.users.info({ user: 'U1' });
    expect(fake.calls.filter((c) => c.ratelimited)).toHaveLength(0);
  });

  it('lists a workspace’s people a page at a time, with their zones and statuses', async () => {
    fake.rateLimits.configure('off');
    for (let i = 2; i <= 5; i++)
      fake.addUser({ id: `U${i}`, tz: 'Asia/Tokyo', status: { emoji: ':palm_tree:' } });
    fake.addUser({ id: 'U0THEIRS', teamId: 'T0OTHER' });
    const first = await client.users.list({ limit: 3 });
    expect(first.members?.map((m) => m.id)).toEqual(['U1', 'U2', 'U3']);
    const cursor = first.response_metadata?.next_cursor;
    expect(cursor).toBeTruthy();
    const second = await client.users.list({ limit: 3, cursor });
    expect(second.members?.map((m) => m.id)).toEqual(['U4', 'U5']);
    expect(second.members?.[0]).toMatchObject({ tz: 'Asia/Tokyo', profile: { status_emoji: ':palm_tree:' } });
    expect(second.response_metadata?.next_cursor).toBe('');
  });
});
