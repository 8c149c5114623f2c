import { createHmac } from 'node:crypto';
import http, { type IncomingHttpHeaders } from 'node:http';
import { ErrorCode, LogLevel, WebClient, type HomeView, type ModalView } from '@slack/web-api';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  checkMessageBlocks,
  checkView,
  findMessageProblems,
  findViewProblems,
  LIMITS,
} from '../src/sandbox/slack/blockKitLimits.js';
import { DEFAULT_BOT_TOKEN, EmbeddedSlack } from '../src/sandbox/slack/embeddedSlack.js';
import { fill, submit, type SentView } from './support/modals.js';
import { manifestBotScopes } from '../src/sandbox/slack/scopes.js';
import {
  blockAction,
  event,
  messageShortcut,
  sign,
  slashCommand,
  triggerId,
  urlVerification,
  type SlackTarget,
} from '../src/sandbox/slack/requests.js';

/**
 * The test harness, tested: a real WebClient (no Bolt) against the fake Slack over HTTP,
 * the signed-request helpers against a bare HTTP server, and the Block Kit rules as pure
 * functions.
 */

const TOKEN = DEFAULT_BOT_TOKEN;
let fake: EmbeddedSlack;
let client: WebClient;

beforeAll(async () => {
  // Its rate limits have tests of their own (rateLimits.test.ts); these are about answers.
  fake = await EmbeddedSlack.start({ rateLimits: 'off' });
  client = new WebClient(TOKEN, {
    slackApiUrl: fake.apiUrl,
    logLevel: LogLevel.ERROR,
    retryConfig: { retries: 2, minTimeout: 50, maxTimeout: 100, factor: 1 },
  });
});
afterAll(() => fake.close());
beforeEach(() => fake.reset());

const mrkdwn = (text: string) => ({ type: 'mrkdwn', text });
const plain = (text: string) => ({ type: 'plain_text' as const, text });
const section = (text: string) => ({ type: 'section', text: mrkdwn(text) });
/** A modal as the fake Slack answers views.open: the app's view with an id and a hash. */
const sentForm: SentView = {
  id: 'V0FORM',
  hash: '1700000000.abc',
  type: 'modal',
  callback_id: 'hypothesis.new',
  private_metadata: '{"p":1}',
  blocks: [
    {
      type: 'input',
      block_id: 'name',
      label: plain('Project name'),
      element: { type: 'plain_text_input', action_id: 'name', max_length: 40 },
    },
    {
      type: 'input',
      block_id: 'due',
      optional: true,
      label: plain('Due'),
      element: { type: 'datepicker', action_id: 'due' },
    },
    {
      type: 'input',
      block_id: 'who',
      optional: true,
      label: plain('Who?'),
      element: { type: 'multi_users_select', action_id: 'who' },
    },
    {
      type: 'input',
      block_id: 'phase',
      optional: true,
      label: plain('Phase'),
      element: {
        type: 'static_select',
        action_id: 'phase',
        options: [
          { text: plain('Discover'), value: 'discover' },
          { text: plain('Define'), value: 'define' },
        ],
      },
    },
    {
      type: 'input',
      block_id: 'days',
      label: plain('Days'),
      element: {
        type: 'number_input',
        action_id: 'days',
        is_decimal_allowed: false,
        min_value: '1',
        initial_value: '14',
      },
    },
  ],
};
const faults = (method: string) => fake.callsTo(method).map((c) => c.fault ?? 'ok');

describe('the fake Slack, as a WebClient sees it: faults', () => {
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
    expect(faults('chat.postMessage')).toEqual(['http', 'ok']);
  });

  it('gives up with an HTTP error once the retries are spent', async () => {
    const twice = new WebClient(TOKEN, {
      slackApiUrl: fake.apiUrl,
      logLevel: LogLevel.ERROR,
      retryConfig: { retries: 1, minTimeout: 10, maxTimeout: 10 },
    });
    fake.fail('auth.test', { kind: 'http', status: 500 }, { kind: 'http', status: 502 });
    await expect(twice.auth.test()).rejects.toMatchObject({ code: ErrorCode.HTTPError, statusCode: 502 });
    expect(faults('auth.test')).toEqual(['http', 'http']);
  });

  it('answers a Slack error such as channel_not_found, which the WebClient does not retry', async () => {
    fake.fail('chat.postMessage', { kind: 'error', error: 'channel_not_found' });
    await expect(client.chat.postMessage({ channel: 'C404', text: 'x' })).rejects.toMatchObject({
      code: ErrorCode.PlatformError,
      data: { ok: false, error: 'channel_not_found' },
    });
    expect(faults('chat.postMessage')).toEqual(['error']);
  });

  it('answers slowly when told to, then normally', async () => {
    fake.fail('auth.test', { kind: 'slow', delayMs: 300 });
    const started = Date.now();
    const result = await client.auth.test();
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(result).toMatchObject({ ok: true, team_id: 'T0LABBOOK', user_id: 'U0LABBOT' });
    expect(fake.callsTo('auth.test')[0]).toMatchObject({ fault: 'slow', ok: true });
  });

  it('resets the connection without an answer; the WebClient reports a request error', async () => {
    const once = new WebClient(TOKEN, {
      slackApiUrl: fake.apiUrl,
      logLevel: LogLevel.ERROR,
      retryConfig: { retries: 0 },
    });
    fake.fail('chat.postMessage', { kind: 'reset' });
    await expect(once.chat.postMessage({ channel: 'C1', text: 'x' })).rejects.toMatchObject({
      code: ErrorCode.RequestError,
    });
    expect(fake.callsTo('chat.postMessage')).toMatchObject([{ fault: 'reset', ok: false }]);
    await expect(once.chat.postMessage({ channel: 'C1', text: 'x' })).resolves.toMatchObject({ ok: true });
  });

  it('never answers a timeout fault, so the client gives up at its own timeout', async () => {
    const impatient = new WebClient(TOKEN, {
      slackApiUrl: fake.apiUrl,
      logLevel: LogLevel.ERROR,
      retryConfig: { retries: 0 },
      timeout: 200,
    });
    fake.fail('chat.postMessage', { kind: 'timeout' });
    await expect(impatient.chat.postMessage({ channel: 'C1', text: 'x' })).rejects.toMatchObject({
      code: ErrorCode.RequestError,
    });
    expect(fake.callsTo('chat.postMessage')).toMatchObject([{ fault: 'timeout', ok: false }]);
  });

  it('answers held requests with a 504 on release()', async () => {
    const once = new WebClient(TOKEN, {
      slackApiUrl: fake.apiUrl,
      logLevel: LogLevel.ERROR,
      retryConfig: { retries: 0 },
    });
    fake.fail('auth.test', { kind: 'timeout' });
    const pending = once.auth.test().then(
      () => 'answered',
      (error: unknown) => error,
    );
    while (fake.callsTo('auth.test').length === 0) await new Promise((r) => setTimeout(r, 10));
    fake.release();
    await expect(pending).resolves.toMatchObject({ code: ErrorCode.HTTPError, statusCode: 504 });
  });

  it('fails every call in a time window, for one method or all of them (*)', async () => {
    fake.failUntil('*', { kind: 'error', error: 'internal_error' }, Date.now() + 60_000);
    await expect(client.users.info({ user: 'U1' })).rejects.toMatchObject({
      data: { error: 'internal_error' },
    });
    await expect(client.auth.test()).rejects.toMatchObject({ data: { error: 'internal_error' } });
    fake.reset();
    fake.failUntil('auth.test', { kind: 'error', error: 'fatal_error' }, Date.now() + 150);
    await expect(client.auth.test()).rejects.toMatchObject({ data: { error: 'fatal_error' } });
    await new Promise((r) => setTimeout(r, 200));
    await expect(client.auth.test()).resolves.toMatchObject({ ok: true });
  });

  it('uses queued faults in order, one per call', async () => {
    fake.fail('auth.test', { kind: 'error', error: 'a' }, { kind: 'error', error: 'b' });
    await expect(client.auth.test()).rejects.toMatchObject({ data: { error: 'a' } });
    await expect(client.auth.test()).rejects.toMatchObject({ data: { error: 'b' } });
    await expect(client.auth.test()).resolves.toMatchObject({ ok: true });
    expect(fake.okCallsTo('auth.test')).toHaveLength(1);
    expect(fake.callsTo('auth.test')).toHaveLength(3);
  });
});

