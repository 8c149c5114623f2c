import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ids } from '../../blocks/ids.js';
import { slashCommand } from '../../src/sandbox/slack/requests.js';
import { startTestApp, TEAM, type TestApp } from '../support/app.js';
import type { Project } from '../../src/db/schema/index.js';
import type { FillValue, SentView } from '../support/modals.js';
import { icsValue, parseIcs } from '../support/ics.js';
import { epoch, goodProposal, meetingCast, meetingDriver } from './support.js';

let t: TestApp;
let d: ReturnType<typeof meetingDriver>;
let projectId: number;
let CHANNEL: string;
let LEAD: string;
let ALICE: string;
let BOB: string;
let CAROL: string;
let seq = 0;

const NOW = new Date('2026-11-23T10:00:00Z'); // a Monday
const AT = new Date('2026-11-26T10:00:00Z'); // the meeting, Thursday

beforeAll(async () => {
  t = await startTestApp();
  d = meetingDriver(t, TEAM);
});
afterAll(() => t?.stop());
beforeEach(async () => {
  let project: Project;
  ({
    project,
    channel: CHANNEL,
    lead: LEAD,
    ALICE,
    BOB,
    CAROL,
  } = await meetingCast(t, { prefix: 'E', n: ++seq, now: NOW, members: ['ALICE', 'BOB', 'CAROL'] }));
  projectId = project.id;
});

const db = () => t.labbook.db;
const proposals = (meetingId: number) =>
  db().selectFrom('proposals').selectAll().where('meeting_id', '=', meetingId).orderBy('id').execute();
const decisionLog = (meetingId: number) =>
  db()
    .selectFrom('experiment_log_entries')
    .selectAll()
    .where('meeting_id', '=', meetingId)
    .where('kind', '=', 'decision')
    .orderBy('id')
    .execute();
const hypotheses = () =>
  db().selectFrom('hypotheses').selectAll().where('project_id', '=', projectId).orderBy('number').execute();

/** A meeting with proposals by Alice, Bob and Carol (trees, cross-encoder, two towers). */
async function meetingWithProposals() {
  const { reply } = await d.callMeeting(LEAD, CHANNEL, {
    question: 'Which model do we try next for ranking?',
    scheduledAt: epoch(AT),
    metric: 'recall@10 on rare intents',
  });
  expect(reply.text).toBe('');
  const kickoff = await d.kickoff(CHANNEL);
  await expect.poll(async () => (await d.meeting()).thread_ts).toBe(kickoff.response!.ts);
  const meeting = await d.meeting();
  await d.propose(ALICE, kickoff, goodProposal());
  await d.propose(
    BOB,
    kickoff,
    goodProposal({ approach: 'A cross-encoder reranker (BERT)', optionKind: 'sota' }),
  );
  await d.propose(CAROL, kickoff, goodProposal({ approach: 'Two-tower retrieval with hard negatives' }));
  await expect.poll(async () => (await proposals(meeting.id)).length).toBe(3);
  const [alice, bob, carol] = await proposals(meeting.id);
  return { meeting, kickoff, alice: alice!, bob: bob!, carol: carol! };
}

/** *Record the decision* pressed on the kickoff, step one filled and sent; the step-two view if any. */
async function decide(kickoff: Parameters<typeof d.press>[0], values: Record<string, FillValue>) {
  const step1 = await d.nextView(ids.meeting.decisionModal, () => d.press(kickoff, ids.meeting.decide, LEAD));
  const reply = await d.fillAndSubmit(LEAD, step1, values);
  const json = (reply.json ?? {}) as {
    response_action?: string;
    view?: SentView;
    errors?: Record<string, string>;
  };
  const step2 = json.view ? ({ ...json.view, id: step1.id, hash: step1.hash } as SentView) : undefined;
  return { reply, json, step1, step2 };
}

