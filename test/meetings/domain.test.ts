import { describe, expect, it } from 'vitest';
import { decisionMessage, invitationMessage, kickoffMessage } from '../../blocks/meeting.js';
import {
  decisionHypothesesModal,
  decisionModal,
  meetingModal,
  SHARED_REASON_BLOCK,
} from '../../blocks/meetingModals.js';
import { MEETING_LIMITS } from '../../src/rituals/meetings/forms.js';
import { checkMessageBlocks, checkView } from '../../src/sandbox/slack/blockKitLimits.js';
import { checkTimes, reminderDue } from '../../src/rituals/meetings/meetings.js';
import { hasContent } from '../../src/rituals/meetings/proposals.js';
import {
  pitfallFlags,
  withoutProposals,
  type PastMatch,
  type Pitfall,
  type PitfallInput,
} from '../../src/rituals/meetings/preread.js';

type P = PitfallInput['proposals'][number];
let nextId = 1;
const proposal = (o: Partial<P> = {}): P => ({
  id: nextId++,
  kind: 'formal',
  approach: 'LightGBM lambdarank',
  related_work: 'https://arxiv.org/abs/1706.09516',
  no_reading: false,
  option_kind: 'simple',
  cost_days: 5,
  expected_gain: '+3% recall@10',
  ...o,
});
const reply = (approach: string): P =>
  proposal({
    kind: 'informal',
    approach,
    related_work: null,
    option_kind: null,
    cost_days: null,
    expected_gain: null,
  });
const healthy: PitfallInput = {
  proposals: [
    proposal(),
    proposal({ approach: 'Cross-encoder reranker', option_kind: 'sota', cost_days: 20 }),
  ],
  metric: 'recall@10 on rare intents',
  baseline: null,
};
const flagsOf = (input: PitfallInput) => pitfallFlags(input).map((f) => f.pitfall);
/** The one flag of this kind, with its sentence and the proposals it names. */
const flag = (input: PitfallInput, pitfall: Pitfall) =>
  pitfallFlags(input).find((f) => f.pitfall === pitfall);
const withOne = (p: P, base = healthy): PitfallInput => ({ ...base, proposals: [...base.proposals, p] });

