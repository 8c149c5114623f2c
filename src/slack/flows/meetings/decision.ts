import type { WebClient } from '@slack/web-api';
import { z } from 'zod';
import { decisionMessage } from '../../../../blocks/meeting.js';
import {
  decisionHypothesesModal,
  decisionModal,
  type HypothesisPrefill,
} from '../../../../blocks/meetingModals.js';
import { liveProposals, proposalNumbers } from '../../../db/meetings.js';
import { findProject } from '../../../db/projects.js';
import type { Proposal } from '../../../db/schema/index.js';
import { cachedUser } from '../../../db/slackUsers.js';
import {
  hypothesisFromProposal,
  proposalTitle,
  recordDecision,
  whyNotMissing,
} from '../../../rituals/meetings/decision.js';
import { designDocFacts, redrawKickoff } from '../../../rituals/meetings/deliveries.js';
import { DecisionForm, MEETING_LIMITS, START_CHOICES } from '../../../rituals/meetings/forms.js';
import { runnableMeeting } from '../../../rituals/meetings/meetings.js';
import {
  TIMEBOX,
  HYPOTHESIS_LIMITS,
  validateHypothesisDraft,
  type HypothesisDraft,
} from '../../../rituals/plan/hypothesisDraft.js';
import type { Services } from '../../../services.js';
import { readViewState, type ViewSubmissionPayload } from '../../payloads.js';
import { tell } from '../../tell.js';
import { refreshHomes } from '../home.js';
import { hypothesisHooks } from '../hooks.js';
import { postCard } from '../hypotheses.js';
import { errorsResponse, readSubmission, type FlowResult } from '../result.js';
import { inThreadAndChannel, MeetingRef, reload, settleDms, type To } from './shared.js';

const HypothesesMeta = MeetingRef.extend({ chosen: z.array(z.number().int().positive()).min(1) });
/** A modal of 100 blocks holds six per chosen proposal after the decision itself. */
const MAX_CHOSEN = 12;

async function displayName(services: Services, teamId: string, userId: string): Promise<string> {
  return (await cachedUser(services.db, teamId, userId))?.real_name ?? userId;
}

export async function openDecision(services: Services, to: To, meetingId: number): Promise<void> {
  const m = await runnableMeeting(services.db, to.teamId, to.userId, meetingId);
  const proposals = await liveProposals(services.db, to.teamId, meetingId);
  if (proposals.length === 0) {
    return tell(to, {
      text: 'There are no proposals to choose from yet. Wait for them, or reschedule the meeting.',
    });
  }
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

/** Step one: the choice and the reasons; step two prefills a hypothesis per chosen proposal. */
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
  const live = await liveProposals(services.db, teamId, m.id);
  if (form.chosen.length > MAX_CHOSEN)
    return errorsResponse({ chosen: `Choose at most ${MAX_CHOSEN} proposals at once.` });
  const chosen = live.filter((p) => form.chosen.includes(p.id));
  if (chosen.length !== form.chosen.length)
    return errorsResponse({ chosen: 'A proposal you chose was withdrawn. Choose again.' });
  const whyNot = whyNotMissing(chosen.length, live.length, form.whyNot);
  if (whyNot) return errorsResponse({ whyNot });
  const [numbers, facts] = await Promise.all([
    proposalNumbers(services.db, teamId, m.id),
    designDocFacts(services.db, teamId, m.project_id),
  ]);
  const prefills: HypothesisPrefill[] = chosen.map((p) => {
    const draft = hypothesisFromProposal(p, m, facts.baseline);
    return {
      proposalId: p.id,
      n: numbers.get(p.id) ?? 0,
      author: p.author_user_id,
      title: proposalTitle(p, 300),
      statement: draft.statement,
      successCriteria: draft.successCriteria,
      timeboxDays: draft.timeboxDays,
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
        privateMetadata: JSON.stringify({ meetingId: m.id, chosen: chosen.map((p) => p.id) }),
        limits: {
          ...MEETING_LIMITS,
          statement: HYPOTHESIS_LIMITS.statement,
          successCriteria: HYPOTHESIS_LIMITS.successCriteria,
          timebox: TIMEBOX,
        },
      }),
    },
  };
}

export async function submitDecisionHypotheses(
  services: Services,
  client: WebClient,
  payload: ViewSubmissionPayload,
): Promise<FlowResult> {
  const read = readSubmission(client, payload, {
    meta: HypothesesMeta,
    form: DecisionForm.omit({ chosen: true }),
    what: 'the decision',
  });
  if (!read.ok) return read.result;
  const { teamId, actor, meta, form } = read;
  const m = await runnableMeeting(services.db, teamId, actor, meta.meetingId);
  const live = await liveProposals(services.db, teamId, m.id);
  const whyNot = whyNotMissing(meta.chosen.length, live.length, form.whyNot);
  if (whyNot) return errorsResponse({ whyNot });
  const values = readViewState(payload.view.state.values);
  const facts = await designDocFacts(services.db, teamId, m.project_id);
  const hypotheses = new Map<number, HypothesisDraft | null>();
  const errors: Record<string, string> = {};
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
    const base = hypothesisFromProposal(p, m, facts.baseline);
    const checked = validateHypothesisDraft({
      ...base,
      statement: values[key('statement')],
      successCriteria: values[key('successCriteria')],
      timeboxDays: values[key('timeboxDays')],
      ownerUserId: values[key('owner')],
      startNow: start.data,
    });
    if (!checked.ok) {
      for (const [field, message] of Object.entries(checked.errors)) {
        const block = ['statement', 'successCriteria', 'timeboxDays'].includes(field)
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
  const hooks = hypothesisHooks(services);
  const recorded = await recordDecision(
    services,
    teamId,
    actor,
    m.id,
    { chosen: meta.chosen, decision: form.decision, whyNot: form.whyNot, hypotheses },
    hooks,
  );
  return {
    after: async () => {
      const decided = await reload(services, recorded.meeting);
      const numbers = await proposalNumbers(services.db, teamId, m.id);
      const line = (p: Proposal) => ({
        n: numbers.get(p.id) ?? 0,
        author: p.author_user_id,
        title: proposalTitle(p),
      });
      const project = await findProject(services.db, teamId, m.project_id);
      await client.chat
        .postMessage({
          ...inThreadAndChannel(
            m,
            decisionMessage(
              decided,
              recorded.chosen.map((p) => {
                const h = recorded.created.find((c) => c.proposal.id === p.id)?.hypothesis;
                return { ...line(p), ...(h ? { hypothesis: { number: h.number, status: h.status } } : {}) };
              }),
              recorded.notChosen.map(line),
            ),
          ),
          unfurl_links: false,
        })
        .catch((error: unknown) =>
          services.logger.warn('could not post the decision', { error: String(error) }),
        );
      await redrawKickoff(client, services.logger, decided);
      await settleDms(services, client, decided);
      for (const { hypothesis } of recorded.created) {
        if (project) await postCard(services, client, hypothesis, project, actor);
      }
      await refreshHomes(services, client, teamId, [
        actor,
        ...recorded.created.map((c) => c.hypothesis.owner_user_id),
      ]);
    },
  };
}
