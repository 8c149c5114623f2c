import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ids } from '../../blocks/ids.js';
import type { Hypothesis, Project } from '../../src/db/schema/index.js';
import { ownCast } from '../support/ownCast.js';
import { startTestApp, TEAM, type TestApp } from '../support/app.js';
import { buttons, makeHypothesis } from '../support/factories.js';
import type { RecordedCall } from '../../src/sandbox/slack/embeddedSlack.js';
import { cardOf } from '../support/cards.js';
import { messageAt, pressInMessage, pressInView, viewFrom } from '../support/messages.js';
import { fill, submit, viewOpenedBy, type FillValue, type SentView } from '../support/modals.js';
import { event, slashCommand } from '../../src/sandbox/slack/requests.js';
import { scheduleCheckIn } from '../../src/rituals/checkins/checkins.js';
import { claimDue, renewClaim } from '../../src/db/deliveries.js';

let t: TestApp;
let project: Project;
// Each test gets its own project, lead and owner, so what one test scheduled can never
// be counted in another.
let CHANNEL: string;
let LEAD: string;
let OWNER: string;
let seq = 0;

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t?.stop());
beforeEach(async () => {
  ({ project, channel: CHANNEL, lead: LEAD, owner: OWNER } = await ownCast(t, 'C0PROJ', ++seq));
  await t.labbook.db.updateTable('workspaces').set({ reminder_count: 1 }).execute();
});

const db = () => t.labbook.db;
const sweep = () => t.labbook.scheduler.sweep();
const dmsTo = (user: string) => t.fake.okCallsTo('chat.postMessage').filter((c) => c.args.channel === user);

/** A running hypothesis due at `dueAt`, with its check-in scheduled as the app does. */
async function dueHypothesis(
  dueAt: string,
  o: Parameters<typeof makeHypothesis>[2] = {},
): Promise<Hypothesis> {
  const h = await makeHypothesis(db(), project, { ownerUserId: OWNER, dueAt: new Date(dueAt), ...o });
  await scheduleCheckIn(db(), h, new Date(dueAt));
  return h;
}

async function checkInDm(h: Hypothesis, user = OWNER): Promise<RecordedCall> {
  const dm = dmsTo(user).find((c) => JSON.stringify(c.args.blocks).includes(`Time's up for H${h.number}`));
  if (!dm) throw new Error(`no check-in DM for H${h.number}`);
  return dm;
}

const who = (userId: string) => ({ userId, teamId: TEAM });

/**
 * Presses a button on the check-in DM the owner really got, as it is now; fails when there
 * is none. `asFirstPosted`: on a second device that still shows the DM as it arrived.
 */
async function press(
  h: Hypothesis,
  actionId: string,
  userId = OWNER,
  opts: { asFirstPosted?: boolean } = {},
) {
  return pressInMessage(t, who(userId), await checkInDm(h), actionId, opts);
}

/** Presses an answer on the check-in DM and returns the form the app opens for it. */
const answerForm = (h: Hypothesis, actionId: string, userId = OWNER): Promise<SentView> =>
  viewOpenedBy(t.fake, ids.checkin.outcomeModal, () => press(h, actionId, userId));

/** Presses an answer on the DM, fills the form it opens by label, and submits it. */
async function answer(h: Hypothesis, actionId: string, values: Record<string, FillValue>, userId = OWNER) {
  return submit(t.target, who(userId), await answerForm(h, actionId, userId), values);
}

const row = (id: number) =>
  db().selectFrom('hypotheses').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

