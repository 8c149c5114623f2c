import type { WebClient } from '@slack/web-api';
import { z } from 'zod';
import { decisionMessage, reopenedMessage } from '../../../../blocks/meeting.js';
import {
  decisionHypothesesModal,
  decisionModal,
  reasonBlock,
  SHARED_REASON_BLOCK,
  type HypothesisPrefill,
} from '../../../../blocks/meetingModals.js';
import { liveProposals, proposalNumbers, type MeetingWithProject } from '../../../db/meetings.js';
import { findProject } from '../../../db/projects.js';
import type { Proposal } from '../../../db/schema/index.js';
import { cachedUser } from '../../../db/slackUsers.js';
import { proposalTitle, recordDecision, type RecordedDecision } from '../../../rituals/meetings/decision.js';
import { hypothesisFromProposal, timeboxFromCost } from '../../../rituals/meetings/proposalHypothesis.js';
import { moveProposersCalendars } from '../../../rituals/meetings/calendarFile.js';
import { designDocFacts, redrawKickoff } from '../../../rituals/meetings/deliveries.js';
import {
  DecisionForm,
  DecisionStepTwoForm,
  MEETING_LIMITS,
  START_CHOICES,
} from '../../../rituals/meetings/forms.js';
import { checkTimes, reopenForProposals, runnableMeeting } from '../../../rituals/meetings/meetings.js';
import {
  TIMEBOX,
  HYPOTHESIS_LIMITS,
  validateHypothesisDraft,
  type HypothesisDraft,
} from '../../../rituals/plan/hypothesisDraft.js';
import type { Services } from '../../../services.js';
import { readViewState, type ViewSubmissionPayload } from '../../payloads.js';
import { knownZone } from '../../people.js';
import { refreshHomes } from '../home.js';
import { hypothesisHooks } from '../hooks.js';
import { postCard } from '../hypotheses.js';
import { lookupClient } from '../../webClient.js';
import { errorsResponse, readSubmission, type FlowResult } from '../result.js';
import { inThread, MeetingRef, reload, settleDms, type To } from './shared.js';

const HypothesesMeta = MeetingRef.extend({
  outcome: z.enum(['chosen', 'stop']),
  chosen: z.array(z.number().int().positive()),
});
/** A modal of 100 blocks holds ten per chosen proposal after the decision itself, and room for reasons. */
const MAX_CHOSEN = 8;
/** The hypothesis fields the decision step asks per chosen proposal; each is its block `h<id>_<field>`. */
const ASKED = [
  'statement',
  'metric',
  'baseline',
  'successCriteria',
  'timeboxDays',
  'nextOnFailure',
  'nextOnSuccess',
] as const;

async function displayName(services: Services, teamId: string, userId: string): Promise<string> {
  return (await cachedUser(services.db, teamId, userId))?.real_name ?? userId;
}

/** *Record the decision*: any way the meeting ends, even with no proposal on the table. */
export async function openDecision(services: Services, to: To, meetingId: number): Promise<void> {
  const m = await runnableMeeting(services.db, to.teamId, to.userId, meetingId);
  const proposals = await liveProposals(services.db, to.teamId, meetingId);
  const numbers = await proposalNumbers(services.db, to.teamId, meetingId);
  await to.client.views.open({
    trigger_id: to.triggerId,
    view: decisionModal({
      question: m.question,
      proposals: await Promise.all(
        proposals.map(async (p) => ({
          id: p.id,
          n: numbers.get(p.id) ?? 0,
          author: await displayName(services, to.teamId, p.author_user_id),
          title: proposalTitle(p),
        })),
      ),
      privateMetadata: JSON.stringify({ meetingId }),
      limits: MEETING_LIMITS,
    }),
  });
}

/**
 * Step one: how the meeting ends. "None yet" reopens proposals at once; otherwise step two
 * prefills a hypothesis per chosen proposal and asks a reason per proposal not chosen.
 */
