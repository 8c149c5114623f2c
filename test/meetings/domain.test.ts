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
import { pitfallFlags, withoutProposals, type PitfallInput } from '../../src/rituals/meetings/preread.js';

type P = PitfallInput['proposals'][number];
const proposal = (o: Partial<P> = {}): P => ({
  kind: 'formal',
  approach: 'LightGBM lambdarank',
  related_work: 'https://arxiv.org/abs/1706.09516',
  no_reading: false,
  option_kind: 'simple',
  cost_days: 5,
  expected_gain: '+3% recall@10',
  ...o,
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

describe('pitfall flags', () => {
  it('are silent for two different, costed, cited proposals with a simple option on the metric', () => {
    expect(flagsOf(healthy)).toEqual([]);
  });

  it('flag a single proposal, or several with the same approach', () => {
    expect(flagsOf({ ...healthy, proposals: [proposal()] })).toEqual(['one_architecture']);
    expect(
      flagsOf({ ...healthy, proposals: [proposal(), proposal({ approach: 'lightgbm  LambdaRank!' })] }),
    ).toEqual(['one_architecture']);
  });

  it('flag when nobody cites related work; an informal reply with a link counts as citing', () => {
    const unread = healthy.proposals.map((p) => ({ ...p, related_work: null, no_reading: true }));
    expect(flagsOf({ ...healthy, proposals: unread })).toEqual(['no_reading']);
    const informal = proposal({
      kind: 'informal',
      approach: 'Two-tower, see https://arxiv.org/abs/1906.00091',
    });
    expect(flagsOf({ ...healthy, proposals: [...unread, informal] })).toEqual([]);
  });

  it('flag no simple option only when the design doc names no baseline either', () => {
    const fancy = healthy.proposals.map((p) => ({ ...p, option_kind: 'sota' as const }));
    expect(flagsOf({ ...healthy, proposals: fancy })).toEqual(['no_simple_option']);
    expect(flagsOf({ ...healthy, proposals: fancy, baseline: 'production ranker v12' })).toEqual([]);
  });

  it('flag when no proposal estimates its cost', () => {
    const free = healthy.proposals.map((p) => ({ ...p, cost_days: null }));
    expect(flagsOf({ ...healthy, proposals: free })).toEqual(['no_cost']);
  });

  it('flag gains not stated on the optimising metric, or no metric at all', () => {
    const [a, b] = healthy.proposals;
    expect(flagsOf({ ...healthy, proposals: [a!, { ...b!, expected_gain: '+5% NDCG' }] })).toEqual([
      'gain_off_metric',
    ]);
    expect(flagsOf({ ...healthy, proposals: [a!, { ...b!, expected_gain: null }] })).toEqual([
      'gain_off_metric',
    ]);
    const none = pitfallFlags({ ...healthy, metric: null });
    expect(none.map((f) => f.pitfall)).toEqual(['gain_off_metric']);
    expect(none[0]!.sentence).toContain('has none written down');
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
    const limits = { ...MEETING_LIMITS, statement: 300, successCriteria: 500, timebox: { min: 1, max: 90 } };
    const prefills = Array.from({ length: 12 }, (_, i) => ({
      proposalId: i + 1,
      n: i + 1,
      author: `U0P${i}`,
      title: long,
      statement: long.slice(0, 300),
      successCriteria: long.slice(0, 500),
      timeboxDays: 14,
      owner: `U0P${i}`,
    }));
    const meta = JSON.stringify({ meetingId: 1, chosen: prefills.map((p) => p.proposalId) });
    // 12 chosen and 150 left out: as many reasons of their own as fit, then one shared field.
    const notChosen = Array.from({ length: 150 }, (_, i) => ({
      proposalId: 100 + i,
      n: 13 + i,
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
    expect(own.length).toBe(100 - 1 - 12 * 6 - 1 - 1);
    const shared = crowded.blocks.find((b) => b.block_id === SHARED_REASON_BLOCK) as {
      label: { text: string };
    };
    expect(shared.label.text).toMatch(
      new RegExp(`^Why not the other ${150 - own.length}: P${13 + own.length}, `),
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
