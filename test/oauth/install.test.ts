import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BOT_SCOPES } from '../../src/slack/oauth/installer.js';
import { scheduleCheckIn } from '../../src/rituals/checkins/checkins.js';
import { createTokenCipher } from '../../src/tokenCipher.js';
import { makeHypothesis, makeProject } from '../support/factories.js';
import { CLIENT_ID, CLIENT_SECRET } from '../support/fakeOAuth.js';
import {
  install,
  newKey,
  openInstallPage,
  redirectBack,
  startOAuthApp,
  type OAuthTestApp,
} from '../support/oauthApp.js';
import { eventEnvelope, postSigned, slashCommandFields } from '../../src/sandbox/slack/requests.js';

let t: OAuthTestApp;
const key = newKey();
const cipher = createTokenCipher({ current: Buffer.from(key, 'base64') });

beforeAll(async () => {
  t = await startOAuthApp({ key });
});
afterAll(() => t?.stop());
beforeEach(() => t.fake.reset());

const row = (id: string) =>
  t.labbook.db.selectFrom('installations').selectAll().where('id', '=', id).executeTakeFirst();

describe('Add to Slack', () => {
  it('the install page links to Slack’s authorize URL with our client id, the manifest’s scopes and a state', async () => {
    const page = await openInstallPage(t.baseUrl);
    expect(page.status).toBe(200);
    expect(page.html).toContain('Add to Slack');
    const url = page.authorizeUrl;
    expect(url.origin + url.pathname).toBe('https://slack.com/oauth/v2/authorize');
    expect(url.searchParams.get('client_id')).toBe(CLIENT_ID);
    const manifest = JSON.parse(readFileSync('manifest.json', 'utf8')) as {
      oauth_config: { redirect_urls: string[]; scopes: { bot: string[] } };
      settings: { event_subscriptions: { bot_events: string[] } };
    };
    // The manifest tells Slack where to send the browser back, and to tell us of uninstalls.
    expect(manifest.oauth_config.redirect_urls).toEqual([expect.stringMatching(/\/slack\/oauth_redirect$/)]);
    expect(manifest.settings.event_subscriptions.bot_events).toEqual(
      expect.arrayContaining(['app_uninstalled', 'tokens_revoked']),
    );
    expect(url.searchParams.get('scope')!.split(',')).toEqual(manifest.oauth_config.scopes.bot);
    expect(BOT_SCOPES).toEqual(manifest.oauth_config.scopes.bot);
    // The same state is in the browser's cookie, so the redirect can be tied to this browser.
    expect(page.cookie).toBe(`slack-app-oauth-state=${url.searchParams.get('state')}`);
  });

  it('installs: code exchanged through oauth.v2.access on SLACK_API_URL, tokens stored encrypted, a page saying what next', async () => {
    const page = await install(t, {
      teamId: 'T0ACME',
      teamName: 'Acme ML',
      botToken: 'xoxb-acme-1111-secret',
      botUserId: 'U0ACMEBOT',
      installerId: 'U0ACMEADMIN',
      userToken: 'xoxp-acme-2222-secret',
    });
    expect(page.status).toBe(200);
    expect(page.html).toContain('Labbook is now part of <strong>Acme ML</strong>');
    expect(page.html).toContain('/invite @Labbook');
    expect(page.html).toContain('/hypothesis project');

    const [exchange] = t.fake.okCallsTo('oauth.v2.access');
    expect(exchange!.args).toMatchObject({ client_id: CLIENT_ID, client_secret: CLIENT_SECRET });

    const stored = await row('T0ACME');
    expect(stored).toMatchObject({
      team_id: 'T0ACME',
      enterprise_id: null,
      is_enterprise_install: false,
      app_id: 'A0LABBOOK',
      bot_user_id: 'U0ACMEBOT',
      bot_scopes: BOT_SCOPES,
      installer_user_id: 'U0ACMEADMIN',
      user_scopes: ['search:read'],
    });
    // At rest the tokens are ciphertext; the key turns them back.
    expect(JSON.stringify(stored)).not.toContain('secret');
    expect(cipher.decrypt(stored!.bot_token!).plain).toBe('xoxb-acme-1111-secret');
    expect(cipher.decrypt(stored!.user_token!).plain).toBe('xoxp-acme-2222-secret');
    const workspace = await t.labbook.db
      .selectFrom('workspaces')
      .selectAll()
      .where('team_id', '=', 'T0ACME')
      .executeTakeFirst();
    expect(workspace).toMatchObject({ name: 'Acme ML', bot_user_id: 'U0ACMEBOT' });
    // The whole flow ran at debug level: no token in any log line.
    expect(t.logs.join('\n')).not.toMatch(/xox[bp]-acme/);
  });

  it('refuses a state that was already used, and a state from another browser', async () => {
    const page = await openInstallPage(t.baseUrl);
    const state = page.authorizeUrl.searchParams.get('state')!;
    const grant = { teamId: 'T0REUSE', botToken: 'xoxb-reuse-1', botUserId: 'U0B', installerId: 'U0I' };
    expect((await redirectBack(t.baseUrl, { code: t.oauth.approve(grant), state }, page.cookie)).status).toBe(
      200,
    );
    await t.labbook.db.deleteFrom('installations').where('id', '=', 'T0REUSE').execute();

    // Replayed with the same cookie (a copied request): refused, nothing exchanged or stored.
    const replay = await redirectBack(t.baseUrl, { code: t.oauth.approve(grant), state }, page.cookie);
    expect(replay.status).toBe(400);
    expect(replay.html).toContain('This install link has expired');
    expect(replay.html).toContain('href="/slack/install"');

    // A valid state, but not this browser's: no cookie.
    const other = await openInstallPage(t.baseUrl);
    const stranger = await redirectBack(
      t.baseUrl,
      { code: t.oauth.approve(grant), state: other.authorizeUrl.searchParams.get('state')! },
      undefined,
    );
    expect(stranger.status).toBe(400);
    expect(t.fake.okCallsTo('oauth.v2.access')).toHaveLength(1);
    expect(await row('T0REUSE')).toBeUndefined();
  });

  it('refuses a forged state', async () => {
    const page = await openInstallPage(t.baseUrl);
    const forged = 'eyJhbGciOiJIUzI1NiJ9.eyJub3ciOiIyMDI2In0.forged';
    const res = await redirectBack(
      t.baseUrl,
      {
        code: t.oauth.approve({ teamId: 'T0F', botToken: 'xoxb-f', botUserId: 'U0B', installerId: 'U0I' }),
        state: forged,
      },
      `slack-app-oauth-state=${forged}`,
    );
    expect(page.status).toBe(200);
    expect(res.status).toBe(400);
    expect(t.fake.callsTo('oauth.v2.access')).toHaveLength(0);
  });

  it('says the install was cancelled when the person clicks Cancel on Slack', async () => {
    const page = await openInstallPage(t.baseUrl);
    const res = await redirectBack(
      t.baseUrl,
      { error: 'access_denied', state: page.authorizeUrl.searchParams.get('state')! },
      page.cookie,
    );
    expect(res.status).toBe(400);
    expect(res.html).toContain('The installation was cancelled in Slack');
    expect(t.fake.callsTo('oauth.v2.access')).toHaveLength(0);
  });

  it('an org-wide install is kept under the enterprise id and serves the org’s workspaces', async () => {
    const page = await install(t, {
      teamId: 'T0GRID1',
      botToken: 'xoxb-grid-org-token',
      botUserId: 'U0GRIDBOT',
      installerId: 'U0GRIDADMIN',
      enterprise: { id: 'E0GRID', name: 'Grid Org', orgWide: true },
    });
    expect(page.status).toBe(200);
    expect(page.html).toContain('Grid Org');
    expect(await row('E0GRID')).toMatchObject({
      team_id: null,
      enterprise_id: 'E0GRID',
      is_enterprise_install: true,
    });
    expect(cipher.decrypt((await row('E0GRID'))!.bot_token!).plain).toBe('xoxb-grid-org-token');

    // A workspace of the org uses Labbook: Bolt's authorize finds the org-wide installation.
    t.fake.addUser({ id: 'U0GRIDADMIN', teamId: 'T0GRID1', isAdmin: true });
    t.fake.addUser({ id: 'U0GRIDOWNER', teamId: 'T0GRID1', tz: 'UTC' });
    const fields = {
      ...slashCommandFields({
        text: 'hours 8-17 mon-fri',
        userId: 'U0GRIDADMIN',
        teamId: 'T0GRID1',
        channelId: 'C0GRID',
        responseUrl: t.fake.responseUrl(),
      }),
      enterprise_id: 'E0GRID',
      enterprise_name: 'Grid Org',
      is_enterprise_install: 'true',
    };
    const ack = await postSigned(
      t.target,
      new URLSearchParams(fields).toString(),
      'application/x-www-form-urlencoded',
    );
    expect(ack.status).toBe(200);
    const [lookup] = await t.fake.waitFor('users.info', (c) => c.args.user === 'U0GRIDADMIN');
    expect(lookup!.token).toBe('xoxb-grid-org-token');
    await t.fake.waitForResponse((r) => JSON.stringify(r.body).includes('now go out'));

    // …and so does the scheduler, for that workspace's check-ins.
    const project = await makeProject(t.labbook.db, {
      teamId: 'T0GRID1',
      channelId: 'C0GRID',
      lead: 'U0GRIDADMIN',
    });
    const h = await makeHypothesis(t.labbook.db, project, {
      ownerUserId: 'U0GRIDOWNER',
      dueAt: new Date('2026-11-23T09:00:00Z'),
    });
    await scheduleCheckIn(t.labbook.db, h, new Date('2026-11-23T09:00:00Z'));
    expect(await t.labbook.scheduler.sweep()).toMatchObject({ sent: 1 });
    const [dm] = t.fake.okCallsTo('chat.postMessage');
    expect(dm).toMatchObject({ token: 'xoxb-grid-org-token', args: { channel: 'U0GRIDOWNER' } });
    expect(t.fake.calls.filter((c) => !c.ok)).toEqual([]);
    // The org-wide installation serves the workspace's weekly digest too.
    const digests = () =>
      t.labbook.db
        .selectFrom('deliveries')
        .select('status')
        .where('team_id', '=', 'T0GRID1')
        .where('kind', '=', 'digest')
        .execute();
    expect(await digests()).toEqual([{ status: 'pending' }]);

    // Uninstalled from the whole org: the enterprise's installation goes, and so does what
    // was waiting for its workspaces.
    const later = await makeHypothesis(t.labbook.db, project, {
      ownerUserId: 'U0GRIDOWNER',
      dueAt: new Date('2026-11-30T09:00:00Z'),
    });
    await scheduleCheckIn(t.labbook.db, later, new Date('2026-11-23T10:00:00Z'));
    const envelope = eventEnvelope({ teamId: 'T0GRID1', event: { type: 'app_uninstalled' } });
    envelope.authorizations = [
      {
        enterprise_id: 'E0GRID',
        team_id: null,
        user_id: 'U0GRIDBOT',
        is_bot: true,
        is_enterprise_install: true,
      },
    ] as unknown as typeof envelope.authorizations;
    expect((await postSigned(t.target, JSON.stringify(envelope), 'application/json')).status).toBe(200);
    await expect.poll(() => row('E0GRID')).toBeUndefined();
    const waiting = await t.labbook.db
      .selectFrom('deliveries')
      .select('status')
      .where('team_id', '=', 'T0GRID1')
      .where('hypothesis_id', '=', later.id)
      .execute();
    expect(waiting).toEqual([{ status: 'cancelled' }]);
    // …and the next sweep brings none of it back.
    await t.labbook.scheduler.sweep();
    expect(await digests()).toEqual([{ status: 'cancelled' }]);
  });
});
