import type { WebClient } from '@slack/web-api';
import { calendarFileOf, calendarFilesOf, recordCalendarFile } from '../../db/meetingCalendars.js';
import { findMeeting, liveProposals, type MeetingWithProject } from '../../db/meetings.js';
import { cachedUser } from '../../db/slackUsers.js';
import type { Services } from '../../services.js';
import { formatMoment } from '../../time.js';
import { MEETING_MINUTES, meetingIcs, meetingUid } from './calendar.js';

/** What the calendar entry says besides its title and time: the deadline and where to propose. */
function description(m: MeetingWithProject, tz: string, threadLink: string | null): string {
  const lines = [`Decision meeting of ${m.project_name}: ${m.question}`];
  if (m.status === 'cancelled') lines.push('This meeting is cancelled.');
  else if (m.proposal_deadline)
    lines.push(`Proposals due ${formatMoment(m.proposal_deadline, tz)}, in the meeting's thread.`);
  if (threadLink) lines.push(`Thread: ${threadLink}`);
  return lines.join('\n');
}

/**
 * The kickoff's permalink, asked once per thread: a permalink never changes, and a meeting
 * of hundreds would otherwise ask Slack once per invitation. Bounded, oldest dropped first.
 */
const threadLinks = new Map<string, string>();
const THREAD_LINKS_KEPT = 500;

async function threadLink(client: WebClient, m: MeetingWithProject): Promise<string | null> {
  if (!m.thread_ts) return null;
  const key = `${m.team_id}/${m.channel_id}/${m.thread_ts}`;
  const known = threadLinks.get(key);
  if (known) return known;
  try {
    const link = (await client.chat.getPermalink({ channel: m.channel_id, message_ts: m.thread_ts }))
      .permalink;
    if (!link) return null;
    if (threadLinks.size >= THREAD_LINKS_KEPT) threadLinks.delete(threadLinks.keys().next().value!);
    threadLinks.set(key, link);
    return link;
  } catch {
    return null;
  }
}

/** A file already gone is as good as deleted; anything else is worth a warning, not a retry. */
const GONE = new Set(['file_not_found', 'file_deleted']);

/**
 * The meeting as a calendar file in a person's DM (their invitation's, or the notice of a
 * change): a new file each time, the one sent before deleted once the new one is in, the
 * same UID throughout so their calendar moves or cancels the event it already has. The
 * meeting is read as it is now, and a person whose file already shows this revision gets
 * none: a late or repeated call changes nothing. A cancellation goes only to those who
 * were sent a file: nothing else is in a calendar.
 */
export async function sendCalendarFile(
  { db, clock, logger }: Services,
  client: WebClient,
  meeting: { team_id: string; id: number },
  to: { userId: string; channelId: string; tz: string },
): Promise<void> {
  const m = await findMeeting(db, meeting.team_id, meeting.id);
  if (!m) return;
  const before = await calendarFileOf(db, m.team_id, m.id, to.userId);
  const cancel = m.status === 'cancelled';
  if ((cancel && !before) || (before && before.revision >= m.revision)) return;
  const at = clock.now();
  const link = await threadLink(client, m);
  const ics = meetingIcs({
    uid: meetingUid(m),
    sequence: m.revision,
    title: m.question,
    start: m.scheduled_at,
    minutes: MEETING_MINUTES,
    description: description(m, to.tz, link),
    url: link,
    stamp: at,
    method: cancel ? 'CANCEL' : 'PUBLISH',
  });
  const uploaded = (await client.files.uploadV2({
    channel_id: to.channelId,
    content: ics,
    filename: cancel ? 'decision-meeting-cancelled.ics' : 'decision-meeting.ics',
    title: cancel ? 'Cancelled: remove it from your calendar' : 'Add the meeting to your calendar',
  })) as { files?: { files?: { id?: string }[] }[] };
  const fileId = uploaded.files?.[0]?.files?.[0]?.id;
  if (!fileId) return;
  await recordCalendarFile(db, {
    teamId: m.team_id,
    meetingId: m.id,
    userId: to.userId,
    fileId,
    revision: m.revision,
    at,
  });
  if (!before || before.file_id === fileId) return;
  await client.files.delete({ file: before.file_id }).catch((error: unknown) => {
    const code = (error as { data?: { error?: string } }).data?.error;
    if (!code || !GONE.has(code))
      logger.warn('could not delete the calendar file a newer one replaces', {
        meetingId: m.id,
        error: String(error),
      });
  });
}

/**
 * A meeting moved by "none yet — collect more": those invited again get a new file with
 * their invitation; those who proposed are not invited again, so their file follows the
 * meeting here, in their DM.
 */
export async function moveProposersCalendars(
  services: Services,
  client: WebClient,
  m: MeetingWithProject,
): Promise<void> {
  const [files, proposals] = await Promise.all([
    calendarFilesOf(services.db, m.team_id, m.id),
    liveProposals(services.db, m.team_id, m.id),
  ]);
  const proposed = new Set(proposals.map((p) => p.author_user_id));
  for (const file of files) {
    if (file.revision >= m.revision || !proposed.has(file.user_id)) continue;
    try {
      const dm = await client.conversations.open({ users: file.user_id });
      const tz = (await cachedUser(services.db, m.team_id, file.user_id))?.tz ?? 'UTC';
      if (dm.channel?.id)
        await sendCalendarFile(services, client, m, { userId: file.user_id, channelId: dm.channel.id, tz });
    } catch (error) {
      services.logger.warn('could not move a calendar file', { meetingId: m.id, error: String(error) });
    }
  }
}

/**
 * Calendar files go out one at a time, behind the messages they follow: an invitation
 * round of hundreds is not held up by hundreds of uploads, and two files for one person
 * never race (each reads the meeting as it is when its turn comes). A failure is logged:
 * the invitation itself is out, and the next change sends a file again.
 */
const queues = new WeakMap<Services, Promise<void>>();

export function queueCalendarFile(
  services: Services,
  client: WebClient,
  meeting: { team_id: string; id: number },
  to: { userId: string; channelId: string; tz: string },
): void {
  // One queue per running Labbook (a test process starts several one after another).
  const queue = (queues.get(services) ?? Promise.resolve())
    .then(() => sendCalendarFile(services, client, meeting, to))
    .catch((error: unknown) =>
      services.logger.warn('could not send the meeting calendar file', {
        meetingId: meeting.id,
        error: String(error),
      }),
    );
  queues.set(services, queue);
}