describe('pitfall flags', () => {
  it('are silent for two different, costed, cited proposals with a simple option on the metric', () => {
    expect(flagsOf(healthy)).toEqual([]);
  });

  it('flag a single proposal, or several with the same approach, by name', () => {
    expect(flagsOf({ ...healthy, proposals: [proposal()] })).toEqual(['one_architecture']);
    const [a] = healthy.proposals;
    const same = { ...healthy, proposals: [a!, proposal({ approach: 'lightgbm  LambdaRank!' })] };
    expect(flagsOf(same)).toEqual(['one_architecture']);
    expect(flag(same, 'one_architecture')!.sentence).toContain('P1 and P2 both suggest LightGBM lambdarank');
    // A thread reply saying the same thing in its own words is the same idea…
    expect(flagsOf({ ...healthy, proposals: [a!, reply("Let's try LightGBM lambdarank.")] })).toContain(
      'one_architecture',
    );
    // …and a variant of it is not (near miss).
    expect(
      flagsOf({
        ...healthy,
        proposals: [a!, proposal({ approach: 'LightGBM lambdarank with click features' })],
      }),
    ).not.toContain('one_architecture');
  });

  it('flag when nobody cites related work; a thread reply with a link or a paper counts as citing', () => {
    const unread = healthy.proposals.map((p) => ({ ...p, related_work: null, no_reading: true }));
    expect(flagsOf({ ...healthy, proposals: unread })).toEqual(['no_reading']);
    expect(flag({ ...healthy, proposals: unread }, 'no_reading')!.sentence).toContain('(P1 and P2)');
    for (const cited of ['Two-tower, see https://arxiv.org/abs/1906.00091', 'Two towers as in Huang et al.'])
      expect(
        flagsOf(withOne(reply(`${cited}, about 3 days, +2% recall@10`), { ...healthy, proposals: unread })),
      ).toEqual([]);
    // Near miss: a reply that only says "read up on it" cites nothing.
    expect(
      flagsOf(
        withOne(reply('Two towers, we should read up on it, 3 days, +2% recall@10'), {
          ...healthy,
          proposals: unread,
        }),
      ),
    ).toEqual(['no_reading']);
  });

  it('flag no simple option, reading thread replies too, unless the design doc names a baseline', () => {
    const fancy = healthy.proposals.map((p) => ({ ...p, option_kind: 'sota' as const }));
    expect(flagsOf({ ...healthy, proposals: fancy })).toEqual(['no_simple_option']);
    expect(flag({ ...healthy, proposals: fancy }, 'no_simple_option')!.sentence).toMatch(
      /^None of P1 and P2 is a simple/,
    );
    expect(flagsOf({ ...healthy, proposals: fancy, baseline: 'production ranker v12' })).toEqual([]);
    // A reply offering the cheap way is a simple option…
    const cheap = reply(
      'Cheap option first, an honest baseline: BM25 with synonyms (Robertson 2009), 2 days, +1% recall@10',
    );
    expect(flagsOf(withOne(cheap, { ...healthy, proposals: fancy }))).toEqual([]);
    // …one that only measures against the baseline is not (near miss).
    const versus = reply('Graph neural nets beat the baseline by 5% recall@10 (Chen 2021), 3 weeks');
    expect(flagsOf(withOne(versus, { ...healthy, proposals: fancy }))).toEqual(['no_simple_option']);
  });

  it('flag each proposal that gives no cost, thread replies included', () => {
    const [a, b] = healthy.proposals;
    const free = { ...healthy, proposals: [a!, { ...b!, cost_days: null }] };
    expect(flag(free, 'no_cost')).toMatchObject({ proposals: [b!.id] });
    expect(flag(free, 'no_cost')!.sentence).toMatch(/^P2 gives no cost/);
    // A reply with an estimate in words is costed; one that only says "cheap" is not (near miss).
    const simple = 'BM25 baseline (Robertson 2009), +1% recall@10';
    expect(flagsOf(withOne(reply(`${simple}, about two weeks`)))).toEqual([]);
    expect(flag(withOne(reply(`${simple}, cheap`)), 'no_cost')!.sentence).toMatch(/^P3 gives no cost/);
  });

  it('compare each gain with the whole optimising metric, naming the off-metric ones by their words', () => {
    const fpr = { ...healthy, metric: 'recall at 1% FPR' };
    const on = fpr.proposals.map((p, i) => ({
      ...p,
      expected_gain: i ? '+2% recall@1%FPR' : '+1% over the baseline',
    }));
    expect(flagsOf({ ...fpr, proposals: on })).toEqual([]);
    const [a, b] = on;
    const prAuc = { ...fpr, proposals: [a!, { ...b!, expected_gain: '+2% PR-AUC' }] };
    expect(flag(prAuc, 'gain_off_metric')).toMatchObject({ proposals: [b!.id] });
    expect(flag(prAuc, 'gain_off_metric')!.sentence).toBe(
      'Not every expected gain is on the optimising metric, recall at 1% FPR: P2 states its gain as “+2% PR-AUC”. Good offline numbers on another metric may not move what the customer feels.',
    );
    // Another operating point of the same measure is another metric (near miss for a first-word match).
    expect(flagsOf({ ...fpr, proposals: [a!, { ...b!, expected_gain: '+2% recall at 5% FPR' }] })).toEqual([
      'gain_off_metric',
    ]);
    expect(
      flag({ ...fpr, proposals: [a!, { ...b!, expected_gain: null }] }, 'gain_off_metric')!.sentence,
    ).toContain('P2 states no gain');
    // A thread reply's gain is read from its words.
    const cited = 'Focal loss (Lin 2017), 3 days, simple';
    expect(flagsOf(withOne(reply(`${cited}, +2% recall at 1% FPR`), { ...fpr, proposals: on }))).toEqual([]);
    expect(
      flag(withOne(reply(`${cited}, +4% ROC-AUC`), { ...fpr, proposals: on }), 'gain_off_metric')!.sentence,
    ).toContain('P3 states its gain as “+4% ROC-AUC”');
    const none = pitfallFlags({ ...healthy, metric: null });
    expect(none.map((f) => f.pitfall)).toEqual(['gain_off_metric']);
    expect(none[0]!.sentence).toContain('has none written down');
  });

  it('flag a proposal that strongly matches a disproven hypothesis, with the learning that killed it', () => {
    const [a, b] = healthy.proposals;
    const past = (o: Partial<PastMatch>): PastMatch => ({
      number: 4,
      projectName: 'Search',
      status: 'disproven',
      statement: 'Query expansion will raise recall@10 by 2%',
      learnings: 'query expansion adds noise on tail queries',
      result: null,
      concludedAt: new Date('2026-11-12T15:00:00Z'),
      similarity: 0.8,
      ...o,
    });
    const tried = (m: PastMatch) => ({ ...healthy, triedBefore: new Map([[b!.id, [m]]]) });
    expect(flag(tried(past({})), 'repeats_disproven')).toEqual({
      pitfall: 'repeats_disproven',
      sentence:
        'P2 repeats a disproven hypothesis: H4 disproven on 12 Nov: query expansion adds noise on tail queries. Say what is different this time, or leave that dead end alone.',
      proposals: [b!.id],
    });
    // Near misses: a weaker match, or a strong one that was validated.
    expect(flagsOf(tried(past({ similarity: 0.5 })))).toEqual([]);
    expect(flagsOf(tried(past({ status: 'validated' })))).toEqual([]);
    expect(a).toBeDefined();
  });

  it('name who has not proposed, in the order they were invited', () => {
    expect(withoutProposals(['U1', 'U2', 'U3'], [{ author_user_id: 'U2' }])).toEqual(['U1', 'U3']);
  });
});

