import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ids } from '../../blocks/ids.js';
import { APOLOGY } from '../../src/slack/tell.js';
import { defaultFields, makeProject } from '../support/factories.js';
import { submit, viewOpenedBy } from '../support/modals.js';
import { BOT_TOKEN, startTestApp, TEAM, type TestApp } from '../support/app.js';
import type { RecordedCall } from '../../src/sandbox/slack/embeddedSlack.js';
import { slashCommand } from '../../src/sandbox/slack/requests.js';

let t: TestApp;
/** What the app asked Slack while starting, before any test ran. */
let atStartup: RecordedCall[];
beforeAll(async () => {
  t = await startTestApp();
  atStartup = [...t.fake.calls];
});
afterAll(async () => {
  await t?.stop();
});
beforeEach(() => {
  t.fake.reset();
});

const user = 'U0ALICE';
const help = (text: string, opts?: Parameters<typeof slashCommand>[2]) =>
  slashCommand(
    t.target,
    { text, userId: user, teamId: TEAM, channelId: 'C0PROJECT', responseUrl: t.fake.responseUrl() },
    opts,
  );

async function workspaceCount(): Promise<number> {
  const { count } = await t.labbook.db
    .selectFrom('workspaces')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .executeTakeFirstOrThrow();
  return count;
}

describe('the HTTP receiver', () => {
  it('answers /healthz with 200 while the database answers', async () => {
    const res = await fetch(`${t.baseUrl}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, database: 'ok' });
  });

  it('introduced itself to Slack with auth.test and recorded its workspace', async () => {
    expect(atStartup.map((c) => [c.method, c.token, c.ok])).toContainEqual(['auth.test', BOT_TOKEN, true]);
    const ws = await t.labbook.db.selectFrom('workspaces').selectAll().execute();
    // The bot's user id is known only from auth.test's answer.
    expect(ws).toEqual([
      expect.objectContaining({
        team_id: TEAM,
        bot_user_id: t.fake.botUserId,
        working_hours_start: 9,
        working_hours_end: 18,
      }),
    ]);
  });

  it.each([
    ['a wrong signature', { badSignature: true }],
    [
      'a correct signature older than five minutes (a replay)',
      { timestamp: Math.floor(Date.now() / 1000) - 6 * 60 },
    ],
  ])('rejects a request with %s with 401 and changes nothing', async (_what, opts) => {
    const before = await workspaceCount();
    const res = await slashCommand(
      t.target,
      {
        text: 'help',
        userId: user,
        teamId: 'T0STRANGER',
        channelId: 'C1',
        responseUrl: t.fake.responseUrl(),
      },
      opts,
    );
    expect(res.status).toBe(401);
    await new Promise((r) => setTimeout(r, 200));
    expect(t.fake.responses).toEqual([]);
    expect(await workspaceCount()).toBe(before);
  });
});

describe('/hypothesis help', () => {
  it('acks at once and answers the caller alone with usage', async () => {
    const res = await help('help');
    expect(res.status).toBe(200);
    const [reply] = await t.fake.waitForResponse();
    expect(reply!.body).toMatchObject({ response_type: 'ephemeral' });
    const shown = JSON.stringify(reply!.body.blocks);
    expect(shown).toContain('/hypothesis help');
    expect(t.fake.violations).toEqual([]);
  });

  it('acks before the work: a slow reply does not hold back the 200 Slack waits for', async () => {
    t.fake.failResponseUrl({ kind: 'slow', delayMs: 2_000 });
    const started = Date.now();
    const res = await help('help');
    expect(res.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(1_000);
    await t.fake.waitForResponse(undefined, { timeoutMs: 5_000 });
  });

  it('shows the same usage, naming the mistake, for an unknown subcommand', async () => {
    await help('frobnicate the model');
    const [reply] = await t.fake.waitForResponse();
    const shown = JSON.stringify(reply!.body.blocks);
    expect(shown).toContain("I don't know `frobnicate`");
    expect(shown).toContain('/hypothesis help');
    expect(t.fake.violations).toEqual([]);
  });

  it('shows usage for an empty command', async () => {
    await help('   ');
    const [reply] = await t.fake.waitForResponse();
    expect(JSON.stringify(reply!.body.blocks)).toContain('/hypothesis help');
  });

  it('escapes what was typed, so `<!channel>` is shown and never triggered', async () => {
    await help('<!channel>');
    const [reply] = await t.fake.waitForResponse();
    const shown = JSON.stringify(reply!.body.blocks);
    expect(shown).not.toContain('<!channel>');
    expect(shown).toContain('&lt;!channel&gt;');
  });
});

describe('/healthz when the database is gone', () => {
  it('answers 503', async () => {
    // An app of its own, on the same embedded Slack, whose database is taken away: the
    // file's shared app keeps its own, whatever order the tests run in.
    const gone = await startTestApp({ fake: t.fake });
    try {
      const url = new URL(gone.databaseUrl);
      const name = url.pathname.slice(1);
      url.pathname = '/postgres';
      const admin = new pg.Client({ connectionString: url.toString() });
      await admin.connect();
      try {
        await admin.query(`drop database ${admin.escapeIdentifier(name)} with (force)`);
      } finally {
        await admin.end();
      }
      const res = await fetch(`${gone.baseUrl}/healthz`);
      expect(res.status).toBe(503);
      expect(await res.json()).toEqual({ ok: false, database: 'unreachable' });
    } finally {
      await gone.stop();
    }
  });
});

describe('a request that fails before anyone acknowledges it', () => {
  // A fault of Labbook's own before any listener runs, put into the real app's middleware.
  let failing: 'command' | 'form' | undefined;
  beforeAll(() => {
    t.labbook.slack.app.use(async ({ body, next }) => {
      const b = body as { command?: string; type?: string };
      if ((failing === 'command' && b.command) || (failing === 'form' && b.type === 'view_submission'))
        throw new Error('a fault before the ack');
      await next();
    });
  });
  afterEach(() => {
    failing = undefined;
  });

  it('a command is acknowledged with an apology, not told it is out of date', async () => {
    failing = 'command';
    const reply = await help('list');
    expect(reply.status).toBe(200);
    const [answer] = await t.fake.waitForResponse();
    expect(answer!.body).toMatchObject({ response_type: 'ephemeral', text: APOLOGY });
  });

  it('a form keeps what was typed and says, over a field, that it was not saved', async () => {
    const project = await makeProject(t.labbook.db, { teamId: TEAM, channelId: 'C0FAULTY', lead: user });
    const modal = await viewOpenedBy(t.fake, ids.hypothesis.newModal, () =>
      slashCommand(t.target, {
        text: 'new',
        userId: user,
        teamId: TEAM,
        channelId: project.channel_id,
        responseUrl: t.fake.responseUrl(),
      }),
    );
    failing = 'form';
    // submit() fails the test if Slack would refuse the ack (an error key that is not an input block).
    const reply = await submit(t.target, { userId: user, teamId: TEAM }, modal, {
      Hypothesis: defaultFields.statement,
      Metric: defaultFields.metric,
      Baseline: defaultFields.baseline,
      'Success criteria': defaultFields.successCriteria,
      'Timebox (days)': String(defaultFields.timeboxDays),
    });
    const { response_action, errors } = reply.json as {
      response_action: string;
      errors: Record<string, string>;
    };
    expect(response_action).toBe('errors');
    expect(Object.values(errors)).toEqual([expect.stringContaining('this form was not saved')]);
    const stored = await t.labbook.db
      .selectFrom('hypotheses')
      .select('id')
      .where('project_id', '=', project.id)
      .execute();
    expect(stored).toEqual([]);
  });
});