describe('when the timebox ends', () => {
  it('a timebox ending at 03:00 on Saturday is asked about once, on Monday at 09:00 local time', async () => {
    // Saturday 28 Nov 2026 03:00 in Berlin is 02:00 UTC.
    t.clock.set('2026-11-28T02:00:00Z');
    const h = await dueHypothesis('2026-11-28T02:00:00Z');
    await sweep();
    expect(dmsTo(OWNER)).toEqual([]);
    t.clock.set('2026-11-30T07:59:00Z');
    await sweep();
    expect(dmsTo(OWNER)).toEqual([]);
    t.clock.set('2026-11-30T08:00:00Z'); // Monday 09:00 Berlin
    await sweep();
    await sweep();
    expect(dmsTo(OWNER)).toHaveLength(1);
    const dm = await checkInDm(h);
    const shown = JSON.stringify(dm.args.blocks);
    expect(shown).toContain(h.statement);
    expect(shown).toContain('recall@10 on rare intents');
    expect(shown).toContain('production ranker v12');
    // Started Mon 9 Nov, due Sat 28 Nov 03:00, asked Mon 30 Nov: the 19-day timebox ended on
    // the Saturday, which is what the DM says (not "21 of 19 planned days").
    expect(shown).toMatch(/19 days, ended <!date\^\d+\^\{date_short\}\|2026-11-28>/);
    expect(shown).not.toContain('planned days');
    expect(buttons(dm.args.blocks).map((b) => b.text.text)).toEqual([
      'Validated',
      'Disproven',
      'Inconclusive',
      'Extend',
      'Abandon',
      'Not now',
    ]);
    expect(t.fake.violations).toEqual([]);
  });

  it('asks an owner in UTC+13 and one in UTC−10 at their own nine o’clock', async () => {
    t.fake.addUser({ id: 'U0TONGA', tz: 'Pacific/Tongatapu' });
    t.fake.addUser({ id: 'U0HAWAII', tz: 'Pacific/Honolulu' });
    // Friday 4 Dec 2026 20:00 UTC: Saturday 09:00 in Tonga, Friday 10:00 in Honolulu.
    t.clock.set('2026-12-04T20:00:00Z');
    await dueHypothesis('2026-12-04T20:00:00Z', { ownerUserId: 'U0TONGA' });
    await dueHypothesis('2026-12-04T20:00:00Z', { ownerUserId: 'U0HAWAII' });
    await sweep();
    expect(dmsTo('U0HAWAII')).toHaveLength(1);
    expect(dmsTo('U0TONGA')).toHaveLength(0);
    t.clock.set('2026-12-06T19:59:00Z');
    await sweep();
    expect(dmsTo('U0TONGA')).toHaveLength(0);
    t.clock.set('2026-12-06T20:00:00Z'); // Monday 09:00 in Tonga
    await sweep();
    expect(dmsTo('U0TONGA')).toHaveLength(1);
    expect(dmsTo('U0HAWAII')).toHaveLength(1);
  });
});

