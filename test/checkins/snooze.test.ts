import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ids } from '../../blocks/ids.js';
import type { Hypothesis, Project } from '../../src/db/schema/index.js';
import type { RecordedCall } from '../../src/sandbox/slack/embeddedSlack.js';
import { scheduleCheckIn } from '../../src/rituals/checkins/checkins.js';
import { ownCast } from '../support/ownCast.js';
import { startTestApp, TEAM, type TestApp } from '../support/app.js';
import { makeHypothesis } from '../support/factories.js';
import { pressInMessage } from '../support/messages.js';
import { submit, viewOpenedBy } from '../support/modals.js';

let t: TestApp;
let project: Project;
let LEAD: string;
let OWNER: string;
let seq = 0;

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t?.stop());
beforeEach(async () => {
  ({ project, lead: LEAD, owner: OWNER } = await ownCast(t, 'C0SNZ', ++seq));
  await t.labbook.db.updateTable('workspaces').set({ reminder_count: 1 }).execute();
});

const db = () => t.labbook.db;
const sweep = async () => {
  await t.labbook.scheduler.sweep();
  await t.labbook.scheduler.sweep();
};
const dmsTo = (user: string) => t.fake.okCallsTo('chat.postMessage').filter((c) => c.args.channel === user);
const who = { userId: '', teamId: TEAM };

async function dueHypothesis(dueAt: string): Promise<Hypothesis> {
  const h = await makeHypothesis(db(), project, { ownerUserId: OWNER, dueAt: new Date(dueAt) });
  await scheduleCheckIn(db(), h, new Date(dueAt));
  return h;
}

const notNowForm = (dm: RecordedCall) =>
  viewOpenedBy(t.fake, ids.snooze.modal, () =>
    pressInMessage(t, { ...who, userId: OWNER }, dm, ids.snooze.open),
  );

describe('Not now on the check-in', () => {
  it('puts the round off to next Monday: no reminder or escalation meanwhile, logged, the timebox unchanged', async () => {
    t.clock.set('2026-12-09T09:00:00Z'); // Wednesday 10:00 Berlin
    const h = await dueHypothesis('2026-12-09T09:00:00Z');
    await sweep();
    const form = await notNowForm(dmsTo(OWNER)[0]!);
    const reply = await submit(t.target, { ...who, userId: OWNER }, form, { 'Ask me again': 'Next Monday' });
    expect(reply.text).toBe('');
    await expect
      .poll(() => dmsTo(OWNER).map((c) => String(c.args.text)))
      .toContainEqual(
        expect.stringContaining(`I'll ask about H${h.number} again on Mon 14 Dec 2026, 09:00 Berlin time`),
      );
    for (const at of ['2026-12-10T09:00:00Z', '2026-12-11T09:00:00Z', '2026-12-14T07:59:00Z']) {
      t.clock.set(at);
      await sweep();
    }
    const asked = () =>
      dmsTo(OWNER).filter((c) => String(JSON.stringify(c.args.blocks)).includes(`H${h.number}`));
    expect(asked()).toHaveLength(1);
    expect(dmsTo(LEAD)).toEqual([]);
    t.clock.set('2026-12-14T08:00:00Z');
    await sweep();
    expect(asked()).toHaveLength(2);
    expect(JSON.stringify(asked()[1]!.args.blocks)).toContain(
      `You asked me to come back to H${h.number} today.`,
    );
    // The reminder and the lead's notice follow the new asking, a working day apart.
    t.clock.set('2026-12-15T08:00:00Z');
    await sweep();
    expect(asked()).toHaveLength(3);
    t.clock.set('2026-12-16T09:00:00Z'); // 09:00 for the lead, in UTC
    await sweep();
    expect(dmsTo(LEAD)).toHaveLength(1);

    const row = await db()
      .selectFrom('hypotheses')
      .selectAll()
      .where('id', '=', h.id)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ extension_count: 0, due_at: h.due_at, timebox_days: h.timebox_days });
    const log = await db()
      .selectFrom('experiment_log_entries')
      .select('text')
      .where('hypothesis_id', '=', h.id)
      .where('kind', '=', 'note')
      .execute();
    expect(log.map((e) => e.text)).toEqual([
      `H${h.number}'s check-in was put off until Mon 14 Dec 2026 (1 of 2 this round). Not an extension: the timebox stays as planned.`,
    ]);
  });

  it('refuses a day more than 14 days on or in the past, inline', async () => {
    t.clock.set('2026-12-09T09:00:00Z');
    await dueHypothesis('2026-12-09T09:00:00Z');
    await sweep();
    const form = await notNowForm(dmsTo(OWNER)[0]!);
    const owner = { ...who, userId: OWNER };
    const far = await submit(t.target, owner, form, {
      'Ask me again': 'On the day I pick',
      'The day': '2026-12-24',
    });
    expect(far.text).toContain('At most 14 days on (until 2026-12-23)');
    const past = await submit(t.target, owner, form, {
      'Ask me again': 'On the day I pick',
      'The day': '2026-12-09',
    });
    expect(past.text).toContain('Pick a day after today.');
    const none = await submit(t.target, owner, form, { 'Ask me again': 'On the day I pick' });
    expect(none.text).toContain('Pick the day to be asked again.');
  });

  it('allows two snoozes a round; the third asks for an extension, saying why', async () => {
    t.clock.set('2026-12-09T09:00:00Z');
    const h = await dueHypothesis('2026-12-09T09:00:00Z');
    await sweep();
    const owner = { ...who, userId: OWNER };
    await submit(t.target, owner, await notNowForm(dmsTo(OWNER)[0]!), { 'Ask me again': 'Tomorrow morning' });
    t.clock.set('2026-12-10T08:00:00Z');
    await sweep();
    const second = dmsTo(OWNER).filter((c) =>
      String(JSON.stringify(c.args.blocks)).includes('You asked me to come back'),
    );
    expect(second).toHaveLength(1);
    await submit(t.target, owner, await notNowForm(second[0]!), {
      'Ask me again': 'On the day I pick',
      'The day': '2026-12-11',
    });
    t.clock.set('2026-12-11T08:00:00Z');
    await sweep();
    const third = dmsTo(OWNER).filter((c) =>
      String(JSON.stringify(c.args.blocks)).includes('You asked me to come back'),
    );
    expect(third).toHaveLength(2);
    const opened = t.fake.callsTo('views.open').length;
    t.fake.reset();
    await pressInMessage(t, owner, third[1]!, ids.snooze.open);
    const [reply] = await t.fake.waitForResponse();
    expect(String(reply!.body.text)).toContain(
      `H${h.number}'s check-in has been put off 2 times this round. If it needs more time, press *Extend* and say why`,
    );
    expect(t.fake.callsTo('views.open').length).toBeLessThanOrEqual(opened);
  });
});
