import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../src/net.js';
import { EmbeddedSlack } from '../../src/sandbox/slack/embeddedSlack.js';
import { FakeSocketMode } from '../support/socketMode.js';
import { install, startOAuthApp, type OAuthTestApp } from '../support/oauthApp.js';
import { slashCommandFields } from '../../src/sandbox/slack/requests.js';

/** OAuth mode over Socket Mode: the install pages are served on PORT, events come over the socket. */
let t: OAuthTestApp;
let socket: FakeSocketMode;
const ACME = {
  teamId: 'T0SOCK',
  botToken: 'xoxb-sock-1',
  botUserId: 'U0SOCKBOT',
  installerId: 'U0SOCKADMIN',
};

beforeAll(async () => {
  socket = await FakeSocketMode.start();
  const port = await freePort();
  // The fake must point the Socket Mode client at our socket before the app starts.
  const fake = await EmbeddedSlack.start();
  fake.useSocketMode(socket.url);
  t = await startOAuthApp({
    fake,
    env: { SLACK_APP_TOKEN: 'xapp-1-A0LABBOOK-1-socket', SLACK_SIGNING_SECRET: '', PORT: String(port) },
  });
  expect(t.baseUrl).toBe(`http://127.0.0.1:${port}`);
  await socket.waitForConnection();
});
afterAll(async () => {
  await t?.stop();
  await t?.fake.close();
  await socket?.close();
});

describe('OAuth mode over Socket Mode', () => {
  it('installs from /slack/install on PORT and answers the workspace over the socket with its own token', async () => {
    expect((await install(t, ACME)).status).toBe(200);
    t.fake.addUser({ id: ACME.installerId, teamId: ACME.teamId, isAdmin: true });

    await socket.send(
      'slash_commands',
      slashCommandFields({
        text: 'hours 8-17 mon-fri',
        userId: ACME.installerId,
        teamId: ACME.teamId,
        channelId: 'C0SOCK',
        responseUrl: t.fake.responseUrl(),
      }) as unknown as Record<string, unknown>,
    );
    const [lookup] = await t.fake.waitFor('users.info', (c) => c.args.user === ACME.installerId);
    expect(lookup!.token).toBe(ACME.botToken);
    await t.fake.waitForResponse((r) => JSON.stringify(r.body).includes('now go out'));
    expect(t.fake.calls.filter((c) => !c.ok)).toEqual([]);
  });
});
