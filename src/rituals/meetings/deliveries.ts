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
import type { Delivery, Proposal } from '../../db/schema/index.js';
import { similarPastHypotheses } from '../../db/search.js';
import type { Services } from '../../services.js';
import { postPatiently } from '../../scheduler/patient.js';
import type { DeliveryContext, DeliveryPlan, DeliveryRitual, SentMessage } from '../../scheduler/rituals.js';
import { addWorkingHours } from '../checkins/workingHours.js';
import { recipientTime } from '../workingTime.js';
import { awayParticipants } from './away.js';
import { queueCalendarFile } from './calendarFile.js';
import { MEETING_KINDS } from './meetings.js';
import { pastLine, pitfallFlags, readProposal, withoutProposals, type PastMatch } from './preread.js';
import { approachSubject } from './proposalText.js';
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

/** A message's permalink, or none when Slack cannot give one (the pre-read goes out without the link). */
async function permalink(client: WebClient, channel: string, ts: string | null): Promise<string | null> {
  if (!ts) return null;
  try {
    return (await client.chat.getPermalink({ channel, message_ts: ts })).permalink ?? null;
  } catch {
    return null;
  }
}

/** How many past hypotheses each proposal of the pre-read lists under "Tried before". */
const TRIED_BEFORE_SHOWN = 2;

/** Per proposal: the concluded hypotheses of the workspace closest to its approach. */
async function triedBefore(db: Db, teamId: string, proposals: Proposal[]): Promise<Map<number, PastMatch[]>> {
  const found = new Map<number, PastMatch[]>();
  for (const p of proposals) {
    const about = approachSubject(p.approach) || p.approach;
    found.set(p.id, await similarPastHypotheses(db, teamId, about, TRIED_BEFORE_SHOWN));
  }
  return found;
}

/** The pre-read as it stands now: every live proposal, the discussion, who has not proposed, the pitfalls. */
export async function prereadFor(
  services: Services,
  client: WebClient,
  m: MeetingWithProject,
  /** Where to look people up; from a flow, a client that fails fast instead of waiting out a 429. */
  lookups: WebClient = client,
) {
  const { db } = services;
  const [proposals, facts, numbers, discussion] = await Promise.all([
    liveProposals(db, m.team_id, m.id),
    designDocFacts(db, m.team_id, m.project_id),
    proposalNumbers(db, m.team_id, m.id),
    discussionReplies(db, m.team_id, m.id),
  ]);
  const without = withoutProposals(m.participants, proposals);
  const past = await triedBefore(db, m.team_id, proposals);
  const links = new Map<number, string>();
  for (const p of proposals) {
    const link = await permalink(client, m.channel_id, p.message_ts);
    if (link) links.set(p.id, link);
  }
  return prereadMessages({
    question: m.question,
    projectName: m.project_name,
    scheduledAt: m.scheduled_at,
    metric: m.metric,
    proposals,
    participants: m.participants,
    withoutProposals: without,
    away: await awayParticipants(services, lookups, m, without),
    numbers,
    links,
    readings: new Map(proposals.map((p) => [p.id, readProposal(p)])),
    triedBefore: new Map([...past].map(([id, found]) => [id, found.map((h) => pastLine(h, m.project_name))])),
    discussion: {
      count: discussion.length,
      link: await permalink(client, m.channel_id, discussion[0]?.message_ts ?? null),
    },
    flags: pitfallFlags({
      proposals,
      metric: m.metric,
      baseline: facts.baseline,
      numbers,
      triedBefore: past,
    }).map((f) => f.sentence),
  });
}

/** Redraws the kickoff message from the meeting as it is now (times, buttons, outcome, who is away). */
export async function redrawKickoff(
  services: Services,
  client: WebClient,
  m: MeetingWithProject,
  lookups: WebClient = client,
): Promise<void> {
  if (!m.thread_ts) return;
  const away = await awayParticipants(services, lookups, m);
  await client.chat
    .update({
      channel: m.channel_id,
      ts: m.thread_ts,
      ...kickoffMessage({ ...m, away }, m.lead_user_id),
    })
    .catch((error: unknown) =>
      services.logger.warn('could not update the kickoff', { meetingId: m.id, error: String(error) }),
    );
}

/** The rest of a pre-read, in the kickoff thread, and the kickoff without its Close button. */
export async function finishPreread(
  services: Services,
  client: WebClient,
  m: MeetingWithProject,
  rest: { text: string; blocks: KnownBlock[] }[],
  threadTs: string,
  lookups: WebClient = client,
): Promise<void> {
  for (const message of rest) {
    await postPatiently(client, {
      channel: m.channel_id,
      thread_ts: threadTs,
      ...message,
      unfurl_links: false,
    });
  }
  await redrawKickoff(services, client, m, lookups);
}

/** After an invitation or a notice of change: the meeting's calendar file, in the same DM, queued. */
const calendarAfter =
  (
    services: DeliveryContext['services'],
    client: WebClient,
    m: MeetingWithProject,
    userId: string,
    tz: string,
  ) =>
  (sent: SentMessage): Promise<void> => {
    if (sent.channelId) queueCalendarFile(services, client, m, { userId, channelId: sent.channelId, tz });
    return Promise.resolve();
  };

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
    const { sendAt, tz } = await recipientTime(services, client, d.team_id, d.recipient_id, now);
    if (sendAt > now) return { type: 'later', when: sendAt };
    return {
      type: 'send',
      recipientId: d.recipient_id,
      message: noticeMessage(m, m.project_name),
      after: calendarAfter(services, client, m, d.recipient_id, tz),
    };
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
      after: calendarAfter(services, client, m, d.recipient_id, time.tz),
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
  const { first, rest } = await prereadFor(services, client, m);
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
    after: (sent) => redrawKickoff(services, client, { ...m, closed_at: sent.at }),
  };
}
