import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ids } from '../../blocks/ids.js';
import type { Project } from '../../src/db/schema/index.js';
import { startTestApp, TEAM, type TestApp } from '../support/app.js';
import { buttons, defaultFields, makeHypothesis, makeProject } from '../support/factories.js';
import { cardOf } from '../support/cards.js';
import { pressInMessage, pressInReply } from '../support/messages.js';
import { fill, submit, typeInto, viewOpenedBy, type FillValue, type SentView } from '../support/modals.js';
import { slashCommand } from '../../src/sandbox/slack/requests.js';

let t: TestApp;
let project: Project;
const CHANNEL = 'C0PROJECT';
const ALICE = 'U0ALICE';

beforeAll(async () => {
  t = await startTestApp();
  t.fake.addUser({ id: ALICE, tz: 'Europe/Berlin' });
  project = await makeProject(t.labbook.db, {
    teamId: TEAM,
    channelId: CHANNEL,
    lead: 'U0LEAD',
    members: [ALICE],
  });
});
afterAll(() => t?.stop());
beforeEach(() => t.fake.reset());

const command = (text: string, channelId = CHANNEL, userId = ALICE, teamId = TEAM) =>
  slashCommand(t.target, { text, userId, teamId, channelId, responseUrl: t.fake.responseUrl() });

const who = (userId = ALICE) => ({ userId, teamId: TEAM });

/** The new-hypothesis modal as `/hypothesis new` opens it in the project channel. */
const newModal = (userId = ALICE, channelId = CHANNEL) =>
  viewOpenedBy(t.fake, ids.hypothesis.newModal, () => command('new', channelId, userId));

/** What a person types into the hypothesis form, by label. */
const typed: Record<string, FillValue> = {
  Hypothesis: defaultFields.statement,
  Method: defaultFields.method,
  Metric: defaultFields.metric,
  Baseline: defaultFields.baseline,
  'Success criteria': defaultFields.successCriteria,
  'Timebox (days)': '14',
  'Next step if it fails': defaultFields.nextOnFailure,
  'Next step if it succeeds': defaultFields.nextOnSuccess,
};

/** Opens the new-hypothesis modal and submits it filled with `typed` and `values`. */
const submitNew = async (values: Record<string, FillValue> = {}, userId = ALICE, channelId = CHANNEL) =>
  submit(t.target, who(userId), await newModal(userId, channelId), { ...typed, ...values });

const hypothesesRows = (of?: Project) =>
  t.labbook.db
    .selectFrom('hypotheses')
    .selectAll()
    .$if(of !== undefined, (q) => q.where('project_id', '=', of!.id))
    .orderBy('id')
    .execute();

let projects = 0;
/** A project of its own for a test that counts its hypotheses (H-numbers are per project). */
const freshProject = () =>
  makeProject(t.labbook.db, {
    teamId: TEAM,
    channelId: `C0FRESH${++projects}`,
    lead: 'U0LEAD',
    members: [ALICE],
  });
const logRows = () => t.labbook.db.selectFrom('experiment_log_entries').selectAll().orderBy('id').execute();

