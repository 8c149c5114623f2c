import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Project } from '../../src/db/schema/index.js';
import { scheduleCheckIn } from '../../src/rituals/checkins/checkins.js';
import { makeHypothesis, makeProject, withdrawAllPending } from '../support/factories.js';
import type { RecordedCall } from '../../src/sandbox/slack/embeddedSlack.js';
import type { WorkspaceGrant } from '../support/fakeOAuth.js';
import { install, startOAuthApp, type OAuthTestApp } from '../support/oauthApp.js';
import { event, slashCommand } from '../../src/sandbox/slack/requests.js';

/**
 * Two workspaces installed side by side: every call, whether it answers a person or is a
 * scheduled check-in, goes out with the token of the workspace it is for.
 */
let t: OAuthTestApp;
let seq = 0;

interface Workspace extends WorkspaceGrant {
  admin: string;
  owner: string;
  channel: string;
}

function workspace(name: string): Workspace {
  seq++;
  const teamId = `T0${name}${seq}`;
  const ws = {
    teamId,
    teamName: `${name} ${seq}`,
    botToken: `xoxb-${teamId}-${seq}-token`,
    botUserId: `U0${name}BOT${seq}`,
    installerId: `U0${name}ADMIN${seq}`,
    admin: `U0${name}ADMIN${seq}`,
    owner: `U0${name}OWNER${seq}`,
    channel: `C0${name}${seq}`,
  };
  t.fake.addUser({ id: ws.admin, teamId, isAdmin: true });
  t.fake.addUser({ id: ws.owner, teamId, tz: 'UTC' });
  return ws;
}

beforeAll(async () => {
  t = await startOAuthApp();
});
afterAll(() => t?.stop());
beforeEach(async () => {
  t.fake.reset();
  t.clock.set('2026-11-23T10:00:00Z');
  // Each test's workspaces are new; earlier tests' waiting deliveries are out of the way.
  await withdrawAllPending(t.labbook.db);
});

const db = () => t.labbook.db;
const target = () => t.target;

async function installed(ws: Workspace): Promise<void> {
  expect((await install(t, ws)).status).toBe(200);
}

/**
 * Running hypotheses in the workspace (one by default) whose timeboxes ended at `dueAt`
 * (an hour ago by default), their check-ins waiting.
 */
async function dueCheckIn(
  ws: Workspace,
  { count = 1, dueAt = new Date('2026-11-23T09:00:00Z') } = {},
): Promise<Project> {
  const project = await makeProject(db(), {
    teamId: ws.teamId,
    channelId: ws.channel,
    lead: ws.admin,
    members: [ws.owner],
  });
  for (let i = 0; i < count; i++) {
    const h = await makeHypothesis(db(), project, { ownerUserId: ws.owner, dueAt });
    await scheduleCheckIn(db(), h, dueAt);
  }
  return project;
}

const callsFor = (ws: Workspace): RecordedCall[] =>
  t.fake.calls.filter(
    (c) => JSON.stringify(c.args).includes(ws.owner) || JSON.stringify(c.args).includes(ws.admin),
  );

/**
 * Calls the fake Slack refused: a channel or person of one workspace named with the other's
 * token is channel_not_found / user_not_found there, as each id belongs to one workspace.
 */
const refused = () =>
  t.fake.calls.filter((c) => !c.ok).map((c) => `${c.method}: ${String(c.response?.error)}`);

const pendingDeliveries = (ws: Workspace) =>
  db().selectFrom('deliveries').select(['id', 'kind', 'status']).where('team_id', '=', ws.teamId).execute();

async function eventually<T>(check: () => Promise<T | undefined>, what: string): Promise<T> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const found = await check();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function uninstallEvent(ws: Workspace) {
  return event(target(), { teamId: ws.teamId, botUserId: ws.botUserId, event: { type: 'app_uninstalled' } });
}

