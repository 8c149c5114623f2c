import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ids } from '../../blocks/ids.js';
import type { Project } from '../../src/db/schema/index.js';
import { startTestApp, TEAM, type TestApp } from '../support/app.js';
import { buttons, makeHypothesis } from '../support/factories.js';
import type { FillValue, SentView } from '../support/modals.js';
import { event } from '../../src/sandbox/slack/requests.js';
import { icsValue, parseIcs } from '../support/ics.js';
import { actionsOf, epoch, goodProposal, meetingCast, meetingDriver } from './support.js';

let t: TestApp;
let d: ReturnType<typeof meetingDriver>;
let project: Project;
let CHANNEL: string;
let LEAD: string;
let ALICE: string;
let BOB: string;
let seq = 0;

const NOW = new Date('2026-11-23T10:00:00Z'); // a Monday
const AT = new Date('2026-11-26T10:00:00Z'); // the meeting, Thursday

beforeAll(async () => {
  t = await startTestApp();
  d = meetingDriver(t, TEAM);
});
afterAll(() => t?.stop());
beforeEach(async () => {
  ({
    project,
    channel: CHANNEL,
    lead: LEAD,
    ALICE,
    BOB,
  } = await meetingCast(t, { prefix: 'MEET', n: ++seq, now: NOW, members: ['ALICE', 'BOB'] }));
});

const db = () => t.labbook.db;
const sweep = () => t.labbook.scheduler.sweep();
const posts = () => t.fake.okCallsTo('chat.postMessage');
const dmsTo = (user: string) => posts().filter((c) => c.args.channel === user);
const said = (reply: { body: Record<string, unknown> }) => String(reply.body.text);

/** The lead calls the usual meeting and the kickoff is posted; returns the meeting row. */
async function called(values: Record<string, FillValue> = {}) {
  const { reply } = await d.callMeeting(LEAD, CHANNEL, {
    question: 'Which model do we try next for ranking?',
    scheduledAt: epoch(AT),
    metric: 'recall@10 on rare intents',
    ...values,
  });
  expect(reply.text).toBe('');
  const kickoff = await d.kickoff(CHANNEL);
  await expect.poll(async () => (await d.meeting()).thread_ts).toBe(kickoff.response!.ts);
  return { meeting: await d.meeting(), kickoff };
}

const proposals = (meetingId: number) =>
  db().selectFrom('proposals').selectAll().where('meeting_id', '=', meetingId).orderBy('id').execute();
const deliveries = (meetingId: number) =>
  db().selectFrom('deliveries').selectAll().where('meeting_id', '=', meetingId).orderBy('id').execute();

describe('calling a meeting', () => {
  it('opens with the project members and the design doc metric, and posts the kickoff with its buttons', async () => {
    const view = await d.nextView(ids.meeting.modal, () => d.command('meeting', LEAD, CHANNEL));
    const participants = view.blocks.find((b) => b.block_id === 'participants')!.element as {
      initial_users: string[];
    };
    expect(participants.initial_users.sort()).toEqual([LEAD, ALICE, BOB].sort());
    expect(JSON.stringify(view.blocks)).toContain('Times are in your Slack time zone (UTC)');

    const reply = await d.fillAndSubmit(LEAD, view, {
      question: 'Which model do we try next for ranking?',
      scheduledAt: epoch(AT),
    });
    expect(reply.text).toBe('');
    const m = await d.meeting();
    expect(m).toMatchObject({
      project_id: project.id,
      status: 'collecting',
      scheduled_at: AT,
      // The default deadline: 24 hours before the meeting.
      proposal_deadline: new Date('2026-11-25T10:00:00Z'),
    });
    expect([...m.participants].sort()).toEqual([LEAD, ALICE, BOB].sort());

    const kickoff = await d.kickoff(CHANNEL);
    const text = JSON.stringify(kickoff.args.blocks);
    expect(text).toContain('Which model do we try next for ranking?');
    expect(text).toContain(`<!date^${epoch(AT)}^`);
    expect(text).toContain('A good proposal');
    // Everyone sees *Add a proposal*; the lead's four controls are shown to the lead alone.
    expect(actionsOf(kickoff)).toEqual([ids.meeting.propose, ids.meeting.leadControls]);
    expect(text).not.toContain('Cancel meeting');
    await d.press(kickoff, ids.meeting.leadControls, ALICE);
    const refused = await d.heard();
    expect(refused.body).toMatchObject({ response_type: 'ephemeral' });
    expect(buttons(refused.body.blocks)).toEqual([]);
    await d.press(kickoff, ids.meeting.leadControls, LEAD);
    const controls = await d.heard();
    expect(controls.body).toMatchObject({ response_type: 'ephemeral' });
    expect(buttons(controls.body.blocks).map((b) => b.action_id)).toEqual([
      ids.meeting.close,
      ids.meeting.decide,
      ids.meeting.reschedule,
      ids.meeting.cancel,
    ]);

    // Invitations go out through the scheduler, one DM each, with a way to propose; not to
    // the lead, who called it.
    await sweep();
    expect(dmsTo(LEAD)).toEqual([]);
    for (const user of [ALICE, BOB]) {
      const dms = dmsTo(user);
      expect(dms).toHaveLength(1);
      expect(JSON.stringify(dms[0]!.args.blocks)).toContain('Which model do we try next for ranking?');
      expect(buttons(dms[0]!.args.blocks).map((b) => b.action_id)).toEqual([ids.meeting.propose]);
    }
    await sweep();
    expect(dmsTo(ALICE)).toHaveLength(1);
    expect(t.fake.violations).toEqual([]);
  });

  it('shows inline errors for a meeting in the past, a deadline after it, and a deadline in the past', async () => {
    const cases: [Record<string, string>, string, string][] = [
      [{ scheduledAt: epoch('2026-11-22T10:00:00Z') }, 'scheduledAt', 'That time has passed'],
      [
        { scheduledAt: epoch(AT), deadline: epoch('2026-11-27T10:00:00Z') },
        'deadline',
        'before the meeting, not after',
      ],
      [
        { scheduledAt: epoch(AT), deadline: epoch('2026-11-23T09:00:00Z') },
        'deadline',
        'That deadline has passed',
      ],
      [{ scheduledAt: epoch('2026-11-23T20:00:00Z') }, 'deadline', 'less than 24 hours away'],
    ];
    for (const [values, field, message] of cases) {
      const { reply } = await d.callMeeting(LEAD, CHANNEL, { question: 'Which model?', ...values });
      const json = reply.json as { response_action: string; errors: Record<string, string> };
      expect(json.response_action).toBe('errors');
      expect(json.errors[field]).toContain(message);
    }
    const rows = await db()
      .selectFrom('decision_meetings')
      .select('id')
      .where('project_id', '=', project.id)
      .execute();
    expect(rows).toEqual([]);
  });

  it('refuses a member, naming the lead who may', async () => {
    await d.command('meeting', ALICE, CHANNEL);
    const reply = await d.heard();
    expect(said(reply)).toContain(`Only the project lead <@${LEAD}>`);
    expect(t.fake.okCallsTo('views.open')).toEqual([]);
  });

  it('lists the project meetings with links to their threads', async () => {
    const { meeting } = await called();
    t.fake.reset();
    await d.command('meetings', BOB, CHANNEL);
    const reply = await d.heard();
    const text = JSON.stringify(reply.body.blocks);
    expect(text).toContain('Collecting proposals');
    expect(text).toContain(
      `https://fake.slack.com/archives/${CHANNEL}/p${meeting.thread_ts!.replace('.', '')}`,
    );
    expect(text).not.toContain('pre-read>');

    // Once the pre-read is out, the list links to it too.
    t.clock.set(new Date('2026-11-25T10:00:00Z'));
    await sweep();
    const prereadTs = (await d.meeting()).preread_ts;
    expect(prereadTs).not.toBeNull();
    t.fake.reset();
    await d.command('meetings', BOB, CHANNEL);
    const after = await d.heard();
    expect(JSON.stringify(after.body.blocks)).toContain(
      `https://fake.slack.com/archives/${CHANNEL}/p${prereadTs!.replace('.', '')}|pre-read>`,
    );
    expect(t.fake.violations).toEqual([]);
  });
});

