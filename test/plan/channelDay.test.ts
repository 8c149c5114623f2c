import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ids } from '../../blocks/ids.js';
import { slashCommand } from '../../src/sandbox/slack/requests.js';
import { startTestApp, TEAM, type TestApp } from '../support/app.js';
import { buttons, defaultFields } from '../support/factories.js';
import { pressInMessage, pressInReply } from '../support/messages.js';
import { submit, viewOpenedBy, type SentView } from '../support/modals.js';
import { goodProposal, meetingDriver } from '../meetings/support.js';

/**
 * One day of a team of four in their project channel, played through the real receiver:
 * a project, four hypotheses, two of them concluded, a decision meeting with three
 * proposals and its decision. The channel is a place people read: a handful of short posts,
 * the rest in threads.
 */
const CHANNEL = 'C0DAY';
const LEAD = 'U0LEADDAY';
const ALICE = 'U0ALICEDAY';
const BOB = 'U0BOBDAY';
const CAROL = 'U0CAROLDAY';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
  for (const id of [LEAD, ALICE, BOB, CAROL]) t.fake.addUser({ id, tz: 'UTC' });
});
afterAll(() => t.stop());

const who = (userId: string) => ({ userId, teamId: TEAM });
const command = (text: string, userId: string) =>
  slashCommand(t.target, { text, ...who(userId), channelId: CHANNEL, responseUrl: t.fake.responseUrl() });

interface Block {
  type: string;
  text?: { text: string };
  fields?: { text: string }[];
  elements?: { text?: string }[];
}

/**
 * How tall a message is in Slack's channel view, near enough: each line of a section or
 * context, wrapped at about 100 characters once mentions and dates are read as names;
 * fields two to a row; a header or a row of buttons one line each.
 */
function renderedLines(blocks: unknown): number {
  const shown = (text: string) =>
    text
      .replace(/<@[A-Z0-9]+>/g, '@someone')
      .replace(/<!date\^[^|]*\|([^>]*)>/g, 'Thu 26 Nov at 10:00')
      .replace(/<[^|>]+\|([^>]+)>/g, '$1');
  const lines = (text: string) =>
    shown(text)
      .split('\n')
      .reduce((n, line) => n + Math.max(1, Math.ceil(line.length / 100)), 0);
  let total = 0;
  for (const b of (blocks ?? []) as Block[]) {
    if (b.type === 'header' || b.type === 'actions') total += 1;
    if (b.type === 'section' && b.text) total += lines(b.text.text);
    if (b.type === 'section' && b.fields) {
      const heights = b.fields.map((f) => lines(f.text));
      for (let i = 0; i < heights.length; i += 2) total += Math.max(heights[i]!, heights[i + 1] ?? 0);
    }
    if (b.type === 'context') total += lines((b.elements ?? []).map((e) => e.text ?? '').join(' '));
  }
  return total;
}

async function newHypothesis(author: string, statement: string, owner: string, days: string) {
  const view = await viewOpenedBy(t.fake, ids.hypothesis.newModal, () => command('new', author));
  const reply = await submit(t.target, who(author), view, {
    Hypothesis: statement,
    Metric: defaultFields.metric,
    Baseline: defaultFields.baseline,
    'Success criteria': defaultFields.successCriteria,
    'Timebox (days)': days,
    Owner: owner,
  });
  expect(reply.text).toBe('');
  await t.fake.waitFor(
    'chat.postMessage',
    (c) => c.args.channel === CHANNEL && String(c.args.text).includes(statement),
  );
}

async function conclude(owner: string, actionId: string, values: Record<string, string>) {
  const dm = t.fake
    .okCallsTo('chat.postMessage')
    .find((c) => c.args.channel === owner && String(c.args.text).startsWith('Check-in'));
  if (!dm) throw new Error(`no check-in DM for ${owner}`);
  const form = await viewOpenedBy(t.fake, ids.checkin.outcomeModal, () =>
    pressInMessage(t, who(owner), dm, actionId),
  );
  expect((await submit(t.target, who(owner), form, values)).text).toBe('');
}

