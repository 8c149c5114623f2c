import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ids } from '../../blocks/ids.js';
import type { Hypothesis, Project } from '../../src/db/schema/index.js';
import { scheduleCheckIn } from '../../src/rituals/checkins/checkins.js';
import { event, slashCommand } from '../../src/sandbox/slack/requests.js';
import { ownCast } from '../support/ownCast.js';
import { startTestApp, TEAM, type TestApp } from '../support/app.js';
import { buttons, defaultFields, makeHypothesis } from '../support/factories.js';
import { pressInMessage, pressInView, viewFrom } from '../support/messages.js';
import { submit, viewOpenedBy, type SentView } from '../support/modals.js';

/**
 * Concluding at any time: the card, the Home tab and `/hypothesis conclude H1` open the
 * check-in's outcome form for the owner or the lead, before the timebox ends too.
 */
let t: TestApp;
let project: Project;
let CHANNEL: string;
let LEAD: string;
let OWNER: string;
let seq = 0;

beforeAll(async () => {
  t = await startTestApp();
  t.fake.addUser({ id: 'U0BYSTANDER', tz: 'UTC' });
});
afterAll(() => t?.stop());
beforeEach(async () => {
  ({ project, channel: CHANNEL, lead: LEAD, owner: OWNER } = await ownCast(t, 'C0END', ++seq));
});

const db = () => t.labbook.db;
const who = (userId: string) => ({ userId, teamId: TEAM });
const row = (id: number) =>
  db().selectFrom('hypotheses').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
const posts = (channel: string) =>
  t.fake.okCallsTo('chat.postMessage').filter((c) => c.args.channel === channel);
/** Everything posted in the project channel so far (cards, thread replies), as one string. */
const channelBlocks = () =>
  posts(CHANNEL)
    .map((c) => JSON.stringify(c.args.blocks))
    .join();
/** The hypothesis' one experiment-log entry of `kind`. */
const logEntry = (hypothesisId: number, kind: 'hypothesis_concluded' | 'hypothesis_abandoned') =>
  db()
    .selectFrom('experiment_log_entries')
    .selectAll()
    .where('hypothesis_id', '=', hypothesisId)
    .where('kind', '=', kind)
    .executeTakeFirstOrThrow();

const command = (text: string, userId: string) =>
  slashCommand(t.target, {
    text,
    userId,
    teamId: TEAM,
    channelId: CHANNEL,
    responseUrl: t.fake.responseUrl(),
  });

/** The ephemeral answer to a command or a press. */
async function answered(): Promise<string> {
  const [reply] = await t.fake.waitForResponse();
  return String(reply!.body.text);
}

/** Started Mon 30 Nov 09:00 UTC for 10 days: due Thu 10 Dec; its check-in scheduled. */
async function running(): Promise<Hypothesis> {
  const h = await makeHypothesis(db(), project, {
    ownerUserId: OWNER,
    timeboxDays: 10,
    startedAt: new Date('2026-11-30T09:00:00Z'),
  });
  await scheduleCheckIn(db(), h, new Date('2026-11-30T09:00:00Z'));
  return h;
}

/** The chooser's Next: the same modal, updated to the outcome form (Slack keeps its id). */
async function choose(chooser: SentView, answer: string, userId = OWNER): Promise<SentView> {
  const reply = await submit(t.target, who(userId), chooser, { 'How did it come out?': answer });
  const json = reply.json as { response_action: string; view: SentView };
  expect(json.response_action).toBe('update');
  return { ...json.view, id: chooser.id, hash: chooser.hash } as SentView;
}