describe('meeting times', () => {
  const now = new Date('2026-11-23T10:00:00Z');
  const at = new Date('2026-11-26T10:00:00Z');

  it('default the deadline to 24 hours before the meeting', () => {
    expect(checkTimes(now, at, null, 'UTC')).toEqual({
      ok: true,
      scheduledAt: at,
      deadline: new Date('2026-11-25T10:00:00Z'),
    });
  });

  it('refuse a meeting in the past, a deadline after it or in the past', () => {
    expect(checkTimes(now, new Date('2026-11-23T09:00:00Z'), null, 'UTC')).toMatchObject({
      ok: false,
      errors: { scheduledAt: expect.any(String) },
    });
    expect(checkTimes(now, at, new Date('2026-11-27T09:00:00Z'), 'UTC')).toMatchObject({
      ok: false,
      errors: { deadline: expect.stringContaining('not after') },
    });
    expect(checkTimes(now, at, new Date('2026-11-23T09:00:00Z'), 'UTC')).toMatchObject({
      ok: false,
      errors: { deadline: expect.stringContaining('passed') },
    });
  });

  it('remind halfway to the deadline, at most a day before it', () => {
    expect(reminderDue(now, new Date('2026-11-25T10:00:00Z'))).toEqual(new Date('2026-11-24T10:00:00Z'));
    expect(reminderDue(now, new Date('2026-11-23T14:00:00Z'))).toEqual(new Date('2026-11-23T12:00:00Z'));
  });
});

