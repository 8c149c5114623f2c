import { cancelPending } from '../../db/deliveries.js';
import { appendLog } from '../../db/experimentLog.js';
import { liveProposals, updateMeeting, updateProposal } from '../../db/meetings.js';
import type { DecisionMeeting, Hypothesis, Proposal } from '../../db/schema/index.js';
import type { MeetingOutcome } from '../../db/schema/meetings.js';
import type { Services } from '../../services.js';
import { sentence, truncate } from '../../../blocks/text.js';
import { conflict } from '../errors.js';
import { createHypothesis, type HypothesisHooks } from '../plan/hypotheses.js';
import type { HypothesisDraft } from '../plan/hypothesisDraft.js';
import { changeOpenMeeting } from './meetings.js';

export interface DecisionInput {
  /** Proposals chosen, or none: this line of work stops. */
  outcome: MeetingOutcome;
  chosen: number[];
  decision: string;
  /** Per proposal not chosen: why not, kept beside it in the log. */
  reasons: Map<number, string>;
  /** The reason shared by proposals beyond those a modal has room to ask about one by one. */
  sharedReason: string | null;
  /** Per chosen proposal id: the hypothesis to create, or none. */
  hypotheses: Map<number, HypothesisDraft | null>;
}

/** A short name for a proposal in the log and in option lists: its first line. */
export const proposalTitle = (p: Pick<Proposal, 'approach'>, max = 120) =>
  truncate(p.approach.split('\n')[0]!.trim(), max);

export interface RecordedDecision {
  meeting: DecisionMeeting;
  chosen: Proposal[];
  notChosen: Proposal[];
  created: { proposal: Proposal; hypothesis: Hypothesis }[];
}

/**
 * Records the decision in one transaction: the meeting is decided, each proposal marked
 * chosen or not (with its own reason), the log gets the decision and every proposal
 * weighed, and the chosen ones become hypotheses through the plan-first code (H-numbers,
 * check-in hooks). A failure anywhere leaves the meeting undecided and no hypothesis made.
 */
export async function recordDecision(
  services: Services,
  teamId: string,
  actor: string,
  meetingId: number,
  input: DecisionInput,
  hooks: HypothesisHooks,
): Promise<RecordedDecision> {
  return changeOpenMeeting(services, teamId, actor, meetingId, async (trx, m, at) => {
    const live = await liveProposals(trx, teamId, meetingId);
    const chosen = live.filter((p) => input.chosen.includes(p.id));
    if (chosen.length !== input.chosen.length) {
      throw conflict('A proposal you chose was withdrawn meanwhile. Open *Record the decision* again.');
    }
    const notChosen = live.filter((p) => !input.chosen.includes(p.id));
    const reasonOf = (p: Proposal) => input.reasons.get(p.id) ?? input.sharedReason;
    if (notChosen.some((p) => !reasonOf(p))) {
      throw conflict('A proposal came in meanwhile. Open *Record the decision* again to weigh it too.');
    }
    const meeting = await updateMeeting(trx, teamId, meetingId, {
      status: 'decided',
      outcome: input.outcome,
      decision: input.decision,
      why_not: input.sharedReason,
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
        not_chosen_reason: reasonOf(p),
        updated_at: at,
      });
    }
    await cancelPending(trx, { teamIds: [teamId], meetingId: meetingId }, at);
    const common = { teamId, projectId: m.project_id, meetingId, authorUserId: actor, at };
    await appendLog(trx, {
      ...common,
      kind: 'decision',
      text:
        input.outcome === 'stop'
          ? `Decided: ${m.question} — none chosen, this line of work stops: ${input.decision}`
          : `Decided: ${m.question} — ${input.decision}`,
      details: {
        outcome: input.outcome,
        question: m.question,
        decision: input.decision,
        chosen: chosen.map((p) => p.id),
        notChosen: notChosen.map((p) => ({ proposalId: p.id, reason: reasonOf(p) })),
      },
    });
    for (const p of notChosen) {
      await appendLog(trx, {
        ...common,
        kind: 'decision',
        // Labelled, not joined with "because": a reason typed as a sentence ("The gain …") still reads.
        text: `Considered, not chosen: ${proposalTitle(p).replace(/[.\s]+$/, '')}. Why not: ${sentence(reasonOf(p)!)}`,
        details: { proposalId: p.id, author: p.author_user_id, chosen: false, reason: reasonOf(p) },
      });
    }
    const created: RecordedDecision['created'] = [];
    for (const p of chosen) {
      const draft = input.hypotheses.get(p.id) ?? null;
      const hypothesis = draft
        ? (await createHypothesis(services, teamId, actor, draft, hooks, trx)).hypothesis
        : null;
      if (hypothesis)
        await updateProposal(trx, teamId, p.id, { hypothesis_id: hypothesis.id, updated_at: at });
      await appendLog(trx, {
        ...common,
        hypothesisId: hypothesis?.id ?? null,
        kind: 'decision',
        text: hypothesis
          ? `Chosen: ${proposalTitle(p)}, now H${hypothesis.number} (${hypothesis.status}).`
          : `Chosen: ${proposalTitle(p)} (no hypothesis started yet).`,
        details: {
          proposalId: p.id,
          author: p.author_user_id,
          chosen: true,
          hypothesisId: hypothesis?.id ?? null,
        },
      });
      if (hypothesis) created.push({ proposal: { ...p, hypothesis_id: hypothesis.id }, hypothesis });
    }
    return {
      meeting,
      chosen,
      notChosen: notChosen.map((p) => ({ ...p, not_chosen_reason: reasonOf(p) })),
      created,
    };
  });
}