describe('/hypothesis conclude', () => {
  it('concludes a running hypothesis early: the outcome form, "concluded early, 4 of 10 days", and no check-in later', async () => {
    const h = await running();
    t.clock.set('2026-12-03T10:00:00Z'); // Thursday, day 4 of 10
    const chooser = await viewOpenedBy(t.fake, ids.hypothesis.concludeModal, () =>
      command('conclude H1', OWNER),
    );
    expect(chooser.title).toMatchObject({ text: 'Conclude H1' });
    expect(JSON.stringify(chooser.blocks)).toContain('Day 4 of 10: concluding early is fine.');
    const form = await choose(chooser, 'Disproven');
    expect(form).toMatchObject({ callback_id: ids.checkin.outcomeModal, title: { text: 'H1: Disproven' } });
    expect(JSON.stringify(form.blocks)).toContain('Day 4 of 10');
    const done = await submit(t.target, who(OWNER), form, {
      'Measured result': 'recall@10 −0.2% on rare intents',
      'What do we now know?': 'focal loss does not help when labels are this noisy',
    });
    expect(done.text).toBe('');

    expect(await row(h.id)).toMatchObject({ status: 'disproven', concluded_by: OWNER });
    const entry = await logEntry(h.id, 'hypothesis_concluded');
    expect(entry.text).toContain('H1 disproven (concluded early, 4 of 10 days)');
    expect(entry.details).toMatchObject({ timing: 'early', plannedDays: 10, actualDays: 4 });
    await expect.poll(() => channelBlocks()).toContain('concluded early, 4 of 10 days');
    expect(channelBlocks()).not.toContain('planned days');

    // The check-in that was waiting for Thursday 10 Dec never comes.
    t.clock.set('2026-12-10T10:00:00Z');
    await t.labbook.scheduler.sweep();
    expect(posts(OWNER)).toEqual([]);
    expect(t.fake.violations).toEqual([]);
  });

  it('lets the lead conclude it for the owner, the outcome named in the command', async () => {
    const h = await running();
    t.clock.set('2026-12-02T10:00:00Z');
    const form = await viewOpenedBy(t.fake, ids.checkin.outcomeModal, () =>
      command('conclude h1 validated', LEAD),
    );
    await submit(t.target, who(LEAD), form, { 'Measured result': 'recall@10 +6.1% on rare intents' });
    await expect.poll(async () => (await row(h.id)).status).toBe('validated');
    const entry = await logEntry(h.id, 'hypothesis_concluded');
    expect(entry.text).toContain(`(concluded early, 3 of 10 days) (entered by <@${LEAD}> for <@${OWNER}>)`);
  });

  it('abandons a proposed hypothesis with a reason, before it started', async () => {
    const h = await makeHypothesis(db(), project, { ownerUserId: OWNER, status: 'proposed' });
    await command('conclude H1 validated', OWNER);
    expect(await answered()).toContain('H1 has not started, so there is no result to record yet');
    t.fake.reset();
    const form = await viewOpenedBy(t.fake, ids.checkin.outcomeModal, () => command('conclude H1', OWNER));
    expect(form.title).toMatchObject({ text: 'H1: Abandon' });
    await submit(t.target, who(OWNER), form, {
      'Why stop here?': 'the vendor model already covers rare intents',
    });
    await expect.poll(async () => (await row(h.id)).status).toBe('abandoned');
    const entry = await logEntry(h.id, 'hypothesis_abandoned');
    expect(entry.text).toBe(
      'H1 abandoned (before it started): the vendor model already covers rare intents.',
    );
    expect(entry.details).toMatchObject({ timing: 'unstarted' });
    await expect.poll(() => channelBlocks()).toContain('never started (timebox 14 days)');
  });

  it('explains to anyone else, and for one already concluded, privately, and opens nothing', async () => {
    const h = await running();
    await command('conclude H1', 'U0BYSTANDER');
    expect(await answered()).toContain(
      `Only H1's owner <@${OWNER}> or the project lead <@${LEAD}> can conclude it or answer its check-in.`,
    );
    t.fake.reset();
    await db()
      .updateTable('hypotheses')
      .set({ status: 'validated', concluded_by: OWNER, concluded_at: new Date('2026-12-02T10:00:00Z') })
      .where('id', '=', h.id)
      .execute();
    await command('conclude H1', OWNER);
    expect(await answered()).toContain('H1 was already recorded as *validated*');
    t.fake.reset();
    await command('conclude H7', OWNER);
    expect(await answered()).toContain('This project has no H7.');
    t.fake.reset();
    await command('conclude soon', OWNER);
    expect(await answered()).toContain('`/hypothesis conclude H3`');
    expect(t.fake.callsTo('views.open')).toEqual([]);
  });

  it('is in the command’s usage', async () => {
    await command('help', OWNER);
    const [reply] = await t.fake.waitForResponse();
    expect(JSON.stringify(reply!.body)).toContain('conclude H3');
  });
});