describe('/hypothesis new', () => {
  it('opens the new-hypothesis modal with the channel’s project and the caller as owner, the timebox left to pick', async () => {
    const ack = await command('new');
    expect(ack.status).toBe(200);
    const [open] = await t.fake.waitFor('views.open');
    const view = open!.args.view as Record<string, unknown>;
    expect(view).toMatchObject({
      type: 'modal',
      callback_id: 'hypothesis.new',
      title: { text: 'New hypothesis' },
    });
    const shown = JSON.stringify(view);
    expect(shown).toContain(
      `"initial_option":{"text":{"type":"plain_text","text":"Search ranking","emoji":true},"value":"${project.id}"}`,
    );
    expect(shown).toContain(`"initial_user":"${ALICE}"`);
    // No silent default: nothing is filled in (test/plan/timeboxHint.test.ts: the hint).
    const timebox = (view.blocks as { block_id?: string; hint?: { text: string }; element: object }[]).find(
      (b) => b.block_id === 'timeboxDays',
    )!;
    expect(timebox.element).not.toHaveProperty('initial_value');
    expect(timebox.hint!.text).toMatch(/^Whole days; when they end, the owner is asked how it went\./);
    expect(t.fake.violations).toEqual([]);
  });

  it('opens the modal within the trigger’s 3 seconds even when Slack rate-limits users.info', async () => {
    // UTC+14, where the due day is already Tuesday; never looked up, so nothing is cached.
    t.fake.addUser({ id: 'U0NEWCOMER', tz: 'Pacific/Kiritimati' });
    t.fake.fail('users.info', { kind: 'ratelimited', retryAfter: 5 });
    const view = await newModal('U0NEWCOMER');
    expect(view.callback_id).toBe(ids.hypothesis.newModal);
    expect(JSON.stringify(view)).toContain('Whole days; when they end, the owner is asked how it went.');
    expect(t.fake.callsTo('views.open').map((c) => c.response?.error ?? 'ok')).toEqual(['ok']);
  });

  it('redraws the due date as the timebox is typed, keeping the rest of the form', async () => {
    const view = await newModal();
    await typeInto(t.target, who(), view, 'Timebox (days)', '3');
    const [update] = await t.fake.waitFor('views.update', (c) => c.args.view_id === view.id);
    expect(update!.args).toMatchObject({ view_id: view.id, hash: view.hash });
    const blocks = (update!.args.view as { blocks: { block_id?: string; hint?: { text: string } }[] }).blocks;
    expect(blocks.find((b) => b.block_id === 'timeboxDays')!.hint!.text).toBe(
      '3 days: due Thu 26 Nov 2026 if it starts now. Its owner is asked how it went then.',
    );
    expect(blocks.map((b) => b.block_id)).toEqual(view.blocks.map((b) => b.block_id));
    expect(t.fake.violations).toEqual([]);
  });

  it('stores the submitted hypothesis as H1, posts its card to the project channel and logs it', async () => {
    const fresh = await freshProject();
    const reply = await submitNew({}, ALICE, fresh.channel_id);
    expect(reply.status).toBe(200);
    expect(reply.text).toBe('');
    const [post] = await t.fake.waitFor('chat.postMessage', (c) => c.args.channel === fresh.channel_id);
    // Two lines in the channel, without the project's name (it is the project's channel).
    const [line] = post!.args.blocks as { text: { text: string } }[];
    expect(line!.text.text).toMatch(
      new RegExp(
        `^\\*H1\\* Focal loss will improve recall on rare intents by 5% over the baseline\n<@${ALICE}> · due <!date\\^\\d+\\^\\{date_short_pretty\\}\\|2026-12-07>$`,
      ),
    );
    expect(JSON.stringify(post!.args)).not.toContain(fresh.name);
    expect(buttons(post!.args.blocks as never).map((b) => b.text.text)).toEqual([
      'Details',
      'Edit',
      'Conclude',
    ]);

    const [h] = await hypothesesRows(fresh);
    expect(h).toMatchObject({
      number: 1,
      status: 'running',
      owner_user_id: ALICE,
      timebox_days: 14,
      started_at: new Date('2026-11-23T10:00:00Z'),
      due_at: new Date('2026-12-07T10:00:00Z'),
    });
    // Where the card landed is kept, so later changes update it in place.
    await expect.poll(async () => (await hypothesesRows(fresh))[0]!.card_channel_id).toBe(fresh.channel_id);
    expect((await hypothesesRows(fresh))[0]!.card_ts).toMatch(/^\d+\.\d{6}$/);
    const log = await logRows();
    expect(log.at(-1)).toMatchObject({
      kind: 'hypothesis_created',
      hypothesis_id: h!.id,
      author_user_id: ALICE,
    });
    expect(t.fake.violations).toEqual([]);
  });

  it('numbers the next one H2, and a proposed one has no due date yet', async () => {
    const fresh = await freshProject();
    await submitNew({}, ALICE, fresh.channel_id);
    await submitNew(
      { When: 'Keep it proposed for now', Hypothesis: 'Oversampling rare intents improves recall by 3%' },
      ALICE,
      fresh.channel_id,
    );
    const rows = await hypothesesRows(fresh);
    expect(rows.at(-1)).toMatchObject({ number: 2, status: 'proposed', due_at: null, started_at: null });
  });

  it('saved after Slack stopped waiting: kept once, its card posted, and the form says it was saved', async () => {
    const fresh = await freshProject();
    const modal = await newModal(ALICE, fresh.channel_id);
    // Another submission to the project holds its row (it numbers H1, H2, …) for longer
    // than Slack waits for an answer.
    let release!: () => void;
    const held = new Promise<void>((locked) => {
      void t.labbook.db.transaction().execute(async (trx) => {
        await trx.selectFrom('projects').select('id').where('id', '=', fresh.id).forUpdate().execute();
        locked();
        await new Promise<void>((r) => (release = r));
      });
    });
    await held;
    const submitting = submit(t.target, who(), modal, typed);
    await new Promise((r) => setTimeout(r, 3_300));
    release();
    // What Slack got at 3 s was Bolt's own answer, not the form's: Slack shows an error.
    expect((await submitting).status).toBe(404);

    const [post] = await t.fake.waitFor('chat.postMessage', (c) => c.args.channel === fresh.channel_id);
    expect(JSON.stringify(post!.args.blocks)).toContain('*H1*');
    expect(await hypothesesRows(fresh)).toHaveLength(1);
    // The form still open behind Slack's error now says it was saved, and cannot be sent again.
    const [redrawn] = await t.fake.waitFor('views.update', (c) => c.args.view_id === modal.id);
    const view = redrawn!.args.view as { submit?: unknown; blocks: unknown[] };
    expect(view.submit).toBeUndefined();
    expect(JSON.stringify(view.blocks)).toContain('there is no need to submit it again');
  });

  it('offers a timebox of 1 to 90 days only, which Slack enforces before anything is sent', async () => {
    const view = await newModal();
    expect(() => fill(view, { ...typed, 'Timebox (days)': '0' })).toThrow(/at least 1/);
    expect(() => fill(view, { ...typed, 'Timebox (days)': '120' })).toThrow(/at most 90/);
    expect(() => fill(view, { ...typed, 'Timebox (days)': '2.5' })).toThrow(/whole number/);
    // The metric and the timebox are asked for; Slack refuses the form without them.
    expect(() => fill(view, { ...typed, 'Timebox (days)': '' })).toThrow(/required/);
    expect(() => fill(view, { ...typed, Metric: '' })).toThrow(/required/);
  });

  it.each([
    ['statement', { Hypothesis: ' ' }, /Write the hypothesis/],
    ['successCriteria', { 'Success criteria': 'make the model better' }, /measurable bar/],
    // The hint calls these too vague, and the check agrees.
    ['successCriteria', { 'Success criteria': 'improve recall' }, /"improve recall" cannot be checked/],
    ['successCriteria', { 'Success criteria': 'Improve AUC by X%' }, /Replace the X/],
    ['baseline', { Baseline: '' }, /None yet: this hypothesis establishes it/],
  ])('answers an invalid %s (typed: %j) inline and stores nothing', async (field, values, message) => {
    const before = (await hypothesesRows()).length;
    const logBefore = (await logRows()).length;
    const reply = await submitNew(values);
    expect(reply.status).toBe(200);
    expect(reply.json).toEqual({
      response_action: 'errors',
      errors: { [field]: expect.stringMatching(message) },
    });
    expect(await hypothesesRows()).toHaveLength(before);
    expect(await logRows()).toHaveLength(logBefore);
  });

  it('shows what people typed instead of obeying it', async () => {
    await submitNew({ Hypothesis: '<!channel> focal loss beats <@U0BOSS> by 5%', Metric: '@here recall' });
    // This hypothesis's card: another test's card to the same channel may still be on its way.
    const [post] = await t.fake.waitFor(
      'chat.postMessage',
      (c) => c.args.channel === CHANNEL && JSON.stringify(c.args).includes('focal loss beats'),
    );
    const sent = JSON.stringify(post!.args);
    expect(sent).not.toContain('<!channel>');
    expect(sent).not.toContain('<@U0BOSS>');
    expect(sent).toContain('&lt;!channel&gt;');
    expect(sent).not.toMatch(/@here\b/);
  });

  it('takes "no baseline yet" as an explicit answer', async () => {
    await submitNew({ Baseline: '', 'No baseline yet?': ['None yet: this hypothesis establishes it.'] });
    expect((await hypothesesRows()).at(-1)).toMatchObject({
      baseline: 'None yet: this hypothesis establishes it.',
    });
  });

  it('submits the modal as redrawn by the timebox, with its new hash', async () => {
    const view = await newModal();
    await typeInto(t.target, who(), view, 'Timebox (days)', '3');
    const [update] = await t.fake.waitFor('views.update', (c) => c.args.view_id === view.id);
    const redrawn = update!.response!.view as SentView;
    expect(redrawn).toMatchObject({ id: view.id });
    expect(redrawn.hash).not.toBe(view.hash);
    expect((await submit(t.target, who(), redrawn, { ...typed, 'Timebox (days)': '3' })).text).toBe('');
    expect((await hypothesesRows()).at(-1)).toMatchObject({ timebox_days: 3, statement: typed.Hypothesis });
  });
});