describe('the fake Slack, as a WebClient sees it: answers', () => {
  it('records arguments decoded from the form, and the Bearer token', async () => {
    const blocks = [section('*hello*')];
    await client.chat.postMessage({ channel: 'C1', text: 'hello', blocks, unfurl_links: false });
    const [call] = await fake.waitFor('chat.postMessage');
    // Nested values arrive as JSON strings and are decoded; scalars stay strings, as sent.
    expect(call!.args).toMatchObject({ channel: 'C1', text: 'hello', blocks, unfurl_links: 'false' });
    expect(call!.token).toBe(TOKEN);
  });

  it('gives each message a unique, increasing Slack ts, and a D-id when posting to a user', async () => {
    const first = await client.chat.postMessage({ channel: 'C1', text: 'one' });
    const second = await client.chat.postMessage({ channel: 'U0ALICE', text: 'two' });
    expect(first.ts).toMatch(/^\d{10}\.\d{6}$/);
    expect(Number(second.ts)).toBeGreaterThan(Number(first.ts));
    expect(first.channel).toBe('C1');
    expect(second.channel).toBe('DU0ALICE');
    expect(second.message).toMatchObject({ text: 'two', ts: second.ts });
  });

  it('answers no_text for a message with neither text nor blocks', async () => {
    await expect(client.chat.postMessage({ channel: 'C1', text: '' })).rejects.toMatchObject({
      data: { error: 'no_text' },
    });
  });

  it('answers update, ephemeral, permalink, DM open and conversation info as Slack documents', async () => {
    const { ts } = await client.chat.postMessage({ channel: 'C0EDIT', text: 'first' });
    await expect(
      client.chat.update({ channel: 'C0EDIT', ts: ts!, text: 'edited', blocks: [section('edited')] }),
    ).resolves.toMatchObject({
      ok: true,
      channel: 'C0EDIT',
      ts,
      text: 'edited',
      message: { type: 'message', user: 'U0LABBOT', bot_id: 'B0LABBOT', text: 'edited', ts, edited: {} },
    });
    expect(fake.messagesIn('C0EDIT')).toMatchObject([{ ts, text: 'edited', blocks: [section('edited')] }]);
    await expect(
      client.chat.postEphemeral({ channel: 'C0EDIT', user: 'U1', text: 'psst' }),
    ).resolves.toMatchObject({
      message_ts: expect.stringMatching(/^\d{10}\.\d{6}$/),
    });
    await expect(
      client.chat.getPermalink({ channel: 'C0EDIT', message_ts: '1700000000.000100' }),
    ).resolves.toMatchObject({
      permalink: 'https://fake.slack.com/archives/C0EDIT/p1700000000000100',
    });
    await expect(client.conversations.open({ users: 'U0BOB' })).resolves.toMatchObject({
      channel: { id: 'DU0BOB' },
    });
    await expect(client.conversations.info({ channel: 'C0EDIT' })).resolves.toMatchObject({
      channel: { id: 'C0EDIT', is_member: true, is_archived: false },
    });
    await expect(client.chat.delete({ channel: 'C0EDIT', ts: ts! })).resolves.toMatchObject({ ok: true, ts });
    expect(fake.messagesIn('C0EDIT')).toEqual([]);
  });

  it('knows its users, their time zones and whether they left', async () => {
    fake.addUser({ id: 'U0TONGA', tz: 'Pacific/Tongatapu', tzOffset: 46800, realName: 'Sione' });
    fake.addUser({ id: 'U0GONE', deleted: true });
    fake.addUser({ id: 'U0PLAIN' });
    await expect(client.users.info({ user: 'U0TONGA' })).resolves.toMatchObject({
      user: { id: 'U0TONGA', tz: 'Pacific/Tongatapu', tz_offset: 46800, real_name: 'Sione', deleted: false },
    });
    await expect(client.users.info({ user: 'U0GONE' })).resolves.toMatchObject({ user: { deleted: true } });
    await expect(client.users.info({ user: 'U0PLAIN' })).resolves.toMatchObject({
      user: { tz: 'UTC', tz_offset: 0 },
    });
    await expect(client.users.info({ user: 'U0NOBODY' })).rejects.toMatchObject({
      data: { error: 'user_not_found' },
    });
  });

  it('keeps users across reset()', async () => {
    fake.addUser({ id: 'U0STAYS', tz: 'Europe/Paris' });
    fake.reset();
    await expect(client.users.info({ user: 'U0STAYS' })).resolves.toMatchObject({
      user: { tz: 'Europe/Paris' },
    });
  });

  it('answers views with an id and a hash', async () => {
    const view: ModalView = {
      type: 'modal',
      callback_id: 'cb',
      title: { type: 'plain_text', text: 'New hypothesis' },
      blocks: [],
    };
    const opened = await client.views.open({ trigger_id: triggerId(), view });
    expect(opened.view).toMatchObject({
      id: expect.stringMatching(/^V/),
      hash: expect.any(String),
      callback_id: 'cb',
    });
    const viewId = opened.view?.id ?? '';
    const updated = await client.views.update({ view_id: viewId, hash: opened.view?.hash, view });
    expect(updated.view?.id).toBe(viewId);
    expect(updated.view?.hash).not.toBe(opened.view?.hash);
    const home: HomeView = {
      type: 'home',
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'Home' } }],
    };
    await expect(client.views.publish({ user_id: 'U1', view: home })).resolves.toMatchObject({ ok: true });
  });

  it('answers unknown_method for a method it does not know', async () => {
    await expect(client.apiCall('nothing.here')).rejects.toMatchObject({ data: { error: 'unknown_method' } });
    expect(fake.callsTo('nothing.here')).toHaveLength(1);
  });

  it('takes file uploads the way files.uploadV2 makes them', async () => {
    const result = await client.files.uploadV2({
      channel_id: 'C1',
      content: '# Doc\n\nNaïve café ✓\n',
      filename: 'doc.md',
      title: 'Design doc',
      initial_comment: 'Here it is',
    });
    expect(result.ok).toBe(true);
    expect(fake.uploads).toEqual([
      {
        fileId: expect.stringMatching(/^F/),
        filename: 'doc.md',
        content: '# Doc\n\nNaïve café ✓\n',
        bytes: Buffer.from('# Doc\n\nNaïve café ✓\n', 'utf8'),
        channelId: 'C1',
        title: 'Design doc',
        initialComment: 'Here it is',
      },
    ]);
    // files arrives as a JSON string and is decoded into an array.
    expect(fake.okCallsTo('files.completeUploadExternal')[0]!.args.files).toEqual([
      { id: fake.uploads[0]!.fileId, title: 'Design doc' },
    ]);
  });

  it('deletes a file the app uploaded, once: then file_deleted; an unknown one is file_not_found', async () => {
    await client.files.uploadV2({ channel_id: 'C1', content: 'x', filename: 'a.ics', title: 'Meeting' });
    const fileId = fake.uploads.at(-1)!.fileId;
    expect(fake.state.file(fileId)).toBeDefined();
    expect((await client.files.delete({ file: fileId })).ok).toBe(true);
    expect(fake.state.file(fileId)).toBeUndefined();
    await expect(client.files.delete({ file: fileId })).rejects.toMatchObject({
      data: { error: 'file_deleted' },
    });
    await expect(client.files.delete({ file: 'F0NOPE' })).rejects.toMatchObject({
      data: { error: 'file_not_found' },
    });
  });
});

