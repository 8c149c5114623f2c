import { WebClient } from '@slack/web-api';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { checkMessageBlocks, checkView } from './support/blockKitLimits.js';
import { FakeSlack } from './support/fakeSlack.js';
import { sign } from './support/slackRequests.js';

let fake: FakeSlack;
let client: WebClient;
beforeAll(async () => {
  fake = await FakeSlack.start();
  client = new WebClient('xoxb-harness', {
    slackApiUrl: fake.apiUrl,
    retryConfig: { retries: 2, minTimeout: 50, maxTimeout: 100, factor: 1 },
  });
});
afterAll(() => fake.close());
beforeEach(() => fake.reset());

const section = (text: string) => ({ type: 'section', text: { type: 'mrkdwn', text } });

describe('the fake Slack, as a WebClient sees it', () => {
  it('answers 429 with Retry-After, and the WebClient waits that long before retrying', async () => {
    fake.fail('chat.postMessage', { kind: 'ratelimited', retryAfter: 1 });
    const result = await client.chat.postMessage({ channel: 'C1', text: 'hello' });
    expect(result.ok).toBe(true);
    const calls = fake.callsTo('chat.postMessage');
    expect(calls.map((c) => c.fault ?? 'ok')).toEqual(['ratelimited', 'ok']);
    expect(calls[1]!.at - calls[0]!.at).toBeGreaterThanOrEqual(950);
  });

  it('answers 503 and the WebClient retries until it gets through', async () => {
    fake.fail('chat.postMessage', { kind: 'http', status: 503 });
    await client.chat.postMessage({ channel: 'C1', text: 'hello' });
    expect(fake.callsTo('chat.postMessage').map((c) => c.fault ?? 'ok')).toEqual(['http', 'ok']);
  });

  it('keeps failing for a window of time when told to', async () => {
    fake.failUntil('users.info', { kind: 'error', error: 'internal_error' }, Date.now() + 60_000);
    await expect(client.users.info({ user: 'U1' })).rejects.toMatchObject({
      data: { error: 'internal_error' },
    });
  });

  it('answers a Slack error such as channel_not_found', async () => {
    fake.fail('chat.postMessage', { kind: 'error', error: 'channel_not_found' });
    await expect(client.chat.postMessage({ channel: 'C404', text: 'x' })).rejects.toMatchObject({
      code: 'slack_webapi_platform_error',
      data: { error: 'channel_not_found' },
    });
  });

  it('answers slowly when told to', async () => {
    fake.fail('auth.test', { kind: 'slow', delayMs: 300 });
    const started = Date.now();
    await client.auth.test();
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('rejects what real Slack would reject, and records the violation', async () => {
    const blocks = Array.from({ length: 51 }, (_, i) => section(`block ${i}`));
    await expect(client.chat.postMessage({ channel: 'C1', text: 'x', blocks })).rejects.toMatchObject({
      data: { error: 'invalid_blocks' },
    });
    await expect(
      client.chat.postMessage({ channel: 'C1', text: 'x', blocks: [section('y'.repeat(3001))] }),
    ).rejects.toMatchObject({
      data: { error: 'invalid_blocks' },
    });
    await expect(
      client.views.open({
        trigger_id: 't',
        view: { type: 'modal', title: { type: 'plain_text', text: 'A title of twenty-five ch' }, blocks: [] },
      }),
    ).rejects.toMatchObject({ data: { error: 'invalid_arguments' } });
    expect(fake.violations.map((v) => v.detail)).toEqual([
      '51 blocks > 50',
      'blocks[0].text: 3001 chars > 3000',
      'title: 25 chars > 24',
    ]);
  });

  it('knows its users and their time zones', async () => {
    fake.addUser({ id: 'U0TONGA', tz: 'Pacific/Tongatapu', tzOffset: 46800 });
    const { user } = await client.users.info({ user: 'U0TONGA' });
    expect(user).toMatchObject({ id: 'U0TONGA', tz: 'Pacific/Tongatapu', deleted: false });
    await expect(client.users.info({ user: 'U0NOBODY' })).rejects.toMatchObject({
      data: { error: 'user_not_found' },
    });
  });

  it('takes file uploads the way files.uploadV2 makes them', async () => {
    await client.files.uploadV2({ channel_id: 'C1', content: '# Doc\n', filename: 'doc.md', title: 'Doc' });
    expect(fake.uploads).toEqual([
      expect.objectContaining({ filename: 'doc.md', content: '# Doc\n', channelId: 'C1' }),
    ]);
  });
});

describe('request signing', () => {
  it('matches Slack’s documented example', () => {
    const body =
      'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
    expect(sign('8f742231b10e8888abcd99yyyzzz85a5', 1531420618, body)).toBe(
      'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
    );
  });
});

describe('Block Kit limits', () => {
  it('accepts a message within the limits and names each broken rule', () => {
    expect(checkMessageBlocks([section('fine')], 'fine')).toEqual([]);
    expect(checkMessageBlocks([{ type: 'header', text: { type: 'mrkdwn', text: 'h' } }])).toEqual([
      'blocks[0].text: must be plain_text',
    ]);
    expect(
      checkMessageBlocks([
        {
          type: 'actions',
          elements: [{ type: 'button', text: { type: 'plain_text', text: 'b'.repeat(76) }, action_id: 'a' }],
        },
      ]),
    ).toEqual(['blocks[0].elements[0].text: 76 chars > 75']);
  });

  it('checks modals: 100 blocks, submit with inputs, private_metadata, input lengths', () => {
    const input = {
      type: 'input',
      label: { type: 'plain_text', text: 'L' },
      element: { type: 'plain_text_input', action_id: 'x', max_length: 3001 },
    };
    expect(
      checkView({
        type: 'modal',
        title: { type: 'plain_text', text: 'T' },
        private_metadata: 'm'.repeat(3001),
        blocks: [input],
      }),
    ).toEqual([
      'input blocks without submit',
      'private_metadata > 3000',
      'blocks[0].element: max_length 3001 > 3000',
    ]);
    expect(
      checkView({ type: 'home', blocks: Array.from({ length: 101 }, () => ({ type: 'divider' })) }),
    ).toEqual(['101 blocks > 100']);
  });
});
