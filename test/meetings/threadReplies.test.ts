import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ids } from '../../blocks/ids.js';
import { event } from '../../src/sandbox/slack/requests.js';
import { startTestApp, TEAM, type TestApp } from '../support/app.js';
import { buttons } from '../support/factories.js';
import { epoch, meetingCast, meetingDriver } from './support.js';

let t: TestApp;
let d: ReturnType<typeof meetingDriver>;
let CHANNEL: string;
let LEAD: string;
let ALICE: string;
let BOB: string;
let seq = 0;

const NOW = new Date('2026-11-23T10:00:00Z');
const AT = new Date('2026-11-26T10:00:00Z');

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
    BOB,
  } = await meetingCast(t, { prefix: 'R', n: ++seq, now: NOW, members: ['ALICE', 'BOB'] }));
});

const rows = (meetingId: number) =>
  t.labbook.db
    .selectFrom('proposals')
    .select(['id', 'author_user_id', 'message_ts', 'meant'])
    .where('meeting_id', '=', meetingId)
    .orderBy('id')
    .execute();

describe('plain replies in the kickoff thread', () => {
  it('are discussion until their author says otherwise; "+1" and emoji are never proposals', async () => {
    await d.callMeeting(LEAD, CHANNEL, {
      question: 'Which model do we try next for ranking?',
      scheduledAt: epoch(AT),
      metric: 'recall@10',
    });
    const kickoff = await d.kickoff(CHANNEL);
    await expect.poll(async () => (await d.meeting()).thread_ts).toBe(kickoff.response!.ts);
    const meeting = await d.meeting();
    const reply = (user: string, text: string, ts: string) =>
      event(t.target, {
        teamId: TEAM,
        event: { type: 'message', channel: CHANNEL, user, text, ts, thread_ts: meeting.thread_ts! },
      });
    const asked = (user: string) =>
      t.fake.okCallsTo('chat.postEphemeral').filter((c) => c.args.user === user);

    // Bob's first reply: the question, with both answers, in the thread.
    await reply(BOB, 'Cheap option first: BM25 with an honest baseline', '1800000001.000100');
    await expect.poll(() => asked(BOB).length).toBe(1);
    const [question] = asked(BOB);
    expect(question!.args).toMatchObject({ channel: CHANNEL, thread_ts: meeting.thread_ts });
    expect(question!.args.text).toBe('Count this as your proposal?');
    expect(buttons(question!.args.blocks).map((b) => b.action_id)).toEqual([
      ids.meeting.replyIsProposal,
      ids.meeting.replyIsDiscussion,
    ]);
    // Slack retries an event it thinks was missed: the reply is kept once, asked about once.
    await reply(BOB, 'Cheap option first: BM25 with an honest baseline', '1800000001.000100');
    // Someone else cannot answer for Bob. Slack shows the question to Bob alone, so this press
    // is forged from the question as the app sent it.
    t.fake.reset();
    await d.press(question!, ids.meeting.replyIsProposal, ALICE, { asFirstPosted: true });
    const refused = await d.heard();
    expect(String(refused.body.text)).toContain(`Only <@${BOB}>, who wrote the reply`);
    await d.press(question!, ids.meeting.replyIsProposal, BOB);
    await expect.poll(async () => (await rows(meeting.id)).map((r) => r.meant)).toEqual(['proposal']);
    const answered = t.fake.responses.find((r) =>
      String(r.body.text).startsWith(':memo: Counted as your proposal'),
    );
    expect(answered?.body).toMatchObject({ replace_original: true });
    expect(asked(BOB)).toHaveLength(0); // after the reset: no second question for the retried event

    // Bob's later reply is discussion, with its own button only.
    await reply(BOB, 'Also, can we move the meeting to Friday?', '1800000001.000200');
    await expect.poll(() => asked(BOB).length).toBe(1);
    expect(asked(BOB)[0]!.args.text).toBe('Kept as discussion');
    expect(buttons(asked(BOB)[0]!.args.blocks).map((b) => b.action_id)).toEqual([
      ids.meeting.replyIsProposal,
    ]);

    // "+1" and emoji: kept as discussion, never asked about.
    await reply(ALICE, '+1', '1800000001.000300');
    await reply(ALICE, ':tada: :+1:', '1800000001.000400');
    // Alice's first reply with content is asked about; she says it is discussion.
    await reply(ALICE, 'I would rather read the LambdaMART paper first', '1800000001.000500');
    await expect.poll(() => asked(ALICE).length).toBe(1);
    await d.press(asked(ALICE)[0]!, ids.meeting.replyIsDiscussion, ALICE);
    await expect
      .poll(async () => (await rows(meeting.id)).map((r) => [r.author_user_id, r.meant]))
      .toEqual([
        [BOB, 'proposal'],
        [BOB, 'discussion'],
        [ALICE, 'discussion'],
        [ALICE, 'discussion'],
        [ALICE, 'discussion'],
      ]);
    expect(asked(ALICE)).toHaveLength(1);

    // The pre-read: Bob's one proposal side by side; the four other replies as linked discussion.
    await d.press(kickoff, ids.meeting.close, LEAD);
    const [first] = await t.fake.waitFor('chat.postMessage', (c) =>
      String(c.args.text).startsWith('Pre-read'),
    );
    const text = JSON.stringify(first!.args.blocks);
    expect(text).toContain('1 proposal from 1 of 3 participants');
    expect(text).toContain('BM25 with an honest baseline');
    expect(text).not.toContain('move the meeting to Friday');
    expect(text).toContain(
      `<https://fake.slack.com/archives/${CHANNEL}/p1800000001000200|Discussion (4 replies)>* in the thread`,
    );
    expect(text).toMatch(new RegExp(`No proposal from.*<@${ALICE}>`));
    expect(t.fake.violations).toEqual([]);
  });
});