describe('the fake Slack says no where Slack says no', () => {
  const refused = (error: string, extra: Record<string, unknown> = {}) => ({
    code: ErrorCode.PlatformError,
    data: { ok: false, error, ...extra },
  });
  const modal: ModalView = { type: 'modal', callback_id: 'cb', title: plain('Plan'), blocks: [] };

  it('answers invalid_auth for a token it never issued', async () => {
    const stranger = new WebClient('xoxb-nobody', { slackApiUrl: fake.apiUrl, logLevel: LogLevel.ERROR });
    await expect(stranger.auth.test()).rejects.toMatchObject(refused('invalid_auth'));
    await expect(stranger.chat.postMessage({ channel: 'C1', text: 'x' })).rejects.toMatchObject(
      refused('invalid_auth'),
    );
  });

  it("acts in the token's own workspace, and refuses another workspace's channels and users", async () => {
    fake.addWorkspace({ teamId: 'T0OTHER', botToken: 'xoxb-other', botUserId: 'U0OTHERBOT' });
    fake.addChannel({ id: 'C0THEIRS', teamId: 'T0OTHER' });
    fake.addUser({ id: 'U0THEIRS', teamId: 'T0OTHER' });
    const other = new WebClient('xoxb-other', { slackApiUrl: fake.apiUrl, logLevel: LogLevel.ERROR });
    await expect(other.auth.test()).resolves.toMatchObject({ team_id: 'T0OTHER', user_id: 'U0OTHERBOT' });
    await expect(other.chat.postMessage({ channel: 'C0THEIRS', text: 'x' })).resolves.toMatchObject({
      message: { user: 'U0OTHERBOT' },
    });
    await expect(other.users.info({ user: 'U0THEIRS' })).resolves.toMatchObject({ ok: true });
    await expect(client.chat.postMessage({ channel: 'C0THEIRS', text: 'x' })).rejects.toMatchObject(
      refused('channel_not_found'),
    );
    await expect(client.users.info({ user: 'U0THEIRS' })).rejects.toMatchObject(refused('user_not_found'));
    await expect(client.chat.postMessage({ channel: 'U0THEIRS', text: 'x' })).rejects.toMatchObject(
      refused('channel_not_found'),
    );
    await expect(client.conversations.open({ users: 'U0THEIRS' })).rejects.toMatchObject(
      refused('user_not_found'),
    );
    await expect(
      client.views.publish({ user_id: 'U0THEIRS', view: { type: 'home', blocks: [] } }),
    ).rejects.toMatchObject(refused('user_not_found'));
  });

  it('gives an undeclared channel or user id to the first workspace that names it', async () => {
    fake.addWorkspace({ teamId: 'T0THIRD', botToken: 'xoxb-third', botUserId: 'U0THIRDBOT' });
    const third = new WebClient('xoxb-third', { slackApiUrl: fake.apiUrl, logLevel: LogLevel.ERROR });
    await expect(client.chat.postMessage({ channel: 'C0FIRSTUSE', text: 'x' })).resolves.toMatchObject({
      ok: true,
    });
    await expect(third.chat.postMessage({ channel: 'C0FIRSTUSE', text: 'x' })).rejects.toMatchObject(
      refused('channel_not_found'),
    );
    await expect(third.chat.postMessage({ channel: 'U0FIRSTUSE', text: 'x' })).resolves.toMatchObject({
      ok: true,
    });
    await expect(client.chat.postMessage({ channel: 'U0FIRSTUSE', text: 'x' })).rejects.toMatchObject(
      refused('channel_not_found'),
    );
    await expect(
      client.chat.postEphemeral({ channel: 'C0FIRSTUSE', user: 'U0FIRSTUSE', text: 'x' }),
    ).rejects.toMatchObject(refused('user_not_found'));
  });

  it('answers missing_scope for a method whose scope manifest.json does not request', async () => {
    expect(fake.scopes.has('users:read')).toBe(true);
    const narrow = await EmbeddedSlack.start({ scopes: ['chat:write'] });
    try {
      const c = new WebClient(TOKEN, { slackApiUrl: narrow.apiUrl, logLevel: LogLevel.ERROR });
      await expect(c.users.info({ user: 'U1' })).rejects.toMatchObject(
        refused('missing_scope', { needed: 'users:read', provided: 'chat:write' }),
      );
      await expect(c.conversations.history({ channel: 'C1' })).rejects.toMatchObject(
        refused('missing_scope', { needed: 'channels:history' }),
      );
      await expect(c.chat.postMessage({ channel: 'C1', text: 'x' })).resolves.toMatchObject({ ok: true });
      await expect(c.views.open({ trigger_id: triggerId(), view: modal })).resolves.toMatchObject({
        ok: true,
      });
    } finally {
      await narrow.close();
    }
  });

  it('refuses archived channels, and private channels the bot is not in as if they did not exist', async () => {
    fake.addChannel({ id: 'C0OLD', archived: true });
    fake.addChannel({ id: 'C0SECRET', private: true, botMember: false });
    fake.addChannel({ id: 'C0PRIVATE', private: true });
    await expect(client.chat.postMessage({ channel: 'C0OLD', text: 'x' })).rejects.toMatchObject(
      refused('is_archived'),
    );
    await expect(client.chat.postMessage({ channel: 'C0SECRET', text: 'x' })).rejects.toMatchObject(
      refused('channel_not_found'),
    );
    await expect(client.conversations.info({ channel: 'C0SECRET' })).rejects.toMatchObject(
      refused('channel_not_found'),
    );
    await expect(client.chat.postMessage({ channel: 'C0PRIVATE', text: 'x' })).resolves.toMatchObject({
      ok: true,
    });
    fake.removeBot('C0PRIVATE');
    await expect(client.chat.postMessage({ channel: 'C0PRIVATE', text: 'x' })).rejects.toMatchObject(
      refused('channel_not_found'),
    );
    await expect(client.chat.postMessage({ channel: 'X0WHAT', text: 'x' })).rejects.toMatchObject(
      refused('channel_not_found'),
    );
  });

  it('posts into a public channel the bot left only with chat:write.public; reading it needs membership', async () => {
    fake.removeBot('C0PUBLIC');
    await expect(client.chat.postMessage({ channel: 'C0PUBLIC', text: 'x' })).resolves.toMatchObject({
      ok: true,
    });
    const noPublic = await EmbeddedSlack.start({ scopes: ['chat:write', 'channels:history'] });
    try {
      noPublic.removeBot('C0PUBLIC');
      const c = new WebClient(TOKEN, { slackApiUrl: noPublic.apiUrl, logLevel: LogLevel.ERROR });
      await expect(c.chat.postMessage({ channel: 'C0PUBLIC', text: 'x' })).rejects.toMatchObject(
        refused('not_in_channel'),
      );
      await expect(c.conversations.history({ channel: 'C0PUBLIC' })).rejects.toMatchObject(
        refused('not_in_channel'),
      );
      noPublic.addBot('C0PUBLIC');
      await expect(c.chat.postMessage({ channel: 'C0PUBLIC', text: 'x' })).resolves.toMatchObject({
        ok: true,
      });
    } finally {
      await noPublic.close();
    }
  });

  it('answers user_not_in_channel for an ephemeral to someone outside a channel with a member list', async () => {
    fake.addChannel({ id: 'C0TEAM', members: ['U0IN'] });
    await expect(
      client.chat.postEphemeral({ channel: 'C0TEAM', user: 'U0IN', text: 'x' }),
    ).resolves.toMatchObject({
      ok: true,
    });
    await expect(
      client.chat.postEphemeral({ channel: 'C0TEAM', user: 'U0OUT', text: 'x' }),
    ).rejects.toMatchObject(refused('user_not_in_channel'));
    // A channel nobody declared has everyone in it.
    await expect(
      client.chat.postEphemeral({ channel: 'C0ANY', user: 'U0OUT', text: 'x' }),
    ).resolves.toMatchObject({
      ok: true,
    });
  });

  it('takes a trigger_id once, within 3 s, and only one it issued', async () => {
    const trigger = triggerId();
    await expect(client.views.open({ trigger_id: trigger, view: modal })).resolves.toMatchObject({
      ok: true,
    });
    await expect(client.views.open({ trigger_id: trigger, view: modal })).rejects.toMatchObject(
      refused('invalid_trigger_id'),
    );
    await expect(client.views.open({ trigger_id: '12345.67890.abcdef', view: modal })).rejects.toMatchObject(
      refused('invalid_trigger_id'),
    );
    const forged = triggerId().replace(/^\d+/, String(Date.now() + 60_000));
    await expect(client.views.open({ trigger_id: forged, view: modal })).rejects.toMatchObject(
      refused('invalid_trigger_id'),
    );
    await expect(
      client.views.open({ trigger_id: triggerId({ at: Date.now() - 3_100 }), view: modal }),
    ).rejects.toMatchObject(refused('expired_trigger_id'));
  });

  it('updates a view it knows at its latest hash, and hands out a new hash each time', async () => {
    const opened = await client.views.open({ trigger_id: triggerId(), view: modal });
    const id = opened.view!.id!;
    const first = await client.views.update({ view_id: id, hash: opened.view!.hash!, view: modal });
    expect(first.view!.hash).not.toBe(opened.view!.hash);
    await expect(
      client.views.update({ view_id: id, hash: opened.view!.hash!, view: modal }),
    ).rejects.toMatchObject(refused('hash_conflict'));
    await expect(client.views.update({ view_id: 'V0NEVER', view: modal })).rejects.toMatchObject(
      refused('not_found'),
    );
    const second = await client.views.update({ view_id: id, view: modal });
    expect(second.view!.hash).not.toBe(first.view!.hash);
  });

  it('pushes a view only onto the modal the interaction came from', async () => {
    const opened = await client.views.open({ trigger_id: triggerId(), view: modal });
    await expect(
      client.views.push({ trigger_id: triggerId({ viewId: opened.view!.id! }), view: modal }),
    ).resolves.toMatchObject({ ok: true });
    await expect(client.views.push({ trigger_id: triggerId(), view: modal })).rejects.toMatchObject(
      refused('not_found'),
    );
    await expect(
      client.views.push({ trigger_id: triggerId({ viewId: 'V0NEVER' }), view: modal }),
    ).rejects.toMatchObject(refused('not_found'));
  });

  it('publishes a Home tab only for a user, at its latest hash', async () => {
    const home: HomeView = { type: 'home', blocks: [section('Home')] };
    await expect(client.apiCall('views.publish', { view: home })).rejects.toMatchObject(
      refused('invalid_arguments', {
        response_metadata: { messages: ['[ERROR] missing required field: user_id'] },
      }),
    );
    const first = await client.views.publish({ user_id: 'U0HOME', view: home });
    const second = await client.views.publish({ user_id: 'U0HOME', hash: first.view!.hash!, view: home });
    expect(second.view!.id).toBe(first.view!.id);
    await expect(
      client.views.publish({ user_id: 'U0HOME', hash: first.view!.hash!, view: home }),
    ).rejects.toMatchObject(refused('hash_conflict'));
  });

  it('updates and deletes only messages it posted, in the channel it posted them', async () => {
    const { ts } = await client.chat.postMessage({ channel: 'C0MSG', text: 'x' });
    await expect(client.chat.update({ channel: 'C0MSG', ts: '1.1', text: 'y' })).rejects.toMatchObject(
      refused('message_not_found'),
    );
    await expect(client.chat.update({ channel: 'C0ELSEWHERE', ts: ts!, text: 'y' })).rejects.toMatchObject(
      refused('message_not_found'),
    );
    await expect(client.chat.delete({ channel: 'C0MSG', ts: ts! })).resolves.toMatchObject({ ok: true });
    await expect(client.chat.delete({ channel: 'C0MSG', ts: ts! })).rejects.toMatchObject(
      refused('message_not_found'),
    );
    const earlier = fake.addMessage('C0MSG', { text: 'from before the test' });
    await expect(client.chat.update({ channel: 'C0MSG', ts: earlier, text: 'y' })).resolves.toMatchObject({
      ts: earlier,
    });
  });

  it('reads back a channel and a thread as the bot posted them, given channels:history', async () => {
    // An app whose manifest does not request channels:history is refused the read.
    const blind = await EmbeddedSlack.start({
      scopes: manifestBotScopes().filter((scope) => !scope.endsWith(':history')),
    });
    try {
      const c = new WebClient(TOKEN, { slackApiUrl: blind.apiUrl, logLevel: LogLevel.ERROR });
      await expect(c.conversations.history({ channel: 'C0THREAD' })).rejects.toMatchObject(
        refused('missing_scope', { needed: 'channels:history' }),
      );
    } finally {
      await blind.close();
    }
    const reading = await EmbeddedSlack.start({ scopes: [...manifestBotScopes(), 'channels:history'] });
    try {
      const c = new WebClient(TOKEN, { slackApiUrl: reading.apiUrl, logLevel: LogLevel.ERROR });
      const parent = await c.chat.postMessage({ channel: 'C0THREAD', text: 'proposals here' });
      await c.chat.postMessage({ channel: 'C0THREAD', text: 'mine', thread_ts: parent.ts! });
      await c.chat.postMessage({ channel: 'C0THREAD', text: 'later' });
      const history = await c.conversations.history({ channel: 'C0THREAD' });
      expect(history.messages!.map((m) => m.text)).toEqual(['later', 'proposals here']);
      const replies = await c.conversations.replies({ channel: 'C0THREAD', ts: parent.ts! });
      expect(replies.messages!.map((m) => m.text)).toEqual(['proposals here', 'mine']);
      await expect(c.conversations.replies({ channel: 'C0THREAD', ts: '1.1' })).rejects.toMatchObject(
        refused('thread_not_found'),
      );
    } finally {
      await reading.close();
    }
  });

  it('says why blocks were refused, in response_metadata.messages', async () => {
    const tooLong = [section('x'.repeat(3001))];
    await expect(
      client.chat.postMessage({ channel: 'C1', text: 'x', blocks: tooLong }),
    ).rejects.toMatchObject(
      refused('invalid_blocks', {
        response_metadata: { messages: ['[ERROR] 3001 chars > 3000 [json-pointer:/blocks/0/text]'] },
      }),
    );
    await expect(
      client.views.open({ trigger_id: triggerId(), view: { ...modal, title: plain('x'.repeat(25)) } }),
    ).rejects.toMatchObject(
      refused('invalid_arguments', {
        response_metadata: { messages: ['[ERROR] 25 chars > 24 [json-pointer:/view/title]'] },
      }),
    );
  });

  it('takes 5 posts on a response_url it issued, within 30 minutes', async () => {
    const postTo = async (url: string) => {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ text: 'x' }),
      });
      return { status: res.status, body: (await res.json()) as unknown };
    };
    const url = fake.responseUrl();
    for (let i = 0; i < 5; i++) expect(await postTo(url)).toEqual({ status: 200, body: { ok: true } });
    expect(await postTo(url)).toEqual({ status: 404, body: { ok: false, error: 'used_url' } });
    expect(await postTo(`${fake.baseUrl}response/made-up`)).toEqual({
      status: 404,
      body: { ok: false, error: 'no_such_url' },
    });
    const old = fake.responseUrl({ issuedAt: Date.now() - 30 * 60_000 - 1000 });
    expect(await postTo(old)).toEqual({ status: 404, body: { ok: false, error: 'expired_url' } });
    expect(fake.responses).toHaveLength(5);
  });
});

