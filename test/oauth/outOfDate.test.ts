import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { install, startOAuthApp, type OAuthTestApp } from '../support/oauthApp.js';
import {
  APP_ID,
  blockAction,
  postSigned,
  triggerId,
  viewOutput,
  VERIFICATION_TOKEN,
} from '../../src/sandbox/slack/requests.js';

const OLDER = 'from an older version of Labbook';

/**
 * OAuth mode: a button or shortcut from an older version, with no response_url to answer
 * through, is answered in the person's DM, made with the token of THEIR workspace (the
 * fake answers not_authed / invalid_auth to any other).
 */
describe('an out-of-date button or shortcut in OAuth mode', () => {
  let t: OAuthTestApp;
  const ACME = {
    teamId: 'T0ACMEOLD',
    botToken: 'xoxb-acme-old',
    botUserId: 'U0ACMEBOT',
    installerId: 'U0ACMEADM',
  };
  const BETA = {
    teamId: 'T0BETAOLD',
    botToken: 'xoxb-beta-old',
    botUserId: 'U0BETABOT',
    installerId: 'U0BETAADM',
  };

  beforeAll(async () => {
    t = await startOAuthApp();
    t.fake.addUser({ id: 'U0ACMEDEV', teamId: ACME.teamId });
    t.fake.addUser({ id: 'U0BETADEV', teamId: BETA.teamId });
    expect((await install(t, ACME)).status).toBe(200);
    expect((await install(t, BETA)).status).toBe(200);
  });
  afterAll(() => t?.stop());
  beforeEach(() => t.fake.reset());

  it('a button on an old Home tab gets the note in the DM, sent with that workspace’s token', async () => {
    const reply = await blockAction(t.target, {
      userId: 'U0ACMEDEV',
      teamId: ACME.teamId,
      actionId: 'home.refresh_v0',
      view: viewOutput({ teamId: ACME.teamId, callbackId: '', type: 'home', viewId: 'V0ACMEHOME' }),
    });
    expect(reply.status).toBe(200);
    const [dm] = await t.fake.waitFor('chat.postMessage', (c) => c.args.channel === 'U0ACMEDEV');
    expect(dm!.token).toBe(ACME.botToken);
    expect(String(dm!.args.text)).toContain(`This button is ${OLDER}`);
    expect(t.fake.calls.filter((c) => !c.ok)).toEqual([]);
    expect(t.fake.violations).toEqual([]);
  });

  it('an old global shortcut in the other workspace is answered with that one’s token', async () => {
    // A global shortcut, as Slack sends it: no channel, no response_url.
    const payload = {
      type: 'shortcut',
      callback_id: 'log.quick_v0',
      trigger_id: triggerId(),
      action_ts: '1700000000.000100',
      api_app_id: APP_ID,
      token: VERIFICATION_TOKEN,
      team: { id: BETA.teamId, domain: 'beta' },
      user: { id: 'U0BETADEV', team_id: BETA.teamId, username: 'dev' },
      is_enterprise_install: false,
      enterprise: null,
    };
    const reply = await postSigned(
      t.target,
      new URLSearchParams({ payload: JSON.stringify(payload) }).toString(),
      'application/x-www-form-urlencoded',
    );
    expect(reply.status).toBe(200);
    const [dm] = await t.fake.waitFor('chat.postMessage', (c) => c.args.channel === 'U0BETADEV');
    expect(dm!.token).toBe(BETA.botToken);
    expect(String(dm!.args.text)).toContain(`This shortcut is ${OLDER}`);
    expect(t.fake.calls.filter((c) => !c.ok)).toEqual([]);
  });
});