describe('none chosen — stop this line of work', () => {
  it('is logged as the decision it is, each proposal with its own reason, in the log, the thread and the export', async () => {
    const { meeting, kickoff, alice, bob, carol } = await meetingWithProposals();
    // Choosing a proposal and "none chosen" at once is a contradiction the form points out.
    const contradictory = await decide(kickoff, {
      outcome: 'stop',
      chosen: [String(alice.id)],
      decision: 'Stop here.',
    });
    expect(contradictory.json.errors?.chosen).toContain('No proposal is chosen');

    const { step2 } = await decide(kickoff, {
      outcome: 'stop',
      decision: 'Ranking is good enough; we stop this line of work.',
      whyNot: 'the gain does not justify the cost',
    });
    expect(step2).toBeDefined();
    // One field per proposal, each prefilled with the shared reason; no hypothesis to start.
    const reasonFields = step2!.blocks.filter((b) => String(b.block_id).startsWith('why_'));
    expect(reasonFields.map((b) => b.block_id)).toEqual([
      `why_${alice.id}`,
      `why_${bob.id}`,
      `why_${carol.id}`,
    ]);
    expect(JSON.stringify(reasonFields)).toContain('"initial_value":"the gain does not justify the cost"');
    expect(step2!.blocks.some((b) => String(b.block_id).endsWith('_statement'))).toBe(false);

    const done = await d.fillAndSubmit(LEAD, step2!, {
      [`why_${bob.id}`]: 'a reranker needs GPUs we do not have',
      [`why_${carol.id}`]: 'two towers lose on rare intents (Huang 2020)',
    });
    expect(done.text).toBe('');
    expect(await d.meeting()).toMatchObject({ status: 'decided', outcome: 'stop', decided_by: LEAD });
    expect(await hypotheses()).toEqual([]);
    expect((await proposals(meeting.id)).map((p) => [p.chosen, p.not_chosen_reason])).toEqual([
      [false, 'the gain does not justify the cost'],
      [false, 'a reranker needs GPUs we do not have'],
      [false, 'two towers lose on rare intents (Huang 2020)'],
    ]);
    const log = await decisionLog(meeting.id);
    expect(log.map((e) => e.text)).toEqual([
      'Decided: Which model do we try next for ranking? — none chosen, this line of work stops: Ranking is good enough; we stop this line of work.',
      'Considered, not chosen: Gradient-boosted trees on the existing features (LightGBM lambdarank). Why not: the gain does not justify the cost.',
      'Considered, not chosen: A cross-encoder reranker (BERT). Why not: a reranker needs GPUs we do not have.',
      'Considered, not chosen: Two-tower retrieval with hard negatives. Why not: two towers lose on rare intents (Huang 2020)',
    ]);
    expect(log[0]!.details).toMatchObject({ outcome: 'stop', chosen: [] });

    const [posted] = await t.fake.waitFor(
      'chat.postMessage',
      (c) => c.args.channel === CHANNEL && String(c.args.text).startsWith('Decision:'),
    );
    expect(posted!.args.text).toBe('Decision: none chosen, this line of work stops');
    const shown = JSON.stringify(posted!.args.blocks);
    expect(shown).toContain('none chosen — this line of work stops');
    expect(shown).toContain('A cross-encoder reranker (BERT) — _a reranker needs GPUs we do not have_');
    expect(shown).not.toContain('*Chosen*');
    const [kickoffNow] = await t.fake.waitFor('chat.update', (c) => c.args.ts === meeting.thread_ts);
    expect(JSON.stringify(kickoffNow!.args.blocks)).toContain('none chosen, this line of work stops');

    // The export keeps each reason with its proposal.
    t.fake.reset();
    await slashCommand(t.target, {
      text: 'export',
      userId: LEAD,
      teamId: TEAM,
      channelId: CHANNEL,
      responseUrl: t.fake.responseUrl(),
    });
    await t.fake.waitFor('files.completeUploadExternal');
    const [record, csv] = t.fake.uploads;
    expect(record!.content).toContain(
      'Considered, not chosen: A cross-encoder reranker (BERT). Why not: a reranker needs GPUs we do not have.',
    );
    expect(record!.content).toContain(
      'Considered, not chosen: Two-tower retrieval with hard negatives. Why not: two towers lose on rare intents (Huang 2020)',
    );
    expect(csv!.content).toContain('Why not: a reranker needs GPUs we do not have');
    expect(t.fake.violations).toEqual([]);
  });

  it('needs no step two when there is no proposal at all', async () => {
    await d.callMeeting(LEAD, CHANNEL, { question: 'Do we need a new model?', scheduledAt: epoch(AT) });
    const kickoff = await d.kickoff(CHANNEL);
    await expect.poll(async () => (await d.meeting()).thread_ts).toBe(kickoff.response!.ts);
    const { step1, reply } = await decide(kickoff, {
      outcome: 'stop',
      decision: 'Nobody proposed; we stop.',
    });
    expect(step1.blocks.some((b) => b.block_id === 'chosen')).toBe(false);
    expect(reply.text).toBe('');
    expect(await d.meeting()).toMatchObject({ status: 'decided', outcome: 'stop' });
    expect(t.fake.violations).toEqual([]);
  });
});

