import type { WebClient } from '@slack/web-api';
import { workingHoursOf } from '../db/workspaces.js';
import { recipientZone } from '../scheduler/people.js';
import type { Services } from '../services.js';
import { nextWorkingMoment, type WorkingHours } from './checkins/workingHours.js';

export interface RecipientTime {
  tz: string;
  hours: WorkingHours;
  /** `now` when it is their working time, else the start of their next working time. */
  sendAt: Date;
}

/**
 * When a scheduled message may reach this recipient. Every ritual asks people only in
 * their own working hours (the workspace's hours in the person's zone); a channel has no
 * hours and hears at once.
 */
export async function recipientTime(
  services: Services,
  client: WebClient,
  teamId: string,
  recipientId: string,
  now: Date,
): Promise<RecipientTime> {
  const hours = await workingHoursOf(services.db, teamId);
  if (!/^[UW]/.test(recipientId)) return { tz: 'UTC', hours, sendAt: now };
  const tz = await recipientZone(services, client, teamId, recipientId);
  return { tz, hours, sendAt: nextWorkingMoment(now, tz, hours) };
}
