import { escapeMrkdwn } from '../../../blocks/text.js';
import { setOwnHolidays, setWorkspaceHolidays } from '../../db/away.js';
import { cachedUser } from '../../db/slackUsers.js';
import { getWorkspace, setWorkingHours, workingHoursOf } from '../../db/workspaces.js';
import { knownRegion } from '../../rituals/away/holidays.js';
import { describeWorkingHours, parseWorkingHours } from '../../rituals/checkins/workingHours.js';
import type { Services } from '../../services.js';
import { requireWorkspaceAdmin } from '../people.js';
import { tell, type Audience } from '../tell.js';

const HOLIDAYS = /^(my\s+)?(.*?)\s*\bholidays\s+(\S+)\s*$/i;
const REGION_USAGE =
  'Name a country, with a region if its holidays differ by region: `DE-BY`, `US`, `GB-SCT`, or `none`.';

/**
 * `/hypothesis hours`: when check-ins and reminders go out, in each person's own zone, and
 * which public holidays are days off. Anyone may read it and choose their own holidays
 * (`my holidays US-CA`, `my holidays default`); a workspace admin or owner may change the
 * hours and the workspace's holidays (`9-18 mon-fri holidays DE-BY`).
 */
export async function workingHoursCommand(
  services: Services,
  to: Audience & { teamId: string },
  args: string,
): Promise<void> {
  const current = await workingHoursOf(services.db, to.teamId);
  const holidays = HOLIDAYS.exec(args.trim());
  if (holidays?.[1]) return ownHolidays(services, to, holidays[3]!);
  const reminders = /^reminders\s+(\S+)$/i.exec(args.trim());
  if (reminders) return reminderCount(services, to, reminders[1]!);
  if (!args.trim()) {
    const [ws, me] = await Promise.all([
      getWorkspace(services.db, to.teamId),
      cachedUser(services.db, to.teamId, to.userId),
    ]);
    const own = me?.holidays;
    const yours =
      own === null || own === undefined
        ? ''
        : ` Yours: ${own === '' ? 'no public holidays' : `those of ${own}`}.`;
    await tell(to, {
      text: `Check-ins and reminders go out ${describeWorkingHours(current)}${holidayClause(ws?.holidays ?? null)}, in each owner's own Slack time zone.${yours} A workspace admin can change this, e.g. \`/hypothesis hours 8-17 sun-thu holidays DE-BY\`; anyone can choose their own holidays with \`/hypothesis hours my holidays US-CA\`.`,
    });
    return;
  }
  await requireWorkspaceAdmin(
    to.client,
    to.userId,
    `Only a workspace admin or owner can change the working hours (now ${describeWorkingHours(current)}). Your own holidays: \`/hypothesis hours my holidays US-CA\`.`,
  );
  const hoursText = holidays ? holidays[2]! : args;
  const parsed = hoursText.trim() ? parseWorkingHours(hoursText) : { ok: true as const, value: current };
  if (!parsed.ok) {
    await tell(to, { text: `I could not read \`${escapeMrkdwn(args)}\`. ${parsed.error}` });
    return;
  }
  const region = holidays ? await readRegion(holidays[3]!) : undefined;
  if (region === false) {
    await tell(to, {
      text: `I do not know the holidays of \`${escapeMrkdwn(holidays![3]!)}\`. ${REGION_USAGE}`,
    });
    return;
  }
  const now = services.clock.now();
  if (region !== undefined) await setWorkspaceHolidays(services.db, to.teamId, region, now);
  // Also puts waiting deliveries back, so they follow the new holidays as well as the hours.
  await setWorkingHours(services.db, to.teamId, parsed.value, now);
  const ws = await getWorkspace(services.db, to.teamId);
  await tell(to, {
    text: `Check-ins and reminders now go out ${describeWorkingHours(parsed.value)}${holidayClause(ws?.holidays ?? null)}, in each owner's own time zone. Those already waiting follow the new hours.`,
  });
}

/** `reminders 0|1|2` (admins): how many reminders follow an unanswered check-in before the lead hears. */
async function reminderCount(
  services: Services,
  to: Audience & { teamId: string },
  text: string,
): Promise<void> {
  await requireWorkspaceAdmin(
    to.client,
    to.userId,
    'Only a workspace admin or owner can change how many reminders go out.',
  );
  if (!/^[0-2]$/.test(text)) {
    await tell(to, { text: `Choose 0, 1 or 2 reminders, e.g. \`/hypothesis hours reminders 1\`.` });
    return;
  }
  const n = Number(text);
  await services.db
    .updateTable('workspaces')
    .set({ reminder_count: n, updated_at: services.clock.now() })
    .where('team_id', '=', to.teamId)
    .execute();
  const said = n === 0 ? 'no reminder' : n === 1 ? 'one reminder' : 'two reminders';
  await tell(to, {
    text: `An unanswered check-in now gets ${said}, a working day apart, before the project lead hears.`,
  });
}

/** `my holidays US-CA` / `none` / `default`: the caller's own public holidays. */
async function ownHolidays(
  services: Services,
  to: Audience & { teamId: string },
  text: string,
): Promise<void> {
  const region = /^default$/i.test(text) ? null : await readRegion(text);
  if (region === false) {
    await tell(to, { text: `I do not know the holidays of \`${escapeMrkdwn(text)}\`. ${REGION_USAGE}` });
    return;
  }
  await setOwnHolidays(services.db, to.teamId, to.userId, region);
  await tell(to, {
    text:
      region === null
        ? 'Your public holidays are the workspace’s again.'
        : region === ''
          ? 'No public holidays are days off for you now.'
          : `The public holidays of ${region} are days off for you now: nothing from Labbook reaches you on them.`,
  });
}

/** A region code, '' for none, or false when date-holidays does not know it. */
async function readRegion(text: string): Promise<string | false> {
  if (/^(none|off)$/i.test(text)) return '';
  return (await knownRegion(text)) ?? false;
}

const holidayClause = (region: string | null) => (region ? `, except public holidays in ${region}` : '');
