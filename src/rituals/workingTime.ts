import type { WebClient } from '@slack/web-api';
import { awayRangeOf } from '../db/away.js';
import { cachedUser } from '../db/slackUsers.js';
import { getWorkspace, workingHoursOf } from '../db/workspaces.js';
import type { Db } from '../db/index.js';
import { recipientStatus, recipientZone } from '../scheduler/people.js';
import type { Services } from '../services.js';
import { inZone } from '../time.js';
import { awayThrough, DEFAULT_AWAY_EMOJI, isAwayOn, statusAway } from './away/away.js';
import { publicHolidaysIn } from './away/holidays.js';
import { timeboxWorkingDays, type DaysOff, type TimeboxDays } from './away/workingDays.js';
import { nextWorkingMoment, type WorkingHours } from './checkins/workingHours.js';

export interface RecipientTime {
  tz: string;
  /** The workspace's hours with this person's days off (away range, public holidays). */
  hours: WorkingHours;
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
  const { hours, off } = await daysOffOf(db, teamId, userId);
  return { ...hours, isDayOff: (date) => off.isAway(date) || off.isHoliday(date) };
}

/** The workspace's hours, and a person's days off by kind, with the holidays' region. */
async function daysOffOf(db: Db, teamId: string, userId: string) {
  const [hours, ws, person, away] = await Promise.all([
    workingHoursOf(db, teamId),
    getWorkspace(db, teamId),
    cachedUser(db, teamId, userId),
    awayRangeOf(db, teamId, userId),
  ]);
  const region = person?.holidays ?? ws?.holidays ?? '';
  const holiday = region === '' ? () => false : await publicHolidaysIn(region);
  const off: DaysOff = {
    isAway: (date) => isAwayOn(away, date),
    isHoliday: holiday,
  };
  return { hours, off, region: region || null };
}

/** How many working days a timebox from `start` to `due` gives its owner, and which days it loses. */
export async function timeboxDaysOf(
  db: Db,
  teamId: string,
  ownerId: string,
  span: { start: Date; due: Date; tz: string },
): Promise<{ days: TimeboxDays; region: string | null }> {
  const { hours, off, region } = await daysOffOf(db, teamId, ownerId);
  return { days: timeboxWorkingDays(span.start, span.due, span.tz, hours.days, off), region };
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
    const hours = await workingHoursOf(services.db, teamId);
    return { tz: 'UTC', hours, sendAt: now, waitedSince: () => false };
  }
  const tz = await recipientZone(services, client, teamId, recipientId);
  const [hours, ws] = await Promise.all([
    workingCalendar(services.db, teamId, recipientId),
    getWorkspace(services.db, teamId),
  ]);
  const emoji = ws?.away_emoji ?? DEFAULT_AWAY_EMOJI;
  const status = statusAway(await recipientStatus(services, client, teamId, recipientId, emoji), emoji, now);
  // No expiry: ask again on their next working day rather than guess when they are back.
  const from = !status ? now : (status.until ?? inZone(now, tz).startOf('day').add(1, 'day').toDate());
  const plain = { startHour: hours.startHour, endHour: hours.endHour, days: hours.days };
  return {
    tz,
    hours,
    sendAt: nextWorkingMoment(from.getTime() > now.getTime() ? from : now, tz, hours),
    waitedSince: (dueAt) =>
      inZone(nextWorkingMoment(dueAt, tz, plain), tz).format('YYYY-MM-DD') <
      inZone(now, tz).format('YYYY-MM-DD'),
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
    const tz = await recipientZone(services, client, teamId, userId);
    const [hours, ws, range] = await Promise.all([
      workingCalendar(services.db, teamId, userId),
      getWorkspace(services.db, teamId),
      awayRangeOf(services.db, teamId, userId),
    ]);
    const emoji = ws?.away_emoji ?? DEFAULT_AWAY_EMOJI;
    const status = statusAway(await recipientStatus(services, client, teamId, userId, emoji), emoji, now);
    return awayThrough({ from: now, deadline, tz, hours, range, status });
  } catch (error) {
    services.logger.debug('could not tell whether they are away', { userId, error: String(error) });
    return undefined;
  }
}
