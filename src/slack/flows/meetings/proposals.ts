import type { WebClient } from '@slack/web-api';
import { z } from 'zod';
import { proposalMessage, withdrawnProposalMessage } from '../../../../blocks/meeting.js';
import { proposalModal } from '../../../../blocks/meetingModals.js';
import { findMeeting, proposalNumbers, proposalOf, updateProposal } from '../../../db/meetings.js';
import type { Proposal } from '../../../db/schema/index.js';
import { MEETING_LIMITS, ProposalForm } from '../../../rituals/meetings/forms.js';
import {
  addProposal,
  changeableProposal,
  editProposal,
  isLate,
  meetingTakingProposals,
  withdrawProposal,
} from '../../../rituals/meetings/proposals.js';
import type { Services } from '../../../services.js';
import type { ViewSubmissionPayload } from '../../payloads.js';
import { tell } from '../../tell.js';
import { readSubmission, type FlowResult } from '../result.js';
import { MeetingRef, type To } from './shared.js';

const ProposalMeta = MeetingRef.extend({ proposalId: z.number().int().positive().optional() });

/** *Add a proposal*: the form, or the person's own proposal to edit when they have one. */
export async function openProposal(services: Services, to: To, meetingId: number): Promise<void> {
  const meeting = await meetingTakingProposals(services.db, to.teamId, meetingId);
  const mine = await proposalOf(services.db, to.teamId, meetingId, to.userId);
  if (mine) return openEditProposal(services, to, mine.id);
  await to.client.views.open({
    trigger_id: to.triggerId,
    view: proposalModal({
      question: meeting.question,
      metric: meeting.metric,
      late: isLate(meeting, services.clock.now()),
      privateMetadata: JSON.stringify({ meetingId }),
      limits: MEETING_LIMITS,
    }),
  });
}

export async function openEditProposal(services: Services, to: To, proposalId: number): Promise<void> {
  const { proposal, meeting } = await changeableProposal(
    services.db,
    to.teamId,
    to.userId,
    proposalId,
    services.clock.now(),
  );
  await to.client.views.open({
    trigger_id: to.triggerId,
    view: proposalModal({
      question: meeting.question,
      metric: meeting.metric,
      initial: proposal,
      late: proposal.late,
      privateMetadata: JSON.stringify({ meetingId: meeting.id, proposalId }),
      limits: MEETING_LIMITS,
    }),
  });
}

export async function submitProposal(
  services: Services,
  client: WebClient,
  payload: ViewSubmissionPayload,
): Promise<FlowResult> {
  const read = readSubmission(client, payload, {
    meta: ProposalMeta,
    form: ProposalForm,
    what: 'the proposal',
  });
  if (!read.ok) return read.result;
  const { teamId, actor, meta, form } = read;
  if (meta.proposalId) {
    const edited = await editProposal(services, teamId, actor, meta.proposalId, form);
    return { after: () => redrawProposal(services, client, edited) };
  }
  const { proposal, meeting } = await addProposal(services, teamId, actor, meta.meetingId, form);
  return {
    after: async () => {
      const n = (await proposalNumbers(services.db, teamId, meeting.id)).get(proposal.id) ?? 1;
      try {
        const posted = await client.chat.postMessage({
          channel: meeting.channel_id,
          ...(meeting.thread_ts ? { thread_ts: meeting.thread_ts } : {}),
          ...proposalMessage(proposal, n, meeting.metric),
          unfurl_links: false,
        });
        if (posted.ts) await updateProposal(services.db, teamId, proposal.id, { message_ts: posted.ts });
      } catch (error) {
        services.logger.warn('could not post the proposal', {
          proposalId: proposal.id,
          error: String(error),
        });
        await tell(
          { client, userId: actor },
          {
            text: 'Your proposal is saved and will be in the pre-read, but I could not post it in the meeting thread.',
          },
        );
      }
    },
  };
}

async function redrawProposal(services: Services, client: WebClient, p: Proposal): Promise<void> {
  const meeting = await findMeeting(services.db, p.team_id, p.meeting_id);
  if (!meeting || !p.message_ts) return;
  const n = (await proposalNumbers(services.db, p.team_id, p.meeting_id)).get(p.id) ?? 1;
  const message = p.withdrawn_at ? withdrawnProposalMessage(p, n) : proposalMessage(p, n, meeting.metric);
  await client.chat
    .update({ channel: meeting.channel_id, ts: p.message_ts, ...message })
    .catch((error: unknown) =>
      services.logger.warn('could not update the proposal reply', { error: String(error) }),
    );
}

export async function withdraw(services: Services, to: To, proposalId: number): Promise<void> {
  const p = await withdrawProposal(services, to.teamId, to.userId, proposalId);
  await redrawProposal(services, to.client, p);
  await tell(to, { text: 'Your proposal is withdrawn. It will not be in the pre-read.' });
}
