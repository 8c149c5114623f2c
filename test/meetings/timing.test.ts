import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ids } from '../../blocks/ids.js';
import { addWorkingHours, DEFAULT_WORKING_HOURS } from '../../src/rituals/checkins/workingHours.js';
import { startTestApp, TEAM, type TestApp } from '../support/app.js';
import { buttons } from '../support/factories.js';
import { epoch, goodProposal, meetingCast, meetingDriver } from './support.js';

// Invitations and reminders of a meeting called on a Friday evening, everyone in UTC with
// the default 09:00–18:00 Monday-to-Friday week.
let t: TestApp;
let d: ReturnType<typeof meetingDriver>;
let CHANNEL: string;
let LEAD: string;
let ALICE: string;
let seq = 0;

const FRIDAY_EVENING = new Date('2026-11-20T19:00:00Z');

beforeAll(async () => {
  t = await startTestApp();
  d = meetingDriver(t, TEAM);
});
afterAll(() => t?.stop());
beforeEach(async () => {
  ({
    channel: CHANNEL,
    lead: LEAD,
    ALICE,
  } = await meetingCast(t, { prefix: 'T', n: ++seq, now: FRIDAY_EVENING, members: ['ALICE'] }));
});

const dmsTo = (user: string) => t.fake.okCallsTo('chat.postMessage').filter((c) => c.args.channel === user);
const texts = (user: string) => dmsTo(user).map((c) => String(c.args.text).split(':')[0]);

async function called(scheduledAt: string, deadline = '') {
  await d.callMeeting(LEAD, CHANNEL, {
    question: 'Which model do we try next?',
    scheduledAt: epoch(scheduledAt),
    deadline: deadline ? epoch(deadline) : '',
    participants: [ALICE],
  });
  await d.kickoff(CHANNEL);
  return d.meeting();
}

const reminderOf = async (meetingId: number) =>
  t.labbook.db
    .selectFrom('deliveries')
    .selectAll()
    .where('meeting_id', '=', meetingId)
    .where('kind', '=', 'meeting_reminder')
    .executeTakeFirstOrThrow();

async function sweepAt(iso: string) {
  t.clock.set(new Date(iso));
  await t.labbook.scheduler.sweep();
}

describe('working hours', () => {
  it('add up across the evening and the weekend', () => {
    const add = (iso: string, h: number) => addWorkingHours(new Date(iso), h, 'UTC', DEFAULT_WORKING_HOURS);
    expect(add('2026-11-23T09:00:00Z', 4)).toEqual(new Date('2026-11-23T13:00:00Z'));
    expect(add('2026-11-20T16:00:00Z', 4)).toEqual(new Date('2026-11-23T11:00:00Z'));
    expect(add('2026-11-20T19:00:00Z', 4)).toEqual(new Date('2026-11-23T13:00:00Z'));
  });
});

describe('a meeting called on Friday evening', () => {
  it('never sends the invitation and the reminder together: a reminder that cannot follow the Monday 09:00 invitation by four working hours before the deadline is dropped', async () => {
    // Tuesday 10:00, so proposals are due Monday 10:00; the reminder falls due on Sunday.
    const m = await called('2026-11-24T10:00:00Z');
    expect((await reminderOf(m.id)).due_at).toEqual(new Date('2026-11-22T10:00:00Z'));
    await sweepAt('2026-11-20T19:00:00Z');
    await sweepAt('2026-11-22T10:00:00Z');
    expect(dmsTo(ALICE)).toEqual([]);
    expect((await reminderOf(m.id)).status).toBe('cancelled');
    await sweepAt('2026-11-23T09:00:00Z');
    await sweepAt('2026-11-23T13:00:00Z');
    expect(texts(ALICE)).toEqual(['Decision meeting']);
    expect(t.fake.violations).toEqual([]);
  });

  it('sends the reminder four working hours after the held-back invitation, not an hour after it', async () => {
    // Wednesday 10:00, proposals due Tuesday 10:00: the reminder falls due Monday 10:00.
    const m = await called('2026-11-25T10:00:00Z');
    expect((await reminderOf(m.id)).due_at).toEqual(new Date('2026-11-23T10:00:00Z'));
    await sweepAt('2026-11-20T19:00:00Z');
    await sweepAt('2026-11-23T09:00:00Z');
    await sweepAt('2026-11-23T10:00:00Z');
    expect(texts(ALICE)).toEqual(['Decision meeting']);
    expect(await reminderOf(m.id)).toMatchObject({
      status: 'pending',
      next_attempt_at: new Date('2026-11-23T13:00:00Z'),
    });
    await sweepAt('2026-11-23T12:59:00Z');
    expect(texts(ALICE)).toEqual(['Decision meeting']);
    await sweepAt('2026-11-23T13:00:00Z');
    expect(texts(ALICE)).toEqual(['Decision meeting', 'Reminder']);
    expect(t.fake.violations).toEqual([]);
  });

  it('still invites when the invitation can only arrive after the deadline, saying a late proposal is welcome', async () => {
    // Monday 14:00, proposals due Monday 08:00: before anyone's working day starts.
    const m = await called('2026-11-23T14:00:00Z', '2026-11-23T08:00:00Z');
    await sweepAt('2026-11-20T19:00:00Z');
    await sweepAt('2026-11-23T08:00:00Z'); // the pre-read closes proposals
    expect((await d.meeting()).closed_at).toEqual(new Date('2026-11-23T08:00:00Z'));
    expect(dmsTo(ALICE)).toEqual([]);
    await sweepAt('2026-11-23T09:00:00Z');
    const [invite] = dmsTo(ALICE);
    expect(invite).toBeDefined();
    expect(texts(ALICE)).toEqual(['Decision meeting']);
    expect(JSON.stringify(invite!.args.blocks)).toContain('still welcome, marked late');
    expect(buttons(invite!.args.blocks).map((b) => b.action_id)).toEqual([ids.meeting.propose]);
    // And the proposal from it is taken, marked late.
    await d.propose(ALICE, invite!, goodProposal());
    await expect
      .poll(async () =>
        t.labbook.db.selectFrom('proposals').select('late').where('meeting_id', '=', m.id).executeTakeFirst(),
      )
      .toEqual({ late: true });
    expect((await reminderOf(m.id)).status).toBe('cancelled');
    expect(t.fake.violations).toEqual([]);
  });

  it('drops an invitation that could only arrive after the meeting itself', async () => {
    // Monday 08:30, before anyone's working day: nobody can be asked in time.
    const m = await called('2026-11-23T08:30:00Z', '2026-11-23T08:00:00Z');
    await sweepAt('2026-11-20T19:00:00Z');
    await sweepAt('2026-11-23T09:00:00Z');
    expect(dmsTo(ALICE)).toEqual([]);
    const invite = await t.labbook.db
      .selectFrom('deliveries')
      .select('status')
      .where('meeting_id', '=', m.id)
      .where('kind', '=', 'meeting_invite')
      .executeTakeFirstOrThrow();
    expect(invite.status).toBe('cancelled');
  });
});
