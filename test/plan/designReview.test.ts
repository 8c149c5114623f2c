import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ids } from '../../blocks/ids.js';
import { addRevision } from '../../src/db/designDocs.js';
import type { Project } from '../../src/db/schema/index.js';
import { DESIGN_SECTION_MAX, DESIGN_SECTIONS } from '../../src/rituals/plan/designDoc.js';
import type { RecordedCall, ResponseUrlPost } from '../../src/sandbox/slack/embeddedSlack.js';
import { slashCommand } from '../../src/sandbox/slack/requests.js';
import { startTestApp, TEAM, type TestApp } from '../support/app.js';
import { concluded } from '../digests/support.js';
import { buttons, defaultFields, makeProject, withdrawAllPending } from '../support/factories.js';
import { pressInMessage, pressInReply } from '../support/messages.js';
import { inputsOf, submit, viewOpenedBy, type FillValue, type SentView } from '../support/modals.js';

let t: TestApp;
let project: Project;
// Each test gets its own project and people, so nothing one test scheduled reaches another.
let CHANNEL: string;
let LEAD: string;
let ALICE: string;
/** A reviewer in Berlin and one in New York. */
let BERLIN: string;
let NEWYORK: string;
let seq = 0;

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t?.stop());
beforeEach(async () => {
  t.fake.reset();
  await withdrawAllPending(t.labbook.db);
  seq++;
  CHANNEL = `C0REVIEW${seq}`;
  LEAD = `U0LEAD${seq}`;
  ALICE = `U0ALICE${seq}`;
  BERLIN = `U0BERLIN${seq}`;
  NEWYORK = `U0NEWYORK${seq}`;
  t.fake.addUser({ id: LEAD, tz: 'UTC' });
  t.fake.addUser({ id: ALICE, tz: 'UTC' });
  t.fake.addUser({ id: BERLIN, tz: 'Europe/Berlin' });
  t.fake.addUser({ id: NEWYORK, tz: 'America/New_York' });
  // Monday 23 Nov 2026, 10:00 UTC: 11:00 in Berlin, 05:00 in New York.
  t.clock.set('2026-11-23T10:00:00Z');
  project = await makeProject(t.labbook.db, {
    teamId: TEAM,
    channelId: CHANNEL,
    lead: LEAD,
    members: [ALICE],
    name: `Search ranking ${seq}`,
  });
});

const db = () => t.labbook.db;
const sweep = () => t.labbook.scheduler.sweep();
const who = (userId: string) => ({ userId, teamId: TEAM });
const titleOf = (key: string) => DESIGN_SECTIONS.find((s) => s.key === key)!.title;
const dmsTo = (user: string) => t.fake.okCallsTo('chat.postMessage').filter((c) => c.args.channel === user);
const reviewDms = (user: string) =>
  dmsTo(user).filter((c) => String(c.args.text).includes('eview the design doc'));

/** `/hypothesis design` as `userId`: the doc the app answers with. */
async function designDoc(userId = ALICE): Promise<ResponseUrlPost['body']> {
  const before = t.fake.responses.length;
  await slashCommand(t.target, {
    text: 'design',
    userId,
    teamId: TEAM,
    channelId: CHANNEL,
    responseUrl: t.fake.responseUrl(),
  });
  const [doc] = await t.fake.waitForResponse(
    (r) => t.fake.responses.indexOf(r) >= before && String(r.body.text).startsWith('Design doc of'),
  );
  return doc!.body;
}

/** Presses a button on the doc the app answered with. */
function pressOnDoc(doc: ResponseUrlPost['body'], actionId: string, userId = ALICE) {
  return pressInReply(t, who(userId), doc, actionId, CHANNEL);
}

/** The answer sent to a response_url after `act`, whose text matches. */
async function answerTo(act: () => Promise<unknown>, match: RegExp): Promise<string> {
  const before = t.fake.responses.length;
  await act();
  const [r] = await t.fake.waitForResponse(
    (x) => t.fake.responses.indexOf(x) >= before && match.test(String(x.body.text)),
  );
  return String(r!.body.text);
}