export async function submitDecision(
  services: Services,
  client: WebClient,
  payload: ViewSubmissionPayload,
): Promise<FlowResult> {
  const read = readSubmission(client, payload, {
    meta: MeetingRef,
    form: DecisionForm,
    what: 'the decision',
  });
  if (!read.ok) return read.result;
  const { teamId, actor, meta, form } = read;
  const m = await runnableMeeting(services.db, teamId, actor, meta.meetingId);
  if (form.outcome === 'more') return collectMore(services, client, { teamId, actor, m, form });
  const live = await liveProposals(services.db, teamId, m.id);
  if (form.chosen.length > MAX_CHOSEN)
    return errorsResponse({ chosen: `Choose at most ${MAX_CHOSEN} proposals at once.` });
  const chosen = live.filter((p) => form.chosen.includes(p.id));
  if (chosen.length !== form.chosen.length)
    return errorsResponse({ chosen: 'A proposal you chose was withdrawn. Choose again.' });
  const notChosen = live.filter((p) => !form.chosen.includes(p.id));
  const outcome = form.outcome;
  if (chosen.length === 0 && notChosen.length === 0) {
    // Nothing to weigh and nothing to start: the decision is all there is.
    const recorded = await recordDecision(
      services,
      teamId,
      actor,
      m.id,
      {
        outcome,
        chosen: [],
        decision: form.decision,
        reasons: new Map(),
        sharedReason: null,
        hypotheses: new Map(),
      },
      hypothesisHooks(services),
    );
    return { after: () => announceDecision(services, client, actor, recorded) };
  }
  const [numbers, facts] = await Promise.all([
    proposalNumbers(services.db, teamId, m.id),
    designDocFacts(services.db, teamId, m.project_id),
  ]);
  const prefills: HypothesisPrefill[] = chosen.map((p) => {
    const draft = hypothesisFromProposal(p, m, facts.baseline);
    const timebox = timeboxFromCost(p.cost_days);
    return {
      proposalId: p.id,
      n: numbers.get(p.id) ?? 0,
      author: p.author_user_id,
      title: proposalTitle(p, 300),
      statement: draft.statement,
      metric: draft.metric,
      baseline: draft.baseline,
      successCriteria: draft.successCriteria,
      timebox: timebox && { ...timebox, costDays: p.cost_days! },
      owner: draft.ownerUserId,
    };
  });
  return {
    response: {
      response_action: 'update',
      view: decisionHypothesesModal({
        decision: form.decision,
        whyNot: form.whyNot,
        prefills,
        notChosen: notChosen.map((p) => ({
          proposalId: p.id,
          n: numbers.get(p.id) ?? 0,
          title: proposalTitle(p),
        })),
        privateMetadata: JSON.stringify({ meetingId: m.id, outcome, chosen: chosen.map((p) => p.id) }),
        limits: {
          ...MEETING_LIMITS,
          statement: HYPOTHESIS_LIMITS.statement,
          metric: HYPOTHESIS_LIMITS.metric,
          baseline: HYPOTHESIS_LIMITS.baseline,
          successCriteria: HYPOTHESIS_LIMITS.successCriteria,
          nextSteps: HYPOTHESIS_LIMITS.nextSteps,
          timebox: TIMEBOX,
        },
      }),
    },
  };
}

/** "None yet — collect more proposals": new times checked as any meeting's are, then a new round. */
async function collectMore(
  services: Services,
  client: WebClient,
  { teamId, actor, m, form }: { teamId: string; actor: string; m: MeetingWithProject; form: DecisionForm },
): Promise<FlowResult> {
  const tz = await knownZone(services, teamId, actor);
  const times = checkTimes(services.clock.now(), form.newScheduledAt ?? m.scheduled_at, form.newDeadline, tz);
  if (!times.ok) {
    return errorsResponse({ newScheduledAt: times.errors.scheduledAt, newDeadline: times.errors.deadline });
  }
  const reopened = await reopenForProposals(services, teamId, actor, m.id, {
    decision: form.decision,
    times: { scheduledAt: times.scheduledAt, deadline: times.deadline },
  });
  return {
    after: async () => {
      const now = await reload(services, reopened);
      await client.chat
        .postMessage({
          ...inThread(now, reopenedMessage(now, actor, form.decision)),
          unfurl_links: false,
        })
        .catch((error: unknown) =>
          services.logger.warn('could not post the reopening', { error: String(error) }),
        );
      await redrawKickoff(services, client, now, lookupClient(client, services.logger));
      if (now.scheduled_at.getTime() !== m.scheduled_at.getTime())
        await moveProposersCalendars(services, client, now);
    },
  };
}

/** The reason typed for each proposal not chosen, or the field shared by those the modal had no room for. */
function readReasons(
  values: Record<string, unknown>,
  notChosen: { id: number; n: number }[],
): { reasons: Map<number, string>; shared: string | null; errors: Record<string, string> } {
  const textOf = (v: unknown) => (typeof v === 'string' ? v.trim() : '');
  const shared = SHARED_REASON_BLOCK in values ? textOf(values[SHARED_REASON_BLOCK]) : null;
  const reasons = new Map<number, string>();
  const errors: Record<string, string> = {};
  const tooLong = `Keep it under ${MEETING_LIMITS.whyNot} characters.`;
  if (shared !== null && !shared)
    errors[SHARED_REASON_BLOCK] = 'Say why these were not chosen: the log keeps it beside each of them.';
  if (shared && shared.length > MEETING_LIMITS.whyNot) errors[SHARED_REASON_BLOCK] = tooLong;
  for (const p of notChosen) {
    const block = reasonBlock(p.id);
    if (!(block in values)) continue;
    const reason = textOf(values[block]);
    if (!reason) errors[block] = `Say why P${p.n} was not chosen: the log keeps it beside it.`;
    else if (reason.length > MEETING_LIMITS.whyNot) errors[block] = tooLong;
    else reasons.set(p.id, reason);
  }
  return { reasons, shared: shared || null, errors };
}

