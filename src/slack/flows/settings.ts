import { escapeMrkdwn } from '../../../blocks/text.js';
import { setWorkingHours, workingHoursOf } from '../../db/workspaces.js';
import { describeWorkingHours, parseWorkingHours } from '../../rituals/checkins/workingHours.js';
import type { Services } from '../../services.js';
import { requireWorkspaceAdmin } from '../people.js';
import { tell, type Audience } from '../tell.js';

/**
 * `/hypothesis hours`: when check-ins and reminders go out, in each person's own zone.
 * Anyone may read it; a workspace admin or owner may change it for the whole workspace.
 */
export async function workingHoursCommand(
  services: Services,
  to: Audience & { teamId: string },
  args: string,
): Promise<void> {
  const current = await workingHoursOf(services.db, to.teamId);
  if (!args.trim()) {
    await tell(to, {
      text: `Check-ins and reminders go out ${describeWorkingHours(current)}, in each owner's own Slack time zone. A workspace admin can change this, e.g. \`/hypothesis hours 8-17 sun-thu\`.`,
    });
    return;
  }
  await requireWorkspaceAdmin(
    to.client,
    to.userId,
    `Only a workspace admin or owner can change the working hours (now ${describeWorkingHours(current)}).`,
  );
  const parsed = parseWorkingHours(args);
  if (!parsed.ok) {
    await tell(to, { text: `I could not read \`${escapeMrkdwn(args)}\`. ${parsed.error}` });
    return;
  }
  await setWorkingHours(services.db, to.teamId, parsed.value, services.clock.now());
  await tell(to, {
    text: `Check-ins and reminders now go out ${describeWorkingHours(parsed.value)}, in each owner's own time zone. Those already waiting follow the new hours.`,
  });
}
