import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ids } from '../../blocks/ids.js';
import { appendLog } from '../../src/db/experimentLog.js';
import { updateHypothesis } from '../../src/db/hypotheses.js';
import { insertMeeting, insertProposal, updateMeeting, updateProposal } from '../../src/db/meetings.js';
import type { Project } from '../../src/db/schema/index.js';
import { APOLOGY } from '../../src/slack/tell.js';
import { blockAction, slashCommand } from '../../src/sandbox/slack/requests.js';
import { startTestApp, TEAM, type TestApp } from '../support/app.js';
import { buttons, defaultFields, makeHypothesis, makeProject } from '../support/factories.js';
import { fill, submit, viewOpenedBy, type SentView } from '../support/modals.js';
import { pressInReply, pressInView } from '../support/messages.js';

let t: TestApp;
let project: Project;
let other: Project;
const CHANNEL = 'C0SEARCH';
const OTHER = 'C0OTHER';
const ALICE = 'U0ALICE';
const at = new Date('2026-11-10T10:00:00Z');

/** A hypothesis concluded as the check-in would leave it, its card posted in the channel. */
async function concluded(
  p: Project,
  statement: string,
  status: 'validated' | 'disproven' | 'inconclusive',
  learnings: string,
) {
  const h = await makeHypothesis(t.labbook.db, p, { statement });
  const cardTs = t.fake.addMessage(p.channel_id, { text: `H${h.number}` });
  return updateHypothesis(t.labbook.db, p.team_id, h.id, {
    status,
    concluded_at: at,
    concluded_by: h.owner_user_id,
    result: `${status} after ${h.timebox_days} days`,
    learnings,
    card_channel_id: p.channel_id,
    card_ts: cardTs,
  });
}

const note = (p: Project, text: string, permalink: string | null = null) =>
  appendLog(t.labbook.db, {
    teamId: p.team_id,
    projectId: p.id,
    kind: 'note',
    authorUserId: ALICE,
    text,
    permalink,
    at,
  });

beforeAll(async () => {
  t = await startTestApp();
  project = await makeProject(t.labbook.db, { teamId: TEAM, channelId: CHANNEL, lead: ALICE });
  other = await makeProject(t.labbook.db, { teamId: 'T0ELSEWHERE', channelId: OTHER, name: 'Other team' });
  await concluded(
    project,
    'Query expansion will raise recall on tail queries by 3%',
    'disproven',
    'query expansion adds noise on tail queries',
  );
  await concluded(
    project,
    'Label smoothing improves calibration',
    'validated',
    'label smoothing helps, keep it',
  );
  await note(
    project,
    'Relabelling removed most label noise in the click logs',
    'https://example.slack.com/archives/C0SEARCH/p1',
  );
  await note(project, 'The synthetic set has label noise by construction');
  await note(project, 'Noise in the label of each class is uneven');
  const meeting = await insertMeeting(t.labbook.db, {
    teamId: TEAM,
    projectId: project.id,
    channelId: CHANNEL,
    question: 'Which ranker next?',
    scheduledAt: at,
    deadline: at,
    participants: [ALICE],
    metric: null,
    createdBy: ALICE,
    at,
  });
  const threadTs = t.fake.addMessage(CHANNEL, { text: 'Which ranker next?' });
  await updateMeeting(t.labbook.db, TEAM, meeting.id, { thread_ts: threadTs });
  const proposal = await insertProposal(t.labbook.db, {
    teamId: TEAM,
    meetingId: meeting.id,
    author: ALICE,
    fields: {
      approach: 'Distil a cross-encoder into the ranker',
      relatedWork: null,
      noReading: true,
      expectedGain: '+2% NDCG',
      costDays: 10,
      risks: null,
      optionKind: 'sota',
    },
    late: false,
    at,
  });
  await updateProposal(t.labbook.db, TEAM, proposal.id, {
    chosen: false,
    not_chosen_reason: 'serving latency budget is too tight',
  });
  await appendLog(t.labbook.db, {
    teamId: TEAM,
    projectId: project.id,
    meetingId: meeting.id,
    kind: 'decision',
    authorUserId: ALICE,
    text: 'Considered, not chosen: cross-encoder distillation, because serving latency budget is too tight',
    at,
  });
  // Another workspace, the same words.
  await concluded(
    other,
    'Query expansion on tail queries',
    'disproven',
    'query expansion adds noise elsewhere',
  );
});
afterAll(() => t?.stop());
beforeEach(() => t.fake.reset());

const search = async (words: string, teamId = TEAM) => {
  const responseUrl = t.fake.responseUrl();
  const ack = await slashCommand(t.target, {
    text: `search ${words}`,
    userId: ALICE,
    teamId,
    channelId: CHANNEL,
    responseUrl,
  });
  expect(ack.status).toBe(200);
  return (await t.fake.answerTo(responseUrl)).body as {
    text: string;
    blocks?: { type: string; text?: { text: string } }[];
  };
};

