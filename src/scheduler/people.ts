import type { WebClient } from '@slack/web-api';
import { saveStatus } from '../db/away.js';
import { cachedUser, saveUser } from '../db/slackUsers.js';
import type { SlackUser } from '../db/schema/index.js';
import { ensureDirectory } from './directory.js';
import { statusAway, type SlackStatus } from '../rituals/away/away.js';
import type { Services } from '../services.js';
import { DAY_MS, safeZone } from '../time.js';
import { PermanentDeliveryError } from './slackErrors.js';

/**
 * The recipient's time zone for scheduling, from the cache that listing the workspace's
 * people fills (ensureDirectory) and user_change events keep fresh; users.info only for
 * someone the listing did not have. Unlike the interactive lookup this one lets Slack's
 * errors through (a rate limit reschedules, user_not_found is permanent), and a
 * deactivated account is a permanent failure: nobody will read the DM.
 */
export async function recipientZone(
  services: Services,
  client: WebClient,
  teamId: string,
  userId: string,
): Promise<string> {
  const cached = await cachedUser(services.db, teamId, userId);
  return (await zoneOf(services, client, teamId, userId, cached)).tz;
}

/**
 * recipientZone for a caller that has just read the person's cached row; `refreshed` says
 * the row was stale or missing and has been written again since (read it anew).
 */
export async function zoneOf(
  services: Services,
  client: WebClient,
  teamId: string,
  userId: string,
  cached: SlackUser | undefined,
): Promise<{ tz: string; refreshed: boolean }> {
  const now = services.clock.now();
  const fresh = (u: SlackUser | undefined): u is SlackUser =>
    u !== undefined && now.getTime() - u.fetched_at.getTime() < DAY_MS;
  let refreshed = false;
  if (!fresh(cached)) {
    refreshed = true;
    await ensureDirectory(services, client, teamId, async () =>
      fresh(await cachedUser(services.db, teamId, userId)),
    );
    cached = await cachedUser(services.db, teamId, userId);
  }
  if (fresh(cached)) {
    if (cached.deleted) throw new PermanentDeliveryError('account_inactive');
    return { tz: cached.tz, refreshed };
  }
  const { user } = await client.users.info({ user: userId });
  const tz = safeZone(user?.tz);
  const deleted = user?.deleted ?? false;
  await saveUser(services.db, { teamId, userId, tz, realName: user?.real_name ?? null, deleted, at: now });
  if (deleted) throw new PermanentDeliveryError('account_inactive');
  return { tz, refreshed };
}

/**
 * The recipient's Slack status, for deciding whether they are away. Cached for a day and
 * kept fresh by user_change events, except an away status without an expiry, which is read
 * again at every delivery (people forget to clear it). A workspace installed before
 * Labbook asked for users.profile:read answers missing_scope: then the status is unknown,
 * never a reason to hold a message back.
 */
export async function recipientStatus(
  services: Services,
  client: WebClient,
  teamId: string,
  userId: string,
  awayEmoji: readonly string[],
  /** The person's cached row, when the caller has just read it. */
  known?: SlackUser,
): Promise<SlackStatus | undefined> {
  const now = services.clock.now();
  const cached = known ?? (await cachedUser(services.db, teamId, userId));
  const cachedStatus = cached?.status_fetched_at
    ? { emoji: cached.status_emoji, text: cached.status_text, expiration: cached.status_expiration }
    : undefined;
  const openEnded = statusAway(cachedStatus, awayEmoji, now)?.until === null;
  if (cachedStatus && !openEnded && now.getTime() - cached!.status_fetched_at!.getTime() < DAY_MS) {
    return cachedStatus;
  }
  try {
    const { profile } = await client.users.profile.get({ user: userId });
    const status = profileStatus(profile);
    await saveStatus(services.db, { teamId, userId, status, at: now });
    return status;
  } catch (error) {
    services.logger.warn('users.profile.get failed; using the cached status', {
      userId,
      error: String(error),
    });
    return cachedStatus;
  }
}

/** The status fields of a Slack profile (users.profile.get, user_change), expiry 0 meaning none. */
export function profileStatus(
  profile: { status_emoji?: string; status_text?: string; status_expiration?: number } | undefined,
): SlackStatus {
  const expiration = profile?.status_expiration ?? 0;
  return {
    emoji: profile?.status_emoji || null,
    text: profile?.status_text || null,
    expiration: expiration > 0 ? new Date(expiration * 1000) : null,
  };
}