async function requestReview(reviewers: string[], dueDate: string, by = ALICE) {
  const doc = await designDoc(by);
  const modal = await viewOpenedBy(t.fake, ids.review.requestModal, () =>
    pressOnDoc(doc, ids.review.request, by),
  );
  return submit(t.target, who(by), modal, { Reviewers: reviewers, 'Review by': dueDate });
}

const docText = async () => JSON.stringify(await designDoc());

async function writeSection(key: string, content: string, userId = ALICE) {
  const doc = await designDoc(userId);
  const editor = await viewOpenedBy(t.fake, ids.design.sectionModal, () =>
    pressOnDoc(doc, `${ids.design.editSection}.${key}`, userId),
  );
  return submit(t.target, who(userId), editor, { [titleOf(key)]: content });
}

const reviewerRows = () =>
  db()
    .selectFrom('design_review_reviewers')
    .innerJoin('design_reviews', 'design_reviews.id', 'design_review_reviewers.review_id')
    .select(['reviewer_user_id', 'verdict'])
    .where('design_reviews.project_id', '=', project.id)
    .orderBy('reviewer_user_id')
    .execute();

describe('a design review', () => {
  it('asks each reviewer in their working hours; one approves, the other requests changes, a new version addresses them, then both approve', async () => {
    await writeSection('baseline', 'BM25 + ranker v12 & friends');
    expect(await docText()).toContain('Draft: not reviewed yet');

    expect((await requestReview([BERLIN, NEWYORK], '2026-11-26')).text).toBe('');
    expect(await docText()).toContain('In review: none of 2 reviewers approved, due Thu 26 Nov');

    // 11:00 in Berlin, 05:00 in New York: only Berlin is asked now.
    await sweep();
    expect(reviewDms(BERLIN)).toHaveLength(1);
    expect(reviewDms(NEWYORK)).toHaveLength(0);
    t.clock.set('2026-11-23T14:00:00Z'); // 09:00 in New York
    await sweep();
    expect(reviewDms(NEWYORK)).toHaveLength(1);
    expect(reviewDms(BERLIN)).toHaveLength(1);

    const berlinDm = reviewDms(BERLIN)[0]!;
    const shown = JSON.stringify(berlinDm.args.blocks);
    expect(shown).toContain(
      `<@${ALICE}> asks you to review the design doc of *Search ranking ${seq}* by *Thu 26 Nov*`,
    );
    expect(shown).toContain('Rare intents are missed.');
    expect(shown).toContain('BM25 + ranker v12 &amp; friends');
    expect(buttons(berlinDm.args.blocks).map((b) => b.text.text)).toEqual([
      'Approve',
      'Request changes',
      'Open the doc',
    ]);

    const opened = await answerTo(
      () => pressInMessage(t, who(BERLIN), berlinDm, ids.review.openDoc),
      /^Design doc of/,
    );
    expect(opened).toBe(`Design doc of Search ranking ${seq}`);

    // Someone who is not a reviewer is told so, and nothing is recorded.
    const refused = await answerTo(
      () => pressInMessage(t, who(LEAD), berlinDm, ids.review.approve),
      /Only the reviewers/,
    );
    expect(refused).toBe(
      `Only the reviewers of this design review (<@${BERLIN}>, <@${NEWYORK}>) can approve it or request changes.`,
    );

    expect(
      await answerTo(() => pressInMessage(t, who(BERLIN), berlinDm, ids.review.approve), /approved/),
    ).toBe(`You approved the design doc of Search ranking ${seq}.`);
    expect(await docText()).toContain('In review: 1 of 2 reviewers approved');
    // A second press changes nothing.
    expect(
      await answerTo(() => pressInMessage(t, who(BERLIN), berlinDm, ids.review.approve), /already/),
    ).toBe(`You have already approved the design doc of Search ranking ${seq}.`);

    const nyDm = reviewDms(NEWYORK)[0]!;
    const changes = await viewOpenedBy(t.fake, ids.review.changesModal, () =>
      pressInMessage(t, who(NEWYORK), nyDm, ids.review.requestChanges),
    );
    // Nothing typed: the form asks for at least one comment.
    const empty = await submit(t.target, who(NEWYORK), changes, {});
    expect(empty.json).toMatchObject({
      response_action: 'errors',
      errors: { overall: expect.stringContaining('at least one comment') },
    });
    const sent = await submit(t.target, who(NEWYORK), changes, {
      Overall: 'Say who owns the rollout.',
      [titleOf('baseline')]: 'Which ranker version, exactly? v12 was retired.',
    });
    expect(sent.text).toBe('');
    await t.fake.waitFor(
      'chat.postMessage',
      (c) => c.args.channel === ALICE && String(c.args.text).includes('requested changes'),
    );
    const requesterHeard = dmsTo(ALICE).find((c) => String(c.args.text).includes('requested changes'))!;
    expect(String(requesterHeard.args.text)).toContain(
      `<@${NEWYORK}> requested changes (the doc as a whole, Baseline)`,
    );

    let doc = await docText();
    expect(doc).toContain(`Changes requested by <@${NEWYORK}> (1 of 2 reviewers approved)`);
    expect(doc).toContain(`:speech_balloon: <@${NEWYORK}>: Which ranker version, exactly? v12 was retired.`);
    expect(doc).toContain(`:speech_balloon: <@${NEWYORK}>: Say who owns the rollout.`);

    // The author writes a new version of the commented section: the comment is addressed.
    await writeSection('baseline', 'Production ranker v14 (BM25 first stage).');
    doc = await docText();
    expect(doc).toContain(`:white_check_mark: _addressed_ · <@${NEWYORK}>: Which ranker version, exactly?`);
    expect(doc).toContain(`:speech_balloon: <@${NEWYORK}>: Say who owns the rollout.`);

    await pressInMessage(t, who(NEWYORK), nyDm, ids.review.approve);
    await t.fake.waitFor(
      'chat.postMessage',
      (c) => c.args.channel === ALICE && String(c.args.text).includes('Approved on'),
    );
    expect(await docText()).toMatch(
      new RegExp(
        `Approved on <!date\\^\\d+\\^\\{date_short_pretty\\}\\|2026-11-23> by <@${BERLIN}>, <@${NEWYORK}>`,
      ),
    );
    expect(await reviewerRows()).toEqual([
      { reviewer_user_id: BERLIN, verdict: 'approved' },
      { reviewer_user_id: NEWYORK, verdict: 'approved' },
    ]);
    expect(t.fake.violations).toEqual([]);
  });

  it('only the lead or a member may request a review; a replaced review’s buttons explain themselves', async () => {
    const doc = await designDoc(BERLIN);
    const refused = await answerTo(
      () => pressOnDoc(doc, ids.review.request, BERLIN),
      /Only the project lead/,
    );
    expect(refused).toContain(
      `Only the project lead <@${LEAD}> and members of Search ranking ${seq} can edit its design doc.`,
    );

    await requestReview([BERLIN], '2026-11-24');
    await sweep();
    const first = reviewDms(BERLIN)[0]!;
    await requestReview([BERLIN, NEWYORK], '2026-11-27');
    const stale = await answerTo(
      () => pressInMessage(t, who(BERLIN), first, ids.review.approve),
      /newer review/,
    );
    expect(stale).toBe(
      'A newer review of this design doc was requested since; answer that one (it is in your DMs).',
    );
    expect(await reviewerRows()).toEqual([
      { reviewer_user_id: BERLIN, verdict: 'pending' },
      { reviewer_user_id: BERLIN, verdict: 'pending' },
      { reviewer_user_id: NEWYORK, verdict: 'pending' },
    ]);
    const past = await requestReview([BERLIN], '2026-11-20');
    expect(past.json).toMatchObject({
      response_action: 'errors',
      errors: { dueDate: 'Pick today or a later day.' },
    });
  });

  it('reminds a reviewer who has not answered once, on the date in their zone, and tells the lead once the day after', async () => {
    await requestReview([BERLIN, NEWYORK], '2026-11-26');
    t.clock.set('2026-11-23T14:00:00Z');
    await sweep();
    await pressInMessage(t, who(NEWYORK), reviewDms(NEWYORK)[0]!, ids.review.approve);
    await t.fake.waitFor(
      'chat.postMessage',
      (c) => c.args.channel === ALICE && String(c.args.text).includes('approved'),
    );

    const reminders = (user: string) =>
      reviewDms(user).filter((c) => String(c.args.text).startsWith('Reminder'));
    // Thursday 26 Nov, 08:59 in Berlin: not yet working time.
    t.clock.set('2026-11-26T07:59:00Z');
    await sweep();
    expect(reminders(BERLIN)).toHaveLength(0);
    t.clock.set('2026-11-26T08:00:00Z'); // 09:00 in Berlin
    await sweep();
    expect(reminders(BERLIN)).toHaveLength(1);
    expect(JSON.stringify(reminders(BERLIN)[0]!.args.blocks)).toContain('by *Thu 26 Nov*, which is today');
    t.clock.set('2026-11-26T16:00:00Z');
    await sweep();
    expect(reminders(BERLIN)).toHaveLength(1);
    expect(reminders(NEWYORK)).toHaveLength(0);

    const stalled = () => dmsTo(LEAD).filter((c) => String(c.args.text).includes('is stalled'));
    expect(stalled()).toHaveLength(0);
    t.clock.set('2026-11-27T08:59:00Z'); // Friday, before nine for the lead (UTC)
    await sweep();
    expect(stalled()).toHaveLength(0);
    t.clock.set('2026-11-27T09:00:00Z');
    await sweep();
    expect(stalled()).toHaveLength(1);
    expect(String(stalled()[0]!.args.text)).toBe(
      `The design review of Search ranking ${seq} is stalled: it was due Thu 26 Nov and 1 reviewer has not answered (<@${BERLIN}>).`,
    );
    t.clock.set('2026-11-30T09:00:00Z');
    await sweep();
    expect(stalled()).toHaveLength(1);
    expect(t.fake.violations).toEqual([]);
  });

  it('sends no reminder or stall notice once every reviewer has approved', async () => {
    await requestReview([BERLIN], '2026-11-24');
    await sweep();
    await pressInMessage(t, who(BERLIN), reviewDms(BERLIN)[0]!, ids.review.approve);
    await t.fake.waitFor(
      'chat.postMessage',
      (c) => c.args.channel === ALICE && String(c.args.text).includes('Approved on'),
    );
    for (const at of ['2026-11-24T08:00:00Z', '2026-11-25T09:00:00Z', '2026-11-26T09:00:00Z']) {
      t.clock.set(at);
      await sweep();
    }
    expect(reviewDms(BERLIN)).toHaveLength(1);
    expect(dmsTo(LEAD)).toHaveLength(0);
  });
});