/** The result sections, as a person reads them. */
const hits = (body: Awaited<ReturnType<typeof search>>) =>
  (body.blocks ?? []).filter((b) => b.type === 'section').map((b) => b.text!.text);

describe('/hypothesis search', () => {
  it('finds a dead end by its learning, with its project, its outcome and a link to its card', async () => {
    const body = await search('noise on tail queries');
    const found = hits(body);
    expect(found).toHaveLength(1);
    expect(found[0]).toContain(':bulb: *Disproven: a dead end*');
    expect(found[0]).toContain('Search ranking');
    expect(found[0]).toContain('Query expansion will raise recall on tail queries by 3%');
    expect(found[0]).toContain('_Learned:_ query expansion adds noise on tail queries');
    const [permalink] = await t.fake.waitFor('chat.getPermalink');
    expect(found[0]).toContain(
      `<https://fake.slack.com/archives/${CHANNEL}/p${String(permalink!.args.message_ts).replace('.', '')}|open in Slack>`,
    );
    // The other workspace's identical dead end is not shown.
    expect(JSON.stringify(body)).not.toContain('elsewhere');
    expect(t.fake.violations).toEqual([]);
  });

  it('puts a disproven hypothesis before better-ranked hits of other kinds', async () => {
    const found = hits(await search('query or label'));
    expect(found[0]).toContain('Disproven: a dead end');
    expect(found.slice(1).some((h) => h.includes('Validated'))).toBe(true);
  });

  it('takes web-search syntax: a quoted phrase, and -word to leave one out', async () => {
    const found = hits(await search('"label noise" -synthetic'));
    expect(found).toHaveLength(1);
    expect(found[0]).toContain('Relabelling removed most label noise');
    // A stored permalink is used as it is.
    expect(found[0]).toContain('<https://example.slack.com/archives/C0SEARCH/p1|open in Slack>');
    expect(found[0]).toContain(':memo: *Log note*');
  });

  it('finds proposals and decisions by the reason they were not chosen', async () => {
    const found = hits(await search('latency budget'));
    expect(found).toHaveLength(2);
    expect(found.find((h) => h.includes('*Proposal, not chosen*'))).toContain(
      '_Not chosen because:_ serving latency budget is too tight',
    );
    expect(found.find((h) => h.includes(':scales: *Decision*'))).toContain('cross-encoder distillation');
  });

  it('shows usage when no words are given, and says so when only stop words are', async () => {
    expect((await search('')).text).toContain('Give some words to look for');
    expect((await search('the and of')).text).toContain('Nothing to search for');
  });

  it('says when nothing matches', async () => {
    expect((await search('transformers')).text).toContain('Nothing in this workspace’s record matches');
  });

  // Quotes, operators and odd characters never make it fail.
  const nasty = [
    '"',
    '"""',
    "'",
    "' or 1=1 --",
    '-',
    '- -',
    '!',
    '& | !',
    'label & noise',
    '(label',
    'label:*',
    'noise <-> label',
    '\\',
    '\\"label\\"',
    '%_',
    '<script>alert(1)</script>',
    '<!channel> @here',
    '😀 label',
    'or',
    'or or or',
    '-"label noise"',
    '"label noise',
    'label\u0000noise',
    'ラベル ノイズ',
  ];
  it.each(nasty)('never fails on %j', async (words) => {
    const body = await search(words);
    expect(body.text).not.toBe(APOLOGY);
    expect(JSON.stringify(body)).not.toContain('<!channel>');
    expect(t.fake.violations).toEqual([]);
  });

  it('refuses a search longer than a More button can carry, saying why', async () => {
    expect((await search('label '.repeat(100))).text).toContain('a search takes at most 500');
  });

  it('shows ten results, then More brings the next ten in place of the first', async () => {
    for (let i = 1; i <= 23; i++) await note(project, `Annotator drift, batch ${i}`);
    const first = await search('annotator drift');
    expect(hits(first)).toHaveLength(10);
    expect(first.text).toContain('Results 1–10');
    const more = buttons(first.blocks).find((b) => b.text.text === 'More')!;
    expect(more.action_id).toBe(ids.search.more);

    /** Presses More on the page shown, and returns the page that replaces it. */
    const pressMore = async (page: { blocks?: unknown; text?: unknown }) => {
      const before = t.fake.responses.length;
      await pressInReply(t, { userId: ALICE, teamId: TEAM }, page, ids.search.more, CHANNEL);
      const [reply] = await t.fake.waitForResponse((r) => t.fake.responses.indexOf(r) >= before);
      return reply!.body as Awaited<ReturnType<typeof search>> & { replace_original?: boolean };
    };
    const second = await pressMore(first);
    expect(second.replace_original).toBe(true);
    expect(second.text).toContain('Results 11–20');
    const third = await pressMore(second);
    expect(third.text).toContain('Results 21–23');
    expect(hits(third)).toHaveLength(3);
    expect(buttons(third.blocks)).toEqual([]);
    // Every note shown once across the pages.
    const shown = [first, second, third].flatMap(hits).join('\n');
    for (let i = 1; i <= 23; i++) expect(shown).toMatch(new RegExp(`batch ${i}(?!\\d)`));
    expect(t.fake.violations).toEqual([]);
  });

  it('answers a forged More value with the out-of-date explanation', async () => {
    const body = await (async () => {
      const responseUrl = t.fake.responseUrl();
      await blockAction(t.target, {
        userId: ALICE,
        teamId: TEAM,
        actionId: ids.search.more,
        value: '{"q":"","offset":-5}',
        responseUrl,
        channelId: CHANNEL,
        messageTs: '1.1',
      });
      return (await t.fake.waitForResponse())[0]!.body as { text: string };
    })();
    expect(body.text).toContain('out of date');
  });
});

