import type { Channel, Person } from './api.js';
import type { EmbeddedSlack } from './slack/embeddedSlack.js';
import { zoneOffsetMs } from '../wallClock.js';

/**
 * The sandbox's small workspace: four people in four time zones (Ada leads the project,
 * Priya administers the workspace), a project channel the bot is in and one it is not,
 * and each person's DM with Labbook. Ids are stable so a saved conversation still makes
 * sense after a restart.
 */
export const TEAM = { id: 'T0SANDBOX', name: 'Sandbox Lab' } as const;
export const BOT = { id: 'U0LABBOOK', botId: 'B0LABBOT', name: 'Labbook' } as const;

export const PEOPLE: readonly Person[] = [
  { id: 'U0ADA', name: 'Ada Lovelace', tz: 'Europe/London', title: 'Project lead', isAdmin: false },
  { id: 'U0GRACE', name: 'Grace Hopper', tz: 'America/New_York', title: 'Research engineer', isAdmin: false },
  { id: 'U0KENJI', name: 'Kenji Tanaka', tz: 'Asia/Tokyo', title: 'ML engineer', isAdmin: false },
  { id: 'U0PRIYA', name: 'Priya Raman', tz: 'Asia/Kolkata', title: 'Workspace admin', isAdmin: true },
];

const everyone = PEOPLE.map((p) => p.id);

export const CHANNELS: readonly Channel[] = [
  { id: 'C0RANKING', name: 'ml-ranking', kind: 'channel', botIsMember: true, members: everyone },
  { id: 'C0RANDOM', name: 'random', kind: 'channel', botIsMember: false, members: everyone },
  ...PEOPLE.map((p): Channel => ({
    id: `D${p.id}`,
    name: BOT.name,
    kind: 'dm',
    botIsMember: true,
    members: [p.id],
    user: p.id,
  })),
];

export const channelById = (id: string): Channel | undefined => CHANNELS.find((c) => c.id === id);
export const personById = (id: string): Person | undefined => PEOPLE.find((p) => p.id === id);

/** Who may read `channel`: its members (a DM: only its person). */
export const canSee = (personId: string, channel: Channel): boolean => channel.members.includes(personId);

/** Declares the people and channels to the embedded Slack, so it answers users.info and refuses as Slack would. */
export function seedSlack(slack: EmbeddedSlack): void {
  for (const p of PEOPLE)
    slack.addUser({
      id: p.id,
      tz: p.tz,
      tzOffset: tzOffsetSeconds(p.tz),
      realName: p.name,
      isAdmin: p.isAdmin,
    });
  for (const c of CHANNELS.filter((ch) => ch.kind === 'channel'))
    slack.addChannel({ id: c.id, members: c.members, botMember: c.botIsMember });
}

/** The zone's offset from UTC now, in seconds, as users.info's tz_offset gives it. */
function tzOffsetSeconds(tz: string, at = new Date()): number {
  return Math.round(zoneOffsetMs(at, tz) / 1000);
}
