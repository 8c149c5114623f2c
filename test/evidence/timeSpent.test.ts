import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ids } from '../../blocks/ids.js';
import type { Project } from '../../src/db/schema/index.js';
import { scheduleCheckIn } from '../../src/rituals/checkins/checkins.js';
import { parseDuration, parseSpent } from '../../src/rituals/timeSpent/activities.js';
import { startTestApp, TEAM, type TestApp } from '../support/app.js';
import { makeHypothesis, makeProject, withdrawAllPending } from '../support/factories.js';
import { pressInMessage } from '../support/messages.js';
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
