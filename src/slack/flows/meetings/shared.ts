import type { WebClient } from '@slack/web-api';
import { z } from 'zod';
import { settledDm, type Message } from '../../../../blocks/meeting.js';
import { findMeeting, sentMeetingDms, type MeetingWithProject } from '../../../db/meetings.js';
import type { DecisionMeeting } from '../../../db/schema/index.js';
import type { Services } from '../../../services.js';
import type { Audience } from '../../tell.js';

/** Who pressed or typed, and where to answer them. */
export type To = Audience & { teamId: string; triggerId: string };

export const MeetingRef = z.object({ meetingId: z.number().int().positive() });

/** Invitations and reminders lose their buttons once the meeting is settled. */
export async function settleDms(services: Services, client: WebClient, m: MeetingWithProject): Promise<void> {
  const dms = await sentMeetingDms(services.db, m.team_id, m.id, [
    'meeting_invite',
    'meeting_reminder',
    'meeting_notice',
  ]);
  const message = settledDm(m, m.project_name);
  for (const dm of dms) {
    await client.chat
      .update({ channel: dm.channel_id, ts: dm.message_ts, ...message })
      .catch((error: unknown) =>
        services.logger.warn('could not update a meeting DM', { error: String(error) }),
      );
  }
}

/**
 * A reply in the kickoff thread (or a plain post without a thread). Not broadcast: the
 * kickoff is redrawn to say what happened and where, so the channel gets no second post.
 */
export function inThread(m: Pick<DecisionMeeting, 'channel_id' | 'thread_ts'>, message: Message) {
  return m.thread_ts
    ? { channel: m.channel_id, ...message, thread_ts: m.thread_ts }
    : { channel: m.channel_id, ...message };
}

export async function reload(services: Services, m: DecisionMeeting): Promise<MeetingWithProject> {
  return (await findMeeting(services.db, m.team_id, m.id))!;
}