describe('meeting modals and messages at their largest', () => {
  const long = 'x'.repeat(3000);
  it('stay within Block Kit limits', () => {
    const limits = {
      ...MEETING_LIMITS,
      statement: 300,
      baseline: 300,
      successCriteria: 500,
      nextSteps: 500,
      timebox: { min: 1, max: 90 },
    };
    const prefills = Array.from({ length: 8 }, (_, i) => ({
      proposalId: i + 1,
      n: i + 1,
      author: `U0P${i}`,
      title: long,
      statement: long.slice(0, 300),
      metric: long.slice(0, 150),
      baseline: long.slice(0, 300),
      successCriteria: long.slice(0, 500),
      timebox: { days: 90, costDays: 365, capped: true },
      owner: `U0P${i}`,
    }));
    const meta = JSON.stringify({ meetingId: 1, chosen: prefills.map((p) => p.proposalId) });
    // 8 chosen (the most at once) and 150 left out: as many reasons of their own as fit, then one shared field.
    const notChosen = Array.from({ length: 150 }, (_, i) => ({
      proposalId: 100 + i,
      n: 9 + i,
      title: long,
    }));
    const crowded = decisionHypothesesModal({
      decision: long,
      whyNot: long,
      prefills,
      notChosen,
      privateMetadata: meta,
      limits,
    });
    expect(checkView(crowded, 'modal')).toEqual([]);
    expect(crowded.blocks).toHaveLength(100);
    const own = crowded.blocks.filter((b) => b.block_id?.startsWith('why_'));
    expect(own.length).toBe(100 - 1 - 8 * 10 - 1 - 1);
    const shared = crowded.blocks.find((b) => b.block_id === SHARED_REASON_BLOCK) as {
      label: { text: string };
    };
    expect(shared.label.text).toMatch(
      new RegExp(`^Why not the other ${150 - own.length}: P${9 + own.length}, `),
    );
    // A few left out: each has its own field, prefilled with the shared reason.
    const few = decisionHypothesesModal({
      decision: 'd',
      whyNot: 'too costly',
      prefills: prefills.slice(0, 1),
      notChosen: notChosen.slice(0, 3),
      privateMetadata: meta,
      limits,
    });
    expect(few.blocks.filter((b) => b.block_id?.startsWith('why_'))).toHaveLength(3);
    expect(few.blocks.find((b) => b.block_id === SHARED_REASON_BLOCK)).toBeUndefined();
    expect(JSON.stringify(few.blocks)).toContain('"initial_value":"too costly"');
    expect(
      checkMessageBlocks(
        decisionMessage(
          { question: long, decision: long, decided_by: 'U0LEAD', outcome: 'chosen' },
          prefills.map((p) => ({ n: p.n, author: p.author, title: long })),
          notChosen.map((p) => ({ n: p.n, author: 'U0X', title: long, reason: long })),
        ).blocks,
      ),
    ).toEqual([]);
    const proposals = Array.from({ length: 150 }, (_, i) => ({
      id: i + 1,
      n: i + 1,
      author: long,
      title: long,
    }));
    expect(
      checkView(decisionModal({ question: long, proposals, privateMetadata: meta, limits }), 'modal'),
    ).toEqual([]);
    const participants = Array.from({ length: 300 }, (_, i) => `U0P${String(i).padStart(5, '0')}`);
    const meeting = {
      id: 1,
      question: long,
      scheduled_at: new Date(),
      proposal_deadline: new Date(),
      participants,
      metric: long,
      status: 'collecting' as const,
      closed_at: null,
    };
    expect(checkMessageBlocks(kickoffMessage({ ...meeting, question: long }, 'U0LEAD').blocks)).toEqual([]);
    expect(checkMessageBlocks(invitationMessage(meeting, long, 'U0LEAD', 'reminder').blocks)).toEqual([]);
    expect(
      checkView(
        meetingModal({
          mode: 'new',
          tz: 'UTC',
          scheduledAt: new Date(),
          deadline: null,
          participants,
          metric: long,
          privateMetadata: '{}',
          limits: MEETING_LIMITS,
        }),
        'modal',
      ),
    ).toEqual([]);
  });
});

describe('a thread reply with content', () => {
  it('is one with three letters or more once emoji and "+1" are taken out', () => {
    for (const empty of ['+1', ':+1:', ':tada: :tada:', '👍', '+1 !!', 'ok', '-1'])
      expect(hasContent(empty)).toBe(false);
    for (const said of ['can we move it?', 'BM25 first', '+1 to trees']) expect(hasContent(said)).toBe(true);
  });
});
