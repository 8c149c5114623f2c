import type { WebClient } from '@slack/web-api';
import { z } from 'zod';
import { kickoffMessage, meetingsList } from '../../../../blocks/meeting.js';
import { meetingModal } from '../../../../blocks/meetingModals.js';
import { noProjectOffer } from '../../../../blocks/project.js';
import { truncate } from '../../../../blocks/text.js';
import { liveProposals, meetingsOfProject, updateMeeting } from '../../../db/meetings.js';
import { findProjectByChannel, projectMembers } from '../../../db/projects.js';
import { forbidden } from '../../../rituals/errors.js';
import { awayParticipants } from '../../../rituals/meetings/away.js';
import { designDocFacts } from '../../../rituals/meetings/deliveries.js';
import { MEETING_LIMITS, MeetingForm } from '../../../rituals/meetings/forms.js';
import { callMeeting, canRunMeeting, checkTimes } from '../../../rituals/meetings/meetings.js';
import type { Services } from '../../../services.js';
import { defaultMeetingTime } from '../../../rituals/meetings/defaultTime.js';
import { workingCalendar } from '../../../rituals/workingTime.js';
import type { ViewSubmissionPayload } from '../../payloads.js';
import { knownZone, userZone } from '../../people.js';
import { tell, type Audience } from '../../tell.js';
import { lookupClient } from '../../webClient.js';
import { errorsResponse, readSubmission, type FlowResult } from '../result.js';
import type { To } from './shared.js';

const MeetingMeta = z.object({ projectId: z.number().int().positive(), channelId: z.string() });

/** `/hypothesis meeting`: the lead's modal, with the project's members and metric filled in. */
export async function openMeetingModal(services: Services, to: To & { channelId: string }): Promise<void> {
  const project = await findProjectByChannel(services.db, to.teamId, to.channelId);
  if (!project) return tell(to, noProjectOffer(to.channelId, 'meeting'));
  const permission = canRunMeeting(to.userId, project);
  if (!permission.allowed) throw forbidden(permission.reason);
  const tz = await userZone(services, to.client, to.teamId, to.userId);
  const [members, facts, hours] = await Promise.all([
    projectMembers(services.db, to.teamId, project.id),
    designDocFacts(services.db, to.teamId, project.id),
    workingCalendar(services.db, to.teamId, to.userId),
  ]);
  const scheduledAt = defaultMeetingTime(services.clock.now(), tz, hours);
  await to.client.views.open({
    trigger_id: to.triggerId,
    view: meetingModal({
      mode: 'new',
      tz,
      scheduledAt,
      deadline: null,
      participants: members,
      metric: facts.metricGoals ? truncate(facts.metricGoals.split('\n')[0]!, MEETING_LIMITS.metric) : null,
      privateMetadata: JSON.stringify({ projectId: project.id, channelId: project.channel_id }),
      limits: MEETING_LIMITS,
    }),
  });
}

export async function submitMeeting(
  services: Services,
  client: WebClient,
  payload: ViewSubmissionPayload,
): Promise<FlowResult> {
  const read = readSubmission(client, payload, {
    meta: MeetingMeta,
    form: MeetingForm,
    what: '`/hypothesis meeting`',
  });
  if (!read.ok) return read.result;
  const { teamId, actor, meta, form } = read;
  const project = await findProjectByChannel(services.db, teamId, meta.channelId);
  if (!project || project.id !== meta.projectId)
    return errorsResponse({ question: 'That project no longer exists here.' });
  const tz = await knownZone(services, teamId, actor);
  const times = checkTimes(services.clock.now(), form.scheduledAt, form.deadline, tz);
  if (!times.ok) return errorsResponse(times.errors);
  const meeting = await callMeeting(services, {
    project,
    actor,
    form,
    scheduledAt: times.scheduledAt,
    deadline: times.deadline,
  });
  return {
    after: async () => {
      try {
        const posted = await client.chat.postMessage({
          channel: project.channel_id,
          ...kickoffMessage(
            {
              ...meeting,
              away: await awayParticipants(services, lookupClient(client, services.logger), meeting),
            },
            project.lead_user_id,
          ),
          unfurl_links: false,
        });
        if (posted.ts) await updateMeeting(services.db, teamId, meeting.id, { thread_ts: posted.ts });
      } catch (error) {
        services.logger.warn('could not post the kickoff', { meetingId: meeting.id, error: String(error) });
        await tell(
          { client, userId: actor },
          {
            text: `The meeting is saved and invitations will go out, but I could not post it in <#${project.channel_id}>. Invite me there with \`/invite @Labbook\`.`,
          },
        );
      }
    },
  };
}

/** `/hypothesis meetings`: the project's meetings, grouped, with links to their threads and pre-reads. */
export async function showMeetings(
  services: Services,
  to: Audience & { teamId: string; channelId: string },
): Promise<void> {
  const project = await findProjectByChannel(services.db, to.teamId, to.channelId);
  if (!project) return tell(to, noProjectOffer(to.channelId, 'meetings'));
  const meetings = await meetingsOfProject(services.db, to.teamId, project.id, 20);
  const counts = await Promise.all(meetings.map((m) => liveProposals(services.db, to.teamId, m.id)));
  const items = await Promise.all(
    meetings.map(async (m, i) => ({
      question: m.question,
      scheduled_at: m.scheduled_at,
      status: m.status,
      closed_at: m.closed_at,
      proposals: counts[i]!.length,
      link: m.thread_ts ? await permalink(services, to.client, m.channel_id, m.thread_ts) : null,
      prereadLink: m.preread_ts ? await permalink(services, to.client, m.channel_id, m.preread_ts) : null,
    })),
  );
  await tell(to, meetingsList(project.name, items, services.clock.now()));
}

async function permalink(
  services: Services,
  client: WebClient,
  channel: string,
  ts: string,
): Promise<string | null> {
  try {
    return (await client.chat.getPermalink({ channel, message_ts: ts })).permalink ?? null;
  } catch (error) {
    services.logger.debug('no permalink', { channel, error: String(error) });
    return null;
  }
}