describe('/hypothesis new in a channel without a project', () => {
  it('offers to create one, then leads from the project form straight to the hypothesis form', async () => {
    await command('new', 'C0EMPTY');
    const [offer] = await t.fake.waitForResponse();
    const [create] = buttons(offer!.body.blocks);
    expect(create).toMatchObject({ action_id: ids.project.open, text: { text: 'Create a project here' } });

    const modal = await viewOpenedBy(t.fake, ids.project.modal, () =>
      pressInReply(t, who(), offer!.body, ids.project.open, 'C0EMPTY'),
    );
    const reply = await submit(t.target, who(), modal, {
      'Project name': 'Fraud detection',
      Channel: 'C0EMPTY',
      'Project lead': ALICE,
      Members: ['U0BOB'],
      Phase: 'Define',
      'Problem statement': 'Chargebacks cost us 2% of revenue.',
    });
    expect(reply.json).toMatchObject({
      response_action: 'update',
      view: { callback_id: ids.hypothesis.newModal },
    });
    const created = await t.labbook.db
      .selectFrom('projects')
      .selectAll()
      .where('channel_id', '=', 'C0EMPTY')
      .executeTakeFirstOrThrow();
    expect(created).toMatchObject({
      name: 'Fraud detection',
      lead_user_id: ALICE,
      phase: 'define',
      team_id: TEAM,
    });
    const members = await t.labbook.db
      .selectFrom('project_members')
      .select('user_id')
      .where('project_id', '=', created.id)
      .execute();
    expect(members.map((m) => m.user_id).sort()).toEqual([ALICE, 'U0BOB']);
    await t.fake.waitFor('chat.postMessage', (c) => c.args.channel === 'C0EMPTY');
  });

  it('refuses a second project in the same channel, inline', async () => {
    await command('new', 'C0NOPROJ');
    const [offer] = await t.fake.waitForResponse();
    const modal = await viewOpenedBy(t.fake, ids.project.modal, () =>
      pressInReply(t, who(), offer!.body, ids.project.open, 'C0NOPROJ'),
    );
    const reply = await submit(t.target, who(), modal, {
      'Project name': 'Again',
      Channel: CHANNEL,
      'Problem statement': 'Same channel.',
    });
    expect(reply.json).toEqual({
      response_action: 'errors',
      errors: { channelId: expect.stringContaining('already has a project') },
    });
  });
});

