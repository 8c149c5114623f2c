import type { WebClient } from '@slack/web-api';
import { cachedUser, saveUser } from '../db/slackUsers.js';
import type { Services } from '../services.js';
import { DAY_MS, safeZone } from '../time.js';
import { PermanentDeliveryError } from './slackErrors.js';

/**
 * The recipient's time zone for scheduling. Unlike the interactive lookup this one lets
 * Slack's errors through (a rate limit reschedules, user_not_found is permanent), and a
 * deactivated account is a permanent failure: nobody will read the DM.
 */
export async function recipientZone(
  services: Services,
  client: WebClient,
  teamId: string,
  userId: string,
): Promise<string> {
  const now = services.clock.now();
  const cached = await cachedUser(services.db, teamId, userId);
  if (cached && !cached.deleted && now.getTime() - cached.fetched_at.getTime() < DAY_MS) return cached.tz;
  const { user } = await client.users.info({ user: userId });
  const tz = safeZone(user?.tz);
  const deleted = user?.deleted ?? false;
  await saveUser(services.db, { teamId, userId, tz, realName: user?.real_name ?? null, deleted, at: now });
  if (deleted) throw new PermanentDeliveryError('account_inactive');
  return tz;
}