describe('answering the check-in', () => {
  it('Validated: records the result, closes the DM, tells the channel and logs the time taken', async () => {
    t.clock.set('2026-12-07T09:00:00Z');
    const h = await dueHypothesis('2026-12-07T09:00:00Z');
    await sweep();
    const form = await answerForm(h, ids.checkin.validated);
    expect(JSON.stringify(form)).toContain('"initial_value":"ship behind a flag"');

    const reply = await submit(t.target, who(OWNER), form, {
      'Measured result': 'recall +6.2% on rare intents, others −0.3%',
    });
    expect(reply.text).toBe('');
    expect(await row(h.id)).toMatchObject({
      status: 'validated',
      result: 'recall +6.2% on rare intents, others −0.3%',
      concluded_by: OWNER,
      concluded_at: new Date('2026-12-07T09:00:00Z'),
    });
    const [update] = await t.fake.waitFor('chat.update', (c) => c.args.channel === `D${OWNER}`);
    expect(buttons(update!.args.blocks)).toEqual([]);
    expect(JSON.stringify(update!.args.blocks)).toContain(`*Validated* by <@${OWNER}>`);
    const [post] = await t.fake.waitFor('chat.postMessage', (c) => c.args.channel === CHANNEL);
    const announced = JSON.stringify(post!.args.blocks);
    expect(announced).toContain(`H${h.number} validated:`);
    // The next step typed (here the plan's own) is where people see it; the timebox as counted.
    expect(announced).toContain('Next: ship behind a flag.');
    expect(announced).toContain(`<@${OWNER}> · 28 days, on time`);
    const log = await db()
      .selectFrom('experiment_log_entries')
      .selectAll()
      .where('hypothesis_id', '=', h.id)
      .where('kind', '=', 'hypothesis_concluded')
      .executeTakeFirstOrThrow();
    expect(log.details).toMatchObject({
      outcome: 'validated',
      plannedDays: 28,
      actualDays: 28,
      result: 'recall +6.2% on rare intents, others −0.3%',
    });
  });

  it('Disproven: asks what we now know, then announces it as knowledge gained and can start the next hypothesis', async () => {
    t.clock.set('2026-12-08T09:00:00Z');
    const next = await makeHypothesis(db(), project, {
      ownerUserId: OWNER,
      status: 'proposed',
      statement: 'Oversampling rare intents lifts recall 3%',
    });
    const h = await dueHypothesis('2026-12-08T09:00:00Z', { nextOnFailure: `try H${next.number}` });
    await sweep();
    const form = await answerForm(h, ids.checkin.disproven);
    const modal = JSON.stringify(form);
    expect(modal).toContain(`"initial_value":"try H${next.number}"`);
    expect(modal).toContain(
      `"initial_option":{"text":{"type":"plain_text","text":"H${next.number}: Oversampling rare intents lifts recall 3%"`,
    );

    // Slack will not submit the form without learnings; blanks get past it, not past the app.
    expect(() => fill(form, { 'Measured result': 'recall −0.5%' })).toThrow(
      /"What do we now know\?" is required/,
    );
    const blank = await submit(t.target, who(OWNER), form, {
      'Measured result': 'recall −0.5%',
      'What do we now know?': '   ',
    });
    expect(blank.json).toEqual({
      response_action: 'errors',
      errors: { learnings: expect.stringContaining('What do we now know?') },
    });
    expect((await row(h.id)).status).toBe('running');

    await submit(t.target, who(OWNER), form, {
      'Measured result': 'recall −0.5%',
      'What do we now know?': 'Class imbalance is not the bottleneck; label noise is.',
    });
    expect((await row(h.id)).status).toBe('disproven');
    expect(await row(next.id)).toMatchObject({
      status: 'running',
      started_at: new Date('2026-12-08T09:00:00Z'),
    });
    const [post] = await t.fake.waitFor(
      'chat.postMessage',
      (c) => c.args.channel === CHANNEL && JSON.stringify(c.args.blocks).includes('disproven'),
    );
    const shown = JSON.stringify(post!.args.blocks);
    expect(shown).toContain('knowledge gained');
    expect(shown).toContain('Class imbalance is not the bottleneck');
    expect(shown).toContain(`H${next.number} started`);
    expect(shown).toContain(
      `Learned: Class imbalance is not the bottleneck; label noise is. Next: try H${next.number}.`,
    );
    const scheduled = await db()
      .selectFrom('deliveries')
      .select('kind')
      .where('hypothesis_id', '=', next.id)
      .execute();
    expect(scheduled).toEqual([{ kind: 'checkin' }]);
  });

  it('Abandon: records it without a result and cancels what was still to come', async () => {
    t.clock.set('2026-12-09T09:00:00Z');
    const h = await dueHypothesis('2026-12-09T09:00:00Z');
    await sweep();
    const form = await answerForm(h, ids.checkin.abandoned);
    expect(form.private_metadata).toBe(JSON.stringify({ hypothesisId: h.id, round: 0, answer: 'abandoned' }));
    expect(form.blocks.map((b) => b.block_id)).not.toContain('nextStep');
    // Nothing typed: abandoning needs no result.
    expect((await submit(t.target, who(OWNER), form, {})).text).toBe('');
    expect(await row(h.id)).toMatchObject({ status: 'abandoned', result: null, concluded_by: OWNER });
    const pending = await db()
      .selectFrom('deliveries')
      .select('kind')
      .where('hypothesis_id', '=', h.id)
      .where('status', '=', 'pending')
      .execute();
    expect(pending).toEqual([]);
    const log = await db()
      .selectFrom('experiment_log_entries')
      .select('kind')
      .where('hypothesis_id', '=', h.id)
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(log.kind).toBe('hypothesis_abandoned');
  });

  it('Extend: moves the due date, logs the reason, asks again later, and tells the lead on the third', async () => {
    t.clock.set('2026-12-14T09:00:00Z'); // Monday; one-day extensions stay in the working week
    let h = await dueHypothesis('2026-12-14T09:00:00Z');
    for (let n = 1; n <= 3; n++) {
      await sweep();
      const dm = dmsTo(OWNER).at(-1)!;
      const extend = buttons(dm.args.blocks).find((b) => b.action_id === ids.checkin.extend)!;
      expect(JSON.parse(extend.value!)).toEqual({ hypothesisId: h.id, round: n - 1 });
      const form = await viewOpenedBy(t.fake, ids.checkin.extendModal, () =>
        pressInMessage(t, who(OWNER), dm, ids.checkin.extend),
      );
      const reply = await submit(t.target, who(OWNER), form, {
        'More days': '1',
        'Why more time?': `GPU queue was full (${n})`,
      });
      expect(reply.text).toBe('');
      h = await row(h.id);
      expect(h).toMatchObject({
        extension_count: n,
        status: 'running',
        due_at: new Date(t.clock.now().getTime() + 86_400_000),
      });
      t.clock.set(h.due_at!);
    }
    const extensions = await db()
      .selectFrom('hypothesis_extensions')
      .select(['extension_number', 'reason'])
      .where('hypothesis_id', '=', h.id)
      .orderBy('extension_number')
      .execute();
    expect(extensions.map((e) => e.reason)).toEqual([
      'GPU queue was full (1)',
      'GPU queue was full (2)',
      'GPU queue was full (3)',
    ]);
    await sweep();
    const toLead = dmsTo(LEAD).filter((c) => String(c.args.text).includes('extended for the third time'));
    expect(toLead).toHaveLength(1);
    expect(JSON.stringify(toLead[0]!.args.blocks)).toContain('GPU queue was full (3)');
  });
});

