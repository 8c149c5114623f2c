import type { WebClient } from '@slack/web-api';
import { leadControlsMessage } from '../../../../blocks/meeting.js';
import { meetingModal } from '../../../../blocks/meetingModals.js';
import { updateMeeting } from '../../../db/meetings.js';
import { finishPreread, prereadFor, redrawKickoff } from '../../../rituals/meetings/deliveries.js';
import { MEETING_LIMITS, RescheduleForm } from '../../../rituals/meetings/forms.js';
import {
  cancelMeeting,
  checkTimes,
  closeProposals,
  rescheduleMeeting,
  runnableMeeting,
} from '../../../rituals/meetings/meetings.js';
import type { Services } from '../../../services.js';
import type { ViewSubmissionPayload } from '../../payloads.js';
import { knownZone, userZone } from '../../people.js';
import { lookupClient } from '../../webClient.js';
import { tell } from '../../tell.js';
import { errorsResponse, readSubmission, type FlowResult } from '../result.js';
import { inThread, MeetingRef, reload, settleDms, type To } from './shared.js';

/** *Lead's controls* on the kickoff: the lead's buttons, to the lead alone; anyone else is told whose they are. */
export async function showLeadControls(services: Services, to: To, meetingId: number): Promise<void> {
  const m = await runnableMeeting(services.db, to.teamId, to.userId, meetingId);
  await tell(to, leadControlsMessage(m));
}

/** *Close proposals now*: the pre-read goes out at once, in the kickoff's thread. */
export async function closeNow(services: Services, to: To, meetingId: number): Promise<void> {
  const m = await reload(services, await closeProposals(services, to.teamId, to.userId, meetingId));
  const lookups = lookupClient(to.client, services.logger);
  const { first, rest } = await prereadFor(services, to.client, m, lookups);
  const posted = await to.client.chat.postMessage({ ...inThread(m, first), unfurl_links: false });
  if (posted.ts) await updateMeeting(services.db, m.team_id, m.id, { preread_ts: posted.ts });
  await finishPreread(services, to.client, m, rest, m.thread_ts ?? posted.ts ?? '', lookups);
}

export async function openReschedule(services: Services, to: To, meetingId: number): Promise<void> {
  const m = await runnableMeeting(services.db, to.teamId, to.userId, meetingId);
  const tz = await userZone(services, to.client, to.teamId, to.userId);
  await to.client.views.open({
    trigger_id: to.triggerId,
    view: meetingModal({
      mode: 'reschedule',
      tz,
      question: m.question,
      scheduledAt: m.scheduled_at,
      deadline: m.proposal_deadline,
      participants: m.participants,
      metric: m.metric,
      privateMetadata: JSON.stringify({ meetingId }),
      limits: MEETING_LIMITS,
    }),
  });
}

export async function submitReschedule(
  services: Services,
  client: WebClient,
  payload: ViewSubmissionPayload,
): Promise<FlowResult> {
  const read = readSubmission(client, payload, {
    meta: MeetingRef,
    form: RescheduleForm,
    what: 'the meeting',
  });
  if (!read.ok) return read.result;
  const { teamId, actor, meta, form } = read;
  const tz = await knownZone(services, teamId, actor);
  const times = checkTimes(services.clock.now(), form.scheduledAt, form.deadline, tz);
  if (!times.ok) return errorsResponse(times.errors);
  const m = await rescheduleMeeting(services, teamId, actor, meta.meetingId, times);
  return {
    after: async () =>
      redrawKickoff(services, client, await reload(services, m), lookupClient(client, services.logger)),
  };
}

export async function cancel(services: Services, to: To, meetingId: number): Promise<void> {
  const m = await reload(services, await cancelMeeting(services, to.teamId, to.userId, meetingId));
  await redrawKickoff(services, to.client, m);
  if (m.thread_ts) {
    await to.client.chat.postMessage({
      channel: m.channel_id,
      thread_ts: m.thread_ts,
      text: `This meeting was cancelled by <@${to.userId}>. Participants are told; nothing more will be sent about it.`,
    });
  }
  await settleDms(services, to.client, m);
}