describe('proposals', () => {
  it('are posted in the thread and stored; the author edits and withdraws them until the deadline', async () => {
    const { meeting, kickoff } = await called();
    // Reading is required unless ticked as not needed.
    const missing = await d.propose(ALICE, kickoff, goodProposal({ relatedWork: '' }));
    expect((missing.json as { errors: Record<string, string> }).errors.relatedWork).toContain(
      'no reading needed',
    );

    const reply = await d.propose(ALICE, kickoff, goodProposal());
    expect(reply.text).toBe('');
    const [posted] = await t.fake.waitFor('chat.postMessage', (c) => c.args.thread_ts === meeting.thread_ts);
    expect(JSON.stringify(posted!.args.blocks)).toContain('LightGBM lambdarank');
    await expect.poll(async () => (await proposals(meeting.id))[0]?.message_ts).toBe(posted!.response!.ts);
    expect((await proposals(meeting.id))[0]).toMatchObject({
      author_user_id: ALICE,
      kind: 'formal',
      cost_days: 5,
      option_kind: 'simple',
      expected_gain: '+3% recall@10 over the baseline',
      late: false,
    });

    // Edit: the same modal, prefilled; the thread reply is redrawn.
    const [p] = await proposals(meeting.id);
    const edit = await d.nextView(ids.meeting.proposalModal, () =>
      d.press(posted!, ids.meeting.editProposal, ALICE),
    );
    await d.fillAndSubmit(ALICE, edit, { approach: 'XGBoost with pairwise loss' });
    const [updated] = await t.fake.waitFor('chat.update', (c) => c.args.ts === p!.message_ts);
    expect(JSON.stringify(updated!.args.blocks)).toContain('XGBoost with pairwise loss');
    expect((await proposals(meeting.id))[0]!.approach).toBe('XGBoost with pairwise loss');

    // Someone else cannot touch it.
    await d.press(posted!, ids.meeting.withdrawProposal, BOB);
    const refused = await d.heard();
    expect(said(refused)).toContain(`Only its author <@${ALICE}>`);

    await d.press(posted!, ids.meeting.withdrawProposal, ALICE);
    await expect.poll(async () => (await proposals(meeting.id))[0]!.withdrawn_at).not.toBeNull();
    // Withdrawn, the reply has no buttons left; a device still showing them as first posted
    // gets a sentence for a press, not a modal.
    await expect.poll(() => d.buttonsNow(posted!, ALICE)).toEqual([]);
    // Alice is told it is withdrawn (before the record is cleared, so that nothing of the
    // withdrawal is still on its way).
    await t.fake.waitForResponse((r) => said(r).startsWith('Your proposal is withdrawn'));
    t.fake.reset();
    await d.press(posted!, ids.meeting.editProposal, ALICE, { asFirstPosted: true });
    const stale = await d.heard();
    expect(said(stale)).toBe('That proposal was withdrawn; nothing more to change.');
    expect(t.fake.okCallsTo('views.open')).toEqual([]);
    expect(t.fake.violations).toEqual([]);
  });

  it('keeps plain thread replies as informal proposals, following edits and deletions, ignoring bots and other threads', async () => {
    const { meeting } = await called();
    const thread = meeting.thread_ts!;
    const message = (e: Record<string, unknown>, team = TEAM) =>
      event(t.target, {
        teamId: team,
        event: { type: 'message', channel: CHANNEL, channel_type: 'channel', ...e },
      });
    await message({
      user: BOB,
      text: 'What about a two-tower retrieval model? https://arxiv.org/abs/1906.00091',
      ts: '1800000000.000100',
      thread_ts: thread,
    });
    await message({
      user: 'U0STRANGER',
      text: 'I have opinions',
      ts: '1800000000.000200',
      thread_ts: thread,
    });
    await message({
      user: BOB,
      text: 'Elsewhere entirely',
      ts: '1800000000.000300',
      thread_ts: '1600000000.000001',
    });
    await message({ user: BOB, text: 'Not in a thread', ts: '1800000000.000400' });
    await message({
      bot_id: 'B0OTHER',
      subtype: 'bot_message',
      text: 'beep',
      ts: '1800000000.000500',
      thread_ts: thread,
    });
    await message(
      { user: ALICE, text: 'From another workspace', ts: '1800000000.000600', thread_ts: thread },
      'T0OTHERTEAM',
    );
    await expect.poll(async () => (await proposals(meeting.id)).length).toBe(1);
    // Let the ignored ones land too before looking again.
    await new Promise((r) => setTimeout(r, 200));
    const [informal] = await proposals(meeting.id);
    expect(informal).toMatchObject({
      kind: 'informal',
      author_user_id: BOB,
      message_ts: '1800000000.000100',
    });
    expect(await proposals(meeting.id)).toHaveLength(1);

    await message({
      subtype: 'message_changed',
      hidden: true,
      ts: '1800000000.000700',
      message: {
        type: 'message',
        user: BOB,
        text: 'Two-tower model, edited',
        ts: '1800000000.000100',
        thread_ts: thread,
      },
      previous_message: {
        type: 'message',
        user: BOB,
        text: 'old',
        ts: '1800000000.000100',
        thread_ts: thread,
      },
    });
    await expect.poll(async () => (await proposals(meeting.id))[0]!.approach).toBe('Two-tower model, edited');

    await message({
      subtype: 'message_deleted',
      hidden: true,
      ts: '1800000000.000800',
      deleted_ts: '1800000000.000100',
      previous_message: {
        type: 'message',
        user: BOB,
        text: 'Two-tower model, edited',
        ts: '1800000000.000100',
        thread_ts: thread,
      },
    });
    await expect.poll(async () => (await proposals(meeting.id))[0]!.withdrawn_at).not.toBeNull();
    // The record keeps it; it is only withdrawn.
    expect(await proposals(meeting.id)).toHaveLength(1);
  });
});