describe('from the Home tab', () => {
  it('lists the waiting check-in with its answers, and choosing one opens its form', async () => {
    t.clock.set('2026-12-07T10:00:00Z');
    const h = await dueHypothesis('2026-12-07T10:00:00Z');
    await event(t.target, {
      teamId: TEAM,
      event: { type: 'app_home_opened', user: OWNER, channel: `D${OWNER}`, tab: 'home' },
    });
    const [publish] = await t.fake.waitFor('views.publish', (c) => c.args.user_id === OWNER);
    const view = publish!.args.view as {
      blocks: { accessory?: { action_id: string; options: { value: string; text: { text: string } }[] } }[];
    };
    const menu = view.blocks.find((b) => b.accessory?.action_id === ids.checkin.fromHome)!.accessory!;
    expect(menu.options.map((o) => o.text.text)).toEqual([
      'Validated',
      'Disproven',
      'Inconclusive',
      'Extend',
      'Abandon',
    ]);
    // Listed once: waiting for its answer, not again among the running ones.
    expect(JSON.stringify(view.blocks).split(`*H${h.number}*`)).toHaveLength(2);
    expect(t.fake.violations).toEqual([]);

    const form = await viewOpenedBy(t.fake, ids.checkin.outcomeModal, () =>
      pressInView(t.target, who(OWNER), viewFrom(publish!), ids.checkin.fromHome, 'Disproven'),
    );
    expect(form).toMatchObject({
      callback_id: ids.checkin.outcomeModal,
      private_metadata: JSON.stringify({ hypothesisId: h.id, round: 0, answer: 'disproven' }),
    });
  });
});

describe('no answer', () => {
  it('with two reminders chosen: reminds after one working day, again after another, then tells the lead and marks it overdue', async () => {
    await db().updateTable('workspaces').set({ reminder_count: 2 }).where('team_id', '=', TEAM).execute();
    t.clock.set('2026-12-11T10:00:00Z'); // Friday, 11:00 in Berlin
    const h = await dueHypothesis('2026-12-11T10:00:00Z');
    await sweep();
    expect(dmsTo(OWNER)).toHaveLength(1);
    t.clock.set('2026-12-12T10:00:00Z'); // Saturday: not a working day
    await sweep();
    expect(dmsTo(OWNER)).toHaveLength(1);
    t.clock.set('2026-12-14T10:00:00Z'); // Monday
    await sweep();
    expect(dmsTo(OWNER)).toHaveLength(2);
    expect(String(dmsTo(OWNER)[1]!.args.blocks && JSON.stringify(dmsTo(OWNER)[1]!.args.blocks))).toContain(
      'Reminder 1',
    );
    t.clock.set('2026-12-15T10:00:00Z');
    await sweep();
    expect(dmsTo(OWNER)).toHaveLength(3);
    expect(dmsTo(LEAD)).toHaveLength(0);
    expect((await row(h.id)).overdue_since).toBeNull();
    t.clock.set('2026-12-16T10:00:00Z');
    await sweep();
    const escalation = dmsTo(LEAD);
    expect(escalation).toHaveLength(1);
    expect(String(escalation[0]!.args.text)).toContain(
      `<@${OWNER}> has not answered the check-in for *H${h.number}*`,
    );
    expect((await row(h.id)).overdue_since).toEqual(new Date('2026-12-16T10:00:00Z'));
    await sweep();
    expect(dmsTo(OWNER)).toHaveLength(3);

    await slashCommand(t.target, {
      text: 'list',
      userId: LEAD,
      teamId: TEAM,
      channelId: CHANNEL,
      responseUrl: t.fake.responseUrl(),
    });
    const [list] = await t.fake.waitForResponse();
    expect(JSON.stringify(list!.body)).toMatch(new RegExp(`\\*H${h.number}\\*[^"]*overdue since`));
  });
});

