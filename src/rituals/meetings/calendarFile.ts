import type { WebClient } from '@slack/web-api';
import { calendarFileOf, recordCalendarFile } from '../../db/meetingCalendars.js';
import type { MeetingWithProject } from '../../db/meetings.js';
import type { Services } from '../../services.js';
import { formatMoment } from '../../time.js';
import { MEETING_MINUTES, meetingIcs, meetingUid } from './calendar.js';

/** What the calendar entry says besides its title and time: the deadline and where to propose. */
function description(m: MeetingWithProject, tz: string, threadLink: string | null): string {
  const lines = [`Decision meeting of ${m.project_name}: ${m.question}`];
  if (m.status === 'cancelled') lines.push('This meeting is cancelled.');
  else if (m.proposal_deadline)
    lines.push(`Proposals due ${formatMoment(m.proposal_deadline, tz)} (${tz}), in the meeting's thread.`);
  if (threadLink) lines.push(`Thread: ${threadLink}`);
  return lines.join('\n');
}

async function threadLink(client: WebClient, m: MeetingWithProject): Promise<string | null> {
  if (!m.thread_ts) return null;
  try {
    return (
      (await client.chat.getPermalink({ channel: m.channel_id, message_ts: m.thread_ts })).permalink ?? null
    );
  } catch {
    return null;
  }
}

/** A file already gone is as good as deleted; anything else is worth a warning, not a retry. */
const GONE = new Set(['file_not_found', 'file_deleted']);

/**
 * The meeting as a calendar file in a person's DM (their invitation's, or the notice of a
 * change): a new file each time, the one sent before deleted once the new one is in, the
 * same UID throughout so their calendar moves or cancels the event it already has. A
 * cancellation goes only to those who were sent a file: nothing else is in a calendar.
 */
export async function sendCalendarFile(
  { db, clock, logger }: Services,
  client: WebClient,
  m: MeetingWithProject,
  to: { userId: string; channelId: string; tz: string },
): Promise<void> {
  const before = await calendarFileOf(db, m.team_id, m.id, to.userId);
  const cancel = m.status === 'cancelled';
  if (cancel && !before) return;
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
