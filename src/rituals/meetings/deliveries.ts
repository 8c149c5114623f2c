import type { KnownBlock } from '@slack/types';
import type { WebClient } from '@slack/web-api';
import { invitationMessage, kickoffMessage, noticeMessage } from '../../../blocks/meeting.js';
import { prereadMessages } from '../../../blocks/meetingPreread.js';
import { currentDesignDoc } from '../../db/designDocs.js';
import type { Db } from '../../db/index.js';
import {
  discussionReplies,
  findMeeting,
  invitationOf,
  liveProposals,
  proposalNumbers,
  type MeetingWithProject,
} from '../../db/meetings.js';
import type { Delivery } from '../../db/schema/index.js';
import type { Logger } from '../../logger.js';
import { postPatiently } from '../../scheduler/patient.js';
import type { DeliveryContext, DeliveryPlan, DeliveryRitual } from '../../scheduler/rituals.js';
import { addWorkingHours } from '../checkins/workingHours.js';
import { recipientTime } from '../workingTime.js';
import { MEETING_KINDS } from './meetings.js';
import { pitfallFlags, withoutProposals } from './preread.js';
import { isLate } from './proposals.js';

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

/** The first discussion reply's link, where the reader starts reading the discussion. */
async function discussionLink(
  client: WebClient,
  m: MeetingWithProject,
  first: { message_ts: string | null } | undefined,
) {
  if (!first?.message_ts) return null;
  try {
    return (
      (await client.chat.getPermalink({ channel: m.channel_id, message_ts: first.message_ts })).permalink ??
      null
    );
  } catch {
    return null;
  }
}

/** The pre-read as it stands now: every live proposal, the discussion, who has not proposed, the pitfalls. */
export async function prereadFor(db: Db, client: WebClient, m: MeetingWithProject) {
  const [proposals, facts, numbers, discussion] = await Promise.all([
    liveProposals(db, m.team_id, m.id),
    designDocFacts(db, m.team_id, m.project_id),
    proposalNumbers(db, m.team_id, m.id),
    discussionReplies(db, m.team_id, m.id),
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
    discussion: { count: discussion.length, link: await discussionLink(client, m, discussion[0]) },
    flags: pitfallFlags({ proposals, metric: m.metric, baseline: facts.baseline }).map((f) => f.sentence),
  });
}

/** Redraws the kickoff message from the meeting as it is now (times, buttons, outcome). */
export async function redrawKickoff(client: WebClient, logger: Logger, m: MeetingWithProject): Promise<void> {
  if (!m.thread_ts) return;
  await client.chat
    .update({ channel: m.channel_id, ts: m.thread_ts, ...kickoffMessage(m, m.lead_user_id) })
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

/** A reminder follows its invitation by at least this much working time: never both at once. */
const REMINDER_AFTER_INVITE_HOURS = 4;
/** A reminder arriving later than this before the deadline leaves no time to act on it. */
const REMINDER_BEFORE_DEADLINE_MS = 60 * 60 * 1000;

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
    const { sendAt } = await recipientTime(services, client, d.team_id, d.recipient_id, now);
    if (sendAt > now) return { type: 'later', when: sendAt };
    return { type: 'send', recipientId: d.recipient_id, message: noticeMessage(m, m.project_name) };
  }

  if (m.status !== 'collecting') return { type: 'cancel', why: 'meeting settled' };
  if (d.kind === 'meeting_preread') return planPreread(services, client, m);

  if (!m.participants.includes(d.recipient_id)) return { type: 'cancel', why: 'no longer a participant' };
  const proposals = await liveProposals(db, m.team_id, m.id);
  if (proposals.some((p) => p.author_user_id === d.recipient_id)) {
    return { type: 'cancel', why: 'already proposed' };
  }
  const time = await recipientTime(services, client, d.team_id, d.recipient_id, now);
  if (d.kind === 'meeting_invite') {
    if (time.sendAt >= m.scheduled_at) return { type: 'cancel', why: 'the meeting will have happened' };
    if (time.sendAt > now) return { type: 'later', when: time.sendAt };
    // An invitation held back past the deadline (called on a Friday evening for Monday)
    // still goes: a proposal now is late but welcome, and the message says so.
    const kind = isLate(m, now) ? 'late' : 'invite';
    return {
      type: 'send',
      recipientId: d.recipient_id,
      message: invitationMessage(m, m.project_name, m.lead_user_id, kind),
    };
  }

  if (m.closed_at) return { type: 'cancel', why: 'proposals closed' };
  const invitation = await invitationOf(db, m.team_id, m.id, d.recipient_id);
  if (invitation?.status !== 'sent' && invitation?.status !== 'pending') {
    return { type: 'cancel', why: 'no invitation went out' };
  }
  // The invitation first, then working time to read and think; an invitation still
  // waiting goes out no sooner than this person's next working moment.
  const invitedAt = invitation.sent_at ?? time.sendAt;
  const earliest = addWorkingHours(invitedAt, REMINDER_AFTER_INVITE_HOURS, time.tz, time.hours);
  const arrives = earliest > time.sendAt ? earliest : time.sendAt;
  if (
    m.proposal_deadline &&
    arrives.getTime() > m.proposal_deadline.getTime() - REMINDER_BEFORE_DEADLINE_MS
  ) {
    return { type: 'cancel', why: 'no working time left between the invitation and the deadline' };
  }
  if (arrives > now) return { type: 'later', when: arrives };
  return {
    type: 'send',
    recipientId: d.recipient_id,
    message: invitationMessage(m, m.project_name, m.lead_user_id, 'reminder'),
  };
}

/**
 * The pre-read at the deadline: its first message in the kickoff thread (the kickoff,
 * redrawn, says it is there), the rest in the thread (posted patiently by the scheduler); then the kickoff is redrawn
 * without its Close button.
 */
async function planPreread(
  services: DeliveryContext['services'],
  client: WebClient,
  m: MeetingWithProject,
): Promise<DeliveryPlan> {
  if (m.closed_at) return { type: 'cancel', why: 'proposals already closed' };
  const { first, rest } = await prereadFor(services.db, client, m);
  return {
    type: 'send',
    recipientId: m.channel_id,
    message: m.thread_ts ? { ...first, thread_ts: m.thread_ts } : first,
    thread: rest,
    effect: async (trx, sent) => {
      await trx
        .updateTable('decision_meetings')
        .set({ closed_at: sent.at, preread_ts: sent.ts, updated_at: sent.at })
        .where('team_id', '=', m.team_id)
        .where('id', '=', m.id)
        .where('closed_at', 'is', null)
        .execute();
    },
    after: (sent) => redrawKickoff(client, services.logger, { ...m, closed_at: sent.at }),
  };
}