describe('stale, double and unauthorised answers', () => {
  it('a button pressed after the answer says what was recorded, by whom and when', async () => {
    t.clock.set('2026-12-17T09:00:00Z');
    const h = await dueHypothesis('2026-12-17T09:00:00Z');
    await sweep();
    await answer(h, ids.checkin.validated, { 'Measured result': '+5.1%' });
    const [closed] = await t.fake.waitFor('chat.update', (c) => c.args.channel === `D${OWNER}`);
    expect(buttons(closed!.args.blocks)).toEqual([]);
    // A second device still shows the DM as it first arrived, buttons and all.
    const views = t.fake.callsTo('views.open').length;
    await press(h, ids.checkin.disproven, OWNER, { asFirstPosted: true });
    const [reply] = await t.fake.waitForResponse();
    expect(reply!.body.text).toBe(
      `H${h.number} was already recorded as *validated* by <@${OWNER}> on Thu 17 Dec 2026, 10:00 Berlin time. Nothing was changed.`,
    );
    expect(t.fake.callsTo('views.open')).toHaveLength(views);
  });

  it('two submissions at once record one outcome', async () => {
    t.clock.set('2026-12-18T09:00:00Z');
    const h = await dueHypothesis('2026-12-18T09:00:00Z');
    await sweep();
    // Two forms open at once (a double press on two devices), submitted together.
    const validated = await answerForm(h, ids.checkin.validated);
    const inconclusive = await answerForm(h, ids.checkin.inconclusive);
    const [a, b] = await Promise.all([
      submit(t.target, who(OWNER), validated, { 'Measured result': '+5%' }),
      submit(t.target, who(OWNER), inconclusive, { 'Measured result': 'noisy' }),
    ]);
    const errors = [a, b].filter((r) => r.text !== '');
    expect(errors).toHaveLength(1);
    expect(JSON.stringify(errors[0]!.json)).toContain('was already recorded as');
    const concluded = await db()
      .selectFrom('experiment_log_entries')
      .select('id')
      .where('hypothesis_id', '=', h.id)
      .where('kind', '=', 'hypothesis_concluded')
      .execute();
    expect(concluded).toHaveLength(1);
  });

  it('someone who is neither owner nor lead is refused', async () => {
    t.clock.set('2026-12-21T09:00:00Z');
    const h = await dueHypothesis('2026-12-21T09:00:00Z');
    await sweep();
    await press(h, ids.checkin.validated, 'U0MALLORY');
    const [reply] = await t.fake.waitForResponse();
    expect(reply!.body.text).toBe(
      `Only H${h.number}'s owner <@${OWNER}> or the project lead <@${LEAD}> can conclude it or answer its check-in.`,
    );
    expect((await row(h.id)).status).toBe('running');
  });
});