describe('thread replies of a lead who is not a participant', () => {
  it("are not proposals: only participants' replies are kept, and only they reach the pre-read", async () => {
    const { meeting, kickoff } = await called({ participants: [ALICE, BOB] });
    const reply = (user: string, text: string, ts: string) =>
      event(t.target, {
        teamId: TEAM,
        event: { type: 'message', channel: CHANNEL, user, text, ts, thread_ts: meeting.thread_ts! },
      });
    await reply(LEAD, '+1, and please read the LambdaMART paper before proposing', '1800000002.000100');
    await reply(ALICE, 'What about a two-tower retrieval model?', '1800000002.000200');
    await expect.poll(async () => (await proposals(meeting.id)).length).toBe(1);
    await new Promise((r) => setTimeout(r, 200));
    expect((await proposals(meeting.id)).map((p) => p.author_user_id)).toEqual([ALICE]);
    // Alice says her reply is her proposal.
    const [question] = await t.fake.waitFor('chat.postEphemeral', (c) => c.args.user === ALICE);
    await d.press(question!, ids.meeting.replyIsProposal, ALICE);
    await expect.poll(async () => (await proposals(meeting.id))[0]!.meant).toBe('proposal');

    await d.press(kickoff, ids.meeting.close, LEAD);
    const [first] = await t.fake.waitFor('chat.postMessage', (c) =>
      String(c.args.text).startsWith('Pre-read'),
    );
    const text = JSON.stringify(first!.args.blocks);
    expect(text).toContain('two-tower retrieval');
    expect(text).not.toContain('LambdaMART paper before proposing');
    expect(text).toContain('1 proposal from 1 of 2 participants');
  });
});

describe('user text in messages', () => {
  it('never pings: <!channel>, <!here> and <!subteam^S123> in the question, the metric, proposals and the decision reach no text or block unescaped', async () => {
    const ping = 'cc <!channel> <!here> <!subteam^S123|ml-team>';
    const { meeting, kickoff } = await called({
      question: `Which model next? ${ping}`,
      metric: `recall@10 ${ping}`,
    });
    await sweep(); // invitations
    await d.propose(
      ALICE,
      kickoff,
      goodProposal({ approach: `Boosted trees ${ping}`, expectedGain: `+3% ${ping}` }),
    );
    await event(t.target, {
      teamId: TEAM,
      event: {
        type: 'message',
        channel: CHANNEL,
        user: BOB,
        text: `Two towers ${ping}`,
        ts: '1800000003.000100',
        thread_ts: meeting.thread_ts!,
      },
    });
    await expect.poll(async () => (await proposals(meeting.id)).length).toBe(2);
    t.clock.set(new Date('2026-11-24T10:00:00Z'));
    await sweep(); // the lead's reminder
    t.clock.set(new Date('2026-11-25T10:00:00Z'));
    await sweep(); // the pre-read
    await t.fake.waitFor('chat.postMessage', (c) => String(c.args.text).startsWith('Pre-read'));
    const [alice] = await proposals(meeting.id);
    const step1 = await d.nextView(ids.meeting.decisionModal, () =>
      d.press(kickoff, ids.meeting.decide, LEAD),
    );
    const next = await d.fillAndSubmit(LEAD, step1, {
      chosen: [String(alice!.id)],
      decision: `Trees first ${ping}`,
      whyNot: `towers later ${ping}`,
    });
    const step2 = { ...(next.json as { view: SentView }).view, id: step1.id, hash: step1.hash } as SentView;
    await d.fillAndSubmit(LEAD, step2, {});
    await t.fake.waitFor('chat.postMessage', (c) => String(c.args.text).startsWith('Decision:'));
    await d.command('meetings', BOB, CHANNEL);
    await t.fake.waitForResponse((r) => String(r.body.text).startsWith('Decision meetings of'));

    const messages = [
      ...t.fake.okCallsTo('chat.postMessage'),
      ...t.fake.okCallsTo('chat.update'),
      ...t.fake.okCallsTo('chat.postEphemeral'),
    ].map((c) => ({ text: c.args.text, blocks: c.args.blocks }));
    const seen = [
      ...messages,
      ...t.fake.responses.map((r) => ({ text: r.body.text, blocks: r.body.blocks })),
    ];
    // Every kind of message was there to look at: kickoff, invitation, reminder, proposal, pre-read, decision, list.
    const firstWords = seen.map((m) => String(m.text).split(':')[0]);
    for (const kind of ['Decision meeting', 'Reminder', 'Proposal P1', 'Pre-read', 'Decision'])
      expect(firstWords).toContain(kind);
    expect(seen.some((m) => String(m.text).startsWith('Decision meetings of'))).toBe(true);
    expect(
      seen.map((m) => String(m.text)).filter((x) => x.includes('&lt;!channel&gt;')).length,
    ).toBeGreaterThan(4);
    for (const m of seen) {
      const json = JSON.stringify(m);
      expect(json).not.toMatch(/<!(channel|here|subteam)/);
    }
    expect(t.fake.violations).toEqual([]);
  });
});

