import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ids } from '../../blocks/ids.js';
import type { Hypothesis, Project } from '../../src/db/schema/index.js';
import { scheduleCheckIn } from '../../src/rituals/checkins/checkins.js';
import { slashCommand } from '../../src/sandbox/slack/requests.js';
import { ownCast } from '../support/ownCast.js';
import { startTestApp, TEAM, type TestApp } from '../support/app.js';
import { buttons, makeHypothesis } from '../support/factories.js';
import { pressInMessage } from '../support/messages.js';
import { submit, viewOpenedBy } from '../support/modals.js';

let t: TestApp;
let project: Project;
let CHANNEL: string;
let LEAD: string;
let OWNER: string;
let seq = 0;

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t?.stop());
beforeEach(async () => {
  ({ project, channel: CHANNEL, lead: LEAD, owner: OWNER } = await ownCast(t, 'C0ESC', ++seq));
  await t.labbook.db.updateTable('workspaces').set({ reminder_count: 1 }).execute();
});

const db = () => t.labbook.db;
const sweep = async () => {
  await t.labbook.scheduler.sweep();
  await t.labbook.scheduler.sweep();
};
const dmsTo = (user: string) => t.fake.okCallsTo('chat.postMessage').filter((c) => c.args.channel === user);
const who = (userId: string) => ({ userId, teamId: TEAM });

async function dueHypothesis(dueAt: string): Promise<Hypothesis> {
  const h = await makeHypothesis(db(), project, { ownerUserId: OWNER, dueAt: new Date(dueAt) });
  await scheduleCheckIn(db(), h, new Date(dueAt));
  return h;
}

async function command(text: string, userId: string): Promise<string> {
  t.fake.reset();
  await slashCommand(t.target, {
    text,
    userId,
    teamId: TEAM,
    channelId: CHANNEL,
    responseUrl: t.fake.responseUrl(),
  });
  const [reply] = await t.fake.waitForResponse();
  return String(reply!.body.text);
}

/** Check-in Monday, reminder Tuesday, escalation Wednesday: the lead's DM. */
async function escalated(): Promise<Hypothesis> {
  t.clock.set('2026-12-07T09:00:00Z');
  const h = await dueHypothesis('2026-12-07T09:00:00Z');
  await sweep();
  t.clock.set('2026-12-08T09:00:00Z');
  await sweep();
  t.clock.set('2026-12-09T09:00:00Z');
  await sweep();
  expect(dmsTo(LEAD)).toHaveLength(1);
  return h;
}

describe('an unanswered check-in', () => {
  it('gets one reminder a working day later, then the lead hears a working day after that, with buttons to act', async () => {
    const h = await escalated();
    expect(dmsTo(OWNER)).toHaveLength(2);
    expect(JSON.stringify(dmsTo(OWNER)[1]!.args.blocks)).toContain('Reminder 1');
    const [escalation] = dmsTo(LEAD);
    expect(String(escalation!.args.text)).toContain(
      `<@${OWNER}> has not answered the check-in for *H${h.number}*`,
    );
    expect(String(escalation!.args.text)).toContain('after a reminder.');
    expect(buttons(escalation!.args.blocks).map((b) => b.text.text)).toEqual([
      'Validated',
      'Disproven',
      'Inconclusive',
      'Extend',
      'Abandon',
      'New owner',
    ]);
    expect(t.fake.violations).toEqual([]);
  });

  it('counts the working days the owner was present: a day away in between moves the escalation', async () => {
    t.clock.set('2026-12-07T09:00:00Z'); // Monday
    expect(await command('away 2026-12-08 2026-12-08', OWNER)).toContain('You are away on Tue 8 Dec 2026');
    await dueHypothesis('2026-12-07T09:00:00Z');
    await sweep(); // check-in
    t.clock.set('2026-12-08T09:00:00Z');
    await sweep();
    expect(dmsTo(OWNER)).toHaveLength(1);
    t.clock.set('2026-12-09T09:00:00Z');
    await sweep(); // the reminder, on the first day back
    expect(dmsTo(OWNER)).toHaveLength(2);
    expect(dmsTo(LEAD)).toHaveLength(0);
    t.clock.set('2026-12-10T09:00:00Z');
    await sweep();
    expect(dmsTo(LEAD)).toHaveLength(1);
  });

  it('the workspace may choose no reminder: the lead hears a working day after the check-in', async () => {
    t.fake.addUser({ id: 'U0ADMIN', isAdmin: true });
    expect(await command('hours reminders 3', 'U0ADMIN')).toContain('Choose 0, 1 or 2 reminders');
    expect(await command('hours reminders 0', OWNER)).toContain('Only a workspace admin or owner');
    expect(await command('hours reminders 0', 'U0ADMIN')).toContain('now gets no reminder');
    t.clock.set('2026-12-11T09:00:00Z'); // Friday
    await dueHypothesis('2026-12-11T09:00:00Z');
    await sweep();
    t.clock.set('2026-12-14T09:00:00Z'); // Monday
    await sweep();
    expect(dmsTo(OWNER)).toHaveLength(1);
    expect(dmsTo(LEAD)).toHaveLength(1);
    expect(String(dmsTo(LEAD)[0]!.args.text)).not.toContain('reminder');
  });
});

describe('the lead acting on the escalation', () => {
  it('answers for the owner through the outcome form, logged as entered by the lead', async () => {
    const h = await escalated();
    const form = await viewOpenedBy(t.fake, ids.checkin.outcomeModal, () =>
      pressInMessage(t, who(LEAD), dmsTo(LEAD)[0]!, ids.checkin.disproven),
    );
    await submit(t.target, who(LEAD), form, {
      'Measured result': 'no gain on rare intents',
      'What do we now know?': 'focal loss alone is not enough',
    });
    await expect
      .poll(
        async () =>
          (await db().selectFrom('hypotheses').select('status').where('id', '=', h.id).executeTakeFirst())
            ?.status,
      )
      .toBe('disproven');
    const entry = await db()
      .selectFrom('experiment_log_entries')
      .selectAll()
      .where('hypothesis_id', '=', h.id)
      .where('kind', '=', 'hypothesis_concluded')
      .executeTakeFirstOrThrow();
    expect(entry.author_user_id).toBe(LEAD);
    expect(entry.text).toContain(`(entered by <@${LEAD}> for <@${OWNER}>)`);
    expect(entry.details).toMatchObject({ enteredBy: LEAD, owner: OWNER });
  });

  it('gives it a new owner through the edit form', async () => {
    const h = await escalated();
    const form = await viewOpenedBy(t.fake, ids.hypothesis.editModal, () =>
      pressInMessage(t, who(LEAD), dmsTo(LEAD)[0]!, ids.hypothesis.edit),
    );
    expect(JSON.stringify(form)).toContain(h.statement);
  });

  it('a lead who no longer leads the project is refused', async () => {
    await escalated();
    await db()
      .updateTable('projects')
      .set({ lead_user_id: 'U0NEWLEAD' })
      .where('id', '=', project.id)
      .execute();
    const opened = t.fake.callsTo('views.open').length;
    await pressInMessage(t, who(LEAD), dmsTo(LEAD)[0]!, ids.checkin.abandoned);
    const [reply] = await t.fake.waitForResponse();
    expect(String(reply!.body.text)).toContain(
      'or the project lead <@U0NEWLEAD> can conclude it or answer its check-in',
    );
    expect(t.fake.callsTo('views.open')).toHaveLength(opened);
  });
});