describe('when Slack is in trouble', () => {
  it('429 with Retry-After and 503s delay the DM until Slack recovers; it arrives once', async () => {
    t.clock.set('2026-12-22T09:00:00Z');
    const h = await dueHypothesis('2026-12-22T09:00:00Z');
    t.fake.fail(
      'chat.postMessage',
      { kind: 'ratelimited', retryAfter: 2 },
      { kind: 'http', status: 503 },
      { kind: 'http', status: 503 },
    );
    await sweep();
    const d = () =>
      db()
        .selectFrom('deliveries')
        .selectAll()
        .where('hypothesis_id', '=', h.id)
        .where('kind', '=', 'checkin')
        .executeTakeFirstOrThrow();
    // A 429 is "later", not a failed attempt: the 503 after it backs off from the start.
    expect(await d()).toMatchObject({
      status: 'pending',
      last_error: 'ratelimited',
      attempts: 0,
      next_attempt_at: new Date('2026-12-22T09:00:02Z'),
    });
    t.clock.advance(1_000);
    await sweep();
    expect(t.fake.callsTo('chat.postMessage').filter((c) => c.args.channel === OWNER)).toHaveLength(1);
    t.clock.advance(1_000);
    await sweep(); // 503
    expect(await d()).toMatchObject({
      last_error: 'http 503',
      attempts: 1,
      next_attempt_at: new Date('2026-12-22T09:00:32Z'),
    });
    t.clock.advance(60_000);
    await sweep(); // 503 again
    t.clock.advance(120_000);
    await sweep();
    expect(await d()).toMatchObject({ status: 'sent', attempts: 3 });
    expect(dmsTo(OWNER)).toHaveLength(1);
  });

  it('account_inactive stops the retries, is recorded, and the lead is told', async () => {
    t.clock.set('2026-12-23T09:00:00Z');
    t.fake.addUser({ id: 'U0GONE', tz: 'UTC' });
    const h = await dueHypothesis('2026-12-23T09:00:00Z', { ownerUserId: 'U0GONE' });
    t.fake.fail('chat.postMessage', { kind: 'error', error: 'account_inactive' });
    await sweep();
    const d = await db()
      .selectFrom('deliveries')
      .selectAll()
      .where('hypothesis_id', '=', h.id)
      .where('kind', '=', 'checkin')
      .executeTakeFirstOrThrow();
    expect(d).toMatchObject({ status: 'failed', last_error: 'account_inactive', attempts: 1 });
    const toLead = dmsTo(LEAD);
    expect(toLead).toHaveLength(1);
    expect(String(toLead[0]!.args.text)).toContain('Slack says `account_inactive`');
    t.clock.advance(3_600_000);
    await sweep();
    expect(t.fake.callsTo('chat.postMessage').filter((c) => c.args.channel === 'U0GONE')).toHaveLength(1);
    const note = await db()
      .selectFrom('experiment_log_entries')
      .select('text')
      .where('hypothesis_id', '=', h.id)
      .where('kind', '=', 'note')
      .executeTakeFirstOrThrow();
    expect(note.text).toBe('A check-in could not be delivered to its recipient: account_inactive.');
  });

  it('an owner who has left the workspace is a permanent failure too', async () => {
    t.clock.set('2026-12-24T09:00:00Z');
    t.fake.addUser({ id: 'U0LEFT', deleted: true });
    const h = await dueHypothesis('2026-12-24T09:00:00Z', { ownerUserId: 'U0LEFT' });
    await sweep();
    expect(dmsTo('U0LEFT')).toHaveLength(0);
    const d = await db()
      .selectFrom('deliveries')
      .selectAll()
      .where('hypothesis_id', '=', h.id)
      .where('kind', '=', 'checkin')
      .executeTakeFirstOrThrow();
    expect(d).toMatchObject({ status: 'failed', last_error: 'account_inactive' });
    expect(dmsTo(LEAD).some((c) => String(c.args.text).includes(`H${h.number}`))).toBe(true);
  });
});

describe('when the plan changes under a scheduled check-in', () => {
  /** The lead presses Edit on the hypothesis' card and saves the form with `values` typed in. */
  const edit = async (h: Hypothesis, values: Record<string, FillValue>, userId = LEAD) => {
    const card = await cardOf(t, h, project);
    const form = await viewOpenedBy(t.fake, ids.hypothesis.editModal, () =>
      pressInMessage(t, who(userId), card, ids.hypothesis.edit),
    );
    return submit(t.target, who(userId), form, values);
  };

  it('a timebox changed and changed back is still asked about', async () => {
    t.clock.set('2026-12-01T09:00:00Z');
    const h = await makeHypothesis(db(), project, { ownerUserId: OWNER, status: 'proposed', timeboxDays: 3 });
    await pressInMessage(t, who(LEAD), await cardOf(t, h, project), ids.hypothesis.start);
    await expect.poll(async () => (await row(h.id)).status).toBe('running');
    expect((await edit(h, { 'Timebox (days)': '10' })).text).toBe('');
    expect((await row(h.id)).timebox_days).toBe(10);
    expect((await edit(h, { 'Timebox (days)': '3' })).text).toBe('');
    t.clock.set('2026-12-04T09:00:00Z');
    await sweep();
    expect(dmsTo(OWNER)).toHaveLength(1);
  });

  it('a new owner is asked, even after the old one’s check-in went out', async () => {
    t.clock.set('2026-12-02T09:00:00Z');
    t.fake.addUser({ id: 'U0HEIR', tz: 'UTC' });
    const h = await dueHypothesis('2026-12-02T09:00:00Z');
    await sweep();
    expect(dmsTo(OWNER)).toHaveLength(1);
    expect((await edit(h, { Owner: 'U0HEIR' })).text).toBe('');
    expect((await row(h.id)).owner_user_id).toBe('U0HEIR');
    await sweep();
    expect(dmsTo('U0HEIR')).toHaveLength(1);
    expect(dmsTo(OWNER)).toHaveLength(1);
    // The old owner's buttons no longer answer for it.
    await press(h, ids.checkin.validated, OWNER);
    const [refusal] = await t.fake.waitForResponse();
    expect(refusal!.body.text).toContain('owner <@U0HEIR>');
  });
});