describe('tried before? in the new-hypothesis modal', () => {
  const who = { userId: ALICE, teamId: TEAM };
  const newModal = () =>
    viewOpenedBy(t.fake, ids.hypothesis.newModal, () =>
      slashCommand(t.target, {
        text: 'new',
        userId: ALICE,
        teamId: TEAM,
        channelId: CHANNEL,
        responseUrl: t.fake.responseUrl(),
      }),
    );
  /** Presses Check for similar with `statement` typed in, as Slack sends the view's state with the press. */
  const check = async (view: SentView, statement: string) => {
    const before = t.fake.calls.length;
    await pressInView(
      t.target,
      who,
      { ...view, state: { values: fill(view, { Hypothesis: statement }, { partial: true }) } },
      ids.search.checkSimilar,
    );
    const [update] = await t.fake.waitFor('views.update', (c) => t.fake.calls.indexOf(c) >= before);
    return update!.response!.view as SentView;
  };
  const inputs = (v: SentView) =>
    v.blocks
      .filter((b) => b.type === 'input')
      .map((b) => [b.block_id, (b.element as { action_id: string }).action_id]);
  const answerOf = (v: SentView) =>
    (v.blocks.find((b) => b.block_id === 'triedBeforeResult')?.text as { text: string } | undefined)?.text;

  it('shows the closest past hypotheses with outcome and learning, and keeps the form', async () => {
    const view = await newModal();
    expect(buttons(view.blocks).map((b) => b.text.text)).toContain('Check for similar');
    const updated = await check(view, 'Query expansion should lift recall for tail queries');
    const answer = answerOf(updated)!;
    expect(answer).toContain('*Tried before?*');
    expect(answer).toMatch(
      /\*H\d+\* disproven on <!date\^\d+\^\{date_short\}\|2026-11-10> \(Search ranking\)/,
    );
    expect(answer).toContain('_Learned:_ query expansion adds noise on tail queries');
    // Only this workspace's record, at most three.
    expect(answer).not.toContain('elsewhere');
    expect(answer.split('\n• ').length).toBeLessThanOrEqual(3);
    // The answer sits under the button; every input keeps its block and action id, so Slack
    // keeps what was typed, and the same modal is updated rather than a new one opened.
    const ids_ = updated.blocks.map((b) => b.block_id);
    expect(ids_.indexOf('triedBeforeResult')).toBe(ids_.indexOf('triedBefore') + 1);
    expect(inputs(updated)).toEqual(inputs(view));
    expect(updated.id).toBe(view.id);
    expect(t.fake.violations).toEqual([]);

    // A second check replaces the answer rather than adding another.
    const again = await check(updated, 'Label smoothing to improve calibration');
    expect(again.blocks.filter((b) => b.block_id === 'triedBeforeResult')).toHaveLength(1);
    expect(answerOf(again)).toContain('label smoothing helps, keep it');

    // The updated modal still submits what was typed.
    const reply = await submit(t.target, who, again, {
      Hypothesis: 'Label smoothing with 0.2 improves calibration',
      Metric: defaultFields.metric,
      Baseline: defaultFields.baseline,
      'Success criteria': defaultFields.successCriteria,
      'Timebox (days)': '14',
    });
    expect(reply.status).toBe(200);
    const saved = await t.labbook.db
      .selectFrom('hypotheses')
      .select('statement')
      .where('statement', '=', 'Label smoothing with 0.2 improves calibration')
      .execute();
    expect(saved).toHaveLength(1);
  });

  it('says nothing close was tried, and asks for the statement when it is empty', async () => {
    const view = await newModal();
    expect(answerOf(await check(view, 'Graph neural networks for session recommendations'))).toContain(
      'Nothing close to this was tried before',
    );
    expect(answerOf(await check(await newModal(), ''))).toContain('Write the hypothesis first');
  });
});