describe('a team’s day in the project channel', () => {
  it('is at most six top-level posts, none taller than eight lines; the rest is in threads', async () => {
    // The lead starts the project from the channel.
    await command('new', LEAD);
    const [offer] = await t.fake.waitForResponse();
    const [create] = buttons(offer!.body.blocks);
    const projectForm = await viewOpenedBy(t.fake, ids.project.modal, () =>
      pressInReply(t, who(LEAD), offer!.body, create!.action_id, CHANNEL),
    );
    await submit(t.target, who(LEAD), projectForm, {
      'Project name': 'Rare intents',
      Channel: CHANNEL,
      'Project lead': LEAD,
      Members: [ALICE, BOB, CAROL],
      Phase: 'Develop',
      'Problem statement': 'Rare intents are missed by the ranker.',
    });
    await t.fake.waitFor('chat.postMessage', (c) => c.args.channel === CHANNEL);

    // Three hypotheses in the morning; two have a one-day timebox.
    await newHypothesis(ALICE, 'Focal loss will raise recall@10 on rare intents by 5%', ALICE, '1');
    await newHypothesis(BOB, 'Oversampling rare intents will raise recall@10 by 3%', BOB, '1');
    await newHypothesis(LEAD, 'Hard negatives will raise recall@10 by 2%', LEAD, '5');

    // The next morning both one-day boxes are up: one validated, one disproven.
    t.clock.set(new Date(t.clock.now().getTime() + 86_400_000 + 60_000));
    await t.labbook.scheduler.sweep();
    await t.fake.waitFor('chat.postMessage', (c) => [ALICE, BOB].includes(String(c.args.channel)), {
      count: 2,
    });
    await conclude(ALICE, ids.checkin.validated, { 'Measured result': 'recall@10 +5.4% on rare intents' });
    await conclude(BOB, ids.checkin.disproven, {
      'Measured result': 'recall@10 −0.3%',
      'What do we now know?': 'Duplicated rare examples overfit; the model needs new examples, not copies.',
    });
    await expect
      .poll(
        () =>
          t.fake
            .okCallsTo('chat.postMessage')
            .filter((c) => /^H\d: (validated|disproven)/.test(String(c.args.text))).length,
      )
      .toBe(2);

    // The lead calls a decision meeting; three proposals; the decision makes H4.
    const d = meetingDriver(t, TEAM);
    await d.callMeeting(LEAD, CHANNEL, {
      question: 'What do we try next for rare intents?',
      scheduledAt: String(Math.floor((t.clock.now().getTime() + 2 * 86_400_000) / 1000)),
      participants: [ALICE, BOB, CAROL],
    });
    const kickoff = await d.kickoff(CHANNEL);
    await expect.poll(async () => (await d.meeting()).thread_ts).toBe(kickoff.response!.ts);
    const meeting = await d.meeting();
    await d.propose(ALICE, kickoff, goodProposal());
    await d.propose(BOB, kickoff, goodProposal({ approach: 'Mine hard negatives from search logs' }));
    await d.propose(
      CAROL,
      kickoff,
      goodProposal({ approach: 'A cross-encoder reranker', optionKind: 'sota' }),
    );
    const proposals = await t.labbook.db
      .selectFrom('proposals')
      .select('id')
      .where('meeting_id', '=', meeting.id)
      .orderBy('id')
      .execute();
    expect(proposals).toHaveLength(3);
    const step1 = await d.nextView(ids.meeting.decisionModal, () =>
      d.press(kickoff, ids.meeting.decide, LEAD),
    );
    const next = await d.fillAndSubmit(LEAD, step1, {
      chosen: [String(proposals[0]!.id)],
      decision: 'Boosted trees first; the reranker after, if recall is still short.',
      whyNot: 'Cheaper options first.',
    });
    const step2 = { ...(next.json as { view: SentView }).view, id: step1.id, hash: step1.hash } as SentView;
    await d.fillAndSubmit(LEAD, step2, {});
    await expect.poll(async () => (await d.meeting()).status).toBe('decided');
    await t.fake.waitFor(
      'chat.postMessage',
      (c) => c.args.channel === CHANNEL && String(c.args.text).startsWith('H4'),
    );

    const channel = t.fake.messagesIn(CHANNEL);
    const top = channel.filter((m) => !m.threadTs || m.threadTs === m.ts);
    const heights = top.map((m) => ({ text: String(m.text).slice(0, 60), lines: renderedLines(m.blocks) }));
    expect(top.length, JSON.stringify(heights, null, 1)).toBeLessThanOrEqual(6);
    for (const h of heights) expect(h.lines, h.text).toBeLessThanOrEqual(8);
    // The rest is in threads: both conclusions under their cards, the proposals and the
    // decision under the kickoff.
    const replies = channel.filter((m) => m.threadTs && m.threadTs !== m.ts).map((m) => String(m.text));
    expect(replies.filter((r) => /^H\d: (validated|disproven)/.test(r))).toHaveLength(2);
    expect(replies.filter((r) => r.startsWith('Proposal P'))).toHaveLength(3);
    expect(replies.some((r) => r.startsWith('Decision:'))).toBe(true);
    // The concluded ones' cards say how they came out, in their two lines.
    const card = (n: number) => JSON.stringify(top.find((m) => String(m.text).startsWith(`H${n}:`))!.blocks);
    expect(card(1)).toContain(`<@${ALICE}> · *:white_check_mark: Validated* · 1 day, on time`);
    expect(card(2)).toContain(`<@${BOB}> · *:bulb: Disproven* · 1 day, on time`);
    // Nobody is pinged about their own act: the lead got no invitation to the meeting they called.
    expect(
      t.fake
        .okCallsTo('chat.postMessage')
        .filter((c) => c.args.channel === LEAD && String(c.args.text).startsWith('Decision meeting')),
    ).toEqual([]);
    expect(t.fake.violations).toEqual([]);
  }, 60_000);
});