describe('an answer racing a reminder', () => {
  it('withdraws the reminder that was on its way when the answer was recorded, and schedules nothing after it', async () => {
    t.clock.set('2026-12-08T10:00:00Z'); // Tuesday
    const h = await dueHypothesis('2026-12-08T10:00:00Z');
    await sweep();
    expect(dmsTo(OWNER)).toHaveLength(1);
    const form = await answerForm(h, ids.checkin.validated);
    t.clock.set('2026-12-09T10:00:00Z');
    t.fake.fail('chat.postMessage', { kind: 'slow', delayMs: 800 });
    const sweeping = sweep();
    // A loaded machine can take over a second to reach the reminder; the default poll is 1 s.
    await expect
      .poll(() => t.fake.callsTo('chat.postMessage').filter((c) => c.args.channel === OWNER).length, {
        timeout: 5000,
      })
      .toBe(2);
    expect((await submit(t.target, who(OWNER), form, { 'Measured result': '+5.3%' })).text).toBe('');
    await sweeping;
    const reminder = t.fake.okCallsTo('chat.postMessage').filter((c) => c.args.channel === OWNER)[1]!;
    expect(JSON.stringify(reminder.args.blocks)).toContain('Reminder 1');
    const deletes = await t.fake.waitFor('chat.delete', (c) => c.args.ts === messageAt(reminder).ts);
    expect(deletes).toHaveLength(1);
    expect(deletes[0]!.args.channel).toBe(`D${OWNER}`);
    const row = await db()
      .selectFrom('deliveries')
      .selectAll()
      .where('hypothesis_id', '=', h.id)
      .where('kind', '=', 'reminder')
      .executeTakeFirstOrThrow();
    expect(row.status).toBe('cancelled');
    // Nor does what would have followed the withdrawn reminder wait to be sent.
    const escalations = await db()
      .selectFrom('deliveries')
      .select('status')
      .where('hypothesis_id', '=', h.id)
      .where('kind', '=', 'escalation')
      .execute();
    expect(escalations).toEqual([]);
  });
});

describe('an extension racing the escalation', () => {
  it('withdraws the escalation on its way and leaves the hypothesis not overdue', async () => {
    t.clock.set('2026-12-15T10:00:00Z'); // Tuesday
    const h = await dueHypothesis('2026-12-15T10:00:00Z');
    await sweep(); // check-in
    t.clock.set('2026-12-16T10:00:00Z');
    await sweep(); // the one reminder
    expect(dmsTo(OWNER)).toHaveLength(2);
    const dm = await checkInDm(h);
    const form = await viewOpenedBy(t.fake, ids.checkin.extendModal, () =>
      pressInMessage(t, who(OWNER), dm, ids.checkin.extend),
    );
    t.clock.set('2026-12-17T10:00:00Z');
    t.fake.fail('chat.postMessage', { kind: 'slow', delayMs: 800 });
    const sweeping = sweep(); // the escalation to the lead, slowly
    await expect
      .poll(() => t.fake.callsTo('chat.postMessage').filter((c) => c.args.channel === LEAD).length, {
        timeout: 5000,
      })
      .toBe(1);
    const reply = await submit(t.target, who(OWNER), form, {
      'More days': '3',
      'Why more time?': 'labels late',
    });
    expect(reply.text).toBe('');
    await sweeping;
    const [deleted] = await t.fake.waitFor('chat.delete', (c) => c.args.channel === `D${LEAD}`);
    expect(deleted).toBeDefined();
    expect(await row(h.id)).toMatchObject({ overdue_since: null, extension_count: 1, status: 'running' });
    const escalation = await db()
      .selectFrom('deliveries')
      .selectAll()
      .where('hypothesis_id', '=', h.id)
      .where('kind', '=', 'escalation')
      .executeTakeFirstOrThrow();
    expect(escalation.status).toBe('cancelled');
  });
});

describe('claims', () => {
  it('a worker whose lease ran out does not send what another replica took over', async () => {
    t.clock.set('2026-12-03T09:00:00Z');
    const h = await dueHypothesis('2026-12-03T09:00:00Z');
    const now = t.clock.now();
    const [mine] = await claimDue(db(), { now, limit: 1, leaseMs: 1_000, workerId: 'slow-replica' });
    expect(mine!.hypothesis_id).toBe(h.id);
    // The slow replica stalls past its lease; this app's scheduler takes the row and sends.
    t.clock.advance(2_000);
    await sweep();
    expect(dmsTo(OWNER)).toHaveLength(1);
    expect(
      await renewClaim(db(), mine!.id, { workerId: 'slow-replica', now: t.clock.now(), leaseMs: 1_000 }),
    ).toBe(false);
  });
});