describe('invitations', () => {
  it('reach each participant in their own working hours', async () => {
    const CAROL = `U0CAROL${seq}`;
    t.fake.addUser({ id: CAROL, tz: 'America/Los_Angeles' });
    await d.callMeeting(LEAD, CHANNEL, {
      question: 'Which model do we try next for ranking?',
      scheduledAt: epoch(AT),
      participants: [ALICE, CAROL],
    });
    await sweep(); // 10:00 UTC: working time for Alice, 02:00 for Carol
    expect(dmsTo(ALICE)).toHaveLength(1);
    expect(dmsTo(CAROL)).toEqual([]);
    t.clock.set(new Date('2026-11-23T16:59:00Z'));
    await sweep();
    expect(dmsTo(CAROL)).toEqual([]);
    t.clock.set(new Date('2026-11-23T17:00:00Z')); // 09:00 in Los Angeles
    await sweep();
    expect(dmsTo(CAROL)).toHaveLength(1);
    expect(dmsTo(ALICE)).toHaveLength(1);
  });
});

describe('reminders', () => {
  it('go once, before the deadline, only to participants without a proposal', async () => {
    const { meeting, kickoff } = await called();
    await sweep(); // invitations
    await d.propose(ALICE, kickoff, goodProposal());
    await event(t.target, {
      teamId: TEAM,
      event: {
        type: 'message',
        channel: CHANNEL,
        user: LEAD,
        text: 'Maybe a bigger transformer?',
        ts: '1800000001.000100',
        thread_ts: meeting.thread_ts!,
      },
    });
    await expect.poll(async () => (await proposals(meeting.id)).length).toBe(2);
    // A thread reply takes its author off the list only once they say it is their proposal.
    const [question] = await t.fake.waitFor('chat.postEphemeral', (c) => c.args.user === LEAD);
    await d.press(question!, ids.meeting.replyIsProposal, LEAD);
    await expect.poll(async () => (await proposals(meeting.id))[1]!.meant).toBe('proposal');
    const reminder = (await deliveries(meeting.id)).find(
      (x) => x.kind === 'meeting_reminder' && x.recipient_id === BOB,
    )!;
    expect(reminder.due_at).toEqual(new Date('2026-11-24T10:00:00Z'));

    t.fake.reset();
    t.clock.set(new Date('2026-11-24T10:00:00Z'));
    await sweep();
    t.clock.set(new Date('2026-11-24T16:00:00Z'));
    await sweep();
    const reminded = posts().filter((c) => String(c.args.text).startsWith('Reminder'));
    expect(reminded.map((c) => c.args.channel)).toEqual([BOB]);
    expect(JSON.stringify(reminded[0]!.args.blocks)).toContain('you have not proposed yet');
    expect(t.fake.violations).toEqual([]);
  });
});

describe('a reminder that could only arrive after the deadline', () => {
  it('is not sent at all', async () => {
    const CAROL = `U0CAROL${seq}`;
    t.fake.addUser({ id: CAROL, tz: 'America/Los_Angeles' });
    const { meeting } = await called({
      participants: [CAROL],
      scheduledAt: epoch('2026-11-23T20:00:00Z'),
      deadline: epoch('2026-11-23T16:00:00Z'), // 08:00 in Los Angeles
    });
    const reminder = async () => (await deliveries(meeting.id)).find((x) => x.kind === 'meeting_reminder')!;
    expect((await reminder()).due_at).toEqual(new Date('2026-11-23T13:00:00Z'));
    t.clock.set(new Date('2026-11-23T13:00:00Z')); // 05:00 for Carol; her day starts after the deadline
    await sweep();
    expect((await reminder()).status).toBe('cancelled');
    expect(posts().filter((c) => String(c.args.text).startsWith('Reminder'))).toEqual([]);
  });
});

describe('reminders after a reschedule', () => {
  it('follow the new deadline for those not yet reminded, and never come twice', async () => {
    const { kickoff } = await called({ participants: [ALICE] });
    await sweep();
    t.clock.set(new Date('2026-11-24T10:00:00Z'));
    await sweep();
    const reminders = () => posts().filter((c) => String(c.args.text).startsWith('Reminder'));
    expect(reminders().map((c) => c.args.channel)).toEqual([ALICE]);
    const view = await d.nextView(ids.meeting.rescheduleModal, () =>
      d.press(kickoff, ids.meeting.reschedule, LEAD),
    );
    await d.fillAndSubmit(LEAD, view, { scheduledAt: epoch('2026-12-03T10:00:00Z'), deadline: '' });
    for (const when of ['2026-12-01T10:00:00Z', '2026-12-02T09:00:00Z']) {
      t.clock.set(new Date(when));
      await sweep();
    }
    expect(reminders()).toHaveLength(1);
  });
});