describe('none yet — collect more proposals', () => {
  it('reopens proposals with a new deadline, logs the decision and invites again those who have not proposed', async () => {
    const { reply } = await d.callMeeting(LEAD, CHANNEL, {
      question: 'Which model do we try next for ranking?',
      scheduledAt: epoch(AT),
      participants: [LEAD, ALICE, BOB],
    });
    expect(reply.text).toBe('');
    const kickoff = await d.kickoff(CHANNEL);
    await expect.poll(async () => (await d.meeting()).thread_ts).toBe(kickoff.response!.ts);
    await t.labbook.scheduler.sweep(); // the first invitations
    await d.propose(ALICE, kickoff, goodProposal());
    t.clock.set(new Date('2026-11-25T10:00:00Z'));
    await t.labbook.scheduler.sweep(); // the pre-read closes proposals
    await expect.poll(async () => (await d.meeting()).closed_at).not.toBeNull();

    const missing = await decide(kickoff, { outcome: 'more', decision: 'Only one option: we need more.' });
    expect(missing.json.errors?.newDeadline).toContain('Pick when the new proposals are due');
    const late = await decide(kickoff, {
      outcome: 'more',
      decision: 'Only one option: we need more.',
      newDeadline: epoch('2026-11-30T10:00:00Z'),
    });
    // The meeting (Thursday) would come before the new deadline: it must move too.
    expect(late.json.errors?.newDeadline).toContain('before the meeting');

    const { reply: done } = await decide(kickoff, {
      outcome: 'more',
      decision: 'Only one option: we need more.',
      newDeadline: epoch('2026-11-30T10:00:00Z'),
      newScheduledAt: epoch('2026-12-01T10:00:00Z'),
    });
    expect(done.text).toBe('');
    const m = await d.meeting();
    expect(m).toMatchObject({
      status: 'collecting',
      outcome: null,
      closed_at: null,
      round: 1,
      proposal_deadline: new Date('2026-11-30T10:00:00Z'),
      scheduled_at: new Date('2026-12-01T10:00:00Z'),
    });
    const log = await decisionLog(m.id);
    expect(log.map((e) => e.text)).toEqual([
      'Decided: Which model do we try next for ranking? — none yet, collecting more proposals until Mon 30 Nov 2026, 10:00 UTC: Only one option: we need more.',
    ]);
    expect(log[0]!.details).toMatchObject({ outcome: 'more', round: 1 });
    const [reopened] = await t.fake.waitFor('chat.postMessage', (c) =>
      String(c.args.text).startsWith('No decision yet'),
    );
    expect(reopened!.args).toMatchObject({ thread_ts: m.thread_ts });
    expect(reopened!.args).not.toHaveProperty('reply_broadcast');
    expect(JSON.stringify(reopened!.args.blocks)).toContain('None yet — collecting more proposals');

    // A new round of invitations through the deliveries: Bob again, not Alice who proposed, nor
    // the lead, who called the meeting and reopened it (nobody is invited to their own act).
    await t.labbook.scheduler.sweep();
    const invitations = (user: string) =>
      t.fake
        .okCallsTo('chat.postMessage')
        .filter((c) => c.args.channel === user && String(c.args.text).includes('Which model')).length;
    await expect.poll(() => [invitations(LEAD), invitations(ALICE), invitations(BOB)]).toEqual([0, 1, 2]);
    // Everyone's calendar follows the meeting to Tuesday: Bob's with his new invitation,
    // Alice's (who proposed, so is not invited again) on its own; the old files go. The lead,
    // who called it, was sent no invitation and so no file.
    const calendars = () => t.fake.uploads.filter((u) => u.filename === 'decision-meeting.ics');
    await expect.poll(() => calendars().length).toBe(4);
    const moved = calendars().slice(2);
    expect(moved.map((u) => icsValue(parseIcs(u.content), 'DTSTART'))).toEqual(
      Array(2).fill('20261201T100000Z'),
    );
    expect(new Set(moved.map((u) => u.channelId)).size).toBe(2);
    await expect.poll(() => t.fake.okCallsTo('files.delete').length).toBe(2);
    const round = await db()
      .selectFrom('deliveries')
      .select(['recipient_id', 'status'])
      .where('meeting_id', '=', m.id)
      .where('dedupe_key', 'like', '%:round1')
      .where('kind', '=', 'meeting_invite')
      .orderBy('recipient_id')
      .execute();
    expect(round).toEqual(
      [
        { recipient_id: ALICE, status: 'cancelled' },
        { recipient_id: BOB, status: 'sent' },
      ].sort((x, y) => x.recipient_id.localeCompare(y.recipient_id)),
    );
    // The pre-read comes again at the new deadline.
    t.clock.set(new Date('2026-11-30T10:00:00Z'));
    await t.labbook.scheduler.sweep();
    await expect.poll(async () => (await d.meeting()).closed_at).not.toBeNull();
    expect(t.fake.violations).toEqual([]);
  });
});

