import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ids } from '../../blocks/ids.js';
import type { Project } from '../../src/db/schema/index.js';
import { scheduleCheckIn } from '../../src/rituals/checkins/checkins.js';
import { parseDuration, parseSpent } from '../../src/rituals/timeSpent/activities.js';
import { startTestApp, TEAM, type TestApp } from '../support/app.js';
import { makeHypothesis, makeProject, withdrawAllPending } from '../support/factories.js';
import { event } from '../../src/sandbox/slack/requests.js';
import { pressInMessage, pressInView, viewFrom } from '../support/messages.js';
import { submit, viewOpenedBy } from '../support/modals.js';
import { command, textOf } from '../digests/support.js';

describe('reading `/hypothesis spent`', () => {
  it('takes a duration, an activity and a hypothesis, in any order', () => {
    expect(parseSpent('3h data H3')).toEqual({ minutes: 180, activity: 'data', hypothesisNumber: 3 });
    expect(parseSpent('h2 eval 90m')).toEqual({ minutes: 90, activity: 'evaluation', hypothesisNumber: 2 });
    expect(parseSpent('1.5h infra H1')).toEqual({
      minutes: 90,
      activity: 'infrastructure',
      hypothesisNumber: 1,
    });
    expect(parseDuration('2h30m')).toBe(150);
  });
  it('refuses anything else', () => {
    expect(parseSpent('3h H3')).toBeNull();
    expect(parseSpent('lots data H3')).toBeNull();
    expect(parseSpent('3h data H3 extra')).toBeNull();
    expect(parseDuration('0h')).toBeNull();
    expect(parseDuration('400h')).toBeNull();
  });
});

let t: TestApp;
let project: Project;
let OWNER: string;
let CHANNEL: string;
let seq = 0;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t?.stop());
beforeEach(async () => {
  t.fake.reset();
  await withdrawAllPending(t.labbook.db);
  seq++;
  OWNER = `U0TIME${seq}`;
  CHANNEL = `C0TIME${seq}`;
  t.fake.addUser({ id: OWNER, tz: 'UTC' });
  project = await makeProject(t.labbook.db, {
    teamId: TEAM,
    channelId: CHANNEL,
    lead: OWNER,
    name: `Ranking ${seq}`,
  });
});

const db = () => t.labbook.db;
const entries = (hypothesisId: number) =>
  db()
    .selectFrom('time_entries')
    .select(['activity', 'minutes', 'source', 'user_id'])
    .where('hypothesis_id', '=', hypothesisId)
    .orderBy('activity')
    .execute();

describe('time spent by activity', () => {
  it('`/hypothesis spent 3h data H1` logs it and the experiment log shows it; a wrong form shows usage', async () => {
    const h = await makeHypothesis(db(), project, { ownerUserId: OWNER });
    const reply = await command(t, `spent 3h data H${h.number}`, OWNER, CHANNEL);
    expect(reply.text).toContain(`Time spent on H${h.number}: 3 h data work.`);
    expect(await entries(h.id)).toEqual([
      { activity: 'data', minutes: 180, source: 'command', user_id: OWNER },
    ]);
    const log = textOf({ body: await command(t, 'log', OWNER, CHANNEL) });
    expect(log).toContain(`:clock3: Time spent on H${h.number}: 3 h data work.`);

    const wrong = await command(t, 'spent a while', OWNER, CHANNEL);
    expect(wrong.text).toContain('`/hypothesis spent 3h data H3`');
    const missing = await command(t, 'spent 1h data H99', OWNER, CHANNEL);
    expect(missing.text).toContain('has no H99');
    expect(await entries(h.id)).toHaveLength(1);
  });

  it('the check-in form asks where the time went, blank by default, and records what is given', async () => {
    t.clock.set('2026-12-07T09:00:00Z');
    const h = await makeHypothesis(db(), project, {
      ownerUserId: OWNER,
      dueAt: new Date('2026-12-07T09:00:00Z'),
    });
    await scheduleCheckIn(db(), h, new Date('2026-12-07T09:00:00Z'));
    await t.labbook.scheduler.sweep();
    const [dm] = await t.fake.waitFor('chat.postMessage', (c) => c.args.channel === OWNER);
    const form = await viewOpenedBy(t.fake, ids.checkin.outcomeModal, () =>
      pressInMessage(t, { userId: OWNER, teamId: TEAM }, dm!, ids.checkin.validated),
    );
    const spentInputs = form.blocks.filter((b) => String(b.block_id).startsWith('spent_'));
    expect(spentInputs.map((b) => (b.label as { text: string }).text)).toEqual([
      'Data work (hours)',
      'Modelling (hours)',
      'Evaluation and error analysis (hours)',
      'Infrastructure (hours)',
      'Waiting (compute, labels, reviews) (hours)',
    ]);
    expect(spentInputs.every((b) => b.optional === true && !('initial_value' in (b.element as object)))).toBe(
      true,
    );
    await submit(t.target, { userId: OWNER, teamId: TEAM }, form, {
      'Measured result': 'recall +6%',
      'Data work (hours)': '6',
      'Waiting (compute, labels, reviews) (hours)': '2.5',
    });
    expect(await entries(h.id)).toEqual([
      { activity: 'data', minutes: 360, source: 'checkin', user_id: OWNER },
      { activity: 'waiting', minutes: 150, source: 'checkin', user_id: OWNER },
    ]);

    const stats = textOf({ body: await command(t, 'stats', OWNER, CHANNEL) });
    expect(stats).toContain(
      `*Ranking ${seq}*: planned 14 days · actual data work 6 h (71%) · waiting (compute, labels, reviews) 2.5 h (29%)`,
    );
  });

  it('`stats all` compares every project of the workspace', async () => {
    const other = await makeProject(db(), {
      teamId: TEAM,
      channelId: `C0OTHER${seq}`,
      lead: OWNER,
      name: `Other ${seq}`,
    });
    const h = await makeHypothesis(db(), other, { ownerUserId: OWNER });
    await command(t, `spent 2h modelling H${h.number}`, OWNER, `C0OTHER${seq}`);
    const all = textOf({ body: await command(t, 'stats all', OWNER, CHANNEL) });
    expect(all).toContain(`*Ranking ${seq}*: planned 0 days · actual no time logged yet`);
    expect(all).toContain(`*Other ${seq}*: planned 14 days · actual modelling 2 h (100%)`);
  });
});