describe('the pre-read', () => {
  it('goes out at the deadline in the kickoff’s thread, with every proposal, who has not proposed, and the flags', async () => {
    const { meeting, kickoff } = await called();
    await d.propose(ALICE, kickoff, goodProposal());
    await d.propose(
      BOB,
      kickoff,
      goodProposal({
        approach: 'A cross-encoder reranker (BERT)',
        optionKind: 'sota',
        costDays: '',
        expectedGain: '+5% NDCG',
      }),
    );
    await expect.poll(async () => (await proposals(meeting.id)).length).toBe(2);
    // Invitations and reminders out of the way, so the pre-read is all that falls due below.
    await sweep();
    t.clock.set(new Date('2026-11-24T10:00:00Z'));
    await sweep();
    t.fake.reset();
    t.clock.set(new Date('2026-11-25T10:00:00Z'));
    await sweep();
    const [first] = await t.fake.waitFor('chat.postMessage', (c) =>
      String(c.args.text).startsWith('Pre-read'),
    );
    // In the kickoff's thread only: the kickoff, redrawn, tells the channel it is there.
    expect(first!.args).toMatchObject({ channel: CHANNEL, thread_ts: meeting.thread_ts });
    expect(first!.args).not.toHaveProperty('reply_broadcast');
    const blocks = first!.args.blocks as {
      type: string;
      text?: { text: string };
      fields?: { text: string }[];
    }[];
    const text = JSON.stringify(blocks);
    expect(text).toContain(`No proposal from* <@${LEAD}>`);
    // Side by side: the same fields in the same places for each proposal, its P-number linking to it.
    const [alice, bob] = await proposals(meeting.id);
    const rows = blocks.filter((b) => b.fields);
    expect(rows.map((b) => b.text!.text)).toEqual([
      `*<https://fake.slack.com/archives/${CHANNEL}/p${alice!.message_ts!.replace('.', '')}|P1>* · <@${ALICE}> · simple / standard`,
      `*<https://fake.slack.com/archives/${CHANNEL}/p${bob!.message_ts!.replace('.', '')}|P2>* · <@${BOB}> · state of the art`,
    ]);
    expect(rows.map((b) => b.fields!.map((f) => f.text.split('\n')[0]))).toEqual([
      ['*Approach*', '*Reading*', '*Gain on recall@10 on rare intents*', '*Cost*', '*Risks*'],
      ['*Approach*', '*Reading*', '*Gain on recall@10 on rare intents*', '*Cost*', '*Risks*'],
    ]);
    expect(rows.map((b) => b.fields!.map((f) => f.text.split('\n')[1]))).toEqual([
      [
        'Gradient-boosted trees on the existing features (LightGBM lambdarank)',
        'https://arxiv.org/abs/1706.09516 and the LambdaMART paper (Burges 2010)',
        '+3% recall@10 over the baseline',
        '5 days',
        'Feature drift between offline and online',
      ],
      [
        'A cross-encoder reranker (BERT)',
        'https://arxiv.org/abs/1706.09516 and the LambdaMART paper (Burges 2010)',
        '+5% NDCG',
        '—',
        'Feature drift between offline and online',
      ],
    ]);
    // Each proposal is in the thread once: the pre-read is one message, and repeats none of them.
    expect(
      t.fake.okCallsTo('chat.postMessage').filter((c) => String(c.args.text).startsWith('Pre-read')),
    ).toHaveLength(1);
    // Both cite work and one is simple; Bob's has no cost and a gain on NDCG, and the flags say so by name.
    expect(text).toContain('P2 gives no cost to implement');
    expect(text).toContain('P2 states its gain as “+5% NDCG”');
    expect(text).not.toContain('Only one architecture');
    expect(text).not.toContain('No proposal cites related work');
    await expect.poll(async () => (await d.meeting()).closed_at).toEqual(new Date('2026-11-25T10:00:00Z'));
    // The kickoff loses its Close button.
    const [redrawn] = await t.fake.waitFor('chat.update', (c) => c.args.ts === meeting.thread_ts);
    expect(actionsOf(redrawn!)).not.toContain(ids.meeting.close);

    // A proposal after the deadline is still taken, marked late.
    await d.propose(LEAD, kickoff, goodProposal({ approach: 'Plain BM25 with query expansion' }));
    const late = (await proposals(meeting.id)).find((p) => p.author_user_id === LEAD)!;
    expect(late.late).toBe(true);
    const [reply] = await t.fake.waitFor('chat.postMessage', (c) =>
      String(c.args.text).startsWith('Proposal P3'),
    );
    expect(JSON.stringify(reply!.args.blocks)).toContain('late');
    expect(t.fake.violations).toEqual([]);
  });

  it('flags each pitfall as a plain sentence when it applies, on Close proposals now', async () => {
    const { meeting, kickoff } = await called({ metric: '' });
    await d.propose(
      ALICE,
      kickoff,
      goodProposal({ relatedWork: '', noReading: ['none'], costDays: '', optionKind: 'sota' }),
    );
    await expect.poll(async () => (await proposals(meeting.id)).length).toBe(1);
    // A member cannot close proposals.
    await d.press(kickoff, ids.meeting.close, ALICE);
    const refused = await d.heard();
    expect(said(refused)).toContain(`Only the project lead <@${LEAD}>`);

    await d.press(kickoff, ids.meeting.close, LEAD);
    const [first] = await t.fake.waitFor('chat.postMessage', (c) =>
      String(c.args.text).startsWith('Pre-read'),
    );
    const text = JSON.stringify(first!.args.blocks);
    expect(text).toContain('Only one architecture is on the table: P1 is the single proposal');
    expect(text).toContain('No proposal cites related work (P1)');
    // The factory's design doc has no baseline.
    expect(text).toContain('None of P1 is a simple or standard option');
    expect(text).toContain('P1 gives no cost to implement');
    expect(text).toContain('the project has none written down');
    // Closed once: the pre-read delivery at the deadline is withdrawn.
    t.clock.set(new Date('2026-11-25T10:00:00Z'));
    await sweep();
    expect(posts().filter((c) => String(c.args.text).startsWith('Pre-read:'))).toHaveLength(1);
    expect(t.fake.violations).toEqual([]);
  });

  it('lists under each proposal what was tried before like it, and flags the one that repeats a dead end', async () => {
    const dead = await makeHypothesis(t.labbook.db, project, {
      statement: 'Query expansion with synonyms will raise recall@10 on rare intents by 2% over BM25',
      method: 'Expand each query with WordNet synonyms',
    });
    await db()
      .updateTable('hypotheses')
      .set({
        status: 'disproven',
        learnings: 'query expansion adds noise on tail queries',
        concluded_at: new Date('2026-11-12T16:00:00Z'),
      })
      .where('id', '=', dead.id)
      .execute();
    const { meeting, kickoff } = await called();
    await d.propose(ALICE, kickoff, goodProposal({ approach: 'Query expansion with synonyms' }));
    await d.propose(
      BOB,
      kickoff,
      goodProposal({ approach: 'A cross-encoder reranker (BERT)', optionKind: 'sota' }),
    );
    await expect.poll(async () => (await proposals(meeting.id)).length).toBe(2);
    await d.press(kickoff, ids.meeting.close, LEAD);
    const [first] = await t.fake.waitFor('chat.postMessage', (c) =>
      String(c.args.text).startsWith('Pre-read'),
    );
    const blocks = first!.args.blocks as { type: string; elements?: { text: string }[] }[];
    const text = JSON.stringify(blocks);
    expect(text).toContain(
      `P1 repeats a disproven hypothesis: H${dead.number} disproven on 12 Nov: query expansion adds noise on tail queries.`,
    );
    const tried = blocks.filter(
      (b) => b.type === 'context' && b.elements?.[0]?.text.startsWith('Tried before'),
    );
    expect(tried.map((b) => b.elements!.map((e) => e.text))).toEqual([
      [`Tried before: H${dead.number} disproven on 12 Nov: query expansion adds noise on tail queries`],
    ]);
    // It sits under P1, not under the reranker.
    expect(text.indexOf('Tried before')).toBeLessThan(text.indexOf('P2>*'));
    expect(t.fake.violations).toEqual([]);
  });

  it('fits 30 proposals of 3,000 characters each into messages Slack accepts', async () => {
    const { meeting, kickoff } = await called();
    const long = (what: string, n: number) => `${what} ${n}: ${'x'.repeat(2990)}`.slice(0, 3000);
    for (let i = 1; i <= 30; i++) {
      await db()
        .insertInto('proposals')
        .values({
          team_id: TEAM,
          meeting_id: meeting.id,
          author_user_id: `U0P${String(i).padStart(3, '0')}`,
          approach: long('Approach <!channel> & more', i),
          related_work: long('Read', i),
          expected_gain: long('Gain recall@10', i).slice(0, 500),
          risks: long('Risk', i),
          cost_days: i,
          option_kind: i % 2 ? 'simple' : 'sota',
          created_at: NOW,
          updated_at: NOW,
        })
        .execute();
    }
    t.fake.reset();
    // The first message goes through; Slack answers the next with a rate limit, which is waited out.
    t.fake.fail('chat.postMessage', { kind: 'slow', delayMs: 1 }, { kind: 'ratelimited', retryAfter: 1 });
    await d.press(kickoff, ids.meeting.close, LEAD);
    await t.fake.waitFor('chat.update', (c) => c.args.ts === meeting.thread_ts);
    const messages = t.fake.okCallsTo('chat.postMessage');
    expect(t.fake.callsTo('chat.postMessage').filter((c) => !c.ok)).toHaveLength(1);
    expect(messages.length).toBeGreaterThan(2);
    expect(messages.slice(1).every((c) => c.args.thread_ts === meeting.thread_ts)).toBe(true);
    expect(t.fake.violations).toEqual([]);
    const all = messages.map((c) => JSON.stringify(c.args.blocks)).join('');
    // Too long for one message: each proposal once, its fields cut, its P-number pointing to it in full.
    for (let i = 1; i <= 30; i++) {
      expect(all.split(`*P${i}* · <@U0P${String(i).padStart(3, '0')}>`)).toHaveLength(2);
      expect(all).toContain(
        `Approach <!channel> &amp; more ${i}: xxx`.replace('<!channel>', '&lt;!channel&gt;'),
      );
    }
    expect(all).toContain('Each P-number opens that proposal, in full, in the thread.');
    // User text is shown, never obeyed.
    expect(all).not.toContain('<!channel>');
  });
});