export async function submitDecisionHypotheses(
  services: Services,
  client: WebClient,
  payload: ViewSubmissionPayload,
): Promise<FlowResult> {
  const read = readSubmission(client, payload, {
    meta: HypothesesMeta,
    form: DecisionStepTwoForm,
    what: 'the decision',
  });
  if (!read.ok) return read.result;
  const { teamId, actor, meta, form } = read;
  const m = await runnableMeeting(services.db, teamId, actor, meta.meetingId);
  const live = await liveProposals(services.db, teamId, m.id);
  const values = readViewState(payload.view.state.values);
  const numbers = await proposalNumbers(services.db, teamId, m.id);
  const weighed = readReasons(
    values,
    live.filter((p) => !meta.chosen.includes(p.id)).map((p) => ({ id: p.id, n: numbers.get(p.id) ?? 0 })),
  );
  const facts = await designDocFacts(services.db, teamId, m.project_id);
  const hypotheses = new Map<number, HypothesisDraft | null>();
  const errors: Record<string, string> = { ...weighed.errors };
  for (const id of meta.chosen) {
    const p = live.find((x) => x.id === id);
    if (!p)
      return errorsResponse({
        decision: 'A chosen proposal was withdrawn meanwhile. Start again from *Record the decision*.',
      });
    const key = (f: string) => `h${id}_${f}`;
    const start = z.enum(START_CHOICES).safeParse(values[key('start')]);
    if (!start.success || start.data === 'none') {
      hypotheses.set(id, null);
      continue;
    }
    // The same validation as /hypothesis new: the fields asked here are checked as typed.
    const base = hypothesisFromProposal(p, m, facts.baseline);
    const checked = validateHypothesisDraft({
      ...base,
      ...Object.fromEntries(ASKED.map((f) => [f, values[key(f)]])),
      ownerUserId: values[key('owner')],
      startNow: start.data,
    });
    if (!checked.ok) {
      for (const [field, message] of Object.entries(checked.errors)) {
        const block = (ASKED as readonly string[]).includes(field)
          ? key(field)
          : field === 'ownerUserId'
            ? key('owner')
            : key('statement');
        errors[block] ??= message!;
      }
      continue;
    }
    hypotheses.set(id, checked.value);
  }
  if (Object.keys(errors).length > 0) return errorsResponse(errors);
  const recorded = await recordDecision(
    services,
    teamId,
    actor,
    m.id,
    {
      outcome: meta.outcome,
      chosen: meta.chosen,
      decision: form.decision,
      reasons: weighed.reasons,
      sharedReason: weighed.shared,
      hypotheses,
    },
    hypothesisHooks(services),
  );
  return { after: () => announceDecision(services, client, actor, recorded) };
}

/** The decision in the thread, the kickoff redrawn and DMs settled, the new hypotheses' cards. */
async function announceDecision(
  services: Services,
  client: WebClient,
  actor: string,
  recorded: RecordedDecision,
): Promise<void> {
  const teamId = recorded.meeting.team_id;
  const decided = await reload(services, recorded.meeting);
  const numbers = await proposalNumbers(services.db, teamId, decided.id);
  const line = (p: Proposal) => ({
    n: numbers.get(p.id) ?? 0,
    author: p.author_user_id,
    title: proposalTitle(p),
  });
  const project = await findProject(services.db, teamId, decided.project_id);
  await client.chat
    .postMessage({
      ...inThread(
        decided,
        decisionMessage(
          decided,
          recorded.chosen.map((p) => {
            const h = recorded.created.find((c) => c.proposal.id === p.id)?.hypothesis;
            return { ...line(p), ...(h ? { hypothesis: { number: h.number, status: h.status } } : {}) };
          }),
          recorded.notChosen.map((p) => ({ ...line(p), reason: p.not_chosen_reason })),
        ),
      ),
      unfurl_links: false,
    })
    .catch((error: unknown) => services.logger.warn('could not post the decision', { error: String(error) }));
  await redrawKickoff(services, client, decided);
  await settleDms(services, client, decided);
  for (const { hypothesis } of recorded.created) {
    if (project) await postCard(services, client, hypothesis, project, actor);
  }
  await refreshHomes(services, client, teamId, [
    actor,
    ...recorded.created.map((c) => c.hypothesis.owner_user_id),
  ]);
}
