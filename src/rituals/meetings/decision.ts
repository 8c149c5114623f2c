import { cancelPending } from '../../db/deliveries.js';
import { appendLog } from '../../db/experimentLog.js';
import { liveProposals, updateMeeting, updateProposal } from '../../db/meetings.js';
import type { DecisionMeeting, Hypothesis, Proposal } from '../../db/schema/index.js';
import type { Services } from '../../services.js';
import { truncate } from '../../../blocks/text.js';
import { conflict } from '../errors.js';
import { createHypothesis, type HypothesisHooks } from '../plan/hypotheses.js';
import { HYPOTHESIS_LIMITS, TIMEBOX, type HypothesisDraft } from '../plan/hypothesisDraft.js';
import { changeOpenMeeting } from './meetings.js';

export interface DecisionInput {
  chosen: number[];
  decision: string;
  whyNot: string | null;
  /** Per chosen proposal id: the hypothesis to create, or none. */
  hypotheses: Map<number, HypothesisDraft | null>;
}

/** Proposals left out need a reason, which the log keeps beside each of them; undefined when given or not needed. */
export function whyNotMissing(
  chosen: number,
  live: number,
  whyNot: string | null | undefined,
): string | undefined {
  return chosen < live && !whyNot
    ? 'Say why the others were not chosen: the log keeps it beside each of them.'
    : undefined;
}

/** A short name for a proposal in the log and in option lists: its first line. */
export const proposalTitle = (p: Pick<Proposal, 'approach'>, max = 120) =>
  truncate(p.approach.split('\n')[0]!.trim(), max);

/** The hypothesis a chosen proposal suggests, for the lead to adjust before it is created. */
export function hypothesisFromProposal(
  p: Pick<Proposal, 'approach' | 'expected_gain' | 'cost_days' | 'author_user_id'>,
  m: { metric: string | null; project_id: number },
  baseline: string | null,
): Omit<HypothesisDraft, 'startNow'> {
  const title = proposalTitle(p, 200);
  const gain = p.expected_gain ?? '';
  return {
    projectId: m.project_id,
    statement: truncate(
      `${title} will improve ${m.metric ?? 'the optimising metric'}${gain ? ` (${gain})` : ''} over the baseline`,
      HYPOTHESIS_LIMITS.statement,
    ),
    method: truncate(p.approach, HYPOTHESIS_LIMITS.method),
    metric: m.metric ? truncate(m.metric, HYPOTHESIS_LIMITS.metric) : null,
    baseline: baseline ? truncate(baseline, HYPOTHESIS_LIMITS.baseline) : null,
    successCriteria: /\d/.test(gain) ? truncate(gain, HYPOTHESIS_LIMITS.successCriteria) : '',
    timeboxDays: Math.min(TIMEBOX.max, Math.max(TIMEBOX.min, p.cost_days ?? TIMEBOX.default)),
    nextOnFailure: null,
    nextOnSuccess: null,
    ownerUserId: p.author_user_id,
  };
}

export interface RecordedDecision {
  meeting: DecisionMeeting;
  chosen: Proposal[];
  notChosen: Proposal[];
  created: { proposal: Proposal; hypothesis: Hypothesis }[];
}

/**
 * Records the decision: the meeting is decided, each proposal marked chosen or not (with
 * the reason), the log gets the decision and every proposal weighed, and the chosen ones
 * become hypotheses through the plan-first code (H-numbers, check-in hooks).
 */
export async function recordDecision(
  services: Services,
  teamId: string,
  actor: string,
  meetingId: number,
  input: DecisionInput,
  hooks: HypothesisHooks,
): Promise<RecordedDecision> {
  const { db } = services;
  const decided = await changeOpenMeeting(services, teamId, actor, meetingId, async (trx, m, at) => {
    const live = await liveProposals(trx, teamId, meetingId);
    const chosen = live.filter((p) => input.chosen.includes(p.id));
    if (chosen.length !== input.chosen.length) {
      throw conflict('A proposal you chose was withdrawn meanwhile. Open *Record the decision* again.');
    }
    const notChosen = live.filter((p) => !input.chosen.includes(p.id));
    const meeting = await updateMeeting(trx, teamId, meetingId, {
      status: 'decided',
      decision: input.decision,
      why_not: input.whyNot,
      decided_by: actor,
      decided_at: at,
      closed_at: m.closed_at ?? at,
      revision: m.revision + 1,
      updated_at: at,
    });
    for (const p of chosen) await updateProposal(trx, teamId, p.id, { chosen: true, updated_at: at });
    for (const p of notChosen) {
      await updateProposal(trx, teamId, p.id, {
        chosen: false,
        not_chosen_reason: input.whyNot,
        updated_at: at,
      });
    }
    await cancelPending(trx, { teamIds: [teamId], meetingId: meetingId }, at);
    const common = { teamId, projectId: m.project_id, meetingId, authorUserId: actor, at };
    await appendLog(trx, {
      ...common,
      kind: 'decision',
      text: `Decided: ${m.question} — ${input.decision}`,
      details: {
        question: m.question,
        decision: input.decision,
        chosen: chosen.map((p) => p.id),
        notChosen: notChosen.map((p) => p.id),
        whyNot: input.whyNot,
      },
    });
    for (const p of notChosen) {
      await appendLog(trx, {
        ...common,
        kind: 'decision',
        text: `Considered, not chosen: ${proposalTitle(p)}${input.whyNot ? `, because ${input.whyNot}` : ''}`,
        details: { proposalId: p.id, author: p.author_user_id, chosen: false, reason: input.whyNot },
      });
    }
    return { meeting, chosen, notChosen, at };
  });
  const { at } = decided;

  const created: RecordedDecision['created'] = [];
  for (const p of decided.chosen) {
    const draft = input.hypotheses.get(p.id) ?? null;
    // Each hypothesis is created as any other is, in its own transaction: its H-number, its
    // log entry, and (when started) its check-in.
    const hypothesis = draft
      ? (await createHypothesis(services, teamId, actor, draft, hooks)).hypothesis
      : null;
    await db.transaction().execute(async (trx) => {
      if (hypothesis)
        await updateProposal(trx, teamId, p.id, { hypothesis_id: hypothesis.id, updated_at: at });
      await appendLog(trx, {
        teamId,
        projectId: decided.meeting.project_id,
        meetingId,
        hypothesisId: hypothesis?.id ?? null,
        kind: 'decision',
        authorUserId: actor,
        text: hypothesis
          ? `Chosen: ${proposalTitle(p)}, now H${hypothesis.number} (${hypothesis.status}).`
          : `Chosen: ${proposalTitle(p)} (no hypothesis started yet).`,
        details: {
          proposalId: p.id,
          author: p.author_user_id,
          chosen: true,
          hypothesisId: hypothesis?.id ?? null,
        },
        at,
      });
    });
    if (hypothesis) created.push({ proposal: { ...p, hypothesis_id: hypothesis.id }, hypothesis });
  }
  return { meeting: decided.meeting, chosen: decided.chosen, notChosen: decided.notChosen, created };
}