/** Every section at its longest: words, so it can be split between words, and a character to escape. */
const longSection = (key: string) => {
  const words = `${key}-start & more words`.split(' ');
  let text = '';
  for (let i = 0; text.length < DESIGN_SECTION_MAX - 20; i++) text += `${words[i % words.length]}${i} `;
  return `${text.trim()} ${key}-end`.slice(-DESIGN_SECTION_MAX);
};

async function fillEverySection() {
  for (const s of DESIGN_SECTIONS)
    await addRevision(db(), {
      teamId: TEAM,
      projectId: project.id,
      section: s.key,
      content: longSection(s.key),
      authorUserId: ALICE,
      at: t.clock.now(),
    });
}

const unescape = (s: string) => s.replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>');

/** The mrkdwn text of every section block in these messages, in order. */
const sectionTexts = (calls: RecordedCall[]) =>
  calls.flatMap((c) =>
    (c.args.blocks as { type: string; text?: { text: string } }[])
      .filter((b) => b.type === 'section')
      .map((b) => b.text!.text),
  );

describe('sharing and editing the whole doc', () => {
  it('shares a long doc: a summary with the headings in the channel, every section in full in its thread', async () => {
    await fillEverySection();
    await pressOnDoc(await designDoc(), ids.design.share);
    const [summary] = await t.fake.waitFor(
      'chat.postMessage',
      (c) => c.args.channel === CHANNEL && !c.args.thread_ts,
    );
    const summaryText = JSON.stringify(summary!.args.blocks);
    for (const s of DESIGN_SECTIONS) expect(summaryText).toContain(s.title);
    expect(summaryText).not.toContain('problem-start');
    expect(summaryText).toContain('Draft: not reviewed yet');

    const thread = async () =>
      t.fake.okCallsTo('chat.postMessage').filter((c) => c.args.thread_ts === summary!.response!.ts);
    // The last section's end arrives last; the thread is complete then.
    await t.fake.waitFor('chat.postMessage', (c) =>
      JSON.stringify(c.args.blocks).includes('security_privacy-end'),
    );
    const replies = await thread();
    expect(replies.length).toBeGreaterThan(1);
    for (const r of replies) expect((r.args.blocks as unknown[]).length).toBeLessThanOrEqual(50);
    // Read back in order, the thread holds each section whole: split only between words.
    const all = unescape(sectionTexts(replies).join(' ').replace(/\s+/g, ' '));
    for (const s of DESIGN_SECTIONS) {
      expect(all).toContain(`*${s.title}*`);
      expect(all).toContain(longSection(s.key).replace(/\s+/g, ' '));
    }
    expect(t.fake.violations).toEqual([]);
  });

  it('a reviewer’s DM of a long doc has its buttons first and every section, the rest in its thread', async () => {
    await fillEverySection();
    await requestReview([BERLIN], '2026-11-26');
    await sweep();
    const [dm] = reviewDms(BERLIN);
    expect(buttons(dm!.args.blocks).map((b) => b.text.text)).toEqual([
      'Approve',
      'Request changes',
      'Open the doc',
    ]);
    const thread = t.fake
      .okCallsTo('chat.postMessage')
      .filter((c) => c.args.thread_ts !== undefined && c.args.thread_ts === dm!.response!.ts);
    expect(thread.length).toBeGreaterThan(0);
    const all = unescape(
      sectionTexts([dm!, ...thread])
        .join(' ')
        .replace(/\s+/g, ' '),
    );
    for (const s of DESIGN_SECTIONS) expect(all).toContain(longSection(s.key).replace(/\s+/g, ' '));
    expect(t.fake.violations).toEqual([]);
  });

  it('edits every section in one modal within the limits; only changed sections get a new version', async () => {
    await fillEverySection();
    const modal: SentView = await viewOpenedBy(t.fake, ids.design.editAllModal, async () =>
      pressOnDoc(await designDoc(), ids.design.editAll),
    );
    expect(modal.blocks.length).toBeLessThanOrEqual(100);
    expect(inputsOf(modal).map((i) => i.label)).toEqual(DESIGN_SECTIONS.map((s) => s.title));
    expect(t.fake.violations).toEqual([]);

    const cleared = await submit(t.target, who(ALICE), modal, { [titleOf('risks')]: '' });
    expect(cleared.json).toMatchObject({
      response_action: 'errors',
      errors: {
        risks: 'What could go wrong was written; write what replaces it (earlier versions are kept).',
      },
    });

    const edits: Record<string, FillValue> = {
      [titleOf('baseline')]: 'Production ranker v14.',
      [titleOf('launch_criteria')]: 'recall@10 +3% on rare intents in an A/B test.',
    };
    expect((await submit(t.target, who(ALICE), modal, edits)).text).toBe('');
    const versions = await db()
      .selectFrom('design_doc_revisions')
      .select(['section', 'content'])
      .where('project_id', '=', project.id)
      .orderBy('id')
      .execute();
    // The factory's problem statement, the twelve long sections, then the two edits.
    expect(versions).toHaveLength(1 + 12 + 2);
    expect(versions.slice(-2)).toEqual([
      { section: 'baseline', content: 'Production ranker v14.' },
      { section: 'launch_criteria', content: 'recall@10 +3% on rare intents in an A/B test.' },
    ]);
    // The one-section editor still shows the earlier version of an edited section.
    const editor = await viewOpenedBy(t.fake, ids.design.sectionModal, async () =>
      pressOnDoc(await designDoc(), `${ids.design.editSection}.baseline`),
    );
    expect(JSON.stringify(editor)).toContain('Earlier versions');
    expect(JSON.stringify(editor)).toContain('baseline-start');
  });

  it('a stranger cannot share the doc or edit it all at once', async () => {
    const doc = await designDoc(BERLIN);
    for (const actionId of [ids.design.share, ids.design.editAll]) {
      const refused = await answerTo(() => pressOnDoc(doc, actionId, BERLIN), /Only the project lead/);
      expect(refused).toContain('can edit its design doc');
    }
    expect(t.fake.okCallsTo('chat.postMessage').filter((c) => c.args.channel === CHANNEL)).toHaveLength(0);
  });
});