describe('/hypothesis hours', () => {
  const hours = (text: string, userId: string) =>
    slashCommand(t.target, {
      text: `hours ${text}`,
      userId,
      teamId: TEAM,
      channelId: CHANNEL,
      responseUrl: t.fake.responseUrl(),
    });

  it('shows the hours to anyone, lets only an admin change them, and waiting check-ins follow', async () => {
    t.fake.addUser({ id: 'U0ADMIN', isAdmin: true });
    t.clock.set('2026-11-27T12:00:00Z'); // Friday noon
    await dueHypothesis('2026-11-27T12:00:00Z', { ownerUserId: OWNER });
    await hours('', OWNER);
    expect((await t.fake.waitForResponse())[0]!.body.text).toContain('go out 09:00–18:00, Mon–Fri');

    t.fake.reset();
    await hours('8-17 sun-thu', OWNER);
    expect((await t.fake.waitForResponse())[0]!.body.text).toContain('Only a workspace admin or owner');
    expect(await workspaceHours()).toEqual({
      working_hours_start: 9,
      working_hours_end: 18,
      working_days: [1, 2, 3, 4, 5],
    });

    t.fake.reset();
    await hours('8-17 sun-thu', 'U0ADMIN');
    expect((await t.fake.waitForResponse())[0]!.body.text).toContain('now go out 08:00–17:00');
    expect(await workspaceHours()).toEqual({
      working_hours_start: 8,
      working_hours_end: 17,
      working_days: [1, 2, 3, 4, 7],
    });

    // Friday is no longer a working day: the check-in waits for Sunday 09:00 Berlin.
    await sweep();
    expect(dmsTo(OWNER)).toHaveLength(0);
    t.clock.set('2026-11-29T07:00:00Z');
    await sweep();
    expect(dmsTo(OWNER)).toHaveLength(1);

    t.fake.reset();
    await hours('whenever', 'U0ADMIN');
    expect((await t.fake.waitForResponse())[0]!.body.text).toContain('I could not read `whenever`');
    t.fake.reset();
    await hours('9-18 mon-fri', 'U0ADMIN');
    await t.fake.waitForResponse();
    expect(await workspaceHours()).toMatchObject({ working_days: [1, 2, 3, 4, 5] });
  });
});

const workspaceHours = () =>
  db()
    .selectFrom('workspaces')
    .select(['working_hours_start', 'working_hours_end', 'working_days'])
    .where('team_id', '=', TEAM)
    .executeTakeFirstOrThrow();

describe('/hypothesis stats', () => {
  it('shows the share of each outcome and how actual time compares with timeboxes', async () => {
    const outcomes = [
      ['validated', 10],
      ['validated', 14],
      ['disproven', 12],
      ['inconclusive', 16],
    ] as const;
    // Boxed at 10 days; the longer ones were extended, and each answered when its time was up
    // (the wait for the answer is not time the work took).
    for (const [status, days] of outcomes) {
      const h = await makeHypothesis(db(), project, {
        ownerUserId: OWNER,
        timeboxDays: 10,
        startedAt: new Date('2026-10-01T09:00:00Z'),
      });
      const due = new Date(Date.parse('2026-10-01T09:00:00Z') + days * 86_400_000);
      await db()
        .updateTable('hypotheses')
        .set({
          status,
          due_at: due,
          extension_count: days > 10 ? 1 : 0,
          concluded_at: new Date(due.getTime() + 3_600_000),
          concluded_by: OWNER,
        })
        .where('id', '=', h.id)
        .execute();
    }
    await slashCommand(t.target, {
      text: 'stats',
      userId: OWNER,
      teamId: TEAM,
      channelId: CHANNEL,
      responseUrl: t.fake.responseUrl(),
    });
    const [reply] = await t.fake.waitForResponse();
    const shown = JSON.stringify(reply!.body.blocks);
    expect(shown).toContain(
      '*Search ranking*\\n4 concluded: 50% validated · 25% disproven · 25% inconclusive',
    );
    expect(shown).toContain('Timebox 10 days on average, actual 13 days');
    expect(shown).toContain('Things take *1.30×* their timebox: a 10-day box is closer to 13 days.');
    expect(shown).toContain('*Your hypotheses*\\n4 concluded');
    expect(t.fake.violations).toEqual([]);
  });
});