describe('two workspaces side by side', () => {
  it('answers each workspace’s people with that workspace’s own token', async () => {
    const acme = workspace('ACME');
    const beta = workspace('BETA');
    await installed(acme);
    await installed(beta);

    for (const ws of [acme, beta]) {
      const responseUrl = t.fake.responseUrl();
      const ack = await slashCommand(target(), {
        text: 'hours 8-17 mon-fri',
        userId: ws.admin,
        teamId: ws.teamId,
        channelId: ws.channel,
        responseUrl,
      });
      expect(ack.status).toBe(200);
      // This command's own reply: another test's may still be on its way.
      expect(JSON.stringify((await t.fake.answerTo(responseUrl)).body)).toContain('now go out');
    }

    // users.info (is this person an admin?) went out once per workspace, with its own token.
    const lookups = t.fake.okCallsTo('users.info');
    expect(lookups.map((c) => [c.args.user, c.token])).toEqual(
      expect.arrayContaining([
        [acme.admin, acme.botToken],
        [beta.admin, beta.botToken],
      ]),
    );
    expect(lookups).toHaveLength(2);
    const hours = await db()
      .selectFrom('workspaces')
      .select(['team_id', 'working_hours_start'])
      .where('team_id', 'in', [acme.teamId, beta.teamId])
      .execute();
    expect(hours.map((h) => h.working_hours_start)).toEqual([8, 8]);
    // The fake refuses a token used on another workspace's people or channels: none was.
    expect(refused()).toEqual([]);
  });

  it('sends each workspace’s scheduled check-ins with that workspace’s own token', async () => {
    const acme = workspace('ACME');
    const beta = workspace('BETA');
    await installed(acme);
    await installed(beta);
    await dueCheckIn(acme);
    await dueCheckIn(beta);

    const report = await t.labbook.scheduler.sweep();
    expect(report).toMatchObject({ sent: 2, failed: 0 });
    for (const ws of [acme, beta]) {
      const calls = callsFor(ws);
      expect(calls.some((c) => c.method === 'chat.postMessage' && c.args.channel === ws.owner)).toBe(true);
      // Every call about this workspace's people carried this workspace's token.
      expect(new Set(calls.map((c) => c.token))).toEqual(new Set([ws.botToken]));
    }
    expect(refused()).toEqual([]);
    expect(t.fake.violations).toEqual([]);
  });

  it('takes turns: a workspace’s burst does not hold back another workspace’s check-in due after it', async () => {
    const acme = workspace('ACME');
    const beta = workspace('BETA');
    await installed(acme);
    await installed(beta);
    await dueCheckIn(acme, { count: 60, dueAt: new Date('2026-11-23T08:00:00Z') });
    // Due an hour after all of Acme's.
    await dueCheckIn(beta);

    const report = await t.labbook.scheduler.sweep();
    expect(report).toMatchObject({ sent: 61, failed: 0 });
    const posts = t.fake.calls.filter((c) => c.method === 'chat.postMessage' && c.ok);
    const betaAt = posts.findIndex((c) => c.args.channel === beta.owner);
    // Acme's sixty go one after another; Beta's went alongside the first of them, not
    // after a batch of fifty.
    expect(betaAt).toBeGreaterThanOrEqual(0);
    expect(betaAt).toBeLessThan(5);
    expect(posts.filter((c) => c.args.channel === acme.owner)).toHaveLength(60);
  });
});