describe('the decision and the hypotheses it starts', () => {
  it('are one transaction: a crash between them leaves the meeting undecided and no hypothesis; a retry records all', async () => {
    const { meeting, kickoff, alice, bob, carol } = await meetingWithProposals();
    const { step2 } = await decide(kickoff, {
      outcome: 'chosen',
      chosen: [String(alice.id), String(bob.id)],
      decision: 'Trees and the reranker, side by side.',
      whyNot: 'two towers later',
    });
    // The database itself fails the second hypothesis insert, after the decision and the first.
    await sql`create or replace function labbook_test_crash() returns trigger as $$
      begin
        if new.statement like '%crash-me%' then raise exception 'injected crash'; end if;
        return new;
      end $$ language plpgsql`.execute(db());
    await sql`create trigger labbook_test_crash before insert on hypotheses
      for each row execute function labbook_test_crash()`.execute(db());
    const values = {
      [`h${bob.id}_statement`]:
        'A cross-encoder reranker will raise recall@10 by 2% over the baseline crash-me',
    };
    try {
      const crashed = await d.fillAndSubmit(LEAD, step2!, values);
      expect((crashed.json as { errors: Record<string, string> }).errors.decision).toContain('Sorry');
    } finally {
      await sql`drop trigger labbook_test_crash on hypotheses`.execute(db());
    }
    expect(await d.meeting()).toMatchObject({ status: 'collecting', decision: null, outcome: null });
    expect(await hypotheses()).toEqual([]);
    expect(await decisionLog(meeting.id)).toEqual([]);
    expect((await proposals(meeting.id)).map((p) => p.chosen)).toEqual([null, null, null]);
    const checkins = await db()
      .selectFrom('deliveries')
      .select('id')
      .where('kind', '=', 'checkin')
      .where('project_id', '=', projectId)
      .execute();
    expect(checkins).toEqual([]);

    // Nothing half-done stands in the way: the same form goes through, numbered from H1.
    const done = await d.fillAndSubmit(LEAD, step2!, values);
    expect(done.text).toBe('');
    expect((await hypotheses()).map((h) => [h.number, h.owner_user_id])).toEqual([
      [1, ALICE],
      [2, BOB],
    ]);
    expect(await d.meeting()).toMatchObject({ status: 'decided', outcome: 'chosen' });
    expect((await proposals(meeting.id)).find((p) => p.id === carol.id)).toMatchObject({
      chosen: false,
      not_chosen_reason: 'two towers later',
    });
  });
});