describe('from the card and the Home tab', () => {
  it('the card’s Conclude opens the chooser; pressed again once concluded, it explains', async () => {
    const newForm = await viewOpenedBy(t.fake, ids.hypothesis.newModal, () => command('new', OWNER));
    await submit(t.target, who(OWNER), newForm, {
      Hypothesis: defaultFields.statement,
      Metric: defaultFields.metric,
      Baseline: defaultFields.baseline,
      'Success criteria': defaultFields.successCriteria,
      'Timebox (days)': '10',
    });
    const [card] = await t.fake.waitFor('chat.postMessage', (c) => c.args.channel === CHANNEL);
    expect(buttons(card!.args.blocks).map((b) => b.text.text)).toContain('Conclude');
    const h = await db()
      .selectFrom('hypotheses')
      .selectAll()
      .where('project_id', '=', project.id)
      .executeTakeFirstOrThrow();

    // Someone else pressing it is told why not, privately.
    await pressInMessage(t, who('U0BYSTANDER'), card!, ids.hypothesis.conclude);
    expect(await answered()).toContain('can conclude it or answer its check-in');

    const chooser = await viewOpenedBy(t.fake, ids.hypothesis.concludeModal, () =>
      pressInMessage(t, who(OWNER), card!, ids.hypothesis.conclude),
    );
    const form = await choose(chooser, 'Inconclusive');
    await submit(t.target, who(OWNER), form, { 'Measured result': 'within noise: +0.3% ± 0.5%' });
    await expect.poll(async () => (await row(h.id)).status).toBe('inconclusive');
    // The card is redrawn without the button; an old copy of it still answers sensibly.
    await expect
      .poll(() => t.fake.okCallsTo('chat.update').filter((c) => c.args.ts === card!.response?.ts).length)
      .toBeGreaterThan(0);
    const redrawn = t.fake
      .okCallsTo('chat.update')
      .filter((c) => c.args.ts === card!.response?.ts)
      .at(-1)!;
    expect(buttons(redrawn.args.blocks).map((b) => b.text.text)).not.toContain('Conclude');
    t.fake.reset();
    // A second device that has not caught up still shows the button as first posted.
    await pressInMessage(t, who(OWNER), card!, ids.hypothesis.conclude, { asFirstPosted: true });
    expect(await answered()).toContain('H1 was already recorded as *inconclusive*');
    expect(t.fake.violations).toEqual([]);
  });

  it('a proposed hypothesis’ card offers Abandon, which opens the abandon form at once', async () => {
    const newForm = await viewOpenedBy(t.fake, ids.hypothesis.newModal, () => command('new', OWNER));
    await submit(t.target, who(OWNER), newForm, {
      Hypothesis: defaultFields.statement,
      Metric: defaultFields.metric,
      Baseline: defaultFields.baseline,
      'Success criteria': defaultFields.successCriteria,
      'Timebox (days)': '14',
      When: 'Keep it proposed for now',
    });
    const [card] = await t.fake.waitFor('chat.postMessage', (c) => c.args.channel === CHANNEL);
    expect(buttons(card!.args.blocks).map((b) => b.text.text)).toEqual([
      'Details',
      'Edit',
      'Start timebox',
      'Abandon',
    ]);
    const form = await viewOpenedBy(t.fake, ids.checkin.outcomeModal, () =>
      pressInMessage(t, who(LEAD), card!, ids.hypothesis.conclude),
    );
    expect(form.title).toMatchObject({ text: 'H1: Abandon' });
  });

  it('Home lists each running hypothesis with its outcomes, without Extend before the timebox ends', async () => {
    const h = await running();
    t.clock.set('2026-12-03T10:00:00Z');
    await event(t.target, {
      teamId: TEAM,
      event: { type: 'app_home_opened', user: OWNER, channel: `D${OWNER}`, tab: 'home' },
    });
    // This owner's Home: a Home refreshed after an earlier test's conclusion may still be on its way.
    const [publish] = await t.fake.waitFor('views.publish', (c) => c.args.user_id === OWNER);
    const view = viewFrom(publish!);
    const menus = (
      view.blocks as { accessory?: { action_id: string; options: { text: { text: string } }[] } }[]
    )
      .map((b) => b.accessory)
      .filter((a) => a?.action_id === ids.checkin.fromHome);
    expect(menus).toHaveLength(1);
    expect(menus[0]!.options.map((o) => o.text.text)).toEqual([
      'Validated',
      'Disproven',
      'Inconclusive',
      'Abandon',
    ]);
    const form = await viewOpenedBy(t.fake, ids.checkin.outcomeModal, () =>
      pressInView(t.target, who(OWNER), view, ids.checkin.fromHome, 'Validated'),
    );
    expect(form.private_metadata).toBe(JSON.stringify({ hypothesisId: h.id, round: 0, answer: 'validated' }));
    expect(JSON.stringify(form.blocks)).toContain('Day 4 of 10');
  });
});

describe('/hypothesis stats', () => {
  it('counts early conclusions as early, outside the estimate of how long timeboxes really take', async () => {
    const started = new Date('2026-10-01T09:00:00Z');
    for (const days of [4, 15]) {
      const h = await makeHypothesis(db(), project, {
        ownerUserId: OWNER,
        timeboxDays: 10,
        startedAt: started,
      });
      await db()
        .updateTable('hypotheses')
        .set({
          status: 'disproven',
          concluded_by: OWNER,
          concluded_at: new Date(started.getTime() + days * 86_400_000),
        })
        .where('id', '=', h.id)
        .execute();
    }
    await command('stats', OWNER);
    const [reply] = await t.fake.waitForResponse();
    const shown = JSON.stringify(reply!.body.blocks);
    expect(shown).toContain('2 concluded: 0% validated · 100% disproven');
    expect(shown).toContain('Timebox 10 days on average, actual 10 days');
    expect(shown).toContain(
      '1 of 2 concluded early, before its timebox ended (not counted in the estimate).',
    );
  });
});