describe('uninstall and revocation', () => {
  it('app_uninstalled deletes the tokens at once, cancels what was waiting, logs it, and keeps the projects', async () => {
    const acme = workspace('ACME');
    const beta = workspace('BETA');
    await installed(acme);
    await installed(beta);
    await dueCheckIn(acme);
    await dueCheckIn(beta);

    expect((await uninstallEvent(acme)).status).toBe(200);
    await eventually(
      async () => ((await pendingDeliveries(acme)).every((d) => d.status === 'cancelled') ? true : undefined),
      'the uninstalled workspace’s deliveries to be cancelled',
    );
    const rows = await db().selectFrom('installations').select('id').execute();
    expect(rows.map((r) => r.id)).not.toContain(acme.teamId);
    expect(rows.map((r) => r.id)).toContain(beta.teamId);
    expect(
      t.logs.some(
        (l) => l.includes('tokens deleted, pending deliveries cancelled') && l.includes(acme.teamId),
      ),
    ).toBe(true);
    // The team's projects stay, so a reinstall picks up where it left off.
    const projects = await db()
      .selectFrom('projects')
      .select('team_id')
      .where('team_id', '=', acme.teamId)
      .execute();
    expect(projects).toHaveLength(1);

    // The other workspace is untouched: its check-in still goes out, and its weekly digest
    // is scheduled; the uninstalled one's deliveries all stay cancelled.
    const report = await t.labbook.scheduler.sweep();
    expect(report).toMatchObject({ sent: 1 });
    expect(t.fake.okCallsTo('chat.postMessage').map((c) => c.token)).toEqual([beta.botToken]);
    expect((await pendingDeliveries(acme)).map((d) => d.status)).toEqual(['cancelled']);
    expect((await pendingDeliveries(beta)).map((d) => [d.kind, d.status])).toEqual(
      expect.arrayContaining([['digest', 'pending']]),
    );
  });

  it('tokens_revoked for the bot removes the installation; for people only, just their user tokens', async () => {
    const acme = workspace('ACME');
    await installed({ ...acme, userToken: `xoxp-${acme.teamId}-user` });
    const userToken = () =>
      db().selectFrom('installations').select('user_token').where('id', '=', acme.teamId).executeTakeFirst();

    await event(target(), {
      teamId: acme.teamId,
      event: { type: 'tokens_revoked', tokens: { oauth: [acme.installerId] } },
    });
    await eventually(
      async () => ((await userToken())?.user_token === null ? true : undefined),
      'the user token to go',
    );
    expect(await userToken()).toEqual({ user_token: null });

    await dueCheckIn(acme);
    await event(target(), {
      teamId: acme.teamId,
      event: { type: 'tokens_revoked', tokens: { bot: [acme.botUserId] } },
    });
    await eventually(
      async () => ((await userToken()) === undefined ? true : undefined),
      'the installation to go',
    );
    expect((await pendingDeliveries(acme)).map((d) => d.status)).toEqual(['cancelled']);
  });

  it('a delivery for a workspace with no installation is cancelled, not retried', async () => {
    const acme = workspace('ACME');
    await installed(acme);
    await dueCheckIn(acme);
    // Removed without an event reaching this replica (it was down, say).
    await db().deleteFrom('installations').where('id', '=', acme.teamId).execute();

    const report = await t.labbook.scheduler.sweep();
    expect(report).toMatchObject({ sent: 0, retried: 0, failed: 0, cancelled: 1 });
    // The check-in is cancelled, and no weekly digest is scheduled for a team nobody serves.
    expect((await pendingDeliveries(acme)).map((d) => [d.kind, d.status])).toEqual([
      ['checkin', 'cancelled'],
    ]);
    await t.labbook.scheduler.sweep();
    expect((await pendingDeliveries(acme)).map((d) => [d.kind, d.status])).toEqual([
      ['checkin', 'cancelled'],
    ]);
    expect(t.fake.callsTo('chat.postMessage')).toHaveLength(0);

    // Someone there still types the command: acked, nothing called, no error in the logs.
    t.fake.reset();
    const ack = await slashCommand(target(), {
      text: 'hours',
      userId: acme.admin,
      teamId: acme.teamId,
      channelId: acme.channel,
      responseUrl: t.fake.responseUrl(),
    });
    expect(ack.status).toBe(200);
    await expect
      .poll(() =>
        t.logs.some((l) => l.includes('without an installation; ignored') && l.includes(acme.teamId)),
      )
      .toBe(true);
    expect(t.logs.filter((l) => l.includes('"level":"error"') && l.includes(acme.teamId))).toEqual([]);
    expect(t.fake.calls).toHaveLength(0);
  });

  it('after a reinstall the new token is used, by people and by the scheduler', async () => {
    const acme = workspace('ACME');
    await installed(acme);
    await dueCheckIn(acme);
    expect(await t.labbook.scheduler.sweep()).toMatchObject({ sent: 1 });

    await uninstallEvent(acme);
    await eventually(
      async () =>
        (await db().selectFrom('installations').select('id').where('id', '=', acme.teamId).executeTakeFirst())
          ? undefined
          : true,
      'the installation to go',
    );
    const again = { ...acme, botToken: `${acme.botToken}-reinstalled` };
    await installed(again);
    t.fake.reset();

    // The same project is still there; a new hypothesis' check-in goes out with the new token.
    const project = await db()
      .selectFrom('projects')
      .selectAll()
      .where('team_id', '=', acme.teamId)
      .executeTakeFirstOrThrow();
    const h = await makeHypothesis(db(), project, {
      ownerUserId: acme.owner,
      dueAt: new Date('2026-11-23T09:30:00Z'),
    });
    await scheduleCheckIn(db(), h, new Date('2026-11-23T09:30:00Z'));
    expect(await t.labbook.scheduler.sweep()).toMatchObject({ sent: 1 });
    expect(t.fake.okCallsTo('chat.postMessage').map((c) => c.token)).toEqual([again.botToken]);

    const responseUrl = t.fake.responseUrl();
    await slashCommand(target(), {
      text: 'hours 8-17 mon-fri',
      userId: acme.admin,
      teamId: acme.teamId,
      channelId: acme.channel,
      responseUrl,
    });
    const [lookup] = await t.fake.waitFor('users.info', (c) => c.args.user === acme.admin);
    expect(lookup!.token).toBe(again.botToken);
    expect(JSON.stringify((await t.fake.answerTo(responseUrl)).body)).toContain('now go out');
  });
});