describe('the hypotheses a decision starts', () => {
  it('are prefilled as sentences and checked as /hypothesis new checks them; the timebox comes from a cost only when one was given', async () => {
    const { meeting, kickoff, alice, bob, carol } = await meetingWithProposals();
    // Bob's proposal gave no cost: his timebox is the lead's to enter.
    await db().updateTable('proposals').set({ cost_days: null }).where('id', '=', bob.id).execute();
    const { step2 } = await decide(kickoff, {
      outcome: 'chosen',
      chosen: [String(alice.id), String(bob.id)],
      decision: 'Trees and the reranker, side by side.',
      whyNot: 'two towers later',
    });
    const block = (id: string) =>
      step2!.blocks.find((b) => b.block_id === id) as {
        element: { initial_value?: string };
        hint?: { text: string };
      };
    expect(block(`h${alice.id}_statement`).element.initial_value).toBe(
      'Gradient-boosted trees on the existing features will raise recall@10 on rare intents by 3% over the baseline',
    );
    expect(block(`h${bob.id}_statement`).element.initial_value).toBe(
      'A cross-encoder reranker will raise recall@10 on rare intents by 3% over the baseline',
    );
    expect(block(`h${alice.id}_timeboxDays`)).toMatchObject({
      element: { initial_value: '5' },
      hint: { text: 'From P1’s cost estimate: 5 days.' },
    });
    expect(block(`h${bob.id}_timeboxDays`).element.initial_value).toBeUndefined();
    expect(block(`h${bob.id}_timeboxDays`).hint!.text).toBe(
      'P2 gave no cost estimate: how many days until the check-in?',
    );
    // Slack itself will not send the form with Bob's timebox empty.
    await expect(d.fillAndSubmit(LEAD, step2!, {})).rejects.toThrow(/Timebox \(days\)" is required/);

    // A bar without a number is refused with /hypothesis new's own words, under its field.
    const vague = await d.fillAndSubmit(LEAD, step2!, {
      [`h${bob.id}_timeboxDays`]: '10',
      [`h${bob.id}_successCriteria`]: 'better ranking',
    });
    const errors = (vague.json as { errors: Record<string, string> }).errors;
    expect(errors[`h${bob.id}_successCriteria`]).toMatch(/^Give a measurable bar against the baseline/);
    expect(await hypotheses()).toEqual([]);

    const done = await d.fillAndSubmit(LEAD, step2!, {
      [`h${bob.id}_timeboxDays`]: '10',
      [`h${bob.id}_baseline`]: 'BM25 in production',
      [`h${alice.id}_nextOnFailure`]: 'try the reranker alone',
      [`h${alice.id}_nextOnSuccess`]: 'ship behind a flag',
    });
    expect(done.text).toBe('');
    expect(
      (await hypotheses()).map((h) => [
        h.owner_user_id,
        h.timebox_days,
        h.baseline,
        h.next_on_failure,
        h.next_on_success,
      ]),
    ).toEqual([
      [ALICE, 5, null, 'try the reranker alone', 'ship behind a flag'],
      [BOB, 10, 'BM25 in production', null, null],
    ]);
    expect((await proposals(meeting.id)).find((p) => p.id === carol.id)?.not_chosen_reason).toBe(
      'two towers later',
    );
  });
});