describe('*Log time* on the Home tab', () => {
  const who = () => ({ userId: OWNER, teamId: TEAM });
  const openHome = async () => {
    const before = t.fake.calls.length;
    await event(t.target, {
      teamId: TEAM,
      event: { type: 'app_home_opened', user: OWNER, channel: `D${OWNER}`, tab: 'home' },
    });
    // This owner's Home: an earlier test's owner may have theirs refreshed meanwhile.
    const publishes = await t.fake.waitFor(
      'views.publish',
      (c) => c.args.user_id === OWNER && t.fake.calls.indexOf(c) >= before,
    );
    return viewFrom(publishes.at(-1)!);
  };

  it('logs time on one of my running hypotheses as `/hypothesis spent` does, with inline errors', async () => {
    const h = await makeHypothesis(db(), project, {
      ownerUserId: OWNER,
      statement: 'Focal loss lifts recall',
    });
    const other = await makeHypothesis(db(), project, {
      ownerUserId: OWNER,
      statement: 'Mixup lifts recall',
    });
    const home = await openHome();
    const form = await viewOpenedBy(t.fake, ids.timeSpent.modal, () =>
      pressInView(t.target, who(), home, ids.timeSpent.open),
    );
    const picker = form.blocks.find((b) => b.block_id === 'hypothesis')!.element as {
      options: { text: { text: string } }[];
    };
    expect(picker.options.map((o) => o.text.text)).toEqual([
      `H${h.number} (Ranking ${seq}): Focal loss lifts recall`,
      `H${other.number} (Ranking ${seq}): Mixup lifts recall`,
    ]);

    const zero = await submit(t.target, who(), form, {
      Hypothesis: `H${h.number} (Ranking ${seq}): Focal loss lifts recall`,
      'Spent on': 'Modelling',
      Hours: '0',
    });
    expect(zero.json).toEqual({
      response_action: 'errors',
      errors: { hours: 'How many hours, e.g. 3 or 1.5.' },
    });
    expect(await entries(h.id)).toEqual([]);

    const done = await submit(t.target, who(), form, {
      Hypothesis: `H${h.number} (Ranking ${seq}): Focal loss lifts recall`,
      'Spent on': 'Modelling',
      Hours: '2.5',
    });
    expect(JSON.stringify(done.json)).toContain(`Logged. Time spent on H${h.number}: 2.5 h modelling.`);
    expect(await entries(h.id)).toEqual([
      { activity: 'modelling', minutes: 150, source: 'home', user_id: OWNER },
    ]);
    const log = textOf({ body: await command(t, 'log', OWNER, CHANNEL) });
    expect(log).toContain(`:clock3: Time spent on H${h.number}: 2.5 h modelling.`);

    // Concluded while the form was open: the time is not logged against it.
    await db().updateTable('hypotheses').set({ status: 'disproven' }).where('id', '=', other.id).execute();
    const late = await submit(t.target, who(), form, {
      Hypothesis: `H${other.number} (Ranking ${seq}): Mixup lifts recall`,
      'Spent on': 'Data work',
      Hours: '1',
    });
    expect(late.json).toEqual({
      response_action: 'errors',
      errors: { hypothesis: expect.stringContaining(`H${other.number} is disproven now`) },
    });
    expect(await entries(other.id)).toEqual([]);
    expect(t.fake.violations).toEqual([]);
  });

  it('shows no *Log time* button to someone with nothing running', async () => {
    const home = await openHome();
    expect(JSON.stringify(home.blocks)).not.toContain(ids.timeSpent.open);
  });
});
