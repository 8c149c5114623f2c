import { sql } from 'kysely';
import { Migrator } from 'kysely/migration';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ids } from '../../blocks/ids.js';
import { saveDigestSettings } from '../../src/db/digests.js';
import { createDb, type Db } from '../../src/db/index.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { ensureWorkspace } from '../../src/db/workspaces.js';
import { createLogger } from '../../src/logger.js';
import { migrations } from '../../migrations/index.js';
import { scheduleCheckIn } from '../../src/rituals/checkins/checkins.js';
import { startTestApp, TEAM, type TestApp } from '../support/app.js';
import { createTestDatabase } from '../support/db.js';
import { makeHypothesis, makeProject } from '../support/factories.js';
import { latestView, submit, waitForView } from '../support/modals.js';
import { install, startOAuthApp, type OAuthTestApp } from '../support/oauthApp.js';
import { slashCommand } from '../../src/sandbox/slack/requests.js';

/** Rows per team in every table that has a team_id column, so a table added later is covered too. */
async function rowsOf(db: Db, teamId: string): Promise<Record<string, number>> {
  const { rows } = await sql<{ table_name: string }>`
    select table_name from information_schema.columns
    where table_schema = 'public' and column_name = 'team_id'
    order by table_name`.execute(db);
  const counts: Record<string, number> = {};
  for (const { table_name } of rows) {
    const r = await sql<{
      n: number;
    }>`select count(*)::int as n from ${sql.table(table_name)} where team_id = ${teamId}`.execute(db);
    counts[table_name] = r.rows[0]!.n;
  }
  return counts;
}

const nonZero = (counts: Record<string, number>) =>
  Object.fromEntries(Object.entries(counts).filter(([, n]) => n > 0));

/**
 * A workspace with a project, a running hypothesis with its check-in waiting, and a log;
 * the project's digest moved to Thursday, and a team-wide digest in a channel of its own
 * (a row no project cascades from).
 */
async function populate(db: Db, teamId: string, owner: string): Promise<void> {
  const project = await makeProject(db, { teamId, channelId: `C0${teamId}`, lead: owner, members: [owner] });
  const h = await makeHypothesis(db, project, {
    ownerUserId: owner,
    dueAt: new Date('2026-11-30T09:00:00Z'),
  });
  await scheduleCheckIn(db, h, new Date('2026-11-23T09:00:00Z'));
  const at = new Date('2026-11-23T09:00:00Z');
  await saveDigestSettings(db, {
    teamId,
    channelId: project.channel_id,
    projectId: project.id,
    weekday: 4,
    setBy: owner,
    at,
  });
  await saveDigestSettings(db, { teamId, channelId: `C0${teamId}ALL`, projectId: null, setBy: owner, at });
}

function forgetCommand(t: TestApp, teamId: string, userId: string) {
  return slashCommand(t.target, {
    text: 'forget-workspace',
    userId,
    teamId,
    channelId: `C0${teamId}`,
    responseUrl: t.fake.responseUrl(),
  });
}