describe('the fake Slack over plain HTTP', () => {
  const post = (path: string, body: string, headers: Record<string, string>) =>
    fetch(new URL(path, fake.baseUrl), { method: 'POST', headers, body }).then(async (r) => ({
      status: r.status,
      body: (await r.json()) as unknown,
    }));

  it('takes JSON bodies with a Bearer token', async () => {
    const res = await post(
      'api/chat.postMessage',
      JSON.stringify({ channel: 'C1', text: 'json', blocks: [section('x')] }),
      {
        'content-type': 'application/json; charset=utf-8',
        authorization: `Bearer ${TOKEN}`,
      },
    );
    expect(res.body).toMatchObject({ ok: true });
    expect(fake.calls[0]).toMatchObject({
      token: TOKEN,
      args: { text: 'json', blocks: [section('x')] },
    });
  });

  it('takes the token as an argument, and answers not_authed without one', async () => {
    const form = 'application/x-www-form-urlencoded';
    await post('api/auth.test', `token=${TOKEN}`, { 'content-type': form });
    expect(fake.calls[0]).toMatchObject({ token: TOKEN, ok: true });
    const res = await post('api/auth.test', '', { 'content-type': form });
    expect(res.body).toEqual({ ok: false, error: 'not_authed' });
  });

  it('gives the answer posted to one response_url, not a post to another', async () => {
    const mine = fake.responseUrl();
    const other = fake.responseUrl();
    const post = (url: string, text: string) =>
      fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ text }),
      });
    await post(other, 'not the answer');
    const answering = fake.answerTo(mine);
    await post(mine, 'the answer');
    expect((await answering).body).toEqual({ text: 'the answer' });
    await expect(fake.answerTo(fake.responseUrl(), { timeoutMs: 100 })).rejects.toThrow(/response_url/);
  });

  it('records response_url posts, checks their blocks, and can answer them slowly', async () => {
    const url = fake.responseUrl();
    expect(url).toMatch(new RegExp(`^${fake.baseUrl}response/`));
    expect(fake.responseUrl()).not.toBe(url);
    fake.failResponseUrl({ kind: 'slow', delayMs: 200 });
    const started = Date.now();
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ replace_original: true, text: 'done' }),
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    expect(await res.json()).toEqual({ ok: true });
    const [posted] = await fake.waitForResponse((r) => r.body.text === 'done');
    expect(posted).toMatchObject({ id: url.split('/').pop(), body: { replace_original: true } });

    const tooMany = Array.from({ length: 51 }, (_, i) => section(`b${i}`));
    const bad = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'x', blocks: tooMany }),
    });
    expect(await bad.json()).toEqual({
      ok: false,
      error: 'invalid_blocks',
      response_metadata: { messages: ['[ERROR] 51 blocks > 50 [json-pointer:/blocks]'] },
    });
    expect(fake.violations).toEqual([
      { method: 'response_url', rule: 'message.blocks_count', detail: 'blocks: 51 blocks > 50' },
    ]);
    expect(fake.responses).toHaveLength(1);
  });

  it('times out waiting with a message that lists what it did see', async () => {
    await client.auth.test();
    fake.fail('users.info', { kind: 'error', error: 'user_not_found' });
    await expect(client.users.info({ user: 'U1' })).rejects.toThrow();
    await expect(fake.waitFor('chat.postMessage', () => true, { timeoutMs: 50 })).rejects.toThrow(
      /waiting for 1 ok call\(s\) to chat\.postMessage; calls seen: auth\.test, users\.info\(error\)/,
    );
  });

  it('waits for a count of matching calls', async () => {
    const waiting = fake.waitFor('chat.postMessage', (c) => String(c.args.text).startsWith('n'), {
      count: 2,
    });
    await client.chat.postMessage({ channel: 'C1', text: 'n1' });
    await client.chat.postMessage({ channel: 'C1', text: 'other' });
    await client.chat.postMessage({ channel: 'C1', text: 'n2' });
    expect((await waiting).map((c) => c.args.text)).toEqual(['n1', 'n2']);
  });

  it('closes promptly with a call still in flight, which then fails', async () => {
    const other = await EmbeddedSlack.start();
    const once = new WebClient(TOKEN, {
      slackApiUrl: other.apiUrl,
      logLevel: LogLevel.ERROR,
      retryConfig: { retries: 0 },
    });
    other.fail('auth.test', { kind: 'slow', delayMs: 10_000 });
    const pending = once.auth.test().then(
      () => 'answered',
      (error: unknown) => error,
    );
    while (other.callsTo('auth.test').length === 0) await new Promise((r) => setTimeout(r, 10));
    const started = Date.now();
    await other.close();
    expect(Date.now() - started).toBeLessThan(1000);
    await expect(pending).resolves.toMatchObject({ code: ErrorCode.RequestError });
  });
});

