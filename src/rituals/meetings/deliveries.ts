import type { KnownBlock } from '@slack/types';
import type { WebClient } from '@slack/web-api';
import { invitationMessage, kickoffMessage, noticeMessage } from '../../../blocks/meeting.js';
import { prereadMessages } from '../../../blocks/meetingPreread.js';
import { currentDesignDoc } from '../../db/designDocs.js';
import type { Db } from '../../db/index.js';
import { findMeeting, liveProposals, proposalNumbers, type MeetingWithProject } from '../../db/meetings.js';
import type { Delivery } from '../../db/schema/index.js';
import { workingHoursOf } from '../../db/workspaces.js';
import type { Logger } from '../../logger.js';
import { recipientZone } from '../../scheduler/people.js';
import { postPatiently } from '../../scheduler/patient.js';
import type { DeliveryContext, DeliveryPlan, DeliveryRitual } from '../../scheduler/rituals.js';
import { nextWorkingMoment } from '../checkins/workingHours.js';
import { MEETING_KINDS } from './meetings.js';
import { pitfallFlags, withoutProposals } from './preread.js';

/** The decide-the-next-model ritual's deliveries: invitations, one reminder, notices, the pre-read. */
export const meetingDeliveries: DeliveryRitual = {
  kinds: MEETING_KINDS,
  plan: planMeetingDelivery,
};

/** The design doc's baseline and metric goals, which the pre-read and the modals lean on. */
export async function designDocFacts(
  db: Db,
  teamId: string,
  projectId: number,
): Promise<{ baseline: string | null; metricGoals: string | null }> {
  const doc = await currentDesignDoc(db, teamId, projectId);
  const section = (key: string) => doc.find((r) => r.section === key)?.content.trim() || null;
  return { baseline: section('baseline'), metricGoals: section('metric_goals') };
}

/** The pre-read as it stands now: every live proposal, who has not proposed, the pitfalls. */
export async function prereadFor(db: Db, m: MeetingWithProject) {
  const [proposals, facts, numbers] = await Promise.all([
    liveProposals(db, m.team_id, m.id),
    designDocFacts(db, m.team_id, m.project_id),
    proposalNumbers(db, m.team_id, m.id),
  ]);
  return prereadMessages({
    question: m.question,
    projectName: m.project_name,
    scheduledAt: m.scheduled_at,
    metric: m.metric,
    proposals,
    participants: m.participants,
    withoutProposals: withoutProposals(m.participants, proposals),
    numbers,
    flags: pitfallFlags({ proposals, metric: m.metric, baseline: facts.baseline }).map((f) => f.sentence),
  });
}

/** Redraws the kickoff message from the meeting as it is now (times, buttons, outcome). */
export async function redrawKickoff(client: WebClient, logger: Logger, m: MeetingWithProject): Promise<void> {
  if (!m.thread_ts) return;
  await client.chat
    .update({ channel: m.channel_id, ts: m.thread_ts, ...kickoffMessage(m, m.project_name, m.lead_user_id) })
    .catch((error: unknown) =>
      logger.warn('could not update the kickoff', { meetingId: m.id, error: String(error) }),
    );
}

/** The rest of a pre-read, in the kickoff thread, and the kickoff without its Close button. */
export async function finishPreread(
  client: WebClient,
  logger: Logger,
  m: MeetingWithProject,
  rest: { text: string; blocks: KnownBlock[] }[],
  threadTs: string,
): Promise<void> {
  for (const message of rest) {
    await postPatiently(client, {
      channel: m.channel_id,
      thread_ts: threadTs,
      ...message,
      unfurl_links: false,
    });
  }
  await redrawKickoff(client, logger, m);
}

async function planMeetingDelivery(
  { services, client }: DeliveryContext,
  d: Delivery,
): Promise<DeliveryPlan> {
  const { db, clock } = services;
  const m = d.meeting_id ? await findMeeting(db, d.team_id, d.meeting_id) : undefined;
  if (!m) return { type: 'cancel', why: 'meeting gone' };
  const now = clock.now();

  if (d.kind === 'meeting_notice') {
    // Only the latest change is worth telling; an older notice is overtaken by it.
    if (Number(d.dedupe_key.split(':')[3]) !== m.revision) return { type: 'cancel', why: 'a newer change' };
    const later = await outsideWorkingHours(services, client, d, now);
    if (later) return later;
    return { type: 'send', recipientId: d.recipient_id, message: noticeMessage(m, m.project_name) };
  }

  if (m.status !== 'collecting' || m.closed_at) return { type: 'cancel', why: 'meeting settled or closed' };

  if (d.kind === 'meeting_preread') {
    const { first, rest } = await prereadFor(db, m);
    return {
      type: 'send',
      recipientId: m.channel_id,
      message: m.thread_ts ? { ...first, thread_ts: m.thread_ts, reply_broadcast: true } : first,
      effect: async (trx, sent) => {
        await trx
          .updateTable('decision_meetings')
          .set({ closed_at: sent.at, preread_ts: sent.ts, updated_at: sent.at })
          .where('team_id', '=', m.team_id)
          .where('id', '=', m.id)
          .where('closed_at', 'is', null)
          .execute();
      },
      after: async (sent) => {
        const closed = { ...m, closed_at: sent.at };
        await finishPreread(client, services.logger, closed, rest, m.thread_ts ?? sent.ts ?? '');
      },
    };
  }

  if (!m.participants.includes(d.recipient_id)) return { type: 'cancel', why: 'no longer a participant' };
  const proposals = await liveProposals(db, m.team_id, m.id);
  if (proposals.some((p) => p.author_user_id === d.recipient_id)) {
    return { type: 'cancel', why: 'already proposed' };
  }
  const later = await outsideWorkingHours(services, client, d, now);
  // A reminder that could only arrive after the deadline is no reminder: let it go.
  const arrives = later?.when ?? now;
  if (d.kind === 'meeting_reminder' && m.proposal_deadline && arrives >= m.proposal_deadline) {
    return { type: 'cancel', why: 'no working time left before the deadline' };
  }
  if (later) return later;
  const kind = d.kind === 'meeting_invite' ? 'invite' : 'reminder';
  return {
    type: 'send',
    recipientId: d.recipient_id,
    message: invitationMessage(m, m.project_name, m.lead_user_id, kind),
  };
}

/** The same working-hours rule as check-ins: people are asked only in their working time. */
async function outsideWorkingHours(
  services: DeliveryContext['services'],
  client: WebClient,
  d: Delivery,
  now: Date,
): Promise<{ type: 'later'; when: Date } | undefined> {
  const hours = await workingHoursOf(services.db, d.team_id);
  const tz = await recipientZone(services, client, d.team_id, d.recipient_id);
  const sendAt = nextWorkingMoment(now, tz, hours);
  return sendAt.getTime() > now.getTime() ? { type: 'later', when: sendAt } : undefined;
}