describe('/hypothesis forget-workspace in OAuth mode', () => {
  let t: OAuthTestApp;
  const ACME = {
    teamId: 'T0ACME',
    botToken: 'xoxb-acme-f',
    botUserId: 'U0ACMEBOT',
    installerId: 'U0ACMEADMIN',
  };
  const BETA = {
    teamId: 'T0BETA',
    botToken: 'xoxb-beta-f',
    botUserId: 'U0BETABOT',
    installerId: 'U0BETAADMIN',
  };

  beforeAll(async () => {
    t = await startOAuthApp();
    t.fake.addUser({ id: 'U0ACMEADMIN', teamId: 'T0ACME', isAdmin: true });
    t.fake.addUser({ id: 'U0ACMEDEV', teamId: 'T0ACME' });
    t.fake.addUser({ id: 'U0BETAOWNER', teamId: 'T0BETA' });
    await install(t, ACME);
    await install(t, BETA);
    await populate(t.labbook.db, 'T0ACME', 'U0ACMEDEV');
    await populate(t.labbook.db, 'T0BETA', 'U0BETAOWNER');
  });
  afterAll(() => t?.stop());
  beforeEach(() => t.fake.reset());

  it('is refused to someone who is not a workspace admin, and nothing is deleted', async () => {
    // A workspace of its own: another test forgets ACME.
    const teamId = 'T0ZETA';
    t.fake.addUser({ id: 'U0ZETADEV', teamId });
    await install(t, { teamId, botToken: 'xoxb-ZETA-f', botUserId: 'U0ZETABOT', installerId: 'U0ZETAADMIN' });
    await populate(t.labbook.db, teamId, 'U0ZETADEV');
    t.fake.reset();
    await forgetCommand(t, teamId, 'U0ZETADEV');
    const [reply] = await t.fake.waitForResponse();
    expect(JSON.stringify(reply!.body)).toContain('Only a workspace admin or owner');
    expect(t.fake.callsTo('views.open')).toHaveLength(0);
    expect(nonZero(await rowsOf(t.labbook.db, teamId))).toMatchObject({
      projects: 1,
      hypotheses: 1,
      digest_settings: 2,
    });
  });

  it('asks an admin to confirm, then deletes every row of the workspace and its tokens, and nobody else’s', async () => {
    const before = nonZero(await rowsOf(t.labbook.db, 'T0BETA'));
    await forgetCommand(t, 'T0ACME', 'U0ACMEADMIN');
    const modal = await waitForView(t.fake, ids.workspace.forgetModal);
    expect(JSON.stringify(modal.blocks)).toContain('*1 project* with their design docs');

    // A slip of the keyboard keeps everything.
    const wrong = await submit(t.target, { userId: 'U0ACMEADMIN', teamId: 'T0ACME' }, modal, {
      confirm: 'delete it',
    });
    expect(wrong.json).toEqual({ response_action: 'errors', errors: { confirm: 'Type DELETE to confirm.' } });
    expect(nonZero(await rowsOf(t.labbook.db, 'T0ACME'))).toMatchObject({ projects: 1 });

    const done = await submit(
      t.target,
      { userId: 'U0ACMEADMIN', teamId: 'T0ACME' },
      latestView(t.fake, ids.workspace.forgetModal),
      {
        confirm: 'DELETE',
      },
    );
    expect(done.status).toBe(200);
    expect(JSON.stringify(done.json)).toContain(
      'deleted everything it kept about this workspace, its access tokens included',
    );
    expect(nonZero(await rowsOf(t.labbook.db, 'T0ACME'))).toEqual({});
    const installations = await t.labbook.db.selectFrom('installations').select('id').execute();
    // Other tests install (and forget) workspaces of their own; BETA is the one that must stay.
    expect(installations.map((i) => i.id)).toContain('T0BETA');
    expect(installations.map((i) => i.id)).not.toContain('T0ACME');
    expect(nonZero(await rowsOf(t.labbook.db, 'T0BETA'))).toEqual(before);
    expect(t.logs.some((l) => l.includes('workspace data deleted') && l.includes('T0ACME'))).toBe(true);
    expect(t.fake.violations).toEqual([]);
  });

  /** A workspace of its own, installed and populated, with its admin's confirmation modal open. */
  async function confirmationOpen(name: string) {
    const teamId = `T0${name}`;
    const admin = `U0${name}ADMIN`;
    t.fake.addUser({ id: admin, teamId, isAdmin: true });
    await install(t, { teamId, botToken: `xoxb-${name}-f`, botUserId: `U0${name}BOT`, installerId: admin });
    await populate(t.labbook.db, teamId, admin);
    await forgetCommand(t, teamId, admin);
    return { teamId, admin, modal: await waitForView(t.fake, ids.workspace.forgetModal) };
  }

  it('opens the confirmation within the trigger’s 3 s while users.info is rate-limited; the submission asks again', async () => {
    const teamId = 'T0EPSILON';
    const admin = 'U0EPSILONADMIN';
    t.fake.addUser({ id: admin, teamId, isAdmin: true });
    await install(t, { teamId, botToken: 'xoxb-EPSILON-f', botUserId: 'U0EPSILONBOT', installerId: admin });
    await populate(t.labbook.db, teamId, admin);
    t.fake.fail('users.info', { kind: 'ratelimited', retryAfter: 30 });
    await forgetCommand(t, teamId, admin);
    // The trigger is single-use and lasts 3 s: the fake refuses views.open after that.
    const modal = await waitForView(t.fake, ids.workspace.forgetModal);
    expect(t.fake.callsTo('views.open').filter((c) => !c.ok)).toEqual([]);
    const done = await submit(t.target, { userId: admin, teamId }, modal, { confirm: 'DELETE' });
    expect(JSON.stringify(done.json)).toContain('deleted everything it kept about this workspace');
    expect(nonZero(await rowsOf(t.labbook.db, teamId))).toEqual({});
    expect(t.fake.violations).toEqual([]);
  });

  it('answers the confirmation within 3 s while users.info is rate-limited, and deletes once Slack says the person is an admin', async () => {
    const { teamId, admin, modal } = await confirmationOpen('GAMMA');
    // Slack's rate limiter: the check made before the answer is told to wait 30 s, and so is
    // the first one after it (1 s there, so that the test does not wait long).
    t.fake.fail(
      'users.info',
      { kind: 'ratelimited', retryAfter: 30 },
      { kind: 'ratelimited', retryAfter: 1 },
    );
    const started = Date.now();
    const answer = await submit(t.target, { userId: admin, teamId }, modal, { confirm: 'DELETE' });
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ response_action: 'update', view: { type: 'modal' } });
    expect(JSON.stringify(answer.json)).toContain('Nothing is deleted until that is confirmed');

    const [updated] = await t.fake.waitFor('views.update', (c) => c.args.view_id === modal.id);
    expect(JSON.stringify(updated!.args.view)).toContain(
      'deleted everything it kept about this workspace, its access tokens included',
    );
    expect(nonZero(await rowsOf(t.labbook.db, teamId))).toEqual({});
    // Nothing went before Slack answered: the check was asked until it was.
    const checks = t.fake.callsTo('users.info').filter((c) => c.at >= started);
    expect(checks.map((c) => c.fault ?? 'answered')).toEqual(['ratelimited', 'ratelimited', 'answered']);
    expect(t.fake.violations).toEqual([]);
  });

  it('checks again after a rate-limited answer, and deletes nothing for someone no longer an admin', async () => {
    const { teamId, admin, modal } = await confirmationOpen('DELTA');
    // Between opening the modal and confirming, the person stopped being an admin.
    t.fake.addUser({ id: admin, teamId });
    t.fake.fail('users.info', { kind: 'ratelimited', retryAfter: 30 });
    const started = Date.now();
    const answer = await submit(t.target, { userId: admin, teamId }, modal, { confirm: 'DELETE' });
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(JSON.stringify(answer.json)).toContain('Nothing is deleted until that is confirmed');

    const [updated] = await t.fake.waitFor('views.update', (c) => c.args.view_id === modal.id);
    expect(JSON.stringify(updated!.args.view)).toContain(
      'Nothing was deleted. Only a workspace admin or owner can delete',
    );
    expect(nonZero(await rowsOf(t.labbook.db, teamId))).toMatchObject({ projects: 1, hypotheses: 1 });
    expect(
      await t.labbook.db.selectFrom('installations').select('id').where('id', '=', teamId).execute(),
    ).toHaveLength(1);
    expect(t.fake.violations).toEqual([]);
  });
});