describe('Block Kit limits at the fake Slack', () => {
  it('rejects what real Slack would reject, and records each violation', async () => {
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
    expect(fake.violations).toEqual([
      { method: 'chat.postMessage', rule: 'message.blocks_count', detail: 'blocks: 51 blocks > 50' },
      {
        method: 'chat.postMessage',
        rule: 'section.text_length',
        detail: 'blocks[0].text: 3001 chars > 3000',
      },
      { method: 'views.open', rule: 'view.title_length', detail: 'title: 25 chars > 24' },
    ]);
    expect(fake.okCallsTo('chat.postMessage')).toEqual([]);
  });

  it('rejects a modal published as the Home tab', async () => {
    // apiCall, because the typed views.publish would not even let us pass a modal.
    const modal = { type: 'modal', title: plain('T'), blocks: [] };
    await expect(client.apiCall('views.publish', { user_id: 'U1', view: modal })).rejects.toMatchObject({
      data: { error: 'invalid_arguments' },
    });
    expect(fake.violations.map((v) => v.rule)).toEqual(['view.type']);
  });
});

describe('signed requests', () => {
  const SECRET = 'harness-signing-secret';

  interface Received {
    headers: IncomingHttpHeaders;
    body: string;
  }
  const received: Received[] = [];
  let server: http.Server;
  let target: SlackTarget;

  beforeAll(async () => {
    // A bare receiver that answers like an app acking a view_submission with errors.
    server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ response_action: 'errors', errors: { a: 'b' } }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('no address');
    target = { url: `http://127.0.0.1:${address.port}/slack/events`, signingSecret: SECRET };
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => {
    received.length = 0;
  });

  const last = (): Received => received[received.length - 1]!;
  const expectedSignature = (r: Received) => {
    const ts = String(r.headers['x-slack-request-timestamp']);
    return `v0=${createHmac('sha256', SECRET).update(`v0:${ts}:${r.body}`).digest('hex')}`;
  };
  const payloadOf = (r: Received): Record<string, unknown> =>
    JSON.parse(new URLSearchParams(r.body).get('payload') ?? '{}') as Record<string, unknown>;
  const identity = {
    team: { id: 'T0LABBOOK', domain: 't0labbook' },
    user: { id: 'U0ALICE', username: 'u0alice', name: 'u0alice', team_id: 'T0LABBOOK' },
    api_app_id: expect.any(String),
    token: expect.any(String),
    trigger_id: expect.stringMatching(/^\d+\.\d+\.[^.]+\.[0-9a-f]{20}$/),
    is_enterprise_install: false,
    enterprise: null,
  };

  it('matches Slack’s documented signing example', () => {
    const body =
      'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
    const secret = '8f742231b10e8888abcd99yyyzzz85a5';
    const expected = 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503';
    // The formula, by hand, then the helper.
    expect(`v0=${createHmac('sha256', secret).update(`v0:1531420618:${body}`).digest('hex')}`).toBe(expected);
    expect(sign(secret, 1531420618, body)).toBe(expected);
  });

  it('signs a slash command, form-encoded with Slack’s fields', async () => {
    const reply = await slashCommand(target, {
      text: 'new plan',
      userId: 'U0ALICE',
      teamId: 'T0LABBOOK',
      channelId: 'C0ML',
      responseUrl: 'http://x/r/1',
    });
    expect(reply.status).toBe(200);
    const r = last();
    expect(r.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(r.headers['x-slack-signature']).toBe(expectedSignature(r));
    expect(Math.abs(Number(r.headers['x-slack-request-timestamp']) - Date.now() / 1000)).toBeLessThan(5);
    expect(Object.fromEntries(new URLSearchParams(r.body))).toMatchObject({
      command: '/hypothesis',
      text: 'new plan',
      user_id: 'U0ALICE',
      team_id: 'T0LABBOOK',
      team_domain: 't0labbook',
      channel_id: 'C0ML',
      response_url: 'http://x/r/1',
      api_app_id: expect.any(String),
      trigger_id: expect.any(String),
    });
  });

  it('uses the timestamp given, and a wrong signature when asked', async () => {
    await slashCommand(
      target,
      { text: '', userId: 'U1', teamId: 'T1', channelId: 'C1', responseUrl: 'http://x' },
      { timestamp: 1_000_000, badSignature: true },
    );
    const r = last();
    expect(r.headers['x-slack-request-timestamp']).toBe('1000000');
    expect(r.headers['x-slack-signature']).not.toBe(expectedSignature(r));
  });

  it('sends block_actions from a message with container, channel, message and response_url', async () => {
    await blockAction(target, {
      userId: 'U0ALICE',
      teamId: 'T0LABBOOK',
      actionId: 'checkin.answer',
      value: '{"id":7}',
      channelId: 'C0ML',
      messageTs: '1700000000.000100',
      responseUrl: 'http://x/r/2',
    });
    const r = last();
    expect(r.headers['x-slack-signature']).toBe(expectedSignature(r));
    expect(payloadOf(r)).toMatchObject({
      type: 'block_actions',
      ...identity,
      container: {
        type: 'message',
        message_ts: '1700000000.000100',
        channel_id: 'C0ML',
        is_ephemeral: false,
      },
      channel: { id: 'C0ML' },
      message: { type: 'message', ts: '1700000000.000100' },
      response_url: 'http://x/r/2',
      actions: [
        {
          type: 'button',
          action_id: 'checkin.answer',
          value: '{"id":7}',
          block_id: expect.any(String),
          action_ts: expect.any(String),
        },
      ],
    });
  });

  it('sends block_actions from a view without response_url, and selects as static_select', async () => {
    const view = { id: 'V0HOME', type: 'home', callback_id: 'home', state: { values: {} } };
    await blockAction(target, {
      userId: 'U0ALICE',
      teamId: 'T0LABBOOK',
      actionId: 'home.tab',
      selectedOption: 'mine',
      view,
    });
    const payload = payloadOf(last());
    expect(payload).toMatchObject({ container: { type: 'view', view_id: 'V0HOME' }, view });
    expect(payload).not.toHaveProperty('response_url');
    expect(payload.actions).toEqual([
      expect.objectContaining({
        type: 'static_select',
        selected_option: { text: { type: 'plain_text', text: 'mine', emoji: true }, value: 'mine' },
      }),
    ]);
  });

  it('submits a recorded view filled by label or block id, with its id, hash and private_metadata', async () => {
    const reply = await submit(target, { userId: 'U0ALICE', teamId: 'T0LABBOOK' }, sentForm, {
      'Project name': 'Fraud',
      due: '2026-12-01',
      'Who?': ['U1', 'U2'],
      Phase: 'Define',
    });
    expect(reply.json).toEqual({ response_action: 'errors', errors: { a: 'b' } });
    expect(payloadOf(last())).toMatchObject({
      type: 'view_submission',
      ...identity,
      trigger_id: expect.stringMatching(/\.V0FORM\.[0-9a-f]{20}$/),
      view: {
        id: 'V0FORM',
        hash: '1700000000.abc',
        callback_id: 'hypothesis.new',
        private_metadata: '{"p":1}',
        blocks: sentForm.blocks,
        state: {
          values: {
            name: { name: { type: 'plain_text_input', value: 'Fraud' } },
            due: { due: { type: 'datepicker', selected_date: '2026-12-01' } },
            who: { who: { type: 'multi_users_select', selected_users: ['U1', 'U2'] } },
            phase: {
              phase: { type: 'static_select', selected_option: { text: plain('Define'), value: 'define' } },
            },
            days: { days: { type: 'number_input', value: '14' } },
          },
        },
      },
      response_urls: [],
    });
  });

  it('sends a message shortcut as message_action', async () => {
    await messageShortcut(target, {
      userId: 'U0ALICE',
      teamId: 'T0LABBOOK',
      callbackId: 'log.add',
      channelId: 'C0ML',
      messageTs: '1700000000.000200',
      messageText: 'AUC 0.91',
      responseUrl: 'http://x/r/3',
    });
    expect(payloadOf(last())).toMatchObject({
      type: 'message_action',
      ...identity,
      callback_id: 'log.add',
      channel: { id: 'C0ML' },
      message_ts: '1700000000.000200',
      message: { type: 'message', text: 'AUC 0.91', ts: '1700000000.000200' },
      response_url: 'http://x/r/3',
    });
  });

  it('sends events as JSON envelopes with authorizations, and the url_verification handshake', async () => {
    await event(target, {
      teamId: 'T0LABBOOK',
      event: { type: 'app_home_opened', user: 'U0ALICE', tab: 'home' },
      eventId: 'Ev1',
    });
    let r = last();
    expect(r.headers['content-type']).toBe('application/json');
    expect(r.headers['x-slack-signature']).toBe(expectedSignature(r));
    expect(JSON.parse(r.body)).toMatchObject({
      type: 'event_callback',
      team_id: 'T0LABBOOK',
      event_id: 'Ev1',
      event: { type: 'app_home_opened', user: 'U0ALICE' },
      authorizations: [{ team_id: 'T0LABBOOK', is_bot: true, is_enterprise_install: false }],
    });
    await urlVerification(target, 'challenge-123');
    r = last();
    expect(JSON.parse(r.body)).toMatchObject({ type: 'url_verification', challenge: 'challenge-123' });
  });

  it('fills like a person: refuses what Slack’s client would not submit', () => {
    expect(() => fill(sentForm, { Nope: 'x' })).toThrow(/has no input "Nope"; it has: Project name \(name\)/);
    expect(() => fill(sentForm, { due: '2026-12-01' })).toThrow(/"Project name" is required/);
    expect(() => fill(sentForm, { name: 'x'.repeat(41) })).toThrow(/at most 40 characters/);
    expect(() => fill(sentForm, { name: 'x', Days: '0' })).toThrow(/at least 1/);
    expect(() => fill(sentForm, { name: 'x', Days: '1.5' })).toThrow(/whole number/);
    expect(() => fill(sentForm, { name: 'x', Phase: 'Launch' })).toThrow(/has no option "Launch"/);
    expect(fill(sentForm, { name: 'x', Phase: 'define' })).toMatchObject({
      days: { days: { value: '14' } },
      phase: { phase: { selected_option: { value: 'define' } } },
      who: { who: { selected_users: [] } },
    });
    expect(fill(sentForm, {}, { partial: true })).toMatchObject({ name: { name: { value: null } } });
  });
});

describe('a view_submission’s ack, as Slack judges it', () => {
  let ack: unknown;
  let server: http.Server;
  let target: SlackTarget;
  const alice = { userId: 'U0ALICE', teamId: 'T0LABBOOK' };
  const filled = { 'Project name': 'Fraud' };

  beforeAll(async () => {
    // An app that answers every view_submission with `ack`.
    server = http.createServer((req, res) => {
      req.resume();
      req.on('end', () =>
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(ack === undefined ? '' : JSON.stringify(ack)),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('no address');
    target = { url: `http://127.0.0.1:${address.port}/slack/events`, signingSecret: 's', slack: fake };
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('takes errors under input blocks of the submitted view, an empty ack, and a view within the limits', async () => {
    for (const body of [
      { response_action: 'errors', errors: { name: 'Too short', days: 'At least 1' } },
      undefined,
      { response_action: 'update', view: { type: 'modal', title: plain('Done'), blocks: [section('ok')] } },
      { response_action: 'clear' },
    ]) {
      ack = body;
      await submit(target, alice, sentForm, filled);
    }
    expect(fake.violations).toEqual([]);
  });

  it('refuses an error under a block that is not an input of the submitted view, and fails the submit', async () => {
    ack = { response_action: 'errors', errors: { channelId: 'Pick a channel' } };
    await expect(submit(target, alice, sentForm, filled)).rejects.toThrow(
      /refused the ack of hypothesis.new/,
    );
    expect(fake.violations).toEqual([
      expect.objectContaining({
        method: 'view_submission',
        rule: 'view_submission.ack',
        detail: expect.stringContaining('"channelId" is not the block_id of an input block'),
      }),
    ]);
  });

  it('refuses a pushed or updated view over the Block Kit limits, as views.push would', async () => {
    const long = { type: 'modal', title: plain('A title longer than 24 chars'), blocks: [section('x')] };
    for (const action of ['update', 'push']) {
      fake.reset();
      ack = { response_action: action, view: long };
      await expect(submit(target, alice, sentForm, filled)).rejects.toThrow(/invalid_arguments/);
      expect(fake.violations.map((v) => [v.method, v.rule])).toEqual([
        ['view_submission', 'view.title_length'],
      ]);
    }
  });
});

describe('Block Kit limits (pure)', () => {
  const rules = (blocks: unknown[], text?: string) => findMessageProblems(blocks, text).map((p) => p.rule);
  const viewRules = (view: unknown, expected?: 'modal' | 'home') =>
    findViewProblems(view, expected).map((p) => p.rule);
  const button = (extra: Record<string, unknown> = {}) => ({
    type: 'button',
    action_id: 'a',
    text: plain('Go'),
    ...extra,
  });
  const option = (value: string, text = value) => ({ text: plain(text), value });
  const actions = (...elements: unknown[]) => ({ type: 'actions', elements });
  const inputBlock = (element: unknown, extra: Record<string, unknown> = {}) => ({
    type: 'input',
    label: plain('Label'),
    element,
    ...extra,
  });
  const modal = (extra: Record<string, unknown> = {}) => ({
    type: 'modal',
    title: plain('Title'),
    blocks: [],
    ...extra,
  });

  it('accepts a message that uses each kind of block within the limits', () => {
    const blocks = [
      { type: 'header', text: plain('h'.repeat(LIMITS.headerText)) },
      {
        type: 'section',
        block_id: 's',
        text: mrkdwn('x'.repeat(LIMITS.sectionText)),
        accessory: button({ value: 'v'.repeat(LIMITS.buttonValue) }),
      },
      {
        type: 'section',
        fields: Array.from({ length: LIMITS.sectionFields }, () =>
          mrkdwn('f'.repeat(LIMITS.sectionFieldText)),
        ),
      },
      {
        type: 'context',
        elements: [mrkdwn('c'), { type: 'image', image_url: 'https://x/i.png', alt_text: 'i' }],
      },
      actions(button({ style: 'primary' }), {
        type: 'static_select',
        action_id: 's',
        options: [option('a'), option('b')],
        initial_option: option('b'),
      }),
      actions({ type: 'overflow', action_id: 'o', options: [option('1'), option('2')] }),
      { type: 'divider' },
      inputBlock({ type: 'plain_text_input', action_id: 'p', max_length: 3000, initial_value: 'i' }),
      inputBlock({ type: 'number_input', action_id: 'n', is_decimal_allowed: false, initial_value: '7' }),
      inputBlock({ type: 'datepicker', action_id: 'd', initial_date: '2026-12-01' }),
      inputBlock({ type: 'multi_users_select', action_id: 'u', placeholder: plain('Pick') }),
    ];
    expect(checkMessageBlocks(blocks, 't'.repeat(LIMITS.messageText))).toEqual([]);
    expect(
      checkMessageBlocks(Array.from({ length: LIMITS.messageBlocks }, () => ({ type: 'divider' }))),
    ).toEqual([]);
  });

  it.each<[string, unknown[], string]>([
    ['51 blocks', Array.from({ length: 51 }, () => ({ type: 'divider' })), 'message.blocks_count'],
    ['section text 3001', [section('x'.repeat(3001))], 'section.text_length'],
    ['section with neither text nor fields', [{ type: 'section' }], 'section.text_or_fields'],
    [
      '11 fields',
      [{ type: 'section', fields: Array.from({ length: 11 }, () => mrkdwn('f')) }],
      'section.fields_count',
    ],
    ['a field of 2001', [{ type: 'section', fields: [mrkdwn('f'.repeat(2001))] }], 'section.field_length'],
    ['header of 151', [{ type: 'header', text: plain('h'.repeat(151)) }], 'header.text_length'],
    ['mrkdwn header', [{ type: 'header', text: mrkdwn('h') }], 'text.plain_text_only'],
    ['empty text', [section('')], 'text.empty'],
    ['unknown text type', [{ type: 'section', text: { type: 'markdown', text: 'x' } }], 'text.type'],
    [
      '11 context elements',
      [{ type: 'context', elements: Array.from({ length: 11 }, () => mrkdwn('c')) }],
      'context.elements_count',
    ],
    [
      '26 actions',
      [actions(...Array.from({ length: 26 }, (_, i) => button({ action_id: `a${i}` })))],
      'actions.elements_count',
    ],
    ['empty actions', [actions()], 'actions.elements_count'],
    ['button text 76', [actions(button({ text: plain('b'.repeat(76)) }))], 'button.text_length'],
    ['button value 2001', [actions(button({ value: 'v'.repeat(2001) }))], 'button.value_length'],
    ['button url 3001', [actions(button({ url: `https://x/${'u'.repeat(2992)}` }))], 'button.url_length'],
    ['button style', [actions(button({ style: 'secondary' }))], 'button.style'],
    ['action_id 256', [actions(button({ action_id: 'a'.repeat(256) }))], 'action_id.length'],
    ['block_id 256', [{ type: 'divider', block_id: 'b'.repeat(256) }], 'block_id.length'],
    [
      'duplicate block_id',
      [
        { type: 'divider', block_id: 'same' },
        { type: 'divider', block_id: 'same' },
      ],
      'block_id.duplicate',
    ],
    [
      '101 options',
      [
        actions({
          type: 'static_select',
          action_id: 's',
          options: Array.from({ length: 101 }, (_, i) => option(`o${i}`)),
        }),
      ],
      'select.options_count',
    ],
    [
      'select without options',
      [actions({ type: 'static_select', action_id: 's', options: [] })],
      'select.options_count',
    ],
    [
      'option text 76',
      [actions({ type: 'static_select', action_id: 's', options: [option('v', 't'.repeat(76))] })],
      'option.text_length',
    ],
    [
      'option value 151',
      [actions({ type: 'static_select', action_id: 's', options: [option('v'.repeat(151), 't')] })],
      'option.value_length',
    ],
    [
      '101 option groups',
      [
        actions({
          type: 'static_select',
          action_id: 's',
          option_groups: Array.from({ length: 101 }, () => ({ label: plain('g'), options: [option('a')] })),
        }),
      ],
      'select.option_groups_count',
    ],
    [
      'initial option not among options',
      [
        actions({
          type: 'static_select',
          action_id: 's',
          options: [option('a')],
          initial_option: option('z'),
        }),
      ],
      'select.initial_option_unknown',
    ],
    [
      'overflow with 6 options',
      [
        actions({
          type: 'overflow',
          action_id: 'o',
          options: Array.from({ length: 6 }, (_, i) => option(`${i}`)),
        }),
      ],
      'overflow.options_count',
    ],
    [
      'overflow with none',
      [actions({ type: 'overflow', action_id: 'o', options: [] })],
      'overflow.options_count',
    ],
    [
      '11 radio buttons',
      [
        inputBlock({
          type: 'radio_buttons',
          action_id: 'r',
          options: Array.from({ length: 11 }, (_, i) => option(`${i}`)),
        }),
      ],
      'choices.options_count',
    ],
    [
      'max_length 3001',
      [inputBlock({ type: 'plain_text_input', action_id: 'p', max_length: 3001 })],
      'plain_text_input.max_length',
    ],
    [
      'initial_value 3001',
      [inputBlock({ type: 'plain_text_input', action_id: 'p', initial_value: 'i'.repeat(3001) })],
      'plain_text_input.initial_value_length',
    ],
    [
      'initial_value over max_length',
      [inputBlock({ type: 'plain_text_input', action_id: 'p', max_length: 5, initial_value: 'sixsix' })],
      'plain_text_input.initial_value_length',
    ],
    [
      'placeholder 151',
      [inputBlock({ type: 'users_select', action_id: 'u', placeholder: plain('p'.repeat(151)) })],
      'placeholder.length',
    ],
    [
      'label 2001',
      [inputBlock({ type: 'plain_text_input', action_id: 'p' }, { label: plain('l'.repeat(2001)) })],
      'input.label_length',
    ],
    [
      'hint 2001',
      [inputBlock({ type: 'plain_text_input', action_id: 'p' }, { hint: plain('h'.repeat(2001)) })],
      'input.hint_length',
    ],
    ['input without element', [{ type: 'input', label: plain('L') }], 'input.element_missing'],
    [
      'number_input without is_decimal_allowed',
      [inputBlock({ type: 'number_input', action_id: 'n' })],
      'number_input.is_decimal_allowed',
    ],
    [
      'datepicker with a non-ISO date',
      [inputBlock({ type: 'datepicker', action_id: 'd', initial_date: '01/12/2026' })],
      'datepicker.initial_date',
    ],
    ['unknown block type', [{ type: 'sectoin', text: mrkdwn('x') }], 'block.type_unknown'],
  ])('flags %s', (_name, blocks, rule) => {
    expect(rules(blocks)).toEqual([rule]);
  });

  it('flags message text over 40,000 characters', () => {
    expect(rules([], 't'.repeat(LIMITS.messageText + 1))).toEqual(['message.text_length']);
  });

  it('names where each problem is', () => {
    expect(checkMessageBlocks([{ type: 'header', text: mrkdwn('h') }])).toEqual([
      'blocks[0].text: must be plain_text',
    ]);
    expect(checkMessageBlocks([actions(button({ text: plain('b'.repeat(76)) }))])).toEqual([
      'blocks[0].elements[0].text: 76 chars > 75',
    ]);
  });

  it('accepts modals and Home tabs within the limits', () => {
    const blocks = Array.from({ length: LIMITS.viewBlocks }, () => ({ type: 'divider' }));
    expect(
      checkView(
        modal({
          title: plain('t'.repeat(24)),
          submit: plain('s'.repeat(24)),
          close: plain('c'.repeat(24)),
          blocks,
        }),
        'modal',
      ),
    ).toEqual([]);
    expect(checkView({ type: 'home', blocks }, 'home')).toEqual([]);
  });

  it.each<[string, unknown, string, ('modal' | 'home')?]>([
    [
      '101 blocks in a modal',
      modal({ blocks: Array.from({ length: 101 }, () => ({ type: 'divider' })) }),
      'view.blocks_count',
    ],
    [
      '101 blocks on Home',
      { type: 'home', blocks: Array.from({ length: 101 }, () => ({ type: 'divider' })) },
      'view.blocks_count',
    ],
    ['a modal without title', { type: 'modal', blocks: [] }, 'view.title_missing'],
    ['a title of 25', modal({ title: plain('t'.repeat(25)) }), 'view.title_length'],
    ['a mrkdwn title', modal({ title: mrkdwn('t') }), 'text.plain_text_only'],
    ['submit of 25', modal({ submit: plain('s'.repeat(25)) }), 'view.submit_length'],
    ['close of 25', modal({ close: plain('c'.repeat(25)) }), 'view.close_length'],
    ['callback_id of 256', modal({ callback_id: 'c'.repeat(256) }), 'view.callback_id_length'],
    [
      'private_metadata of 3001',
      modal({ private_metadata: 'm'.repeat(3001) }),
      'view.private_metadata_length',
    ],
    [
      'inputs without submit',
      modal({ blocks: [inputBlock({ type: 'plain_text_input', action_id: 'p' })] }),
      'view.submit_missing',
    ],
    ['a view that is neither modal nor home', { type: 'dialog', blocks: [] }, 'view.type'],
    ['a modal where home is expected', modal(), 'view.type', 'home'],
    ['a view without blocks', { type: 'home' }, 'blocks.invalid'],
    ['no view at all', undefined, 'view.invalid'],
  ])('flags %s', (_name, view, rule, expected) => {
    expect(viewRules(view, expected)).toEqual([rule]);
  });
});