describe('the decision', () => {
  it('creates hypotheses from the chosen proposals, logs what was weighed, and settles the buttons', async () => {
    const { meeting, kickoff } = await called();
    await sweep(); // invitations out
    const bobInvite = dmsTo(BOB)[0];
    await d.propose(ALICE, kickoff, goodProposal());
    // Bob proposes from his invitation DM.
    await d.propose(
      BOB,
      bobInvite!,
      goodProposal({ approach: 'A cross-encoder reranker (BERT)', optionKind: 'sota', costDays: '20' }),
    );
    await expect.poll(async () => (await proposals(meeting.id)).length).toBe(2);
    const [alice, bob] = await proposals(meeting.id);

    const step1 = await d.nextView(ids.meeting.decisionModal, () =>
      d.press(kickoff, ids.meeting.decide, LEAD),
    );
    const next = await d.fillAndSubmit(LEAD, step1, {
      chosen: [String(alice!.id)],
      decision: 'Try boosted trees first.',
    });
    const update = next.json as { response_action: string; view: SentView };
    expect(update.response_action).toBe('update');
    // Slack keeps the view's id when a submission updates it.
    const step2 = { ...update.view, id: step1.id, hash: step1.hash } as SentView;
    const prefilled = JSON.stringify(step2.blocks);
    expect(prefilled).toContain('"initial_user":"' + ALICE + '"');
    expect(prefilled).toContain('"initial_value":"5"');
    // The proposal left out needs its own reason: a required field, empty as no shared reason was given.
    const reason = step2.blocks.find((b) => b.block_id === `why_${bob!.id}`) as {
      optional: boolean;
      label: { text: string };
      element: { initial_value?: string };
    };
    expect(reason).toMatchObject({
      optional: false,
      label: { text: 'Why not P2: A cross-encoder reranker (BERT)' },
    });
    expect(reason.element.initial_value).toBeUndefined();
    const done = await d.fillAndSubmit(LEAD, step2, {
      [`why_${bob!.id}`]: 'the reranker costs four times as much for an unproven gain',
    });
    expect(done.text).toBe('');

    const m = await d.meeting();
    expect(m).toMatchObject({ status: 'decided', decision: 'Try boosted trees first.', decided_by: LEAD });
    const rows = await proposals(meeting.id);
    const h = await db()
      .selectFrom('hypotheses')
      .selectAll()
      .where('project_id', '=', project.id)
      .executeTakeFirstOrThrow();
    expect(h).toMatchObject({
      number: 1,
      owner_user_id: ALICE,
      status: 'running',
      timebox_days: 5,
      metric: 'recall@10 on rare intents',
    });
    expect(rows.find((p) => p.id === alice!.id)).toMatchObject({ chosen: true, hypothesis_id: h.id });
    expect(rows.find((p) => p.id === bob!.id)).toMatchObject({
      chosen: false,
      not_chosen_reason: 'the reranker costs four times as much for an unproven gain',
    });
    // Its timebox runs: the check-in is scheduled like any other.
    const checkin = await db()
      .selectFrom('deliveries')
      .selectAll()
      .where('hypothesis_id', '=', h.id)
      .executeTakeFirstOrThrow();
    expect(checkin).toMatchObject({ kind: 'checkin', recipient_id: ALICE, status: 'pending' });

    const log = await db()
      .selectFrom('experiment_log_entries')
      .selectAll()
      .where('meeting_id', '=', meeting.id)
      .where('kind', '=', 'decision')
      .orderBy('id')
      .execute();
    expect(log.map((e) => e.text)).toEqual([
      'Decided: Which model do we try next for ranking? — Try boosted trees first.',
      'Considered, not chosen: A cross-encoder reranker (BERT). Why not: the reranker costs four times as much for an unproven gain.',
      'Chosen: Gradient-boosted trees on the existing features (LightGBM lambdarank), now H1 (running).',
    ]);
    expect(log[2]!.hypothesis_id).toBe(h.id);

    const [decision] = await t.fake.waitFor('chat.postMessage', (c) =>
      String(c.args.text).startsWith('Decision:'),
    );
    expect(decision!.args).toMatchObject({ thread_ts: meeting.thread_ts });
    expect(decision!.args).not.toHaveProperty('reply_broadcast');
    expect(JSON.stringify(decision!.args.blocks)).toContain('*H1*');
    await t.fake.waitFor(
      'chat.postMessage',
      (c) => c.args.channel === CHANNEL && String(c.args.text).includes('H1'),
    );
    const [redrawn] = await t.fake.waitFor('chat.update', (c) => c.args.ts === meeting.thread_ts);
    expect(actionsOf(redrawn!)).toEqual([]);
    expect(JSON.stringify(redrawn!.args.blocks)).toContain('Decided');
    // Every invitation DM loses its button.
    await t.fake.waitFor(
      'chat.update',
      (c) => String(c.args.channel).startsWith('D') && c.args.text === 'Decision meeting decided',
      { count: 2 },
    );

    // A device still showing the invitation as first posted: its button gets a sentence.
    t.fake.reset();
    await d.press(bobInvite!, ids.meeting.propose, BOB, { asFirstPosted: true });
    const stale = await d.heard();
    expect(said(stale)).toContain('already been decided');
    expect(t.fake.okCallsTo('views.open')).toEqual([]);
    expect(t.fake.violations).toEqual([]);
  });
});