describe('/hypothesis forget-workspace in single-workspace mode', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
    t.fake.addUser({ id: 'U0OWNER1', teamId: TEAM, isOwner: true });
    await populate(t.labbook.db, TEAM, 'U0OWNER1');
  });
  afterAll(() => t?.stop());

  it('deletes the data; Labbook stays, starting from nothing', async () => {
    await forgetCommand(t, TEAM, 'U0OWNER1');
    const modal = await waitForView(t.fake, ids.workspace.forgetModal);
    const done = await submit(t.target, { userId: 'U0OWNER1', teamId: TEAM }, modal, { confirm: 'delete' });
    expect(JSON.stringify(done.json)).toContain('It starts from nothing the next time someone uses it');
    // Only the bare workspace row with its default settings is back.
    expect(nonZero(await rowsOf(t.labbook.db, TEAM))).toEqual({ workspaces: 1 });

    // …and the next person can start a project there again.
    t.fake.reset();
    await slashCommand(t.target, {
      text: 'project',
      userId: 'U0OWNER1',
      teamId: TEAM,
      channelId: 'C0NEW',
      responseUrl: t.fake.responseUrl(),
    });
    await waitForView(t.fake, ids.project.modal);
    expect(t.fake.violations).toEqual([]);
  });
});

describe('upgrading a database where forget-workspace left team-wide digest settings behind', () => {
  it('drops the leftovers and keeps every setting whose workspace is still there', async () => {
    const url = await createTestDatabase();
    const db = createDb(url, { max: 2 });
    try {
      const migrator = new Migrator({ db, provider: { getMigrations: () => Promise.resolve(migrations) } });
      expect((await migrator.migrateTo('20261125T1200_digests')).error).toBeUndefined();
      const at = new Date('2026-11-23T09:00:00Z');
      await ensureWorkspace(db, 'T0KEPT');
      await saveDigestSettings(db, {
        teamId: 'T0KEPT',
        channelId: 'C0ALL',
        projectId: null,
        setBy: 'U0A',
        at,
      });
      await saveDigestSettings(db, {
        teamId: 'T0GONE',
        channelId: 'C0ALL',
        projectId: null,
        setBy: 'U0B',
        at,
      });

      await migrateToLatest(db, url, createLogger({ level: 'warn' }));
      const left = await db.selectFrom('digest_settings').select('team_id').execute();
      expect(left).toEqual([{ team_id: 'T0KEPT' }]);
    } finally {
      await db.destroy();
    }
  });
});
