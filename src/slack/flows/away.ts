import { escapeMrkdwn } from '../../../blocks/text.js';
import { awayRangeOf, saveStatus, setAwayRange } from '../../db/away.js';
import { findProjectByChannel, isMember } from '../../db/projects.js';
import { parseAway, type AwayRange } from '../../rituals/away/away.js';
import { profileStatus } from '../../scheduler/people.js';
import type { Services } from '../../services.js';
import { formatDay, localDate } from '../../time.js';
import type { UserChangeEvent } from '../payloads.js';
import { userZone } from '../people.js';
import { tell, type Audience } from '../tell.js';

const MEMBER = /^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>\s*/;

/**
 * `/hypothesis away …`: the caller's own away range, or, for a project lead in the
 * project's channel, a member's (`away @member …`). Dates are in the person's own zone.
 */
export async function awayCommand(
  services: Services,
  to: Audience & { teamId: string; channelId: string },
  args: string,
): Promise<void> {
  const member = MEMBER.exec(args);
  const userId = member?.[1] ?? to.userId;
  if (userId !== to.userId) {
    const project = await findProjectByChannel(services.db, to.teamId, to.channelId);
    if (
      !project ||
      project.lead_user_id !== to.userId ||
      !(await isMember(services.db, to.teamId, project.id, userId))
    ) {
      await tell(to, {
        text: 'Only the project’s lead can set someone else away, and only a member of the project, in its channel.',
      });
      return;
    }
  }
  const who = userId === to.userId ? 'You are' : `<@${userId}> is`;
  const tz = await userZone(services, to.client, to.teamId, userId);
  const now = services.clock.now();
  const cmd = parseAway(member ? args.slice(member[0].length) : args, now, tz);
  switch (cmd.type) {
    case 'invalid':
      await tell(to, { text: `I could not read \`${escapeMrkdwn(args)}\`. ${cmd.error}` });
      return;
    case 'show': {
      const range = await awayRangeOf(services.db, to.teamId, userId);
      const today = localDate(now, tz);
      await tell(to, {
        text:
          range && range.endsOn >= today
            ? `${who} away ${describeRange(range)}. Check-ins and reminders wait until the first working hour after. \`/hypothesis away off\` ends it.`
            : `${who} not marked away. Set it with e.g. \`/hypothesis away 2026-12-21 2027-01-04\` or \`away until 2027-01-04\`; a Slack status such as :palm_tree: counts too.`,
      });
      return;
    }
    case 'off':
      await setAwayRange(services.db, { teamId: to.teamId, userId, range: null, setBy: to.userId, at: now });
      await tell(to, {
        text: `${who} no longer marked away. Anything that was waiting goes out in working hours.`,
      });
      return;
    case 'set':
      await setAwayRange(services.db, {
        teamId: to.teamId,
        userId,
        range: cmd.range,
        setBy: to.userId,
        at: now,
      });
      await tell(to, {
        text: `${who} away ${describeRange(cmd.range)}. Check-ins, reminders and meeting invitations wait until the first working hour after.`,
      });
  }
}

/** "from Mon 21 Dec 2026 to Mon 4 Jan 2027 (both days)". */
function describeRange(r: AwayRange): string {
  const day = (d: string) => formatDay(new Date(`${d}T12:00:00Z`), 'UTC');
  return r.startsOn === r.endsOn
    ? `on ${day(r.startsOn)}`
    : `from ${day(r.startsOn)} to ${day(r.endsOn)} (both days)`;
}

/** A user_change / user_status_changed event: the status (and zone) cached as Slack says now. */
export async function onUserChange(
  services: Services,
  teamId: string,
  event: UserChangeEvent,
): Promise<void> {
  await saveStatus(services.db, {
    teamId,
    userId: event.user.id,
    status: profileStatus(event.user.profile),
    ...(event.user.tz ? { tz: event.user.tz } : {}),
    at: services.clock.now(),
  });
}