describe('editing and starting a hypothesis', () => {
  it('refuses someone who is neither owner nor lead, saying who may', async () => {
    const h = await makeHypothesis(t.labbook.db, project, { ownerUserId: 'U0OWNER' });
    await pressInMessage(t, who('U0MALLORY'), await cardOf(t, h, project), ids.hypothesis.edit);
    const [reply] = await t.fake.waitForResponse();
    expect(reply!.body).toMatchObject({ response_type: 'ephemeral' });
    expect(reply!.body.text).toBe(
      `Only H${h.number}'s owner <@U0OWNER> or the project lead <@U0LEAD> can change it.`,
    );
    expect(t.fake.callsTo('views.open')).toEqual([]);
  });

  it('lets the owner edit, logs what changed and updates the card', async () => {
    const h = await makeHypothesis(t.labbook.db, project, { ownerUserId: ALICE, status: 'proposed' });
    // The card the app posted earlier, in the project channel.
    const card = await cardOf(t, h, project);
    const cardTs = card.ts;
    t.fake.reset();
    const modal = await viewOpenedBy(t.fake, ids.hypothesis.editModal, () =>
      pressInMessage(t, who(), card, ids.hypothesis.edit),
    );
    expect(modal.private_metadata).toBe(JSON.stringify({ hypothesisId: h.id }));

    const reply = await submit(t.target, who(), modal, {
      Hypothesis: 'Focal loss improves recall on rare intents by 8%',
      'Success criteria': 'recall +8% over baseline',
    });
    expect(reply.text).toBe('');
    // This card's update: another test's late work may update another message meanwhile.
    const [update] = await t.fake.waitFor('chat.update', (c) => c.args.ts === cardTs);
    expect(update!.args).toMatchObject({ channel: CHANNEL, ts: cardTs });
    expect(JSON.stringify(t.fake.messagesIn(CHANNEL).find((m) => m.ts === cardTs))).toContain(
      'Focal loss improves recall on rare intents by 8%',
    );
    // The bar is one press away, behind *Details*, for whoever asks.
    await pressInMessage(t, { userId: 'U0BOB', teamId: TEAM }, card, ids.hypothesis.details);
    const [details] = await t.fake.waitForResponse();
    expect(details!.body).toMatchObject({ response_type: 'ephemeral' });
    expect(JSON.stringify(details!.body.blocks)).toContain('recall +8% over baseline');
    expect(JSON.stringify(details!.body.blocks)).toContain('Search ranking');
    expect(t.fake.violations).toEqual([]);
    const log = await logRows();
    expect(log.at(-1)).toMatchObject({
      kind: 'hypothesis_edited',
      hypothesis_id: h.id,
      text: `H${h.number} edited: statement, success criteria changed.`,
    });
  });

  it('starts a proposed hypothesis from its card and schedules its check-in', async () => {
    const h = await makeHypothesis(t.labbook.db, project, {
      ownerUserId: ALICE,
      status: 'proposed',
      timeboxDays: 5,
    });
    await pressInMessage(t, who('U0LEAD'), await cardOf(t, h, project), ids.hypothesis.start);
    await expect
      .poll(
        async () =>
          (
            await t.labbook.db
              .selectFrom('hypotheses')
              .select('status')
              .where('id', '=', h.id)
              .executeTakeFirstOrThrow()
          ).status,
      )
      .toBe('running');
    const delivery = await t.labbook.db
      .selectFrom('deliveries')
      .selectAll()
      .where('hypothesis_id', '=', h.id)
      .executeTakeFirstOrThrow();
    expect(delivery).toMatchObject({
      kind: 'checkin',
      recipient_id: ALICE,
      status: 'pending',
      due_at: new Date('2026-11-28T10:00:00Z'),
    });
  });
});

describe('workspaces', () => {
  it('never show one workspace’s data to another', async () => {
    const h = await makeHypothesis(t.labbook.db, project, { ownerUserId: ALICE });
    // Same channel id, another team: that team has no project here.
    await command('list', CHANNEL, 'U0OTHER', 'T0OTHERTEAM');
    const [reply] = await t.fake.waitForResponse();
    expect(JSON.stringify(reply!.body)).toContain('has no project yet');
    expect(JSON.stringify(reply!.body)).not.toContain('Search ranking');

    // The card, pressed by someone of another workspace (a channel shared between them).
    const card = await cardOf(t, h, project);
    t.fake.reset();
    await pressInMessage(t, { userId: 'U0OTHER', teamId: 'T0OTHERTEAM' }, card, ids.hypothesis.edit);
    const [refusal] = await t.fake.waitForResponse();
    expect(refusal!.body.text).toContain('does not exist in this workspace');
  });
});