describe('reschedule and cancel', () => {
  it('rescheduling moves the reminders and the pre-read, and tells those invited', async () => {
    const { meeting, kickoff } = await called();
    await sweep(); // invitations out
    t.fake.reset();
    const view = await d.nextView(ids.meeting.rescheduleModal, () =>
      d.press(kickoff, ids.meeting.reschedule, LEAD),
    );
    const bad = await d.fillAndSubmit(LEAD, view, { scheduledAt: epoch('2026-11-20T10:00:00Z') });
    expect((bad.json as { errors: Record<string, string> }).errors.scheduledAt).toContain('passed');
    await d.fillAndSubmit(LEAD, view, { scheduledAt: epoch('2026-12-03T10:00:00Z'), deadline: '' });
    const m = await d.meeting();
    expect(m).toMatchObject({
      scheduled_at: new Date('2026-12-03T10:00:00Z'),
      proposal_deadline: new Date('2026-12-02T10:00:00Z'),
    });
    const pending = (await deliveries(meeting.id)).filter((x) => x.status === 'pending');
    expect(pending.find((x) => x.kind === 'meeting_preread')!.due_at).toEqual(
      new Date('2026-12-02T10:00:00Z'),
    );
    expect(pending.find((x) => x.kind === 'meeting_reminder' && x.recipient_id === ALICE)!.due_at).toEqual(
      new Date('2026-12-01T10:00:00Z'),
    );
    await sweep();
    // Those invited hear it; the lead, who moved it (and called it, so was never invited), does not.
    const notices = posts().filter((c) => c.args.text === 'Decision meeting rescheduled');
    expect(notices.map((c) => c.args.channel).sort()).toEqual([ALICE, BOB].sort());
    // Nothing at the old deadline.
    t.clock.set(new Date('2026-11-25T10:00:00Z'));
    await sweep();
    expect(posts().filter((c) => String(c.args.text).startsWith('Pre-read'))).toEqual([]);
    const [redrawn] = await t.fake.waitFor('chat.update', (c) => c.args.ts === meeting.thread_ts);
    expect(JSON.stringify(redrawn!.args.blocks)).toContain(`<!date^${epoch('2026-12-03T10:00:00Z')}^`);
    expect(t.fake.violations).toEqual([]);
  });

  it('cancelling tells everyone once and sends nothing more', async () => {
    const { meeting, kickoff } = await called();
    await sweep(); // invitations out
    t.fake.reset();
    await d.press(kickoff, ids.meeting.cancel, LEAD);
    await expect.poll(async () => (await d.meeting()).status).toBe('cancelled');
    const [redrawn] = await t.fake.waitFor('chat.update', (c) => c.args.ts === meeting.thread_ts);
    expect(actionsOf(redrawn!)).toEqual([]);
    // The two invitations settle; the lead was not invited to the meeting they called.
    await t.fake.waitFor('chat.update', (c) => c.args.text === 'Decision meeting cancelled', { count: 2 });
    await sweep();
    for (const when of ['2026-11-24T10:00:00Z', '2026-11-25T10:00:00Z', '2026-11-26T10:00:00Z']) {
      t.clock.set(new Date(when));
      await sweep();
    }
    const dms = posts().filter((c) => String(c.args.channel).startsWith('U0'));
    // Told: the two invited; the lead cancelled it and needs no DM about it.
    expect(dms.map((c) => c.args.text)).toEqual(Array(2).fill('Decision meeting cancelled'));
    expect(posts().filter((c) => String(c.args.text).startsWith('Pre-read'))).toEqual([]);

    // A device still showing the kickoff as first posted: its buttons get a sentence.
    t.fake.reset();
    await d.press(kickoff, ids.meeting.decide, LEAD, { asFirstPosted: true });
    const stale = await d.heard();
    expect(said(stale)).toContain('cancelled');
    expect(t.fake.okCallsTo('views.open')).toEqual([]);
  });

  it('puts the meeting in each calendar: an .ics with the invitation, replaced on reschedule, cancelled on cancel', async () => {
    const { meeting, kickoff } = await called();
    // Only this meeting's files: an earlier test's meeting may have sent some.
    let since = t.fake.uploads.length;
    await sweep(); // invitations out (not to the lead, who called it), each followed by its calendar file
    // In Alice's and Bob's DMs (the embedded Slack's DM ids): an earlier test's calendar
    // files may still be on their way to its own people.
    const theirDms = [ALICE, BOB].map((user) => `D${user}`);
    const calendars = () =>
      t.fake.uploads
        .slice(since)
        .filter((u) => u.filename.endsWith('.ics') && theirDms.includes(String(u.channelId)));
    await expect.poll(() => calendars().length).toBe(2);
    const invited = posts().filter(
      (c) => c.args.text !== undefined && [ALICE, BOB].includes(String(c.args.channel)),
    );
    const dmOf = (user: string) => invited.find((c) => c.args.channel === user)!.response!.channel;
    const threadLink = `https://fake.slack.com/archives/${CHANNEL}/p${meeting.thread_ts!.replace('.', '')}`;
    const first = new Map(calendars().map((u) => [u.channelId, u]));
    for (const user of [ALICE, BOB]) {
      const file = first.get(String(dmOf(user)))!;
      expect(file.filename).toBe('decision-meeting.ics');
      const ics = parseIcs(file.content);
      expect(icsValue(ics, 'METHOD')).toBe('PUBLISH');
      expect(icsValue(ics, 'SUMMARY')).toBe('Which model do we try next for ranking?');
      expect(icsValue(ics, 'DTSTART')).toBe('20261126T100000Z');
      expect(icsValue(ics, 'URL')).toBe(threadLink);
      expect(icsValue(ics, 'DESCRIPTION')).toContain('Proposals due Wed 25 Nov 2026, 10:00 UTC');
      expect(icsValue(ics, 'DESCRIPTION')).toContain(`Thread: ${threadLink}`);
    }
    const uid = icsValue(parseIcs(calendars()[0]!.content), 'UID');
    const aliceFirst = first.get(String(dmOf(ALICE)))!.fileId;

    // Rescheduled: a new file in each DM, the same UID, a later SEQUENCE; the old file deleted.
    t.fake.reset();
    since = 0;
    const view = await d.nextView(ids.meeting.rescheduleModal, () =>
      d.press(kickoff, ids.meeting.reschedule, LEAD),
    );
    await d.fillAndSubmit(LEAD, view, { scheduledAt: epoch('2026-12-03T15:30:00Z'), deadline: '' });
    await sweep();
    await expect.poll(() => calendars().length).toBe(2);
    await expect.poll(() => t.fake.okCallsTo('files.delete').length).toBe(2);
    expect(t.fake.okCallsTo('files.delete').map((c) => c.args.file)).toContain(aliceFirst);
    expect(t.fake.state.file(aliceFirst)).toBeUndefined();
    const moved = parseIcs(calendars().find((u) => u.channelId === dmOf(ALICE))!.content);
    expect(icsValue(moved, 'DTSTART')).toBe('20261203T153000Z');
    expect(icsValue(moved, 'UID')).toBe(uid);
    expect(Number(icsValue(moved, 'SEQUENCE'))).toBeGreaterThan(0);
    expect(icsValue(moved, 'DESCRIPTION')).toContain('Proposals due Wed 2 Dec 2026, 15:30 UTC');
    const aliceMoved = calendars().find((u) => u.channelId === dmOf(ALICE))!.fileId;

    // Cancelled: METHOD:CANCEL with the same UID, and the moved file deleted too.
    t.fake.reset();
    since = 0;
    await d.press(kickoff, ids.meeting.cancel, LEAD);
    await expect.poll(async () => (await d.meeting()).status).toBe('cancelled');
    await sweep();
    await expect.poll(() => calendars().length).toBe(2);
    const cancelled = calendars().find((u) => u.channelId === dmOf(ALICE))!;
    expect(cancelled.filename).toBe('decision-meeting-cancelled.ics');
    const ics = parseIcs(cancelled.content);
    expect(icsValue(ics, 'METHOD')).toBe('CANCEL');
    expect(icsValue(ics, 'STATUS')).toBe('CANCELLED');
    expect(icsValue(ics, 'UID')).toBe(uid);
    await expect.poll(() => t.fake.okCallsTo('files.delete').map((c) => c.args.file)).toContain(aliceMoved);
    expect(t.fake.violations).toEqual([]);
  });
});

describe('workspaces', () => {
  it('keep their meetings apart', async () => {
    const { meeting, kickoff } = await called();
    const other = meetingDriver(t, 'T0OTHERTEAM');
    t.fake.reset();
    await other.command('meetings', 'U0OTHER', CHANNEL);
    const reply = await other.heard();
    expect(JSON.stringify(reply.body)).toContain('has no project yet');
    // It says where the person goes next: back to the command, not to a hypothesis form.
    expect(JSON.stringify(reply.body)).toContain(
      "then `/hypothesis meetings` lists the project's decision meetings",
    );
    expect(JSON.stringify(reply.body)).not.toContain('straight to your hypothesis');
    await d.press(kickoff, ids.meeting.decide, LEAD, { team: 'T0OTHERTEAM' });
    const [refusal] = await t.fake.waitForResponse(undefined, { count: 2 }).then((r) => r.slice(-1));
    expect(said(refusal!)).toContain('does not exist in this workspace');
    expect(await d.meeting()).toMatchObject({ id: meeting.id, status: 'collecting' });
  });
});