describe('the review state elsewhere', () => {
  /** `/hypothesis new` in the project channel, started now: the card's Details, as its author sees them. */
  async function startHypothesis(statement: string): Promise<string> {
    const modal = await viewOpenedBy(t.fake, ids.hypothesis.newModal, () =>
      slashCommand(t.target, {
        text: 'new',
        ...who(ALICE),
        channelId: CHANNEL,
        responseUrl: t.fake.responseUrl(),
      }),
    );
    await submit(t.target, who(ALICE), modal, {
      Hypothesis: statement,
      Method: defaultFields.method,
      Metric: defaultFields.metric,
      Baseline: defaultFields.baseline,
      'Success criteria': defaultFields.successCriteria,
      'Timebox (days)': '14',
      'Next step if it fails': defaultFields.nextOnFailure,
      'Next step if it succeeds': defaultFields.nextOnSuccess,
    });
    const [card] = await t.fake.waitFor(
      'chat.postMessage',
      (c) => c.args.channel === CHANNEL && String(c.args.text).includes(statement),
    );
    const before = t.fake.responses.length;
    await pressInMessage(t, who(ALICE), card!, ids.hypothesis.details);
    const [details] = await t.fake.waitForResponse((r) => t.fake.responses.indexOf(r) >= before);
    return JSON.stringify(details!.body.blocks);
  }

  async function projectCard(): Promise<string> {
    const before = t.fake.responses.length;
    await slashCommand(t.target, {
      text: 'project',
      ...who(ALICE),
      channelId: CHANNEL,
      responseUrl: t.fake.responseUrl(),
    });
    const [r] = await t.fake.waitForResponse(
      (x) => t.fake.responses.indexOf(x) >= before && String(x.body.text).startsWith('Project'),
    );
    return JSON.stringify(r!.body.blocks);
  }

  async function digestPreview(): Promise<string> {
    const before = t.fake.responses.length;
    await slashCommand(t.target, {
      text: 'digest',
      ...who(ALICE),
      channelId: CHANNEL,
      responseUrl: t.fake.responseUrl(),
    });
    const [r] = await t.fake.waitForResponse(
      (x) => t.fake.responses.indexOf(x) >= before && JSON.stringify(x.body).includes('Weekly digest'),
    );
    return JSON.stringify(r!.body);
  }

  it('the project card, the digest and a hypothesis started before approval show where the review stands', async () => {
    // Something concluded this week, so the preview is the full digest.
    await concluded(db(), project, {
      status: 'validated',
      startedAt: '2026-11-16T10:00:00Z',
      concludedAt: '2026-11-23T09:00:00Z',
    });
    expect(await projectCard()).toContain('Design doc: Draft: not reviewed yet');
    expect(await digestPreview()).toContain('Design doc: Draft: not reviewed yet');
    const early = await startHypothesis('Hard negatives will raise recall@10 by 2% over the baseline');
    expect(early).toContain(':memo: Started before the design doc was approved (Draft: not reviewed yet).');

    await requestReview([BERLIN], '2026-11-25');
    expect(await projectCard()).toContain(
      'Design doc: In review: none of 1 reviewer approved, due Wed 25 Nov',
    );
    await sweep();
    await pressInMessage(t, who(BERLIN), reviewDms(BERLIN)[0]!, ids.review.approve);
    await t.fake.waitFor(
      'chat.postMessage',
      (c) => c.args.channel === ALICE && String(c.args.text).includes('Approved on'),
    );
    const approved = `Approved on <!date^${Math.floor(t.clock.now().getTime() / 1000)}^{date_short_pretty}|2026-11-23> by <@${BERLIN}>`;
    expect(await projectCard()).toContain(`Design doc: ${approved}`);
    expect(await digestPreview()).toContain(`Design doc: ${approved}`);

    t.clock.advance(60_000);
    const later = await startHypothesis('Distillation will keep recall@10 within 1% at half the latency');
    expect(later).not.toContain('Started before the design doc was approved');
    expect(t.fake.violations).toEqual([]);
  });
});
