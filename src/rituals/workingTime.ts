import type { WebClient } from '@slack/web-api';
import { awayRangeOf } from '../db/away.js';
import { cachedUser } from '../db/slackUsers.js';
import { getWorkspace, hoursOfWorkspace } from '../db/workspaces.js';
import type { SlackUser, Workspace } from '../db/schema/index.js';
import type { Db } from '../db/index.js';
import { recipientStatus, zoneOf } from '../scheduler/people.js';
import type { Services } from '../services.js';
import { inZone, localDate } from '../time.js';
import { awayThrough, DEFAULT_AWAY_EMOJI, isAwayOn, statusAway, type AwayRange } from './away/away.js';
import { publicHolidaysIn } from './away/holidays.js';
import { timeboxWorkingDays, type DaysOff, type TimeboxDays } from './away/workingDays.js';
import { nextWorkingMoment, type WorkingHours } from './checkins/workingHours.js';

export interface RecipientTime {
  tz: string;
  /** The workspace's hours with this person's days off (away range, public holidays). */
  hours: WorkingHours;
  /** The recipient's workspace, as read to decide (its settings: reminders, away emoji). */
  workspace: Workspace | undefined;
  /** `now` when it is their working time, else the start of their next working time. */
  sendAt: Date;
  /**
   * Whether a message due at `dueAt` waited at least a whole working day for them (away,
   * a holiday, an away status): it then says so.
   */
  waitedSince(dueAt: Date): boolean;
}

/**
 * A person's working calendar: the workspace's hours, minus their away range and the
 * public holidays of their region (their own, else the workspace's).
 */
export async function workingCalendar(db: Db, teamId: string, userId: string): Promise<WorkingHours> {
  return calendarOf(await readPerson(db, teamId, userId));
}

/** What the working-time questions read about a person and their workspace: one read each. */
interface PersonAtWork {
  ws: Workspace | undefined;
  person: SlackUser | undefined;
  away: AwayRange | undefined;
}

async function readPerson(db: Db, teamId: string, userId: string): Promise<PersonAtWork> {
  const [ws, person, away] = await Promise.all([
    getWorkspace(db, teamId),
    cachedUser(db, teamId, userId),
    awayRangeOf(db, teamId, userId),
  ]);
  return { ws, person, away };
}

async function calendarOf(read: PersonAtWork): Promise<WorkingHours> {
  const { hours, off } = await daysOffOf(read);
  return { ...hours, isDayOff: (date) => off.isAway(date) || off.isHoliday(date) };
}

/** The workspace's hours, and a person's days off by kind, with the holidays' region. */
async function daysOffOf({ ws, person, away }: PersonAtWork) {
  const region = person?.holidays ?? ws?.holidays ?? '';
  const holiday = region === '' ? () => false : await publicHolidaysIn(region);
  const off: DaysOff = {
    isAway: (date) => isAwayOn(away, date),
    isHoliday: holiday,
  };
  return { hours: hoursOfWorkspace(ws), off, region: region || null };
}

/** How many working days a timebox from `start` to `due` gives its owner, and which days it loses. */
export async function timeboxDaysOf(
  db: Db,
  teamId: string,
  ownerId: string,
  span: { start: Date; due: Date; tz: string },
): Promise<{ days: TimeboxDays; region: string | null }> {
  const { hours, off, region } = await daysOffOf(await readPerson(db, teamId, ownerId));
  return { days: timeboxWorkingDays(span.start, span.due, span.tz, hours.days, off), region };
}

/**
 * What deciding whether to reach a person now takes: their zone, their working calendar,
 * their away range and whether their Slack status says they are away.
 */
async function personNow(services: Services, client: WebClient, teamId: string, userId: string, now: Date) {
  let read = await readPerson(services.db, teamId, userId);
  const { tz, refreshed } = await zoneOf(services, client, teamId, userId, read.person);
  if (refreshed) read = { ...read, person: await cachedUser(services.db, teamId, userId) };
  const emoji = read.ws?.away_emoji ?? DEFAULT_AWAY_EMOJI;
  const [hours, status] = await Promise.all([
    calendarOf(read),
    recipientStatus(services, client, teamId, userId, emoji, read.person),
  ]);
  return { tz, hours, ws: read.ws, away: read.away, status: statusAway(status, emoji, now) };
}

/**
 * When a scheduled message may reach this recipient. Every ritual asks people only in
 * their own working hours (the workspace's hours in the person's zone), never on a day
 * they are away or on a public holiday, nor while their Slack status says they are away;
 * a channel has no hours and hears at once.
 */
export async function recipientTime(
  services: Services,
  client: WebClient,
  teamId: string,
  recipientId: string,
  now: Date,
): Promise<RecipientTime> {
  if (!/^[UW]/.test(recipientId)) {
    const ws = await getWorkspace(services.db, teamId);
    return { tz: 'UTC', hours: hoursOfWorkspace(ws), workspace: ws, sendAt: now, waitedSince: () => false };
  }
  const { tz, hours, ws, status } = await personNow(services, client, teamId, recipientId, now);
  // No expiry: ask again on their next working day rather than guess when they are back.
  const from = !status ? now : (status.until ?? inZone(now, tz).startOf('day').add(1, 'day').toDate());
  const plain = { startHour: hours.startHour, endHour: hours.endHour, days: hours.days };
  return {
    tz,
    hours,
    workspace: ws,
    sendAt: nextWorkingMoment(from.getTime() > now.getTime() ? from : now, tz, hours),
    waitedSince: (dueAt) => localDate(nextWorkingMoment(dueAt, tz, plain), tz) < localDate(now, tz),
  };
}

/**
 * Whether this person is away from now through `deadline` (see awayThrough). Someone
 * Slack cannot tell us about right now (rate-limited, gone) is simply not shown as away.
 */
export async function awayThroughDeadline(
  services: Services,
  client: WebClient,
  teamId: string,
  userId: string,
  deadline: Date,
): Promise<{ lastDay: string | null } | undefined> {
  const now = services.clock.now();
  try {
    const { tz, hours, away, status } = await personNow(services, client, teamId, userId, now);
    return awayThrough({ from: now, deadline, tz, hours, range: away, status });
  } catch (error) {
    services.logger.debug('could not tell whether they are away', { userId, error: String(error) });
    return undefined;
  }
}
